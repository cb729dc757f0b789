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
    private let connection: SQLiteConnection
    /// The last record appended (the log's head when it began).
    public private(set) var head: Head
    private var scratch: [UInt8] = []

    init(_ tx: StoreTransaction) throws {
        head = try tx.head()
        insert = try tx.db.cachedStatement(sql: """
            INSERT INTO record (seq, stream, version, type, external_id, time, payload, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        guard let connection = tx.db.sqliteConnection else { throw StoreError.database("the connection is closed") }
        self.connection = connection
    }

    /// Hashes and inserts `records`, numbered after the head; record `i` is
    /// version `versions[i]` of its stream. Returns their hashes when asked (`keepHashes`).
    @discardableResult
    public func append(_ records: [NewRecord], versions: [UInt64], keepHashes: Bool = false) throws -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        precondition(records.count == versions.count, "a version for each record")
        for (record, version) in zip(records, versions) {
            let seq = head.seq + 1
            let hash = Array(RecordHash.digest(
                previous: head.hash, seq: seq, stream: record.stream, version: version, type: record.type,
                externalID: record.externalID, time: record.time, payload: record.payload, scratch: &scratch))
            try RawSQLite.insert(
                insert.sqliteStatement, connection: connection, seq: seq, stream: record.stream, version: version, type: record.type,
                externalID: record.externalID, time: record.time, payload: record.payload, hash: hash)
            head = Head(seq: seq, hash: hash)
            if keepHashes { hashes.append(hash) }
        }
        return hashes
    }
}

/// Each stream's next version within a batch: the store's count for a
/// stream's first record, then counted on.
public struct StreamVersions: Sendable {
    private var last: [String: UInt64] = [:]

    public init() {}

    /// The version of the next record of `stream`; `stored` gives the stream's version in the store.
    public mutating func next(_ stream: String, stored: () throws -> UInt64) rethrows -> UInt64 {
        let version = try last[stream] ?? stored()
        last[stream] = version + 1
        return version + 1
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
