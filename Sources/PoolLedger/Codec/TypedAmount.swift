import PoolMath

/// An amount as a person types it on the command line: an integer of base
/// units (`1000500000000000000000`), or a decimal followed by a token's symbol
/// (`1000.5DAI`, `10WETH`), which the pool's decimals turn into base units
/// exactly. Nothing is ever rounded: a decimal with more fraction digits than
/// the token has is refused, as is a symbol that is not the token the amount
/// is of.
public enum TypedAmount: Sendable, Equatable {
    case baseUnits(UInt256)
    /// `whole.fraction` of `symbol` (the digits as typed; `fraction` may be empty).
    case units(whole: String, fraction: String, symbol: String)

    /// The amount's form, read from `text`; nil when it is neither form.
    public init?(_ text: String) {
        if case .success(let value) = UInt256.parseDecimal(text) {
            self = .baseUnits(value)
            return
        }
        // "0x10" is hex to whoever types it, not 0 of a token "x10".
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return nil }
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        var index = 0
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        let whole = String(decoding: bytes[0..<index], as: UTF8.self)
        var fraction = ""
        if index < bytes.count && bytes[index] == 0x2E {  // "."
            let start = index + 1
            index = start
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            fraction = String(decoding: bytes[start..<index], as: UTF8.self)
            // "5." and ".5" are not amounts a person means exactly: a digit on each side of the point.
            guard !fraction.isEmpty else { return nil }
        }
        let symbol = String(decoding: bytes[index...], as: UTF8.self)
        // A symbol starts with a letter (so "1e18" reads as the symbol "e18", refused by name, not as a number).
        guard !whole.isEmpty, let first = symbol.unicodeScalars.first, first.properties.isAlphabetic,
              !symbol.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else { return nil }
        self = .units(whole: whole, fraction: fraction, symbol: symbol)
    }

    /// The symbol typed, if any.
    public var symbol: String? {
        if case .units(_, _, let symbol) = self { return symbol }
        return nil
    }

    /// The amount in base units of `token` (its symbol and decimals), named
    /// `field` in an error; `others` are the pool's other tokens, named when
    /// the symbol is one of them.
    public func baseUnits(field: String, token: (symbol: String, decimals: UInt8), others: [String] = []) throws(Rejection) -> UInt256 {
        switch self {
        case .baseUnits(let value):
            return value
        case .units(let whole, let fraction, let symbol):
            guard symbol == token.symbol else {
                let detail = others.contains(symbol)
                    ? "\(field) is an amount of \(token.symbol), but \(self) is of \(symbol)"
                    : "\(field): \(symbol) is not a token of the pool (its tokens: \(([token.symbol] + others).joined(separator: ", ")))"
                throw Rejection(.unknownToken, detail)
            }
            guard fraction.count <= Int(token.decimals) else {
                throw Rejection(.invalidAmount, "\(field): \(self) has \(fraction.count) decimals, but \(symbol) has \(token.decimals): the amount is not a whole number of base units, and it is never rounded")
            }
            // whole·10^d + fraction·10^(d - digits), as one integer of digits.
            let padded = whole + fraction + String(repeating: "0", count: Int(token.decimals) - fraction.count)
            // Leading zeros ("0.5DAI") are only the typed form; the integer has none.
            let significant = padded.drop { $0 == "0" }
            let digits = significant.isEmpty ? "0" : String(significant)
            guard case .success(let value) = UInt256.parseDecimal(digits) else {
                throw Rejection(.invalidAmount, "\(field): \(self) is more than 2^256 - 1 base units of \(symbol)")
            }
            return value
        }
    }
}

extension TypedAmount: CustomStringConvertible {
    public var description: String {
        switch self {
        case .baseUnits(let value): return "\(value)"
        case .units(let whole, let fraction, let symbol): return fraction.isEmpty ? "\(whole)\(symbol)" : "\(whole).\(fraction)\(symbol)"
        }
    }
}
