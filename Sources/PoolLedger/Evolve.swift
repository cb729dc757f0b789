import PoolMath

/// `evolve(state, fact) -> state`: folds one fact into a pool, re-checking it
/// against the rules; a fact is never trusted.
///
/// Each case reads like the pair function it mirrors (`mint`, `burn`, `swap`,
/// `transfer`), with the shared steps (`_mintFee`, `_update`) written once.
/// Every check runs before the first mutation, so a rejected fact leaves the
/// state exactly as it was.
public enum Evolve {
    /// The pure form: the state after `fact`, or the rule it broke.
    public static func evolve(_ state: PoolState?, _ fact: Fact) throws(Rejection) -> PoolState {
        var next = state
        try apply(fact, to: &next)
        // apply either creates the pool or throws for an unknown one.
        return next!
    }

    /// In place; on a rejection `pool` is left unchanged.
    public static func apply(_ fact: Fact, to pool: inout PoolState?) throws(Rejection) {
        if case .poolCreated(let created) = fact.body {
            guard pool == nil else { throw Rejection(.poolExists, "pool \(quoted(created.pool)) already exists") }
            try validate(created)
            var state = PoolState(created: created)
            if created.model == .concentrated { state.concentrated = try concentratedPool(created) }
            state.timeLast = fact.time
            pool = state
            return
        }
        guard pool != nil else { throw Rejection(.unknownPool, "no pool \(quoted(fact.pool)) was created before this fact") }
        try apply(fact, toExisting: &pool!)
    }

    static func validate(_ created: PoolCreated) throws(Rejection) {
        guard created.token0 != created.token1 else {
            throw Rejection(.identicalTokens, "token0 and token1 are both \(quoted(created.token0))")
        }
    }

    /// A swap fact folded into its (existing) pool; unchanged on a rejection.
    public static func applySwap(_ swap: Swap, time: UInt64?, to pool: inout PoolState) throws(Rejection) {
        try checkTime(time, pool)
        try self.swap(swap, time: time, pool: &pool)
        if let time { pool.timeLast = time }
    }

    static func checkTime(_ time: UInt64?, _ pool: PoolState) throws(Rejection) {
        if let time, let last = pool.timeLast, time < last {
            throw Rejection(.timeDecreased, "time \(time) is before the pool's last time \(last)")
        }
    }

    static func apply(_ fact: Fact, toExisting pool: inout PoolState) throws(Rejection) {
        try checkTime(fact.time, pool)
        if pool.concentrated != nil {
            try applyConcentrated(fact, to: &pool)
        } else {
            try applyConstantProduct(fact, to: &pool)
        }
        if let time = fact.time { pool.timeLast = time }
    }

    static func applyConstantProduct(_ fact: Fact, to pool: inout PoolState) throws(Rejection) {
        switch fact.body {
        case .poolCreated:
            preconditionFailure("handled by apply(_:to:)")
        case .liquidityAdded(let deposit):
            try mint(deposit, time: fact.time, pool: &pool)
        case .liquidityRemoved(let withdrawal):
            try burn(withdrawal, time: fact.time, pool: &pool)
        case .swap(let swap):
            try self.swap(swap, time: fact.time, pool: &pool)
        case .sharesTransferred(let transfer):
            try self.transfer(transfer, pool: &pool)
        case .feeToSet(let change):
            pool.feeTo = change.feeTo
        case .reservesSynced(let sync):
            try self.sync(sync, time: fact.time, pool: &pool)
        case .positionMinted, .positionBurned, .feesCollected:
            throw Rejection(.unsupportedModel, "\(fact.body.typeName) is a fact of concentrated pools; pool \(quoted(pool.pool)) is constant product")
        }
    }

    // MARK: mint

    /// What a deposit mints: the protocol fee first (`_mintFee`), then the provider's shares.
    public struct MintOutcome: Sendable, Equatable {
        public var protocolFeeShares: UInt256
        public var shares: UInt256
        /// True for the first deposit, which also locks MINIMUM_LIQUIDITY to the zero address.
        public var locksMinimum: Bool
    }

