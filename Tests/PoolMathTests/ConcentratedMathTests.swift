import BigInt
import Foundation
import PoolMath
import Testing

/// The vectors of Uniswap/v3-core's TickMath, SqrtPriceMath and SwapMath test
/// suites (test/*.spec.ts and the TickMath result snapshot).
@Suite struct ConcentratedMathTests {
    /// v3-core's `encodePriceSqrt(reserve1, reserve0)`: floor(sqrt(reserve1 / reserve0) * 2^96).
    func encodePriceSqrt(_ reserve1: UInt256, _ reserve0: UInt256) -> UInt256 {
        reserve1.multipliedFullWidth(by: UInt256.one << 192).quotientAndRemainder(dividingBy: reserve0).quotient.squareRoot()
    }

    func n(_ text: String) -> UInt256 { UInt256(decimal: text)! }
    func hex(_ text: String) -> UInt256 { UInt256(BigUInt(text, radix: 16)!.description)! }
    let e18 = UInt256(decimal: "1000000000000000000")!

    @Test func sqrtRatioAtTickMatchesTheContract() throws {
        #expect(try TickMath.sqrtRatio(atTick: TickMath.minTick) == UInt256(4_295_128_739))
        #expect(try TickMath.sqrtRatio(atTick: TickMath.minTick + 1) == UInt256(4_295_343_490))
        #expect(try TickMath.sqrtRatio(atTick: TickMath.maxTick - 1) == n("1461373636630004318706518188784493106690254656249"))
        #expect(try TickMath.sqrtRatio(atTick: TickMath.maxTick) == n("1461446703485210103287273052203988822378723970342"))
        #expect(try TickMath.sqrtRatio(atTick: 0) == Q96.one)
        #expect(throws: V3MathError.self) { try TickMath.sqrtRatio(atTick: TickMath.minTick - 1) }
        #expect(throws: V3MathError.self) { try TickMath.sqrtRatio(atTick: TickMath.maxTick + 1) }
        // The min tick's ratio is below the exact 2^-64 * 2^96, the max tick's above 2^64 * 2^96.
        #expect(try TickMath.sqrtRatio(atTick: TickMath.minTick) < encodePriceSqrt(1, UInt256.one << 127))
        #expect(try TickMath.sqrtRatio(atTick: TickMath.maxTick) > encodePriceSqrt(UInt256.one << 127, 1))
        // The result snapshot (hex, as the ports of v3-core carry it).
        let snapshot: [(Int32, String)] = [
            (-50, "ff5c5f6fd987594269220c6a"), (50, "0100a4096906976f1080c4042d"),
            (-100, "feb927758f54316b45a2d3b3"), (100, "0101487bee1c17ddb45ce0bae0"),
            (-250, "fcd1f06e35bcde2b89848a21"), (250, "0103384cc810558cdf8c440237"),
            (-500, "f9adfd836f8e67fcd3fbc8f1"), (500, "01067af7be7f9ba68649faa103"),
            (-1000, "f383ed6a4db4dabd35fb4457"), (1000, "010d1fee2afe8561359d69a466"),
            (-2500, "e1ebadaf4348cf03065c78b0"), (2500, "0122158d8bd5e8608ce87a2a89"),
            (-3000, "dc57c7edc0953c8a806afe03"), (3000, "01296d65dd39b9cdb1686122fd"),
            (-4000, "d198e00abfc929b20b3a5e0b"), (4000, "0138ad0cfe73ce1e71b237794f"),
            (-5000, "c760204669e1dc7cd7c087b7"), (5000, "0148b4d68157d6e8e30d43811e"),
            (-150000, "2442b231afa40110811e3d"), (150000, "070f5d5483c9bc7ecaca01eb4661"),
            (-250000, "3e8fdc0fc4060814fc0e"), (250000, "041789a3a867a82754af6edc398f28"),
            (-500000, "0f49ff6f39bb048b"), (500000, "10be7722ac12c046792462c77d5c3d5366"),
            (-738203, "06bd3a9098e3"), (738203, "25fca1f4cc2b919d309c63cc3bf4a65dae57ad"),
        ]
        for (tick, expected) in snapshot {
            let ratio = try TickMath.sqrtRatio(atTick: tick)
            #expect(ratio == hex(expected), "tick \(tick)")
            // And within 1/100 of a bip of sqrt(1.0001^tick) * 2^96.
            let exact = Double(tick) / 2 * log(1.0001) + 96 * log(2.0)
            #expect(abs(log(Double(ratio)) - exact) < 1e-6, "tick \(tick)")
        }
    }

