import PoolMath

/// The facts of a concentrated (Uniswap V3) pool; the one dispatcher
/// (`Evolve`) sends them here.
///
/// The pool's balances (`reserve0`/`reserve1` of its state) move with the
/// tokens: a mint pays in, a swap pays in and out, a collect pays out; a burn
/// only moves tokens from the ranges into what the position is owed.
extension ConcentratedPool {
    /// `initialize`: the pool a `pool_created` fact opens.
    init(created: PoolCreated) throws(Rejection) {
        guard let tickSpacing = created.tickSpacing, let sqrtPriceX96 = created.sqrtPriceX96 else {
            throw Rejection(.missingField, "a concentrated pool needs tick_spacing and sqrt_price_x96")
        }
        do {
            try self.init(feePips: created.feePPM, tickSpacing: tickSpacing, sqrtPriceX96: sqrtPriceX96)
        } catch {
            throw Rejection(error)
        }
    }

    /// Folds `fact` in place, every check of the rules done; on a rejection
    /// the pool is put back as it was. Returns the journal of what changed
    /// (to put the pool back should a law refuse the state after the fact),
    /// or nil for a fact this model does not take.
    mutating func applyJournaled(_ fact: Fact) throws(Rejection) -> Journal? {
        var trace: SwapTrace? = nil
        return try applyJournaled(fact, trace: &trace)
    }

    /// `trace`: for a swap, set to the run that reproduced it (see `SwapTrace`).
    mutating func applyJournaled(_ fact: Fact, trace: inout SwapTrace?) throws(Rejection) -> Journal? {
        var journal = Journal(self)
        do throws(Rejection) {
            switch fact.body {
            case .positionMinted(let mint):
                try foldMint(mint, journal: &journal)
                try checkManagerRange(mint.key)
            case .positionBurned(let burn):
                try foldBurn(burn, journal: &journal)
                try checkManagerRange(burn.key)
            case .feesCollected(let collect):
                try foldCollect(owner: collect.owner, tickLower: collect.tickLower, tickUpper: collect.tickUpper,
                                amount0: collect.amount0, amount1: collect.amount1, journal: &journal)
            case .nftMinted, .nftLiquidityIncreased, .nftLiquidityDecreased, .nftCollected, .nftTransferred, .nftBurned:
                try foldNFT(fact.body, journal: &journal)
            case .swap(let swap):
                try replaySwap(swap, journal: &journal, trace: &trace)
                liquidityBook.move(from: journal.tick, to: tick, ticks: ticks, changed: &journal.bookMoves)
                balance0 = try Self.paidOut(try Self.paidIn(balance0, swap.amount0In, token: "token0"), swap.amount0Out, token: "token0")
                balance1 = try Self.paidOut(try Self.paidIn(balance1, swap.amount1In, token: "token1"), swap.amount1Out, token: "token1")
            case .flash(let flash):
                // The pool sends the amounts, then holds them back with what was paid beyond.
                try checkLendable(flash.amount0, flash.amount1)
                try Self.v3Call { () throws(V3MathError) in
                    try self.flash(amount0: flash.amount0, amount1: flash.amount1, paid0: flash.paid0, paid1: flash.paid1)
                }
                balance0 = try Self.paidIn(balance0, flash.paid0, token: "token0")
                balance1 = try Self.paidIn(balance1, flash.paid1, token: "token1")
            case .protocolFeeSet(let set):
                try Self.v3Call { () throws(V3MathError) in try self.setFeeProtocol(set.feeProtocol0, set.feeProtocol1) }
            case .protocolFeesCollected(let collect):
                let owed0 = protocolFees0, owed1 = protocolFees1
                // What collectProtocol pays when asked for exactly the recorded amounts.
                guard collect.amount0.high == 0, collect.amount1.high == 0 else {
                    throw Rejection(.payoutMismatch, "protocol fees collected \(collect.amount0), \(collect.amount1) exceed uint128")
                }
                let paid = self.collectProtocol(amount0Requested: collect.amount0.low, amount1Requested: collect.amount1.low)
                guard paid.amount0 == collect.amount0.low, paid.amount1 == collect.amount1.low else {
                    throw Rejection(.payoutMismatch, "protocol fees collected \(collect.amount0), \(collect.amount1), but the protocol's fees are \(owed0), \(owed1) and collectProtocol leaves the last wei of each: it pays \(paid.amount0), \(paid.amount1)")
                }
                balance0 = try Self.paidOut(balance0, collect.amount0, token: "token0")
                balance1 = try Self.paidOut(balance1, collect.amount1, token: "token1")
            default:
                return nil
            }
        } catch {
            rollBack(journal)
            throw error
        }
        return journal
    }

