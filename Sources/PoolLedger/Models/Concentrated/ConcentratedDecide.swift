import PoolMath

extension ConcentratedPool {
    /// A command against a concentrated pool, decided with the periphery's
    /// semantics: a mint takes what the liquidity needs (rounded up) within
    /// the maximums, a burn's release must reach the minimums, a collect pays
    /// what is owed up to the maximums, a swap runs to its amount or its price
    /// limit. The facts carry every outcome, and a swap the price, tick and
    /// liquidity it left, so that re-folding re-checks all of it. Returns nil
    /// for a command this model does not take (the dispatcher refuses it).
    func decide(_ command: Command, header: PoolHeader) throws(Rejection) -> FactBody? {
        var v3 = self
        switch command.body {
        case .mintPosition(let mint):
            let amounts = try v3.mintAmounts(owner: mint.owner, mint.tickLower, mint.tickUpper, mint.liquidity, mint.amount0Max, mint.amount1Max)
            return .positionMinted(PositionChanged(
                pool: mint.pool, owner: mint.owner, tickLower: mint.tickLower, tickUpper: mint.tickUpper,
                liquidity: mint.liquidity, amount0: amounts.amount0, amount1: amounts.amount1))
        case .burnPosition(let burn):
            let amounts = try v3.burnAmounts(owner: burn.owner, burn.tickLower, burn.tickUpper, burn.liquidity, burn.amount0Min, burn.amount1Min)
            return .positionBurned(PositionChanged(
                pool: burn.pool, owner: burn.owner, tickLower: burn.tickLower, tickUpper: burn.tickUpper,
                liquidity: burn.liquidity, amount0: amounts.amount0, amount1: amounts.amount1))
        case .collect(let collect):
            let requested0 = collect.amount0Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let requested1 = collect.amount1Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let paid = v3.collect(owner: collect.owner, tickLower: collect.tickLower, tickUpper: collect.tickUpper,
                                  amount0Requested: requested0, amount1Requested: requested1)
            return .feesCollected(FeesCollected(
                pool: collect.pool, owner: collect.owner, tickLower: collect.tickLower, tickUpper: collect.tickUpper,
                amount0: UInt256(high: 0, low: paid.amount0), amount1: UInt256(high: 0, low: paid.amount1)))
        case .swapExactIn(let swap):
            let zeroForOne = try Decide.direction(token: swap.tokenIn, field: "token_in", header)
            let run = try Self.concentratedSwap(v3, zeroForOne: zeroForOne, specified: SignedAmount(swap.amountIn), limit: swap.sqrtPriceLimitX96)
            let fact = run.fact(pool: swap.pool, trader: swap.trader)
            let amountOut = zeroForOne ? fact.amount1Out : fact.amount0Out
            guard amountOut >= swap.minAmountOut else {
                throw Rejection(.insufficientOutputAmount, "selling \(swap.amountIn) \(swap.tokenIn) buys \(amountOut), below min_amount_out \(swap.minAmountOut)")
            }
            return .swap(fact)
        case .swapExactOut(let swap):
            let oneForZero = try Decide.direction(token: swap.tokenOut, field: "token_out", header)
            let run = try Self.concentratedSwap(v3, zeroForOne: !oneForZero, specified: SignedAmount(swap.amountOut, negative: true), limit: swap.sqrtPriceLimitX96)
            let fact = run.fact(pool: swap.pool, trader: swap.trader)
            let (amountIn, amountOut) = oneForZero ? (fact.amount1In, fact.amount0Out) : (fact.amount0In, fact.amount1Out)
            // The router insists on the whole output unless the caller set a limit.
            if swap.sqrtPriceLimitX96 == nil, amountOut != swap.amountOut {
                throw Rejection(.insufficientLiquidity, "buying \(swap.amountOut) \(swap.tokenOut): the pool's liquidity delivers only \(amountOut)")
            }
            if let max = swap.maxAmountIn, amountIn > max {
                throw Rejection(.excessiveInputAmount, "buying \(swap.amountOut) \(swap.tokenOut) costs \(amountIn), above max_amount_in \(max)")
            }
            return .swap(fact)
        case .flash(let flash):
            // Paid back by default exactly the fee on each amount.
            let fees = try Self.v3Call { () throws(V3MathError) in (try Self.flashFee(flash.amount0, feePips), try Self.flashFee(flash.amount1, feePips)) }
            let paid0 = flash.paid0 ?? fees.0, paid1 = flash.paid1 ?? fees.1
            try checkLendable(flash.amount0, flash.amount1)
            try Self.v3Call { () throws(V3MathError) in try v3.flash(amount0: flash.amount0, amount1: flash.amount1, paid0: paid0, paid1: paid1) }
            return .flash(Flash(pool: flash.pool, recipient: flash.recipient, amount0: flash.amount0, amount1: flash.amount1, paid0: paid0, paid1: paid1))
        case .setFeeProtocol(let set):
            try Self.v3Call { () throws(V3MathError) in try v3.setFeeProtocol(set.feeProtocol0, set.feeProtocol1) }
            return .protocolFeeSet(set)
        case .collectProtocol(let collect):
            let requested0 = collect.amount0Requested.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let requested1 = collect.amount1Requested.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let paid = v3.collectProtocol(amount0Requested: requested0, amount1Requested: requested1)
            return .protocolFeesCollected(ProtocolFeesCollected(
                pool: collect.pool, recipient: collect.recipient,
                amount0: UInt256(high: 0, low: paid.amount0), amount1: UInt256(high: 0, low: paid.amount1)))
        default:
            return try decideNFT(command.body)
        }
    }
}
