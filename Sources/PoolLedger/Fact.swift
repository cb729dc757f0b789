import PoolMath

/// The zero address: owner of the 1000 shares the first deposit locks forever.
public let zeroAddress = "0x0000000000000000000000000000000000000000"

/// The pool's pricing model: constant product (Uniswap V2), or concentrated
/// liquidity (Uniswap V3), whose facts the contract's extension defines (docs/format.md).
public enum PoolModel: String, Sendable, Equatable, CaseIterable {
    case constantProduct = "constant_product"
    case concentrated = "concentrated"

    /// The model as a message names it.
    public var displayName: String {
        switch self {
        case .constantProduct: return "constant product"
        case .concentrated: return "concentrated"
        }
    }
}

/// `pool_created`: a pool, its tokens and its fee.
public struct PoolCreated: Sendable, Equatable {
    public var pool: String
    public var token0: String
    public var token1: String
    public var decimals0: UInt8
    public var decimals1: UInt8
    public var feePPM: UInt32
    public var feeTo: String?
    public var model: PoolModel
    /// Concentrated pools: the tick spacing (1...16383) and the initial price (Q64.96).
    public var tickSpacing: Int32?
    public var sqrtPriceX96: UInt256?

    public init(
        pool: String, token0: String, token1: String, decimals0: UInt8 = 18, decimals1: UInt8 = 18,
        feePPM: UInt32 = 3000, feeTo: String? = nil, model: PoolModel = .constantProduct,
        tickSpacing: Int32? = nil, sqrtPriceX96: UInt256? = nil
    ) {
        self.tickSpacing = tickSpacing
        self.sqrtPriceX96 = sqrtPriceX96
        self.pool = pool
        self.token0 = token0
        self.token1 = token1
        self.decimals0 = decimals0
        self.decimals1 = decimals1
        self.feePPM = feePPM
        self.feeTo = feeTo
        self.model = model
    }
}

/// `swap`: amounts in and out of each token, as the pair's `Swap` log records them.
public struct Swap: Sendable, Equatable {
    public var pool: String
    public var trader: String
    public var amount0In: UInt256
    public var amount1In: UInt256
    public var amount0Out: UInt256
    public var amount1Out: UInt256
    /// Concentrated pools only, checked exactly when present: the chain's price,
    /// tick and active liquidity after the swap (what the V3 Swap log records).
    public var sqrtPriceX96After: UInt256?
    public var tickAfter: Int32?
    public var liquidityAfter: UInt256?
    /// Concentrated pools: the price limit the swap was given, when it was not
    /// the router's default (the extreme in its direction). A swap that stopped
    /// at its limit consumed less than offered; re-folding runs it to this limit.
    public var sqrtPriceLimitX96: UInt256?

    public var hasConcentratedFields: Bool { sqrtPriceX96After != nil || tickAfter != nil || liquidityAfter != nil || sqrtPriceLimitX96 != nil }

    public init(
        pool: String, trader: String, amount0In: UInt256 = .zero, amount1In: UInt256 = .zero, amount0Out: UInt256 = .zero, amount1Out: UInt256 = .zero,
        sqrtPriceX96After: UInt256? = nil, tickAfter: Int32? = nil, liquidityAfter: UInt256? = nil, sqrtPriceLimitX96: UInt256? = nil
    ) {
        self.sqrtPriceLimitX96 = sqrtPriceLimitX96
        self.sqrtPriceX96After = sqrtPriceX96After
        self.tickAfter = tickAfter
        self.liquidityAfter = liquidityAfter
        self.pool = pool
        self.trader = trader
        self.amount0In = amount0In
        self.amount1In = amount1In
        self.amount0Out = amount0Out
        self.amount1Out = amount1Out
    }
}

/// What happened, one of the contract's event types.
public enum FactBody: Sendable, Equatable {
    case poolCreated(PoolCreated)
    case liquidityAdded(LiquidityAdded)
    case liquidityRemoved(LiquidityRemoved)
    case swap(Swap)
    case sharesTransferred(SharesTransferred)
    case feeToSet(FeeToSet)
    case reservesSynced(ReservesSynced)
    case positionMinted(PositionChanged)
    case positionBurned(PositionChanged)
    case feesCollected(FeesCollected)
    case flash(Flash)
    case protocolFeeSet(ProtocolFeeSet)
    case protocolFeesCollected(ProtocolFeesCollected)
    case nftMinted(NFTLiquidityChanged)
    case nftLiquidityIncreased(NFTLiquidityChanged)
    case nftLiquidityDecreased(NFTLiquidityChanged)
    case nftCollected(NFTCollected)
    case nftTransferred(NFTTransferred)
    case nftBurned(NFTTransferred)

    public var pool: String {
        switch self {
        case .poolCreated(let f): return f.pool
        case .liquidityAdded(let f): return f.pool
        case .liquidityRemoved(let f): return f.pool
        case .swap(let f): return f.pool
        case .sharesTransferred(let f): return f.pool
        case .feeToSet(let f): return f.pool
        case .reservesSynced(let f): return f.pool
        case .positionMinted(let f): return f.pool
        case .positionBurned(let f): return f.pool
        case .feesCollected(let f): return f.pool
        case .flash(let f): return f.pool
        case .protocolFeeSet(let f): return f.pool
        case .protocolFeesCollected(let f): return f.pool
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f): return f.pool
        case .nftCollected(let f): return f.pool
        case .nftTransferred(let f), .nftBurned(let f): return f.pool
        }
    }

    /// The contract's `type` name.
    public var typeName: String {
        switch self {
        case .poolCreated: return "pool_created"
        case .liquidityAdded: return "liquidity_added"
        case .liquidityRemoved: return "liquidity_removed"
        case .swap: return "swap"
        case .sharesTransferred: return "shares_transferred"
        case .feeToSet: return "fee_to_set"
        case .reservesSynced: return "reserves_synced"
        case .positionMinted: return "position_minted"
        case .positionBurned: return "position_burned"
        case .feesCollected: return "fees_collected"
        case .flash: return "flash"
        case .protocolFeeSet: return "protocol_fee_set"
        case .protocolFeesCollected: return "protocol_fees_collected"
        case .nftMinted: return "nft_minted"
        case .nftLiquidityIncreased: return "nft_liquidity_increased"
        case .nftLiquidityDecreased: return "nft_liquidity_decreased"
        case .nftCollected: return "nft_collected"
        case .nftTransferred: return "nft_transferred"
        case .nftBurned: return "nft_burned"
        }
    }
}

/// A fact with its common optional fields: external `id`, `time` (unix seconds), `block`.
public struct Fact: Sendable, Equatable {
    public var body: FactBody
    public var id: String?
    public var time: UInt64?
    public var block: UInt64?

    public init(_ body: FactBody, id: String? = nil, time: UInt64? = nil, block: UInt64? = nil) {
        self.body = body
        self.id = id
        self.time = time
        self.block = block
    }

    public var pool: String { body.pool }
}