    /// A mint of `change.liquidity` in the owner's range, checked to take exactly the recorded amounts.
    mutating func foldMint(_ mint: PositionChanged, journal: inout Journal) throws(Rejection) {
        journal.record(position: mint.key, of: self)
        let amounts = try Self.v3Call { () throws(V3MathError) in
            try self.mint(owner: mint.owner, tickLower: mint.tickLower, tickUpper: mint.tickUpper, amount: try Self.liquidity(mint.liquidity))
        }
        try Self.check(.amountMismatch, "amount0", recorded: mint.amount0, expected: amounts.amount0)
        try Self.check(.amountMismatch, "amount1", recorded: mint.amount1, expected: amounts.amount1)
        // The mint succeeded, so its liquidity fits int128.
        try liquidityBook.change(lower: mint.tickLower, upper: mint.tickUpper, delta: Int128(mint.liquidity.low), tick: tick, ticks: ticks)
        liquidityBook.touch(before: journal.positions.last!.1, after: positions[journal.positions.last!.0])
        balance0 = try Self.paidIn(balance0, amounts.amount0, token: "token0")
        balance1 = try Self.paidIn(balance1, amounts.amount1, token: "token1")
    }

    /// A burn of `change.liquidity` (0: a poke), checked to release exactly the recorded amounts.
    mutating func foldBurn(_ burn: PositionChanged, journal: inout Journal) throws(Rejection) {
        journal.record(position: burn.key, of: self)
        let amounts = try Self.v3Call { () throws(V3MathError) in
            try self.burn(owner: burn.owner, tickLower: burn.tickLower, tickUpper: burn.tickUpper, amount: try Self.liquidity(burn.liquidity))
        }
        try Self.check(.payoutMismatch, "amount0", recorded: burn.amount0, expected: amounts.amount0)
        try Self.check(.payoutMismatch, "amount1", recorded: burn.amount1, expected: amounts.amount1)
        try liquidityBook.change(lower: burn.tickLower, upper: burn.tickUpper, delta: -Int128(burn.liquidity.low), tick: tick, ticks: ticks)
        liquidityBook.touch(before: journal.positions.last!.1, after: positions[journal.positions.last!.0])
    }

