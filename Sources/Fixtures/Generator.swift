import PoolLedger
import PoolMath

/// What a generated history is made from; the same settings give the same bytes.
public struct GeneratorSettings: Sendable, Equatable {
    public var seed: UInt64
    /// Facts to generate (exactly this many).
    public var events: Int
    /// Pools of the same pair, fee tiers 100/500/3000/10000 ppm in turn.
    public var pools: Int
    public var pricePath: PricePath
    /// How the path is named in the fixture: "gbm" or the CSV's path.
    public var pricePathName: String
    public var token0: String
    public var token1: String
    public var decimals0: UInt8
    public var decimals1: UInt8

    public init(
        seed: UInt64, events: Int, pools: Int = 4, pricePath: PricePath? = nil, pricePathName: String = "gbm",
        token0: String = "WETH", token1: String = "USDC", decimals0: UInt8 = 18, decimals1: UInt8 = 6
    ) {
        self.seed = seed
        self.events = events
        self.pools = pools
        // 2000 USDC per WETH in raw units (2000e6 / 1e18), 1 % volatility per step.
        self.pricePath = pricePath ?? .gbm(startX128: PricePath.x128(2_000_000_000, 1_000_000_000_000_000_000)!, sigmaPPB: 10_000_000)
        self.pricePathName = pricePathName
        self.token0 = token0
        self.token1 = token1
        self.decimals0 = decimals0
        self.decimals1 = decimals1
    }
}

/// A generated history: the commands (intents) that were accepted, in order,
/// and the facts they were decided into (one each).
public struct GeneratedHistory: Sendable {
    public var commands: [Command]
    public var facts: [Fact]
    public var ledger: Ledger
}

/// The fixture scenario, one step per 12-second block:
/// - the price path moves;
/// - an arbitrageur trades every pool to the path's price with the optimal
///   exact-in trade, fee included: selling token1 when `P*γ*x > y`,
///   `Δy = (sqrt(P*γ*x*y) - y) / γ`, else selling token0 when `γ*y > P*x`,
///   `Δx = (sqrt(γ*x*y / P) - x) / γ` (γ = 1 - fee; integer square roots, floors);
/// - noise traders swap 0.01 %-1 % of a reserve, exact in or exact out;
/// - providers join, add, withdraw in part or in full, and transfer shares;
/// - the protocol fee is switched on and off.
/// Commands the rules reject are dropped (the rules decide, not the generator).
public enum Generator {
    public static let feeTiers: [UInt32] = [100, 500, 3000, 10000]
    public static let feeRecipient = "0xfee0000000000000000000000000000000000fee"
    static let providers = (0..<8).map { "lp\($0)" }

    /// The arbitrageur's optimal exact-in trade against an external price of
    /// `priceX128 / 2^128` token1 per token0, fee included; nil when no trade pays.
    public static func arbitrage(
        reserve0 x: UInt256, reserve1 y: UInt256, feePPM: UInt32, priceX128 price: UInt256
    ) -> (sellToken0: Bool, amountIn: UInt256)? {
        guard !x.isZero, !y.isZero, !price.isZero else { return nil }
        let feeDenominator = ConstantProduct.feeDenominator
        let gamma = UInt256(UInt64(1_000_000 - feePPM))
        let k = x * y
        // Sell token1 for token0 when the pool's token0 is cheap: P*γ*x > y.
        let (scaled, overflow) = price.multipliedReportingOverflow(by: gamma)
        if !overflow, let target = UInt256.mulDiv(k, scaled, PricePath.q128 * feeDenominator) {
            let root = target.squareRoot()
            if root > y {
                let amountIn = (root - y) * feeDenominator / gamma
                return amountIn.isZero ? nil : (false, amountIn)
            }
        }
        // Sell token0 for token1 when the pool's token0 is dear: γ*y > P*x.
        if let target = UInt256.mulDiv(k, gamma << 128, price * feeDenominator) {
            let root = target.squareRoot()
            if root > x {
                let amountIn = (root - x) * feeDenominator / gamma
                return amountIn.isZero ? nil : (true, amountIn)
            }
        }
        return nil
    }

    public static func poolIDs(_ settings: GeneratorSettings) -> [String] {
        (0..<settings.pools).map { index in
            let tier = feeTiers[index % feeTiers.count]
            let base = "\(settings.token0)-\(settings.token1)-\(tier)"
            return index < feeTiers.count ? base : "\(base)-\(index / feeTiers.count)"
        }
    }

    public static func generate(_ settings: GeneratorSettings) -> GeneratedHistory {
        var run = Run(settings: settings)
        run.generate()
        return GeneratedHistory(commands: run.commands, facts: run.facts, ledger: run.ledger)
    }

    struct Run {
        let settings: GeneratorSettings
        let pools: [String]
        var rng: SplitMix64
        var walk: PriceWalk
        var ledger = Ledger()
        var commands: [Command] = []
        var facts: [Fact] = []
        var time: UInt64 = 1_700_000_000

        init(settings: GeneratorSettings) {
            self.settings = settings
            pools = Generator.poolIDs(settings)
            rng = SplitMix64(seed: settings.seed)
            walk = PriceWalk(settings.pricePath)
        }

        var done: Bool { facts.count >= settings.events }

