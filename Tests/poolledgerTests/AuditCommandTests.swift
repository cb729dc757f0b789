import Foundation
import PoolLedger
import Testing

/// The impermanent-loss worked examples, run as a user runs them: the
/// commands in Events/examples through `run`, the figures from `audit --json`.
@Suite(.serialized) struct AuditCommandTests {
    /// Runs one example's commands into a new ledger; returns the database path.
    func ledger(_ example: String) throws -> String {
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["run", "Events/examples/\(example).commands.jsonl", "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        return database
    }

    func audit(_ pool: String, _ database: String, _ extra: [String] = []) throws -> JSON {
        let run = try Tool.run(["audit", pool, "--json", "--db", database] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return try JSON.parse(run.stdout)
    }

    func provider(_ audit: JSON, _ name: String) -> [String: JSON] {
        guard case .object(let members) = audit, case .array(let providers)? = members.first(where: { $0.key == "providers" })?.value else { return [:] }
        for case .object(let fields) in providers where fields.contains(where: { $0.key == "provider" && $0.value == .string(name) }) {
            return Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        return [:]
    }

    /// A decimal-string field rounded to `places` for comparison with the published figures.
    func figure(_ fields: [String: JSON], _ key: String, places: Int) -> String? {
        guard case .string(let text)? = fields[key], let value = Double(text) else { return nil }
        return String(format: "%.\(places)f", value)
    }

    @Test func example_a_twentyPercentOfFiftyEthWhenEthDoubles() throws {
        let database = try ledger("il-a-eth-usdt-2000")
        let bob = provider(try audit("ETH-USDT", database), "bob")
        #expect(figure(bob, "share_pct", places: 4) == "20.0000")
        #expect(figure(bob, "amount0", places: 4) == "7.0711")
        #expect(figure(bob, "amount1", places: 2) == "14142.14")
        #expect(figure(bob, "value", places: 2) == "28284.27")
        #expect(figure(bob, "hodl_value", places: 2) == "30000.00")
        #expect(figure(bob, "il_pct", places: 2) == "-5.72")
        // Not the 28,124 / 1,876 a widely read article prints.
        #expect(figure(bob, "value", places: 0) != "28124")
        #expect(figure(bob, "il_value", places: 2) == "-1715.73")
        #expect(bob["profitable"] == .bool(false))
        // No fee: what is lost is all impermanent loss (the fee value is rounding, below a cent).
        guard case .string(let fee)? = bob["fee_value"], let feeValue = Double(fee) else { Issue.record("no fee_value"); return }
        #expect(abs(feeValue) < 0.01)

        // The same position in a numéraire: ETH at 2,000 and USDT at 1 give the same figures.
        let priced = provider(try audit("ETH-USDT", database, ["--price0", "2000", "--price1", "1"]), "bob")
        #expect(figure(priced, "value", places: 2) == "28284.27")
        #expect(figure(priced, "hodl_value", places: 2) == "30000.00")
        #expect(figure(priced, "il_pct", places: 2) == "-5.72")
    }

    @Test func example_b_oneEthAndThreeThousandUsdcWhenEthGoesToSixThousand() throws {
        let carol = provider(try audit("ETH-USDC", try ledger("il-b-eth-usdc-6000")), "carol")
        #expect(figure(carol, "value", places: 2) == "8485.28")
        #expect(figure(carol, "hodl_value", places: 2) == "9000.00")
        #expect(figure(carol, "il_pct", places: 2) == "-5.72")
    }

    @Test func example_c_roundTripWithFeesLeavesNoImpermanentLoss() throws {
        let database = try ledger("il-c-round-trip-fees")
        let audit = try audit("ETH-USDC-30", database)
        guard case .object(let members) = audit, case .string(let price)? = members.first(where: { $0.key == "price" })?.value else {
            Issue.record("no price"); return
        }
        #expect(String(format: "%.4f", Double(price)!) == "3200.0000")
        let dana = provider(audit, "dana")
        #expect(figure(dana, "share_pct", places: 4) == "1.0000")
        // Constant product is path independent: back at 3,200 the loss is gone (no 12 USDC residue).
        guard case .string(let il)? = dana["il_value"], case .string(let ilPercent)? = dana["il_pct"],
              case .string(let fee)? = dana["fee_value"] else { Issue.record("missing fields"); return }
        #expect(abs(Double(il)!) < 1e-6)
        #expect(abs(Double(ilPercent)!) < 1e-9)
        #expect(Double(fee)! > 1)
        #expect(dana["profitable"] == .bool(true))

        // The volume the example claims: the USDC legs of its swaps add up to 80,000.
        let commands = try String(contentsOf: Tool.packageRoot.appendingPathComponent("Events/examples/il-c-round-trip-fees.commands.jsonl"), encoding: .utf8)
        #expect(commands.split(separator: "\n").filter { $0.contains("\"swap_exact_in\"") }.count == 4)
        let log = try Tool.run(["export", "--db", database])
        var volume = 0.0
        for line in log.stdout.split(separator: "\n") {
            guard case .object(let fact) = try JSON.parse(String(line)), fact.contains(where: { $0.key == "type" && $0.value == .string("swap") }) else { continue }
            for key in ["amount1_in", "amount1_out"] {
                if case .string(let amount)? = fact.first(where: { $0.key == key })?.value { volume += Double(amount)! / 1e6 }
            }
        }
        #expect(abs(volume - 80_000) < 1, "volume \(volume)")
    }

    @Test func example_d_aTwofoldMoveCostsFivePointSevenTwoPercent() throws {
        let erin = provider(try audit("ETH-USDC-D", try ledger("il-d-halving")), "erin")
        #expect(figure(erin, "il_pct", places: 2) == "-5.72")
        #expect(figure(erin, "il_pct", places: 1) != "-8.5")
    }

    /// The bundled NFT history: a row per NFT in `audit --json`'s "nfts", its
    /// tokens owed what the state's NFTs hold (the manager's positions()), its
    /// lifetime fees in base units, and `--holder` keeping one holder's rows.
    @Test func nftRowsCarryTheManagersFiguresAndFilterByHolder() throws {
        let database = try ledger("v3-nft")
        func fields(_ json: JSON) -> [String: JSON] {
            guard case .object(let members) = json else { return [:] }
            return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        func list(_ json: JSON, _ key: String) -> [[String: JSON]] {
            guard case .array(let items)? = fields(json)[key] else { return [] }
            return items.map(fields)
        }
        let all = try audit("eth-dai-v3", database)
        let nfts = list(all, "nfts")
        #expect(nfts.map { $0["token_id"] } == [.string("1"), .string("2")])
        #expect(nfts.map { $0["holder"] } == [.string("carol"), .string("frank")])
        let state = try JSON.parse(try Tool.run(["state", "eth-dai-v3", "--json", "--db", database]).stdout)
        let stored = list(state, "nfts")
        #expect(stored.count == 2)
        for (row, token) in zip(nfts, stored) {
            for key in ["token_id", "holder", "tick_lower", "tick_upper", "liquidity", "tokens_owed0", "tokens_owed1"] {
                #expect(row[key] == token[key], "\(key)")
            }
            // Lifetime fees in base units are the whole-token figure's digits.
            guard case .string(let whole)? = row["lifetime_fees0"], case .string(let base)? = row["fees0"] else { Issue.record("no fees"); continue }
            let parts = whole.split(separator: ".")
            let digits = String(parts[0]) + String((parts.count > 1 ? String(parts[1]) : "").padding(toLength: 18, withPad: "0", startingAt: 0))
            #expect(digits.drop { $0 == "0" } == base.drop { $0 == "0" }, "\(whole) vs \(base)")
        }
        let carol = try audit("eth-dai-v3", database, ["--holder", "carol"])
        #expect(list(carol, "nfts").count == 1 && list(carol, "positions").isEmpty)
        let alice = try audit("eth-dai-v3", database, ["--holder", "alice"])
        #expect(list(alice, "nfts").isEmpty && list(alice, "positions").count == 1)
        let law = list(fields(all)["conservation"]!, "managers")
        #expect(law.count == 2 && law.allSatisfy { $0["holds"] == .bool(true) })
    }

    @Test func auditRefusesWhatItCannotAnswer() throws {
        let database = try ledger("il-b-eth-usdc-6000")
        let unknown = try Tool.run(["audit", "NOPE", "--db", database])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("UNKNOWN_POOL"), "\(unknown.stderr)")
        #expect(try Tool.run(["audit", "ETH-USDC", "--price0", "1", "--db", database]).status == 2)
        let badPrice = try Tool.run(["audit", "ETH-USDC", "--price0", "3e3", "--price1", "1", "--db", database])
        #expect(badPrice.status == 1)
        #expect(badPrice.stderr.contains("price0"), "\(badPrice.stderr)")
        let beyond = try Tool.run(["audit", "ETH-USDC", "--at", "99", "--db", database])
        #expect(beyond.status == 1)
        // --at: right after the deposit nothing has moved: no loss, nothing earned.
        let early = provider(try audit("ETH-USDC", database, ["--at", "2"]), "carol")
        #expect(figure(early, "il_pct", places: 6) == "-0.000000")
        #expect(early["profitable"] == .bool(false))
    }

    @Test func reportIsOneSelfContainedPageWithOneChartPerSection() throws {
        let database = try ledger("il-c-round-trip-fees")
        let page = try Tool.temporaryDirectory().appendingPathComponent("report.html").path
        let run = try Tool.run(["report", "ETH-USDC-30", "--out", page, "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Nothing fetched from anywhere: no scripts, stylesheets, images, fonts or URLs.
        for outside in ["http:", "https:", "<script", "<link", "<img", "@import", "url(", "src=", "@font-face"] {
            #expect(!html.contains(outside), "the page refers to \(outside)")
        }
        let sections = html.components(separatedBy: "<section>").dropFirst().map { $0.components(separatedBy: "</section>")[0] }
        // Price, reserves, fees against loss, then one per provider (lp and dana).
        #expect(sections.count == 5)
        for section in sections {
            #expect(section.components(separatedBy: "<svg").count - 1 == 1)
            #expect(section.contains("<polyline"))
        }
        #expect(html.components(separatedBy: "<svg").count - 1 == sections.count)
        for title in ["Price", "Reserves", "Fees against impermanent loss", "dana: value against holding", "lp: value against holding"] {
            #expect(html.contains("<h2>\(title)</h2>"), "no section \(title)")
        }
    }
}
