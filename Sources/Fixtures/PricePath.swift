import PoolMath

/// A price path: the external price of token0 in token1 (raw units), one
/// value per step, as a Q128 fixed-point integer (`price * 2^128`).
public enum PricePath: Sendable, Equatable {
    /// Geometric Brownian motion from `startX128`, discretised and integer-only:
    /// each step multiplies the price by `(10^9 + e) / 10^9`, where
    /// `e = sigmaPPB * Z / 10^9` and `Z * 10^9` is an Irwin–Hall normal
    /// approximation (the sum of 12 uniform integers in [0, 10^9) minus 6·10^9)
    /// drawn from the fixture's SplitMix64. No floating point anywhere.
    case gbm(startX128: UInt256, sigmaPPB: UInt64)
    /// A recorded path: one price per row of a `block,reserve0,reserve1` CSV
    /// (price = reserve1 / reserve0), e.g. a pool's reserves at each block.
    case recorded(pricesX128: [UInt256], label: String)

    public static let q128 = UInt256.one << 128

    /// `numerator / denominator` as Q128.
    public static func x128(_ numerator: UInt256, _ denominator: UInt256) -> UInt256? {
        UInt256.mulDiv(numerator, q128, denominator)
    }

    /// Reads a `block,reserve0,reserve1` CSV (a header line is skipped).
    public static func recorded(csv: String, label: String) throws -> PricePath {
        var prices: [UInt256] = []
        for row in try RecordedHistory.rows(csv: csv, label: label) {
            guard !row.amount0.isZero, let price = x128(row.amount1, row.amount0) else {
                throw PricePathError(message: "\(label) block \(row.block): reserve0 must be non-zero")
            }
            prices.append(price)
        }
        guard !prices.isEmpty else { throw PricePathError(message: "\(label): no prices") }
        return .recorded(pricesX128: prices, label: label)
    }

    /// The first price.
    public var startX128: UInt256 {
        switch self {
        case .gbm(let start, _): return start
        case .recorded(let prices, _): return prices[0]
        }
    }
}

public struct PricePathError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Substring {
    func trimmingCharacters(in characters: String) -> Substring {
        var text = self
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return text
    }
}

/// Walks a price path step by step.
struct PriceWalk {
    let path: PricePath
    var priceX128: UInt256
    var step = 0

    init(_ path: PricePath) {
        self.path = path
        priceX128 = path.startX128
    }

    mutating func advance(_ rng: inout SplitMix64) {
        step += 1
        switch path {
        case .gbm(_, let sigma):
            let billion: UInt64 = 1_000_000_000
            var sum: UInt64 = 0
            for _ in 0..<12 { sum += rng.uniform(below: billion) }
            // Z * 10^9 in [-6·10^9, 6·10^9]; the step factor stays within (1 ± 6 sigma).
            let z = Int64(sum) - 6 * Int64(billion)
            let e = (Int64(sigma) * z) / Int64(billion)
            let factor = UInt256(UInt64(Int64(billion) + e))
            priceX128 = UInt256.mulDiv(priceX128, factor, UInt256(billion)) ?? priceX128
            if priceX128.isZero { priceX128 = .one }
        case .recorded(let prices, _):
            priceX128 = prices[step % prices.count]
        }
    }
}
