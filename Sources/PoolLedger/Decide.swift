import PoolMath

/// `decide(command, state) -> [fact]`: checks an intent against the current
/// pool and turns it into the facts that record it, with the router's
/// semantics (optimal deposit pair, slippage bounds, exact in / exact out).
///
/// The amounts a fact records come from the same functions `evolve` checks
/// them with (`Evolve.mintOutcome`, `Evolve.burnOutcome`), so a decided fact
/// always folds; `evolve` still re-checks it.
public enum Decide {
    public static func decide(_ command: Command, _ pool: PoolState?) throws(Rejection) -> [Fact] {
        if let pool, pool.concentrated != nil {
            return [Fact(try decideConcentrated(command, pool), id: command.id, time: command.time, block: command.block)]
        }
        let body: FactBody
        switch command.body {
        case .createPool(let created):
            guard pool == nil else { throw Rejection(.poolExists, "pool \(quoted(created.pool)) already exists") }
            body = .poolCreated(created)
        case .addLiquidity(let add):
            body = .liquidityAdded(try deposit(add, try existing(pool, command)))
        case .removeLiquidity(let remove):
            body = .liquidityRemoved(try withdrawal(remove, try existing(pool, command)))
        case .swapExactIn(let swap):
            body = .swap(try exactIn(swap, try existing(pool, command)))
        case .swapExactOut(let swap):
            body = .swap(try exactOut(swap, try existing(pool, command)))
        case .transferShares(let transfer):
            _ = try existing(pool, command)
            body = .sharesTransferred(transfer)
        case .setFeeTo(let change):
            _ = try existing(pool, command)
            body = .feeToSet(change)
        case .mintPosition, .burnPosition, .collect:
            let pool = try existing(pool, command)
            throw Rejection(.unsupportedModel, "\(command.body.commandName) is a command of concentrated pools; pool \(quoted(pool.pool)) is constant product")
        }
        return [Fact(body, id: command.id, time: command.time, block: command.block)]
    }

    static func existing(_ pool: PoolState?, _ command: Command) throws(Rejection) -> PoolState {
        guard let pool else { throw Rejection(.unknownPool, "no pool \(quoted(command.pool)) exists") }
        return pool
    }

    static func deposit(_ add: AddLiquidity, _ pool: PoolState) throws(Rejection) -> LiquidityAdded {
        let amounts: (amount0: UInt256, amount1: UInt256)
        do {
            amounts = try ConstantProduct.depositAmounts(
                desired0: add.amount0Desired, desired1: add.amount1Desired,
                min0: add.amount0Min, min1: add.amount1Min,
                reserve0: pool.reserve0, reserve1: pool.reserve1)
        } catch {
            throw Rejection(error, routerDetail(error, add, pool))
        }
        let outcome = try Evolve.mintOutcome(amount0: amounts.amount0, amount1: amounts.amount1, pool: pool)
        return LiquidityAdded(
            pool: add.pool, provider: add.provider, amount0: amounts.amount0, amount1: amounts.amount1,
            shares: outcome.shares, protocolFeeShares: nonZero(outcome.protocolFeeShares))
    }

    static func withdrawal(_ remove: RemoveLiquidity, _ pool: PoolState) throws(Rejection) -> LiquidityRemoved {
        let outcome = try Evolve.burnOutcome(shares: remove.shares, provider: remove.provider, pool: pool)
        guard outcome.amount0 >= remove.amount0Min else {
            throw Rejection(.insufficientAAmount, "payout of token0 \(outcome.amount0) is below amount0_min \(remove.amount0Min)")
        }
        guard outcome.amount1 >= remove.amount1Min else {
            throw Rejection(.insufficientBAmount, "payout of token1 \(outcome.amount1) is below amount1_min \(remove.amount1Min)")
        }
        return LiquidityRemoved(
            pool: remove.pool, provider: remove.provider, shares: remove.shares,
            amount0: outcome.amount0, amount1: outcome.amount1, protocolFeeShares: nonZero(outcome.protocolFeeShares))
    }

