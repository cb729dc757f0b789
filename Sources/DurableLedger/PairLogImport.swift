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
        _ logs: [PairLog], into created: PoolCreated, pair: String,
        progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> AppendSummary {
        let calls = try PairCall.group(logs, pair: pair)
        return try batch(expectedVersions: [:], keepFacts: false) { writer in
            if let existing = writer.ledger[created.pool] {
                guard existing.token0 == created.token0, existing.token1 == created.token1, existing.feePPM == created.feePPM else {
                    throw LocatedRejection(.line(1), Rejection(
                        .poolExists, "pool \"\(created.pool)\" exists as \(existing.token0)/\(existing.token1) at \(existing.feePPM) ppm, not \(created.token0)/\(created.token1) at \(created.feePPM) ppm"))
                }
            } else {
                try writer.fold(Fact(.poolCreated(created), time: logs.first?.time, block: logs.first?.block), at: .line(1))
            }
            for (index, call) in calls.enumerated() {
                if progressEvery > 0 && (index + 1) % progressEvery == 0 { progress(index + 1) }
                if try writer.tx.record(externalID: call.log.factID) != nil {
                    writer.summary.skipped += 1
                    continue
                }
                let facts: [Fact]
                do throws(Rejection) { facts = try call.facts(pool: writer.ledger[created.pool]!) } catch {
                    throw LocatedRejection(call.log.location, error)
                }
                for fact in facts { try writer.fold(fact, at: call.log.location) }
                try call.checkSync(writer.ledger[created.pool]!)
            }
        }
    }
}
