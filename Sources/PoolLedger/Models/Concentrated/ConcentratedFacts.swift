import PoolMath

// The facts and commands only concentrated pools take (`FactBody` and
// `CommandBody` list every fact type and command).

/// `position_minted` / `position_burned` (concentrated pools): liquidity added to
/// or removed from an owner's range, and the tokens it took or released.
public struct PositionChanged: Sendable, Equatable {
    public var pool: String
    public var owner: String
    public var tickLower: Int32
    public var tickUpper: Int32
    public var liquidity: UInt256
    public var amount0: UInt256
    public var amount1: UInt256

    public init(pool: String, owner: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt256, amount0: UInt256, amount1: UInt256) {
        self.pool = pool
        self.owner = owner
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.liquidity = liquidity
        self.amount0 = amount0
        self.amount1 = amount1
    }
}

/// `fees_collected` (concentrated pools): tokens owed to a position paid out.
public struct FeesCollected: Sendable, Equatable {
    public var pool: String
    public var owner: String
    public var tickLower: Int32
    public var tickUpper: Int32
    public var amount0: UInt256
    public var amount1: UInt256

    public init(pool: String, owner: String, tickLower: Int32, tickUpper: Int32, amount0: UInt256, amount1: UInt256) {
        self.pool = pool
        self.owner = owner
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.amount0 = amount0
        self.amount1 = amount1
    }
}


/// `mint_position` (concentrated pools): add `liquidity` to the owner's range,
/// paying what the mint takes (rounded up), at most `amount0_max`/`amount1_max`.
public struct MintPosition: Sendable, Equatable {
    public var pool: String
    public var owner: String
    public var tickLower: Int32
    public var tickUpper: Int32
    public var liquidity: UInt256
    public var amount0Max: UInt256?
    public var amount1Max: UInt256?

    public init(pool: String, owner: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt256, amount0Max: UInt256? = nil, amount1Max: UInt256? = nil) {
        self.pool = pool
        self.owner = owner
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.liquidity = liquidity
        self.amount0Max = amount0Max
        self.amount1Max = amount1Max
    }
}

/// `burn_position` (concentrated pools): remove `liquidity` (0 only moves
/// earned fees into tokens owed); the released tokens become owed, at least
/// `amount0_min`/`amount1_min`.
public struct BurnPosition: Sendable, Equatable {
    public var pool: String
    public var owner: String
    public var tickLower: Int32
    public var tickUpper: Int32
    public var liquidity: UInt256
    public var amount0Min: UInt256
    public var amount1Min: UInt256

    public init(pool: String, owner: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt256, amount0Min: UInt256 = .zero, amount1Min: UInt256 = .zero) {
        self.pool = pool
        self.owner = owner
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.liquidity = liquidity
        self.amount0Min = amount0Min
        self.amount1Min = amount1Min
    }
}

/// `collect` (concentrated pools): pay out what the position is owed, up to
/// `amount0_max`/`amount1_max` (none: all of it).
public struct CollectFees: Sendable, Equatable {
    public var pool: String
    public var owner: String
    public var tickLower: Int32
    public var tickUpper: Int32
    public var amount0Max: UInt256?
    public var amount1Max: UInt256?

    public init(pool: String, owner: String, tickLower: Int32, tickUpper: Int32, amount0Max: UInt256? = nil, amount1Max: UInt256? = nil) {
        self.pool = pool
        self.owner = owner
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.amount0Max = amount0Max
        self.amount1Max = amount1Max
    }
}
