import PoolMath

/// What every pool has, whatever its model: its id, tokens, fee and protocol
/// fee recipient, and the ledger's bookkeeping (the last time seen, the
/// sequence number of the last fact folded in).
public struct PoolHeader: Sendable, Equatable {
    public let pool: String
    public var token0: String
    public var token1: String
    public var decimals0: UInt8
    public var decimals1: UInt8
    public var feePPM: UInt32
    /// Protocol fee recipient; nil means the protocol fee is off.
    public var feeTo: String?
    /// The last `time` seen on any fact of this pool; times never decrease within a pool.
    public var timeLast: UInt64?
    /// Sequence number of the last fact folded into this pool (0 before any): its version.
    public var seq: UInt64 = 0

    /// The header a `pool_created` fact sets (no time, seq 0).
    public init(created: PoolCreated) {
        self.pool = created.pool
        self.token0 = created.token0
        self.token1 = created.token1
        self.decimals0 = created.decimals0
        self.decimals1 = created.decimals1
        self.feePPM = created.feePPM
        self.feeTo = created.feeTo
    }

    public var feeOn: Bool { feeTo != nil }
}

/// A pool's own state, one case per model. Every place that depends on the
/// model switches over it, so the compiler names each place a new model
/// must fill in (docs/adding-a-pool-model.md).
public enum PoolBody: Sendable, Equatable {
    /// Uniswap V2: reserves and shares (`Models/ConstantProduct`).
    case constantProduct(ConstantProductPool)
    /// Uniswap V3: price, ticks, range positions (`Models/Concentrated`).
    case concentrated(ConcentratedPool)

    /// The empty body a `pool_created` fact opens.
    init(created: PoolCreated) throws(Rejection) {
        switch created.model {
        case .constantProduct: self = .constantProduct(ConstantProductPool())
        case .concentrated: self = .concentrated(try ConcentratedPool(created: created))
        }
    }

    public var model: PoolModel {
        switch self {
        case .constantProduct: return .constantProduct
        case .concentrated: return .concentrated
        }
    }

    /// Changes a constant-product body in place: the pair is moved out of the
    /// enum and back (not copied), so its share table is neither retained nor
    /// copied (the V2 swap's hot path). False, and `change` not run, for
    /// another model.
    @inline(__always)
    mutating func updatePair(_ change: (inout ConstantProductPool) throws(Rejection) -> Void) throws(Rejection) -> Bool {
        // Asked first: moving another model's body out and back copies it (a V3 pool's is most of a kilobyte).
        guard case .constantProduct = self else { return false }
        switch consume self {
        case .constantProduct(var pair):
            defer { self = .constantProduct(pair) }
            try change(&pair)
            return true
        case .concentrated(let v3):
            self = .concentrated(v3)
            return false
        }
    }

    /// Changes a concentrated body in place (moved out and back, so its tick
    /// and position tables are changed where they are, not copied). False, and
    /// `change` not run, for another model.
    @inline(__always)
    mutating func updateConcentrated(_ change: (inout ConcentratedPool) throws(Rejection) -> Void) throws(Rejection) -> Bool {
        guard case .concentrated = self else { return false }
        switch consume self {
        case .concentrated(var v3):
            defer { self = .concentrated(v3) }
            try change(&v3)
            return true
        case .constantProduct(let pair):
            self = .constantProduct(pair)
            return false
        }
    }
}

/// The state of one pool: the header every model shares and the model's own
/// body. A pure value; facts fold into it.
///
/// The header's fields read directly (`pool.token0`, `pool.seq`).
@dynamicMemberLookup
public struct PoolState: Sendable, Equatable {
    public var header: PoolHeader
    public var body: PoolBody

    /// A pool from its parts (a restored snapshot; a rejected state is the laws' to find).
    public init(header: PoolHeader, body: PoolBody) {
        self.header = header
        self.body = body
    }

    /// The pool a `pool_created` fact opens (for a concentrated pool it needs
    /// `tick_spacing` and `sqrt_price_x96`).
    public init(created: PoolCreated) throws(Rejection) {
        self.init(header: PoolHeader(created: created), body: try PoolBody(created: created))
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<PoolHeader, T>) -> T { header[keyPath: keyPath] }
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PoolHeader, T>) -> T {
        get { header[keyPath: keyPath] }
        set { header[keyPath: keyPath] = newValue }
    }

    public var model: PoolModel { body.model }

    /// What the pool holds of token0: a pair's reserve, a V3 pool's balance.
    public var reserve0: UInt256 {
        switch body {
        case .constantProduct(let pair): return pair.reserve0
        case .concentrated(let v3): return v3.balance0
        }
    }

    /// What the pool holds of token1.
    public var reserve1: UInt256 {
        switch body {
        case .constantProduct(let pair): return pair.reserve1
        case .concentrated(let v3): return v3.balance1
        }
    }

    /// The product of the (virtual) reserves: `reserve0 * reserve1` for a pair,
    /// liquidity^2 for a V3 pool.
    public var k: UInt256 {
        switch body {
        case .constantProduct(let pair): return pair.k
        case .concentrated(let v3): return v3.k
        }
    }
}
