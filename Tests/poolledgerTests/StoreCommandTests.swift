import Foundation
import GRDB
import PoolLedger
import PoolMath
import Testing
import TestSupport

@Suite(.serialized) struct StoreCommandTests {
    /// The last `head seq N` that `verify` printed, when it passed.
    func verifiedHead(_ database: String) throws -> UInt64? {
        let run = try Tool.run(["verify", "--db", database])
        guard run.status == 0, let range = run.stdout.range(of: "head seq ") else {
            Issue.record("verify failed: \(run.stderr)")
            return nil
        }
        return UInt64(run.stdout[range.upperBound...].prefix { $0.isNumber })
    }

    /// `create-pool --model concentrated` opens the same pool as the JSON command does, and commands run on it.
    @Test func createPoolMakesAConcentratedPool() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let price = "79228162514264337593543950336"  // 2^96: price 1, tick 0
        let created = try Tool.run(["create-pool", "v3", "--token0", "A", "--token1", "B", "--fee-ppm", "500",
                                    "--model", "concentrated", "--tick-spacing", "10", "--sqrt-price-x96", price, "--db", database])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains(#""model":"concentrated""#) && created.stdout.contains(#""tick_spacing":10"#))

        let line = #"{"cmd":"create_pool","pool":"v3","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":500,"model":"concentrated","tick_spacing":10,"sqrt_price_x96":"\#(price)"}"#
        let folded = try JSON.parse(try Tool.run(["fold", try Tool.temporaryFile("create.jsonl", line + "\n")]).stdout)
        let state = try JSON.parse(try Tool.run(["state", "v3", "--json", "--db", database]).stdout)
        func member(_ key: String) -> JSON? {
            guard case .object(let members) = state else { return nil }
            return members.first { $0.key == key }?.value
        }
        #expect(member("state_hash") != nil)
        #expect(member("state_hash") == field(folded, "v3", "state_hash"))
        #expect(member("tick") == .number("0"))
        #expect(member("tick_spacing") == .number("10"))

        let commands = try Tool.temporaryFile("v3.commands.jsonl", """
            {"cmd":"mint_position","pool":"v3","owner":"lp","tick_lower":-100,"tick_upper":100,"liquidity":"1000000000000"}
            {"cmd":"swap_exact_in","pool":"v3","trader":"t","token_in":"A","amount_in":"1000000"}

            """)
        let ran = try Tool.run(["run", commands, "--db", database])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(try verifiedHead(database) == 3)

        // The model's options are checked before anything is written (usage errors exit 2).
        let missing = try Tool.run(["create-pool", "w", "--token0", "A", "--token1", "B", "--model", "concentrated", "--tick-spacing", "10", "--db", database])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--sqrt-price-x96"))
        let stray = try Tool.run(["create-pool", "w", "--token0", "A", "--token1", "B", "--tick-spacing", "10", "--db", database])
        #expect(stray.status == 2)
        let unknown = try Tool.run(["create-pool", "w", "--token0", "A", "--token1", "B", "--model", "weighted", "--db", database])
        #expect(unknown.status == 2)
        #expect(try verifiedHead(database) == 3)
    }

