import PoolMath

// The facts and commands of positions held through a position manager
// (Uniswap/v3-periphery `NonfungiblePositionManager`): in the pool the
// manager owns one position per range, and each NFT is a share of it.
//
// One fact stands for one manager call: the pool's log and the manager's
// logs of that call together (a mint: the pool's Mint, the ERC-721 Transfer
// from the zero address and IncreaseLiquidity; a collect: the pool's poke
// Burn of 0, its Collect and the manager's Collect). So the pool and the
// manager's books never disagree between two facts, and the fold re-runs and
// checks both halves: the pool's with the pool model, the NFT's with
// `PositionManager`.

/// The mainnet NonfungiblePositionManager, the default manager.
public let mainnetPositionManager = "0xc36442b4a4522e871399cd717abdd847ab11fe88"

/// `nft_minted`, `nft_liquidity_increased`, `nft_liquidity_decreased`: the
/// manager's mint, increase or decrease of `liquidity` in the NFT's range (the
/// pool's Mint or Burn with owner = the manager), and the tokens it took
/// (rounded up) or released into the NFT's tokens owed (rounded down): the
/// amounts of both logs, which are equal.
public struct NFTLiquidityChanged: Sendable, Equatable {
    public var pool: String
    public var manager: String
    public var tokenID: UInt256
    /// `nft_minted` only: the NFT's first holder (the Transfer's `to`).
    public var holder: String?
    public var tickLower: Int32
    public var tickUpper: Int32
    public var liquidity: UInt256
    public var amount0: UInt256
    public var amount1: UInt256
    /// The pool log's id (`tx:log_index`) when the fact comes from chain logs; the fact's own id is the manager log's.
    public var poolLog: String?

    public init(
        pool: String, manager: String, tokenID: UInt256, holder: String? = nil, tickLower: Int32, tickUpper: Int32,
        liquidity: UInt256, amount0: UInt256, amount1: UInt256, poolLog: String? = nil
    ) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.holder = holder
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.liquidity = liquidity
        self.amount0 = amount0
        self.amount1 = amount1
        self.poolLog = poolLog
    }

    /// The manager's position in the pool that the NFT is a share of.
    public var poolPosition: ConcentratedPool.PositionKey {
        ConcentratedPool.PositionKey(owner: manager, tickLower: tickLower, tickUpper: tickUpper)
    }
}

/// `nft_collected`: the manager's collect for an NFT. `amount0`/`amount1` are
/// what the manager's Collect log states (taken from the NFT's tokens owed);
/// `pool_amount0`/`pool_amount1` what the pool's Collect paid, which can be a
/// few wei less (the pool pays what its position holds): both are kept.
public struct NFTCollected: Sendable, Equatable {
    public var pool: String
    public var manager: String
    public var tokenID: UInt256
    public var tickLower: Int32
    public var tickUpper: Int32
    public var recipient: String
    public var amount0: UInt256
    public var amount1: UInt256
    public var poolAmount0: UInt256
    public var poolAmount1: UInt256
    public var poolLog: String?

    public init(
        pool: String, manager: String, tokenID: UInt256, tickLower: Int32, tickUpper: Int32, recipient: String,
        amount0: UInt256, amount1: UInt256, poolAmount0: UInt256, poolAmount1: UInt256, poolLog: String? = nil
    ) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.recipient = recipient
        self.amount0 = amount0
        self.amount1 = amount1
        self.poolAmount0 = poolAmount0
        self.poolAmount1 = poolAmount1
        self.poolLog = poolLog
    }

    public var poolPosition: ConcentratedPool.PositionKey {
        ConcentratedPool.PositionKey(owner: manager, tickLower: tickLower, tickUpper: tickUpper)
    }
}

/// `nft_transferred` (an ERC-721 Transfer between holders) and `nft_burned`
/// (the manager's `burn`: a Transfer to the zero address, `to` is then the
/// zero address and the NFT must be cleared). Also the `transfer_nft` command.
public struct NFTTransferred: Sendable, Equatable {
    public var pool: String
    public var manager: String
    public var tokenID: UInt256
    public var from: String
    public var to: String

    public init(pool: String, manager: String, tokenID: UInt256, from: String, to: String) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.from = from
        self.to = to
    }
}

/// `mint_nft_position`: the manager's `mint`: a new NFT for `holder` with
/// `liquidity` in the range, paying what the pool's mint takes (at most the
/// maxima). `token_id` defaults to one above the highest the manager holds
/// in this pool (the contract counts across pools: give it to keep ids
/// unique across pools); `manager` to the mainnet manager.
public struct MintNFTPosition: Sendable, Equatable {
    public var pool: String
    public var manager: String
    public var holder: String
    public var tokenID: UInt256?
    public var tickLower: Int32
    public var tickUpper: Int32
    public var liquidity: UInt256
    public var amount0Max: UInt256?
    public var amount1Max: UInt256?

    public init(
        pool: String, manager: String = mainnetPositionManager, holder: String, tokenID: UInt256? = nil, tickLower: Int32, tickUpper: Int32,
        liquidity: UInt256, amount0Max: UInt256? = nil, amount1Max: UInt256? = nil
    ) {
        self.pool = pool
        self.manager = manager
        self.holder = holder
        self.tokenID = tokenID
        self.tickLower = tickLower
        self.tickUpper = tickUpper
        self.liquidity = liquidity
        self.amount0Max = amount0Max
        self.amount1Max = amount1Max
    }
}

/// `increase_liquidity` (maxima) and `decrease_liquidity` (minima) of an NFT;
/// `manager` defaults to the one manager holding the token id in the pool.
public struct ChangeNFTLiquidity: Sendable, Equatable {
    public var pool: String
    public var manager: String?
    public var tokenID: UInt256
    public var liquidity: UInt256
    /// The maxima of an increase, the minima of a decrease.
    public var amount0Limit: UInt256?
    public var amount1Limit: UInt256?

    public init(pool: String, manager: String? = nil, tokenID: UInt256, liquidity: UInt256, amount0Limit: UInt256? = nil, amount1Limit: UInt256? = nil) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.liquidity = liquidity
        self.amount0Limit = amount0Limit
        self.amount1Limit = amount1Limit
    }
}

/// `collect_nft`: what the NFT is owed (fees credited first), up to the
/// maxima (none: all), paid to `recipient` (default: the holder).
public struct CollectNFT: Sendable, Equatable {
    public var pool: String
    public var manager: String?
    public var tokenID: UInt256
    public var recipient: String?
    public var amount0Max: UInt256?
    public var amount1Max: UInt256?

    public init(pool: String, manager: String? = nil, tokenID: UInt256, recipient: String? = nil, amount0Max: UInt256? = nil, amount1Max: UInt256? = nil) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.recipient = recipient
        self.amount0Max = amount0Max
        self.amount1Max = amount1Max
    }
}

/// `transfer_nft` (`from` defaults to the holder) and `burn_nft` (`to` unused).
public struct MoveNFT: Sendable, Equatable {
    public var pool: String
    public var manager: String?
    public var tokenID: UInt256
    public var from: String?
    public var to: String

    public init(pool: String, manager: String? = nil, tokenID: UInt256, from: String? = nil, to: String) {
        self.pool = pool
        self.manager = manager
        self.tokenID = tokenID
        self.from = from
        self.to = to
    }
}
