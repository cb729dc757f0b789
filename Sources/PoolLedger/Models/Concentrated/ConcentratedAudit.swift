import PoolMath

/// One change to a range position, as the log recorded it.
public struct RangeEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `position_minted`: amounts are the tokens paid in.
        case mint
        /// `position_burned`: amounts are the principal released into tokens owed.
        case burn
        /// `fees_collected`: amounts are the tokens paid out.
        case collect
    }

    public var kind: Kind
    public var seq: UInt64
    public var time: UInt64?
    public var liquidity: UInt256
    public var amount0: UInt256
    public var amount1: UInt256
}

/// A concentrated-liquidity position's history, folded beside the pool: the
/// cost basis still held (a burn of l of L takes floor(basis * l / L), as a V2
/// withdrawal takes its share), the principal released by burns, what was
/// collected, and the fees credited to tokens owed at each touch of the
/// position (tokens owed after, less before, less the principal a burn added).
public struct RangePosition: Sendable, Equatable {
    public let key: ConcentratedPool.PositionKey
    /// Deposits net of burns, in base units scaled by 10^18 (as `Position`).
    public var scaledBasis0: UInt256 = .zero
    public var scaledBasis1: UInt256 = .zero
    public var deposited0: UInt256 = .zero
    public var deposited1: UInt256 = .zero
    public var released0: UInt256 = .zero
    public var released1: UInt256 = .zero
    public var collected0: UInt256 = .zero
    public var collected1: UInt256 = .zero
    public var feesCredited0: UInt256 = .zero
    public var feesCredited1: UInt256 = .zero
    public var entries: [RangeEntry] = []

    public init(key: ConcentratedPool.PositionKey) { self.key = key }

    /// Lists `entry` when the book keeps entries.
    mutating func note(_ keep: Bool, _ entry: RangeEntry) { if keep { entries.append(entry) } }
}

/// Every range position of one concentrated pool.
public struct ConcentratedBook: Sendable, Equatable {
    public private(set) var positions: [ConcentratedPool.PositionKey: RangePosition] = [:]
    /// Every NFT's history, its key the manager's pool position (the NFT's range).
    public private(set) var nfts: [NFTKey: RangePosition] = [:]
    /// Whether each position's entries are listed (see `PositionBook.keepsEntries`).
    public var keepsEntries = true

    public init() {}

    /// What a fact's record needs of the pool before it: the touched
    /// position's liquidity and tokens owed, and the NFT's. Read before the
    /// fold, so the fold can change the pool in place (a copy of the pool
    /// would cost its tick and position tables).
    public struct Touch: Sendable {
        var position: (liquidity: UInt256, owed: (UInt256, UInt256)) = (.zero, (.zero, .zero))
        var nft: (liquidity: UInt256, owed: (UInt256, UInt256)) = (.zero, (.zero, .zero))

        /// Nothing for a fact that touches no position (a swap).
        public init(_ fact: Fact, before pool: ConcentratedPool) {
            func positionOf(_ key: ConcentratedPool.PositionKey) -> (UInt256, (UInt256, UInt256)) {
                let info = pool.positions[key]
                return (UInt256(high: 0, low: info?.liquidity ?? 0),
                        (UInt256(high: 0, low: info?.tokensOwed0 ?? 0), UInt256(high: 0, low: info?.tokensOwed1 ?? 0)))
            }
            func nftOf(_ manager: String, _ tokenID: UInt256) -> (UInt256, (UInt256, UInt256)) {
                let token = pool.managers[manager]?.tokens[tokenID]
                return (UInt256(high: 0, low: token?.liquidity ?? 0),
                        (UInt256(high: 0, low: token?.tokensOwed0 ?? 0), UInt256(high: 0, low: token?.tokensOwed1 ?? 0)))
            }
            switch fact.body {
            case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
                position = positionOf(f.poolChange.key)
                nft = nftOf(f.manager, f.tokenID)
            case .nftCollected(let f):
                position = positionOf(f.poolPosition)
                nft = nftOf(f.manager, f.tokenID)
            case .positionMinted(let change), .positionBurned(let change):
                position = positionOf(ConcentratedPool.PositionKey(owner: change.owner, tickLower: change.tickLower, tickUpper: change.tickUpper))
            default:
                break
            }
        }
    }

