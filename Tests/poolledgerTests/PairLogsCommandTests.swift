import Foundation
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// `export-logs` and `import-logs` as a user runs them: a ledger written as
/// its pair's logs and read back gives the same state, and logs that disagree
/// with the chain (an altered amount, a Sync that does not match) are refused
/// naming the log, with nothing written.
@Suite(.serialized) struct PairLogsCommandTests {
    struct PoolOptions {
        var pool: String
        var arguments: [String]
    }

    /// Every pool of a ledger with the options `import-logs` needs to recreate it.
    func pools(_ database: String) throws -> [PoolOptions] {
        let export = try Tool.run(["export", "--db", database])
        var pools: [PoolOptions] = []
        for line in export.stdout.split(separator: "\n") {
            guard case .object(let fields) = try JSON.parse(String(line)),
                  fields.contains(where: { $0.key == "type" && $0.value == .string("pool_created") }) else { continue }
            func text(_ key: String) -> String? {
                switch fields.first(where: { $0.key == key })?.value {
                case .string(let value)?: return value
                case .number(let value)?: return value
                default: return nil
                }
            }
            var arguments = ["--pool", text("pool")!, "--token0", text("token0")!, "--token1", text("token1")!,
                             "--decimals0", text("decimals0")!, "--decimals1", text("decimals1")!, "--fee-ppm", text("fee_ppm")!]
            if let feeTo = text("fee_to") { arguments += ["--fee-to", feeTo] }
            pools.append(PoolOptions(pool: text("pool")!, arguments: arguments))
        }
        return pools
    }

    func stateHash(_ pool: String, _ database: String) throws -> JSON? {
        let run = try Tool.run(["state", pool, "--json", "--db", database])
        guard run.status == 0, case .object(let fields) = try JSON.parse(run.stdout) else { return nil }
        return fields.first { $0.key == "state_hash" }?.value
    }

    /// Imports facts, writes each pool as logs, reads them into a new ledger: same state hashes.
    func roundTrip(facts path: String, csv: Bool = false) throws {
        let directory = try Tool.temporaryDirectory()
        let original = directory.appendingPathComponent("original.sqlite").path
        let replayed = directory.appendingPathComponent("replayed.sqlite").path
        // Facts are imported; a file of commands (the router scenario) is run.
        let commands = try String(contentsOfFile: path, encoding: .utf8).hasPrefix("{\"cmd\"")
        let imported = try Tool.run([commands ? "run" : "import", path, "--db", original])
        #expect(imported.status == 0, "\(imported.stderr)")
        let found = try pools(original)
        #expect(!found.isEmpty)
        for pool in found {
            let logs = directory.appendingPathComponent("\(pool.pool).\(csv ? "csv" : "jsonl")").path
            let export = try Tool.run(["export-logs", "--pool", pool.pool, "--db", original, logs] + (csv ? ["--csv"] : []))
            #expect(export.status == 0, "\(export.stderr)")
            let run = try Tool.run(["import-logs", logs, "--db", replayed] + pool.arguments)
            #expect(run.status == 0, "\(path) \(pool.pool): \(run.stderr)")
            let hash = try stateHash(pool.pool, original)
            #expect(hash != nil)
            #expect(try stateHash(pool.pool, replayed) == hash, "\(path) \(pool.pool)")
        }
    }

    @Test(arguments: [
        "v2-core-mint", "v2-core-burn", "v2-core-swap-token0", "v2-core-swap-token1", "v2-core-fee-to-off",
        "v2-core-fee-to-on", "v2-core-price-accumulators", "v2-periphery-router",
    ])
    func v2CoreScenariosSurviveLogs(_ name: String) throws {
        try roundTrip(facts: Tool.packageRoot.appendingPathComponent("Events/\(name).jsonl").path)
    }

