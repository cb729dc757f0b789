import PoolMath

/// A Uniswap V2 pair's state and its transitions, written as UniswapV2Pair.sol
/// computes them: `mint`, `burn`, `swap`, `transfer` (the LP token's), `sync`,
/// with the shared steps `_mintFee` and `_update` written once. A pure value:
/// the ledger's facts of constant-product pools fold through it.
///
/// Every transition re-checks the fact it is given against the rules (a fact
/// is never trusted) and throws the rule it broke before the first mutation,
/// so a rejected fact leaves the pool exactly as it was.
///
/// The fee (`feePPM`) and the protocol fee recipient (`feeTo`) are the
/// factory's on chain and the pool header's here: they are passed in.
public struct ConstantProductPool: Sendable, Equatable {
    public internal(set) var reserve0: UInt256 = .zero
    public internal(set) var reserve1: UInt256 = .zero
    public internal(set) var totalShares: UInt256 = .zero
    /// `reserve0 * reserve1` as of the last liquidity change while the protocol fee was on.
    public internal(set) var kLast: UInt256 = .zero
    /// Every owner's shares; owners with zero shares are left out.
    public internal(set) var shares: [String: UInt256] = [:]
    /// TWAP accumulators, advanced only by facts that carry `time` (wrapping mod 2^256).
    public internal(set) var price0Cumulative: UInt256 = .zero
    public internal(set) var price1Cumulative: UInt256 = .zero
    /// `time mod 2^32` of the last reserve change that carried a time, as the pair stores it.
    public internal(set) var blockTimestampLast: UInt32 = 0

    /// An empty pair, as `pool_created` opens it.
    public init() {}

    /// A pair restored from its stored state (a snapshot), every field as written.
    public init(
        reserve0: UInt256, reserve1: UInt256, totalShares: UInt256, kLast: UInt256, shares: [String: UInt256],
        price0Cumulative: UInt256, price1Cumulative: UInt256, blockTimestampLast: UInt32
    ) {
        self.reserve0 = reserve0
        self.reserve1 = reserve1
        self.totalShares = totalShares
        self.kLast = kLast
        self.shares = shares
        self.price0Cumulative = price0Cumulative
        self.price1Cumulative = price1Cumulative
        self.blockTimestampLast = blockTimestampLast
    }

    /// `reserve0 * reserve1`; reserves are uint112, so the product always fits.
    public var k: UInt256 { reserve0 * reserve1 }

    /// The shares `owner` holds (zero for an owner the table does not list).
    public func shares(of owner: String) -> UInt256 { shares[owner] ?? .zero }

