import PoolMath

// UniswapV3Pool.swap: the step loop over initialized ticks, as the contract runs it.
extension ConcentratedPool {
    public struct SwapResult: Sendable, Equatable {
        /// Pool-side deltas: positive paid into the pool, negative paid out.
        public var amount0: SignedAmount
        public var amount1: SignedAmount
    }

    /// One step of a swap, as it accrues fees: the tick it ran in, the liquidity
    /// active there, and the fee that went to liquidity providers (after the
    /// protocol's cut). For audits and for checking fee growth independently.
    public struct SwapStep: Sendable, Equatable {
        public var tick: Int32
        public var liquidity: UInt128
        public var feeAmount: UInt256
        /// The prices the step ran between (Q64.96).
        public var sqrtPriceStartX96: UInt256 = .zero
        public var sqrtPriceEndX96: UInt256 = .zero
        /// The price the step ran toward (the next initialized tick's, the
        /// word's edge or the limit): where it ends unless the amount runs out.
        public var sqrtPriceTargetX96: UInt256 = .zero
        /// What the step took in (before its fee), paid out, and its whole fee (before the protocol's cut).
        public var amountIn: UInt256 = .zero
        public var amountOut: UInt256 = .zero
        public var feeTotal: UInt256 = .zero
    }

    /// What a swap's fold tells a caller that asks (a backtest): which run of
    /// the recorded swap reproduced it, and, when asked, that run's steps.
    public struct SwapTrace: Sendable {
        public enum Form: Sendable, Equatable { case exactInput, exactOutput, upToLimit }
        /// Which steps to keep: none, the last only (`exactOutputAlsoReproduces`), or all.
        public enum Kept: Sendable, Equatable { case none, last, all }
        public var form: Form?
        /// The run's steps, as `kept` says.
        public var steps: [SwapStep] = []
        public let kept: Kept

        public init(keeps kept: Kept) { self.kept = kept }

        /// For a swap that exact input reproduced (its steps kept): whether
        /// exact output of what it paid out reproduces it as well, so that the
        /// facts do not say which the trader sent. Every step but the last ran
        /// to its target, and a step that does is the same step whichever is
        /// specified (the same amounts, the fee by the same rounding); so the
        /// two runs differ at most in the last step, which is run again here
        /// as exact output of what it paid out.
        public func exactOutputAlsoReproduces(feePips: UInt32) throws(V3MathError) -> Bool {
            guard form == .exactInput, let last = steps.last else { return false }
            // Paying nothing in its last step, exact output would have stopped a step earlier.
            guard !last.amountOut.isZero else { return false }
            let step = try SwapMath.computeSwapStep(sqrtCurrent: last.sqrtPriceStartX96, sqrtTarget: last.sqrtPriceTargetX96, liquidity: last.liquidity,
                                                    amountRemaining: SignedAmount(last.amountOut, negative: true), feePips: feePips)
            return step.sqrtPriceNextX96 == last.sqrtPriceEndX96 && step.amountOut == last.amountOut
                && step.amountIn + step.feeAmount == last.amountIn + last.feeTotal
        }
    }

    /// `swap`: `amountSpecified` positive for exact input, negative for exact output;
    /// the price never passes `sqrtPriceLimitX96`.
    public mutating func swap(
        zeroForOne: Bool, amountSpecified: SignedAmount, sqrtPriceLimitX96: UInt256,
        observe: ((SwapStep) -> Void)? = nil
    ) throws(V3MathError) -> SwapResult {
        var crossed: [(Int32, TickInfo?)] = []
        return try swap(zeroForOne: zeroForOne, amountSpecified: amountSpecified, sqrtPriceLimitX96: sqrtPriceLimitX96, observe: observe, crossed: &crossed)
    }