    @Test func tickAtSqrtRatioIsTheGreatestTickAtOrBelow() throws {
        #expect(try TickMath.tick(atSqrtRatio: TickMath.minSqrtRatio) == TickMath.minTick)
        #expect(try TickMath.tick(atSqrtRatio: UInt256(4_295_343_490)) == TickMath.minTick + 1)
        #expect(try TickMath.tick(atSqrtRatio: n("1461373636630004318706518188784493106690254656249")) == TickMath.maxTick - 1)
        #expect(try TickMath.tick(atSqrtRatio: TickMath.maxSqrtRatio - .one) == TickMath.maxTick - 1)
        #expect(try TickMath.tick(atSqrtRatio: Q96.one) == 0)
        #expect(try TickMath.tick(atSqrtRatio: n("79232123823359799118286999568")) == 1)
        #expect(throws: V3MathError.self) { try TickMath.tick(atSqrtRatio: TickMath.minSqrtRatio - .one) }
        #expect(throws: V3MathError.self) { try TickMath.tick(atSqrtRatio: TickMath.maxSqrtRatio) }
        for ratio in [
            "4295128739", "79228162514264337593543950336000000", "79228162514264337593543950336000", "9903520314283042199192993792",
            "28011385487393069959365969113", "56022770974786139918731938227", "79228162514264337593543950336",
            "112045541949572279837463876454", "224091083899144559674927752909", "633825300114114700748351602688",
            "79228162514264337593543950", "79228162514264337593543", "1461446703485210103287273052203988822378723970341",
        ] {
            let price = n(ratio)
            let tick = try TickMath.tick(atSqrtRatio: price)
            #expect(try TickMath.sqrtRatio(atTick: tick) <= price, "\(ratio)")
            #expect(try TickMath.sqrtRatio(atTick: tick + 1) > price, "\(ratio)")
        }
        // The contract's log2 estimate against the definition, on prices of every bit length
        // (a fixed-seed generator: xorshift64*), and at each tick's price and one below.
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state >> 12; state ^= state << 25; state ^= state >> 27; return state &* 2685821657736338717 }
        for _ in 0..<3000 {
            let bits = 33 + Int(next() % 128)
            var price = UInt256(high: UInt128(next()), low: UInt128(next()) << 64 | UInt128(next())) >> (192 - bits)
            price = price | (UInt256.one << (bits - 1))
            guard price >= TickMath.minSqrtRatio, price < TickMath.maxSqrtRatio else { continue }
            let tick = try TickMath.tick(atSqrtRatio: price)
            #expect(try TickMath.sqrtRatio(atTick: tick) <= price, "\(price)")
            #expect(try TickMath.sqrtRatio(atTick: tick + 1) > price, "\(price)")
        }
        // Both directions agree on a sweep of ticks and their neighbouring prices.
        for tick in stride(from: TickMath.minTick, to: TickMath.maxTick, by: 7919) {
            let ratio = try TickMath.sqrtRatio(atTick: tick)
            #expect(try TickMath.tick(atSqrtRatio: ratio) == tick)
            if tick > TickMath.minTick { #expect(try TickMath.tick(atSqrtRatio: ratio - .one) == tick - 1) }
        }
    }

