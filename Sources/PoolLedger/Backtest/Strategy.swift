import PoolMath

/// A strategy in a backtest: after each recorded fact (and the commands
/// placed there), it sees the changed pool as it is and says what to do, one
/// command at a time; each command is decided against the pool and folded
/// with every check, and the strategy is told what it decided before it is
/// asked again. Library users write their own; `hold` is the additions file
/// as given (no strategy), `Recenter` is built in.
public protocol Strategy: Sendable {
    /// The next command to run after `fact`, given the changed pool now; nil when there is nothing (more) to do here.
    mutating func next(after fact: Fact, pool: PoolState) throws(BacktestError) -> Command?
    /// The facts the last command decided.
    mutating func decided(_ facts: [Fact])
}

/// `recenter` (V3): a range of `width` ticks centred on the price, opened
/// once the pool has active liquidity, and moved when the price leaves it:
/// the position burned, everything it is owed (principal and fees)
/// collected, the tokens swapped in the pool toward the new range's ratio
/// at the price, and the most liquidity they allow minted there (what it
/// does not take stays idle, and goes into the next range).
public struct Recenter: Strategy {
    public let pool: String
    public let owner: String
    public let width: Int32
    /// What it holds outside the pool: the capital at first, then what each move leaves over.
    public private(set) var idle0: UInt256
    public private(set) var idle1: UInt256
    /// Its position now (liquidity in the pool's state), and how many times it moved.
    public private(set) var range: (lower: Int32, upper: Int32)?
    public private(set) var moves = 0
    /// Within one move: swapped already (one swap per move).
    var swapped = false
    var liquidity = UInt256.zero

    /// `capital`: what it starts with, as `AMOUNT` and a token of the pool (`10WETH`, `2500.5 USDC`), read once the pool is known.
    var capital: String?

    public init(pool: String, owner: String = "recenter", width: Int32, capital0: UInt256, capital1: UInt256) {
        self.pool = pool
        self.owner = owner
        self.width = width
        self.idle0 = capital0
        self.idle1 = capital1
    }

    public init(pool: String, owner: String = "recenter", width: Int32, capital: String) {
        self.init(pool: pool, owner: owner, width: width, capital0: .zero, capital1: .zero)
        self.capital = capital
    }

    /// `10WETH` in base units of the pool's token of that symbol.
    static func amount(_ text: String, in state: PoolState) throws(BacktestError) -> (UInt256, UInt256) {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        let symbol = text.dropFirst(digits.count).trimmingPrefix(" ")
        let decimals: UInt8
        let zero: Bool
        if symbol == state.token0 { (decimals, zero) = (state.decimals0, true) } else if symbol == state.token1 { (decimals, zero) = (state.decimals1, false) } else {
            throw BacktestError("--capital \(text): expected an amount and one of the pool's tokens, \(state.token0) or \(state.token1) (such as 10\(state.token0))")
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) || parts.count == 1,
              (parts.count == 1 ? 0 : parts[1].count) <= Int(decimals),
              let whole = UInt256(decimal: Substring(parts[0] + (parts.count == 2 ? parts[1] : "") + String(repeating: "0", count: Int(decimals) - (parts.count == 2 ? parts[1].count : 0)))) else {
            throw BacktestError("--capital \(text): \(digits) is no amount of \(symbol) (at most \(decimals) decimal places)")
        }
        return zero ? (whole, .zero) : (.zero, whole)
    }

    public mutating func next(after fact: Fact, pool state: PoolState) throws(BacktestError) -> Command? {
        guard case .concentrated(let v3) = state.body else {
            throw BacktestError("recenter backtests concentrated pools; \(quoted(pool)) is \(state.model.displayName)")
        }
        if let capital {
            (idle0, idle1) = try Self.amount(capital, in: state)
            self.capital = nil
        }
        if let (lower, upper) = range {
            let key = ConcentratedPool.PositionKey(owner: owner, tickLower: lower, tickUpper: upper)
            let info = v3.positions[key] ?? .init()
            // Out of its range with liquidity: the move begins.
            if info.liquidity > 0 && !(lower <= v3.tick && v3.tick < upper) {
                return Command(.burnPosition(BurnPosition(pool: pool, owner: owner, tickLower: lower, tickUpper: upper, liquidity: UInt256(high: 0, low: info.liquidity))))
            }
            if info.liquidity > 0 { return nil }
            // Burned: everything it is owed out.
            if info.tokensOwed0 > 0 || info.tokensOwed1 > 0 {
                return Command(.collect(CollectFees(pool: pool, owner: owner, tickLower: lower, tickUpper: upper,
                                                    amount0Max: UInt256(high: 0, low: UInt128.max), amount1Max: UInt256(high: 0, low: UInt128.max))))
            }
        } else if v3.liquidity == 0 {
            // Nothing to centre on yet: wait for the pool's first liquidity in range.
            return nil
        }
        // Open (or reopen) centred on the price.
        let spacing = v3.tickSpacing
        let span = max(spacing, (width + spacing / 2) / spacing * spacing)
        let floor = Int32((Int64(v3.tick) - (Int64(v3.tick) % Int64(spacing) + Int64(spacing)) % Int64(spacing)))
        let lower = max(floor - (span / spacing / 2) * spacing, TickMath.minTick / spacing * spacing)
        let upper = min(lower + span, TickMath.maxTick / spacing * spacing)
        let sqrtLower: UInt256, sqrtUpper: UInt256
        do throws(V3MathError) {
            sqrtLower = try TickMath.sqrtRatio(atTick: lower)
            sqrtUpper = try TickMath.sqrtRatio(atTick: upper)
        } catch {
            throw BacktestError("recenter: the range \(lower)...\(upper): \(error.detail)")
        }
        let price = v3.sqrtPriceX96
        if !swapped {
            swapped = true
            if let swap = rebalance(price: price, sqrtLower: sqrtLower, sqrtUpper: sqrtUpper, state: state) { return swap }
        }
        let amount = Self.liquidity(price: price, sqrtLower: sqrtLower, sqrtUpper: sqrtUpper, amount0: idle0, amount1: idle1)
        guard !amount.isZero else { return nil }
        swapped = false
        range = (lower, upper)
        return Command(.mintPosition(MintPosition(pool: pool, owner: owner, tickLower: lower, tickUpper: upper, liquidity: amount, amount0Max: idle0, amount1Max: idle1)))
    }