    static func exactIn(_ swap: SwapExactIn, _ pool: PoolState) throws(Rejection) -> Swap {
        try refuseLimit(swap.sqrtPriceLimitX96, pool)
        let zeroForOne = try direction(token: swap.tokenIn, field: "token_in", pool)
        let (reserveIn, reserveOut) = zeroForOne ? (pool.reserve0, pool.reserve1) : (pool.reserve1, pool.reserve0)
        let amountOut: UInt256
        do {
            amountOut = try ConstantProduct.amountOut(amountIn: swap.amountIn, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: pool.feePPM)
        } catch {
            throw Rejection(error, "selling \(swap.amountIn) \(swap.tokenIn) against reserves \(reserveIn) in, \(reserveOut) out")
        }
        guard amountOut >= swap.minAmountOut else {
            throw Rejection(.insufficientOutputAmount, "selling \(swap.amountIn) \(swap.tokenIn) buys \(amountOut), below min_amount_out \(swap.minAmountOut)")
        }
        return zeroForOne
            ? Swap(pool: swap.pool, trader: swap.trader, amount0In: swap.amountIn, amount1Out: amountOut)
            : Swap(pool: swap.pool, trader: swap.trader, amount1In: swap.amountIn, amount0Out: amountOut)
    }

    static func exactOut(_ swap: SwapExactOut, _ pool: PoolState) throws(Rejection) -> Swap {
        try refuseLimit(swap.sqrtPriceLimitX96, pool)
        let oneForZero = try direction(token: swap.tokenOut, field: "token_out", pool)
        let (reserveIn, reserveOut) = oneForZero ? (pool.reserve1, pool.reserve0) : (pool.reserve0, pool.reserve1)
        let amountIn: UInt256
        do {
            amountIn = try ConstantProduct.amountIn(amountOut: swap.amountOut, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: pool.feePPM)
        } catch {
            throw Rejection(error, "buying \(swap.amountOut) \(swap.tokenOut) against reserves \(reserveIn) in, \(reserveOut) out")
        }
        if let maxAmountIn = swap.maxAmountIn, amountIn > maxAmountIn {
            throw Rejection(.excessiveInputAmount, "buying \(swap.amountOut) \(swap.tokenOut) costs \(amountIn), above max_amount_in \(maxAmountIn)")
        }
        return oneForZero
            ? Swap(pool: swap.pool, trader: swap.trader, amount1In: amountIn, amount0Out: swap.amountOut)
            : Swap(pool: swap.pool, trader: swap.trader, amount0In: amountIn, amount1Out: swap.amountOut)
    }

    /// True when `token` is token0 of the pool, false for token1.
    static func direction(token: String, field: String, _ pool: PoolState) throws(Rejection) -> Bool {
        if token == pool.token0 { return true }
        if token == pool.token1 { return false }
        throw Rejection(.unknownToken, "\(field) \(quoted(token)) is neither token0 \(quoted(pool.token0)) nor token1 \(quoted(pool.token1))")
    }

    static func refuseLimit(_ limit: UInt256?, _ pool: PoolState) throws(Rejection) {
        guard limit == nil else {
            throw Rejection(.invalidField, "sqrt_price_limit_x96 belongs to swaps of concentrated pools; pool \(quoted(pool.pool)) is constant product")
        }
    }

    static func nonZero(_ value: UInt256) -> UInt256? { value.isZero ? nil : value }

    static func routerDetail(_ rule: PairRule, _ add: AddLiquidity, _ pool: PoolState) -> String {
        switch rule {
        case .insufficientBAmount:
            return "the optimal token1 amount for \(add.amount0Desired) token0 at reserves \(pool.reserve0), \(pool.reserve1) is below amount1_min \(add.amount1Min)"
        case .insufficientAAmount:
            return "the optimal token0 amount for \(add.amount1Desired) token1 at reserves \(pool.reserve0), \(pool.reserve1) is below amount0_min \(add.amount0Min)"
        default:
            return "desired \(add.amount0Desired), \(add.amount1Desired) at reserves \(pool.reserve0), \(pool.reserve1)"
        }
    }
}