    /// Records a fact already folded (and checked) from `before` (nil: the
    /// fact created the pool) to `after`.
    mutating func record(_ fact: Fact, seq: UInt64, before: Touch?, after new: ConcentratedPool) {
        guard let old = before else { return }
        func owed(_ pool: ConcentratedPool, _ key: ConcentratedPool.PositionKey) -> (UInt256, UInt256) {
            let info = pool.positions[key]
            return (UInt256(high: 0, low: info?.tokensOwed0 ?? 0), UInt256(high: 0, low: info?.tokensOwed1 ?? 0))
        }
        switch fact.body {
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
            let minted: Bool
            if case .nftLiquidityDecreased = fact.body { minted = false } else { minted = true }
            // The manager's pool position moves as a direct one would; the NFT as its own.
            let change = f.poolChange
            Self.change(&positions[change.key, default: RangePosition(key: change.key)], change, minted: minted, seq: seq, time: fact.time,
                        held: old.position.liquidity, owedBefore: old.position.owed, owedAfter: owed(new, change.key), keep: keepsEntries)
            let nft = NFTKey(manager: f.manager, tokenID: f.tokenID)
            Self.change(&nfts[nft, default: RangePosition(key: change.key)], change, minted: minted, seq: seq, time: fact.time,
                        held: old.nft.liquidity,
                        owedBefore: old.nft.owed, owedAfter: Self.nftOwed(new, nft), keep: keepsEntries)
        case .nftCollected(let f):
            let key = f.poolPosition
            // The manager's poke credited the pool position's fees before it collected.
            Self.collect(&positions[key, default: RangePosition(key: key)], taken: (f.poolAmount0, f.poolAmount1), paid: (f.poolAmount0, f.poolAmount1),
                         seq: seq, time: fact.time, owedBefore: old.position.owed, owedAfter: owed(new, key), keep: keepsEntries)
            // The NFT's tokens owed lose what the manager asked for; its holder got what the pool paid
            // (a few wei less, at times): collected counts what was paid.
            let nft = NFTKey(manager: f.manager, tokenID: f.tokenID)
            Self.collect(&nfts[nft, default: RangePosition(key: key)], taken: (f.amount0, f.amount1), paid: (f.poolAmount0, f.poolAmount1),
                         seq: seq, time: fact.time, owedBefore: old.nft.owed, owedAfter: Self.nftOwed(new, nft), keep: keepsEntries)
        case .positionMinted(let change), .positionBurned(let change):
            let key = ConcentratedPool.PositionKey(owner: change.owner, tickLower: change.tickLower, tickUpper: change.tickUpper)
            let minted: Bool
            if case .positionMinted = fact.body { minted = true } else { minted = false }
            Self.change(&positions[key, default: RangePosition(key: key)], change, minted: minted, seq: seq, time: fact.time,
                        held: old.position.liquidity, owedBefore: old.position.owed, owedAfter: owed(new, key), keep: keepsEntries)
        case .feesCollected(let collect):
            let key = collect.key
            var position = positions[key] ?? RangePosition(key: key)
            position.collected0 += collect.amount0
            position.collected1 += collect.amount1
            position.note(keepsEntries, RangeEntry(kind: .collect, seq: seq, time: fact.time, liquidity: .zero, amount0: collect.amount0, amount1: collect.amount1))
            positions[key] = position
        default:
            break
        }
    }

    /// An NFT's tokens owed as the manager keeps them (0 once burned).
    static func nftOwed(_ pool: ConcentratedPool, _ nft: NFTKey) -> (UInt256, UInt256) {
        let token = pool.managers[nft.manager]?.tokens[nft.tokenID]
        return (UInt256(high: 0, low: token?.tokensOwed0 ?? 0), UInt256(high: 0, low: token?.tokensOwed1 ?? 0))
    }

    /// A collect after a touch that credited fees (the tokens owed after, plus
    /// what was taken from them, less before); `paid` is what reached the recipient.
    static func collect(_ position: inout RangePosition, taken: (UInt256, UInt256), paid: (UInt256, UInt256), seq: UInt64, time: UInt64?,
                        owedBefore: (UInt256, UInt256), owedAfter: (UInt256, UInt256), keep: Bool) {
        position.feesCredited0 = position.feesCredited0 &+ (owedAfter.0 &+ taken.0 &- owedBefore.0)
        position.feesCredited1 = position.feesCredited1 &+ (owedAfter.1 &+ taken.1 &- owedBefore.1)
        position.collected0 += paid.0
        position.collected1 += paid.1
        position.note(keep, RangeEntry(kind: .collect, seq: seq, time: time, liquidity: .zero, amount0: paid.0, amount1: paid.1))
    }

