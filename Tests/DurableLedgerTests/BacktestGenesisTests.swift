import DurableLedger
import Foundation
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// Leave-one-out on the Uniswap V3 genesis window (every pool event of V3's
/// first ~7,000 blocks, imported from raw logs): every recorded position of
/// every pool left out and added back as the commands its facts stand for,
/// at their places, gives the pool's recorded state hash and the recorded
/// position's audit, 0 wei, in both modes. (The window has no manager logs:
/// positions held through the manager are the manager's positions there, and
/// none moves between holders.)
@Suite struct BacktestGenesisTests {
    @Test func everyGenesisPositionLeftOutAndAddedBackIsExact() throws {
        let ledger = try DurableLedger(path: temporaryDatabase())
        let logs = try GenesisLogs.logs(directory: RawLogImportTests.directory)
        _ = try ledger.importRawLogs(JSONLines.Reader(Array(GenesisLogs.jsonArray(logs).utf8)), format: .jsonArray)
        var positions = 0, rerun = 0
        for pool in try ledger.ledger().poolIDs {
            let facts = try ledger.facts(pool: pool).map(\.fact)
            for key in mintedPositions(facts) {
                positions += 1
                for mode in Backtest.Mode.allCases {
                    var backtest = Backtest(pool: pool, mode: mode, additions: placedBack(key, in: facts), removals: [.range(key)])
                    for fact in facts { try backtest.feed(fact) }
                    try backtest.finish()
                    let outcome = try backtest.outcome()
                    #expect(outcome.changedHash == outcome.baselineHash, "\(pool) \(key) \(mode)")
                    let recorded = outcome.baselineAudit?.positions.first { $0.position.key == key }
                    #expect(outcome.added.first == recorded, "\(pool) \(key) \(mode)")
                    rerun += backtest.repriced
                }
            }
        }
        // 691 positions in the window.
        #expect(positions > 600, "the window's positions: \(positions)")
        #expect(rerun == 0)
    }
}
