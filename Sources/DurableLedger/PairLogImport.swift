import LedgerStore
import PoolLedger

extension DurableLedger {
    /// Imports a pair's logs into `pool` as one atomic batch: the logs are
    /// grouped into the pair's calls, each call decided into facts against the
    /// pool and folded with every check, and every Sync compared with the
    /// reserves folded. The first failure names the log's block, tx and log
    /// index, and nothing of the batch is written. The pool is created from
    /// `created` unless it exists (then its tokens and fee must match). Calls
    /// whose fact id (`tx:log_index`) is already in the log are skipped, so an
    /// overlapping range adds nothing.
    public func importPairLogs(
        _ lines: JSONLines.Reader, format: PairLogReader.Format, into created: PoolCreated, pair: String? = nil,
        progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> PairLogSummary {
        var logCount = 0
        let summary = try batch(expectedVersions: [:], keepFacts: false) { writer in
            // Ids are tx:log_index of logs in strict order, unique by construction; the
            // store's unique index stands behind that, so the batch need not remember them.
            writer.ledger.tracksIDs = false
            // A pool new in this batch has no fact in the log yet: no id to look up.
            let poolExisted = writer.ledger[created.pool] != nil
            if let existing = writer.ledger[created.pool] {
                guard existing.token0 == created.token0, existing.token1 == created.token1, existing.feePPM == created.feePPM else {
                    throw LocatedRejection(.line(1), Rejection(
                        .poolExists, "pool \"\(created.pool)\" exists as \(existing.token0)/\(existing.token1) at \(existing.feePPM) ppm, not \(created.token0)/\(created.token1) at \(created.feePPM) ppm"))
                }
            }
            var grouper: PairCall.Grouper?
            func fold(_ call: PairCall) throws { try writer.fold(call, pool: created.pool, poolExisted: poolExisted) }
            try PairLogReader.forEach(lines, format: format) { log, _ in
                logCount += 1
                if progressEvery > 0 && logCount % progressEvery == 0 { progress(logCount) }
                if grouper == nil {
                    grouper = PairCall.Grouper(pair: pair ?? log.address)
                    if !poolExisted {
                        try writer.fold(Fact(.poolCreated(created), time: log.time, block: log.block), at: log.location, lookUpID: false)
                    }
                }
                for call in try grouper!.add(log) { try fold(call) }
            }
            guard grouper != nil else { throw LocatedRejection(.line(1), Rejection(.missingField, "no logs")) }
            for call in try grouper!.finish() { try fold(call) }
        }
        return PairLogSummary(logs: logCount, append: summary)
    }
}

public struct PairLogSummary: Sendable {
    public var logs: Int
    public var append: DurableLedger.AppendSummary
}