    @Test func importExportAndStateThroughTheCommandLine() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let facts = directory.appendingPathComponent("facts.jsonl").path
        #expect(try Tool.run(["fold", "Events/quickstart.jsonl", "--events", facts]).status == 0)
        let imported = try Tool.run(["import", facts, "--db", database])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("appended 10 facts"))

        let exported = try Tool.run(["export", "--db", database])
        #expect(exported.stdout == (try String(contentsOfFile: facts, encoding: .utf8)))

        // The same file again: its id-carrying facts would be no-ops, but the others would
        // fold twice (a second pool_created), so the whole import is rejected and nothing changes.
        let again = try Tool.run(["import", facts, "--db", database])
        #expect(again.status == 1)
        #expect(try Tool.run(["export", "--db", database]).stdout == exported.stdout)

        // state --json equals fold's state for the pool; --at gives earlier states.
        let folded = try JSON.parse(try Tool.run(["fold", "Events/quickstart.jsonl"]).stdout)
        let state = try JSON.parse(try Tool.run(["state", "WETH-DAI", "--json", "--db", database]).stdout)
        #expect(field(folded, "WETH-DAI", "state_hash") == {
            guard case .object(let members) = state else { return nil }
            return members.first { $0.key == "state_hash" }?.value
        }())
        let early = try Tool.run(["state", "WETH-DAI", "--at", "2", "--db", database])
        #expect(early.stdout.contains("at seq 2"), "\(early.stdout)")
        let environment = ProcessInfo.processInfo.environment.merging(["POOLLEDGER_DB": database]) { $1 }
        #expect(try Tool.run(["state", "TKA-TKB"], environment: environment).status == 0)
        #expect(try Tool.run(["state", "NOPE", "--db", database]).status == 1)
        #expect(try verifiedHead(database) == 10)
    }

    /// A concentrated pool through the durable log: import, snapshot, replay
    /// from it, verify, state at the head and earlier, export byte for byte,
    /// audit; a tampered swap refused naming its line, nothing written.
    @Test func concentratedPoolThroughTheStore() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let file = "Events/uniswap-v3-weth-ens.jsonl"
        let imported = try Tool.run(["import", file, "--db", database])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try Tool.run(["snapshot", "--db", database]).status == 0)
        let replay = try Tool.run(["replay", "--from-snapshot", "--db", database])
        #expect(replay.status == 0, "\(replay.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        #expect(try verifiedHead(database) == UInt64(lines.count))
        #expect(try Tool.run(["export", "--db", database]).stdout == text)

        let folded = try JSON.parse(try Tool.run(["fold", file]).stdout)
        let state = try JSON.parse(try Tool.run(["state", "uniswap-v3-weth-ens", "--json", "--db", database]).stdout)
        guard case .object(let members) = state else { Issue.record("state is not an object"); return }
        #expect(field(folded, "uniswap-v3-weth-ens", "state_hash") == members.first { $0.key == "state_hash" }?.value)
        // The tick the chain recorded after the last swap.
        let lastTick = try #require(lines.last?.firstMatch(of: /"tick_after":(-?\d+)/)?.1)
        #expect(members.first { $0.key == "tick" }?.value == .number(String(lastTick)))
        let early = try Tool.run(["state", "uniswap-v3-weth-ens", "--at", "30", "--json", "--db", database])
        #expect(early.status == 0 && early.stdout.contains("\"seq\": 30"), "\(early.stdout)")
        let audit = try Tool.run(["audit", "uniswap-v3-weth-ens", "--json", "--db", database])
        #expect(audit.status == 0 && audit.stdout.contains("\"in_range\": true") && audit.stdout.contains("\"holds\": true"), "\(audit.stderr)")

        // A copy with one swap's output one wei higher: refused at that line, the new store empty.
        let index = try #require(lines.firstIndex { $0.contains("\"type\":\"swap\"") && $0.contains("\"amount1_out\":\"2") })
        let original = try #require(lines[index].firstMatch(of: /"amount1_out":"(\d+)"/)?.1)
        lines[index] = lines[index].replacingOccurrences(of: "\"amount1_out\":\"\(original)\"", with: "\"amount1_out\":\"\(UInt256(decimal: String(original))! + .one)\"")
        let tampered = directory.appendingPathComponent("tampered.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: tampered, atomically: true, encoding: .utf8)
        let other = directory.appendingPathComponent("other.sqlite").path
        let refused = try Tool.run(["import", tampered, "--db", other])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("line \(index + 1): SWAP_MISMATCH: "), "\(refused.stderr)")
        #expect(try Tool.run(["export", "--db", other]).stdout.isEmpty)
    }

    @Test func malformedImportExitsOneNamingLineAndFieldAndWritesNothing() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let good = directory.appendingPathComponent("good.jsonl").path
        try RandomHistory.jsonLines(RandomHistory.facts(seed: 1, count: 100)).write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try Tool.run(["import", good, "--db", database]).status == 0)
        let before = try Tool.run(["export", "--db", database]).stdout

        var lines = RandomHistory.jsonLines(RandomHistory.facts(seed: 1, count: 200)).split(separator: "\n").map(String.init).suffix(100).map { $0 }
        lines[41] = lines[41].replacingOccurrences(of: "\"pool\":", with: "\"pool\":1,\"x\":")
        for (index, bad) in [(41, lines[41]), (0, "{\"type\":\"swap\",\"pool\":\"pool0\""), (0, "\u{FF}\u{FE}")] {
            var file = lines
            file[index] = bad
            let path = directory.appendingPathComponent("bad.jsonl").path
            try file.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let run = try Tool.run(["import", path, "--db", database])
            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("line \(index + 1): "), "\(run.stderr)")
        }
        #expect(try Tool.run(["export", "--db", database]).stdout == before)
        #expect(try verifiedHead(database) == 100)
    }

    @Test func verifyNamesTheTamperedSequenceNumber() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let file = directory.appendingPathComponent("facts.jsonl").path
        try RandomHistory.jsonLines(RandomHistory.facts(seed: 2, count: 300)).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Tool.run(["import", file, "--db", database]).status == 0)
        do {
            let attacker = try DatabaseQueue(path: database)
            try attacker.write { db in
                try db.execute(sql: "DROP TRIGGER record_append_only_update")
                try db.execute(sql: "UPDATE record SET time = time + 1 WHERE seq = 123")
            }
        }
        let run = try Tool.run(["verify", "--db", database])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("seq 123: CHAIN: "), "\(run.stderr)")
        let replay = try Tool.run(["replay", "--db", database])
        #expect(replay.status == 1)
    }

    /// A child process importing large files is killed with SIGKILL at random
    /// moments, 20 times: after each kill `verify` passes and the log holds
    /// whole batches only. The next round imports the batch that was lost.
    @Test func killedImportsLeaveWholeBatchesOnly() throws {
        let batchSize = 3_000
        let batchCount = 6
        let directory = try Tool.temporaryDirectory()
        let facts = RandomHistory.facts(seed: 99, count: batchSize * batchCount)
        let batches = (0..<batchCount).map { index in
            let path = directory.appendingPathComponent("batch\(index).jsonl").path
            try! RandomHistory.jsonLines(Array(facts[(index * batchSize)..<((index + 1) * batchSize)])).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        var rng = SplitMix64(seed: 2026)
        var database = directory.appendingPathComponent("ledger0.sqlite").path
        var head: UInt64 = 0
        var killedMidway = 0
        for round in 0..<20 {
            if head == UInt64(batchSize * batchCount) {
                database = directory.appendingPathComponent("ledger\(round).sqlite").path
                head = 0
            }
            let next = Int(head) / batchSize
            let process = Process()
            process.executableURL = Tool.binary
            process.arguments = ["import", batches[next], "--db", database]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...600_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }

            let verified = try #require(try verifiedHead(database), "round \(round)")
            #expect(verified % UInt64(batchSize) == 0, "round \(round): \(verified) is not a whole number of batches")
            #expect(verified == head || verified == head + UInt64(batchSize), "round \(round)")
            head = verified
        }
        // Most rounds must really have been cut short, or the test proves little.
        #expect(killedMidway >= 10, "only \(killedMidway) of 20 imports were killed before they finished")
    }
}
