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
}