    /// A mint or burn of `change.liquidity` out of `held`, with the tokens owed before and after it.
    static func change(_ position: inout RangePosition, _ change: PositionChanged, minted: Bool, seq: UInt64, time: UInt64?,
                       held: UInt256, owedBefore: (UInt256, UInt256), owedAfter: (UInt256, UInt256), keep: Bool) {
        let (before0, before1) = owedBefore, (after0, after1) = owedAfter
        // Tokens owed wrap as uint128 on chain; credits are the wrapped differences.
        let added0 = after0 &- before0, added1 = after1 &- before1
        if minted {
            position.feesCredited0 += added0
            position.feesCredited1 += added1
            position.deposited0 += change.amount0
            position.deposited1 += change.amount1
            position.scaledBasis0 += change.amount0 * Positions.liquidityScale
            position.scaledBasis1 += change.amount1 * Positions.liquidityScale
        } else {
            position.feesCredited0 = position.feesCredited0 &+ (added0 &- change.amount0)
            position.feesCredited1 = position.feesCredited1 &+ (added1 &- change.amount1)
            position.released0 += change.amount0
            position.released1 += change.amount1
            if !held.isZero {
                position.scaledBasis0 -= UInt256.mulDiv(position.scaledBasis0, change.liquidity, held)!
                position.scaledBasis1 -= UInt256.mulDiv(position.scaledBasis1, change.liquidity, held)!
            }
        }
        position.note(keep, RangeEntry(kind: minted ? .mint : .burn, seq: seq, time: time, liquidity: change.liquidity, amount0: change.amount0, amount1: change.amount1))
    }
}

/// An NFT: its manager and token id (token ids are the manager's own).
public struct NFTKey: Sendable, Hashable, Comparable {
    public var manager: String
    public var tokenID: UInt256

    public init(manager: String, tokenID: UInt256) {
        self.manager = manager
        self.tokenID = tokenID
    }

    public static func < (a: NFTKey, b: NFTKey) -> Bool {
        a.manager != b.manager ? utf8Less(a.manager, b.manager) : a.tokenID < b.tokenID
    }
}

/// One range position's audit now. Token amounts in base units; values in
/// the valuation's units.
///
/// Collected tokens are taken as principal first (what burns released), then
/// fees: so `fees_collected = max(0, collected - released)` and the
/// uncollected fees are tokens owed plus pending fees less the principal
/// still owed. Lifetime fees are those two together.
public struct RangePositionAudit: Sendable, Equatable {
    public var position: RangePosition
    public var liquidity: UInt128
    public var inRange: Bool
    /// What burning all the liquidity would release now (rounded down, as `burn`).
    public var principal0: UInt256
    public var principal1: UInt256
    /// Principal released by burns and not collected yet.
    public var principalOwed0: UInt256
    public var principalOwed1: UInt256
    public var uncollectedFees0: UInt256
    public var uncollectedFees1: UInt256
    public var collectedFees0: UInt256
    public var collectedFees1: UInt256
    /// Everything a burn of all liquidity and a collect would pay now.
    public var claimable0: UInt256
    public var claimable1: UInt256
    /// The remaining liquidity's principal plus its uncollected fees, valued.
    public var value: UInt256
    public var principalValue: UInt256
    /// The basis still held, valued now.
    public var hodlValue: UInt256
    /// `principalValue - hodlValue`: a V3 position's principal carries no fees,
    /// so this is exactly what the price move within (or out of) the range cost.
    public var ilValue: SignedAmount
    /// Lifetime fees (collected and not), valued now.
    public var feeValue: UInt256
    /// `ilValue + feeValue`.
    public var netValue: SignedAmount
    /// `ilValue / hodlValue` in percent, scaled by 10^18; nil without a basis.
    public var ilPercent: SignedAmount?

    public var profitable: Bool { netValue.isPositive }
    public var lifetimeFees0: UInt256 { uncollectedFees0 + collectedFees0 }
    public var lifetimeFees1: UInt256 { uncollectedFees1 + collectedFees1 }
}

/// One NFT's audit row: its figures as a position's (`audit`, whose
/// position key is the manager's pool position it is a share of), its holder
/// (nil once burned) and its tokens owed as the manager's `positions()`
/// returns them (fees since the last touch not yet credited: those are in
/// the uncollected fees).
public struct NFTPositionAudit: Sendable, Equatable {
    public var key: NFTKey
    public var holder: String?
    public var tokensOwed0: UInt256
    public var tokensOwed1: UInt256
    public var audit: RangePositionAudit
}