    /// 10,000 facts of every kind in one pool with the protocol fee on from the
    /// start (and switched now and then: FeeTo rows), through JSON Lines and CSV.
    @Test func generatedHistorySurvivesLogs() throws {
        let facts = RandomHistory.facts(seed: 42, count: 10_000, pools: 1)
        #expect(facts.filter { if case .liquidityAdded = $0.body { true } else { false } }.count > 500)
        #expect(facts.contains { if case .liquidityAdded(let f) = $0.body { f.protocolFeeShares.map { !$0.isZero } ?? false } else { false } }
            || facts.contains { if case .feeToSet = $0.body { true } else { false } })
        let path = try Tool.temporaryFile("history.jsonl", RandomHistory.jsonLines(facts))
        try roundTrip(facts: path)
        try roundTrip(facts: path, csv: true)
    }

    /// The logs of a small history with deposits, swaps and a withdrawal, protocol fee on.
    func exampleLogs() throws -> (logs: [String], options: [String]) {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let imported = try Tool.run(["import", "Events/v2-core-fee-to-on.jsonl", "--db", database])
        #expect(imported.status == 0)
        let export = try Tool.run(["export-logs", "--pool", "pair", "--pair", "0xpair", "--db", database])
        #expect(export.status == 0)
        return (export.stdout.split(separator: "\n").map(String.init),
                ["--pool", "pair", "--token0", "token0", "--token1", "token1", "--fee-to", "other"])
    }

    /// One amount of a Swap, Mint or Burn log altered by one wei: refused naming
    /// that log's block, tx and log index; nothing written.
    @Test(arguments: [("Swap", "amount0Out"), ("Swap", "amount1In"), ("Mint", "amount0"), ("Mint", "amount1"), ("Burn", "amount0"), ("Burn", "amount1")])
    func alteredAmountIsRefusedNamingTheLog(_ event: String, _ key: String) throws {
        var (logs, options) = try exampleLogs()
        let index = try #require(logs.firstIndex { $0.contains("\"event\":\"\(event)\"") })
        guard case .object(var fields) = try JSON.parse(logs[index]),
              let position = fields.firstIndex(where: { $0.key == key }),
              case .string(let text) = fields[position].value, let value = UInt256(decimal: text),
              case .number(let block)? = fields.first(where: { $0.key == "block" })?.value,
              case .string(let tx)? = fields.first(where: { $0.key == "tx" })?.value,
              case .number(let logIndex)? = fields.first(where: { $0.key == "log_index" })?.value else {
            Issue.record("no \(key) in \(logs[index])"); return
        }
        fields[position].value = .string((value + 1).description)
        logs[index] = JSON.object(fields).compact
        let path = try Tool.temporaryFile("altered.jsonl", logs.joined(separator: "\n") + "\n")
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["import-logs", path, "--db", database] + options)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("block \(block) tx \(tx) log_index \(logIndex): "), "\(run.stderr)")
        // Nothing of the file is in the ledger: not even the pool.
        #expect(try Tool.run(["state", "pair", "--db", database]).status == 1)
        #expect(try Tool.run(["export", "--db", database]).stdout.isEmpty)
    }

    @Test func overlappingRangeAddsNothing() throws {
        let (logs, options) = try exampleLogs()
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        // The first two transactions, then everything: the overlap is skipped.
        let secondTx = try #require(logs.firstIndex { $0.contains("\"event\":\"Swap\"") })
        let first = try Tool.temporaryFile("first.jsonl", logs[...secondTx].joined(separator: "\n") + "\n")
        let all = try Tool.temporaryFile("all.jsonl", logs.joined(separator: "\n") + "\n")
        #expect(try Tool.run(["import-logs", first, "--db", database] + options).status == 0)
        let head = try Tool.run(["export", "--db", database]).stdout.split(separator: "\n").count
        #expect(head == 3)
        let second = try Tool.run(["import-logs", all, "--db", database] + options)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("appended 1 facts, skipped 2 already"), "\(second.stderr)")
        let again = try Tool.run(["import-logs", all, "--db", database] + options)
        #expect(again.stderr.contains("appended 0 facts, skipped 3 already"), "\(again.stderr)")
        let replayed = directory.appendingPathComponent("whole.sqlite").path
        #expect(try Tool.run(["import-logs", all, "--db", replayed] + options).status == 0)
        #expect(try stateHash("pair", database) == stateHash("pair", replayed))
    }

    /// A Sync with no call after it is a sync() that took up a donation: a
    /// reserves_synced fact, shown in the audit. A Sync that disagrees is refused.
    @Test func loneSyncBecomesReservesSynced() throws {
        var (logs, options) = try exampleLogs()
        // After the first mint: someone sends 5 and 7 wei to the pair and calls sync().
        let mint = try #require(logs.firstIndex { $0.contains("\"event\":\"Mint\"") })
        let donation = #"{"address":"0xpair","block":2,"tx":"0xdonation","log_index":10,"event":"Sync","reserve0":"1000000000000000000005","reserve1":"1000000000000000000007"}"#
        logs.insert(donation, at: mint + 1)
        // The later logs carry the chain's reserves, which include the donation: rebuild
        // them from a ledger that folded it, so every later Sync agrees.
        let facts = try Tool.temporaryFile("facts.jsonl", """
            {"type":"pool_created","pool":"pair","token0":"token0","token1":"token1","decimals0":18,"decimals1":18,"fee_ppm":3000,"fee_to":"other"}
            {"type":"liquidity_added","pool":"pair","provider":"wallet","amount0":"1000000000000000000000","amount1":"1000000000000000000000","shares":"999999999999999999000","block":2}
            {"type":"reserves_synced","pool":"pair","reserve0":"1000000000000000000005","reserve1":"1000000000000000000007","id":"0xdonation:10","block":2}
            {"type":"swap","pool":"pair","trader":"wallet","amount0_in":"0","amount1_in":"1000000000000000000","amount0_out":"996006981039903216","amount1_out":"0","block":3}

            """)
        let directory = try Tool.temporaryDirectory()
        let source = directory.appendingPathComponent("source.sqlite").path
        let imported = try Tool.run(["import", facts, "--db", source])
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try Tool.run(["export-logs", "--pool", "pair", "--pair", "0xpair", "--db", source])
        #expect(export.stdout.contains("\"reserve0\":\"1000000000000000000005\""))
        let path = try Tool.temporaryFile("logs.jsonl", export.stdout)
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["import-logs", path, "--db", database] + options)
        #expect(run.status == 0, "\(run.stderr)")
        let log = try Tool.run(["log", "--db", database])
        #expect(log.stdout.contains("reserves_synced"))
        #expect(try stateHash("pair", database) == stateHash("pair", source))
        let audit = try Tool.run(["audit", "pair", "--json", "--db", database])
        guard case .object(let fields) = try JSON.parse(audit.stdout),
              case .array(let donations)? = fields.first(where: { $0.key == "donations" })?.value else { Issue.record("no donations"); return }
        #expect(donations.count == 1)
        #expect(try Tool.run(["audit", "pair", "--db", database]).stdout.contains("sync() took up tokens sent to the pair 1 time(s)"))

        // The lone Sync of the first file does not match what follows it: refused at the next call.
        let mismatched = try Tool.temporaryFile("mismatch.jsonl", logs.joined(separator: "\n") + "\n")
        let refused = try Tool.run(["import-logs", mismatched, "--db", directory.appendingPathComponent("x.sqlite").path] + options)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SYNC_MISMATCH"), "\(refused.stderr)")
        // A sync below the reserves is not a sync.
        let below = logs.map { $0 == donation ? donation.replacingOccurrences(of: "1000000000000000000005", with: "999999999999999999999") : $0 }
        let belowPath = try Tool.temporaryFile("below.jsonl", below.joined(separator: "\n") + "\n")
        let belowRun = try Tool.run(["import-logs", belowPath, "--db", directory.appendingPathComponent("y.sqlite").path] + options)
        #expect(belowRun.stderr.contains("block 2 tx 0xdonation log_index 10: SYNC_BELOW_RESERVES"), "\(belowRun.stderr)")
    }

    /// Tokens sent to the pair and paid out by the next burn (no sync() between):
    /// the burn's own Sync reveals the balance it read, taken up first.
    @Test func donationPaidOutByABurnIsTakenUpFirst() throws {
        let facts = try Tool.temporaryFile("facts.jsonl", """
            {"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}
            {"type":"liquidity_added","pool":"p","provider":"lp","amount0":"1000000000000000000000","amount1":"1000000000000000000000","shares":"999999999999999999000"}
            {"type":"reserves_synced","pool":"p","reserve0":"1000000000000000000000000","reserve1":"1000000000000000000000"}
            {"type":"liquidity_removed","pool":"p","provider":"lp","shares":"500000000000000000000","amount0":"500000000000000000000000","amount1":"500000000000000000000"}

            """)
        let directory = try Tool.temporaryDirectory()
        let source = directory.appendingPathComponent("source.sqlite").path
        let imported = try Tool.run(["import", facts, "--db", source])
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try Tool.run(["export-logs", "--pool", "p", "--db", source])
        // Drop the lone Sync: the donation now shows only in the burn's amounts.
        var lines = export.stdout.split(separator: "\n").map(String.init)
        let lone = try #require(lines.firstIndex { $0.contains("\"block\":3") && $0.contains("\"event\":\"Sync\"") })
        lines.remove(at: lone)
        let path = try Tool.temporaryFile("logs.jsonl", lines.joined(separator: "\n") + "\n")
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["import-logs", path, "--db", database, "--pool", "p", "--token0", "A", "--token1", "B"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try stateHash("p", database) == stateHash("p", source))
        #expect(try Tool.run(["log", "--db", database]).stdout.contains("reserves_synced"))
    }

    @Test func malformedLogsNameTheLineAndField() throws {
        let path = try Tool.temporaryFile("bad.jsonl", """
            {"address":"0xpair","block":1,"tx":"0xa","log_index":0,"event":"Sync","reserve0":"1.5","reserve1":"2"}

            """)
        let run = try Tool.run(["import-logs", path, "--pool", "p", "--token0", "A", "--token1", "B", "--db", try Tool.temporaryDirectory().appendingPathComponent("l.sqlite").path])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("line 1: INVALID_AMOUNT: field \"reserve0\""), "\(run.stderr)")
        let csv = try Tool.temporaryFile("bad.csv", "address,block,tx,log_index,event,reserve0,reserve1\n0xpair,1,0xa,0,Sync,1\n")
        let csvRun = try Tool.run(["import-logs", csv, "--pool", "p", "--token0", "A", "--token1", "B", "--db", try Tool.temporaryDirectory().appendingPathComponent("l.sqlite").path])
        #expect(csvRun.status == 1)
        #expect(csvRun.stderr.hasPrefix("line 2: "), "\(csvRun.stderr)")
        // Without --pool the rows are read as many pools' decoded logs: the same row is refused the same way.
        let multi = try Tool.run(["import-logs", path, "--db", try Tool.temporaryDirectory().appendingPathComponent("m.sqlite").path])
        #expect(multi.status == 1)
        #expect(multi.stderr.hasPrefix("line 1: INVALID_AMOUNT: field \"reserve0\""), "\(multi.stderr)")
        // --pool without its tokens is a usage error.
        #expect(try Tool.run(["import-logs", path, "--pool", "p"]).status == 2)
    }
}
