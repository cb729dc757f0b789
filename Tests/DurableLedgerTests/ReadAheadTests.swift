@testable import DurableLedger
import LedgerStore
import PoolLedger
import PoolMath
import Testing

/// The two-thread reader hands every log over in order, reports a reader's
/// failure after the logs read before it, and stops the reader when the
/// consumer fails (no thread left behind: it is joined before returning).
@Suite struct ReadAheadTests {
    func log(_ index: Int) -> RawLog {
        RawLog(block: UInt64(index), transactionHash: "0x" + String(repeating: "0", count: 64), logIndex: 0,
               address: "0x" + String(repeating: "0", count: 40), topics: [], data: [], row: index)
    }

    struct Stop: Error, Equatable { var at: Int }

    @Test func logsArriveInOrderAcrossManyBatches() throws {
        let count = ReadAhead.batchSize * (ReadAhead.depth + 3) + 17
        var seen: [Int] = []
        try ReadAhead.forEach({ produce in for index in 0..<count { try produce(log(index)) } }) { seen.append($0.row) }
        #expect(seen == Array(0..<count))
    }

    @Test func aReaderFailureComesAfterTheLogsBeforeIt() {
        let failAt = ReadAhead.batchSize * 2 + 5
        var seen = 0
        #expect(throws: Stop(at: failAt)) {
            try ReadAhead.forEach({ produce in
                for index in 0..<(failAt * 3) {
                    if index == failAt { throw Stop(at: index) }
                    try produce(log(index))
                }
            }) { _ in seen += 1 }
        }
        #expect(seen == failAt)
    }

    @Test func aConsumerFailureStopsTheReader() {
        let total = ReadAhead.batchSize * (ReadAhead.depth + 20)
        nonisolated(unsafe) var produced = 0
        #expect(throws: Stop(at: 100)) {
            try ReadAhead.forEach({ produce in
                for index in 0..<total {
                    produced += 1
                    try produce(log(index))
                }
            }) { log in if log.row == 100 { throw Stop(at: 100) } }
        }
        // The reader stopped at the bounded queue, long before the end.
        #expect(produced < total)
    }
}

/// The store thread appends in order and chains the hashes as the
/// synchronous append does; a record SQLite refuses (a repeated external id)
/// is the error at the next hand-over or wait, later batches are dropped,
/// and the transaction that rolls back writes nothing.
@Suite struct StoreThreadTests {
    func records(_ range: Range<Int>, id: (Int) -> String? = { "id-\($0)" }) -> [NewRecord] {
        range.map { NewRecord(stream: "s\($0 % 3)", type: "t", externalID: id($0), time: Int64($0), payload: [UInt8(truncatingIfNeeded: $0), 1, 2]) }
    }

    func versions(_ records: [NewRecord]) -> [UInt64] {
        var counts: [String: UInt64] = [:]
        return records.map { record in
            counts[record.stream, default: 0] += 1
            return counts[record.stream]!
        }
    }

    @Test func storesWhatTheSynchronousAppendStores() throws {
        let all = records(0..<5_000)
        let direct = try EventStore(path: temporaryDatabase())
        try direct.append(all)
        let threaded = try EventStore(path: temporaryDatabase())
        try threaded.write { tx in
            let thread = StoreThread(try tx.appender())
            defer { thread.stop() }
            let numbered = versions(all)
            for start in stride(from: 0, to: all.count, by: 700) {
                let end = min(start + 700, all.count)
                try thread.submit(Array(all[start..<end]), versions: Array(numbered[start..<end]))
            }
            try tx.setHead(try thread.drain())
        }
        #expect(try threaded.head() == direct.head())
        let hashes = { (store: EventStore) in try store.read { tx in
            var hashes: [[UInt8]] = []
            try tx.forEachRecord { hashes.append($0.hash); return true }
            return hashes
        } }
        #expect(try hashes(threaded) == hashes(direct))
    }

    @Test func aRefusedRecordIsTheErrorAndNothingIsWritten() throws {
        let store = try EventStore(path: temporaryDatabase())
        try store.append(records(0..<10))
        let before = try store.head()
        // Record 1,500 repeats an id: the UNIQUE index refuses it on the store thread.
        let batch = records(10..<3_000, id: { $0 == 1_500 ? "id-1499" : "id-\($0)" })
        var thrown: (any Error)?
        do {
            try store.write { tx in
                let thread = StoreThread(try tx.appender())
                defer { thread.stop() }
                var numbered = versions(batch)
                for index in numbered.indices { numbered[index] += 3 + (batch[index].stream == "s0" ? 1 : 0) }
                var submitted = 0
                for start in stride(from: 0, to: batch.count, by: 200) {
                    try thread.submit(Array(batch[start..<min(start + 200, batch.count)]), versions: Array(numbered[start..<min(start + 200, batch.count)]))
                    submitted += 1
                }
                _ = try thread.drain()
                Issue.record("drained without the store thread's failure after \(submitted) batches")
            }
        } catch {
            thrown = error
        }
        #expect("\(thrown.map { "\($0)" } ?? "")".contains("UNIQUE"), "\(String(describing: thrown))")
        #expect(try store.head() == before)
        #expect(try store.read { try $0.recordCount() } == 10)
    }
}