    /// The outcome of depositing `amount0`, `amount1`: the single place both
    /// `decide` (to write the fact) and `evolve` (to check it) take it from.
    public static func mintOutcome(amount0: UInt256, amount1: UInt256, pool: PoolState) throws(Rejection) -> MintOutcome {
        do {
            _ = try ConstantProduct.balance(reserve: pool.reserve0, adding: amount0)
            _ = try ConstantProduct.balance(reserve: pool.reserve1, adding: amount1)
            let feeShares = protocolFeeShares(pool)
            let totalShares = try checkedSum(pool.totalShares, feeShares)
            let shares = try ConstantProduct.mintedShares(
                amount0: amount0, amount1: amount1,
                reserve0: pool.reserve0, reserve1: pool.reserve1, totalShares: totalShares)
            // Total shares stay below sqrt(k) < 2^112 by the pair's laws; checked all the same.
            _ = try checkedSum(checkedSum(totalShares, shares), ConstantProduct.minimumLiquidity)
            return MintOutcome(protocolFeeShares: feeShares, shares: shares, locksMinimum: totalShares.isZero)
        } catch {
            throw Rejection(error, mintDetail(error, amount0: amount0, amount1: amount1, pool: pool))
        }
    }

    static func mint(_ deposit: LiquidityAdded, time: UInt64?, pool: inout PoolState) throws(Rejection) {
        let outcome = try mintOutcome(amount0: deposit.amount0, amount1: deposit.amount1, pool: pool)
        guard deposit.shares == outcome.shares else {
            throw .mismatch(.sharesMismatch, field: "shares", recorded: deposit.shares, expected: outcome.shares)
        }
        try checkProtocolFee(recorded: deposit.protocolFeeShares, expected: outcome.protocolFeeShares)

        mintProtocolFee(outcome.protocolFeeShares, pool: &pool)
        if outcome.locksMinimum {
            pool.setShares(pool.shares(of: zeroAddress) + ConstantProduct.minimumLiquidity, of: zeroAddress)
            pool.totalShares += ConstantProduct.minimumLiquidity
        }
        pool.setShares(pool.shares(of: deposit.provider) + outcome.shares, of: deposit.provider)
        pool.totalShares += outcome.shares
        update(reserve0: pool.reserve0 + deposit.amount0, reserve1: pool.reserve1 + deposit.amount1, time: time, pool: &pool)
        updateKLast(&pool)
    }

    // MARK: burn

    /// What a withdrawal of `shares` pays: the protocol fee first, then pro rata.
    public struct BurnOutcome: Sendable, Equatable {
        public var protocolFeeShares: UInt256
        public var amount0: UInt256
        public var amount1: UInt256
    }

    public static func burnOutcome(shares: UInt256, provider: String, pool: PoolState) throws(Rejection) -> BurnOutcome {
        try checkMovable(shares, from: provider, pool: pool)
        let feeShares = protocolFeeShares(pool)
        do {
            let totalShares = try checkedSum(pool.totalShares, feeShares)
            let (amount0, amount1) = try ConstantProduct.burnedAmounts(
                shares: shares, reserve0: pool.reserve0, reserve1: pool.reserve1, totalShares: totalShares)
            return BurnOutcome(protocolFeeShares: feeShares, amount0: amount0, amount1: amount1)
        } catch {
            throw Rejection(error, "burning \(shares) of \(pool.totalShares) shares against reserves \(pool.reserve0), \(pool.reserve1) pays zero of a token")
        }
    }

