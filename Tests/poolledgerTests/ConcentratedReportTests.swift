import Foundation
import PoolLedger
import Testing

/// `report` of a concentrated (Uniswap V3) pool, run as a user runs it: one
/// self-contained page, one chart per section (the price against each
/// position's range, the liquidity by tick, fees against impermanent loss,
/// each position against holding), and a table with the figures `audit`
/// prints for the same history.
@Suite(.serialized) struct ConcentratedReportTests {
    static let pool = "eth-dai-v3"

    /// Two ranges around a price of about 2,000 DAI, one full range (its ends,
    /// near ±887272, must not flatten the price axis), swaps both ways, a burn
    /// and a collect.
    static let commands = [
        #"{"cmd":"create_pool","pool":"eth-dai-v3","token0":"ETH","token1":"DAI","decimals0":18,"decimals1":18,"fee_ppm":3000,"model":"concentrated","tick_spacing":60,"sqrt_price_x96":"3544462429523745744168060715008"}"#,
        #"{"cmd":"mint_position","pool":"eth-dai-v3","owner":"alice","tick_lower":73140,"tick_upper":79020,"liquidity":"10000000000000000000000"}"#,
        #"{"cmd":"mint_position","pool":"eth-dai-v3","owner":"bob","tick_lower":69060,"tick_upper":82920,"liquidity":"5000000000000000000000"}"#,
        #"{"cmd":"mint_position","pool":"eth-dai-v3","owner":"erin","tick_lower":-887220,"tick_upper":887220,"liquidity":"1000000000000000000000"}"#,
        #"{"cmd":"swap_exact_in","pool":"eth-dai-v3","trader":"carol","token_in":"ETH","amount_in":"10000000000000000000","min_amount_out":"19000000000000000000000"}"#,
        #"{"cmd":"swap_exact_out","pool":"eth-dai-v3","trader":"dave","token_out":"ETH","amount_out":"25000000000000000000","sqrt_price_limit_x96":"3600000000000000000000000000000"}"#,
        #"{"cmd":"burn_position","pool":"eth-dai-v3","owner":"alice","tick_lower":73140,"tick_upper":79020,"liquidity":"5000000000000000000000"}"#,
        #"{"cmd":"collect","pool":"eth-dai-v3","owner":"alice","tick_lower":73140,"tick_upper":79020}"#,
    ]

