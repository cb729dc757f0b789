/// A rule of the constant-product pair or its router, named as Uniswap V2 names
/// its revert reasons (`UniswapV2: K`, `UniswapV2Router: INSUFFICIENT_B_AMOUNT`).
public enum PairRule: String, Error, Sendable, CaseIterable {
    case k = "K"
    case overflow = "OVERFLOW"
    case insufficientLiquidityMinted = "INSUFFICIENT_LIQUIDITY_MINTED"
    case insufficientLiquidityBurned = "INSUFFICIENT_LIQUIDITY_BURNED"
    case insufficientOutputAmount = "INSUFFICIENT_OUTPUT_AMOUNT"
    case insufficientInputAmount = "INSUFFICIENT_INPUT_AMOUNT"
    case insufficientLiquidity = "INSUFFICIENT_LIQUIDITY"
    case insufficientAmount = "INSUFFICIENT_AMOUNT"
    /// Router: the optimal amount of token0 fell below `amount0_min`.
    case insufficientAAmount = "INSUFFICIENT_A_AMOUNT"
    /// Router: the optimal amount of token1 fell below `amount1_min`.
    case insufficientBAmount = "INSUFFICIENT_B_AMOUNT"
    case excessiveInputAmount = "EXCESSIVE_INPUT_AMOUNT"
}

/// The constant-product rules exactly as Uniswap V2's pair and router apply them,
/// generalised to a fee of `feePPM` parts per million (3000 gives V2's 997/1000).
///
/// All arithmetic is on unsigned integers, `/` rounds toward zero, and every
/// product that can pass 2^256 is taken at 512 bits, so each result equals the
/// unbounded-integer result.
public enum ConstantProduct {
    /// Shares locked forever to the zero address by the first deposit (`MINIMUM_LIQUIDITY`).
    public static let minimumLiquidity: UInt256 = 1000
    /// Parts per million: the fee denominator F.
    public static let feeDenominator: UInt256 = 1_000_000
    /// Reserves are `uint112` on chain.
    public static let maxReserve: UInt256 = (UInt256.one << 112) - .one

    @inlinable
    static func feeComplement(_ feePPM: UInt32) -> UInt256 {
        UInt256(UInt64(1_000_000 - feePPM))
    }

    // MARK: Router math (UniswapV2Library)

    /// `getAmountOut`: the output for an exact input, `in*G*rOut / (rIn*F + in*G)`.
    @inlinable
    public static func amountOut(
        amountIn: UInt256, reserveIn: UInt256, reserveOut: UInt256, feePPM: UInt32
    ) throws(PairRule) -> UInt256 {
        guard !amountIn.isZero else { throw .insufficientInputAmount }
        guard !reserveIn.isZero, !reserveOut.isZero else { throw .insufficientLiquidity }
        let (inWithFee, o1) = amountIn.multipliedReportingOverflow(by: feeComplement(feePPM))
        let (scaledReserve, o2) = reserveIn.multipliedReportingOverflow(by: feeDenominator)
        let (denominator, o3) = scaledReserve.addingReportingOverflow(inWithFee)
        guard !(o1 || o2 || o3), let out = UInt256.mulDiv(inWithFee, reserveOut, denominator) else {
            throw .overflow
        }
        return out
    }

    /// `getAmountIn`: the input for an exact output, `rIn*out*F / ((rOut-out)*G) + 1`.
    /// The `+ 1` is always added, as V2 does.
    @inlinable
    public static func amountIn(
        amountOut: UInt256, reserveIn: UInt256, reserveOut: UInt256, feePPM: UInt32
    ) throws(PairRule) -> UInt256 {
        guard !amountOut.isZero else { throw .insufficientOutputAmount }
        guard !reserveIn.isZero, !reserveOut.isZero else { throw .insufficientLiquidity }
        // V2 would revert on the subtraction underflow; an output must leave something behind.
        guard amountOut < reserveOut else { throw .insufficientLiquidity }
        let (scaledReserve, o1) = reserveIn.multipliedReportingOverflow(by: feeDenominator)
        let (denominator, o2) = (reserveOut - amountOut).multipliedReportingOverflow(by: feeComplement(feePPM))
        guard !(o1 || o2), let quotient = UInt256.mulDiv(scaledReserve, amountOut, denominator) else {
            throw .overflow
        }
        let (amountIn, o3) = quotient.addingReportingOverflow(.one)
        guard !o3 else { throw .overflow }
        return amountIn
    }

