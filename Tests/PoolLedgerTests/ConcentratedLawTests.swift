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
        guard case .concentrated(let honest)? = ledger["v3"]?.body else { Issue.record("no v3 pool"); return }
        // The book loses a range's edge (as a buggy book update would) but keeps its sums;
        // or one running sum drifts by one unit.
        var lostEdge = honest
        lostEdge.liquidityBook.restore(nil, at: 1200)
        var drifts: [(String, ConcentratedPool)] = [("edge ticks", lostEdge)]
        for (name, path) in [("owed1", \LiquidityBook.Accounts.owed1), ("fee basis0", \.basis0), ("outside-weighted growth1", \.outsideWeighted1),
                             ("token1 starting at or below", \.startingToken1AtOrBelow), ("token0 ending above", \.endingToken0Above)] {
            var drifted = honest
            var accounts = drifted.liquidityBook.accounts
            accounts[keyPath: path] = accounts[keyPath: path] &+ .one
            drifted.liquidityBook.restore(accounts: accounts)
            drifts.append((name, drifted))
        }
        for (name, drifted) in drifts {
            // The full recomputation sees the drift: restoring such a pool is refused.
            var pools = ledger.pools
            pools["v3"]!.body = .concentrated(drifted)
            let refusal = expectRejection(.invariant(.runningSum)) { () throws(Rejection) in _ = try Ledger(pools: Array(pools.values), seq: ledger.seq) }
            #expect(refusal?.detail.contains(name) == true, "\(name): \(String(describing: refusal))")
        }
    }

    // MARK: the cover law, from its running accounts

    /// An honest swap's state, and the laws passing on it.
    func afterHonestSwap(tokenIn: String) throws -> ConcentratedPool {
        var ledger = try pool()
        // Small enough to stay within the ranges (the price does not run off to its limit).
        try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: tokenIn, amountIn: e18 / 100))))
        guard case .concentrated(let v3)? = ledger["v3"]?.body else { throw Rejection(.unknownPool, "no v3 pool") }
        #expect(v3.tick > -600 && v3.tick < 1200)
        try v3.checkLaws()
        return v3
    }

    /// A swap rule that moves the price further than the input paid for (here:
    /// the price after a sale of token0 a little lower, within the same tick):
    /// the positions now hold more token0 than came in, and the running
    /// accounts see it at once.
    @Test func aSwapThatMovesThePriceTooFarIsCaught() throws {
        var v3 = try afterHonestSwap(tokenIn: "A")
        let atTick = try TickMath.sqrtRatio(atTick: v3.tick)
        let room = v3.sqrtPriceX96 - atTick
        try #require(room > v3.sqrtPriceX96 / UInt256(1_000_000_000 as UInt64), "the price stopped right at its tick")
        v3.sqrtPriceX96 = atTick + room / 2
        let refusal = expectRejection(.invariant(.balancesCover)) { () throws(Rejection) in try v3.checkLaws() }
        #expect(refusal?.detail.contains("do not cover") == true)
        // The position-by-position sum agrees.
        _ = expectRejection(.invariant(.balancesCover)) { () throws(Rejection) in try v3.checkExactCover() }
    }

    /// A swap rule that grows fee growth by more than the fee it took (here:
    /// the growth of one more wei per unit of liquidity than the fee paid for).
    @Test func aSwapThatCreditsMoreFeesThanItTookIsCaught() throws {
        var v3 = try afterHonestSwap(tokenIn: "B")
        let extra = UInt256.mulDiv(UInt256(1_000_000 as UInt64), ConcentratedPool.q128, UInt256(high: 0, low: v3.liquidity))!
        v3.feeGrowthGlobal1X128 = v3.feeGrowthGlobal1X128 &+ extra
        _ = expectRejection(.invariant(.balancesCover)) { () throws(Rejection) in try v3.checkLaws() }
    }

    /// A swap rule that pays out more than the price move allows (here: one
    /// millionth of the balance of token1 more).
    @Test func aSwapThatPaysOutTooMuchIsCaught() throws {
        var v3 = try afterHonestSwap(tokenIn: "A")
        v3.balance1 = v3.balance1 - v3.balance1 / UInt256(1_000_000 as UInt64)
        _ = expectRejection(.invariant(.balancesCover)) { () throws(Rejection) in try v3.checkLaws() }
    }

    /// A burn rule that credits the position more tokens owed than the range
    /// released: folded through the ledger, the law refuses that burn.
    @Test func aBurnThatOwesTooMuchIsCaught() throws {
        var ledger = try pool()
        try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "A", amountIn: e18 / 100))))
        guard case .concentrated(var v3)? = ledger["v3"]?.body else { Issue.record("no v3 pool"); return }
        let facts = try Decide.decide(Command(.burnPosition(BurnPosition(pool: "v3", owner: "o", tickLower: -600, tickUpper: 600, liquidity: e18 / 2))), ledger["v3"])
        let honest = v3
        let journal = try #require(try v3.applyJournaled(facts[0]))
        try v3.checkLaws()
        v3.rollBack(journal)
        #expect(v3 == honest)
        // The state a burn that owes one part in a thousand too much leaves (book touched as the fold does).
        _ = try v3.applyJournaled(facts[0])
        let key = ConcentratedPool.PositionKey(owner: "o", tickLower: -600, tickUpper: 600)
        let before = v3.positions[key]!
        v3.positions[key]!.tokensOwed0 += before.tokensOwed0 / 1000
        v3.liquidityBook.touch(before: before, after: v3.positions[key])
        _ = expectRejection(.invariant(.balancesCover)) { () throws(Rejection) in try v3.checkLaws() }
    }
}