    static func burn(_ withdrawal: LiquidityRemoved, time: UInt64?, pool: inout PoolState) throws(Rejection) {
        let outcome = try burnOutcome(shares: withdrawal.shares, provider: withdrawal.provider, pool: pool)
        guard withdrawal.amount0 == outcome.amount0 else {
            throw .mismatch(.payoutMismatch, field: "amount0", recorded: withdrawal.amount0, expected: outcome.amount0)
        }
        guard withdrawal.amount1 == outcome.amount1 else {
            throw .mismatch(.payoutMismatch, field: "amount1", recorded: withdrawal.amount1, expected: outcome.amount1)
        }
        try checkProtocolFee(recorded: withdrawal.protocolFeeShares, expected: outcome.protocolFeeShares)

        mintProtocolFee(outcome.protocolFeeShares, pool: &pool)
        pool.setShares(pool.shares(of: withdrawal.provider) - withdrawal.shares, of: withdrawal.provider)
        pool.totalShares -= withdrawal.shares
        update(reserve0: pool.reserve0 - outcome.amount0, reserve1: pool.reserve1 - outcome.amount1, time: time, pool: &pool)
        updateKLast(&pool)
    }

    // MARK: swap

    static func swap(_ swap: Swap, time: UInt64?, pool: inout PoolState) throws(Rejection) {
        guard !swap.hasConcentratedFields else {
            throw Rejection(.invalidField, "sqrt_price_x96_after, tick_after, liquidity_after and sqrt_price_limit_x96 belong to swaps of concentrated pools; pool \(quoted(pool.pool)) is constant product")
        }
        let balances: (balance0: UInt256, balance1: UInt256)
        do {
            balances = try ConstantProduct.swapBalances(
                reserve0: pool.reserve0, reserve1: pool.reserve1,
                amount0In: swap.amount0In, amount1In: swap.amount1In,
                amount0Out: swap.amount0Out, amount1Out: swap.amount1Out, feePPM: pool.feePPM)
        } catch {
            throw Rejection(error, swapDetail(error, swap, pool: pool))
        }
        update(reserve0: balances.balance0, reserve1: balances.balance1, time: time, pool: &pool)
    }

    // MARK: transfer

    static func transfer(_ transfer: SharesTransferred, pool: inout PoolState) throws(Rejection) {
        try checkMovable(transfer.shares, from: transfer.from, pool: pool)
        pool.setShares(pool.shares(of: transfer.from) - transfer.shares, of: transfer.from)
        pool.setShares(pool.shares(of: transfer.to) + transfer.shares, of: transfer.to)
    }

    /// Shares leave an owner only if the owner holds them, and never from the zero address.
    static func checkMovable(_ shares: UInt256, from owner: String, pool: PoolState) throws(Rejection) {
        guard owner != zeroAddress else {
            throw Rejection(.lockedShares, "shares held by the zero address are locked forever")
        }
        let held = pool.shares(of: owner)
        guard shares <= held else {
            throw Rejection(.insufficientShares, "\(quoted(owner)) holds \(held) shares, fewer than \(shares)")
        }
    }

    // MARK: shared steps

