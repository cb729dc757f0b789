import PoolMath

extension ConcentratedPool {
    /// The laws of a V3 pool, each computed apart from what the swap loop
    /// maintains: the tick is the price's; the active liquidity is the sum of
    /// the positions whose range holds the tick, as the law's own account keeps
    /// it from the positions (`LiquidityBook`, not the ticks' liquidity_net
    /// crossed so far); the balances cover every position's principal (what
    /// burning it all would pay now), its owed tokens and its pending fees,
    /// plus the protocol's fees (recomputed from every position: O(positions)).
    func checkLaws() throws(Rejection) {
        // The tick's price is at or below the price and the next tick's above it; a
        // swap that crossed down onto a tick's exact price leaves the tick one below.
        let atTick: UInt256, nextTick: UInt256
        do {
            atTick = try TickMath.sqrtRatio(atTick: tick)
            nextTick = try TickMath.sqrtRatio(atTick: tick + 1)
        } catch {
            throw Rejection(.tickMatchesPrice, "tick \(tick) is outside the tick range: \(error)")
        }
        guard atTick <= sqrtPriceX96, sqrtPriceX96 <= nextTick else {
            throw Rejection(.tickMatchesPrice, "tick \(tick) spans prices \(atTick)...\(nextTick), but the price is \(sqrtPriceX96)")
        }
        guard liquidityBook.active == UInt256(high: 0, low: liquidity) else {
            throw Rejection(.activeLiquidity, "active liquidity \(liquidity), but the positions in range at tick \(tick) hold \(liquidityBook.active)")
        }
        var cover0 = UInt256(high: 0, low: protocolFees0), cover1 = UInt256(high: 0, low: protocolFees1)
        var overflow = false
        func add(_ sum: inout UInt256, _ amount: UInt256) {
            let (next, o) = sum.addingReportingOverflow(amount)
            sum = next
            overflow = overflow || o
        }
        for (key, position) in positions {
            let (principal, pending) = claims(of: key, position)
            add(&cover0, principal.amount0); add(&cover0, pending.amount0); add(&cover0, UInt256(high: 0, low: position.tokensOwed0))
            add(&cover1, principal.amount1); add(&cover1, pending.amount1); add(&cover1, UInt256(high: 0, low: position.tokensOwed1))
        }
        guard !overflow, cover0 <= balance0, cover1 <= balance1 else {
            throw Rejection(.balancesCover, "balances \(balance0), \(balance1) do not cover the positions and fees owed \(overflow ? "(over 2^256)" : "\(cover0), \(cover1)")")
        }
    }

    /// The laws' running accounts against their full recomputation from the
    /// positions (at every snapshot, in `verify` and in `replay`).
    func checkRunningSums() throws(Rejection) {
        let full = LiquidityBook(positions: positions, tick: tick)
        guard full == liquidityBook else {
            throw Rejection(.runningSum, "the active-liquidity account holds \(liquidityBook.active) over \(liquidityBook.order.count) edge ticks; recomputed from the positions: \(full.active) over \(full.order.count)")
        }
    }
}
