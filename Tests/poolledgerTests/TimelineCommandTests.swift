import BigInt
import Foundation
import PoolLedger
import Testing

/// `timeline`: a row per fact with every position's figures as exact decimal
/// strings; in every row value + collected_fee_value == hodl_value + il_value
/// + fee_value to the last digit (summed here in BigInt), and the last fact's
/// rows are `audit --json` of the pool.
@Suite(.serialized) struct TimelineCommandTests {
    /// An exact decimal string as an integer of 10^-places units.
    func scaled(_ text: String, places: Int = 60) throws -> BigInt {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count <= 2 && !parts[0].isEmpty, "\(text)")
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        #expect(fraction.count <= places, "\(text)")
        let magnitude = try #require(BigInt(String(parts[0]) + fraction + String(repeating: "0", count: places - fraction.count)), "\(text)")
        return negative ? -magnitude : magnitude
    }

    /// RFC 4180 fields of one CSV line.
    func fields(_ line: Substring) -> [String] {
        var fields: [String] = [], field = "", quoted = false, previous: Character?
        for character in line {
            if quoted {
                if character == "\"" { quoted = false } else { field.append(character) }
            } else if character == "\"" {
                if previous == "\"" { field.append("\"") }
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
            previous = character
        }
        fields.append(field)
        return fields
    }

    func database(importing file: String) throws -> String {
        let database = try Tool.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        let run = try Tool.run(file.contains(".commands.") ? ["run", file, "--db", database] : ["import", file, "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        return database
    }

    func object(_ json: JSON) -> [String: JSON] {
        guard case .object(let members) = json else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    func string(_ json: JSON?) -> String? {
        if case .string(let text)? = json { return text }
        return nil
    }

    /// The identity in one position's figures; true when it was valued.
    func checkIdentity(_ figures: [String: String], at seq: String) throws -> Bool {
        guard let value = figures["value"], !value.isEmpty else { return false }
        let left = try scaled(value) + scaled(figures["collected_fee_value"]!)
        let right = try scaled(figures["hodl_value"]!) + scaled(figures["il_value"]!) + scaled(figures["fee_value"]!)
        #expect(left == right, "seq \(seq) \(figures["holder"] ?? ""): value + collected \(left) != hodl + il + fee \(right)")
        #expect(try scaled(figures["net_value"]!) == right - scaled(figures["hodl_value"]!), "seq \(seq): net_value")
        return true
    }

    @Test func pairFixtureAsCSV() throws {
        let pool = "uniswap-v2-usdc-weth"
        let database = try database(importing: "Events/uniswap-v2-usdc-weth.jsonl")
        let run = try Tool.run(["timeline", pool, "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        let header = fields(lines[0])
        #expect(header.joined(separator: ",") == TimelineRow.csvHeader)
        var seqs = Set<String>(), checked = 0
        var last: [[String: String]] = []
        for line in lines.dropFirst() {
            let row = Dictionary(uniqueKeysWithValues: zip(header, fields(line)))
            #expect(row.count == header.count)
            if row["seq"] != last.first?["seq"] { last = [] }
            last.append(row)
            seqs.insert(row["seq"]!)
            if try checkIdentity(row, at: row["seq"]!) { checked += 1 }
        }
        // A row for every fact of the fixture.
        let facts = try String(contentsOfFile: "Events/uniswap-v2-usdc-weth.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(seqs.count == facts)
        #expect(checked > facts)

        // The last fact's rows are the audit's providers, figure for figure.
        let audit = object(try JSON.parse(try Tool.run(["audit", pool, "--json", "--no-history", "--db", database]).stdout))
        guard case .array(let providers)? = audit["providers"] else { Issue.record("no providers"); return }
        #expect(last.count == providers.count)
        for (row, provider) in zip(last, providers.map(object)) {
            #expect(row["holder"] == string(provider["provider"]))
            #expect(row["liquidity"] == string(provider["shares"]))
            for key in ["value", "hodl_value", "il_value", "fee_value", "net_value"] {
                #expect(row[key] == string(provider[key]), "\(key) of \(row["holder"] ?? "")")
            }
        }
        #expect(last.first?["price"] == string(audit["price"]))

        // Every 1000th fact and the last; one holder's rows only.
        let sampled = try Tool.run(["timeline", pool, "--every", "1000", "--holder", "opening-balance", "--db", database])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        let sampledRows = sampled.stdout.split(separator: "\n").dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, fields($0))) }
        #expect(sampledRows.map { $0["seq"]! } == (1...(facts / 1000)).map { String($0 * 1000) } + (facts % 1000 == 0 ? [] : [String(facts)]))
        #expect(sampledRows.allSatisfy { $0["holder"] == "opening-balance" || $0["holder"] == "" })
    }

    @Test(arguments: ["Events/examples/v3-range.commands.jsonl", "Events/uniswap-v3-weth-ens.jsonl", "Events/examples/v3-nft.commands.jsonl"])
    func concentratedHistoriesAsJSONLines(file: String) throws {
        let database = try database(importing: file)
        let facts = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let pool = string(object(try JSON.parse(String(facts[0])))["pool"])!
        let run = try Tool.run(["timeline", pool, "--json", "--db", database])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try run.stdout.split(separator: "\n").map { object(try JSON.parse(String($0))) }
        var collected = false
        for row in rows {
            guard case .array(let positions)? = row["positions"] else { Issue.record("no positions array"); continue }
            for position in positions.map(object) {
                let figures = position.compactMapValues { json -> String? in
                    if case .string(let text) = json { return text }
                    if case .number(let text) = json { return text }
                    return nil
                }
                _ = try checkIdentity(figures, at: string(row["seq"]) ?? "\(row["seq"]!)")
                if let taken = figures["collected_fee_value"], try scaled(taken) > 0 { collected = true }
            }
        }
        // The example collects fees: the collected part is exercised there.
        if file.contains("v3-range") || file.contains("v3-nft") { #expect(collected) }

        let audit = object(try JSON.parse(try Tool.run(["audit", pool, "--json", "--no-history", "--db", database]).stdout))
        guard case .array(let held)? = audit["positions"], case .array(let got)? = rows.last?["positions"] else {
            Issue.record("no positions to compare")
            return
        }
        // Positions held directly, then the NFTs, as the audit lists them.
        var expected = held.map(object)
        if case .array(let nfts)? = audit["nfts"] { expected += nfts.map(object) }
        if file.contains("v3-nft") { #expect(expected.contains { $0["token_id"] != nil }) }
        #expect(got.count == expected.count)
        for (row, position) in zip(got.map(object), expected) {
            for key in ["tick_lower", "tick_upper", "liquidity", "value", "hodl_value", "il_value", "fee_value", "net_value", "token_id"] {
                #expect(row[key] == position[key], "\(key)")
            }
            #expect(row["holder"] == (position["owner"] ?? position["holder"]))
        }
        #expect(rows.last?["price"] == audit["price"])
        #expect(rows.last?["tick"] == audit["tick"])

        // The same as CSV: the identity in every line, and the last fact's lines the audit's rows.
        let csv = try Tool.run(["timeline", pool, "--csv", "--db", database])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        let header = fields(lines[0])
        #expect(header.joined(separator: ",") == TimelineRow.csvHeader)
        var lastLines: [[String: String]] = []
        for line in lines.dropFirst() {
            let row = Dictionary(uniqueKeysWithValues: zip(header, fields(line)))
            if row["seq"] != lastLines.first?["seq"] { lastLines = [] }
            lastLines.append(row)
            _ = try checkIdentity(row, at: row["seq"]!)
        }
        #expect(lastLines.count == expected.count)
        for (row, position) in zip(lastLines, expected) {
            for key in ["liquidity", "value", "hodl_value", "il_value", "fee_value", "net_value", "token_id"] {
                #expect(row[key] == (string(position[key]) ?? ""), "\(key)")
            }
            #expect(row["holder"] == string(position["owner"] ?? position["holder"]))
        }
    }

    @Test func refusesWhatItCannotAnswer() throws {
        let database = try database(importing: "Events/uniswap-v3-weth-ens.jsonl")
        let unknown = try Tool.run(["timeline", "NOPE", "--db", database])
        #expect(unknown.status == 1 && unknown.stderr.contains("UNKNOWN_POOL"), "\(unknown.stderr)")
        #expect(try Tool.run(["timeline", "uniswap-v3-weth-ens", "--csv", "--json", "--db", database]).status == 2)
        #expect(try Tool.run(["timeline", "uniswap-v3-weth-ens", "--every", "0", "--db", database]).status == 2)
    }
}