/// A concentrated pool's audit: every range position, and the balances set
/// against everything they owe.
public struct ConcentratedPoolAudit: Sendable, Equatable {
    public var pool: PoolState
    /// The pool's V3 state (`pool.body`'s).
    public var v3: ConcentratedPool
    public var valuation: Valuation?
    public var positions: [RangePositionAudit]
    /// Sum of every position's claimable amounts plus the protocol's fees.
    public var owed0: UInt256
    public var owed1: UInt256

    /// One row per NFT of the pool's managers (each one's share of the manager's position), in manager then token id order.
    public var nfts: [NFTPositionAudit]

    /// Audits every open position of the book (every one ever opened, with `includeExited`), in canonical order.
    public init(pool: PoolState, book: ConcentratedBook, valuation: Valuation?, includeExited: Bool) throws(AuditError) {
        guard case .concentrated(let v3) = pool.body else {
            throw AuditError("pool \(pool.pool) is \(pool.model.displayName), not concentrated")
        }
        self.pool = pool
        self.v3 = v3
        self.valuation = valuation
        var owed0 = UInt256(high: 0, low: v3.protocolFees0), owed1 = UInt256(high: 0, low: v3.protocolFees1)
        var audits: [RangePositionAudit] = []
        for key in book.positions.keys.sorted() {
            let info = v3.positions[key] ?? ConcentratedPool.PositionInfo()
            let open = info.liquidity > 0 || info.tokensOwed0 > 0 || info.tokensOwed1 > 0
            guard open || includeExited else { continue }
            let audit = try Self.row(book.positions[key]!, info, v3: v3, valuation: valuation)
            owed0 += audit.claimable0
            owed1 += audit.claimable1
            audits.append(audit)
        }
        var nfts: [NFTPositionAudit] = []
        for nft in book.nfts.keys.sorted() {
            let history = book.nfts[nft]!
            let token = v3.managers[nft.manager]?.tokens[nft.tokenID]
            guard token != nil || includeExited else { continue }
            // The NFT as a position of its own: its liquidity, checkpoints and
            // tokens owed, settled against the pool's fee growth inside as the
            // manager settles it (the same mulDiv the pool's positions use).
            var info = ConcentratedPool.PositionInfo()
            if let token {
                info.liquidity = token.liquidity
                info.feeGrowthInside0LastX128 = token.feeGrowthInside0LastX128
                info.feeGrowthInside1LastX128 = token.feeGrowthInside1LastX128
                info.tokensOwed0 = token.tokensOwed0
                info.tokensOwed1 = token.tokensOwed1
            }
            nfts.append(NFTPositionAudit(
                key: nft, holder: token?.holder, tokensOwed0: UInt256(high: 0, low: info.tokensOwed0), tokensOwed1: UInt256(high: 0, low: info.tokensOwed1),
                audit: try Self.row(history, info, v3: v3, valuation: valuation)))
        }
        self.positions = audits
        self.nfts = nfts
        self.owed0 = owed0
        self.owed1 = owed1
    }

    /// One position's figures now: `info` is what it holds (liquidity, fee checkpoints, tokens owed), `position` its history.
    static func row(_ position: RangePosition, _ info: ConcentratedPool.PositionInfo, v3: ConcentratedPool, valuation: Valuation?) throws(AuditError) -> RangePositionAudit {
        let (principal, pending) = v3.claims(of: position.key, info)
        return try row(position, info, principal: principal, pending: pending, tick: v3.tick, valuation: valuation)
    }

