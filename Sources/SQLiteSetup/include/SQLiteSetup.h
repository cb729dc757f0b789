#ifndef POOLLEDGER_SQLITE_SETUP_H
#define POOLLEDGER_SQLITE_SETUP_H

/// Puts the SQLite library in multi-thread mode (no mutex on a connection's
/// calls: every connection is used by one thread at a time, GRDB's queue or
/// the store thread while the queue waits for it) with memory statistics off
/// (no global mutex on each allocation). Must run before SQLite initializes,
/// that is before the first connection opens; returns SQLITE_OK (0), or the
/// error code when SQLite was already initialized, which leaves it as it was.
int poolledger_sqlite_setup(void);

#endif
