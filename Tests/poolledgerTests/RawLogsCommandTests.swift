import Foundation
import PoolLedger
import Testing
import TestSupport

/// `import-logs` on raw logs as a user runs it: the format detected from the
/// content, many pools created from the factory's logs, and a refusal that
/// names the log and exits 1 with nothing written.
@Suite(.serialized) struct RawLogsCommandTests {
    static let genesis = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/uniswap-v3-genesis")

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("poolledger-\(UUID().uuidString)-\(name)").path
    }

    @Test func rawJSONAndCSVImportEveryPoolAndAnAlteredSwapIsRefused() throws {
        let logs = try GenesisLogs.logs(directory: Self.genesis)
        let json = temporary("logs.json"), csv = temporary("logs.csv")
        try GenesisLogs.jsonArray(logs).write(toFile: json, atomically: true, encoding: .utf8)
        try GenesisLogs.csv(logs).write(toFile: csv, atomically: true, encoding: .utf8)
        for file in [json, csv] {
            let database = temporary("ledger.sqlite")
            let run = try Tool.run(["import-logs", file, "--db", database])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("read \(logs.count) logs; appended \(logs.count - 168) facts"), "\(run.stderr)")
            #expect(run.stderr.contains("165 pools created"), "\(run.stderr)")
            let verify = try Tool.run(["verify", "--db", database])
            #expect(verify.status == 0, "\(verify.stderr)")
        }
        // One wei less out of the first swap: refused naming its block and log index, nothing written.
        var altered = logs
        let index = try #require(altered.firstIndex { $0.topics.first == GenesisLogs.swapTopic })
        var data = Array(altered[index].data.utf8)
        // The last hex digit of amount0 (paid out: a word one up is one wei less out), one step along 0-9a-f.
        let digits = Array("0123456789abcdef".utf8)
        let digit = digits.firstIndex(of: data[2 + 63])!
        data[2 + 63] = digits[digit == 15 ? 14 : digit + 1]
        altered[index].data = String(decoding: data, as: UTF8.self)
        try GenesisLogs.jsonArray(altered).write(toFile: json, atomically: true, encoding: .utf8)
        let database = temporary("ledger.sqlite")
        let run = try Tool.run(["import-logs", json, "--db", database])
        #expect(run.status == 1)
        #expect(run.stderr.contains("block \(logs[index].blockNumber) tx \(logs[index].transactionHash) log_index \(logs[index].logIndex): SWAP_MISMATCH"), "\(run.stderr)")
        let export = try Tool.run(["export", "--db", database])
        #expect(export.stdout.isEmpty, "\(export.stdout)")
    }

    static let events = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Events")

    func stateHash(_ pool: String, _ database: String) throws -> String {
        let run = try Tool.run(["state", pool, "--json", "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        guard case .object(let members) = try JSON.parse(run.stdout),
              case .string(let hash)? = members.first(where: { $0.key == "state_hash" })?.value else { return "none: \(run.stdout)" }
        return hash
    }

    /// export-logs --raw, then import-logs (with the names it wrote), gives the
    /// same state hash: V2 fixtures with the protocol fee on and off, the
    /// recorded V3 fixture, and a V3 history with a flash, the protocol fee
    /// switched on and collected, and the bundled NFT history (the pool's and
    /// the position manager's logs); as a JSON array, JSON Lines and CSV.
    @Test(arguments: ["v2-core-fee-to-on", "v2-core-fee-to-off", "v2-core-price-accumulators", "uniswap-v3-weth-ens", "v3-protocol", "v3-nft"])
    func rawExportImportsBackToTheSameState(_ fixture: String) throws {
        let database = temporary("a.sqlite")
        let pool: String
        if fixture == "v3-protocol" {
            pool = "v3"
            let commands = temporary("commands.jsonl")
            try [
                #"{"cmd":"create_pool","pool":"v3","token0":"WETH","token1":"USDC","decimals0":18,"decimals1":6,"fee_ppm":500,"model":"concentrated","tick_spacing":10,"sqrt_price_x96":"79228162514264337593543950336"}"#,
                #"{"cmd":"mint_position","pool":"v3","owner":"alice","tick_lower":-600,"tick_upper":600,"liquidity":"1000000000000000000"}"#,
                #"{"cmd":"set_fee_protocol","pool":"v3","fee_protocol0":4,"fee_protocol1":6}"#,
                #"{"cmd":"swap_exact_in","pool":"v3","trader":"bob","token_in":"WETH","amount_in":"1000000000000000"}"#,
                #"{"cmd":"flash","pool":"v3","recipient":"carol","amount0":"10000000000000000","amount1":"5000000000000000"}"#,
                #"{"cmd":"swap_exact_in","pool":"v3","trader":"bob","token_in":"USDC","amount_in":"2000000000000000"}"#,
                #"{"cmd":"collect_protocol","pool":"v3","recipient":"treasury"}"#,
                #"{"cmd":"burn_position","pool":"v3","owner":"alice","tick_lower":-600,"tick_upper":600,"liquidity":"400000000000000000"}"#,
                #"{"cmd":"collect","pool":"v3","owner":"alice","tick_lower":-600,"tick_upper":600}"#,
            ].joined(separator: "\n").write(toFile: commands, atomically: true, encoding: .utf8)
            let run = try Tool.run(["run", commands, "--db", database])
            #expect(run.status == 0, "\(run.stderr)")
        } else if fixture == "v3-nft" {
            pool = "eth-dai-v3"
            let run = try Tool.run(["run", Self.events.appendingPathComponent("examples/v3-nft.commands.jsonl").path, "--db", database])
            #expect(run.status == 0, "\(run.stderr)")
        } else {
            let file = Self.events.appendingPathComponent("\(fixture).jsonl").path
            let run = try Tool.run(["import", file, "--db", database])
            #expect(run.status == 0, "\(run.stderr)")
            let first = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")[0]
            guard case .object(let members) = try JSON.parse(String(first)), case .string(let id)? = members.first(where: { $0.key == "pool" })?.value else {
                Issue.record("no pool in \(fixture)"); return
            }
            pool = id
        }
        let expected = try stateHash(pool, database)
        for form in [["--raw"], ["--raw", "--lines"], ["--raw", "--csv"]] {
            let logs = temporary("raw"), names = temporary("names.csv")
            let export = try Tool.run(["export-logs", "--pool", pool, "--tokens", names, "--db", database, logs] + Array(form.dropFirst(0)))
            #expect(export.status == 0, "\(export.stderr)")
            let copy = temporary("b.sqlite")
            let run = try Tool.run(["import-logs", logs, "--tokens", names, "--db", copy])
            #expect(run.status == 0, "\(form): \(run.stderr)")
            #expect(try stateHash(pool, copy) == expected, "\(fixture) \(form)")
            // Again: nothing new.
            let again = try Tool.run(["import-logs", logs, "--tokens", names, "--db", copy])
            #expect(again.stderr.contains("appended 0 facts"), "\(again.stderr)")
        }
    }
}
