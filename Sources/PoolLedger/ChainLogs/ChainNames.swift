import Crypto
import PoolMath

/// Names for addresses (`import-logs --tokens FILE`): a token's symbol and
/// decimals, a pool's id in the ledger (and, for a V2 fork's pair, its fee),
/// any holder's name. Raw logs carry only addresses; without a name an
/// address stands for itself (decimals 18, a V2 pair's fee 3000 ppm).
///
/// The file is CSV with a header (`address,symbol,decimals`, optional
/// `fee_ppm`) or a JSON array of objects with those keys. `export-logs --raw`
/// writes one for the names it had to give addresses (a name that is not
/// already an address gets `0x` + the first 20 bytes of SHA-256 of
/// `poolledger:` + the name), so that a round trip gives the same state.
public struct ChainNames: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var decimals: UInt8?
        public var feePPM: UInt32?
        public init(name: String, decimals: UInt8? = nil, feePPM: UInt32? = nil) {
            self.name = name
            self.decimals = decimals
            self.feePPM = feePPM
        }
    }

    /// By lower-case address.
    public private(set) var entries: [String: Entry] = [:]
    /// Addresses in the order they were named (for writing the file).
    private var order: [String] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// The name of an address (itself when unnamed; the zero address always itself).
    public func name(_ address: String) -> String {
        guard let entry = entries[address] else { return address }
        // Only an entry can make the zero address another name: compared then alone (this runs per address of every log).
        return address == zeroAddress ? address : entry.name
    }

    public func decimals(_ address: String) -> UInt8 { entries[address]?.decimals ?? 18 }

    public func feePPM(_ address: String) -> UInt32? { entries[address]?.feePPM }

    // MARK: export

    /// The address a name is written as: the name itself when it is one, else a derived address, recorded.
    public mutating func address(for name: String, decimals: UInt8? = nil, feePPM: UInt32? = nil) -> String {
        let address: String
        if Self.isAddress(name) {
            address = name.lowercased()
        } else {
            let digest = Array(SHA256.hash(data: Array(("poolledger:" + name).utf8)))
            address = Hex.text(Array(digest.prefix(20)))
        }
        var entry = entries[address] ?? Entry(name: name)
        if let decimals { entry.decimals = decimals }
        if let feePPM { entry.feePPM = feePPM }
        // Only what the address alone would not say is worth a row.
        let needed = entry.name != address || (entry.decimals ?? 18) != 18 || entry.feePPM != nil
        if needed && entries[address] == nil { order.append(address) }
        if needed { entries[address] = entry }
        return address
    }

    static func isAddress(_ text: String) -> Bool { Hex.isFixed(text, bytes: 20) }

    /// The CSV file (`address,symbol,decimals,fee_ppm`).
    public var csv: String {
        var out = "address,symbol,decimals,fee_ppm\n"
        for address in order {
            let entry = entries[address]!
            out += [address, Self.csvCell(entry.name), entry.decimals.map(String.init) ?? "", entry.feePPM.map(String.init) ?? ""].joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvCell(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingAll(Character("\""), with: "\"\"") + "\"" : text
    }

    // MARK: import

    /// Reads the file (CSV or JSON), refusing a malformed row by its line.
    public static func parse(_ text: String) throws(LocatedRejection) -> ChainNames {
        var names = ChainNames()
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("[") {
            let json: JSON
            do throws(JSONSyntaxError) { json = try JSON.parse(String(trimmed)) } catch {
                throw LocatedRejection(.line(1), Rejection(.malformedJSON, "the names file: \(error.description)"))
            }
            guard case .array(let rows) = json else { throw LocatedRejection(.line(1), Rejection(.malformedJSON, "the names file must be a JSON array")) }
            for (index, row) in rows.enumerated() {
                do throws(Rejection) {
                    guard case .object(let members) = row else { throw Rejection(.malformedJSON, "entry \(index + 1) is not an object") }
                    func text(_ key: String) -> String? {
                        switch members.first(where: { $0.key == key })?.value {
                        case .string(let value)?: return value
                        case .number(let value)?: return value
                        default: return nil
                        }
                    }
                    try names.add(address: text("address"), symbol: text("symbol"), decimals: text("decimals"), feePPM: text("fee_ppm"))
                } catch {
                    throw LocatedRejection(.line(1), Rejection(error.rule, "names entry \(index + 1): \(error.detail)"))
                }
            }
            return names
        }
        var header: [String: Int]?
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let row = line.hasSuffix("\r") ? line.dropLast() : line
            if row.isEmpty { continue }
            do throws(Rejection) {
                let cells = try PairLogReader.cells(Substring(row))
                guard let columns = header else {
                    var found: [String: Int] = [:]
                    for (index, name) in cells.enumerated() { found[name] = index }
                    guard found["address"] != nil, found["symbol"] != nil else {
                        throw Rejection(.missingField, "the names file's header needs the columns address and symbol (and decimals, fee_ppm)")
                    }
                    header = found
                    continue
                }
                func cell(_ name: String) -> String? { columns[name].flatMap { $0 < cells.count ? cells[$0] : nil } }
                try names.add(address: cell("address"), symbol: cell("symbol"), decimals: cell("decimals"), feePPM: cell("fee_ppm"))
            } catch {
                throw LocatedRejection(.line(number), error)
            }
        }
        return names
    }

    mutating func add(address: String?, symbol: String?, decimals: String?, feePPM: String?) throws(Rejection) {
        guard let address, Self.isAddress(address) else { throw Rejection(.invalidField, "field \"address\" must be 0x and 40 hex digits") }
        guard let symbol, !symbol.isEmpty else { throw Rejection(.missingField, "field \"symbol\" is required") }
        var entry = Entry(name: symbol)
        if let decimals, !decimals.isEmpty {
            guard let value = UInt8(decimals), value <= 77 else { throw Rejection(.invalidField, "field \"decimals\" must be an integer 0...77, not \(quoted(decimals))") }
            entry.decimals = value
        }
        if let feePPM, !feePPM.isEmpty {
            guard let value = UInt32(feePPM), value < 1_000_000 else { throw Rejection(.invalidField, "field \"fee_ppm\" must be an integer below 1000000, not \(quoted(feePPM))") }
            entry.feePPM = value
        }
        let key = address.lowercased()
        guard entries[key] == nil else { throw Rejection(.duplicateField, "address \(key) is named twice") }
        entries[key] = entry
        order.append(key)
    }
}

extension String {
    /// Each `"` doubled (a CSV cell's quoting).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
