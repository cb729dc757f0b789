import PoolLedger
import PoolMath
import Testing

/// The scenarios of Uniswap v2-core `test/UniswapV2Pair.spec.ts` and the router
/// scenarios of v2-periphery, run through decide/evolve; every expected number
/// is the one those test suites assert.
@Suite struct PairScenarioTests {
    @Test func firstDepositLocksMinimumLiquidity() throws {
        let ledger = try ledgerWithDeposit(1 * e18, 4 * e18)
        let pool = try #require(ledger[pairID])
        #expect(pool.totalShares == 2 * e18)
        #expect(pool.shares(of: "wallet") == 2 * e18 - 1000)
        #expect(pool.shares(of: zeroAddress) == 1000)
        #expect(pool.reserve0 == 1 * e18)
        #expect(pool.reserve1 == 4 * e18)
        #expect(pool.shares.count == 2)
    }

    @Test(arguments: 0..<7)
    func swapVectorPassesAndOneMoreWeiFailsK(_ index: Int) throws {
        let (amountIn, reserve0, reserve1, expected) = SwapVectors.all[index]
        var ledger = try ledgerWithDeposit(reserve0, reserve1)
        let before = ledger
        let rejection = expectRejection(.pair(.k)) { () throws(Rejection) in
            try ledger.fold(swapped(in0: amountIn, out1: expected + 1))
        }
        #expect(rejection?.detail.contains("k would fall") == true)
        #expect(ledger == before, "a rejected fact leaves the ledger unchanged")
        try ledger.fold(swapped(in0: amountIn, out1: expected))
        #expect(ledger[pairID]?.reserve0 == reserve0 + amountIn)
        #expect(ledger[pairID]?.reserve1 == reserve1 - expected)
    }

