import PoolMath

/// One change to a provider's position, as the log recorded it.
public struct PositionEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `liquidity_added`: amounts are the tokens deposited.
        case deposit
        /// `liquidity_removed`: amounts are the tokens paid out.
        case withdrawal
        /// `shares_transferred` to this owner: amounts are the cost basis that came with them.
        case transferIn = "transfer_in"
        /// `shares_transferred` from this owner: amounts are the cost basis that left with them.
        case transferOut = "transfer_out"
        /// Shares `_mintFee` minted to the protocol fee recipient (no tokens, no basis).
        case protocolFee = "protocol_fee"
    }

    public var kind: Kind
    public var seq: UInt64
    public var time: UInt64?
    public var shares: UInt256
    public var amount0: UInt256
    public var amount1: UInt256
    /// The other owner of a transfer.
    public var counterparty: String?
}

/// A provider's position in one pool: the cost basis still held and the
/// liquidity it bought, both carried pro rata when shares leave.
///
/// The shares themselves are the pool's (`ConstantProductPool.shares`): derived, not
/// stored twice.
public struct Position: Sendable, Equatable {
    public let provider: String
    /// Tokens deposited, net of withdrawals, in base units scaled by 10^18: a
    /// withdrawal or a transfer of s of the S shares held takes
    /// floor(basis * s / S) with it, so the basis left is what the shares still
    /// held cost. The 18 digits below a base unit keep that rounding from ever
    /// showing as a gain, even in a pool whose reserve is a few wei.
    public var scaledBasis0: UInt256 = .zero
    public var scaledBasis1: UInt256 = .zero
    /// The constant-product liquidity bought at deposit, `shares * sqrt(k) / total`
    /// just after the mint, scaled by 10^18 (`Positions.liquidityScale`); what the
    /// shares would be worth had the pool charged no fees.
    public var liquidity: UInt256 = .zero
    /// Totals over the history, for people: everything deposited and paid out.
    public var deposited0: UInt256 = .zero
    public var deposited1: UInt256 = .zero
    public var withdrawn0: UInt256 = .zero
    public var withdrawn1: UInt256 = .zero
    public var entries: [PositionEntry] = []

    /// Lists `entry` when the book keeps entries.
    mutating func note(_ keep: Bool, _ entry: PositionEntry) { if keep { entries.append(entry) } }

    public init(provider: String) { self.provider = provider }

    /// The basis in whole base units (rounded down).
    public var basis0: UInt256 { scaledBasis0 / Positions.liquidityScale }
    public var basis1: UInt256 { scaledBasis1 / Positions.liquidityScale }
}

/// The position read model of one pool, folded alongside its state: every
/// owner's deposits, withdrawals and transfers, and the basis they carry.
///
/// `record` runs after the ledger accepted a fact (with the state before and
/// after it), so it never judges a fact, only books it. Pure and deterministic:
/// nothing depends on dictionary order.
public struct PositionBook: Sendable, Equatable {
    public let pool: String
    public private(set) var positions: [String: Position] = [:]
    /// Shares `_mintFee` minted over the history, to whichever recipient was set.
    public private(set) var protocolFeeSharesMinted: UInt256 = .zero
    /// Tokens a `reserves_synced` took into the reserves (sent to the pair outside mint and swap).
    public private(set) var donations: [Donation] = []
    /// Whether each position's entries and the donations are listed (the
    /// audit's history); a timeline, which reads only the figures, keeps
    /// none, so its memory does not grow with the log.
    public var keepsEntries = true

    public struct Donation: Sendable, Equatable {
        public var seq: UInt64
        public var time: UInt64?
        public var amount0: UInt256
        public var amount1: UInt256
    }

    public init(pool: String) { self.pool = pool }

    public subscript(provider: String) -> Position? { positions[provider] }

    /// Owners with a position, in canonical (UTF-8 byte) order.
    public var providers: [String] { positions.keys.sorted(by: utf8Less) }

