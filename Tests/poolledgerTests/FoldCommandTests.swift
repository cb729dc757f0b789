import Foundation
import PoolLedger
import PoolMath
import Testing

/// The `poolledger` executable, run as a user runs it.
enum Tool {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built binary sits beside the test bundle in the build products directory.
    static let binary: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("poolledger")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/poolledger")
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        if let environment { process.environment = environment }
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// A field of a pool in the printed states.
func field(_ states: JSON, _ pool: String, _ key: String) -> JSON? {
    guard case .object(let pools) = states, case .object(let members)? = pools.first(where: { $0.key == pool })?.value else { return nil }
    return members.first { $0.key == key }?.value
}

@Suite(.serialized) struct FoldCommandTests {
    @Test func foldsTheBundledExampleToItsExpectedSnapshot() throws {
        let run = try Tool.run(["fold", "Events/quickstart.jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let states = try JSON.parse(run.stdout)
        // v2-core feeTo:on: fee_to holds 249750499251388 shares; the pool keeps 1000 + 249501683697445 and 1000 + 250000187312969.
        guard case .object(let shares)? = field(states, "WETH-DAI", "shares") else { Issue.record("no shares"); return }
        #expect(shares.first { $0.key == "0xfee0000000000000000000000000000000000fee" }?.value == .string("249750499251388"))
        #expect(field(states, "WETH-DAI", "reserve0") == .string("249501683698445"))
        #expect(field(states, "WETH-DAI", "reserve1") == .string("250000187313969"))
        // The regression snapshot in Snapshots/ holds the same final states.
        let snapshot = try JSON.parse(try String(contentsOf: Tool.packageRoot.appendingPathComponent("Snapshots/quickstart.json"), encoding: .utf8))
        guard case .object(let members) = snapshot else { Issue.record("snapshot is not an object"); return }
        #expect(members.first { $0.key == "final" }?.value == states)
    }

    @Test func writtenFactsRefoldToTheSameStates() throws {
        let factsPath = try Tool.temporaryFile("facts.jsonl", "")
        let fromCommands = try Tool.run(["fold", "Events/quickstart.jsonl", "--events", factsPath])
        #expect(fromCommands.status == 0)
        let fromFacts = try Tool.run(["fold", factsPath])
        #expect(fromFacts.status == 0, "\(fromFacts.stderr)")
        #expect(try JSON.parse(fromFacts.stdout) == JSON.parse(fromCommands.stdout))
        let facts = try String(contentsOfFile: factsPath, encoding: .utf8)
        #expect(facts.split(separator: "\n").count == 10)
        #expect(!facts.contains("\"cmd\""))
    }

    /// One corrupted fact in a history: exit 1, `line N: RULE: ...` on stderr, nothing on stdout.
    @Test(arguments: [
        ("liquidity_added", "shares", "SHARES_MISMATCH"),
        ("swap", "amount0_out", "K"),
        ("liquidity_removed", "amount0", "PAYOUT_MISMATCH"),
        ("liquidity_removed", "amount1", "PAYOUT_MISMATCH"),
    ])
    func corruptedFactIsRejectedNamingLineAndRule(_ type: String, _ key: String, _ rule: String) throws {
        let factsPath = try Tool.temporaryFile("facts.jsonl", "")
        #expect(try Tool.run(["fold", "Events/quickstart.jsonl", "--events", factsPath]).status == 0)
        var lines = try String(contentsOfFile: factsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        // Corrupt the first fact of that type whose field is non-zero: add one wei.
        let index = try #require(lines.firstIndex { line in
            guard case .object(let members) = try? JSON.parse(line) else { return false }
            return members.contains { $0.key == "type" && $0.value == .string(type) }
                && members.contains { $0.key == key && $0.value != .string("0") }
        })
        guard case .object(var members) = try JSON.parse(lines[index]),
              let position = members.firstIndex(where: { $0.key == key }),
              case .string(let text) = members[position].value,
              let value = UInt256(decimal: text) else { Issue.record("no \(key) in \(lines[index])"); return }
        members[position].value = .string((value + 1).description)
        lines[index] = JSON.object(members).compact
        let corrupted = try Tool.temporaryFile("corrupted.jsonl", lines.joined(separator: "\n") + "\n")

        let run = try Tool.run(["fold", corrupted])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("line \(index + 1): \(rule): "), "\(run.stderr)")
    }

    @Test func malformedInputExitsOneNamingLineAndField() throws {
        let path = try Tool.temporaryFile("bad.jsonl", """
            {"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}
            {"type":"swap","pool":"p","trader":"t","amount0_in":"1.5","amount1_in":"0","amount0_out":"0","amount1_out":"1"}

            """)
        let run = try Tool.run(["fold", path])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("line 2: INVALID_AMOUNT: field \"amount0_in\""), "\(run.stderr)")

        let garbage = try Tool.temporaryFile("garbage.jsonl", "\u{00}\u{01}not json at all\n")
        let second = try Tool.run(["fold", garbage])
        #expect(second.status == 1)
        #expect(second.stderr.hasPrefix("line 1: MALFORMED_JSON"), "\(second.stderr)")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Tool.run(["fold"]).status == 2)
        #expect(try Tool.run(["fold", "x.jsonl", "--no-such-flag"]).status == 2)
        #expect(try Tool.run(["no-such-command"]).status == 2)
        #expect(try Tool.run(["--help"]).status == 0)
        let missing = try Tool.run(["fold", "/nonexistent/file.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read"))
    }
}
