#include <sqlite3.h>
#include "SQLiteSetup.h"

// sqlite3_config is variadic, which Swift cannot call: hence this file.
int poolledger_sqlite_setup(void) {
    int code = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (code != SQLITE_OK) return code;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