    /// A collect that paid exactly `amount0`/`amount1` (at most what the position is owed).
    mutating func foldCollect(owner: String, tickLower: Int32, tickUpper: Int32, amount0: UInt256, amount1: UInt256, journal: inout Journal) throws(Rejection) {
        let key = ConcentratedPool.PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper)
        let owed = positions[key]
        let owed0 = UInt256(high: 0, low: owed?.tokensOwed0 ?? 0), owed1 = UInt256(high: 0, low: owed?.tokensOwed1 ?? 0)
        // A collect pays at most what is owed; the log records what it paid.
        guard amount0 <= owed0, amount1 <= owed1 else {
            throw Rejection(.payoutMismatch, "collect of \(amount0), \(amount1) from \(owner) \(tickLower)...\(tickUpper): the position is owed only \(owed0), \(owed1)")
        }
        journal.positions.append((key, owed))
        _ = self.collect(owner: owner, tickLower: tickLower, tickUpper: tickUpper, amount0Requested: amount0.low, amount1Requested: amount1.low)
        liquidityBook.touch(before: owed, after: positions[key])
        balance0 = try Self.paidOut(balance0, amount0, token: "token0")
        balance1 = try Self.paidOut(balance1, amount1, token: "token1")
    }

    // MARK: swap

    /// What a V3 swap does: the pool after it and the pool-side deltas.
    public struct ConcentratedSwap: Sendable {
        public var pool: ConcentratedPool
        public var result: ConcentratedPool.SwapResult
        public var zeroForOne: Bool
        /// The price limit it was given, none for the router's default.
        public var limit: UInt256?

        /// The swap as a fact: amounts in and out, the price, tick and liquidity it left, its limit if given.
        public func fact(pool id: String, trader: String) -> Swap {
            ConcentratedPool.swapFact(pool: id, trader: trader, result: result, zeroForOne: zeroForOne, after: pool, limit: limit)
        }
    }

    /// A swap's fact from its result and the pool it left.
    static func swapFact(pool id: String, trader: String, result: SwapResult, zeroForOne: Bool, after pool: borrowing ConcentratedPool, limit: UInt256?) -> Swap {
        let amount0 = result.amount0.magnitude, amount1 = result.amount1.magnitude
        return Swap(
            pool: id, trader: trader,
            amount0In: zeroForOne ? amount0 : .zero, amount1In: zeroForOne ? .zero : amount1,
            amount0Out: zeroForOne ? .zero : amount0, amount1Out: zeroForOne ? amount1 : .zero,
            sqrtPriceX96After: pool.sqrtPriceX96, tickAfter: pool.tick,
            liquidityAfter: UInt256(high: 0, low: pool.liquidity), sqrtPriceLimitX96: limit)
    }

    /// The router's default price limit: the swap may move the price anywhere.
    public static func extremeLimit(zeroForOne: Bool) -> UInt256 {
        zeroForOne ? TickMath.minSqrtRatio + .one : TickMath.maxSqrtRatio - .one
    }

    /// Runs a swap on a copy of the pool: `specified` positive for exact input, negative for exact output.
    public static func concentratedSwap(_ pool: ConcentratedPool, zeroForOne: Bool, specified: SignedAmount, limit: UInt256?) throws(Rejection) -> ConcentratedSwap {
        var trial = pool
        let result = try v3Call { () throws(V3MathError) in
            try trial.swap(zeroForOne: zeroForOne, amountSpecified: specified, sqrtPriceLimitX96: limit ?? extremeLimit(zeroForOne: zeroForOne))
        }
        return ConcentratedSwap(pool: trial, result: result, zeroForOne: zeroForOne, limit: limit)
    }

    /// A swap decided here and made in place (a backtest's re-run of a
    /// recorded order in a changed pool): the contract's run of `specified`
    /// toward `limit` (nil: the router's default), its balances moved, and its
    /// fact; the journal puts the pool back should a law refuse the state.
    /// Nothing changes on a rejection.
    mutating func swapInPlace(pool id: String, trader: String, zeroForOne: Bool, specified: SignedAmount, limit: UInt256?) throws(Rejection) -> (Swap, Journal) {
        var journal = Journal(self)
        let result = try Self.v3Call { () throws(V3MathError) in
            try self.swap(zeroForOne: zeroForOne, amountSpecified: specified, sqrtPriceLimitX96: limit ?? Self.extremeLimit(zeroForOne: zeroForOne), observe: nil, crossed: &journal.ticks)
        }
        let fact = Self.swapFact(pool: id, trader: trader, result: result, zeroForOne: zeroForOne, after: self, limit: limit)
        do throws(Rejection) {
            liquidityBook.move(from: journal.tick, to: tick, ticks: ticks, changed: &journal.bookMoves)
            balance0 = try Self.paidOut(try Self.paidIn(balance0, fact.amount0In, token: "token0"), fact.amount0Out, token: "token0")
            balance1 = try Self.paidOut(try Self.paidIn(balance1, fact.amount1In, token: "token1"), fact.amount1Out, token: "token1")
        } catch {
            rollBack(journal)
            throw error
        }
        return (fact, journal)
    }

    /// A recorded swap gives results, not inputs: it is re-run, to its price
    /// limit (the fact's `sqrt_price_limit_x96`, else the router's default), as
    /// exact input of what it paid in, as exact output of what it paid out, and,
    /// when it ended on its limit, with more input than it took; the first run
    /// that reproduces every recorded field is the swap. Any input that does is
    /// one the contract would have accepted with that outcome. The limit is not
    /// guessed from the price after: a price off by one would then pass as a
    /// swap limited there.
    ///
    /// Each run is made in place; a run that does not reproduce the fact is
    /// put back (its crossed ticks and the scalars) before the next, and the
    /// one that does leaves its crossed ticks in `journal`.
    mutating func replaySwap(_ swap: Swap, journal: inout Journal, trace: inout SwapTrace?) throws(Rejection) {
        let in0 = !swap.amount0In.isZero, in1 = !swap.amount1In.isZero
        guard in0 || in1 else {
            throw Rejection(.insufficientInputAmount, "a swap of a concentrated pool pays one token in; amount0_in and amount1_in are both 0")
        }
        guard !(in0 && in1) else { throw Rejection(.swapMismatch, "a swap pays one token in, not both (amount0_in \(swap.amount0In), amount1_in \(swap.amount1In))") }
        let zeroForOne = in0
        let (amountIn, amountOut, wrongOut) = zeroForOne ? (swap.amount0In, swap.amount1Out, swap.amount0Out) : (swap.amount1In, swap.amount0Out, swap.amount1Out)
        guard wrongOut.isZero else {
            throw Rejection(.swapMismatch, "a swap pays out the token it does not take in: \(zeroForOne ? "amount0_out" : "amount1_out") is \(wrongOut)")
        }
        // The limit the swap was given: its own, or the router's default.
        let limit = swap.sqrtPriceLimitX96 ?? Self.extremeLimit(zeroForOne: zeroForOne)
        // The runs to try, in order; their labels are written only for a refusal.
        enum Run: CaseIterable { case exactInput, exactOutput, upToLimit }
        func applies(_ run: Run) -> Bool {
            switch run {
            case .exactInput: true
            case .exactOutput: !amountOut.isZero
            // Stopped at its limit: it consumed less than it was given (past the last
            // liquidity the price still walks to the limit), so any larger input gives the same.
            case .upToLimit: swap.sqrtPriceX96After == limit
            }
        }
        func specified(_ run: Run) -> SignedAmount {
            switch run {
            case .exactInput: SignedAmount(amountIn)
            case .exactOutput: SignedAmount(amountOut, negative: true)
            case .upToLimit: SignedAmount(UInt256.max >> 1)
            }
        }
        func label(_ run: Run) -> String {
            switch run {
            case .exactInput: "exact input \(amountIn)"
            case .exactOutput: "exact output \(amountOut)"
            case .upToLimit: "input up to the price limit \(limit)"
            }
        }
        var firstDifference: Rejection?
        // Each run's crossings go straight into the journal, after this mark.
        let mark = journal.ticks.count
        for run in Run.allCases where applies(run) {
            let result: SwapResult
            do throws(V3MathError) {
                // A run that reverts has put its crossings back, and the scalars move only at its end.
                if let kept = trace?.kept, kept != .none {
                    // The steps of this run only (a run that does not reproduce the fact is not the swap).
                    var steps: [SwapStep] = []
                    if kept == .all {
                        result = try self.swap(zeroForOne: zeroForOne, amountSpecified: specified(run), sqrtPriceLimitX96: limit, observe: { steps.append($0) }, crossed: &journal.ticks)
                    } else {
                        var last: SwapStep?
                        result = try self.swap(zeroForOne: zeroForOne, amountSpecified: specified(run), sqrtPriceLimitX96: limit, observe: { last = $0 }, crossed: &journal.ticks)
                        if let last { steps = [last] }
                    }
                    trace?.steps = steps
                } else {
                    result = try self.swap(zeroForOne: zeroForOne, amountSpecified: specified(run), sqrtPriceLimitX96: limit, observe: nil, crossed: &journal.ticks)
                }
            } catch {
                if firstDifference == nil { firstDifference = Rejection(.concentrated(error.reason), "\(label(run)) reverts: \(error.detail)") }
                continue
            }
            let computed = Self.swapFact(pool: swap.pool, trader: swap.trader, result: result, zeroForOne: zeroForOne, after: self, limit: swap.sqrtPriceLimitX96)
            if let difference = Self.swapDifference(recorded: swap, computed: computed) {
                if firstDifference == nil { firstDifference = Rejection(.swapMismatch, "\(label(run)) gives \(difference)") }
                // The journal holds the scalars as the fact found them; the run's crossings are its own.
                var undo = journal
                undo.ticks = Array(journal.ticks[mark...])
                rollBack(undo)
                journal.ticks.removeSubrange(mark...)
                continue
            }
            if trace != nil {
                switch run {
                case .exactInput: trace?.form = .exactInput
                case .exactOutput: trace?.form = .exactOutput
                case .upToLimit: trace?.form = .upToLimit
                }
            }
            return
        }
        throw firstDifference!
    }

    /// The first field of the recorded swap that differs from the computed one
    /// (the after-fields only when the fact carries them).
    static func swapDifference(recorded: Swap, computed: Swap) -> String? {
        // Compared one by one (no table of them: this runs for every swap fact).
        func amount(_ name: String, _ recordedValue: UInt256, _ computedValue: UInt256) -> String? {
            recordedValue == computedValue ? nil : "\(name) \(computedValue), recorded \(recordedValue)"
        }
        if let difference = amount("amount0_in", recorded.amount0In, computed.amount0In)
            ?? amount("amount1_in", recorded.amount1In, computed.amount1In)
            ?? amount("amount0_out", recorded.amount0Out, computed.amount0Out)
            ?? amount("amount1_out", recorded.amount1Out, computed.amount1Out) {
            return difference
        }
        if let price = recorded.sqrtPriceX96After, price != computed.sqrtPriceX96After! {
            return "sqrt_price_x96_after \(computed.sqrtPriceX96After!), recorded \(price)"
        }
        if let tick = recorded.tickAfter, tick != computed.tickAfter! {
            return "tick_after \(computed.tickAfter!), recorded \(tick)"
        }
        if let liquidity = recorded.liquidityAfter, liquidity != computed.liquidityAfter! {
            return "liquidity_after \(computed.liquidityAfter!), recorded \(liquidity)"
        }
        return nil
    }

    // MARK: helpers

    /// Runs a V3 contract call, its revert becoming the rejection `V3_<reason>`.
    static func v3Call<T>(_ body: () throws(V3MathError) -> T) throws(Rejection) -> T {
        do { return try body() } catch { throw Rejection(error) }
    }

    /// A liquidity amount as the contract's uint128.
    static func liquidity(_ amount: UInt256) throws(V3MathError) -> UInt128 {
        guard amount.high == 0 else { throw V3MathError("SafeCast", "liquidity \(amount) exceeds uint128") }
        return amount.low
    }

    static func check(_ rule: LedgerRule, _ field: String, recorded: UInt256, expected: UInt256) throws(Rejection) {
        guard recorded == expected else { throw .mismatch(rule, field: field, recorded: recorded, expected: expected) }
    }

    /// A flash sends its amounts out first: the balances must hold them.
    func checkLendable(_ amount0: UInt256, _ amount1: UInt256) throws(Rejection) {
        guard amount0 <= balance0, amount1 <= balance1 else {
            throw Rejection(.insufficientLiquidity, "a flash of \(amount0), \(amount1) from balances of \(balance0), \(balance1)")
        }
    }

    static func paidIn(_ balance: UInt256, _ amount: UInt256, token: String) throws(Rejection) -> UInt256 {
        let (sum, overflow) = balance.addingReportingOverflow(amount)
        guard !overflow else { throw Rejection(.overflow, "paying \(amount) of \(token) in takes the pool's balance \(balance) past 2^256-1") }
        return sum
    }

    static func paidOut(_ balance: UInt256, _ amount: UInt256, token: String) throws(Rejection) -> UInt256 {
        guard amount <= balance else { throw Rejection(.insufficientLiquidity, "paying \(amount) of \(token) out of a balance of \(balance)") }
        return balance - amount
    }
}

