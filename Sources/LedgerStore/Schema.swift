import GRDB

/// The schema, by versioned migrations.
enum Schema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: records, snapshots, head, append-only triggers") { db in
            try db.execute(sql: """
                CREATE TABLE record (
                    seq INTEGER PRIMARY KEY,
                    stream TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    external_id TEXT,
                    time INTEGER,
                    payload BLOB NOT NULL,
                    hash BLOB NOT NULL,
                    UNIQUE (stream, version)
                );
                CREATE UNIQUE INDEX record_external_id ON record(external_id) WHERE external_id IS NOT NULL;
                CREATE INDEX record_time ON record(time) WHERE time IS NOT NULL;
                CREATE TABLE snapshot (
                    seq INTEGER PRIMARY KEY,
                    state BLOB NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE TABLE head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    seq INTEGER NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TRIGGER record_append_only_update BEFORE UPDATE ON record
                BEGIN SELECT RAISE(ABORT, 'the record log is append-only: UPDATE refused'); END;
                CREATE TRIGGER record_append_only_delete BEFORE DELETE ON record
                BEGIN SELECT RAISE(ABORT, 'the record log is append-only: DELETE refused'); END;
                CREATE TRIGGER snapshot_append_only_update BEFORE UPDATE ON snapshot
                BEGIN SELECT RAISE(ABORT, 'snapshots are append-only: UPDATE refused'); END;
                CREATE TRIGGER snapshot_append_only_delete BEFORE DELETE ON snapshot
                BEGIN SELECT RAISE(ABORT, 'snapshots are append-only: DELETE refused'); END;
                """)
        }
        return migrator
    }()
}