    @Test func nextSqrtPriceFromInput() throws {
        let one = encodePriceSqrt(1, 1)
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromInput(0, liquidity: 0, amountIn: self.e18 / 10, zeroForOne: false) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromInput(1, liquidity: 0, amountIn: self.e18 / 10, zeroForOne: true) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromInput(Q96.maxUInt160, liquidity: 1024, amountIn: 1024, zeroForOne: false) }
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(1, liquidity: 1, amountIn: UInt256.one << 255, zeroForOne: true) == UInt256(1))
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 100_000_000_000_000_000, amountIn: 0, zeroForOne: true) == one)
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 100_000_000_000_000_000, amountIn: 0, zeroForOne: false) == one)
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 1_000_000_000_000_000_000, amountIn: e18 / 10, zeroForOne: false) == n("87150978765690771352898345369"))
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 1_000_000_000_000_000_000, amountIn: e18 / 10, zeroForOne: true) == n("72025602285694852357767227579"))
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 10_000_000_000_000_000_000, amountIn: UInt256.one << 100, zeroForOne: true) == n("624999999995069620"))
        #expect(try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: 1, amountIn: UInt256.max / 2, zeroForOne: true) == UInt256(1))
    }

    @Test func nextSqrtPriceFromOutput() throws {
        let one = encodePriceSqrt(1, 1)
        let price = n("20282409603651670423947251286016")
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(0, liquidity: 0, amountOut: self.e18 / 10, zeroForOne: false) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(1, liquidity: 0, amountOut: self.e18 / 10, zeroForOne: true) }
        // Exactly, or more than, the virtual reserves of token0 (4) or token1 (262144): refused.
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(price, liquidity: 1024, amountOut: 4, zeroForOne: false) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(price, liquidity: 1024, amountOut: 5, zeroForOne: false) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(price, liquidity: 1024, amountOut: 262_144, zeroForOne: true) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(price, liquidity: 1024, amountOut: 262_145, zeroForOne: true) }
        #expect(try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 100_000_000_000_000_000, amountOut: 0, zeroForOne: true) == one)
        #expect(try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 100_000_000_000_000_000, amountOut: 0, zeroForOne: false) == one)
        #expect(try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 1_000_000_000_000_000_000, amountOut: e18 / 10, zeroForOne: false) == n("88031291682515930659493278152"))
        #expect(try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 1_000_000_000_000_000_000, amountOut: e18 / 10, zeroForOne: true) == n("71305346262837903834189555302"))
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 1, amountOut: .max, zeroForOne: true) }
        #expect(throws: V3MathError.self) { try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: 1, amountOut: .max, zeroForOne: false) }
    }

    @Test func amountDeltas() throws {
        let one = encodePriceSqrt(1, 1), p121 = encodePriceSqrt(121, 100)
        #expect(try SqrtPriceMath.amount0Delta(one, encodePriceSqrt(2, 1), liquidity: 0, roundUp: true) == .zero)
        #expect(try SqrtPriceMath.amount0Delta(one, one, liquidity: 0, roundUp: true) == .zero)
        let up0 = try SqrtPriceMath.amount0Delta(one, p121, liquidity: 1_000_000_000_000_000_000, roundUp: true)
        #expect(up0 == n("90909090909090910"))
        #expect(try SqrtPriceMath.amount0Delta(one, p121, liquidity: 1_000_000_000_000_000_000, roundUp: false) == up0 - .one)
        // Prices whose product overflows 256 bits.
        let high = encodePriceSqrt(UInt256.one << 96, 1), low = encodePriceSqrt(UInt256.one << 90, 1)
        #expect(try SqrtPriceMath.amount0Delta(high, low, liquidity: 1_000_000_000_000_000_000, roundUp: true)
            == SqrtPriceMath.amount0Delta(high, low, liquidity: 1_000_000_000_000_000_000, roundUp: false) + .one)
        #expect(try SqrtPriceMath.amount1Delta(one, encodePriceSqrt(2, 1), liquidity: 0, roundUp: true) == .zero)
        let up1 = try SqrtPriceMath.amount1Delta(one, p121, liquidity: 1_000_000_000_000_000_000, roundUp: true)
        #expect(up1 == n("100000000000000000"))
        #expect(try SqrtPriceMath.amount1Delta(one, p121, liquidity: 1_000_000_000_000_000_000, roundUp: false) == up1 - .one)
        // sqrtP * sqrtQ overflows.
        let sqrtP = n("1025574284609383690408304870162715216695788925244")
        let liquidity = UInt128("50015962439936049619261659728067971248")!
        let sqrtQ = try SqrtPriceMath.nextSqrtPriceFromInput(sqrtP, liquidity: liquidity, amountIn: 406, zeroForOne: true)
        #expect(sqrtQ == n("1025574284609383582644711336373707553698163132913"))
        #expect(try SqrtPriceMath.amount0Delta(sqrtQ, sqrtP, liquidity: liquidity, roundUp: true) == UInt256(406))
    }

    func step(_ current: UInt256, _ target: UInt256, _ liquidity: UInt128, _ remaining: SignedAmount, _ fee: UInt32) throws -> SwapMath.Step {
        try SwapMath.computeSwapStep(sqrtCurrent: current, sqrtTarget: target, liquidity: liquidity, amountRemaining: remaining, feePips: fee)
    }

    @Test func computeSwapStepMatchesTheSpec() throws {
        let one = encodePriceSqrt(1, 1)
        let two: UInt128 = 2_000_000_000_000_000_000
        // Exact in, capped at the price target, one for zero.
        var s = try step(one, encodePriceSqrt(101, 100), two, SignedAmount(e18), 600)
        #expect(s.amountIn == n("9975124224178055") && s.feeAmount == n("5988667735148") && s.amountOut == n("9925619580021728"))
        #expect(s.amountIn + s.feeAmount < e18)
        #expect(s.sqrtPriceNextX96 == encodePriceSqrt(101, 100))
        #expect(s.sqrtPriceNextX96 < (try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: two, amountIn: e18, zeroForOne: false)))
        // Exact out, capped at the price target.
        s = try step(one, encodePriceSqrt(101, 100), two, SignedAmount(e18, negative: true), 600)
        #expect(s.amountIn == n("9975124224178055") && s.feeAmount == n("5988667735148") && s.amountOut == n("9925619580021728"))
        #expect(s.sqrtPriceNextX96 == encodePriceSqrt(101, 100))
        // Exact in, fully spent.
        s = try step(one, encodePriceSqrt(1000, 100), two, SignedAmount(e18), 600)
        #expect(s.amountIn == n("999400000000000000") && s.feeAmount == n("600000000000000") && s.amountOut == n("666399946655997866"))
        #expect(s.amountIn + s.feeAmount == e18)
        #expect(s.sqrtPriceNextX96 < encodePriceSqrt(1000, 100))
        #expect(s.sqrtPriceNextX96 == (try SqrtPriceMath.nextSqrtPriceFromInput(one, liquidity: two, amountIn: e18 - s.feeAmount, zeroForOne: false)))
        // Exact out, fully received.
        s = try step(one, encodePriceSqrt(10000, 100), two, SignedAmount(e18, negative: true), 600)
        #expect(s.amountIn == n("2000000000000000000") && s.feeAmount == n("1200720432259356") && s.amountOut == e18)
        #expect(s.sqrtPriceNextX96 == (try SqrtPriceMath.nextSqrtPriceFromOutput(one, liquidity: two, amountOut: e18, zeroForOne: false)))
        // The amount out is capped at the amount asked for.
        s = try step(n("417332158212080721273783715441582"), n("1452870262520218020823638996"),
                     UInt128("159344665391607089467575320103")!, SignedAmount(.one, negative: true), 1)
        #expect(s.amountIn == UInt256(1) && s.feeAmount == UInt256(1) && s.amountOut == UInt256(1))
        #expect(s.sqrtPriceNextX96 == n("417332158212080721273783715441581"))
        // A target price of 1 uses part of the input.
        s = try step(2, 1, 1, SignedAmount(n("3915081100057732413702495386755767")), 1)
        #expect(s.amountIn == n("39614081257132168796771975168") && s.feeAmount == n("39614120871253040049813"))
        #expect(s.amountIn + s.feeAmount <= n("3915081100057732413702495386755767"))
        #expect(s.amountOut == .zero && s.sqrtPriceNextX96 == UInt256(1))
        // The whole input taken as fee.
        s = try step(2413, n("79887613182836312"), UInt128("1985041575832132834610021537970")!, SignedAmount(10), 1872)
        #expect(s.amountIn == .zero && s.feeAmount == UInt256(10) && s.amountOut == .zero && s.sqrtPriceNextX96 == UInt256(2413))
        // Intermediate insufficient liquidity, zero for one and one for zero, exact output.
        let sqrtP = n("20282409603651670423947251286016")
        s = try step(sqrtP, sqrtP * 11 / 10, 1024, SignedAmount(4, negative: true), 3000)
        #expect(s.amountOut == .zero && s.sqrtPriceNextX96 == sqrtP * 11 / 10 && s.amountIn == UInt256(26215) && s.feeAmount == UInt256(79))
        s = try step(sqrtP, sqrtP * 9 / 10, 1024, SignedAmount(263_000, negative: true), 3000)
        #expect(s.amountOut == UInt256(26214) && s.sqrtPriceNextX96 == sqrtP * 9 / 10 && s.amountIn == UInt256(1) && s.feeAmount == UInt256(1))
    }

    @Test func liquidityDeltas() throws {
        #expect(try LiquidityMath.addDelta(1, 0) == 1)
        #expect(try LiquidityMath.addDelta(1, -1) == 0)
        #expect(try LiquidityMath.addDelta(1, 1) == 2)
        #expect(throws: V3MathError.self) { try LiquidityMath.addDelta(UInt128.max - 14, 15) }
        #expect(throws: V3MathError.self) { try LiquidityMath.addDelta(0, -1) }
        #expect(throws: V3MathError.self) { try LiquidityMath.addDelta(3, -4) }
    }
}
