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

    public var key: ConcentratedPool.PositionKey { ConcentratedPool.PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper) }
}

/// `fees_collected` (concentrated pools): tokens owed to a position paid out.
public struct FeesCollected: Sendable, Equatable {
    public var key: ConcentratedPool.PositionKey { ConcentratedPool.PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper) }

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

/// `flash` (concentrated pools): `amount0`/`amount1` lent to `recipient` and
/// `paid0`/`paid1` paid back within the call (at least the amount plus the
/// fee, rounded up); what was paid beyond the amount grows fee growth, the
/// protocol's share first (`UniswapV3Pool.flash`).
public struct Flash: Sendable, Equatable {
    public var pool: String
    public var recipient: String
    public var amount0: UInt256
    public var amount1: UInt256
    /// What came back beyond the amount lent: the contract's `paid0`/`paid1`.
    public var paid0: UInt256
    public var paid1: UInt256

    public init(pool: String, recipient: String, amount0: UInt256, amount1: UInt256, paid0: UInt256, paid1: UInt256) {
        self.pool = pool
        self.recipient = recipient
        self.amount0 = amount0
        self.amount1 = amount1
        self.paid0 = paid0
        self.paid1 = paid1
    }
}

/// `protocol_fee_set` (concentrated pools): the factory owner's
/// `setFeeProtocol`: the protocol takes 1/N of each swap's fee in each token
/// (N 4 to 10, or 0: none). Also the `set_fee_protocol` command.
public struct ProtocolFeeSet: Sendable, Equatable {
    public var pool: String
    public var feeProtocol0: UInt8
    public var feeProtocol1: UInt8

    public init(pool: String, feeProtocol0: UInt8, feeProtocol1: UInt8) {
        self.pool = pool
        self.feeProtocol0 = feeProtocol0
        self.feeProtocol1 = feeProtocol1
    }
}

/// `protocol_fees_collected` (concentrated pools): `collectProtocol` paid the
/// protocol's accrued fees out to `recipient` (never the last wei of each:
/// the contract leaves it).
public struct ProtocolFeesCollected: Sendable, Equatable {
    public var pool: String
    public var recipient: String
    public var amount0: UInt256
    public var amount1: UInt256

    public init(pool: String, recipient: String, amount0: UInt256, amount1: UInt256) {
        self.pool = pool
        self.recipient = recipient
        self.amount0 = amount0
        self.amount1 = amount1
    }
}

/// `flash` command: lend `amount0`/`amount1` to `recipient`, paid back with
/// `paid0`/`paid1` beyond the amounts (default: exactly the fee).
public struct FlashLoan: Sendable, Equatable {
    public var pool: String
    public var recipient: String
    public var amount0: UInt256
    public var amount1: UInt256
    public var paid0: UInt256?
    public var paid1: UInt256?

    public init(pool: String, recipient: String, amount0: UInt256, amount1: UInt256, paid0: UInt256? = nil, paid1: UInt256? = nil) {
        self.pool = pool
        self.recipient = recipient
        self.amount0 = amount0
        self.amount1 = amount1
        self.paid0 = paid0
        self.paid1 = paid1
    }
}

/// `collect_protocol` command: pay the protocol's fees out, up to the amounts requested (default: all the contract gives).
public struct CollectProtocol: Sendable, Equatable {
    public var pool: String
    public var recipient: String
    public var amount0Requested: UInt256?
    public var amount1Requested: UInt256?

    public init(pool: String, recipient: String, amount0Requested: UInt256? = nil, amount1Requested: UInt256? = nil) {
        self.pool = pool
        self.recipient = recipient
        self.amount0Requested = amount0Requested
        self.amount1Requested = amount1Requested
    }
}