    /// The history above run into a new ledger; returns the database path.
    func ledger() throws -> String {
        let directory = try Tool.temporaryDirectory()
        let file = directory.appendingPathComponent("v3.commands.jsonl")
        try (Self.commands.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["run", file.path, "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        return database
    }

    /// The page `report` writes, and what it printed.
    func report(_ pool: String, _ database: String, _ extra: [String] = []) throws -> (html: String, stdout: String) {
        let page = try Tool.temporaryDirectory().appendingPathComponent("report.html").path
        let run = try Tool.run(["report", pool, "--out", page, "--db", database] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return (try String(contentsOfFile: page, encoding: .utf8), run.stdout)
    }

    func sections(_ html: String) -> [String] {
        html.components(separatedBy: "<section>").dropFirst().map { $0.components(separatedBy: "</section>")[0] }
    }

    func section(_ html: String, titled title: String) -> String? {
        sections(html).first { $0.contains("<h2>\(title)</h2>") }
    }

    func object(_ json: JSON) -> [String: JSON] {
        guard case .object(let members) = json else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    func text(_ json: JSON?) -> String? {
        switch json {
        case .string(let text)?, .number(let text)?: return text
        default: return nil
        }
    }

    /// `audit --json`'s positions, each as its fields.
    func auditPositions(_ pool: String, _ database: String) throws -> [[String: JSON]] {
        let run = try Tool.run(["audit", pool, "--json", "--no-history", "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        guard case .array(let positions)? = object(try JSON.parse(run.stdout))["positions"] else { return [] }
        return positions.map(object)
    }

    func owner(_ position: [String: JSON]) -> String { text(position["owner"]) ?? "" }
    func range(_ position: [String: JSON]) -> (String, String) { (text(position["tick_lower"]) ?? "", text(position["tick_upper"]) ?? "") }

    /// Nothing fetched from anywhere: no script, stylesheet, image, font or URL.
    func expectSelfContained(_ html: String) {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for outside in ["http:", "https:", "<script", "<link", "<img", "@import", "url(", "src=", "href=", "@font-face"] {
            #expect(!html.contains(outside), "the page refers to \(outside)")
        }
    }

    func expectOneChartPerSection(_ html: String) {
        let sections = sections(html)
        #expect(!sections.isEmpty)
        for section in sections {
            #expect(section.components(separatedBy: "<svg").count - 1 == 1, "\(section.prefix(120))")
        }
        #expect(html.components(separatedBy: "<svg").count - 1 == sections.count)
    }

    @Test func concentratedReportIsOneSelfContainedPageWithOneChartPerSection() throws {
        let database = try ledger()
        let (html, stdout) = try report(Self.pool, database)
        expectSelfContained(html)
        expectOneChartPerSection(html)
        let positions = try auditPositions(Self.pool, database)
        #expect(positions.count == 3)
        #expect(stdout.contains("3 positions"), "\(stdout)")

        // Price with ranges, liquidity by tick, fees against loss, then one per position.
        #expect(sections(html).count == 3 + positions.count)
        for title in ["Price and position ranges", "Liquidity by tick", "Fees against impermanent loss"] {
            #expect(section(html, titled: title) != nil, "no section \(title)")
        }
        for position in positions {
            let (lower, upper) = range(position)
            #expect(section(html, titled: "\(owner(position)) ticks \(lower)...\(upper): value against holding") != nil, "no value section for \(owner(position))")
        }

        // A band per position; the full range one is cut at the axis, which stays
        // on the price path's scale (no 1e38 tick labels).
        let price = try #require(section(html, titled: "Price and position ranges"))
        #expect(price.components(separatedBy: "fill-opacity=\"0.14\"").count - 1 == positions.count)
        #expect(price.contains("erin -887220...887220 (clipped)"))
        #expect(!price.contains("alice 73140...79020 (clipped)"))
        for label in price.components(separatedBy: "class=\"tick\">").dropFirst().map({ $0.prefix { $0 != "<" } }) {
            #expect(!label.contains("e"), "tick label \(label)")
        }

        // The liquidity chart: a bar per interval between initialized ticks in view
        // (bob's lower end to alice's, alice's range, alice's upper end to bob's; the
        // legend's swatch is one more), and the price now.
        let liquidity = try #require(section(html, titled: "Liquidity by tick"))
        #expect(liquidity.contains("price now"))
        #expect(liquidity.components(separatedBy: "fill-opacity=\"0.55\"").count - 1 == 3 + 1)
    }

    @Test func summaryTableHasTheAuditsFigures() throws {
        let database = try ledger()
        let (html, _) = try report(Self.pool, database)
        let positions = try auditPositions(Self.pool, database)
        let printed = try Tool.run(["audit", Self.pool, "--db", database])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(!positions.isEmpty)
        for position in positions {
            let (lower, upper) = range(position)
            let start = "<tr><td>\(owner(position))</td><td>\(lower)</td><td>\(upper)</td>"
            let row = try #require(html.components(separatedBy: start).dropFirst().first?.components(separatedBy: "</tr>").first,
                                   "no row for \(owner(position))")
            // The exact decimals, as `audit --json` writes them.
            for key in ["value", "hodl_value", "il_value", "fee_value", "net_value"] {
                let exact = try #require(text(position[key]), "\(key)")
                #expect(row.contains("title=\"\(exact)\""), "\(owner(position)) \(key) \(exact)")
            }
            // And the rounded figures, as `audit` prints them.
            let figures = printedFigures(printed.stdout, owner: owner(position), lower: lower, upper: upper)
            #expect(figures.count == 6, "\(figures)")
            for (label, figure) in figures {
                #expect(row.contains(">\(figure)</td>"), "\(owner(position)) \(label) \(figure)")
            }
        }
    }

    /// One position's figures from the audit's text: value, hodl value,
    /// impermanent (and its percent), fees value and net, without the "+".
    func printedFigures(_ text: String, owner: String, lower: String, upper: String) -> [(String, String)] {
        guard let block = text.components(separatedBy: "\n  \(owner)  ticks \(lower)...\(upper) ").dropFirst().first?
            .components(separatedBy: "\n\n").first else { return [] }
        var figures: [(String, String)] = []
        for line in block.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            for label in ["value", "hodl value", "impermanent", "fees value", "net"] where line.hasPrefix(label + " ") {
                let words = line.dropFirst(label.count).split(separator: " ")
                guard let first = words.first else { continue }
                figures.append((label, first.hasPrefix("+") ? String(first.dropFirst()) : String(first)))
                // "impermanent  -1.5 (-0.0123 %)": the percent is a column of its own.
                if label == "impermanent", words.count > 1, words[1].hasPrefix("(") { figures.append(("il %", String(words[1].dropFirst()))) }
            }
        }
        return figures
    }

    @Test func reportAsOfAnEarlierSeqBeforeAnySwap() throws {
        let database = try ledger()
        // Seq 4: the three mints, no trade yet: nothing earned, nothing lost.
        let (html, _) = try report(Self.pool, database, ["--at", "4"])
        expectSelfContained(html)
        expectOneChartPerSection(html)
        #expect(html.contains("At seq 4;"))
        #expect(sections(html).count == 6)
    }

    /// The bundled NFT history: positions as people hold them. A row per NFT
    /// with `audit --json`'s exact figures, a value section per NFT (and per
    /// position held directly), none for the manager's own position, which is
    /// the sum of its NFTs.
    @Test func nftPositionsAreChartedAsTheirHoldersHoldThem() throws {
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(["run", "Events/examples/v3-nft.commands.jsonl", "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        let (html, _) = try report(Self.pool, database)
        expectSelfContained(html)
        expectOneChartPerSection(html)
        let audit = object(try JSON.parse(try Tool.run(["audit", Self.pool, "--json", "--no-history", "--db", database]).stdout))
        guard case .array(let nftList)? = audit["nfts"], case .array(let positionList)? = audit["positions"] else { Issue.record("no nfts"); return }
        let nfts = nftList.map(object), positions = positionList.map(object)
        #expect(nfts.count == 2)
        let manager = mainnetPositionManager
        let direct = positions.filter { owner($0) != manager }
        #expect(sections(html).count == 3 + min(8, direct.count + nfts.count))
        for nft in nfts {
            let id = text(nft["token_id"])!, holder = text(nft["holder"])!
            let (lower, upper) = range(nft)
            #expect(section(html, titled: "NFT \(id) of \(holder) ticks \(lower)...\(upper): value against holding") != nil, "no value section for NFT \(id)")
            let row = try #require(html.components(separatedBy: "<tr><td>NFT \(id) of \(holder)</td>").dropFirst().first?.components(separatedBy: "</tr>").first)
            for key in ["value", "hodl_value", "il_value", "fee_value", "net_value"] {
                let exact = try #require(text(nft[key]))
                #expect(row.contains("title=\"\(exact)\""), "NFT \(id) \(key) \(exact)")
            }
        }
        #expect(!html.contains("<h2>\(manager) ticks"), "the manager's own position is charted")
        // Its rows are in the table, marked.
        #expect(html.contains("(position manager: its NFTs below)"))
    }

    @Test func recordedPoolIsSampledAndChartsItsLargestPositions() throws {
        let pool = "uniswap-v3-weth-ens"
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        let imported = try Tool.run(["import", "Events/\(pool).jsonl", "--db", database])
        #expect(imported.status == 0, "\(imported.stderr)")
        let (html, stdout) = try report(pool, database, ["--points", "50"])
        expectSelfContained(html)
        expectOneChartPerSection(html)
        // About 50 samples (the last fact always), however long the history.
        let points = stdout.components(separatedBy: ": ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        #expect(points != nil && points! <= 51 && points! >= 2, "\(stdout)")
        let positions = try auditPositions(pool, database)
        #expect(sections(html).count == 3 + min(8, positions.count))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == positions.count)
    }
}
