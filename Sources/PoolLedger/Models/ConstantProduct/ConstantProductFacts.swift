import PoolMath

// The facts and commands only constant-product pools take (`FactBody` and
// `CommandBody` list every fact type and command).

/// `liquidity_added`: a provider deposited both tokens and was minted `shares`.
///
/// `protocol_fee_shares` is an optional extension of the contract: the shares
/// `_mintFee` minted to `fee_to` just before this deposit. PoolLedger always
/// derives them; when a fact carries them, they are checked.
public struct LiquidityAdded: Sendable, Equatable {
    public var pool: String
    public var provider: String
    public var amount0: UInt256
    public var amount1: UInt256
    public var shares: UInt256
    public var protocolFeeShares: UInt256?

    public init(pool: String, provider: String, amount0: UInt256, amount1: UInt256, shares: UInt256, protocolFeeShares: UInt256? = nil) {
        self.pool = pool
        self.provider = provider
        self.amount0 = amount0
        self.amount1 = amount1
        self.shares = shares
        self.protocolFeeShares = protocolFeeShares
    }
}

/// `liquidity_removed`: a provider burned `shares` and was paid `amount0`, `amount1`.
public struct LiquidityRemoved: Sendable, Equatable {
    public var pool: String
    public var provider: String
    public var shares: UInt256
    public var amount0: UInt256
    public var amount1: UInt256
    public var protocolFeeShares: UInt256?

    public init(pool: String, provider: String, shares: UInt256, amount0: UInt256, amount1: UInt256, protocolFeeShares: UInt256? = nil) {
        self.pool = pool
        self.provider = provider
        self.shares = shares
        self.amount0 = amount0
        self.amount1 = amount1
        self.protocolFeeShares = protocolFeeShares
    }
}

/// `shares_transferred`: LP shares moved between owners.
public struct SharesTransferred: Sendable, Equatable {
    public var pool: String
    public var from: String
    public var to: String
    public var shares: UInt256

    public init(pool: String, from: String, to: String, shares: UInt256) {
        self.pool = pool
        self.from = from
        self.to = to
        self.shares = shares
    }
}

/// `fee_to_set`: the protocol fee recipient changed (null switches the fee off).
public struct FeeToSet: Sendable, Equatable {
    public var pool: String
    public var feeTo: String?

    public init(pool: String, feeTo: String?) {
        self.pool = pool
        self.feeTo = feeTo
    }
}

/// `reserves_synced`: the pair's `sync()` set the reserves to its balances
/// (tokens sent to the pair outside mint/swap, a donation, taken up). An
/// extension of the contract: a Sync log with no Mint, Burn or Swap after it.
public struct ReservesSynced: Sendable, Equatable {
    public var pool: String
    public var reserve0: UInt256
    public var reserve1: UInt256

    public init(pool: String, reserve0: UInt256, reserve1: UInt256) {
        self.pool = pool
        self.reserve0 = reserve0
        self.reserve1 = reserve1
    }
}

/// `add_liquidity`: router semantics, the optimal pair at the current ratio;
/// or, with `exactAmounts`, the pair's own `mint` of exactly the desired
/// amounts sent to it (as a contract calling the pair directly does): shares
/// by the smaller side, the other side's excess left to the pool. A backtest
/// puts a recorded deposit back so.
public struct AddLiquidity: Sendable, Equatable {
    public var pool: String
    public var provider: String
    public var amount0Desired: UInt256
    public var amount1Desired: UInt256
    public var amount0Min: UInt256
    public var amount1Min: UInt256
    public var exactAmounts: Bool

    public init(pool: String, provider: String, amount0Desired: UInt256, amount1Desired: UInt256, amount0Min: UInt256 = .zero, amount1Min: UInt256 = .zero, exactAmounts: Bool = false) {
        self.pool = pool
        self.provider = provider
        self.amount0Desired = amount0Desired
        self.amount1Desired = amount1Desired
        self.amount0Min = amount0Min
        self.amount1Min = amount1Min
        self.exactAmounts = exactAmounts
    }
}

/// `remove_liquidity`: burn shares, with optional minimum payouts.
public struct RemoveLiquidity: Sendable, Equatable {
    public var pool: String
    public var provider: String
    public var shares: UInt256
    public var amount0Min: UInt256
    public var amount1Min: UInt256

    public init(pool: String, provider: String, shares: UInt256, amount0Min: UInt256 = .zero, amount1Min: UInt256 = .zero) {
        self.pool = pool
        self.provider = provider
        self.shares = shares
        self.amount0Min = amount0Min
        self.amount1Min = amount1Min
    }
}