    public mutating func decided(_ facts: [Fact]) {
        for fact in facts {
            switch fact.body {
            case .positionMinted(let f):
                idle0 -= f.amount0
                idle1 -= f.amount1
            case .positionBurned:
                moves += 1
            case .feesCollected(let f):
                idle0 += f.amount0
                idle1 += f.amount1
            case .swap(let f):
                idle0 = idle0 + f.amount0Out - f.amount0In
                idle1 = idle1 + f.amount1Out - f.amount1In
            default:
                break
            }
        }
    }

    /// The swap toward the range's ratio at the price: the value of the
    /// idle tokens split as a unit of liquidity splits its amounts there.
    /// (A double only sizes the order; the swap itself is the contract's.)
    func rebalance(price: UInt256, sqrtLower: UInt256, sqrtUpper: UInt256, state: PoolState) -> Command? {
        // Square roots of the prices (token1 per token0).
        let s = Double(price) / 0x1p96, a = Double(sqrtLower) / 0x1p96, b = Double(sqrtUpper) / 0x1p96
        // Per unit of liquidity at the price: token0 and token1 amounts, and token0's share of their value.
        let r0 = s < b ? 1 / max(s, a) - 1 / b : 0, r1 = s > a ? min(s, b) - a : 0
        let value0 = Double(idle0) * s * s, value1 = Double(idle1)
        let total = value0 + value1
        guard total > 0, r0 * s * s + r1 > 0 else { return nil }
        let share0 = r0 * s * s / (r0 * s * s + r1)
        let excess = value0 - share0 * total
        // Less than a part in a million of the whole is not worth a swap.
        guard abs(excess) > total * 1e-6 else { return nil }
        if excess > 0 {
            let sell = min(Self.integer(excess / (s * s)), idle0)
            guard !sell.isZero else { return nil }
            return Command(.swapExactIn(SwapExactIn(pool: pool, trader: owner, tokenIn: state.token0, amountIn: sell)))
        }
        let sell = min(Self.integer(-excess), idle1)
        guard !sell.isZero else { return nil }
        return Command(.swapExactIn(SwapExactIn(pool: pool, trader: owner, tokenIn: state.token1, amountIn: sell)))
    }

    static func integer(_ value: Double) -> UInt256 {
        guard value.isFinite, value >= 1 else { return .zero }
        guard value < 0x1p127 else { return UInt256(high: 0, low: UInt128.max >> 1) }
        let high = (value / 0x1p64).rounded(.down)
        return UInt256(high: 0, low: UInt128(UInt64(high)) << 64 | UInt128(UInt64(value - high * 0x1p64)))
    }

    /// LiquidityAmounts.getLiquidityForAmounts (v3-periphery): the most
    /// liquidity `amount0` and `amount1` pay for in the range at the price.
    static func liquidity(price: UInt256, sqrtLower: UInt256, sqrtUpper: UInt256, amount0: UInt256, amount1: UInt256) -> UInt256 {
        let q96 = UInt256.one << 96
        func forAmount0(_ a: UInt256, _ b: UInt256) -> UInt256 {
            guard b > a, let intermediate = UInt256.mulDiv(a, b, q96) else { return .zero }
            return UInt256.mulDiv(amount0, intermediate, b - a) ?? .zero
        }
        func forAmount1(_ a: UInt256, _ b: UInt256) -> UInt256 {
            guard b > a else { return .zero }
            return UInt256.mulDiv(amount1, q96, b - a) ?? .zero
        }
        let liquidity: UInt256
        if price <= sqrtLower {
            liquidity = forAmount0(sqrtLower, sqrtUpper)
        } else if price < sqrtUpper {
            liquidity = min(forAmount0(price, sqrtUpper), forAmount1(sqrtLower, price))
        } else {
            liquidity = forAmount1(sqrtLower, sqrtUpper)
        }
        // uint128, as the periphery casts it.
        return liquidity.high == 0 ? liquidity : UInt256(high: 0, low: UInt128.max)
    }
}
