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
    var sampler: FactSampler

    /// About `maxPoints` samples over a pool with `factCount` facts (the last one always).
    public init(factCount: UInt64, maxPoints: Int = 400) {
        sampler = FactSampler(factCount: factCount, maxPoints: maxPoints)
    }

    /// Call after every fact of the pool.
    public mutating func observe(_ fold: AuditFold) throws(AuditError) {
        guard sampler.next() else { return }
        guard let pool = fold.pool, let valuation = Valuation.poolPrice(pool),
              let audit = try fold.audit(valuation: valuation) else { return }
        let scale = pow(10, Double(valuation.decimals))
        var providers: [String: ProviderPoint] = [:]
        var fee = 0.0, il = 0.0
        for provider in audit.providers {
            let point = ProviderPoint(
                value: Double(provider.value) / scale, hodlValue: Double(provider.hodlValue) / scale,
                feeValue: Double(provider.feeValue) / scale, ilValue: Double(provider.ilValue) / scale)
            providers[provider.provider] = point
            fee += point.feeValue
            il += point.ilValue
        }
        points.append(Point(
            seq: pool.seq, time: pool.timeLast,
            price: pool.priceText.flatMap(Double.init) ?? 0,
            reserve0: Double(pool.reserve0) / pow(10, Double(pool.decimals0)),
            reserve1: Double(pool.reserve1) / pow(10, Double(pool.decimals1)),
            providers: providers, feeValue: fee, ilValue: il))
    }
}

/// Which facts of a pool's log a chart samples: about `maxPoints` evenly
/// spaced, the last always, so that memory holds the samples, never the history.
public struct FactSampler: Sendable {
    let stride: UInt64
    let factCount: UInt64
    private var seen: UInt64 = 0

    public init(factCount: UInt64, maxPoints: Int) {
        self.factCount = factCount
        let points = UInt64(max(1, maxPoints))
        self.stride = max(1, (factCount + points - 1) / points)
    }

    /// Call once per fact: whether this one is sampled.
    public mutating func next() -> Bool {
        seen += 1
        return seen % stride == 0 || seen == factCount
    }
}
