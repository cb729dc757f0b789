import PoolMath

/// Laws that hold after every fact, checked independently of how `evolve`
/// computed the new state: each is a different computation from the rule it
/// guards, so a bug in one shows up in the other.
public enum Invariants {
    /// The parts of a pool's state the laws compare across one fact.
    public struct Before: Sendable, Equatable {
        public var reserve0: UInt256
        public var reserve1: UInt256
        public var totalShares: UInt256
        public var lockedShares: UInt256

        public init(_ pool: PoolState) {
            reserve0 = pool.reserve0
            reserve1 = pool.reserve1
            totalShares = pool.totalShares
            lockedShares = pool.shares(of: zeroAddress)
        }
    }

    /// Checks every law for `fact`, which moved the pool from `before` to `after`
    /// (`before` is nil for the fact that created the pool).
    public static func check(before: Before?, after pool: PoolState, fact: Fact) throws(Rejection) {
        if pool.concentrated != nil { return try checkConcentrated(pool) }
        try checkShareSum(pool)
        try checkReserveBound(pool)
        guard let before else { return }

        if before.totalShares.isZero == false || pool.totalShares.isZero == false {
            // Once minted, the locked shares stay with the zero address, at least 1000 of them.
            let locked = pool.shares(of: zeroAddress)
            guard locked >= before.lockedShares, locked >= ConstantProduct.minimumLiquidity else {
                throw Rejection(.lockedSharesMoved, "the zero address holds \(locked) shares, before \(before.lockedShares); at least 1000 stay locked")
            }
        }

        switch fact.body {
        case .swap:
            try checkSwap(reserve0Before: before.reserve0, reserve1Before: before.reserve1, after: pool)
        case .liquidityAdded(let deposit):
            try checkMintProRata(deposit, before: before, after: pool)
        case .liquidityRemoved(let withdrawal):
            try checkBurnProRata(withdrawal, before: before, after: pool)
        case .reservesSynced:
            // A sync takes up balances, which never fall below the reserves.
            try checkSwap(reserve0Before: before.reserve0, reserve1Before: before.reserve1, after: pool)
        case .poolCreated, .sharesTransferred, .feeToSet, .positionMinted, .positionBurned, .feesCollected:
            break
        }
    }

    /// The laws a swap can break (it never touches the share table): reserves
    /// within uint112, and k not lower than before.
    public static func checkSwap(reserve0Before: UInt256, reserve1Before: UInt256, after pool: PoolState) throws(Rejection) {
        try checkReserveBound(pool)
        guard pool.reserve0.multipliedFullWidth(by: pool.reserve1) >= reserve0Before.multipliedFullWidth(by: reserve1Before) else {
            throw Rejection(.kDecreased, "k fell from \(reserve0Before &* reserve1Before) to \(pool.reserve0 &* pool.reserve1)")
        }
    }

    static func checkReserveBound(_ pool: PoolState) throws(Rejection) {
        guard pool.reserve0 <= ConstantProduct.maxReserve, pool.reserve1 <= ConstantProduct.maxReserve else {
            throw Rejection(.reserveBound, "reserves \(pool.reserve0), \(pool.reserve1) exceed 2^112-1")
        }
    }

    /// Sum of every owner's shares equals total_shares (order-free: addition commutes).
    static func checkShareSum(_ pool: PoolState) throws(Rejection) {
        var sum = UInt256.zero
        var overflow = false
        for (_, held) in pool.shares {
            let (next, o) = sum.addingReportingOverflow(held)
            sum = next
            overflow = overflow || o
        }
        guard !overflow, sum == pool.totalShares else {
            throw Rejection(.shareSum, "owners hold \(overflow ? "more than 2^256" : "\(sum)") shares, total_shares is \(pool.totalShares)")
        }
    }

    /// A deposit never mints more than its pro-rata share of either token:
    /// `minted * r_i <= a_i * S` against the supply just before the provider's
    /// mint (after any protocol fee); for a first deposit, `(minted)^2 <= a0*a1`.
    static func checkMintProRata(_ deposit: LiquidityAdded, before: Before, after pool: PoolState) throws(Rejection) {
        let (supplyBeforeMint, underflow) = pool.totalShares.subtractingReportingOverflow(deposit.shares)
        guard !underflow else {
            throw Rejection(.mintProRata, "total_shares \(pool.totalShares) is below the \(deposit.shares) shares just minted")
        }
        if before.totalShares.isZero {
            let minted = deposit.shares + ConstantProduct.minimumLiquidity
            guard minted.multipliedFullWidth(by: minted) <= deposit.amount0.multipliedFullWidth(by: deposit.amount1) else {
                throw Rejection(.mintProRata, "first deposit \(deposit.amount0), \(deposit.amount1) minted \(minted) shares, more than sqrt(amount0*amount1)")
            }
            return
        }
        let exceeds0 = deposit.shares.multipliedFullWidth(by: before.reserve0) > deposit.amount0.multipliedFullWidth(by: supplyBeforeMint)
        let exceeds1 = deposit.shares.multipliedFullWidth(by: before.reserve1) > deposit.amount1.multipliedFullWidth(by: supplyBeforeMint)
        guard !exceeds0, !exceeds1 else {
            throw Rejection(.mintProRata, "deposit \(deposit.amount0), \(deposit.amount1) minted \(deposit.shares) of \(supplyBeforeMint) shares, more than pro rata of reserves \(before.reserve0), \(before.reserve1)")
        }
        guard pool.reserve0 == before.reserve0 &+ deposit.amount0, pool.reserve1 == before.reserve1 &+ deposit.amount1 else {
            throw Rejection(.mintProRata, "reserves moved to \(pool.reserve0), \(pool.reserve1), not by the deposit \(deposit.amount0), \(deposit.amount1)")
        }
    }

