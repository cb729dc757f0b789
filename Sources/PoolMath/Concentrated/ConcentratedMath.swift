/// A revert of Uniswap V3's math libraries, with the contract's reason where it gives one.
public struct V3MathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var detail: String
    public init(_ reason: String, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
    public var description: String { "\(reason): \(detail)" }
}

/// `uint160` bounds and the Q64.96 unit.
public enum Q96 {
    public static let resolution = 96
    public static let one = UInt256.one << 96
    public static let maxUInt160 = (UInt256.one << 160) - .one

    static func uint160(_ value: UInt256, _ what: String) throws(V3MathError) -> UInt256 {
        guard value <= maxUInt160 else { throw V3MathError("SafeCast", "\(what) \(value) does not fit in 160 bits") }
        return value
    }

    static func mulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256, _ what: String) throws(V3MathError) -> UInt256 {
        guard let value = UInt256.mulDiv(a, b, d) else { throw V3MathError("FullMath", "\(what): \(a) * \(b) / \(d) overflows or divides by zero") }
        return value
    }

    static func mulDivRoundingUp(_ a: UInt256, _ b: UInt256, _ d: UInt256, _ what: String) throws(V3MathError) -> UInt256 {
        guard let value = UInt256.mulDivRoundingUp(a, b, d) else { throw V3MathError("FullMath", "\(what): ceil(\(a) * \(b) / \(d)) overflows or divides by zero") }
        return value
    }

    /// UnsafeMath.divRoundingUp: ceil(x / y), y > 0.
    static func divRoundingUp(_ x: UInt256, _ y: UInt256) -> UInt256 {
        let (quotient, remainder) = x.quotientAndRemainder(dividingBy: y)
        return remainder.isZero ? quotient : quotient + .one
    }
}

/// Uniswap/v3-core `TickMath`: sqrt(1.0001^tick) * 2^96 and back, bit for bit.
public enum TickMath {
    public static let minTick: Int32 = -887272
    public static let maxTick: Int32 = 887272
    public static let minSqrtRatio = UInt256(4_295_128_739)
    public static let maxSqrtRatio = UInt256(decimal: "1461446703485210103287273052203988822378723970342")!

    /// The contract's magic factors: 2^128 / sqrt(1.0001)^(2^i) for bit i of |tick|.
    static let factors: [UInt128] = [
        0xfff97272373d413259a46990580e213a, 0xfff2e50f5f656932ef12357cf3c7fdcc, 0xffe5caca7e10e4e61c3624eaa0941cd0,
        0xffcb9843d60f6159c9db58835c926644, 0xff973b41fa98c081472e6896dfb254c0, 0xff2ea16466c96a3843ec78b326b52861,
        0xfe5dee046a99a2a811c461f1969c3053, 0xfcbe86c7900a88aedcffc83b479aa3a4, 0xf987a7253ac413176f2b074cf7815e54,
        0xf3392b0822b70005940c7a398e4b70f3, 0xe7159475a2c29b7443b29c7fa6e889d9, 0xd097f3bdfd2022b8845ad8f792aa5825,
        0xa9f746462d870fdf8a65dc1f90e061e5, 0x70d869a156d2a1b890bb3df62baf32f7, 0x31be135f97d08fd981231505542fcfa6,
        0x9aa508b5b7a84e1c677de54f3e99bc9, 0x5d6af8dedb81196699c329225ee604, 0x2216e584f5fa1ea926041bedfe98,
        0x48a170391f7dc42444e8fa2,
    ]

    /// `getSqrtRatioAtTick`: reverts 'T' beyond ±887272.
    public static func sqrtRatio(atTick tick: Int32) throws(V3MathError) -> UInt256 {
        let absTick = tick.magnitude
        guard absTick <= UInt32(maxTick) else { throw V3MathError("T", "tick \(tick) is outside \(minTick)...\(maxTick)") }
        // The contract's ratio starts at 2^128 (or the first factor) and stays below
        // 2^128 once multiplied: kept in 128 bits (nil for 2^128), so each
        // `ratio * factor >> 128` is the high half of one 128x128-bit product.
        var small: UInt128? = absTick & 1 != 0 ? 0xfffcb933bd6fad37aa2d162d1a594001 : nil
        for (bit, factor) in factors.enumerated() where absTick & (2 << bit) != 0 {
            if let current = small {
                small = current.multipliedFullWidth(by: factor).high
            } else {
                small = factor  // 2^128 * factor >> 128
            }
        }
        var ratio = small.map { UInt256(high: 0, low: $0) } ?? UInt256.one << 128
        if tick > 0 { ratio = UInt256.max / ratio }
        // Q128.128 to Q128.96, rounding up so that the tick of the result is consistent.
        let (shifted, remainder) = (ratio >> 32, ratio & UInt256(UInt64(UInt32.max)))
        return remainder.isZero ? shifted : shifted + .one
    }

