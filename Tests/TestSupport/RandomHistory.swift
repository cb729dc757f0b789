import Fixtures
import PoolLedger
import PoolMath

/// The same documented generator the fixtures use.
public typealias SplitMix64 = Fixtures.SplitMix64

/// Random command streams over several pools, fee tiers 100/500/3000/10000 ppm,
/// with the protocol fee switched on and off. Amounts are drawn relative to the
/// pool's reserves (and now and then absurd), so both accepted and rejected
/// commands of every kind appear.
public struct RandomHistory {
    public static let fees: [UInt32] = [100, 500, 3000, 10000]
    public static let providers = ["lp0", "lp1", "lp2", "lp3", "lp4"]
    var rng: SplitMix64
    public let pools: [String]

    public init(seed: UInt64, poolCount: Int = 4) {
        rng = SplitMix64(seed: seed)
        pools = (0..<poolCount).map { "pool\($0)" }
    }

    mutating func uniform(_ range: ClosedRange<UInt64>) -> UInt64 { UInt64.random(in: range, using: &rng) }

    /// A value of random magnitude in [1, 10^digits].
    mutating func magnitude(maxDigits: Int = 30) -> UInt256 {
        let digits = Int(uniform(1...UInt64(maxDigits)))
        var value = UInt256.zero
        for _ in 0..<digits { value = value * 10 + UInt256(uniform(0...9)) }
        return value + 1
    }

    /// `reserve * u / 10^6` for u in the given parts-per-million range, at least 1.
    mutating func fraction(of reserve: UInt256, ppm: ClosedRange<UInt64>) -> UInt256 {
        let part = reserve * UInt256(uniform(ppm)) / 1_000_000
        return part.isZero ? 1 : part
    }

    public mutating func creations() -> [Command] {
        pools.enumerated().map { index, pool in
            Command(.createPool(PoolCreated(
                pool: pool, token0: "A\(index)", token1: "B\(index)",
                feePPM: Self.fees[index % Self.fees.count], feeTo: index % 2 == 0 ? "0xfee" : nil)))
        }
    }

    public mutating func next(in ledger: Ledger) -> Command {
        let pool = pools[Int(uniform(0...UInt64(pools.count - 1)))]
        let state = ledger[pool]
        let r0 = state?.reserve0 ?? .zero, r1 = state?.reserve1 ?? .zero
        let provider = Self.providers[Int(uniform(0...4))]
        let held = state?.shares(of: provider) ?? .zero
        let token0 = state?.token0 ?? "A", token1 = state?.token1 ?? "B"
        let roll = uniform(0...99)
        switch roll {
        case 0..<15:
            let amount0 = r0.isZero ? magnitude(maxDigits: 25) : fraction(of: r0, ppm: 100...300_000)
            let amount1 = r1.isZero ? magnitude(maxDigits: 25) : fraction(of: r1, ppm: 100...300_000)
            let min1 = uniform(0...9) == 0 ? amount1 : UInt256.zero
            return Command(.addLiquidity(AddLiquidity(pool: pool, provider: provider, amount0Desired: amount0, amount1Desired: amount1, amount1Min: min1)))
        case 15..<25:
            let shares = uniform(0...9) == 0 ? held + 1 : fraction(of: held, ppm: 1...1_000_000)
            return Command(.removeLiquidity(RemoveLiquidity(pool: pool, provider: provider, shares: shares)))
        case 25..<60:
            let zeroForOne = uniform(0...1) == 0
            let reserveIn = zeroForOne ? r0 : r1
            let amountIn = uniform(0...19) == 0 ? magnitude(maxDigits: 36) : fraction(of: reserveIn.isZero ? 1000 : reserveIn, ppm: 1...50_000)
            return Command(.swapExactIn(SwapExactIn(pool: pool, trader: "trader", tokenIn: zeroForOne ? token0 : token1, amountIn: amountIn)))
        case 60..<85:
            let oneForZero = uniform(0...1) == 0
            let reserveOut = oneForZero ? r0 : r1
            let amountOut = uniform(0...19) == 0 ? reserveOut : fraction(of: reserveOut.isZero ? 1000 : reserveOut, ppm: 1...50_000)
            let maxIn: UInt256? = uniform(0...4) == 0 ? amountOut : nil
            return Command(.swapExactOut(SwapExactOut(pool: pool, trader: "trader", tokenOut: oneForZero ? token0 : token1, amountOut: amountOut, maxAmountIn: maxIn)))
        case 85..<95:
            let to = Self.providers[Int(uniform(0...4))]
            let from = uniform(0...19) == 0 ? zeroAddress : provider
            let shares = uniform(0...9) == 0 ? held + 1 : fraction(of: held, ppm: 0...1_000_000)
            return Command(.transferShares(SharesTransferred(pool: pool, from: from, to: to, shares: held.isZero ? 0 : shares)))
        default:
            return Command(.setFeeTo(FeeToSet(pool: pool, feeTo: uniform(0...1) == 0 ? nil : "0xfee\(uniform(0...1))")))
        }
    }
}

extension RandomHistory {
    /// A valid fact history of exactly `count` facts: the pool creations, then
    /// the facts decided from random commands (rejected commands are dropped).
    /// Times advance by 12 s per command when `withTime`.
    public static func facts(seed: UInt64, count: Int, pools: Int = 3, withTime: Bool = true) -> [Fact] {
        var history = RandomHistory(seed: seed, poolCount: pools)
        var ledger = Ledger()
        var facts: [Fact] = []
        var time: UInt64 = 1_700_000_000
        var commands = history.creations()[...]
        while facts.count < count {
            var command = commands.popFirst() ?? history.next(in: ledger)
            if withTime {
                time += 12
                command.time = time
            }
            guard let decided = try? ledger.execute(command) else { continue }
            facts += decided
        }
        return Array(facts.prefix(count))
    }

    /// The facts as contract JSON Lines.
    public static func jsonLines(_ facts: [Fact]) -> String {
        facts.map { ContractCodec.line($0) + "\n" }.joined()
    }
}
