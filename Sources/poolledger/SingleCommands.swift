import ArgumentParser
import PoolLedger
import PoolMath

struct CreatePool: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a pool and print the fact appended.",
        discussion: """
            A constant-product (Uniswap V2) pool by default. `--model concentrated` creates a \
            Uniswap V3 pool, which needs its tick spacing and its initial price as a Q64.96 \
            square root: for example `--tick-spacing 60 --sqrt-price-x96 79228162514264337593543950336` \
            (price 1).
            """)

    @Argument(help: "Pool id.") var pool: String
    @OptionGroup var options: PoolOptions
    @Option(help: ArgumentHelp("Pool model: constant_product (Uniswap V2) or concentrated (Uniswap V3).", valueName: "MODEL"))
    var model: PoolModel = .constantProduct
    @Option(help: "Concentrated pools: the tick spacing (1...16383; Uniswap's fee tiers use 1, 10, 60, 200).")
    var tickSpacing: Int32?
    @Option(help: ArgumentHelp("Concentrated pools: the initial price, sqrt(token1/token0) as Q64.96.", valueName: "Q64.96"))
    var sqrtPriceX96: UInt256?
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        switch model {
        case .constantProduct:
            guard tickSpacing == nil, sqrtPriceX96 == nil else {
                throw ValidationError("--tick-spacing and --sqrt-price-x96 are for --model concentrated")
            }
        case .concentrated:
            guard tickSpacing != nil, sqrtPriceX96 != nil else {
                throw ValidationError("--model concentrated needs --tick-spacing and --sqrt-price-x96")
            }
        }
    }

    func run() throws {
        var created = options.created(pool: pool)
        created.model = model
        created.tickSpacing = tickSpacing
        created.sqrtPriceX96 = sqrtPriceX96
        try appendSingle(.createPool(created), options: fact, database: database)
    }
}

extension PoolModel: ExpressibleByArgument {}

struct Deposit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add liquidity (router semantics: the optimal pair at the current ratio) and print the fact appended.")

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Provider.") var provider: String
    @Argument(help: "Desired amount of token0: base units, or a decimal and the token's symbol (10WETH).") var amount0: TypedAmount
    @Argument(help: "Desired amount of token1: base units, or a decimal and the token's symbol (20000DAI).") var amount1: TypedAmount
    @Option(help: "Least token0 to deposit.") var min0: TypedAmount = .baseUnits(.zero)
    @Option(help: "Least token1 to deposit.") var min1: TypedAmount = .baseUnits(.zero)
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let tokens = try PoolTokens(pool: pool, amounts: [amount0, amount1, min0, min1], database: database)
        try appendSingle(.addLiquidity(AddLiquidity(
            pool: pool, provider: provider,
            amount0Desired: try baseUnits(amount0, field: "amount0", of: tokens?.token0, in: tokens),
            amount1Desired: try baseUnits(amount1, field: "amount1", of: tokens?.token1, in: tokens),
            amount0Min: try baseUnits(min0, field: "--min0", of: tokens?.token0, in: tokens),
            amount1Min: try baseUnits(min1, field: "--min1", of: tokens?.token1, in: tokens))), options: fact, database: database)
    }
}

struct Withdraw: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Burn shares for the pro-rata payout and print the fact appended.")

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Provider.") var provider: String
    @Argument(help: "Shares to burn, in base units.") var shares: UInt256
    @Option(help: "Least token0 to receive: base units, or a decimal and the token's symbol.") var min0: TypedAmount = .baseUnits(.zero)
    @Option(help: "Least token1 to receive: base units, or a decimal and the token's symbol.") var min1: TypedAmount = .baseUnits(.zero)
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let tokens = try PoolTokens(pool: pool, amounts: [min0, min1], database: database)
        try appendSingle(.removeLiquidity(RemoveLiquidity(
            pool: pool, provider: provider, shares: shares,
            amount0Min: try baseUnits(min0, field: "--min0", of: tokens?.token0, in: tokens),
            amount1Min: try baseUnits(min1, field: "--min1", of: tokens?.token1, in: tokens))), options: fact, database: database)
    }
}

struct SwapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swap",
        abstract: "Swap exactly in (--in TOKEN) or exactly out (--out TOKEN) and print the fact appended.",
        discussion: """
            Examples:
              poolledger swap WETH-DAI bob --in DAI 1000000000000000000 --min-out 990000000000000000
              poolledger swap WETH-DAI bob --out WETH 0.5WETH --max-in 2000DAI
            An amount is base units, or a decimal and the token's symbol, converted
            with the token's decimals exactly (never rounded).
            """)

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Trader.") var trader: String
    @Option(name: .customLong("in"), help: "Sell exactly AMOUNT of this token.") var tokenIn: String?
    @Option(name: .customLong("out"), help: "Buy exactly AMOUNT of this token.") var tokenOut: String?
    @Argument(help: "The exact amount: base units, or a decimal and the token's symbol (1000.5DAI).") var amount: TypedAmount
    @Option(help: "With --in: the least output accepted.") var minOut: TypedAmount = .baseUnits(.zero)
    @Option(help: "With --out: the most input accepted.") var maxIn: TypedAmount?
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (tokenIn == nil) != (tokenOut == nil) else { throw ValidationError("give exactly one of --in TOKEN or --out TOKEN") }
    }

    func run() throws {
        let tokens = try PoolTokens(pool: pool, amounts: [amount, minOut, maxIn], database: database)
        // The amount is of the token named by --in or --out; the bound of the other.
        let named = try tokens.map { try $0.token(tokenIn ?? tokenOut!, field: tokenIn != nil ? "--in" : "--out") }
        let other = named.map { tokens!.other(than: $0) }
        let exact = try baseUnits(amount, field: "amount", of: named, in: tokens)
        let command: CommandBody = if let tokenIn {
            .swapExactIn(SwapExactIn(pool: pool, trader: trader, tokenIn: tokenIn, amountIn: exact,
                                     minAmountOut: try baseUnits(minOut, field: "--min-out", of: other, in: tokens)))
        } else {
            .swapExactOut(SwapExactOut(pool: pool, trader: trader, tokenOut: tokenOut!, amountOut: exact,
                                       maxAmountIn: try maxIn.map { try baseUnits($0, field: "--max-in", of: other, in: tokens) }))
        }
        try appendSingle(command, options: fact, database: database)
    }
}

struct Transfer: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move LP shares between owners and print the fact appended.")

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Owner sending the shares.") var from: String
    @Argument(help: "Owner receiving them.") var to: String
    @Argument(help: "Shares to move.") var shares: UInt256
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try appendSingle(.transferShares(SharesTransferred(pool: pool, from: from, to: to, shares: shares)), options: fact, database: database)
    }
}

struct SetFeeTo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set the protocol fee recipient (omit ADDRESS to switch the protocol fee off).")

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Recipient of the protocol fee.") var address: String?
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try appendSingle(.setFeeTo(FeeToSet(pool: pool, feeTo: address)), options: fact, database: database)
    }
}
