import Foundation
import PoolMath

/// The audit sampled along the log, for charts: floating point is fine here
/// (it is drawn, never folded back into state).
public struct AuditTimeline: Sendable {
    public struct ProviderPoint: Sendable, Equatable {
        public var value: Double
        public var hodlValue: Double
        public var feeValue: Double
        public var ilValue: Double
    }

    public struct Point: Sendable, Equatable {
        public var seq: UInt64
        public var time: UInt64?
        /// Whole token1 per whole token0.
        public var price: Double
        /// Whole tokens.
        public var reserve0: Double
        public var reserve1: Double
        /// In whole token1 at the pool's price at that point.
        public var providers: [String: ProviderPoint]
        public var feeValue: Double
        public var ilValue: Double
    }

    public private(set) var points: [Point] = []
    let stride: UInt64
    let factCount: UInt64
    private var seen: UInt64 = 0

    /// About `maxPoints` samples over a pool with `factCount` facts (the last one always).
    public init(factCount: UInt64, maxPoints: Int = 400) {
        self.factCount = factCount
        let points = UInt64(max(1, maxPoints))
        self.stride = max(1, (factCount + points - 1) / points)
    }

    /// Call after every fact of the pool.
    public mutating func observe(_ fold: AuditFold) throws(AuditError) {
        seen += 1
        guard seen % stride == 0 || seen == factCount else { return }
        guard let pool = fold.pool, let valuation = Valuation.poolPrice(pool) else { return }
        let scale = pow(10, Double(valuation.decimals))
        var providers: [String: ProviderPoint] = [:]
        var fee = 0.0, il = 0.0
        func add(_ name: String, value: UInt256, hodl: UInt256, feeValue: SignedAmount, ilValue: SignedAmount) {
            let point = ProviderPoint(
                value: Double(value) / scale, hodlValue: Double(hodl) / scale,
                feeValue: Double(feeValue) / scale, ilValue: Double(ilValue) / scale)
            providers[name] = point
            fee += point.feeValue
            il += point.ilValue
        }
        if pool.concentrated != nil {
            // A concentrated pool's providers are its range positions.
            guard let audit = try fold.concentratedAudit(valuation: valuation) else { return }
            for position in audit.positions {
                let key = position.position.key
                add("\(key.owner) \(key.tickLower)...\(key.tickUpper)", value: position.value, hodl: position.hodlValue,
                    feeValue: SignedAmount(position.feeValue), ilValue: position.ilValue)
            }
        } else {
            guard let audit = try fold.audit(valuation: valuation) else { return }
            for provider in audit.providers {
                add(provider.provider, value: provider.value, hodl: provider.hodlValue, feeValue: provider.feeValue, ilValue: provider.ilValue)
            }
        }
        points.append(Point(
            seq: pool.seq, time: pool.timeLast,
            price: pool.priceText.flatMap(Double.init) ?? 0,
            reserve0: Double(pool.reserve0) / pow(10, Double(pool.decimals0)),
            reserve1: Double(pool.reserve1) / pow(10, Double(pool.decimals1)),
            providers: providers, feeValue: fee, ilValue: il))
    }
}
