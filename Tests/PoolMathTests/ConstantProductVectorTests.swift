import PoolMath
import Testing

/// Vectors from Uniswap v2-core `test/UniswapV2Pair.spec.ts` and v2-periphery
/// `test/UniswapV2Router0{1,2}.spec.ts`, fee 3000 ppm (V2's 997/1000).
@Suite struct ConstantProductVectorTests {
    static let e18: UInt256 = 1_000_000_000_000_000_000

    /// `getInputPrice` cases: (swap amount, reserve0, reserve1, expected output), token0 in.
    static let swapVectors: [(UInt256, UInt256, UInt256, UInt256)] = [
        (1 * e18, 5 * e18, 10 * e18, 1_662_497_915_624_478_906),
        (1 * e18, 10 * e18, 5 * e18, 453_305_446_940_074_565),
        (2 * e18, 5 * e18, 10 * e18, 2_851_015_155_847_869_602),
        (2 * e18, 10 * e18, 5 * e18, 831_248_957_812_239_453),
        (1 * e18, 10 * e18, 10 * e18, 906_610_893_880_149_131),
        (1 * e18, 100 * e18, 100 * e18, 987_158_034_397_061_298),
        (1 * e18, 1000 * e18, 1000 * e18, 996_006_981_039_903_216),
    ]

    @Test(arguments: 0..<7)
    func amountOutMatchesV2(_ index: Int) throws {
        let (amountIn, reserve0, reserve1, expected) = Self.swapVectors[index]
        #expect(try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserve0, reserveOut: reserve1, feePPM: 3000) == expected)
    }

