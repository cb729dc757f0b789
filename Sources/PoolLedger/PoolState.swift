import PoolMath

/// The state of one pool: what the pair contract stores, plus the ledger's own
/// bookkeeping (`seq`, `time_last`). A pure value; facts fold into it.
public struct PoolState: Sendable, Equatable {
    public let pool: String
    public var token0: String
    public var token1: String
    public var decimals0: UInt8
    public var decimals1: UInt8
    public var feePPM: UInt32
    /// Protocol fee recipient; nil means the protocol fee is off.
    public var feeTo: String?
    public var model: PoolModel

    public var reserve0: UInt256 = .zero
    public var reserve1: UInt256 = .zero
    public var totalShares: UInt256 = .zero
    /// `reserve0 * reserve1` as of the last liquidity change while the protocol fee was on.
    public var kLast: UInt256 = .zero
    /// Every owner's shares; owners with zero shares are left out.
    public var shares: [String: UInt256] = [:]

    /// TWAP accumulators, advanced only by facts that carry `time` (wrapping mod 2^256).
    public var price0Cumulative: UInt256 = .zero
    public var price1Cumulative: UInt256 = .zero
    /// `time mod 2^32` of the last reserve change that carried a time, as the pair stores it.
    public var blockTimestampLast: UInt32 = 0
    /// The last `time` seen on any fact of this pool; times never decrease within a pool.
    public var timeLast: UInt64?

    /// Concentrated pools: the V3 pool (price, ticks, positions, fee growth).
    /// `reserve0`/`reserve1` are then the pool's token balances, and the share
    /// table stays empty (a position is liquidity over a range, not shares).
    public var concentrated: ConcentratedPool?

    /// Sequence number of the last fact folded into this pool (0 before any).
    public var seq: UInt64 = 0

    public init(created: PoolCreated) {
        self.pool = created.pool
        self.token0 = created.token0
        self.token1 = created.token1
        self.decimals0 = created.decimals0
        self.decimals1 = created.decimals1
        self.feePPM = created.feePPM
        self.feeTo = created.feeTo
        self.model = created.model
    }

    /// `reserve0 * reserve1`; reserves are uint112, so the product always fits.
    /// For a concentrated pool, the virtual reserves' product: liquidity^2
    /// (liquidity is uint128, so it fits too).
    public var k: UInt256 {
        if let concentrated {
            let liquidity = UInt256(high: 0, low: concentrated.liquidity)
            return liquidity * liquidity
        }
        return reserve0 * reserve1
    }

    public var feeOn: Bool { feeTo != nil }

    public func shares(of owner: String) -> UInt256 { shares[owner] ?? .zero }

    /// Credits or debits an owner, keeping zero balances out of the table.
    mutating func setShares(_ value: UInt256, of owner: String) {
        if value.isZero {
            shares.removeValue(forKey: owner)
        } else {
            shares[owner] = value
        }
    }
}
