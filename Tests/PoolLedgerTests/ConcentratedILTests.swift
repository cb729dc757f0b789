import BigInt
import Foundation
import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// A zero-fee V3 position, the price moved within its range by a swap: its loss
/// against holding, computed from what the pool pays on burning it, is the closed
/// form for a concentrated range (`ImpermanentLoss.fraction(priceRatio:rangeLower:rangeUpper:)`).
@Suite struct ConcentratedILTests {
    @Test func zeroFeePositionLossIsTheClosedForm() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            do { try check(seed: seed) } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    func check(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let start = Int32(draw(-100_000...100_000))
        var pool = try ConcentratedPool(feePips: 0, tickSpacing: 1, sqrtPriceX96: try TickMath.sqrtRatio(atTick: start))
        let lower = start - Int32(draw(300...30_000)), upper = start + Int32(draw(300...30_000))
        let liquidity = UInt128(draw(1...1_000_000)) * 1_000_000_000_000_000_000
        let minted = try pool.mint(owner: "lp", tickLower: lower, tickUpper: upper, amount: liquidity)
        let sqrtP0 = pool.sqrtPriceX96

        // A target tick inside the range, at least 100 ticks (1 %) from the start.
        var target = Int32(draw(Int(lower) + 1...Int(upper) - 1))
        if abs(target - start) < 100 { target = target >= start ? min(start + 100, upper - 1) : max(start - 100, lower + 1) }
        guard target != start else { return }
        let limit = try TickMath.sqrtRatio(atTick: target)
        let zeroForOne = target < start
        _ = try pool.swap(zeroForOne: zeroForOne, amountSpecified: SignedAmount(UInt256.max >> 1), sqrtPriceLimitX96: limit)
        #expect(pool.sqrtPriceX96 == limit)
        let sqrtP1 = pool.sqrtPriceX96
        let released = try pool.burn(owner: "lp", tickLower: lower, tickUpper: upper, amount: liquidity)

        // Values at the new price, times 2^192: x * sqrtP1^2 + y * 2^192, exact.
        let p1 = BigUInt(sqrtP1) * BigUInt(sqrtP1), q192 = BigUInt(1) << 192
        let value = BigInt(BigUInt(released.amount0) * p1 + BigUInt(released.amount1) * q192)
        let hodl = BigInt(BigUInt(minted.amount0) * p1 + BigUInt(minted.amount1) * q192)
        let scale = BigInt(10).power(30)
        let loss = Double((value - hodl) * scale / hodl) / 1e30

        // The closed form at the ratio reached and the range, both from the exact sqrt prices.
        func ratio(_ a: UInt256, _ b: UInt256) -> Double {
            let q = (BigUInt(a) * BigUInt(a) * BigUInt(10).power(30)) / (BigUInt(b) * BigUInt(b))
            return Double(q) / 1e30
        }
        let closed = ImpermanentLoss.fraction(
            priceRatio: ratio(sqrtP1, sqrtP0),
            rangeLower: ratio(try TickMath.sqrtRatio(atTick: lower), sqrtP0),
            rangeUpper: ratio(try TickMath.sqrtRatio(atTick: upper), sqrtP0))
        #expect(abs(loss - closed) <= 1e-9 * abs(closed), "seed \(seed): ticks \(lower)...\(upper) from \(start) to \(target): pool \(loss), closed form \(closed)")
        #expect(loss < 0)
    }

    @Test func closedFormKnownValues() {
        // A 2x move over a range from half to twice the price: the full-range loss amplified
        // by 1 / (1 - sqrt(1/2)) = 3.414..., i.e. -5.72 % becomes -19.53 %.
        let full = ImpermanentLoss.fraction(priceRatio: 2)
        let ranged = ImpermanentLoss.fraction(priceRatio: 2, rangeLower: 0.5, rangeUpper: 2)
        #expect(abs(ranged - full / (1 - 0.5.squareRoot())) < 1e-12)
        #expect(String(format: "%.2f", ranged * 100) == "-19.53")
        // A very wide range is the full range.
        #expect(abs(ImpermanentLoss.fraction(priceRatio: 1.5, rangeLower: 1e-12, rangeUpper: 1e12) - ImpermanentLoss.fraction(priceRatio: 1.5)) < 1e-5)
    }
}
