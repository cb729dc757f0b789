import PoolLedger
import PoolMath

/// Tests read a pool's model state directly: the library switches over
/// `PoolState.body`, tests that know their pool's model ask for it by name
/// (a test asking for the wrong model stops there).
extension PoolState {
    /// The pair's state; nil for another model.
    public var constantProduct: ConstantProductPool? {
        guard case .constantProduct(let pair) = body else { return nil }
        return pair
    }

    /// The V3 state; nil for another model.
    public var concentrated: ConcentratedPool? {
        guard case .concentrated(let v3) = body else { return nil }
        return v3
    }

    /// A pair's fields, read from a pool the test knows is constant product.
    public var pair: ConstantProductPool {
        guard let pair = constantProduct else { preconditionFailure("pool \(header.pool) is \(model.displayName), not constant product") }
        return pair
    }

    public var totalShares: UInt256 { pair.totalShares }
    public var kLast: UInt256 { pair.kLast }
    public var shares: [String: UInt256] { pair.shares }
    public func shares(of owner: String) -> UInt256 { pair.shares(of: owner) }
    public var price0Cumulative: UInt256 { pair.price0Cumulative }
    public var price1Cumulative: UInt256 { pair.price1Cumulative }
    public var blockTimestampLast: UInt32 { pair.blockTimestampLast }
}
