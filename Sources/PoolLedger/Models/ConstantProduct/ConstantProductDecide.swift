import PoolMath

/// Commands against a constant-product pool, decided with UniswapV2Router02's
/// semantics: the optimal deposit pair, slippage bounds, exact in / exact out.
///
/// The amounts a fact records come from the same functions the fold checks
/// them with (`mintOutcome`, `burnOutcome`), so a decided fact always folds;
/// the fold still re-checks it.
extension ConstantProductPool {
    /// The fact `command` decides into, or nil for a command this model does
    /// not take (the dispatcher refuses it).
    func decide(_ command: Command, header: PoolHeader) throws(Rejection) -> FactBody? {
        switch command.body {
        case .addLiquidity(let add):
            return .liquidityAdded(try deposit(add, header))
        case .removeLiquidity(let remove):
            return .liquidityRemoved(try withdrawal(remove, header))
        case .swapExactIn(let swap):
            return .swap(try exactIn(swap, header))
        case .swapExactOut(let swap):
            return .swap(try exactOut(swap, header))
        case .transferShares(let transfer):
            return .sharesTransferred(transfer)
        case .setFeeTo(let change):
            return .feeToSet(change)
        default:
            return nil
        }
    }

    func deposit(_ add: AddLiquidity, _ header: PoolHeader) throws(Rejection) -> LiquidityAdded {
        let amounts: (amount0: UInt256, amount1: UInt256)
        if add.exactAmounts {
            // The pair's mint of what was sent: no quote; the minimums hold of the amounts themselves.
            guard add.amount0Desired >= add.amount0Min, add.amount1Desired >= add.amount1Min else {
                throw Rejection(.insufficientAAmount, "exact amounts \(add.amount0Desired), \(add.amount1Desired) are below amount0_min \(add.amount0Min) or amount1_min \(add.amount1Min)")
            }
            amounts = (add.amount0Desired, add.amount1Desired)
        } else {
            do {
                amounts = try ConstantProduct.depositAmounts(
                    desired0: add.amount0Desired, desired1: add.amount1Desired,
                    min0: add.amount0Min, min1: add.amount1Min,
                    reserve0: reserve0, reserve1: reserve1)
            } catch {
                throw Rejection(error, routerDetail(error, add))
            }
        }
        let outcome = try mintOutcome(amount0: amounts.amount0, amount1: amounts.amount1, feeOn: header.feeOn)
        return LiquidityAdded(
            pool: add.pool, provider: add.provider, amount0: amounts.amount0, amount1: amounts.amount1,
            shares: outcome.shares, protocolFeeShares: Self.nonZero(outcome.protocolFeeShares))
    }

    func withdrawal(_ remove: RemoveLiquidity, _ header: PoolHeader) throws(Rejection) -> LiquidityRemoved {
        let outcome = try burnOutcome(shares: remove.shares, provider: remove.provider, feeOn: header.feeOn)
        guard outcome.amount0 >= remove.amount0Min else {
            throw Rejection(.insufficientAAmount, "payout of token0 \(outcome.amount0) is below amount0_min \(remove.amount0Min)")
        }
        guard outcome.amount1 >= remove.amount1Min else {
            throw Rejection(.insufficientBAmount, "payout of token1 \(outcome.amount1) is below amount1_min \(remove.amount1Min)")
        }
        return LiquidityRemoved(
            pool: remove.pool, provider: remove.provider, shares: remove.shares,
            amount0: outcome.amount0, amount1: outcome.amount1, protocolFeeShares: Self.nonZero(outcome.protocolFeeShares))
    }

    func exactIn(_ swap: SwapExactIn, _ header: PoolHeader) throws(Rejection) -> Swap {
        try Self.refuseLimit(swap.sqrtPriceLimitX96, header)
        let zeroForOne = try Decide.direction(token: swap.tokenIn, field: "token_in", header)
        let (reserveIn, reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0)
        let amountOut: UInt256
        do {
            amountOut = try ConstantProduct.amountOut(amountIn: swap.amountIn, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: header.feePPM)
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

    func exactOut(_ swap: SwapExactOut, _ header: PoolHeader) throws(Rejection) -> Swap {
        try Self.refuseLimit(swap.sqrtPriceLimitX96, header)
        let oneForZero = try Decide.direction(token: swap.tokenOut, field: "token_out", header)
        let (reserveIn, reserveOut) = oneForZero ? (reserve1, reserve0) : (reserve0, reserve1)
        let amountIn: UInt256
        do {
            amountIn = try ConstantProduct.amountIn(amountOut: swap.amountOut, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: header.feePPM)
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

    static func refuseLimit(_ limit: UInt256?, _ header: PoolHeader) throws(Rejection) {
        guard limit == nil else {
            throw Rejection(.invalidField, "sqrt_price_limit_x96 belongs to swaps of concentrated pools; pool \(quoted(header.pool)) is constant product")
        }
    }

    static func nonZero(_ value: UInt256) -> UInt256? { value.isZero ? nil : value }

    func routerDetail(_ rule: PairRule, _ add: AddLiquidity) -> String {
        switch rule {
        case .insufficientBAmount:
            return "the optimal token1 amount for \(add.amount0Desired) token0 at reserves \(reserve0), \(reserve1) is below amount1_min \(add.amount1Min)"
        case .insufficientAAmount:
            return "the optimal token0 amount for \(add.amount1Desired) token1 at reserves \(reserve0), \(reserve1) is below amount0_min \(add.amount0Min)"
        default:
            return "desired \(add.amount0Desired), \(add.amount1Desired) at reserves \(reserve0), \(reserve1)"
        }
    }
}