    /// `getTickAtSqrtRatio`: the greatest tick whose ratio is at or below `sqrtPriceX96`;
    /// reverts 'R' outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO). As the contract
    /// computes it: log2 of the ratio to 14 fractional bits by repeated
    /// squaring, scaled to log base sqrt(1.0001), two candidate ticks from its
    /// error bounds, and `getSqrtRatioAtTick` picking between them.
    public static func tick(atSqrtRatio sqrtPriceX96: UInt256) throws(V3MathError) -> Int32 {
        guard sqrtPriceX96 >= minSqrtRatio, sqrtPriceX96 < maxSqrtRatio else {
            throw V3MathError("R", "sqrt price \(sqrtPriceX96) is outside [\(minSqrtRatio), \(maxSqrtRatio))")
        }
        let ratio = sqrtPriceX96 << 32
        let msb = ratio.significantBitCount - 1
        // r: the ratio's 128 leading bits, in [2^127, 2^128).
        var r = (msb >= 128 ? ratio >> (msb - 127) : ratio << (127 - msb)).low
        // log_2 as a signed 64.64 fixed-point number (two's complement in 128 bits).
        var log2 = UInt128(bitPattern: Int128(msb - 128) << 64)
        for bit in stride(from: 63, through: 50, by: -1) {
            // r*r < 2^256; shr(127) leaves at most 129 bits, whose top bit is f.
            let square = r.multipliedFullWidth(by: r)
            let shifted = UInt256(high: square.high, low: square.low) >> 127
            let f = shifted.high  // 0 or 1
            log2 |= f << UInt128(bit)
            r = (shifted >> Int(f)).low
        }
        // log_sqrt10001 = log_2 * 255738958999603826347141, a signed 128.128 number, taken
        // modulo 2^256 and offset by 2^190 (2^62 ticks) so that both candidates are non-negative.
        let signed = Int128(bitPattern: log2)
        let magnitude = UInt256(high: 0, low: signed.magnitude) &* UInt256(high: 0, low: 255738958999603826347141)
        let logSqrt = signed < 0 ? UInt256.zero &- magnitude : magnitude
        let offset = UInt256.one << 190
        let low = ((logSqrt &+ offset) &- UInt256(high: 0, low: 3402992956809132418596140100660247210)) >> 128
        let high = ((logSqrt &+ offset) &+ UInt256(high: 0, low: 291339464771989622907027621153398088495)) >> 128
        let tickLow = Int32(truncatingIfNeeded: Int64(truncatingIfNeeded: low.low) - (1 << 62))
        let tickHigh = Int32(truncatingIfNeeded: Int64(truncatingIfNeeded: high.low) - (1 << 62))
        if tickLow == tickHigh { return tickLow }
        return try sqrtRatio(atTick: tickHigh) <= sqrtPriceX96 ? tickHigh : tickLow
    }
}