    /// A withdrawal never pays more than pro rata: `a_i * S <= shares * r_i`.
    static func checkBurnProRata(_ withdrawal: LiquidityRemoved, before: Before, after pool: PoolState) throws(Rejection) {
        let supplyBeforeBurn = pool.totalShares &+ withdrawal.shares
        let (paid0, rose0) = before.reserve0.subtractingReportingOverflow(pool.reserve0)
        let (paid1, rose1) = before.reserve1.subtractingReportingOverflow(pool.reserve1)
        guard !rose0, !rose1 else {
            throw Rejection(.burnProRata, "a withdrawal raised the reserves from \(before.reserve0), \(before.reserve1) to \(pool.reserve0), \(pool.reserve1)")
        }
        let exceeds0 = paid0.multipliedFullWidth(by: supplyBeforeBurn) > withdrawal.shares.multipliedFullWidth(by: before.reserve0)
        let exceeds1 = paid1.multipliedFullWidth(by: supplyBeforeBurn) > withdrawal.shares.multipliedFullWidth(by: before.reserve1)
        guard !exceeds0, !exceeds1 else {
            throw Rejection(.burnProRata, "burning \(withdrawal.shares) of \(supplyBeforeBurn) shares paid \(paid0), \(paid1), more than pro rata of reserves \(before.reserve0), \(before.reserve1)")
        }
    }

    // MARK: concentrated pools

    /// The laws of a V3 pool, each recomputed from the positions rather than
    /// read from what the swap loop maintains: the tick is the price's; the
    /// active liquidity is the sum of the positions whose range holds the
    /// tick (not the ticks' liquidity_net crossed so far); the balances cover
    /// every position's principal (what burning it all would pay now), its
    /// owed tokens and its pending fees, plus the protocol's fees.
    public static func checkConcentrated(_ pool: PoolState) throws(Rejection) {
        guard let v3 = pool.concentrated else { return }
        // The tick's price is at or below the price and the next tick's above it; a
        // swap that crossed down onto a tick's exact price leaves the tick one below.
        let atTick: UInt256, nextTick: UInt256
        do {
            atTick = try TickMath.sqrtRatio(atTick: v3.tick)
            nextTick = try TickMath.sqrtRatio(atTick: v3.tick + 1)
        } catch {
            throw Rejection(.tickMatchesPrice, "tick \(v3.tick) is outside the tick range: \(error)")
        }
        guard atTick <= v3.sqrtPriceX96, v3.sqrtPriceX96 <= nextTick else {
            throw Rejection(.tickMatchesPrice, "tick \(v3.tick) spans prices \(atTick)...\(nextTick), but the price is \(v3.sqrtPriceX96)")
        }
        var active = UInt256.zero
        var cover0 = UInt256(high: 0, low: v3.protocolFees0), cover1 = UInt256(high: 0, low: v3.protocolFees1)
        var overflow = false
        func add(_ sum: inout UInt256, _ amount: UInt256) {
            let (next, o) = sum.addingReportingOverflow(amount)
            sum = next
            overflow = overflow || o
        }
        for (key, position) in v3.positions {
            if key.tickLower <= v3.tick && v3.tick < key.tickUpper { add(&active, UInt256(high: 0, low: position.liquidity)) }
            let principal = v3.principal(of: key), pending = v3.pendingFees(of: key)
            add(&cover0, principal.amount0); add(&cover0, pending.amount0); add(&cover0, UInt256(high: 0, low: position.tokensOwed0))
            add(&cover1, principal.amount1); add(&cover1, pending.amount1); add(&cover1, UInt256(high: 0, low: position.tokensOwed1))
        }
        guard active == UInt256(high: 0, low: v3.liquidity) else {
            throw Rejection(.activeLiquidity, "active liquidity \(v3.liquidity), but the positions in range at tick \(v3.tick) hold \(active)")
        }
        guard !overflow, cover0 <= pool.reserve0, cover1 <= pool.reserve1 else {
            throw Rejection(.balancesCover, "balances \(pool.reserve0), \(pool.reserve1) do not cover the positions and fees owed \(overflow ? "(over 2^256)" : "\(cover0), \(cover1)")")
        }
    }
}
