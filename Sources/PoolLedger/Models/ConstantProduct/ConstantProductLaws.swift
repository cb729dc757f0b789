import PoolMath

/// The laws of a constant-product pool after every fact, each a different
/// computation from the rule it guards: the owners' shares sum to
/// `total_shares`; reserves stay within uint112; a swap (or a sync) never
/// lowers k; a deposit never mints more than pro rata of either token; a
/// withdrawal never pays more than pro rata; the 1000 shares locked to the
/// zero address never move.
extension ConstantProductPool {
    /// Every law for `fact`, which moved the pool from `before` to `self`
    /// (`before` is nil for the fact that created the pool).
    func checkLaws(before: ConstantProductPool?, fact: Fact) throws(Rejection) {
        try checkShareSum()
        try checkReserveBound()
        guard let before else { return }

        if !before.totalShares.isZero || !totalShares.isZero {
            // Once minted, the locked shares stay with the zero address, at least 1000 of them.
            let locked = shares(of: zeroAddress), lockedBefore = before.shares(of: zeroAddress)
            guard locked >= lockedBefore, locked >= ConstantProduct.minimumLiquidity else {
                throw Rejection(.lockedSharesMoved, "the zero address holds \(locked) shares, before \(lockedBefore); at least 1000 stay locked")
            }
        }

        switch fact.body {
        case .swap, .reservesSynced:
            // A sync takes up balances, which never fall below the reserves: k cannot fall either.
            try checkSwap(reserve0Before: before.reserve0, reserve1Before: before.reserve1)
        case .liquidityAdded(let deposit):
            try checkMintProRata(deposit, before: before)
        case .liquidityRemoved(let withdrawal):
            try checkBurnProRata(withdrawal, before: before)
        default:
            break
        }
    }

    /// The laws a swap can break (it never touches the share table): reserves
    /// within uint112, and k not lower than before.
    func checkSwap(reserve0Before: UInt256, reserve1Before: UInt256) throws(Rejection) {
        try checkReserveBound()
        guard reserve0.multipliedFullWidth(by: reserve1) >= reserve0Before.multipliedFullWidth(by: reserve1Before) else {
            throw Rejection(.kDecreased, "k fell from \(reserve0Before &* reserve1Before) to \(reserve0 &* reserve1)")
        }
    }

    func checkReserveBound() throws(Rejection) {
        guard reserve0 <= ConstantProduct.maxReserve, reserve1 <= ConstantProduct.maxReserve else {
            throw Rejection(.reserveBound, "reserves \(reserve0), \(reserve1) exceed 2^112-1")
        }
    }

    /// Sum of every owner's shares equals total_shares (order-free: addition commutes).
    func checkShareSum() throws(Rejection) {
        var sum = UInt256.zero
        var overflow = false
        for (_, held) in shares {
            let (next, o) = sum.addingReportingOverflow(held)
            sum = next
            overflow = overflow || o
        }
        guard !overflow, sum == totalShares else {
            throw Rejection(.shareSum, "owners hold \(overflow ? "more than 2^256" : "\(sum)") shares, total_shares is \(totalShares)")
        }
    }

    /// A deposit never mints more than its pro-rata share of either token:
    /// `minted * r_i <= a_i * S` against the supply just before the provider's
    /// mint (after any protocol fee); for a first deposit, `(minted)^2 <= a0*a1`.
    func checkMintProRata(_ deposit: LiquidityAdded, before: ConstantProductPool) throws(Rejection) {
        let (supplyBeforeMint, underflow) = totalShares.subtractingReportingOverflow(deposit.shares)
        guard !underflow else {
            throw Rejection(.mintProRata, "total_shares \(totalShares) is below the \(deposit.shares) shares just minted")
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
        guard reserve0 == before.reserve0 &+ deposit.amount0, reserve1 == before.reserve1 &+ deposit.amount1 else {
            throw Rejection(.mintProRata, "reserves moved to \(reserve0), \(reserve1), not by the deposit \(deposit.amount0), \(deposit.amount1)")
        }
    }

    /// A withdrawal never pays more than pro rata: `a_i * S <= shares * r_i`.
    func checkBurnProRata(_ withdrawal: LiquidityRemoved, before: ConstantProductPool) throws(Rejection) {
        let supplyBeforeBurn = totalShares &+ withdrawal.shares
        let (paid0, rose0) = before.reserve0.subtractingReportingOverflow(reserve0)
        let (paid1, rose1) = before.reserve1.subtractingReportingOverflow(reserve1)
        guard !rose0, !rose1 else {
            throw Rejection(.burnProRata, "a withdrawal raised the reserves from \(before.reserve0), \(before.reserve1) to \(reserve0), \(reserve1)")
        }
        let exceeds0 = paid0.multipliedFullWidth(by: supplyBeforeBurn) > withdrawal.shares.multipliedFullWidth(by: before.reserve0)
        let exceeds1 = paid1.multipliedFullWidth(by: supplyBeforeBurn) > withdrawal.shares.multipliedFullWidth(by: before.reserve1)
        guard !exceeds0, !exceeds1 else {
            throw Rejection(.burnProRata, "burning \(withdrawal.shares) of \(supplyBeforeBurn) shares paid \(paid0), \(paid1), more than pro rata of reserves \(before.reserve0), \(before.reserve1)")
        }
    }
}
