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
    @Argument(help: "Desired amount of token0, in base units.") var amount0: UInt256
    @Argument(help: "Desired amount of token1, in base units.") var amount1: UInt256
    @Option(help: "Least token0 to deposit.") var min0: UInt256 = .zero
    @Option(help: "Least token1 to deposit.") var min1: UInt256 = .zero
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try appendSingle(.addLiquidity(AddLiquidity(pool: pool, provider: provider, amount0Desired: amount0, amount1Desired: amount1, amount0Min: min0, amount1Min: min1)), options: fact, database: database)
    }
}

struct Withdraw: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Burn shares for the pro-rata payout and print the fact appended.")

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Provider.") var provider: String
    @Argument(help: "Shares to burn.") var shares: UInt256
    @Option(help: "Least token0 to receive.") var min0: UInt256 = .zero
    @Option(help: "Least token1 to receive.") var min1: UInt256 = .zero
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try appendSingle(.removeLiquidity(RemoveLiquidity(pool: pool, provider: provider, shares: shares, amount0Min: min0, amount1Min: min1)), options: fact, database: database)
    }
}

struct SwapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swap",
        abstract: "Swap exactly in (--in TOKEN) or exactly out (--out TOKEN) and print the fact appended.",
        discussion: """
            Examples:
              poolledger swap WETH-DAI bob --in DAI 1000000000000000000 --min-out 990000000000000000
              poolledger swap WETH-DAI bob --out WETH 500000000000000000 --max-in 2000000000000000000
            """)

    @Argument(help: "Pool id.") var pool: String
    @Argument(help: "Trader.") var trader: String
    @Option(name: .customLong("in"), help: "Sell exactly AMOUNT of this token.") var tokenIn: String?
    @Option(name: .customLong("out"), help: "Buy exactly AMOUNT of this token.") var tokenOut: String?
    @Argument(help: "The exact amount, in base units.") var amount: UInt256
    @Option(help: "With --in: the least output accepted.") var minOut: UInt256 = .zero
    @Option(help: "With --out: the most input accepted.") var maxIn: UInt256?
    @OptionGroup var fact: FactOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (tokenIn == nil) != (tokenOut == nil) else { throw ValidationError("give exactly one of --in TOKEN or --out TOKEN") }
    }

    func run() throws {
        let command: CommandBody = tokenIn.map {
            .swapExactIn(SwapExactIn(pool: pool, trader: trader, tokenIn: $0, amountIn: amount, minAmountOut: minOut))
        } ?? .swapExactOut(SwapExactOut(pool: pool, trader: trader, tokenOut: tokenOut!, amountOut: amount, maxAmountIn: maxIn))
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
