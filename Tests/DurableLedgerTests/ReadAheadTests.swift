@testable import DurableLedger
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
