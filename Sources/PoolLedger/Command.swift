import PoolMath

/// `swap_exact_in`: sell exactly `amount_in` of `token_in` (a symbol of the pool's tokens).
public struct SwapExactIn: Sendable, Equatable {
    public var pool: String
    public var trader: String
    public var tokenIn: String
    public var amountIn: UInt256
    public var minAmountOut: UInt256
    /// Concentrated pools: the price the swap stops at (Q64.96); none means the
    /// extreme the router uses (MIN_SQRT_RATIO+1 or MAX_SQRT_RATIO-1).
    public var sqrtPriceLimitX96: UInt256?

    public init(pool: String, trader: String, tokenIn: String, amountIn: UInt256, minAmountOut: UInt256 = .zero, sqrtPriceLimitX96: UInt256? = nil) {
        self.sqrtPriceLimitX96 = sqrtPriceLimitX96
        self.pool = pool
        self.trader = trader
        self.tokenIn = tokenIn
        self.amountIn = amountIn
        self.minAmountOut = minAmountOut
    }
}

/// `swap_exact_out`: buy exactly `amount_out` of `token_out`.
public struct SwapExactOut: Sendable, Equatable {
    public var pool: String
    public var trader: String
    public var tokenOut: String
    public var amountOut: UInt256
    public var maxAmountIn: UInt256?
    /// Concentrated pools: as on `swap_exact_in`. With a limit the swap may
    /// deliver less than `amount_out` (the router's partial fill); without one
    /// it must deliver all of it.
    public var sqrtPriceLimitX96: UInt256?

    public init(pool: String, trader: String, tokenOut: String, amountOut: UInt256, maxAmountIn: UInt256? = nil, sqrtPriceLimitX96: UInt256? = nil) {
        self.sqrtPriceLimitX96 = sqrtPriceLimitX96
        self.pool = pool
        self.trader = trader
        self.tokenOut = tokenOut
        self.amountOut = amountOut
        self.maxAmountIn = maxAmountIn
    }
}

/// An intent, one of the contract's `cmd` names; decided against the state into facts.
public enum CommandBody: Sendable, Equatable {
    case createPool(PoolCreated)
    case addLiquidity(AddLiquidity)
    case removeLiquidity(RemoveLiquidity)
    case swapExactIn(SwapExactIn)
    case swapExactOut(SwapExactOut)
    case transferShares(SharesTransferred)
    case setFeeTo(FeeToSet)
    case mintPosition(MintPosition)
    case burnPosition(BurnPosition)
    case collect(CollectFees)
    case flash(FlashLoan)
    case setFeeProtocol(ProtocolFeeSet)
    case collectProtocol(CollectProtocol)
    case mintNFTPosition(MintNFTPosition)
    case increaseLiquidity(ChangeNFTLiquidity)
    case decreaseLiquidity(ChangeNFTLiquidity)
    case collectNFT(CollectNFT)
    case transferNFT(MoveNFT)
    case burnNFT(MoveNFT)

    public var pool: String {
        switch self {
        case .createPool(let c): return c.pool
        case .addLiquidity(let c): return c.pool
        case .removeLiquidity(let c): return c.pool
        case .swapExactIn(let c): return c.pool
        case .swapExactOut(let c): return c.pool
        case .transferShares(let c): return c.pool
        case .setFeeTo(let c): return c.pool
        case .mintPosition(let c): return c.pool
        case .burnPosition(let c): return c.pool
        case .collect(let c): return c.pool
        case .flash(let c): return c.pool
        case .setFeeProtocol(let c): return c.pool
        case .collectProtocol(let c): return c.pool
        case .mintNFTPosition(let c): return c.pool
        case .increaseLiquidity(let c), .decreaseLiquidity(let c): return c.pool
        case .collectNFT(let c): return c.pool
        case .transferNFT(let c), .burnNFT(let c): return c.pool
        }
    }

    /// The contract's `cmd` name.
    public var commandName: String {
        switch self {
        case .createPool: return "create_pool"
        case .addLiquidity: return "add_liquidity"
        case .removeLiquidity: return "remove_liquidity"
        case .swapExactIn: return "swap_exact_in"
        case .swapExactOut: return "swap_exact_out"
        case .transferShares: return "transfer_shares"
        case .setFeeTo: return "set_fee_to"
        case .mintPosition: return "mint_position"
        case .burnPosition: return "burn_position"
        case .collect: return "collect"
        case .flash: return "flash"
        case .setFeeProtocol: return "set_fee_protocol"
        case .collectProtocol: return "collect_protocol"
        case .mintNFTPosition: return "mint_nft_position"
        case .increaseLiquidity: return "increase_liquidity"
        case .decreaseLiquidity: return "decrease_liquidity"
        case .collectNFT: return "collect_nft"
        case .transferNFT: return "transfer_nft"
        case .burnNFT: return "burn_nft"
        }
    }
}

/// A command with the optional `id`, `time` and `block` its facts will carry.
public struct Command: Sendable, Equatable {
    public var body: CommandBody
    public var id: String?
    public var time: UInt64?
    public var block: UInt64?

    public init(_ body: CommandBody, id: String? = nil, time: UInt64? = nil, block: UInt64? = nil) {
        self.body = body
        self.id = id
        self.time = time
        self.block = block
    }

    public var pool: String { body.pool }
}