/// Uniswap/v3-core `SqrtPriceMath` (v1.0.0), prices as Q64.96 in `UInt256` (at most 160 bits).
public enum SqrtPriceMath {
    public static func nextSqrtPriceFromAmount0RoundingUp(
        _ sqrtPX96: UInt256, liquidity: UInt128, amount: UInt256, add: Bool
    ) throws(V3MathError) -> UInt256 {
        // Short-circuit: otherwise the result is not guaranteed to equal the input price.
        if amount.isZero { return sqrtPX96 }
        let numerator1 = UInt256(high: 0, low: liquidity) << 96
        let (product, productOverflow) = amount.multipliedReportingOverflow(by: sqrtPX96)
        if add {
            if !productOverflow {
                let (denominator, overflow) = numerator1.addingReportingOverflow(product)
                // Always fits in 160 bits.
                if !overflow { return try Q96.mulDivRoundingUp(numerator1, sqrtPX96, denominator, "next price from amount0") }
            }
            let (denominator, overflow) = (numerator1 / sqrtPX96).addingReportingOverflow(amount)
            guard !overflow else { throw V3MathError("LowGasSafeMath", "liquidity / price + amount0 overflows") }
            return try Q96.uint160(Q96.divRoundingUp(numerator1, denominator), "next price from amount0")
        }
        guard !productOverflow, numerator1 > product else {
            throw V3MathError("SqrtPriceMath", "removing \(amount) of token0 takes more than the virtual reserve")
        }
        return try Q96.uint160(try Q96.mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product, "next price from amount0"), "next price from amount0")
    }

    public static func nextSqrtPriceFromAmount1RoundingDown(
        _ sqrtPX96: UInt256, liquidity: UInt128, amount: UInt256, add: Bool
    ) throws(V3MathError) -> UInt256 {
        let liquidity = UInt256(high: 0, low: liquidity)
        // Rounding the price down means rounding the quotient down when adding, up when removing.
        if add {
            let quotient = amount <= Q96.maxUInt160
                ? (amount << 96) / liquidity
                : try Q96.mulDiv(amount, Q96.one, liquidity, "amount1 / liquidity")
            let (next, overflow) = sqrtPX96.addingReportingOverflow(quotient)
            guard !overflow else { throw V3MathError("LowGasSafeMath", "price + amount1 / liquidity overflows") }
            return try Q96.uint160(next, "next price from amount1")
        }
        let quotient = amount <= Q96.maxUInt160
            ? Q96.divRoundingUp(amount << 96, liquidity)
            : try Q96.mulDivRoundingUp(amount, Q96.one, liquidity, "amount1 / liquidity")
        guard sqrtPX96 > quotient else {
            throw V3MathError("SqrtPriceMath", "removing \(amount) of token1 takes the whole virtual reserve or more")
        }
        return sqrtPX96 - quotient
    }

    public static func nextSqrtPriceFromInput(_ sqrtPX96: UInt256, liquidity: UInt128, amountIn: UInt256, zeroForOne: Bool) throws(V3MathError) -> UInt256 {
        guard !sqrtPX96.isZero else { throw V3MathError("P", "sqrt price is zero") }
        guard liquidity > 0 else { throw V3MathError("L", "liquidity is zero") }
        // Round so as not to pass the target price.
        return zeroForOne
            ? try nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity: liquidity, amount: amountIn, add: true)
            : try nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity: liquidity, amount: amountIn, add: true)
    }

    public static func nextSqrtPriceFromOutput(_ sqrtPX96: UInt256, liquidity: UInt128, amountOut: UInt256, zeroForOne: Bool) throws(V3MathError) -> UInt256 {
        guard !sqrtPX96.isZero else { throw V3MathError("P", "sqrt price is zero") }
        guard liquidity > 0 else { throw V3MathError("L", "liquidity is zero") }
        // Round so as to pass the target price.
        return zeroForOne
            ? try nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity: liquidity, amount: amountOut, add: false)
            : try nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity: liquidity, amount: amountOut, add: false)
    }

    /// Token0 between two prices: liquidity * (sqrtB - sqrtA) / (sqrtA * sqrtB).
    public static func amount0Delta(_ sqrtA: UInt256, _ sqrtB: UInt256, liquidity: UInt128, roundUp: Bool) throws(V3MathError) -> UInt256 {
        let (lower, upper) = sqrtA <= sqrtB ? (sqrtA, sqrtB) : (sqrtB, sqrtA)
        guard !lower.isZero else { throw V3MathError("SqrtPriceMath", "a sqrt price of zero") }
        let numerator1 = UInt256(high: 0, low: liquidity) << 96
        let numerator2 = upper - lower
        return roundUp
            ? Q96.divRoundingUp(try Q96.mulDivRoundingUp(numerator1, numerator2, upper, "amount0 delta"), lower)
            : try Q96.mulDiv(numerator1, numerator2, upper, "amount0 delta") / lower
    }

    /// Token1 between two prices: liquidity * (sqrtB - sqrtA).
    public static func amount1Delta(_ sqrtA: UInt256, _ sqrtB: UInt256, liquidity: UInt128, roundUp: Bool) throws(V3MathError) -> UInt256 {
        let (lower, upper) = sqrtA <= sqrtB ? (sqrtA, sqrtB) : (sqrtB, sqrtA)
        let liquidity = UInt256(high: 0, low: liquidity)
        // FullMath.mulDiv(RoundingUp)(liquidity, sqrtB - sqrtA, Q96), Q96 a shift.
        guard let amount = UInt256.mulDivQ96(liquidity, upper - lower, roundingUp: roundUp) else {
            throw V3MathError("FullMath", "amount1 delta: \(liquidity) * \(upper - lower) / 2^96 overflows")
        }
        return amount
    }
}

