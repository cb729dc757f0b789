@testable import PoolLedger
import PoolMath
import Testing

/// The V3 laws catch a wrong rule at the fact that broke it, from accounts
/// kept apart from the rule; and a running account that drifts from its full
/// recomputation is caught too. The wrong rules are made here, in the test,
/// by putting the pool in the state a buggy rule would leave.
@Suite struct ConcentratedLawTests {
    /// A pool with two overlapping positions and the price between their lower ticks.
    func pool() throws -> Ledger {
        var ledger = Ledger()
        try ledger.execute(Command(.createPool(PoolCreated(pool: "v3", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "o", tickLower: -600, tickUpper: 600, liquidity: e18))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "p", tickLower: 120, tickUpper: 1200, liquidity: 2 * e18))))
        return ledger
    }

    /// The state a buggy `Tick.update` would leave: tick 120's liquidity_net off by one.
    func withBrokenLiquidityNet(_ ledger: Ledger) throws -> Ledger {
        guard case .concentrated(var v3)? = ledger["v3"]?.body else { throw Rejection(.unknownPool, "no v3 pool") }
        v3.ticks[120]!.liquidityNet += 1
        var pools = ledger.pools
        pools["v3"]!.body = .concentrated(v3)
        return try Ledger(pools: Array(pools.values), seq: ledger.seq)
    }

    @Test func aWrongLiquidityNetIsCaughtAtTheSwapThatCrossesIt() throws {
        let sell: CommandBody = .swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "B", amountIn: e18 / 20))
        // Against the honest pool the swap moves the price up across tick 120 (p's lower tick) and folds.
        var honest = try pool()
        let facts = try honest.execute(Command(sell))
        guard case .swap(let swap) = facts[0].body, let tickAfter = swap.tickAfter else { Issue.record("not a swap"); return }
        #expect(tickAfter >= 120 && tickAfter < 600, "the swap crosses tick 120 and stops before 600")

        // With tick 120's liquidity_net one off, the swap loop activates one unit of
        // liquidity too many as it crosses; the liquidity book, kept from the
        // positions, holds 3e18 there, so the law refuses this very fact.
        var broken = try withBrokenLiquidityNet(try pool())
        let before = broken
        let refusal = expectRejection(.invariant(.activeLiquidity)) { () throws(Rejection) in _ = try broken.execute(Command(sell)) }
        #expect(refusal?.detail.contains("hold \(3 * e18)") == true, "\(String(describing: refusal))")
        // Folded in place, the refused fact was rolled back: the pool is as it was.
        #expect(broken == before)
    }

    @Test func aDriftedRunningAccountIsCaughtByTheFullRecomputation() throws {
        let ledger = try pool()
        try ledger.checkRunningSums()
        guard case .concentrated(var v3)? = ledger["v3"]?.body else { Issue.record("no v3 pool"); return }
        // The account loses a range's edge (as a buggy book update would) but keeps its sum.
        v3.liquidityBook.restore(nil, at: 1200)
        var pools = ledger.pools
        pools["v3"]!.body = .concentrated(v3)
        // The laws of the state itself still hold (the pool is restored without complaint);
        // only the full recomputation sees the drift.
        let drifted = try Ledger(pools: Array(pools.values), seq: ledger.seq)
        _ = expectRejection(.invariant(.runningSum)) { () throws(Rejection) in try drifted.checkRunningSums() }
    }
}