    /// Credits or debits an owner, keeping zero balances out of the table.
    mutating func setShares(_ value: UInt256, of owner: String) {
        if value.isZero {
            shares.removeValue(forKey: owner)
        } else {
            shares[owner] = value
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
    public func mintOutcome(amount0: UInt256, amount1: UInt256, feeOn: Bool) throws(Rejection) -> MintOutcome {
        do {
            _ = try ConstantProduct.balance(reserve: reserve0, adding: amount0)
            _ = try ConstantProduct.balance(reserve: reserve1, adding: amount1)
            let feeShares = protocolFeeShares(feeOn: feeOn)
            let supply = try Self.checkedSum(totalShares, feeShares)
            let minted = try ConstantProduct.mintedShares(
                amount0: amount0, amount1: amount1, reserve0: reserve0, reserve1: reserve1, totalShares: supply)
            // Total shares stay below sqrt(k) < 2^112 by the pair's laws; checked all the same.
            _ = try Self.checkedSum(Self.checkedSum(supply, minted), ConstantProduct.minimumLiquidity)
            return MintOutcome(protocolFeeShares: feeShares, shares: minted, locksMinimum: supply.isZero)
        } catch {
            throw Rejection(error, mintDetail(error, amount0: amount0, amount1: amount1))
        }
    }

    /// `mint`: the deposit's shares (and the protocol fee's) as the pair mints them.
    mutating func mint(_ deposit: LiquidityAdded, time: UInt64?, feeTo: String?) throws(Rejection) {
        let outcome = try mintOutcome(amount0: deposit.amount0, amount1: deposit.amount1, feeOn: feeTo != nil)
        guard deposit.shares == outcome.shares else {
            throw .mismatch(.sharesMismatch, field: "shares", recorded: deposit.shares, expected: outcome.shares)
        }
        try Self.checkProtocolFee(recorded: deposit.protocolFeeShares, expected: outcome.protocolFeeShares)

        mintProtocolFee(outcome.protocolFeeShares, feeTo: feeTo)
        if outcome.locksMinimum {
            setShares(shares(of: zeroAddress) + ConstantProduct.minimumLiquidity, of: zeroAddress)
            totalShares += ConstantProduct.minimumLiquidity
        }
        setShares(shares(of: deposit.provider) + outcome.shares, of: deposit.provider)
        totalShares += outcome.shares
        update(reserve0: reserve0 + deposit.amount0, reserve1: reserve1 + deposit.amount1, time: time)
        updateKLast(feeOn: feeTo != nil)
    }

    // MARK: burn

    /// What a withdrawal of `shares` pays: the protocol fee first, then pro rata.
    public struct BurnOutcome: Sendable, Equatable {
        public var protocolFeeShares: UInt256
        public var amount0: UInt256
        public var amount1: UInt256
    }

    /// The outcome of `provider` burning `burned` shares: what `decide` writes and `evolve` checks.
    public func burnOutcome(shares burned: UInt256, provider: String, feeOn: Bool) throws(Rejection) -> BurnOutcome {
        try checkMovable(burned, from: provider)
        let feeShares = protocolFeeShares(feeOn: feeOn)
        do {
            let supply = try Self.checkedSum(totalShares, feeShares)
            let (amount0, amount1) = try ConstantProduct.burnedAmounts(
                shares: burned, reserve0: reserve0, reserve1: reserve1, totalShares: supply)
            return BurnOutcome(protocolFeeShares: feeShares, amount0: amount0, amount1: amount1)
        } catch {
            throw Rejection(error, "burning \(burned) of \(totalShares) shares against reserves \(reserve0), \(reserve1) pays zero of a token")
        }
    }

    /// `burn`: the provider's shares for their pro-rata payout.
    mutating func burn(_ withdrawal: LiquidityRemoved, time: UInt64?, feeTo: String?) throws(Rejection) {
        let outcome = try burnOutcome(shares: withdrawal.shares, provider: withdrawal.provider, feeOn: feeTo != nil)
        guard withdrawal.amount0 == outcome.amount0 else {
            throw .mismatch(.payoutMismatch, field: "amount0", recorded: withdrawal.amount0, expected: outcome.amount0)
        }
        guard withdrawal.amount1 == outcome.amount1 else {
            throw .mismatch(.payoutMismatch, field: "amount1", recorded: withdrawal.amount1, expected: outcome.amount1)
        }
        try Self.checkProtocolFee(recorded: withdrawal.protocolFeeShares, expected: outcome.protocolFeeShares)

        mintProtocolFee(outcome.protocolFeeShares, feeTo: feeTo)
        setShares(shares(of: withdrawal.provider) - withdrawal.shares, of: withdrawal.provider)
        totalShares -= withdrawal.shares
        update(reserve0: reserve0 - outcome.amount0, reserve1: reserve1 - outcome.amount1, time: time)
        updateKLast(feeOn: feeTo != nil)
    }

    // MARK: swap

    /// `swap`: the balances after it must keep the fee-adjusted k (`UniswapV2: K`).
    mutating func swap(_ swap: Swap, time: UInt64?, feePPM: UInt32) throws(Rejection) {
        let balances: (balance0: UInt256, balance1: UInt256)
        do {
            balances = try ConstantProduct.swapBalances(
                reserve0: reserve0, reserve1: reserve1,
                amount0In: swap.amount0In, amount1In: swap.amount1In,
                amount0Out: swap.amount0Out, amount1Out: swap.amount1Out, feePPM: feePPM)
        } catch {
            throw Rejection(error, swapDetail(error, swap, feePPM: feePPM))
        }
        update(reserve0: balances.balance0, reserve1: balances.balance1, time: time)
    }

    // MARK: transfer

    /// The LP token's `transfer`.
    mutating func transfer(_ transfer: SharesTransferred) throws(Rejection) {
        try checkMovable(transfer.shares, from: transfer.from)
        setShares(shares(of: transfer.from) - transfer.shares, of: transfer.from)
        setShares(shares(of: transfer.to) + transfer.shares, of: transfer.to)
    }

    /// Shares leave an owner only if the owner holds them, and never from the zero address.
    func checkMovable(_ moved: UInt256, from owner: String) throws(Rejection) {
        guard owner != zeroAddress else {
            throw Rejection(.lockedShares, "shares held by the zero address are locked forever")
        }
        let held = shares(of: owner)
        guard moved <= held else {
            throw Rejection(.insufficientShares, "\(quoted(owner)) holds \(held) shares, fewer than \(moved)")
        }
    }

    // MARK: sync

    /// `sync()`: the reserves become the balances. Balances never fall below
    /// the reserves (only mint, burn and swap pay out, and each syncs), so a
    /// sync can only take up tokens sent to the pair; `k_last` stays.
    mutating func sync(_ sync: ReservesSynced, time: UInt64?) throws(Rejection) {
        guard sync.reserve0 >= reserve0, sync.reserve1 >= reserve1 else {
            throw Rejection(.syncBelowReserves, "sync to \(sync.reserve0), \(sync.reserve1) is below the reserves \(reserve0), \(reserve1)")
        }
        guard sync.reserve0 <= ConstantProduct.maxReserve, sync.reserve1 <= ConstantProduct.maxReserve else {
            throw Rejection(.overflow, "sync to \(sync.reserve0), \(sync.reserve1) takes a reserve above 2^112-1")
        }
        update(reserve0: sync.reserve0, reserve1: sync.reserve1, time: time)
    }

    // MARK: shared steps

    static func checkedSum(_ a: UInt256, _ b: UInt256) throws(PairRule) -> UInt256 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return sum
    }

    /// `_mintFee`'s amount: protocol-fee shares due before a liquidity change.
    public func protocolFeeShares(feeOn: Bool) -> UInt256 {
        guard feeOn else { return .zero }
        return ConstantProduct.protocolFeeShares(totalShares: totalShares, reserve0: reserve0, reserve1: reserve1, kLast: kLast)
    }

    mutating func mintProtocolFee(_ feeShares: UInt256, feeTo: String?) {
        guard !feeShares.isZero, let feeTo else { return }
        setShares(shares(of: feeTo) + feeShares, of: feeTo)
        totalShares += feeShares
    }

    /// `_mintFee`'s bookkeeping after the reserves moved: k_last follows k while
    /// the fee is on and is cleared once it is off.
    mutating func updateKLast(feeOn: Bool) {
        kLast = feeOn ? k : .zero
    }

    static func checkProtocolFee(recorded: UInt256?, expected: UInt256) throws(Rejection) {
        if let recorded, recorded != expected {
            throw .mismatch(.protocolFeeMismatch, field: "protocol_fee_shares", recorded: recorded, expected: expected)
        }
    }

    /// `_update`: advance the price accumulators over the elapsed time with the
    /// old reserves, then store the new reserves. Facts without `time` leave the
    /// accumulators alone.
    mutating func update(reserve0 new0: UInt256, reserve1 new1: UInt256, time: UInt64?) {
        if let time {
            let timestamp = UInt32(truncatingIfNeeded: time)
            let elapsed = timestamp &- blockTimestampLast  // overflow is desired, as on chain
            if elapsed > 0 && !reserve0.isZero && !reserve1.isZero {
                price0Cumulative = price0Cumulative &+ ConstantProduct.priceIncrement(
                    reserveNumerator: reserve1, reserveDenominator: reserve0, elapsed: elapsed)
                price1Cumulative = price1Cumulative &+ ConstantProduct.priceIncrement(
                    reserveNumerator: reserve0, reserveDenominator: reserve1, elapsed: elapsed)
            }
            blockTimestampLast = timestamp
        }
        reserve0 = new0
        reserve1 = new1
    }

    // MARK: messages

    func mintDetail(_ rule: PairRule, amount0: UInt256, amount1: UInt256) -> String {
        switch rule {
        case .overflow:
            return "deposit of \(amount0), \(amount1) takes reserves \(reserve0), \(reserve1) above 2^112-1"
        case .insufficientLiquidityMinted:
            return totalShares.isZero
                ? "first deposit \(amount0), \(amount1): sqrt(amount0*amount1) must exceed 1000"
                : "deposit of \(amount0), \(amount1) into reserves \(reserve0), \(reserve1) mints zero shares"
        default:
            return "deposit of \(amount0), \(amount1) into reserves \(reserve0), \(reserve1)"
        }
    }

    func swapDetail(_ rule: PairRule, _ swap: Swap, feePPM: UInt32) -> String {
        let amounts = "in \(swap.amount0In), \(swap.amount1In) out \(swap.amount0Out), \(swap.amount1Out)"
        let reserves = "reserves \(reserve0), \(reserve1)"
        switch rule {
        case .k:
            return "\(amounts) against \(reserves) at fee \(feePPM) ppm: the fee-adjusted k would fall"
        case .insufficientLiquidity:
            return "\(amounts): an output must be below its reserve (\(reserves))"
        case .overflow:
            return "\(amounts): new reserves would exceed 2^112-1"
        default:
            return "\(amounts) against \(reserves)"
        }
    }
}
