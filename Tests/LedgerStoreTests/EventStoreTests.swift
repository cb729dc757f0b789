import Crypto
import Foundation
import GRDB
@testable import LedgerStore
import GRDBSQLite
import Testing

func temporaryDatabase() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgerstore-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("ledger.sqlite").path
}

func records(_ stream: String, _ count: Int, from start: Int = 0) -> [NewRecord] {
    (start..<(start + count)).map { NewRecord(stream: stream, type: "t", externalID: "\(stream):\($0)", time: Int64($0), payload: Array("payload \($0)".utf8)) }
}

@Suite struct EventStoreTests {
    @Test func batchesReadBackInOrderWithAnUnbrokenChain() throws {
        let store = try EventStore(path: temporaryDatabase())
        let first = try store.append(records("a", 3) + records("b", 2))
        let second = try store.append(records("a", 2, from: 3))
        #expect(first.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(first.map(\.version) == [1, 2, 3, 1, 2])
        #expect(second.map(\.version) == [4, 5])
        var read: [StoredRecord] = []
        var chain = ChainVerifier()
        try store.read { tx in
            try tx.forEachRecord { record in
                try chain.check(record)
                read.append(record)
                return true
            }
            try chain.finish(storedHead: tx.head())
            #expect(try tx.version(of: "a") == 5)
            #expect(try tx.record(externalID: "b:1")?.seq == 5)
            #expect(try tx.lastSeq(atOrBeforeTime: 1) == 5)
        }
        #expect(read == first + second)
        #expect(try store.head() == Head(seq: 7, hash: second.last!.hash))
    }

    /// The appender's many-row statements and its remainder of single rows
    /// store every record in order on an unbroken chain, and a snapshot it
    /// stores after its last record is hashed as the format says:
    /// SHA-256(seq as 8 big-endian bytes, that record's hash, the state).
    @Test func appenderStoresWholeStatementsTheRestAndASnapshotAfterThem() throws {
        let store = try EventStore(path: temporaryDatabase())
        let count = 2 * RecordAppender.rowsPerInsert + 5
        let batch = records("a", count - 3) + records("b", 3)
        let state: [UInt8] = Array("the state".utf8)
        try store.write { tx in
            let appender = try tx.appender()
            try appender.append(batch, versions: (1...UInt64(count - 3)).map { $0 } + [1, 2, 3])
            try appender.saveSnapshot(seq: UInt64(count), state: state)
            try tx.setHead(appender.head)
        }
        var read: [StoredRecord] = []
        var chain = ChainVerifier()
        let snapshot = try store.read { tx in
            try tx.forEachRecord { record in
                try chain.check(record)
                read.append(record)
                return true
            }
            try chain.finish(storedHead: tx.head())
            return try tx.snapshot(at: UInt64(count))
        }
        #expect(read.map(\.seq) == Array(1...UInt64(count)))
        #expect(read.map(\.externalID) == batch.map(\.externalID))
        #expect(read.map(\.payload) == batch.map(\.payload))
        var hashed = withUnsafeBytes(of: UInt64(count).bigEndian) { Array($0) }
        hashed += read.last!.hash + state
        #expect(snapshot?.state == state)
        #expect(snapshot?.hash == Array(SHA256.hash(data: hashed)))
        // A snapshot anywhere but after the last record is refused.
        #expect(throws: StoreError.self) {
            try store.write { tx in try tx.appender().saveSnapshot(seq: 3, state: state) }
        }
    }

    @Test func theDatabaseRefusesUpdateAndDelete() throws {
        let path = temporaryDatabase()
        let store = try EventStore(path: path)
        try store.append(records("a", 3))
        try store.write { tx in try tx.saveSnapshot(seq: 2, state: [1, 2, 3]) }
        let attacker = try DatabaseQueue(path: path)
        for sql in [
            "UPDATE record SET payload = x'00' WHERE seq = 2",
            "DELETE FROM record WHERE seq = 3",
            "UPDATE snapshot SET state = x'00'",
            "DELETE FROM snapshot",
        ] {
            #expect(throws: DatabaseError.self) { try attacker.write { try $0.execute(sql: sql) } }
        }
        #expect(try store.read { try $0.recordCount() } == 3)
    }

    @Test func aThrowingBatchWritesNothing() throws {
        let store = try EventStore(path: temporaryDatabase())
        try store.append(records("a", 2))
        let head = try store.head()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.write { tx in
                try tx.append(records("a", 5, from: 2))
                throw Abort()
            }
        }
        #expect(try store.head() == head)
        #expect(try store.read { try $0.recordCount() } == 2)
    }

    @Test func aStaleExpectedVersionConflictsAndWritesNothing() throws {
        let store = try EventStore(path: temporaryDatabase())
        try store.append(records("a", 2), expectedVersions: ["a": 0])
        #expect(throws: StoreError.conflict(stream: "a", expected: 1, actual: 2)) {
            try store.append(records("a", 1, from: 2), expectedVersions: ["a": 1])
        }
        try store.append(records("a", 1, from: 2), expectedVersions: ["a": 2])
        #expect(try store.read { try $0.version(of: "a") } == 3)
    }

    /// Two writers, each with its own connection to the same file, append with
    /// the same expected version at the same moment: exactly one succeeds.
    @Test func twoConcurrentWritersExactlyOneWins() async throws {
        for round in 0..<20 {
            let path = temporaryDatabase()
            try EventStore(path: path).append(records("pool", 1))
            let writers = [try EventStore(path: path), try EventStore(path: path)]
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for (index, writer) in writers.enumerated() {
                    group.addTask {
                        do {
                            try writer.append(records("pool", 3, from: 100 * (index + 1)), expectedVersions: ["pool": 1])
                            return true
                        } catch StoreError.conflict {
                            return false
                        } catch {
                            Issue.record("round \(round): unexpected \(error)")
                            return false
                        }
                    }
                }
                var outcomes: [Bool] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
            #expect(try writers[0].read { try $0.version(of: "pool") } == 4)
        }
    }
}

/// SQLite runs in multi-thread mode: a store's connection has no mutex (each
/// connection is used by one thread at a time), so its calls take no lock.
@Suite struct SQLiteModeTests {
    @Test func connectionsHaveNoMutex() throws {
        let store = try EventStore(path: temporaryDatabase())
        let mutex = try store.write { tx in sqlite3_db_mutex(tx.db.sqliteConnection) }
        #expect(mutex == nil)
    }

    /// The page cache holds a large batch's id index (8 MiB, not SQLite's 2 MiB default).
    @Test func connectionsHaveAnEightMebibyteCache() throws {
        let store = try EventStore(path: temporaryDatabase())
        let cache = try store.write { tx in try Int.fetchOne(tx.db, sql: "PRAGMA cache_size") }
        #expect(cache == -8192)
    }
}