    /// `quote`: the amount of B worth `amountA` at the reserves' ratio, `a*rB/rA`.
    @inlinable
    public static func quote(amountA: UInt256, reserveA: UInt256, reserveB: UInt256) throws(PairRule) -> UInt256 {
        guard !amountA.isZero else { throw .insufficientAmount }
        guard !reserveA.isZero, !reserveB.isZero else { throw .insufficientLiquidity }
        guard let amountB = UInt256.mulDiv(amountA, reserveB, reserveA) else { throw .overflow }
        return amountB
    }

    /// The router's `_addLiquidity`: the amounts actually deposited for the desired
    /// amounts and minimums; an empty pool takes the desired amounts as they are.
    @inlinable
    public static func depositAmounts(
        desired0: UInt256, desired1: UInt256, min0: UInt256, min1: UInt256,
        reserve0: UInt256, reserve1: UInt256
    ) throws(PairRule) -> (amount0: UInt256, amount1: UInt256) {
        if reserve0.isZero && reserve1.isZero { return (desired0, desired1) }
        let optimal1 = try quote(amountA: desired0, reserveA: reserve0, reserveB: reserve1)
        if optimal1 <= desired1 {
            guard optimal1 >= min1 else { throw .insufficientBAmount }
            return (desired0, optimal1)
        }
        let optimal0 = try quote(amountA: desired1, reserveA: reserve1, reserveB: reserve0)
        // optimal0 <= desired0 holds whenever optimal1 > desired1 (V2 asserts it).
        guard optimal0 <= desired0 else { throw .insufficientAAmount }
        guard optimal0 >= min0 else { throw .insufficientAAmount }
        return (optimal0, desired1)
    }

    // MARK: Pair math (UniswapV2Pair)

    /// A reserve plus an incoming amount, within `uint112`.
    @inlinable
    public static func balance(reserve: UInt256, adding amount: UInt256) throws(PairRule) -> UInt256 {
        let (sum, overflow) = reserve.addingReportingOverflow(amount)
        guard !overflow, sum <= maxReserve else { throw .overflow }
        return sum
    }

    /// Shares minted for a deposit of `amount0`, `amount1` into `reserve0`, `reserve1`
    /// with `totalShares` outstanding (after the protocol fee was minted).
    ///
    /// First deposit: `sqrt(a0*a1) - 1000`, the 1000 being locked to the zero
    /// address by the caller. Later: `min(a0*S/r0, a1*S/r1)`; the surplus of the
    /// over-supplied token stays in the pool.
    @inlinable
    public static func mintedShares(
        amount0: UInt256, amount1: UInt256, reserve0: UInt256, reserve1: UInt256, totalShares: UInt256
    ) throws(PairRule) -> UInt256 {
        if totalShares.isZero {
            let (product, overflow) = amount0.multipliedReportingOverflow(by: amount1)
            guard !overflow else { throw .overflow }
            let root = product.squareRoot()
            guard root > minimumLiquidity else { throw .insufficientLiquidityMinted }
            return root - minimumLiquidity
        }
        guard !reserve0.isZero, !reserve1.isZero else { throw .insufficientLiquidity }
        guard let shares0 = UInt256.mulDiv(amount0, totalShares, reserve0),
            let shares1 = UInt256.mulDiv(amount1, totalShares, reserve1)
        else { throw .overflow }
        let shares = min(shares0, shares1)
        guard !shares.isZero else { throw .insufficientLiquidityMinted }
        return shares
    }

