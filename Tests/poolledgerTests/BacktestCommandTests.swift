import Foundation
import PoolLedger
import Testing

/// `backtest` as a user runs it, on the recorded WETH/ENS history (from the
/// ledger and from the facts file): a recorded position left out and added
/// back as placed commands gives the recorded state hash; an added position
/// is audited; a bad placement exits 1 naming its line, a removal that
/// matches nothing naming the spec.
@Suite(.serialized) struct BacktestCommandTests {
    static let pool = "uniswap-v3-weth-ens"
    static let history = "Events/uniswap-v3-weth-ens.jsonl"
    static let manager = "0xC36442b4a4522E871399CD717aBDD847Ab11FE88"

    func file(_ lines: [String]) throws -> String {
        let path = try Tool.temporaryDirectory().appendingPathComponent("add.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func fields(_ text: String) throws -> [String: JSON] {
        guard case .object(let members) = try JSON.parse(text) else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func leaveOneOutGivesTheRecordedStateFromTheLedgerAndFromTheFile() throws {
        // The position 58080...64800: one mint, placed back after it.
        let add = try file([#"{"after":"13578953:19","cmd":"mint_position","pool":"uniswap-v3-weth-ens","owner":"0xC36442b4a4522E871399CD717aBDD847Ab11FE88","tick_lower":58080,"tick_upper":64800,"liquidity":"1470467461420906693794"}"#])
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        #expect(try Tool.run(["import", Self.history, "--db", database]).status == 0)
        for source in [["--db", database], ["--history", Self.history]] {
            let run = try Tool.run(["backtest", "--pool", Self.pool, "--add", add, "--remove", "\(Self.manager):58080:64800", "--mode", "price-path", "--json"] + source)
            #expect(run.status == 0, "\(run.stderr)")
            let result = try fields(run.stdout)
            #expect(result["state_hash"] != nil && result["state_hash"] == result["recorded_state_hash"], "\(run.stdout)")
            #expect(result["repriced_swaps"] == .number("0"))
        }
        let state = try Tool.run(["state", Self.pool, "--json", "--db", database])
        #expect(try fields(state.stdout)["state_hash"] == fields(try Tool.run(["backtest", "--pool", Self.pool, "--add", add, "--remove", "\(Self.manager):58080:64800", "--mode", "price-path", "--json", "--db", database]).stdout)["state_hash"])
    }

    @Test func anAddedPositionIsAuditedAndBadInputNamesItsLine() throws {
        let add = try file([#"{"after":"13578816:16","cmd":"mint_position","pool":"uniswap-v3-weth-ens","owner":"me","tick_lower":55020,"tick_upper":61020,"liquidity":"100000000000000000000"}"#])
        let run = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "price-path"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("added me ticks 55020...61020"), "\(run.stdout)")
        let json = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "price-path", "--json"])
        guard case .array(let added)? = try fields(json.stdout)["added"], case .object(let row)? = added.first else { Issue.record("no added row"); return }
        #expect(row.contains { $0.key == "owner" && $0.value == .string("me") } && row.contains { $0.key == "fee_value" })

        // exact-input: the swaps that no longer reproduce re-run as the traders' orders; which of them
        // the recorded facts cannot tell apart (exact input or exact output) is listed.
        let exact = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "exact-input", "--json"])
        #expect(exact.status == 0, "\(exact.stderr)")
        let exactResult = try fields(exact.stdout)
        #expect(exactResult["mode"] == .string("exact-input"))
        guard case .array(let ambiguous)? = exactResult["ambiguous_swaps"], case .number(let rerun)? = exactResult["repriced_swaps"] else { Issue.record("no ambiguity list"); return }
        #expect(Int(rerun)! > 0 && ambiguous.count <= Int(rerun)!)
        let pathHash = try fields(json.stdout)["state_hash"]
        #expect(exactResult["state_hash"] != pathHash)
        let proRata = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "pro-rata", "--json"])
        #expect(proRata.status == 0, "\(proRata.stderr)")
        // The recorded pool is left as it was.
        let proRataResult = try fields(proRata.stdout)
        #expect(proRataResult["state_hash"] == proRataResult["recorded_state_hash"])
        #expect(try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "pro-rat"]).status == 2)
        // The same flow at another fee tier, said in the output.
        let tier = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--fee-ppm", "10000", "--mode", "price-path", "--json"])
        #expect(tier.status == 0, "\(tier.stderr)")
        let tierResult = try fields(tier.stdout)
        #expect(tierResult["fee_ppm"] == .number("10000") && tierResult["recorded_fee_ppm"] == .number("3000"))
        let proRataTier = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--fee-ppm", "500", "--mode", "pro-rata"])
        #expect(proRataTier.status == 1 && proRataTier.stderr.contains("pro-rata leaves the recorded pool as it was"), "\(proRataTier.stderr)")