    /// Books `fact` (already accepted) at `seq`; `before` is nil for `pool_created`.
    mutating func record(_ fact: Fact, seq: UInt64, before old: (header: PoolHeader, pair: ConstantProductPool)?, after: ConstantProductPool) {
        let before = old?.pair
        switch fact.body {
        case .reservesSynced(let sync):
            guard let before else { return }
            // Whatever the sync took up belongs to every holder, pro rata: it shows as fee value.
            if keepsEntries { donations.append(Donation(
                seq: seq, time: fact.time,
                amount0: sync.reserve0 - before.reserve0, amount1: sync.reserve1 - before.reserve1)) }
        case .liquidityAdded(let deposit):
            guard let before else { return }
            bookProtocolFee(before: before, feeTo: old?.header.feeTo, seq: seq, time: fact.time)
            var position = positions[deposit.provider] ?? Position(provider: deposit.provider)
            position.scaledBasis0 += deposit.amount0 * Positions.liquidityScale
            position.scaledBasis1 += deposit.amount1 * Positions.liquidityScale
            position.deposited0 += deposit.amount0
            position.deposited1 += deposit.amount1
            position.liquidity += Positions.liquidity(shares: deposit.shares, of: after)
            position.note(keepsEntries, PositionEntry(
                kind: .deposit, seq: seq, time: fact.time, shares: deposit.shares,
                amount0: deposit.amount0, amount1: deposit.amount1))
            positions[deposit.provider] = position
        case .liquidityRemoved(let withdrawal):
            guard let before else { return }
            let feeShares = bookProtocolFee(before: before, feeTo: old?.header.feeTo, seq: seq, time: fact.time)
            // The fee recipient burning its own shares holds the ones just minted too.
            var held = before.shares(of: withdrawal.provider)
            if withdrawal.provider == old?.header.feeTo { held += feeShares }
            var position = positions[withdrawal.provider] ?? Position(provider: withdrawal.provider)
            _ = position.take(withdrawal.shares, of: held)
            position.withdrawn0 += withdrawal.amount0
            position.withdrawn1 += withdrawal.amount1
            position.note(keepsEntries, PositionEntry(
                kind: .withdrawal, seq: seq, time: fact.time, shares: withdrawal.shares,
                amount0: withdrawal.amount0, amount1: withdrawal.amount1))
            positions[withdrawal.provider] = position
        case .sharesTransferred(let transfer):
            guard let before, transfer.from != transfer.to else { return }
            var from = positions[transfer.from] ?? Position(provider: transfer.from)
            let moved = from.take(transfer.shares, of: before.shares(of: transfer.from))
            from.note(keepsEntries, PositionEntry(
                kind: .transferOut, seq: seq, time: fact.time, shares: transfer.shares,
                amount0: moved.basis0 / Positions.liquidityScale, amount1: moved.basis1 / Positions.liquidityScale,
                counterparty: transfer.to))
            positions[transfer.from] = from
            var to = positions[transfer.to] ?? Position(provider: transfer.to)
            to.scaledBasis0 += moved.basis0
            to.scaledBasis1 += moved.basis1
            to.liquidity += moved.liquidity
            to.note(keepsEntries, PositionEntry(
                kind: .transferIn, seq: seq, time: fact.time, shares: transfer.shares,
                amount0: moved.basis0 / Positions.liquidityScale, amount1: moved.basis1 / Positions.liquidityScale,
                counterparty: transfer.from))
            positions[transfer.to] = to
        default:
            // Swaps and fee_to changes move no position; other facts are not this model's.
            return
        }
    }

    /// `_mintFee` runs before every liquidity change: the shares it mints are
    /// the recipient's with no basis (they are all fee).
    @discardableResult
    private mutating func bookProtocolFee(before: ConstantProductPool, feeTo: String?, seq: UInt64, time: UInt64?) -> UInt256 {
        guard let recipient = feeTo else { return .zero }
        let minted = before.protocolFeeShares(feeOn: true)
        guard !minted.isZero else { return .zero }
        protocolFeeSharesMinted += minted
        var position = positions[recipient] ?? Position(provider: recipient)
        position.note(keepsEntries, PositionEntry(kind: .protocolFee, seq: seq, time: time, shares: minted, amount0: .zero, amount1: .zero))
        positions[recipient] = position
        return minted
    }
}

extension Position {
    /// What leaves with `shares` of the `held` shares: basis (scaled) and
    /// liquidity pro rata (floor; all of it when every share leaves).
    struct Share: Equatable {
        var basis0: UInt256
        var basis1: UInt256
        var liquidity: UInt256
    }

    mutating func take(_ shares: UInt256, of held: UInt256) -> Share {
        func part(_ amount: UInt256) -> UInt256 {
            if shares >= held { return amount }
            // shares < held, so the quotient is below amount: it always fits.
            return UInt256.mulDiv(amount, shares, held)!
        }
        let share = Share(basis0: part(scaledBasis0), basis1: part(scaledBasis1), liquidity: part(liquidity))
        scaledBasis0 -= share.basis0
        scaledBasis1 -= share.basis1
        liquidity -= share.liquidity
        return share
    }
}

/// The liquidity arithmetic shared by the read model and the audit.
public enum Positions {
    /// Liquidity, basis and square roots are kept with 18 extra decimal digits.
    public static let liquidityScale = UInt256.powerOfTen(18)!
    static let liquidityScaleSquared = UInt256.powerOfTen(36)!

    /// `floor(sqrt(k) * 10^18)`: the pool's liquidity, scaled.
    public static func scaledRootK(_ pair: ConstantProductPool) -> UInt256 {
        pair.k.multipliedFullWidth(by: liquidityScaleSquared).squareRoot()
    }

    /// `shares * sqrt(k) / total_shares` of `pair`, scaled by 10^18.
    public static func liquidity(shares: UInt256, of pair: ConstantProductPool) -> UInt256 {
        guard !pair.totalShares.isZero else { return .zero }
        // shares <= total, so the quotient is at most sqrt(k) * 10^18: it fits.
        return UInt256.mulDiv(shares, scaledRootK(pair), pair.totalShares)!
    }
}