    /// The pro-rata payout for burning `shares` of `totalShares`, rounded down.
    @inlinable
    public static func burnedAmounts(
        shares: UInt256, reserve0: UInt256, reserve1: UInt256, totalShares: UInt256
    ) throws(PairRule) -> (amount0: UInt256, amount1: UInt256) {
        guard !totalShares.isZero, shares <= totalShares else { throw .insufficientLiquidityBurned }
        // shares <= totalShares, so both quotients fit.
        let amount0 = UInt256.mulDiv(shares, reserve0, totalShares) ?? .zero
        let amount1 = UInt256.mulDiv(shares, reserve1, totalShares) ?? .zero
        guard !amount0.isZero, !amount1.isZero else { throw .insufficientLiquidityBurned }
        return (amount0, amount1)
    }

    /// The pair's `swap` checks, in V2's order, for amounts in and out of both
    /// tokens; returns the new balances (reserves).
    ///
    /// K: `(b0*F - in0*fee) * (b1*F - in1*fee) >= r0*r1*F^2`, compared at 512 bits.
    @inlinable
    public static func swapBalances(
        reserve0: UInt256, reserve1: UInt256,
        amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256,
        feePPM: UInt32
    ) throws(PairRule) -> (balance0: UInt256, balance1: UInt256) {
        guard !amount0Out.isZero || !amount1Out.isZero else { throw .insufficientOutputAmount }
        guard amount0Out < reserve0, amount1Out < reserve1 else { throw .insufficientLiquidity }
        guard !amount0In.isZero || !amount1In.isZero else { throw .insufficientInputAmount }
        // out < reserve, so the subtraction cannot underflow; the bound keeps every
        // product below 2^264, which the 512-bit comparison holds exactly.
        let balance0 = try balance(reserve: reserve0, adding: amount0In) - amount0Out
        let balance1 = try balance(reserve: reserve1, adding: amount1In) - amount1Out
        guard balance0 <= maxReserve, balance1 <= maxReserve else { throw .overflow }

        let fee = UInt256(UInt64(feePPM))
        let adjusted0 = balance0 * feeDenominator - amount0In * fee
        let adjusted1 = balance1 * feeDenominator - amount1In * fee
        let left = adjusted0.multipliedFullWidth(by: adjusted1)
        let right = (reserve0 * reserve1).multipliedFullWidth(by: feeDenominator * feeDenominator)
        guard left >= right else { throw .k }
        return (balance0, balance1)
    }

    /// `_mintFee`: shares minted to `fee_to` before a liquidity change, 1/6 of the
    /// growth of sqrt(k) since `kLast`: `S*(rootK - rootKLast) / (5*rootK + rootKLast)`.
    @inlinable
    public static func protocolFeeShares(
        totalShares: UInt256, reserve0: UInt256, reserve1: UInt256, kLast: UInt256
    ) -> UInt256 {
        guard !kLast.isZero else { return .zero }
        let (k, overflow) = reserve0.multipliedReportingOverflow(by: reserve1)
        // Reserves are uint112, so k fits; a larger product cannot arise from valid state.
        guard !overflow else { return .zero }
        let rootK = k.squareRoot()
        let rootKLast = kLast.squareRoot()
        guard rootK > rootKLast else { return .zero }
        let denominator = rootK * 5 + rootKLast
        return UInt256.mulDiv(totalShares, rootK - rootKLast, denominator) ?? .zero
    }

    /// One step of a price accumulator: `(reserveNumerator * 2^112 / reserveDenominator) * elapsed`
    /// (UQ112x112 `encode(...).uqdiv(...)`), to be added modulo 2^256.
    @inlinable
    public static func priceIncrement(
        reserveNumerator: UInt256, reserveDenominator: UInt256, elapsed: UInt32
    ) -> UInt256 {
        guard !reserveDenominator.isZero else { return .zero }
        let price = (reserveNumerator << 112) / reserveDenominator
        return price &* UInt256(UInt64(elapsed))
    }
}
