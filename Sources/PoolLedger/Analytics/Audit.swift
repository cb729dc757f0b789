import PoolMath

/// A failure of the audit itself (not of the log): prices that cannot be
/// used, or values out of the 256-bit range.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A non-negative rational, exact.
public struct Ratio: Sendable, Equatable {
    public var numerator: UInt256
    public var denominator: UInt256

    public init(numerator: UInt256, denominator: UInt256) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// How positions are valued: the price of one base unit of each token in
/// value units, where a value unit is 10^-decimals of the numéraire.
///
/// By default the numéraire is token1 at the pool's own price (so value units
/// are token1 base units / 10^18: values stay exact far below one wei); with
/// given prices it is whatever those prices are quoted in.
public struct Valuation: Sendable, Equatable {
    public var price0: Ratio
    public var price1: Ratio
    /// Fraction digits of a value: value units per whole numéraire unit = 10^decimals.
    public var decimals: Int
    /// What values are in: token1's symbol, or nil for given prices.
    public var numeraire: String?

    /// Extra digits kept below the smallest unit.
    static let extraDigits = 18

    /// Token1 at the pool's price, reserve1 / reserve0; nil while the pool is empty.
    public static func poolPrice(_ pool: PoolState) -> Valuation? {
        let scale = UInt256.powerOfTen(extraDigits)!
        if let v3 = pool.concentrated {
            // A concentrated pool's price is its sqrt price, not its balances' ratio.
            guard let price0 = concentratedPrice(sqrtPriceX96: v3.sqrtPriceX96, scale: scale) else { return nil }
            return Valuation(price0: price0, price1: Ratio(numerator: scale, denominator: .one),
                             decimals: Int(pool.decimals1) + extraDigits, numeraire: pool.token1)
        }
        guard !pool.reserve0.isZero, !pool.reserve1.isZero else { return nil }
        return Valuation(
            price0: Ratio(numerator: pool.reserve1 * scale, denominator: pool.reserve0),
            price1: Ratio(numerator: scale, denominator: .one),
            decimals: Int(pool.decimals1) + extraDigits, numeraire: pool.token1)
    }

    /// Given prices per whole token (decimal strings such as `"2000"` or
    /// `"0.9998"`), valued with 18 fraction digits of the numéraire.
    public static func prices(price0: String, price1: String, pool: PoolState) throws(AuditError) -> Valuation {
        func ratio(_ text: String, decimals: UInt8, name: String) throws(AuditError) -> Ratio {
            let (mantissa, places) = try parsePrice(text, name: name)
            guard let denominator = UInt256.powerOfTen(places + Int(decimals)), decimals <= 38 else {
                throw AuditError("\(name): a token with \(decimals) decimals cannot be valued (at most 38)")
            }
            let (numerator, overflow) = mantissa.multipliedReportingOverflow(by: UInt256.powerOfTen(extraDigits)!)
            guard !overflow else { throw AuditError("\(name): \(text) is too large") }
            return Ratio(numerator: numerator, denominator: denominator)
        }
        return Valuation(
            price0: try ratio(price0, decimals: pool.decimals0, name: "price0"),
            price1: try ratio(price1, decimals: pool.decimals1, name: "price1"),
            decimals: extraDigits, numeraire: nil)
    }

    /// `"123.45"` -> (12345, 2). Plain decimals only: no sign, no exponent, at most 18 places.
    static func parsePrice(_ text: String, name: String) throws(AuditError) -> (UInt256, Int) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              parts.count == 1 || !parts[1].isEmpty,
              text.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw AuditError("\(name): \"\(text)\" is not a plain decimal price such as 2000 or 0.9998")
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 18 else { throw AuditError("\(name): at most 18 fraction digits") }
        // Leading zeros are fine in a price ("0.9998"); the integer parser refuses them.
        let digits = (whole + fraction).drop { $0 == "0" }
        guard let mantissa = digits.isEmpty ? UInt256.zero : UInt256(decimal: digits) else {
            throw AuditError("\(name): \"\(text)\" is too large")
        }
        return (mantissa, fraction.count)
    }