    /// The same from what the position would release now (`principal`) and
    /// the fees it earned since its checkpoint (`pending`), computed by the
    /// caller (a backtest's pro-rata position, whose ticks the pool does not hold).
    static func row(
        _ position: RangePosition, _ info: ConcentratedPool.PositionInfo,
        principal: (amount0: UInt256, amount1: UInt256), pending: (amount0: UInt256, amount1: UInt256), tick: Int32, valuation: Valuation?
    ) throws(AuditError) -> RangePositionAudit {
        let key = position.key
        let tokensOwed0 = UInt256(high: 0, low: info.tokensOwed0), tokensOwed1 = UInt256(high: 0, low: info.tokensOwed1)
        func excess(_ a: UInt256, _ b: UInt256) -> UInt256 { a > b ? a - b : .zero }
        let principalOwed0 = min(excess(position.released0, position.collected0), tokensOwed0)
        let principalOwed1 = min(excess(position.released1, position.collected1), tokensOwed1)
        let uncollected0 = tokensOwed0 - principalOwed0 + pending.amount0
        let uncollected1 = tokensOwed1 - principalOwed1 + pending.amount1
        let claimable0 = principal.amount0 + tokensOwed0 + pending.amount0
        let claimable1 = principal.amount1 + tokensOwed1 + pending.amount1
        var audit = RangePositionAudit(
            position: position, liquidity: info.liquidity, inRange: key.tickLower <= tick && tick < key.tickUpper,
            principal0: principal.amount0, principal1: principal.amount1,
            principalOwed0: principalOwed0, principalOwed1: principalOwed1,
            uncollectedFees0: uncollected0, uncollectedFees1: uncollected1,
            collectedFees0: excess(position.collected0, position.released0), collectedFees1: excess(position.collected1, position.released1),
            claimable0: claimable0, claimable1: claimable1,
            value: .zero, principalValue: .zero, hodlValue: .zero, ilValue: .zero, feeValue: .zero, netValue: .zero, ilPercent: nil)
        if let valuation {
            audit.principalValue = try valuation.value(principal.amount0, principal.amount1)
            let uncollectedValue = try valuation.value(uncollected0, uncollected1)
            audit.value = audit.principalValue + uncollectedValue
            audit.hodlValue = try valuation.value(position.scaledBasis0, position.scaledBasis1, scale: Positions.liquidityScale)
            audit.feeValue = try valuation.value(audit.lifetimeFees0, audit.lifetimeFees1)
            audit.ilValue = SignedAmount(audit.principalValue) - SignedAmount(audit.hodlValue)
            audit.netValue = audit.ilValue + SignedAmount(audit.feeValue)
            if !audit.hodlValue.isZero {
                let percent = UInt256.mulDiv(audit.ilValue.magnitude, UInt256(100) * Positions.liquidityScale, audit.hodlValue)!
                audit.ilPercent = SignedAmount(percent, negative: audit.ilValue.isNegative)
            }
        }
        return audit
    }

    /// The manager law, restated for people: per manager and range, its
    /// position in the pool against its NFTs' liquidity summed from the NFTs.
    public struct ManagerRange: Sendable, Equatable {
        public var key: ConcentratedPool.PositionKey
        public var poolLiquidity: UInt256
        public var nftLiquidity: UInt256
        public var holds: Bool { poolLiquidity == nftLiquidity }
    }

    public var managerRanges: [ManagerRange] {
        // Every range where the manager holds NFTs or a position, both sides summed afresh (not the fold's running account).
        let sums = ConcentratedPool.nftLiquidity(v3.managers)
        let keys = Set(sums.keys).union(v3.positions.keys.filter { v3.managers[$0.owner] != nil && v3.positions[$0]!.liquidity > 0 })
        return keys.sorted().map { key in
            ManagerRange(key: key, poolLiquidity: UInt256(high: 0, low: v3.positions[key]?.liquidity ?? 0), nftLiquidity: sums[key] ?? .zero)
        }
    }

    /// The audit of one holder: the positions it owns directly and the NFTs it holds (the pool's totals unchanged).
    public func holding(_ holder: String) -> ConcentratedPoolAudit {
        var audit = self
        audit.positions = positions.filter { $0.position.key.owner == holder }
        audit.nfts = nfts.filter { $0.holder == holder }
        return audit
    }

    /// The balances cover everything owed (the pool's invariant, restated for people).
    public var holds: Bool { owed0 <= pool.reserve0 && owed1 <= pool.reserve1 }
}

extension Valuation {
    /// `sqrtPriceX96^2 / 2^192 * scale` as an exact-as-possible ratio: the
    /// 320-bit square is shifted (numerator and denominator alike) only as far
    /// as the numerator needs to fit in 256 bits with the scale.
    static func concentratedPrice(sqrtPriceX96: UInt256, scale: UInt256) -> Ratio? {
        let square = sqrtPriceX96.multipliedFullWidth(by: sqrtPriceX96)
        let bits = square.high.isZero ? square.low.significantBitCount : 256 + square.high.significantBitCount
        let scaleBits = scale.significantBitCount
        let shift = max(0, bits + scaleBits - 256)
        guard shift <= 192 else { return nil }
        let reduced: UInt256
        if shift == 0 {
            reduced = square.low
        } else {
            reduced = (square.low >> shift) | (square.high << (256 - shift))
        }
        let (numerator, overflow) = reduced.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return Ratio(numerator: numerator, denominator: UInt256.one << (192 - shift))
    }
}
