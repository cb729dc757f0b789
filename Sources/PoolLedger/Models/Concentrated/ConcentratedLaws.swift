import PoolMath

extension ConcentratedPool {
    /// The laws of a V3 pool after every fact, each computed apart from what
    /// the swap loop maintains and in O(1) from the laws' own accounts
    /// (`LiquidityBook`, kept from the positions): the tick is the price's;
    /// the active liquidity is the sum of the positions whose range holds the
    /// tick (not the ticks' liquidity_net crossed so far); the balances cover
    /// what the positions hold (principal at the price, fees not yet
    /// credited, tokens owed) plus the protocol's fees.
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
        let required = liquidityBook.required(sqrtPriceX96: sqrtPriceX96, growth0: feeGrowthGlobal0X128, growth1: feeGrowthGlobal1X128)
        let (cover0, o0) = (required?.amount0 ?? .zero).addingReportingOverflow(UInt256(high: 0, low: protocolFees0))
        let (cover1, o1) = (required?.amount1 ?? .zero).addingReportingOverflow(UInt256(high: 0, low: protocolFees1))
        guard required != nil, !o0, !o1, cover0 <= balance0, cover1 <= balance1 else {
            throw Rejection(.balancesCover, "balances \(balance0), \(balance1) do not cover the positions and fees owed \(required == nil || o0 || o1 ? "(over 2^256)" : "\(cover0), \(cover1)")")
        }
    }

    /// The laws' running accounts against their full recomputation from the
    /// positions (at every snapshot, in `verify` and in `replay`), and the
    /// cover law position by position with the contract's own rounding.
    func checkRunningSums() throws(Rejection) {
        let full = try LiquidityBook(positions: positions, ticks: ticks, tick: tick)
        guard full.accounts == liquidityBook.accounts else {
            throw Rejection(.runningSum, "the laws' running accounts differ from their recomputation from the positions: \(Self.differences(liquidityBook.accounts, full.accounts))")
        }
        guard full == liquidityBook else {
            throw Rejection(.runningSum, "the liquidity book holds \(liquidityBook.order.count) edge ticks; recomputed from the positions: \(full.order.count)")
        }
        try checkExactCover()
        try checkManagerRanges()
    }

    /// The cover law summed position by position (O(positions)): principal as a
    /// burn would pay it now, pending fees as a poke would credit them, owed tokens.
    func checkExactCover() throws(Rejection) {
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
            throw Rejection(.balancesCover, "balances \(balance0), \(balance1) do not cover the positions and fees owed, summed position by position, \(overflow ? "(over 2^256)" : "\(cover0), \(cover1)")")
        }
    }

    /// The accounts that differ, named, running value first.
    static func differences(_ running: LiquidityBook.Accounts, _ full: LiquidityBook.Accounts) -> String {
        let pairs: [(String, UInt256, UInt256)] = [
            ("active liquidity", running.active, full.active),
            ("token0 starting above", running.startingToken0Above, full.startingToken0Above),
            ("token0 ending above", running.endingToken0Above, full.endingToken0Above),
            ("token1 starting at or below", running.startingToken1AtOrBelow, full.startingToken1AtOrBelow),
            ("token1 ending at or below", running.endingToken1AtOrBelow, full.endingToken1AtOrBelow),
            ("outside-weighted growth0", running.outsideWeighted0, full.outsideWeighted0),
            ("outside-weighted growth1", running.outsideWeighted1, full.outsideWeighted1),
            ("fee basis0", running.basis0, full.basis0),
            ("fee basis1", running.basis1, full.basis1),
            ("owed0", running.owed0, full.owed0),
            ("owed1", running.owed1, full.owed1),
        ]
        return pairs.filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1), recomputed \($0.2)" }.joined(separator: "; ")
    }
}
