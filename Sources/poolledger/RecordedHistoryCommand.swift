import ArgumentParser
import Fixtures
import Foundation
import PoolLedger

struct RecordedHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorded-history",
        abstract: "Turn a V2 pair's recorded reserves per block, mints and burns into a checked fact history fixture.",
        discussion: """
            Reads CSVs of block,reserve0,reserve1 and block,amount0,amount1 (mints, burns) and \
            writes Events/NAME.jsonl, Snapshots/NAME.json and Events/NAME.report.txt under the \
            current directory. Every recorded block's reserves are reproduced by checked facts; \
            whatever does not fit is reported (printed and written to the report).

            Example:
              poolledger recorded-history --reserves Events/recorded/uniswap-v2-usdc-weth/reserves_per_block.csv \\
                --mints Events/recorded/uniswap-v2-usdc-weth/mints.csv --burns Events/recorded/uniswap-v2-usdc-weth/burns.csv \\
                --pool uniswap-v2-usdc-weth --token0 USDC --token1 WETH --decimals0 6 --decimals1 18 --out uniswap-v2-usdc-weth
            """)

    @Option(help: "CSV of block,reserve0,reserve1.") var reserves: String
    @Option(help: "CSV of block,amount0,amount1 of the pair's Mint events.") var mints: String
    @Option(help: "CSV of block,amount0,amount1 of the pair's Burn events.") var burns: String
    @Option(help: "Pool id.") var pool: String
    @Option(help: "Symbol of token0.") var token0: String
    @Option(help: "Symbol of token1.") var token1: String
    @Option(help: "Decimals of token0.") var decimals0: UInt8
    @Option(help: "Decimals of token1.") var decimals1: UInt8
    @Option(help: "A checkpoint every K facts.") var checkpointEvery: Int = 1000
    @Option(help: "Fixture name.") var out: String

    func run() throws {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure(message: "cannot read \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        let history = RecordedHistory(pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1)
        let reserveRows = try RecordedHistory.rows(csv: try read(reserves))
        let result = try history.build(
            reserves: reserveRows, mints: try RecordedHistory.rows(csv: try read(mints)), burns: try RecordedHistory.rows(csv: try read(burns)))
        let files = FixtureFiles(directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let lines = result.facts.map { ContractCodec.line($0) + "\n" }.joined()
        try Terminal.write(lines, to: files.eventsURL(out).path)
        let snapshot = try FixtureSnapshot.build(name: out, history: Array(lines.utf8), checkpointEvery: checkpointEvery)
        try Terminal.write(snapshot.pretty + "\n", to: files.snapshotURL(out).path)
        let summary = "\(result.facts.count) facts; \(result.reproducedBlocks) of \(reserveRows.count) recorded blocks reproduced"
        let report = ([summary] + result.report).joined(separator: "\n") + "\n"
        try Terminal.write(report, to: files.eventsDirectory.appendingPathComponent("\(out).report.txt").path)
        Terminal.output(report)
    }
}