        for (line, message) in [
            (#"{"at_block":1,"after":"x","cmd":"collect","pool":"p","owner":"o","tick_lower":0,"tick_upper":60}"#, "line 1: INVALID_FIELD"),
            (#"{"cmd":"collect","pool":"uniswap-v3-weth-ens","owner":"o","tick_lower":0,"tick_upper":60}"#, "line 1: MISSING_FIELD"),
            (#"{"after":"no-such-id","cmd":"collect","pool":"uniswap-v3-weth-ens","owner":"o","tick_lower":0,"tick_upper":60}"#, "line 1: after \"no-such-id\""),
        ] {
            let refused = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", try file([line])])
            #expect(refused.status == 1 && refused.stderr.contains(message), "\(refused.stderr)")
        }
        // Gas: the mint's default 300,000 units at 20 gwei is 0.006 ETH, valued as the pool's WETH and taken off the net.
        let gas = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "price-path", "--gas-price", "20"])
        #expect(gas.status == 0 && gas.stdout.contains("gas 300000 units, 0.006 ETH") && gas.stdout.contains("net after gas"), "\(gas.stdout)")
        let prices = try file(["block,gwei", "1,10", "13578816,30"])
        let byBlock = try fields(try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--mode", "price-path", "--gas-prices", prices, "--json"]).stdout)
        guard case .array(let gasRows)? = byBlock["added"], case .object(let gasRow)? = gasRows.first,
              case .object(let gasFigures)? = gasRow.first(where: { $0.key == "figures" })?.value else { Issue.record("no figures"); return }
        // Placed after a fact of block 13578816: that block's price, 30 gwei.
        #expect(gasFigures.first { $0.key == "gas_wei" }?.value == .string("9000000000000000"), "\(gasFigures)")
        #expect(try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--gas-price", "twenty"]).status == 2)
        // The page: the position's value in each mode, the modes' spread as a band, the figures in a table.
        let page = NSTemporaryDirectory() + "backtest-\(UUID().uuidString).html"
        #expect(try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--report", page]).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<h2>me:55020:61020</h2>") && html.contains("<polygon") && html.components(separatedBy: "<polyline").count - 1 == 6, "\(html.prefix(400))")
        for mode in ["price-path", "exact-input", "pro-rata"] { #expect(html.contains("<td>\(mode)</td>")) }
        // By default the three modes side by side, with the spread between them.
        let all = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add])
        #expect(all.status == 0, "\(all.stderr)")
        for word in ["price-path", "exact-input", "pro-rata", "spread fees"] { #expect(all.stdout.contains(word), "\(all.stdout)") }
        let allJSON = try fields(try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--add", add, "--json"]).stdout)
        guard case .array(let variants)? = allJSON["variants"] else { Issue.record("no variants"); return }
        #expect(variants.count == 3)
        let nothing = try Tool.run(["backtest", "--pool", Self.pool, "--history", Self.history, "--remove", "nobody:0:60"])
        #expect(nothing.status == 1 && nothing.stderr.contains("--remove nobody:0:60"), "\(nothing.stderr)")
    }
}