/// Uniswap/v3-core `SwapMath.computeSwapStep`.
public enum SwapMath {
    public struct Step: Sendable, Equatable {
        public var sqrtPriceNextX96: UInt256
        public var amountIn: UInt256
        public var amountOut: UInt256
        public var feeAmount: UInt256
    }

    public static let pipsDenominator = UInt256(1_000_000)

    /// One step of a swap toward `sqrtTarget`; `amountRemaining` positive for
    /// exact input, negative for exact output; the fee in pips (ppm) of the input.
    public static func computeSwapStep(
        sqrtCurrent: UInt256, sqrtTarget: UInt256, liquidity: UInt128, amountRemaining: SignedAmount, feePips: UInt32
    ) throws(V3MathError) -> Step {
        let zeroForOne = sqrtCurrent >= sqrtTarget
        let exactIn = !amountRemaining.isNegative
        let remaining = amountRemaining.magnitude
        let fee = UInt256(UInt64(feePips))
        var amountIn = UInt256.zero, amountOut = UInt256.zero
        let next: UInt256
        if exactIn {
            let remainingLessFee = try Q96.mulDiv(remaining, pipsDenominator - fee, pipsDenominator, "amount less fee")
            amountIn = zeroForOne
                ? try SqrtPriceMath.amount0Delta(sqrtTarget, sqrtCurrent, liquidity: liquidity, roundUp: true)
                : try SqrtPriceMath.amount1Delta(sqrtCurrent, sqrtTarget, liquidity: liquidity, roundUp: true)
            next = remainingLessFee >= amountIn
                ? sqrtTarget
                : try SqrtPriceMath.nextSqrtPriceFromInput(sqrtCurrent, liquidity: liquidity, amountIn: remainingLessFee, zeroForOne: zeroForOne)
        } else {
            amountOut = zeroForOne
                ? try SqrtPriceMath.amount1Delta(sqrtTarget, sqrtCurrent, liquidity: liquidity, roundUp: false)
                : try SqrtPriceMath.amount0Delta(sqrtCurrent, sqrtTarget, liquidity: liquidity, roundUp: false)
            next = remaining >= amountOut
                ? sqrtTarget
                : try SqrtPriceMath.nextSqrtPriceFromOutput(sqrtCurrent, liquidity: liquidity, amountOut: remaining, zeroForOne: zeroForOne)
        }
        let reachedTarget = sqrtTarget == next
        if zeroForOne {
            if !(reachedTarget && exactIn) { amountIn = try SqrtPriceMath.amount0Delta(next, sqrtCurrent, liquidity: liquidity, roundUp: true) }
            if !(reachedTarget && !exactIn) { amountOut = try SqrtPriceMath.amount1Delta(next, sqrtCurrent, liquidity: liquidity, roundUp: false) }
        } else {
            if !(reachedTarget && exactIn) { amountIn = try SqrtPriceMath.amount1Delta(sqrtCurrent, next, liquidity: liquidity, roundUp: true) }
            if !(reachedTarget && !exactIn) { amountOut = try SqrtPriceMath.amount0Delta(sqrtCurrent, next, liquidity: liquidity, roundUp: false) }
        }
        // Never more out than asked for.
        if !exactIn && amountOut > remaining { amountOut = remaining }
        let feeAmount = exactIn && next != sqrtTarget
            // The target was not reached: what is left of the input is all fee.
            ? remaining - amountIn
            : try Q96.mulDivRoundingUp(amountIn, fee, pipsDenominator - fee, "fee")
        return Step(sqrtPriceNextX96: next, amountIn: amountIn, amountOut: amountOut, feeAmount: feeAmount)
    }
}

/// Uniswap/v3-core `LiquidityMath.addDelta`: reverts 'LS' below zero, 'LA' past 2^128-1.
public enum LiquidityMath {
    public static func addDelta(_ x: UInt128, _ y: Int128) throws(V3MathError) -> UInt128 {
        if y < 0 {
            guard y.magnitude <= x else { throw V3MathError("LS", "liquidity \(x) minus \(y.magnitude) is below zero") }
            return x - y.magnitude
        }
        let (sum, overflow) = x.addingReportingOverflow(UInt128(y))
        guard !overflow else { throw V3MathError("LA", "liquidity \(x) plus \(y) passes 2^128-1") }
        return sum
    }
}
