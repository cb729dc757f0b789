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

    /// The columns of a record row, in the order `bindRecord` binds them.
    static let recordColumns = "(seq, stream, version, type, external_id, time, payload, hash)"

    /// Binds one record's eight values from parameter `first` on (row `i` of a
    /// many-row INSERT starts at 8·i + 1).
    static func bindRecord(
        _ statement: SQLiteStatement, connection db: SQLiteConnection, first: Int32, seq: UInt64, stream: String, version: UInt64, type: String,
        externalID: String?, time: Int64?, payload: [UInt8], hash: [UInt8]
    ) throws {
        try check(sqlite3_bind_int64(statement, first, Int64(seq)), db)
        try bind(stream, first + 1, statement, db)
        try check(sqlite3_bind_int64(statement, first + 2, Int64(version)), db)
        try bind(type, first + 3, statement, db)
        if let externalID { try bind(externalID, first + 4, statement, db) } else { try check(sqlite3_bind_null(statement, first + 4), db) }
        if let time { try check(sqlite3_bind_int64(statement, first + 5, time), db) } else { try check(sqlite3_bind_null(statement, first + 5), db) }
        try bind(payload, first + 6, statement, db)
        try bind(hash, first + 7, statement, db)
    }

    /// Runs a bound statement that returns no row, and resets it.
    static func execute(_ statement: SQLiteStatement, connection db: SQLiteConnection) throws {
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        guard code == SQLITE_DONE else { throw StoreError.database(String(cString: sqlite3_errmsg(db))) }
    }

    static func insertSnapshot(_ statement: SQLiteStatement, connection db: SQLiteConnection, seq: UInt64, state: [UInt8], hash: [UInt8]) throws {
        try check(sqlite3_bind_int64(statement, 1, Int64(seq)), db)
        try bind(state, 2, statement, db)
        try bind(hash, 3, statement, db)
        try execute(statement, connection: db)
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