    /// The swap, appending each tick it crosses as it was before to `crossed`
    /// (so that a caller can put the pool back: `Journal`). A swap that
    /// reverts puts its crossings back itself.
    mutating func swap(
        zeroForOne: Bool, amountSpecified: SignedAmount, sqrtPriceLimitX96: UInt256,
        observe: ((SwapStep) -> Void)?, crossed crossedBefore: inout [(Int32, TickInfo?)]
    ) throws(V3MathError) -> SwapResult {
        let crossedAtStart = crossedBefore.count
        guard !amountSpecified.isZero else { throw V3MathError("AS", "amount specified is zero") }
        if zeroForOne {
            guard sqrtPriceLimitX96 < sqrtPriceX96, sqrtPriceLimitX96 > TickMath.minSqrtRatio else { throw V3MathError("SPL", "price limit \(sqrtPriceLimitX96) is not below the price \(sqrtPriceX96) and above the minimum") }
        } else {
            guard sqrtPriceLimitX96 > sqrtPriceX96, sqrtPriceLimitX96 < TickMath.maxSqrtRatio else { throw V3MathError("SPL", "price limit \(sqrtPriceLimitX96) is not above the price \(sqrtPriceX96) and below the maximum") }
        }
        let protocolDenominator = zeroForOne ? feeProtocol % 16 : feeProtocol >> 4
        let exactInput = !amountSpecified.isNegative
        var remaining = amountSpecified
        var calculated = SignedAmount.zero
        var price = sqrtPriceX96
        var currentTick = tick
        var growth = zeroForOne ? feeGrowthGlobal0X128 : feeGrowthGlobal1X128
        var protocolFee = UInt256.zero
        var activeLiquidity = liquidity
        var word: (Int16, UInt256)? = nil
        // Crossings update their ticks in place; should a later step revert, the
        // ticks crossed so far are put back (no copy of the whole tick table).
        do throws(V3MathError) {
            while !remaining.isZero && price != sqrtPriceLimitX96 {
                let start = price
                var (tickNext, initialized) = Self.nextInitializedTickWithinOneWord(currentTick, lte: zeroForOne, tickSpacing: tickSpacing, tickBitmap: tickBitmap, word: &word)
                tickNext = min(max(tickNext, TickMath.minTick), TickMath.maxTick)
                // The initialized tick's entry, found once for its price and its crossing.
                let entry = initialized ? ticks.index(forKey: tickNext) : nil
                let priceNext: UInt256
                if let entry {
                    priceNext = ticks.values[entry].sqrtPriceX96
                } else {
                    priceNext = try TickMath.sqrtRatio(atTick: tickNext)
                }
                let target = (zeroForOne ? priceNext < sqrtPriceLimitX96 : priceNext > sqrtPriceLimitX96) ? sqrtPriceLimitX96 : priceNext
                let step = try SwapMath.computeSwapStep(sqrtCurrent: price, sqrtTarget: target, liquidity: activeLiquidity, amountRemaining: remaining, feePips: feePips)
                price = step.sqrtPriceNextX96
                var feeAmount = step.feeAmount
                if exactInput {
                    remaining = remaining - SignedAmount(step.amountIn + feeAmount)
                    calculated = calculated - SignedAmount(step.amountOut)
                } else {
                    remaining = remaining + SignedAmount(step.amountOut)
                    calculated = calculated + SignedAmount(step.amountIn + feeAmount)
                }
                if protocolDenominator > 0 {
                    let cut = feeAmount / UInt256(UInt64(protocolDenominator))
                    feeAmount -= cut
                    protocolFee += cut
                }
                if activeLiquidity > 0 {
                    growth = growth &+ UInt256.mulDivQ128(feeAmount, UInt256(high: 0, low: activeLiquidity))!
                }
                observe?(SwapStep(tick: currentTick, liquidity: activeLiquidity, feeAmount: feeAmount, sqrtPriceStartX96: start, sqrtPriceEndX96: price, sqrtPriceTargetX96: target,
                                  amountIn: step.amountIn, amountOut: step.amountOut, feeTotal: step.feeAmount))
                if price == priceNext {
                    if initialized {
                        // Tick.cross: what grew on one side is now outside on the other (in place).
                        // An initialized tick has an entry: its bit is set only while it holds liquidity.
                        let growth0 = zeroForOne ? growth : feeGrowthGlobal0X128, growth1 = zeroForOne ? feeGrowthGlobal1X128 : growth
                        let before = if let entry { ticks.values[entry].cross(growth0: growth0, growth1: growth1) }
                            else { ticks[tickNext, default: TickInfo()].cross(growth0: growth0, growth1: growth1) }
                        if crossedBefore.capacity == 0 { crossedBefore.reserveCapacity(8) }
                        crossedBefore.append((tickNext, before))
                        let net = zeroForOne ? -before.liquidityNet : before.liquidityNet
                        activeLiquidity = try LiquidityMath.addDelta(activeLiquidity, net)
                    }
                    currentTick = zeroForOne ? tickNext - 1 : tickNext
                } else if price != start {
                    currentTick = try TickMath.tick(atSqrtRatio: price)
                }
            }
        } catch {
            for (crossed, info) in crossedBefore[crossedAtStart...].reversed() { ticks[crossed] = info }
            crossedBefore.removeSubrange(crossedAtStart...)
            throw error
        }

        sqrtPriceX96 = price
        tick = currentTick
        liquidity = activeLiquidity
        if zeroForOne {
            feeGrowthGlobal0X128 = growth
            protocolFees0 &+= UInt128(truncatingIfNeeded: protocolFee.low)
        } else {
            feeGrowthGlobal1X128 = growth
            protocolFees1 &+= UInt128(truncatingIfNeeded: protocolFee.low)
        }
        let consumed = amountSpecified - remaining
        return zeroForOne == exactInput
            ? SwapResult(amount0: consumed, amount1: calculated)
            : SwapResult(amount0: calculated, amount1: consumed)
    }
}
