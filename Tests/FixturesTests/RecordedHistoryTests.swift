import Fixtures
import Foundation
import PoolLedger
import TestSupport
import PoolMath
import Testing

/// The committed USDC/WETH history, checked against the recorded data itself
/// (not against the builder): every recorded block's reserves, and k falling
/// only in blocks that hold a recorded burn.
@Suite struct RecordedHistoryTests {
    static let data = packageRoot.appendingPathComponent("Events/recorded/uniswap-v2-usdc-weth")

    func rows(_ file: String) throws -> [RecordedHistory.Amounts] {
        try RecordedHistory.rows(csv: String(decoding: bytes(Self.data.appendingPathComponent(file)), as: UTF8.self))
    }

    @Test func everyRecordedBlockIsReproducedAndKFallsOnlyInBurnBlocks() throws {
        let reserves = try rows("reserves_per_block.csv")
        let burnBlocks = Set(try rows("burns.csv").map(\.block))
        #expect(reserves.count == 38_164)
        let recorded = Dictionary(uniqueKeysWithValues: reserves.map { ($0.block, $0) })

        var fold = LineFold(keepFacts: true)
        try fold.fold(utf8: bytes(packageRoot.appendingPathComponent("Events/uniswap-v2-usdc-weth.jsonl")))
        let pool = "uniswap-v2-usdc-weth"

        // Refold, looking at the state after the last fact of each block.
        var ledger = Ledger()
        var checked = 0
        var lastK: UInt256?
        var lastBlock: UInt64?
        var kFell: [UInt64] = []
        let facts = fold.facts
        for (index, fact) in facts.enumerated() {
            try ledger.fold(fact)
            let block = try #require(fact.block)
            if index + 1 < facts.count, facts[index + 1].block == block { continue }
            let state = try #require(ledger[pool])
            let row = try #require(recorded[block], "block \(block) is not in the record")
            #expect(state.reserve0 == row.amount0 && state.reserve1 == row.amount1, "block \(block)")
            if let lastK, state.k < lastK { kFell.append(block) }
            lastK = state.k
            lastBlock = block
            checked += 1
        }
        // Blocks whose reserves did not change need no fact; all others are checked.
        let changing = zip(reserves, reserves.dropFirst()).filter { $0.amount0 != $1.amount0 || $0.amount1 != $1.amount1 }.count
        #expect(checked == changing + 1)
        // The last block that changed the reserves; the record's final blocks change nothing.
        let lastChange = Array(zip(reserves, reserves.dropFirst())).last { $0.amount0 != $1.amount0 || $0.amount1 != $1.amount1 }!.1.block
        #expect(lastBlock == lastChange)
        #expect(reserves.last!.block == 18_947_060)
        let final = try #require(ledger[pool])
        #expect(final.reserve0 == reserves.last!.amount0 && final.reserve1 == reserves.last!.amount1)
        #expect(!kFell.isEmpty)
        #expect(kFell.allSatisfy { burnBlocks.contains($0) }, "k fell outside burn blocks: \(kFell.filter { !burnBlocks.contains($0) })")
    }

    /// Rebuilding the history from the recorded CSVs gives the committed facts byte for byte.
    @Test func theBuilderReproducesTheCommittedHistory() throws {
        let history = RecordedHistory(pool: "uniswap-v2-usdc-weth", token0: "USDC", token1: "WETH", decimals0: 6, decimals1: 18)
        let result = try history.build(reserves: try rows("reserves_per_block.csv"), mints: try rows("mints.csv"), burns: try rows("burns.csv"))
        #expect(result.reproducedBlocks == 38_164)
        let lines = result.facts.map { ContractCodec.line($0) + "\n" }.joined()
        #expect(Array(lines.utf8) == bytes(packageRoot.appendingPathComponent("Events/uniswap-v2-usdc-weth.jsonl")))
        // The two missing blocks are reported, never hidden.
        #expect(result.report.contains { $0.contains("18916329") })
        #expect(result.report.contains { $0.contains("18919840") })
    }
}
