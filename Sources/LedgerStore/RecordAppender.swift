import Foundation
import GRDB
import GRDBSQLite

/// Appends records after the log's head: each hashed into the chain, then
/// inserted. It uses SQLite's C API alone (GRDB's prepared statement, bound
/// and stepped raw), so it may run on another thread than its transaction's,
/// provided that thread leaves the connection alone until the appender is
/// done (`DurableLedger`'s store thread waits for it before any other use).
/// The log's head row is written by the transaction (`setHead`), after the
/// last batch.
public final class RecordAppender: @unchecked Sendable {
    private let insert: Statement
    /// `rowsPerInsert` records in one statement: the statement's own cost
    /// (cursors opened and closed, the halt, the reset) paid once for them
    /// all rather than per record; a record is then about a fifth cheaper to store.
    private let insertMany: Statement
    static let rowsPerInsert = 16
    private let insertSnapshot: Statement
    private let connection: SQLiteConnection
    /// The last record appended (the log's head when it began).
    public private(set) var head: Head
    private var scratch: [UInt8] = []

    init(_ tx: StoreTransaction) throws {
        head = try tx.head()
        let row = "(?, ?, ?, ?, ?, ?, ?, ?)"
        // OR FAIL, not the default ABORT: an ABORT statement that writes many
        // rows keeps a statement journal (every page it touches copied first,
        // to a temporary file past 64 KiB: 170 MB written for 100,000 records)
        // so that it can undo itself alone. A failed append fails its whole
        // transaction, which is rolled back, so that undo is never wanted.
        insert = try tx.db.cachedStatement(sql: "INSERT OR FAIL INTO record \(RawSQLite.recordColumns) VALUES \(row)")
        insertMany = try tx.db.cachedStatement(
            sql: "INSERT OR FAIL INTO record \(RawSQLite.recordColumns) VALUES "
                + Array(repeating: row, count: Self.rowsPerInsert).joined(separator: ", "))
        insertSnapshot = try tx.db.cachedStatement(sql: StoreTransaction.insertSnapshot)
        guard let connection = tx.db.sqliteConnection else { throw StoreError.database("the connection is closed") }
        self.connection = connection
    }

    /// Hashes and inserts `records`, numbered after the head; record `i` is
    /// version `versions[i]` of its stream. Returns their hashes when asked (`keepHashes`).
    @discardableResult
    public func append(_ records: [NewRecord], versions: [UInt64], keepHashes: Bool = false) throws -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        precondition(records.count == versions.count, "a version for each record")
        var start = 0
        while start < records.count {
            // Whole statements of `rowsPerInsert` rows, then the rest one by one.
            let many = records.count - start >= Self.rowsPerInsert
            let statement = (many ? insertMany : insert).sqliteStatement
            let end = many ? start + Self.rowsPerInsert : start + 1
            // The head moves once the statement has stored its rows.
            var next = head
            for index in start..<end {
                let record = records[index], version = versions[index]
                let seq = next.seq + 1
                let hash = RecordHash.bytes(RecordHash.digest(
                    previous: next.hash, seq: seq, stream: record.stream, version: version, type: record.type,
                    externalID: record.externalID, time: record.time, payload: record.payload, scratch: &scratch))
                try RawSQLite.bindRecord(
                    statement, connection: connection, first: Int32(8 * (index - start) + 1), seq: seq, stream: record.stream, version: version,
                    type: record.type, externalID: record.externalID, time: record.time, payload: record.payload, hash: hash)
                next = Head(seq: seq, hash: hash)
                if keepHashes { hashes.append(hash) }
            }
            try RawSQLite.execute(statement, connection: connection)
            head = next
            start = end
        }
        return hashes
    }

    /// Stores a snapshot of the state at `seq`, which must be the last record
    /// appended: its hash covers that record's hash (as `saveSnapshot` of the
    /// transaction computes it from the stored record).
    public func saveSnapshot(seq: UInt64, state: [UInt8]) throws {
        guard head.seq == seq else { throw StoreError.database("a snapshot at seq \(seq) handed over after the record at seq \(head.seq)") }
        let hash = RecordHash.snapshotHash(seq: seq, recordHash: head.hash, state: state)
        try RawSQLite.insertSnapshot(insertSnapshot.sqliteStatement, connection: connection, seq: seq, state: state, hash: hash)
    }
}

/// Each stream's next version within a batch: the store's count for a
/// stream's first record, then counted on.
public struct StreamVersions: Sendable {
    private var last: [String: UInt64] = [:]

    public init() {}

    /// The version of the next record of `stream`; `stored` gives the stream's version in the store.
    public mutating func next(_ stream: String, stored: () throws -> UInt64) rethrows -> UInt64 {
        // Changed in place: one lookup (hashing the stream's name) per record.
        if let index = last.index(forKey: stream) {
            last.values[index] += 1
            return last.values[index]
        }
        let version = try stored() + 1
        last[stream] = version
        return version
    }
}

extension StoreTransaction {
    /// An appender after the current head.
    public func appender() throws -> RecordAppender { try RecordAppender(self) }

    /// Records `head` as the log's head (after appending up to it).
    public func setHead(_ head: Head) throws {
        try db.execute(
            sql: "INSERT INTO head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            arguments: [Int64(head.seq), Data(head.hash)])
    }
}
