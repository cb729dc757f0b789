import ArgumentParser
import Fixtures
import Foundation
import PoolLedger

struct RecordedV3Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorded-v3",
        abstract: "Turn a Uniswap V3 pool's recorded events (Initialize, Mint, Burn, Swap) into a checked fact history fixture.",
        discussion: """
            Reads the recorded JSON (fee, tickSpacing, initialize.sqrtPriceX96, events with the \
            chain's amounts and, for swaps, sqrtPriceX96_after, liquidity_after and tick_after) and \
            writes Events/NAME.jsonl (the facts, every field as recorded) and Snapshots/NAME.json \
            (their folded states) under the current directory. The fold re-checks every fact: a \
            field the pool does not reproduce fails, naming the line.

            Example:
              poolledger recorded-v3 Events/recorded/uniswap-v3-weth-ens/events.json \\
                --pool uniswap-v3-weth-ens --token0 WETH --token1 ENS --out uniswap-v3-weth-ens
            """)

    @Argument(help: "The recorded events JSON.") var events: String
    @Option(help: "Pool id.") var pool: String
    @Option(help: "Symbol of token0.") var token0: String
    @Option(help: "Symbol of token1.") var token1: String
    @Option(help: "Decimals of token0.") var decimals0: UInt8 = 18
    @Option(help: "Decimals of token1.") var decimals1: UInt8 = 18
    @Option(help: "Fixture name.") var out: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: events) else { throw Failure(message: "cannot read \(events)") }
        let history = try RecordedV3History(json: String(decoding: data, as: UTF8.self))
        let facts = try history.facts(pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1)
        let lines = facts.map { ContractCodec.line($0) + "\n" }.joined()
        let snapshot = try FixtureSnapshot.build(
            name: out, history: Array(lines.utf8), checkpointEvery: FixtureSnapshot.defaultCheckpointEvery(facts: facts.count))
        let files = FixtureFiles(directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try Terminal.write(lines, to: files.eventsURL(out).path)
        try Terminal.write(snapshot.pretty + "\n", to: files.snapshotURL(out).path)
        Terminal.output("\(facts.count) facts folded and checked; wrote \(files.eventsURL(out).lastPathComponent) and \(files.snapshotURL(out).lastPathComponent)\n")
    }
}