    @Test(arguments: 0..<7)
    func expectedOutputPassesKAndOneMoreWeiFails(_ index: Int) throws {
        let (amountIn, reserve0, reserve1, expected) = Self.swapVectors[index]
        let balances = try ConstantProduct.swapBalances(
            reserve0: reserve0, reserve1: reserve1, amount0In: amountIn, amount1In: 0,
            amount0Out: 0, amount1Out: expected, feePPM: 3000)
        #expect(balances.balance0 == reserve0 + amountIn)
        #expect(balances.balance1 == reserve1 - expected)
        #expect(throws: PairRule.k) {
            try ConstantProduct.swapBalances(
                reserve0: reserve0, reserve1: reserve1, amount0In: amountIn, amount1In: 0,
                amount0Out: 0, amount1Out: expected + 1, feePPM: 3000)
        }
    }

    /// `optimistic` cases (flash swaps): (output of token0, reserve0, reserve1, input of token0).
    static let optimisticVectors: [(UInt256, UInt256, UInt256, UInt256)] = [
        (997_000_000_000_000_000, 5 * e18, 10 * e18, 1 * e18),
        (997_000_000_000_000_000, 10 * e18, 5 * e18, 1 * e18),
        (997_000_000_000_000_000, 5 * e18, 5 * e18, 1 * e18),
        (1 * e18, 5 * e18, 5 * e18, 1_003_009_027_081_243_732),
    ]

    @Test(arguments: 0..<4)
    func flashSwapTakingOutTheInputTokenPassesExactly(_ index: Int) throws {
        let (amountOut, reserve0, reserve1, amountIn) = Self.optimisticVectors[index]
        _ = try ConstantProduct.swapBalances(
            reserve0: reserve0, reserve1: reserve1, amount0In: amountIn, amount1In: 0,
            amount0Out: amountOut, amount1Out: 0, feePPM: 3000)
        #expect(throws: PairRule.k) {
            try ConstantProduct.swapBalances(
                reserve0: reserve0, reserve1: reserve1, amount0In: amountIn, amount1In: 0,
                amount0Out: amountOut + 1, amount1Out: 0, feePPM: 3000)
        }
    }

    @Test func exactOutputCostsV2Amount() throws {
        // swapTokensForExactTokens: 1e18 of token1 out of (5e18, 10e18).
        #expect(try ConstantProduct.amountIn(amountOut: Self.e18, reserveIn: 5 * Self.e18, reserveOut: 10 * Self.e18, feePPM: 3000) == 557_227_237_267_357_629)
    }

    @Test func routerLibraryVectors() throws {
        #expect(try ConstantProduct.quote(amountA: 1, reserveA: 100, reserveB: 200) == 2)
        #expect(try ConstantProduct.quote(amountA: 2, reserveA: 200, reserveB: 100) == 1)
        #expect(throws: PairRule.insufficientAmount) { try ConstantProduct.quote(amountA: 0, reserveA: 100, reserveB: 200) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.quote(amountA: 1, reserveA: 0, reserveB: 200) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.quote(amountA: 1, reserveA: 100, reserveB: 0) }

        #expect(try ConstantProduct.amountOut(amountIn: 2, reserveIn: 100, reserveOut: 100, feePPM: 3000) == 1)
        #expect(throws: PairRule.insufficientInputAmount) { try ConstantProduct.amountOut(amountIn: 0, reserveIn: 100, reserveOut: 100, feePPM: 3000) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.amountOut(amountIn: 2, reserveIn: 0, reserveOut: 100, feePPM: 3000) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.amountOut(amountIn: 2, reserveIn: 100, reserveOut: 0, feePPM: 3000) }

        #expect(try ConstantProduct.amountIn(amountOut: 1, reserveIn: 100, reserveOut: 100, feePPM: 3000) == 2)
        #expect(throws: PairRule.insufficientOutputAmount) { try ConstantProduct.amountIn(amountOut: 0, reserveIn: 100, reserveOut: 100, feePPM: 3000) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.amountIn(amountOut: 1, reserveIn: 0, reserveOut: 100, feePPM: 3000) }
        #expect(throws: PairRule.insufficientLiquidity) { try ConstantProduct.amountIn(amountOut: 1, reserveIn: 100, reserveOut: 0, feePPM: 3000) }
    }

    @Test func firstDepositMintsGeometricMean() throws {
        // mint: 1e18 / 4e18 mints 2e18 in all, 2e18 - 1000 to the depositor.
        #expect(try ConstantProduct.mintedShares(amount0: Self.e18, amount1: 4 * Self.e18, reserve0: 0, reserve1: 0, totalShares: 0) == 2 * Self.e18 - 1000)
        #expect(throws: PairRule.insufficientLiquidityMinted) {
            try ConstantProduct.mintedShares(amount0: 1000, amount1: 1000, reserve0: 0, reserve1: 0, totalShares: 0)
        }
        #expect(try ConstantProduct.mintedShares(amount0: 1001, amount1: 1001, reserve0: 0, reserve1: 0, totalShares: 0) == 1)
    }

    @Test func withdrawalOfEverythingButTheLockedSharesLeavesThemTheirTokens() throws {
        // burn: 3e18/3e18 pool, burning 3e18 - 1000 leaves 1000 of each token.
        let (a0, a1) = try ConstantProduct.burnedAmounts(shares: 3 * Self.e18 - 1000, reserve0: 3 * Self.e18, reserve1: 3 * Self.e18, totalShares: 3 * Self.e18)
        #expect(a0 == 3 * Self.e18 - 1000)
        #expect(a1 == 3 * Self.e18 - 1000)
        // removeLiquidity: 1e18/4e18 pool leaves 500 and 2000.
        let (b0, b1) = try ConstantProduct.burnedAmounts(shares: 2 * Self.e18 - 1000, reserve0: Self.e18, reserve1: 4 * Self.e18, totalShares: 2 * Self.e18)
        #expect(Self.e18 - b0 == 500)
        #expect(4 * Self.e18 - b1 == 2000)
    }

    @Test func swapRulesInV2Order() {
        #expect(throws: PairRule.insufficientOutputAmount) {
            try ConstantProduct.swapBalances(reserve0: 10, reserve1: 10, amount0In: 1, amount1In: 0, amount0Out: 0, amount1Out: 0, feePPM: 3000)
        }
        #expect(throws: PairRule.insufficientLiquidity) {
            try ConstantProduct.swapBalances(reserve0: 10, reserve1: 10, amount0In: 100, amount1In: 0, amount0Out: 0, amount1Out: 10, feePPM: 3000)
        }
        #expect(throws: PairRule.insufficientInputAmount) {
            try ConstantProduct.swapBalances(reserve0: 10, reserve1: 10, amount0In: 0, amount1In: 0, amount0Out: 0, amount1Out: 1, feePPM: 3000)
        }
        #expect(throws: PairRule.overflow) {
            try ConstantProduct.swapBalances(reserve0: 10, reserve1: 10, amount0In: ConstantProduct.maxReserve, amount1In: 0, amount0Out: 0, amount1Out: 1, feePPM: 3000)
        }
    }

    /// Where fee_ppm is not a multiple of 1000 the fee-adjusted products pass
    /// 2^256 near the reserve bound; the 512-bit comparison must still decide exactly.
    @Test func kCheckIsExactAtTheReserveBound() throws {
        let reserve = ConstantProduct.maxReserve - 1_000_000_000_000
        let amountIn: UInt256 = 1_000_000_000_000
        for fee: UInt32 in [1, 100, 500, 3000, 10000, 999_999] {
            let out = try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserve, reserveOut: reserve, feePPM: fee)
            _ = try ConstantProduct.swapBalances(reserve0: reserve, reserve1: reserve, amount0In: amountIn, amount1In: 0, amount0Out: 0, amount1Out: out, feePPM: fee)
            #expect(throws: PairRule.k) {
                try ConstantProduct.swapBalances(reserve0: reserve, reserve1: reserve, amount0In: amountIn, amount1In: 0, amount0Out: 0, amount1Out: out + 1, feePPM: fee)
            }
        }
    }
}