    static func checkedSum(_ a: UInt256, _ b: UInt256) throws(PairRule) -> UInt256 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return sum
    }

    /// `_mintFee`'s amount: protocol-fee shares due before a liquidity change.
    public static func protocolFeeShares(_ pool: PoolState) -> UInt256 {
        guard pool.feeOn else { return .zero }
        return ConstantProduct.protocolFeeShares(
            totalShares: pool.totalShares, reserve0: pool.reserve0, reserve1: pool.reserve1, kLast: pool.kLast)
    }

    static func mintProtocolFee(_ feeShares: UInt256, pool: inout PoolState) {
        guard !feeShares.isZero, let feeTo = pool.feeTo else { return }
        pool.setShares(pool.shares(of: feeTo) + feeShares, of: feeTo)
        pool.totalShares += feeShares
    }

    /// `_mintFee`'s bookkeeping after the reserves moved: k_last follows k while
    /// the fee is on and is cleared once it is off.
    static func updateKLast(_ pool: inout PoolState) {
        pool.kLast = pool.feeOn ? pool.k : .zero
    }

    static func checkProtocolFee(recorded: UInt256?, expected: UInt256) throws(Rejection) {
        if let recorded, recorded != expected {
            throw .mismatch(.protocolFeeMismatch, field: "protocol_fee_shares", recorded: recorded, expected: expected)
        }
    }

    /// `_update`: advance the price accumulators over the elapsed time with the
    /// old reserves, then store the new reserves. Facts without `time` leave the
    /// accumulators alone.
    static func update(reserve0: UInt256, reserve1: UInt256, time: UInt64?, pool: inout PoolState) {
        if let time {
            let timestamp = UInt32(truncatingIfNeeded: time)
            let elapsed = timestamp &- pool.blockTimestampLast  // overflow is desired, as on chain
            if elapsed > 0 && !pool.reserve0.isZero && !pool.reserve1.isZero {
                pool.price0Cumulative = pool.price0Cumulative &+ ConstantProduct.priceIncrement(
                    reserveNumerator: pool.reserve1, reserveDenominator: pool.reserve0, elapsed: elapsed)
                pool.price1Cumulative = pool.price1Cumulative &+ ConstantProduct.priceIncrement(
                    reserveNumerator: pool.reserve0, reserveDenominator: pool.reserve1, elapsed: elapsed)
            }
            pool.blockTimestampLast = timestamp
        }
        pool.reserve0 = reserve0
        pool.reserve1 = reserve1
    }

    // MARK: sync

    /// `sync()`: the reserves become the balances. Balances never fall below
    /// the reserves (only mint, burn and swap pay out, and each syncs), so a
    /// sync can only take up tokens sent to the pair; `k_last` stays.
    static func sync(_ sync: ReservesSynced, time: UInt64?, pool: inout PoolState) throws(Rejection) {
        guard sync.reserve0 >= pool.reserve0, sync.reserve1 >= pool.reserve1 else {
            throw Rejection(.syncBelowReserves, "sync to \(sync.reserve0), \(sync.reserve1) is below the reserves \(pool.reserve0), \(pool.reserve1)")
        }
        guard sync.reserve0 <= ConstantProduct.maxReserve, sync.reserve1 <= ConstantProduct.maxReserve else {
            throw Rejection(.overflow, "sync to \(sync.reserve0), \(sync.reserve1) takes a reserve above 2^112-1")
        }
        update(reserve0: sync.reserve0, reserve1: sync.reserve1, time: time, pool: &pool)
    }

    // MARK: messages

    static func mintDetail(_ rule: PairRule, amount0: UInt256, amount1: UInt256, pool: PoolState) -> String {
        switch rule {
        case .overflow:
            return "deposit of \(amount0), \(amount1) takes reserves \(pool.reserve0), \(pool.reserve1) above 2^112-1"
        case .insufficientLiquidityMinted:
            return pool.totalShares.isZero
                ? "first deposit \(amount0), \(amount1): sqrt(amount0*amount1) must exceed 1000"
                : "deposit of \(amount0), \(amount1) into reserves \(pool.reserve0), \(pool.reserve1) mints zero shares"
        default:
            return "deposit of \(amount0), \(amount1) into reserves \(pool.reserve0), \(pool.reserve1)"
        }
    }

    static func swapDetail(_ rule: PairRule, _ swap: Swap, pool: PoolState) -> String {
        let amounts = "in \(swap.amount0In), \(swap.amount1In) out \(swap.amount0Out), \(swap.amount1Out)"
        let reserves = "reserves \(pool.reserve0), \(pool.reserve1)"
        switch rule {
        case .k:
            return "\(amounts) against \(reserves) at fee \(pool.feePPM) ppm: the fee-adjusted k would fall"
        case .insufficientLiquidity:
            return "\(amounts): an output must be below its reserve (\(reserves))"
        case .overflow:
            return "\(amounts): new reserves would exceed 2^112-1"
        default:
            return "\(amounts) against \(reserves)"
        }
    }
}

func quoted(_ text: String) -> String { "\"\(text)\"" }
