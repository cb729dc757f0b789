import Foundation
import PoolLedger
import PoolMath

/// A concentrated pool's audit sampled along its log, for charts: the
/// `AuditTimeline` of range positions. It samples the same way (about
/// `maxPoints` points, the last fact always), so memory holds the samples,
/// never the history; doubles here are drawn, never folded back into state.
public struct ConcentratedTimeline: Sendable {
    /// One position at one point, in whole token1 at the pool's price then.
    public struct PositionPoint: Sendable, Equatable {
        /// Principal plus uncollected fees (the audit's `value`).
        public var value: Double
        public var hodlValue: Double
        /// Lifetime fees, collected or not.
        public var feeValue: Double
        public var ilValue: Double
        /// The part of `feeValue` already collected, so no longer in `value`.
        public var collectedFeeValue: Double
    }

    public struct Point: Sendable, Equatable {
        public var seq: UInt64
        public var time: UInt64?
        /// Whole token1 per whole token0.
        public var price: Double
        public var tick: Int32
        /// Open positions as people hold them (`HeldPosition.id`): those held
        /// directly and each NFT (a manager's own position is the sum of its NFTs).
        public var positions: [String: PositionPoint]
        /// Summed over `positions`.
        public var feeValue: Double
        public var ilValue: Double
    }

    public private(set) var points: [Point] = []
    var sampler: FactSampler

    /// About `maxPoints` samples over a pool with `factCount` facts (the last one always).
    public init(factCount: UInt64, maxPoints: Int = 400) {
        sampler = FactSampler(factCount: factCount, maxPoints: maxPoints)
    }

    /// Call after every fact of the pool.
    public mutating func observe(_ fold: AuditFold) throws(AuditError) {
        guard sampler.next() else { return }
        guard let pool = fold.pool, case .concentrated(let v3) = pool.body, let audit = try fold.concentratedAudit() else { return }
        var point = Point(
            seq: pool.seq, time: pool.timeLast,
            price: RangePrice.price(sqrtPriceX96: v3.sqrtPriceX96, pool: pool), tick: v3.tick,
            positions: [:], feeValue: 0, ilValue: 0)
        // Without a price to value at the point still charts the price.
        if let valuation = audit.valuation {
            let scale = pow(10, Double(valuation.decimals))
            for held in HeldPosition.all(audit) {
                let figures = Self.figures(held.row, scale: scale)
                point.positions[held.id] = figures
                point.feeValue += figures.feeValue
                point.ilValue += figures.ilValue
            }
        }
        points.append(point)
    }

    static func figures(_ position: RangePositionAudit, scale: Double) -> PositionPoint {
        // Lifetime fees less the uncollected ones (which `value` holds), as the timeline export derives it.
        let collected = SignedAmount(position.feeValue) - (SignedAmount(position.value) - SignedAmount(position.principalValue))
        return PositionPoint(
            value: Double(position.value) / scale, hodlValue: Double(position.hodlValue) / scale,
            feeValue: Double(position.feeValue) / scale, ilValue: Double(position.ilValue) / scale,
            collectedFeeValue: Double(collected) / scale)
    }
}

/// A position as people hold it: one held directly (its owner's, in its
/// range), or an NFT of a position manager, whose own position in the pool
/// is the sum of its NFTs and so is not listed again.
public struct HeldPosition: Sendable {
    /// Stable across the history: `owner tick_lower...tick_upper`, or `NFT id (manager)`.
    public var id: String
    /// As a table or a legend names it.
    public var name: String
    public var row: RangePositionAudit

    public static func all(_ audit: ConcentratedPoolAudit) -> [HeldPosition] {
        var held: [HeldPosition] = []
        for position in audit.positions where audit.v3.managers[position.position.key.owner] == nil {
            let key = position.position.key
            held.append(HeldPosition(id: "\(key.owner) \(key.tickLower)...\(key.tickUpper)", name: key.owner, row: position))
        }
        for nft in audit.nfts {
            held.append(HeldPosition(id: "NFT \(nft.key.tokenID) (\(nft.key.manager))", name: "NFT \(nft.key.tokenID) of \(nft.holder ?? "(burned)")", row: nft.audit))
        }
        return held
    }
}

/// Prices of a concentrated pool for drawing: whole token1 per whole token0,
/// adjusted for the tokens' decimals. Doubles: for charts only.
public enum RangePrice {
    /// The price at a Q64.96 square-root price.
    public static func price(sqrtPriceX96: UInt256, pool: PoolState) -> Double {
        let root = Double(sqrtPriceX96) / 0x1p96
        return root * root * decimalShift(pool)
    }

    /// The price at a tick, 1.0001^tick: the ends of a position's range.
    public static func price(tick: Int32, pool: PoolState) -> Double {
        pow(1.0001, Double(tick)) * decimalShift(pool)
    }

    /// Base-unit prices to whole-token prices: times 10^(decimals0 - decimals1).
    static func decimalShift(_ pool: PoolState) -> Double {
        pow(10, Double(Int(pool.decimals0) - Int(pool.decimals1)))
    }
}
