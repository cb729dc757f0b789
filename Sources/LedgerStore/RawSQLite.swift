import GRDB
import GRDBSQLite

/// The hot paths on the raw SQLite API (GRDB's statement handles): binding and
/// reading columns directly, without GRDB's per-row value boxing.
enum RawSQLite {
    /// SQLite copies transient values before `bind` returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func check(_ code: Int32, _ connection: SQLiteConnection) throws {
        guard code == SQLITE_OK else { throw StoreError.database(String(cString: sqlite3_errmsg(connection))) }
    }

    static func bind(_ text: String, _ index: Int32, _ statement: SQLiteStatement, _ db: SQLiteConnection) throws {
        var text = text
        let code = text.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transient) }
            return sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
        }
        try check(code, db)
    }

    static func bind(_ bytes: [UInt8], _ index: Int32, _ statement: SQLiteStatement, _ db: SQLiteConnection) throws {
        let code = bytes.withUnsafeBytes { buffer in
            buffer.baseAddress.map { sqlite3_bind_blob(statement, index, $0, Int32(buffer.count), transient) }
                ?? sqlite3_bind_zeroblob(statement, index, 0)
        }
        try check(code, db)
    }

    static func insert(
        _ statement: SQLiteStatement, connection db: SQLiteConnection, seq: UInt64, stream: String, version: UInt64, type: String,
        externalID: String?, time: Int64?, payload: [UInt8], hash: [UInt8]
    ) throws {
        sqlite3_reset(statement)
        try check(sqlite3_bind_int64(statement, 1, Int64(seq)), db)
        try bind(stream, 2, statement, db)
        try check(sqlite3_bind_int64(statement, 3, Int64(version)), db)
        try bind(type, 4, statement, db)
        if let externalID { try bind(externalID, 5, statement, db) } else { try check(sqlite3_bind_null(statement, 5), db) }
        if let time { try check(sqlite3_bind_int64(statement, 6, time), db) } else { try check(sqlite3_bind_null(statement, 6), db) }
        try bind(payload, 7, statement, db)
        try bind(hash, 8, statement, db)
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        guard code == SQLITE_DONE else { throw StoreError.database(String(cString: sqlite3_errmsg(db))) }
    }

    static func forEachRow(_ statement: Statement, db: Database, _ body: (SQLiteStatement) throws -> Bool) throws {
        let raw = statement.sqliteStatement
        defer { sqlite3_reset(raw) }
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw StoreError.database(String(cString: sqlite3_errmsg(db.sqliteConnection))) }
            if try !body(raw) { return }
        }
    }

    static func text(_ statement: SQLiteStatement, _ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL, let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    static func unsigned(_ statement: SQLiteStatement, _ column: Int32) -> UInt64 {
        UInt64(bitPattern: sqlite3_column_int64(statement, column))
    }

    static func blob(_ statement: SQLiteStatement, _ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A row of `SELECT seq, stream, version, type, external_id, time, payload, hash`.
    static func record(_ statement: SQLiteStatement) -> StoredRecord {
        StoredRecord(
            seq: UInt64(bitPattern: sqlite3_column_int64(statement, 0)),
            stream: text(statement, 1) ?? "",
            version: UInt64(bitPattern: sqlite3_column_int64(statement, 2)),
            type: text(statement, 3) ?? "",
            externalID: text(statement, 4),
            time: sqlite3_column_type(statement, 5) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 5),
            payload: blob(statement, 6),
            hash: blob(statement, 7))
    }
}