    @Test(arguments: 0..<7)
    func swapExactInCommandDecidesTheV2Output(_ index: Int) throws {
        let (amountIn, reserve0, reserve1, expected) = SwapVectors.all[index]
        var ledger = try ledgerWithDeposit(reserve0, reserve1)
        let facts = try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: pairID, trader: "t", tokenIn: "T0", amountIn: amountIn))))
        #expect(facts.map(\.body) == [.swap(Swap(pool: pairID, trader: "t", amount0In: amountIn, amount1Out: expected))])
    }

    /// The pure Decider form, evolve(state, fact) -> state, folds to the same pool as the ledger.
    @Test func pureEvolveFoldsLikeTheLedger() throws {
        let facts = [created(feeTo: "other"), added("wallet", 1000 * e18, 1000 * e18, shares: 1000 * e18 - 1000),
                     swapped(in1: e18, out0: 996_006_981_039_903_216)]
        var state: PoolState?
        var ledger = Ledger()
        for fact in facts {
            state = try Evolve.evolve(state, fact)
            try ledger.fold(fact)
        }
        var folded = try #require(ledger[pairID])
        folded.seq = 0  // the ledger numbers facts; the pure form does not
        #expect(state == folded)
        expectRejection(.pair(.k)) { () throws(Rejection) in _ = try Evolve.evolve(state, swapped(in1: e18, out0: e18)) }
    }

    @Test func swapToken0ThenToken1() throws {
        var ledger = try ledgerWithDeposit(5 * e18, 10 * e18)
        try ledger.fold(swapped(in0: e18, out1: 1_662_497_915_624_478_906))
        #expect(ledger[pairID]?.reserve0 == 6 * e18)
        #expect(ledger[pairID]?.reserve1 == 10 * e18 - 1_662_497_915_624_478_906)

        var other = try ledgerWithDeposit(5 * e18, 10 * e18)
        try other.fold(swapped(in1: e18, out0: 453_305_446_940_074_565))
        #expect(other[pairID]?.reserve0 == 5 * e18 - 453_305_446_940_074_565)
        #expect(other[pairID]?.reserve1 == 11 * e18)
    }

    @Test func flashSwapVectors() throws {
        for (amountOut, reserve0, reserve1, amountIn) in SwapVectors.optimistic {
            var ledger = try ledgerWithDeposit(reserve0, reserve1)
            expectRejection(.pair(.k)) { () throws(Rejection) in try ledger.fold(swapped(in0: amountIn, out0: amountOut + 1)) }
            try ledger.fold(swapped(in0: amountIn, out0: amountOut))
        }
    }

    @Test func burnLeavesTheLockedLiquidity() throws {
        var ledger = try ledgerWithDeposit(3 * e18, 3 * e18)
        let facts = try ledger.execute(Command(.removeLiquidity(RemoveLiquidity(pool: pairID, provider: "wallet", shares: 3 * e18 - 1000))))
        #expect(facts.map(\.body) == [.liquidityRemoved(LiquidityRemoved(pool: pairID, provider: "wallet", shares: 3 * e18 - 1000, amount0: 3 * e18 - 1000, amount1: 3 * e18 - 1000))])
        let pool = try #require(ledger[pairID])
        #expect(pool.shares(of: "wallet") == 0)
        #expect(pool.shares["wallet"] == nil, "owners with zero shares are left out")
        #expect(pool.totalShares == 1000)
        #expect(pool.reserve0 == 1000)
        #expect(pool.reserve1 == 1000)
    }

    /// `price{0,1}CumulativeLast`: the accumulators advance by the old price
    /// times the elapsed seconds before each reserve change. v2-core uses
    /// `sync()` at t+1 and t+20; a swap at those times accumulates the same.
    @Test func priceAccumulatorsFollowV2() throws {
        let t: UInt64 = 1_600_000_000
        var ledger = try ledgerWithDeposit(3 * e18, 3 * e18, time: t)
        // encodePrice(reserve0, reserve1) = [reserve1 * 2^112 / reserve0, reserve0 * 2^112 / reserve1]
        let q112 = UInt256.one << 112
        let initialPrice = (q112 * 3 * e18 / (3 * e18), q112 * 3 * e18 / (3 * e18))
        // swap 3e18 of token0 in for 1e18 of token1 at t+10 ("make the price nice")
        try ledger.fold(swapped(in0: 3 * e18, out1: e18, time: t + 10))
        var pool = try #require(ledger[pairID])
        #expect(pool.price0Cumulative == initialPrice.0 * 10)
        #expect(pool.price1Cumulative == initialPrice.1 * 10)
        #expect(pool.blockTimestampLast == UInt32(truncatingIfNeeded: t + 10))

        // At t+20 a tiny swap moves the reserves; the accumulators first add 10 s of the new price (6e18, 2e18).
        let newPrice = (q112 * 2 * e18 / (6 * e18), q112 * 6 * e18 / (2 * e18))
        try ledger.fold(swapped(in0: 1000, out1: 1, time: t + 20))
        pool = try #require(ledger[pairID])
        #expect(pool.price0Cumulative == initialPrice.0 * 10 + newPrice.0 * 10)
        #expect(pool.price1Cumulative == initialPrice.1 * 10 + newPrice.1 * 10)
        #expect(pool.blockTimestampLast == UInt32(truncatingIfNeeded: t + 20))
    }

    @Test func feeToOffLeavesOnlyTheLockedShares() throws {
        var ledger = try ledgerWithDeposit(1000 * e18, 1000 * e18)
        try ledger.fold(swapped(in1: e18, out0: 996_006_981_039_903_216))
        try ledger.execute(Command(.removeLiquidity(RemoveLiquidity(pool: pairID, provider: "wallet", shares: 1000 * e18 - 1000))))
        #expect(ledger[pairID]?.totalShares == 1000)
        #expect(ledger[pairID]?.kLast == 0)
    }

    @Test func feeToOnMintsOneSixthOfTheGrowth() throws {
        var ledger = try ledgerWithDeposit(1000 * e18, 1000 * e18, feeTo: "other")
        try ledger.fold(swapped(in1: e18, out0: 996_006_981_039_903_216))
        let facts = try ledger.execute(Command(.removeLiquidity(RemoveLiquidity(pool: pairID, provider: "wallet", shares: 1000 * e18 - 1000))))
        let pool = try #require(ledger[pairID])
        #expect(pool.totalShares == UInt256(1000) + 249_750_499_251_388)
        #expect(pool.shares(of: "other") == 249_750_499_251_388)
        #expect(pool.reserve0 == UInt256(1000) + 249_501_683_697_445)
        #expect(pool.reserve1 == UInt256(1000) + 250_000_187_312_969)
        #expect(pool.kLast == pool.reserve0 * pool.reserve1)
        guard case .liquidityRemoved(let removal) = facts.first?.body else { Issue.record("no withdrawal fact"); return }
        #expect(removal.protocolFeeShares == 249_750_499_251_388)
    }

    @Test func switchingTheFeeOffClearsKLastAtTheNextLiquidityChange() throws {
        var ledger = try ledgerWithDeposit(1000 * e18, 1000 * e18, feeTo: "other")
        #expect(ledger[pairID]?.kLast == 1000 * e18 * 1000 * e18)
        try ledger.fold(Fact(.feeToSet(FeeToSet(pool: pairID, feeTo: nil))))
        #expect(ledger[pairID]?.kLast == 1000 * e18 * 1000 * e18, "k_last only changes at a mint or burn")
        try ledger.fold(swapped(in1: e18, out0: 996_006_981_039_903_216))
        try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "wallet", amount0Desired: e18, amount1Desired: 2 * e18))))
        #expect(ledger[pairID]?.kLast == 0)
        #expect(ledger[pairID]?.shares(of: "other") == 0, "no protocol fee while it is off")
    }

    // MARK: Router (v2-periphery)

    @Test func routerAddLiquidityMintsTwoEther() throws {
        let ledger = try ledgerWithDeposit(1 * e18, 4 * e18)
        #expect(ledger[pairID]?.shares(of: "wallet") == 2 * e18 - 1000)
    }

    @Test func routerRemoveLiquidityLeaves500And2000() throws {
        var ledger = try ledgerWithDeposit(1 * e18, 4 * e18)
        let facts = try ledger.execute(Command(.removeLiquidity(RemoveLiquidity(pool: pairID, provider: "wallet", shares: 2 * e18 - 1000))))
        #expect(facts.map(\.body) == [.liquidityRemoved(LiquidityRemoved(pool: pairID, provider: "wallet", shares: 2 * e18 - 1000, amount0: e18 - 500, amount1: 4 * e18 - 2000))])
        #expect(ledger[pairID]?.reserve0 == 500)
        #expect(ledger[pairID]?.reserve1 == 2000)
    }

    @Test func routerSwapTokensForExactTokens() throws {
        var ledger = try ledgerWithDeposit(5 * e18, 10 * e18)
        let facts = try ledger.execute(Command(.swapExactOut(SwapExactOut(pool: pairID, trader: "t", tokenOut: "T1", amountOut: e18))))
        #expect(facts.map(\.body) == [.swap(Swap(pool: pairID, trader: "t", amount0In: 557_227_237_267_357_629, amount1Out: e18))])
        #expect(ledger[pairID]?.reserve0 == 5 * e18 + 557_227_237_267_357_629)
        #expect(ledger[pairID]?.reserve1 == 9 * e18)
    }

    @Test func routerGetAmountsOnATinyPool() throws {
        // getAmountsOut(2, [token0, token1]) == [2, 1] and getAmountsIn(1, ...) == [2, 1] on a 10000/10000 pool.
        var ledger = try ledgerWithDeposit(10000, 10000)
        let exactIn = try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: pairID, trader: "t", tokenIn: "T0", amountIn: 2))))
        #expect(exactIn.map(\.body) == [.swap(Swap(pool: pairID, trader: "t", amount0In: 2, amount1Out: 1))])
        var other = try ledgerWithDeposit(10000, 10000)
        let exactOut = try other.execute(Command(.swapExactOut(SwapExactOut(pool: pairID, trader: "t", tokenOut: "T1", amountOut: 1))))
        #expect(exactOut.map(\.body) == [.swap(Swap(pool: pairID, trader: "t", amount0In: 2, amount1Out: 1))])
    }

    @Test func routerDepositsTheOptimalPair() throws {
        var ledger = try ledgerWithDeposit(1 * e18, 4 * e18)
        // Desired 1 / 8: token1 is over-supplied, the router takes 1 / 4.
        let facts = try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "lp", amount0Desired: e18, amount1Desired: 8 * e18))))
        #expect(facts.map(\.body) == [.liquidityAdded(LiquidityAdded(pool: pairID, provider: "lp", amount0: e18, amount1: 4 * e18, shares: 2 * e18))])
        // Desired 2 / 4: token0 is over-supplied, the router takes 1 / 4.
        let more = try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "lp", amount0Desired: 2 * e18, amount1Desired: 4 * e18))))
        #expect(more.map(\.body) == [.liquidityAdded(LiquidityAdded(pool: pairID, provider: "lp", amount0: e18, amount1: 4 * e18, shares: 2 * e18))])
    }

    @Test func routerSlippageBoundsReject() throws {
        var ledger = try ledgerWithDeposit(1 * e18, 4 * e18)
        let before = ledger
        expectRejection(.pair(.insufficientBAmount)) { () throws(Rejection) in
            try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "lp", amount0Desired: e18, amount1Desired: 8 * e18, amount1Min: 5 * e18))))
        }
        expectRejection(.pair(.insufficientAAmount)) { () throws(Rejection) in
            try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "lp", amount0Desired: 2 * e18, amount1Desired: 4 * e18, amount0Min: 2 * e18))))
        }
        expectRejection(.pair(.insufficientOutputAmount)) { () throws(Rejection) in
            try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: pairID, trader: "t", tokenIn: "T0", amountIn: e18, minAmountOut: 2 * e18))))
        }
        expectRejection(.pair(.excessiveInputAmount)) { () throws(Rejection) in
            try ledger.execute(Command(.swapExactOut(SwapExactOut(pool: pairID, trader: "t", tokenOut: "T1", amountOut: e18, maxAmountIn: 1000))))
        }
        expectRejection(.pair(.insufficientAAmount)) { () throws(Rejection) in
            try ledger.execute(Command(.removeLiquidity(RemoveLiquidity(pool: pairID, provider: "wallet", shares: e18, amount0Min: e18))))
        }
        expectRejection(.ledger(.unknownToken)) { () throws(Rejection) in
            try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: pairID, trader: "t", tokenIn: "ETH", amountIn: e18))))
        }
        #expect(ledger == before)
    }
}

enum SwapVectors {
    static let all = [
        (1 * e18, 5 * e18, 10 * e18, UInt256(1_662_497_915_624_478_906)),
        (1 * e18, 10 * e18, 5 * e18, UInt256(453_305_446_940_074_565)),
        (2 * e18, 5 * e18, 10 * e18, UInt256(2_851_015_155_847_869_602)),
        (2 * e18, 10 * e18, 5 * e18, UInt256(831_248_957_812_239_453)),
        (1 * e18, 10 * e18, 10 * e18, UInt256(906_610_893_880_149_131)),
        (1 * e18, 100 * e18, 100 * e18, UInt256(987_158_034_397_061_298)),
        (1 * e18, 1000 * e18, 1000 * e18, UInt256(996_006_981_039_903_216)),
    ]
    static let optimistic = [
        (UInt256(997_000_000_000_000_000), 5 * e18, 10 * e18, 1 * e18),
        (UInt256(997_000_000_000_000_000), 10 * e18, 5 * e18, 1 * e18),
        (UInt256(997_000_000_000_000_000), 5 * e18, 5 * e18, 1 * e18),
        (1 * e18, 5 * e18, 5 * e18, UInt256(1_003_009_027_081_243_732)),
    ]
}
