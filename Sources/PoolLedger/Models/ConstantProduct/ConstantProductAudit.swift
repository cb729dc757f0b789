import PoolMath

/// One provider's audit: what the shares claim now, what holding the
/// deposited tokens would be worth, and how the difference splits into
/// impermanent loss and fees. Values are in the valuation's units.
public struct ProviderAudit: Sendable, Equatable {
    public var provider: String
    public var shares: UInt256
    /// Percent of all shares, scaled by 10^18.
    public var sharePercent: UInt256
    /// The pro-rata claim a burn of every share would pay now (rounded down, as `burn` does).
    public var amount0: UInt256
    public var amount1: UInt256
    /// The claim, valued.
    public var value: UInt256
    /// The cost basis still held (deposits net of withdrawals, pro rata), valued now.
    public var hodlValue: UInt256
    /// The position without fees: its liquidity at deposit at the pool's price now,
    /// `L * (reserve0, reserve1) / sqrt(k)`, valued.
    public var feelessValue: UInt256
    /// `feelessValue - hodlValue`: what the price move cost against holding.
    public var ilValue: SignedAmount
    /// `value - hodlValue - ilValue`: what the fees added.
    public var feeValue: SignedAmount
    /// `value - hodlValue`.
    public var netValue: SignedAmount
    /// `ilValue / hodlValue` in percent, scaled by 10^18 (truncated); nil without a basis.
    public var ilPercent: SignedAmount?
    public var position: Position

    public var profitable: Bool { netValue.isPositive }
}

/// What the pool holds against what its owners can claim.
public struct Conservation: Sendable, Equatable {
    public var reserve0: UInt256
    public var reserve1: UInt256
    /// Sums of every owner's claim (the locked shares' included).
    public var claimed0: UInt256
    public var claimed1: UInt256
    public var totalShares: UInt256
    /// Sum of every owner's shares (the locked ones included).
    public var sharesSum: UInt256
    public var lockedShares: UInt256
    public var protocolFeeSharesMinted: UInt256
    public var feeTo: String?
    public var feeToShares: UInt256

    /// What rounding every claim down leaves in the pool, unclaimed.
    public var dust0: UInt256 { reserve0 - claimed0 }
    public var dust1: UInt256 { reserve1 - claimed1 }
    public var holds: Bool { claimed0 <= reserve0 && claimed1 <= reserve1 && sharesSum == totalShares }
}

/// The audit of one pool at one point of its log.
public struct PoolAudit: Sendable, Equatable {
    public var pool: PoolState
    /// nil while the pool holds nothing (no price, nothing to value).
    public var valuation: Valuation?
    public var providers: [ProviderAudit]
    public var conservation: Conservation
    /// Tokens `sync()` took into the reserves (`reserves_synced`), through this point.
    public var donations: [PositionBook.Donation]

    /// Audits every owner with shares (and, with `includeExited`, every owner
    /// who ever had a position), in canonical order; the zero address's locked
    /// shares are in the conservation section, not among the providers.
    public init(pool: PoolState, book: PositionBook, valuation: Valuation?, includeExited: Bool = false) throws(AuditError) {
        guard case .constantProduct(let pair) = pool.body else {
            throw AuditError("pool \(pool.pool) is \(pool.model.displayName), not constant product")
        }
        self.pool = pool
        self.valuation = valuation
        self.donations = book.donations
        var owners = Set(pair.shares.keys)
        if includeExited { owners.formUnion(book.positions.keys) }
        owners.remove(zeroAddress)
        var audits: [ProviderAudit] = []
        for owner in owners.sorted(by: utf8Less) {
            audits.append(try Self.audit(owner, pair: pair, book: book, valuation: valuation))
        }
        providers = audits

        // Every owner is a provider here but the zero address, whose locked shares claim too.
        let locked = pair.shares(of: zeroAddress)
        var (claimed0, claimed1) = Self.claim(locked, pair)
        var sharesSum = locked
        for provider in audits {
            claimed0 += provider.amount0
            claimed1 += provider.amount1
            sharesSum += provider.shares
        }
        conservation = Conservation(
            reserve0: pair.reserve0, reserve1: pair.reserve1, claimed0: claimed0, claimed1: claimed1,
            totalShares: pair.totalShares, sharesSum: sharesSum, lockedShares: locked,
            protocolFeeSharesMinted: book.protocolFeeSharesMinted, feeTo: pool.feeTo,
            feeToShares: pool.feeTo.map { pair.shares(of: $0) } ?? .zero)
    }

    /// `burn`'s pro-rata payout for `shares`, rounded down.
    static func claim(_ shares: UInt256, _ pair: ConstantProductPool) -> (UInt256, UInt256) {
        guard !pair.totalShares.isZero else { return (.zero, .zero) }
        // shares <= total_shares, so each quotient is at most the reserve.
        return (UInt256.mulDiv(shares, pair.reserve0, pair.totalShares)!, UInt256.mulDiv(shares, pair.reserve1, pair.totalShares)!)
    }

    static func audit(_ owner: String, pair: ConstantProductPool, book: PositionBook, valuation: Valuation?) throws(AuditError) -> ProviderAudit {
        let shares = pair.shares(of: owner)
        let position = book[owner] ?? Position(provider: owner)
        let (amount0, amount1) = claim(shares, pair)
        let percent = pair.totalShares.isZero ? .zero : UInt256.mulDiv(shares, UInt256(100) * Positions.liquidityScale, pair.totalShares)!
        var value = UInt256.zero, hodl = UInt256.zero, feeless = UInt256.zero
        if let valuation {
            value = try valuation.value(amount0, amount1)
            hodl = try valuation.value(position.scaledBasis0, position.scaledBasis1, scale: Positions.liquidityScale)
            let poolValue = try valuation.value(pair.reserve0, pair.reserve1)
            guard let scaled = UInt256.mulDiv(poolValue, position.liquidity, Positions.scaledRootK(pair)) else {
                throw AuditError("\(owner): the value without fees exceeds 2^256 value units")
            }
            feeless = scaled
        }
        let il = SignedAmount.difference(feeless, hodl)
        let net = SignedAmount.difference(value, hodl)
        var ilPercent: SignedAmount?
        if !hodl.isZero {
            guard let magnitude = UInt256.mulDiv(il.magnitude, UInt256(100) * Positions.liquidityScale, hodl) else {
                throw AuditError("\(owner): impermanent loss out of range")
            }
            ilPercent = SignedAmount(magnitude, negative: il.isNegative)
        }
        return ProviderAudit(
            provider: owner, shares: shares, sharePercent: percent, amount0: amount0, amount1: amount1,
            value: value, hodlValue: hodl, feelessValue: feeless, ilValue: il, feeValue: net - il, netValue: net,
            ilPercent: ilPercent, position: position)
    }
}