    /// The value of token amounts (in base units times `scale`), in value
    /// units, each term rounded down.
    public func value(_ amount0: UInt256, _ amount1: UInt256, scale: UInt256 = .one) throws(AuditError) -> UInt256 {
        let (denominator0, overflow0) = price0.denominator.multipliedReportingOverflow(by: scale)
        let (denominator1, overflow1) = price1.denominator.multipliedReportingOverflow(by: scale)
        guard !overflow0, !overflow1,
              let value0 = UInt256.mulDiv(amount0, price0.numerator, denominator0),
              let value1 = UInt256.mulDiv(amount1, price1.numerator, denominator1) else {
            throw AuditError("a value exceeds 2^256 value units")
        }
        let (sum, overflow) = value0.addingReportingOverflow(value1)
        guard !overflow else { throw AuditError("a value exceeds 2^256 value units") }
        return sum
    }
}

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
        self.pool = pool
        self.valuation = valuation
        self.donations = book.donations
        var owners = Set(pool.shares.keys)
        if includeExited { owners.formUnion(book.positions.keys) }
        owners.remove(zeroAddress)
        var audits: [ProviderAudit] = []
        for owner in owners.sorted(by: utf8Less) {
            audits.append(try Self.audit(owner, pool: pool, book: book, valuation: valuation))
        }
        providers = audits

        // Every owner is a provider here but the zero address, whose locked shares claim too.
        let locked = pool.shares(of: zeroAddress)
        var (claimed0, claimed1) = Self.claim(locked, pool)
        var sharesSum = locked
        for provider in audits {
            claimed0 += provider.amount0
            claimed1 += provider.amount1
            sharesSum += provider.shares
        }
        conservation = Conservation(
            reserve0: pool.reserve0, reserve1: pool.reserve1, claimed0: claimed0, claimed1: claimed1,
            totalShares: pool.totalShares, sharesSum: sharesSum, lockedShares: locked,
            protocolFeeSharesMinted: book.protocolFeeSharesMinted, feeTo: pool.feeTo,
            feeToShares: pool.feeTo.map { pool.shares(of: $0) } ?? .zero)
    }

    /// `burn`'s pro-rata payout for `shares`, rounded down.
    static func claim(_ shares: UInt256, _ pool: PoolState) -> (UInt256, UInt256) {
        guard !pool.totalShares.isZero else { return (.zero, .zero) }
        // shares <= total_shares, so each quotient is at most the reserve.
        return (UInt256.mulDiv(shares, pool.reserve0, pool.totalShares)!, UInt256.mulDiv(shares, pool.reserve1, pool.totalShares)!)
    }

    static func audit(_ owner: String, pool: PoolState, book: PositionBook, valuation: Valuation?) throws(AuditError) -> ProviderAudit {
        let shares = pool.shares(of: owner)
        let position = book[owner] ?? Position(provider: owner)
        let (amount0, amount1) = claim(shares, pool)
        let percent = pool.totalShares.isZero ? .zero : UInt256.mulDiv(shares, UInt256(100) * Positions.liquidityScale, pool.totalShares)!
        var value = UInt256.zero, hodl = UInt256.zero, feeless = UInt256.zero
        if let valuation {
            value = try valuation.value(amount0, amount1)
            hodl = try valuation.value(position.scaledBasis0, position.scaledBasis1, scale: Positions.liquidityScale)
            let poolValue = try valuation.value(pool.reserve0, pool.reserve1)
            guard let scaled = UInt256.mulDiv(poolValue, position.liquidity, Positions.scaledRootK(pool)) else {
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

/// One pool's facts folded with every check, and its position book beside
/// the state: what `audit` and `report` read.
public struct AuditFold: Sendable {
    public let poolID: String
    public private(set) var pool: PoolState?
    public private(set) var book: PositionBook
    /// Concentrated pools: the range positions' histories.
    public private(set) var rangeBook = ConcentratedBook()

    public init(pool: String) {
        self.poolID = pool
        self.book = PositionBook(pool: pool)
    }

    /// Folds the fact at `seq` (a fact of this pool); on a rejection nothing changes.
    public mutating func fold(_ fact: Fact, seq: UInt64) throws(Rejection) {
        guard fact.pool == poolID else {
            throw Rejection(.unknownPool, "fact of pool \(quoted(fact.pool)) in the audit of \(quoted(poolID))")
        }
        let next = try Ledger.folded(fact, into: pool, seq: seq)
        if next.concentrated != nil {
            rangeBook.record(fact, seq: seq, before: pool, after: next)
        } else {
            book.record(fact, seq: seq, before: pool, after: next)
        }
        pool = next
    }

    /// A concentrated pool's audit now, at the pool's price or with `valuation`.
    public func concentratedAudit(valuation: Valuation? = nil, includeExited: Bool = false) throws(AuditError) -> ConcentratedPoolAudit? {
        guard let pool, pool.concentrated != nil else { return nil }
        return try ConcentratedPoolAudit(pool: pool, book: rangeBook, valuation: valuation ?? Valuation.poolPrice(pool), includeExited: includeExited)
    }

    /// The audit now, at the pool's price or with `valuation`.
    public func audit(valuation: Valuation? = nil, includeExited: Bool = false) throws(AuditError) -> PoolAudit? {
        guard let pool else { return nil }
        return try PoolAudit(pool: pool, book: book, valuation: valuation ?? Valuation.poolPrice(pool), includeExited: includeExited)
    }
}
