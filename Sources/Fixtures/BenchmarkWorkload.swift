import PoolLedger
import PoolMath

/// The fixed benchmark workload of the performance issue, so figures compare
/// across versions: one pool at 3000 ppm; lp0 deposits 1,000,000e18 /
/// 2,000,000e18; lp1..lp9 each add 10 % of the reserves (router pair); then N
/// swaps alternating direction (token0 in first), `amount_in = reserve_in * u /
/// 10^6` with u uniform in [100, 10000]; every N/400 swaps a liquidity event,
/// alternately an add of `reserve0 * u / 10^6` (u in [1000, 10000]) by a random
/// provider and a withdrawal of 1..10 % of a random provider's shares.
/// Random numbers come from SplitMix64 (`uniform`), so the facts are the same
/// on every machine.
///
/// One pool cannot take many more than a million of these swaps: the fee grows
/// k by about 1.5e-5 per swap, so the value of every share grows without bound
/// (about 1800-fold in reserve terms per million swaps) and the reserves pass
/// uint112 near 3 million swaps, where the pair's OVERFLOW rule ends the
/// history. Larger workloads therefore run `pools` independent pools
/// (`bench-0`, `bench-1`, ...; seeds `seed`, `seed+1`, ...), each with
/// `swaps / pools` swaps, one after the other.
public enum BenchmarkWorkload {
    public static let pool = "bench"

    /// Calls `emit` with every fact, in order, without holding them all.
    public static func generate(swaps: Int, seed: UInt64 = 1, pools: Int, _ emit: (Fact) throws -> Void) throws {
        if pools <= 1 { return try generate(swaps: swaps, seed: seed, pool: pool, emit) }
        for index in 0..<pools {
            try generate(swaps: swaps / pools, seed: seed + UInt64(index), pool: "\(pool)-\(index)", emit)
        }
    }

    static func generate(swaps: Int, seed: UInt64, pool: String, _ emit: (Fact) throws -> Void) throws {
        var rng = SplitMix64(seed: seed)
        var ledger = Ledger()
        ledger.tracksIDs = false
        func run(_ body: CommandBody) throws {
            for fact in try ledger.execute(Command(body)) { try emit(fact) }
        }
        let e18: UInt256 = 1_000_000_000_000_000_000
        try run(.createPool(PoolCreated(pool: pool, token0: "T0", token1: "T1", feePPM: 3000)))
        try run(.addLiquidity(AddLiquidity(pool: pool, provider: "lp0", amount0Desired: 1_000_000 * e18, amount1Desired: 2_000_000 * e18)))
        let providers = (0...9).map { "lp\($0)" }
        for provider in providers.dropFirst() {
            let state = ledger[pool]!
            try run(.addLiquidity(AddLiquidity(pool: pool, provider: provider, amount0Desired: state.reserve0 / 10, amount1Desired: state.reserve1)))
        }
        let every = max(1, swaps / 400)
        var liquidityEvents = 0
        for index in 0..<swaps {
            let state = ledger[pool]!
            let zeroForOne = index % 2 == 0
            let u = UInt256(rng.uniform(100...10_000))
            let amountIn = (zeroForOne ? state.reserve0 : state.reserve1) * u / 1_000_000
            try run(.swapExactIn(SwapExactIn(pool: pool, trader: "trader", tokenIn: zeroForOne ? "T0" : "T1", amountIn: amountIn)))
            if (index + 1) % every == 0 && liquidityEvents < 400 {
                let state = ledger[pool]!
                let provider = providers[Int(rng.uniform(below: 10))]
                if liquidityEvents % 2 == 0 {
                    let amount0 = state.reserve0 * UInt256(rng.uniform(1_000...10_000)) / 1_000_000
                    try run(.addLiquidity(AddLiquidity(pool: pool, provider: provider, amount0Desired: amount0, amount1Desired: state.reserve1)))
                } else {
                    guard case .constantProduct(let pair) = state.body else { preconditionFailure("the workload's pools are constant product") }
                    let shares = pair.shares(of: provider) * UInt256(rng.uniform(1...10)) / 100
                    if !shares.isZero {
                        try run(.removeLiquidity(RemoveLiquidity(pool: pool, provider: provider, shares: shares)))
                    }
                }
                liquidityEvents += 1
            }
        }
    }
}