        /// Decides a command; keeps it and its fact when the rules accept it.
        @discardableResult
        mutating func submit(_ body: CommandBody) -> Bool {
            guard !done else { return false }
            let command = Command(body, time: time)
            do {
                let decided = try ledger.execute(command)
                commands.append(command)
                facts += decided
                return true
            } catch {
                // A proposal the rules refuse (e.g. a withdrawal that pays zero) is not part of the history.
                return false
            }
        }

        mutating func generate() {
            for (index, pool) in pools.enumerated() {
                submit(.createPool(PoolCreated(
                    pool: pool, token0: settings.token0, token1: settings.token1,
                    decimals0: settings.decimals0, decimals1: settings.decimals1,
                    feePPM: Generator.feeTiers[index % Generator.feeTiers.count],
                    feeTo: index % 2 == 0 ? Generator.feeRecipient : nil)))
                openingDeposit(pool)
            }
            while !done {
                time += 12
                walk.advance(&rng)
                for pool in pools { arbitrage(pool) }
                for _ in 0..<rng.uniform(0...2) { noise() }
                if rng.chance(1, in: 3) { providerAction() }
                if rng.chance(1, in: 150) { toggleProtocolFee() }
            }
        }

        /// lp0 opens each pool with 1000 whole token0 and its worth of token1 at the path's price.
        mutating func openingDeposit(_ pool: String) {
            var amount0 = UInt256.one
            for _ in 0..<settings.decimals0 { amount0 *= 10 }
            amount0 *= 1000
            var amount1 = UInt256.mulDiv(amount0, walk.priceX128, PricePath.q128) ?? .one
            if amount1.isZero { amount1 = .one }
            submit(.addLiquidity(AddLiquidity(pool: pool, provider: "lp0", amount0Desired: amount0, amount1Desired: amount1)))
        }

        mutating func arbitrage(_ pool: String) {
            guard let state = ledger[pool],
                  let trade = Generator.arbitrage(reserve0: state.reserve0, reserve1: state.reserve1, feePPM: state.feePPM, priceX128: walk.priceX128)
            else { return }
            submit(.swapExactIn(SwapExactIn(
                pool: pool, trader: "arbitrageur", tokenIn: trade.sellToken0 ? settings.token0 : settings.token1, amountIn: trade.amountIn)))
        }

        mutating func randomPool() -> String { pools[Int(rng.uniform(below: UInt64(pools.count)))] }

        /// `reserve * u / 10^6` for u drawn from `ppm`, at least 1.
        mutating func part(of reserve: UInt256, ppm: ClosedRange<UInt64>) -> UInt256 {
            let amount = reserve * UInt256(rng.uniform(ppm)) / 1_000_000
            return amount.isZero ? .one : amount
        }

        mutating func noise() {
            let pool = randomPool()
            guard let state = ledger[pool], !state.reserve0.isZero else { return }
            let zeroForOne = rng.chance(1, in: 2)
            let trader = "trader\(rng.uniform(below: 4))"
            if rng.chance(4, in: 5) {
                let amount = part(of: zeroForOne ? state.reserve0 : state.reserve1, ppm: 100...10_000)
                submit(.swapExactIn(SwapExactIn(pool: pool, trader: trader, tokenIn: zeroForOne ? settings.token0 : settings.token1, amountIn: amount)))
            } else {
                let amount = part(of: zeroForOne ? state.reserve1 : state.reserve0, ppm: 100...10_000)
                submit(.swapExactOut(SwapExactOut(pool: pool, trader: trader, tokenOut: zeroForOne ? settings.token1 : settings.token0, amountOut: amount)))
            }
        }

        mutating func providerAction() {
            let pool = randomPool()
            guard let state = ledger[pool], case .constantProduct(let pair) = state.body, !state.reserve0.isZero else { return }
            let provider = Generator.providers[Int(rng.uniform(below: UInt64(Generator.providers.count)))]
            let held = pair.shares(of: provider)
            let choice = held.isZero ? 0 : rng.uniform(below: 10)
            switch choice {
            case 0...3:
                // Join or add: desired amounts a little off the pool's ratio; the router takes the optimal pair.
                let ppm = rng.uniform(5_000...50_000)
                let amount0 = part(of: state.reserve0, ppm: ppm...ppm)
                let amount1 = part(of: state.reserve1, ppm: ppm...ppm) * 101 / 100 + 1
                submit(.addLiquidity(AddLiquidity(pool: pool, provider: provider, amount0Desired: amount0, amount1Desired: amount1)))
            case 4...7:
                let shares = held * UInt256(rng.uniform(1...50)) / 100
                submit(.removeLiquidity(RemoveLiquidity(pool: pool, provider: provider, shares: shares.isZero ? held : shares)))
            case 8:
                submit(.removeLiquidity(RemoveLiquidity(pool: pool, provider: provider, shares: held)))
            default:
                let to = Generator.providers[Int(rng.uniform(below: UInt64(Generator.providers.count)))]
                let shares = held * UInt256(rng.uniform(1...50)) / 100
                submit(.transferShares(SharesTransferred(pool: pool, from: provider, to: to, shares: shares)))
            }
        }

        mutating func toggleProtocolFee() {
            let pool = randomPool()
            guard let state = ledger[pool] else { return }
            submit(.setFeeTo(FeeToSet(pool: pool, feeTo: state.feeTo == nil ? Generator.feeRecipient : nil)))
        }
    }
}
