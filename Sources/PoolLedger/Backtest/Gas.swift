import PoolMath

/// What the added commands (and a strategy's) cost in gas: units per
/// command kind times the gas price at the command's block.
public struct GasSchedule: Sendable, Equatable {
    /// Typical mainnet gas of each action, round figures (a router or the
    /// position manager calling the pool; documented in docs/format.md).
    public static let defaultUnits: [String: UInt64] = [
        "mint_position": 300_000, "burn_position": 150_000, "collect": 100_000,
        "swap_exact_in": 130_000, "swap_exact_out": 130_000,
        "add_liquidity": 150_000, "remove_liquidity": 120_000, "transfer_shares": 50_000,
        "mint_nft_position": 450_000, "increase_liquidity": 200_000, "decrease_liquidity": 150_000,
        "collect_nft": 120_000, "transfer_nft": 60_000, "burn_nft": 50_000,
    ]

    public var units: [String: UInt64]
    /// Wei per gas unit from each block on (sorted by block); a single entry at block 0 is a fixed price.
    public var prices: [(block: UInt64, wei: UInt256)]

    public init(units: [String: UInt64] = Self.defaultUnits, prices: [(block: UInt64, wei: UInt256)]) {
        self.units = units
        self.prices = prices.sorted { $0.block < $1.block }
    }

    public static func == (a: GasSchedule, b: GasSchedule) -> Bool {
        a.units == b.units && a.prices.count == b.prices.count && zip(a.prices, b.prices).allSatisfy { $0.block == $1.block && $0.wei == $1.wei }
    }

    /// The price at `block`: the last entry at or before it (the first before any; the first for a command without a block).
    public func price(at block: UInt64?) -> UInt256 {
        guard let first = prices.first else { return .zero }
        guard let block else { return first.wei }
        // Binary search: the last entry whose block is <= block.
        var low = 0, high = prices.count
        while low < high {
            let middle = (low + high) / 2
            if prices[middle].block <= block { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? first.wei : prices[low - 1].wei
    }

    /// `25` or `25.5` gwei in wei.
    public static func wei(gwei text: String) -> UInt256? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 9 else { return nil }
        return UInt256(decimal: Substring(String(parts[0]) + fraction + String(repeating: "0", count: 9 - fraction.count)))
    }

    /// A CSV of `block,gwei` lines (a header line allowed): the prices by block.
    public static func prices(csv text: String) throws(BacktestError) -> [(block: UInt64, wei: UInt256)] {
        var prices: [(block: UInt64, wei: UInt256)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Fields without the spaces (and a Windows line's return) around them.
            let fields = line.split(separator: ",").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
            if fields.isEmpty || (fields.count == 1 && fields[0].isEmpty) { continue }
            if index == 0, UInt64(fields[0]) == nil { continue }
            guard fields.count == 2, let block = UInt64(fields[0]), let wei = wei(gwei: fields[1]) else {
                throw BacktestError("gas prices line \(index + 1): expected BLOCK,GWEI (such as 17000000,25.5)")
            }
            prices.append((block, wei))
        }
        guard !prices.isEmpty else { throw BacktestError("gas prices: no BLOCK,GWEI line") }
        return prices
    }

    /// The gas of one command: its units, and their cost in wei at its block.
    func cost(of command: Command) -> (units: UInt64, wei: UInt256) {
        let units = self.units[command.body.commandName] ?? 0
        return (units, UInt256(units) * price(at: command.block))
    }
}

