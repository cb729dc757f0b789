import BigInt
import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// Random V3 streams (several owners, overlapping ranges, swaps both ways that
/// cross many initialized ticks, burns, pokes and collects): after every
/// operation the pool's laws hold, and every position's fees equal an
/// independent account kept from the swap steps alone (not from the ticks'
/// fee growth outside, which is what is being checked).
@Suite struct ConcentratedPoolPropertyTests {
    struct Account {
        var liquidity: UInt128 = 0
        /// Fee growth inside the range at the last update, summed from the steps that ran inside it.
        var growthLast0 = BigUInt(0), growthLast1 = BigUInt(0)
        /// Owed and not collected: fees settled at each update, plus what burns released.
        var fees0 = BigUInt(0), fees1 = BigUInt(0)
    }

    @Test func randomStreamsKeepTheLawsAndTheFees() async {
        await propertyCheck(count: 12, input: Gen.uint64()) { seed in
            do { try run(seed: seed) } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    func run(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let tiers: [(UInt32, Int32)] = [(500, 10), (3000, 60), (10000, 200)]
        let (fee, spacing) = tiers[draw(0...2)]
        var pool = try ConcentratedPool(feePips: fee, tickSpacing: spacing, sqrtPriceX96: try TickMath.sqrtRatio(atTick: Int32(draw(-20_000...20_000))))
        if draw(0...1) == 0 { pool.feeProtocol = UInt8(draw(4...10)) | UInt8(draw(4...10)) << 4 }
        let owners = ["a", "b", "c", "d"]
        var accounts: [ConcentratedPool.PositionKey: Account] = [:]
        var balance0 = BigInt(0), balance1 = BigInt(0)
        let q128 = BigUInt(1) << 128

        // Running independent growth inside each range (token0, token1).
        var inside: [ConcentratedPool.PositionKey: (BigUInt, BigUInt)] = [:]
        func settle(_ key: ConcentratedPool.PositionKey) {
            var account = accounts[key] ?? Account()
            let (g0, g1) = inside[key] ?? (0, 0)
            account.fees0 += (g0 - account.growthLast0) * BigUInt(account.liquidity) / q128
            account.fees1 += (g1 - account.growthLast1) * BigUInt(account.liquidity) / q128
            account.growthLast0 = g0
            account.growthLast1 = g1
            accounts[key] = account
        }

        for _ in 0..<200 {
            let roll = draw(0...99)
            let owner = owners[draw(0...3)]
            if roll < 25 {
                let center = Int(pool.tick) / Int(spacing)
                let lower = Int32((center + draw(-40...20)) * Int(spacing)), width = Int32(draw(1...60)) * spacing
                let key = ConcentratedPool.PositionKey(owner: owner, tickLower: max(lower, TickMath.minTick / spacing * spacing), tickUpper: min(lower + width, TickMath.maxTick / spacing * spacing))
                guard key.tickLower < key.tickUpper else { continue }
                let amount = UInt128(draw(1...1_000_000)) * 1_000_000_000_000
                settle(key)
                let paid = try pool.mint(owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, amount: amount)
                accounts[key]!.liquidity += amount
                balance0 += BigInt(BigUInt(paid.amount0)); balance1 += BigInt(BigUInt(paid.amount1))
            } else if roll < 40 {
                let held = pool.positions.filter { $0.value.liquidity > 0 }.keys.sorted { ($0.owner, $0.tickLower, $0.tickUpper) < ($1.owner, $1.tickLower, $1.tickUpper) }
                guard let key = held.randomElement(using: &rng) else { continue }
                let liquidity = pool.positions[key]!.liquidity
                let amount = draw(0...4) == 0 ? 0 : draw(0...1) == 0 ? liquidity : liquidity / UInt128(draw(2...5))
                settle(key)
                let released = try pool.burn(owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, amount: amount)
                accounts[key]!.liquidity -= amount
                // A burn's tokens are owed alongside the fees until collected.
                accounts[key]!.fees0 += BigUInt(released.amount0)
                accounts[key]!.fees1 += BigUInt(released.amount1)
            } else if roll < 50 {
                guard let key = pool.positions.keys.sorted(by: { ($0.owner, $0.tickLower, $0.tickUpper) < ($1.owner, $1.tickLower, $1.tickUpper) }).randomElement(using: &rng) else { continue }
                let owed = pool.positions[key]!
                let paid = pool.collect(owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, amount0Requested: .max, amount1Requested: .max)
                #expect(paid.amount0 == owed.tokensOwed0 && paid.amount1 == owed.tokensOwed1)
                balance0 -= BigInt(paid.amount0); balance1 -= BigInt(paid.amount1)
                // What was owed is out: keep the account's fees as those still to be collected.
                var account = accounts[key] ?? Account()
                #expect(account.fees0 >= BigUInt(paid.amount0) && account.fees1 >= BigUInt(paid.amount1), "collected more than owed")
                account.fees0 = account.fees0 >= BigUInt(paid.amount0) ? account.fees0 - BigUInt(paid.amount0) : 0
                account.fees1 = account.fees1 >= BigUInt(paid.amount1) ? account.fees1 - BigUInt(paid.amount1) : 0
                accounts[key] = account
            } else {
                let zeroForOne = draw(0...1) == 0
                let magnitude = UInt256(UInt64(draw(1...1_000_000))) * UInt256(UInt64(draw(1...1_000_000_000))) * 1000
                let amount = draw(0...2) == 0 ? SignedAmount(magnitude, negative: true) : SignedAmount(magnitude)
                let limit = zeroForOne ? TickMath.minSqrtRatio + .one : TickMath.maxSqrtRatio - .one
                guard pool.sqrtPriceX96 != limit else { continue }
                var steps: [ConcentratedPool.SwapStep] = []
                var trial = pool
                guard let result = try? trial.swap(zeroForOne: zeroForOne, amountSpecified: amount, sqrtPriceLimitX96: limit, observe: { steps.append($0) }) else { continue }
                pool = trial
                balance0 += result.amount0.isNegative ? -BigInt(BigUInt(result.amount0.magnitude)) : BigInt(BigUInt(result.amount0.magnitude))
                balance1 += result.amount1.isNegative ? -BigInt(BigUInt(result.amount1.magnitude)) : BigInt(BigUInt(result.amount1.magnitude))
                for step in steps where step.liquidity > 0 {
                    let growth = BigUInt(step.feeAmount) * q128 / BigUInt(step.liquidity)
                    for key in accounts.keys where key.tickLower <= step.tick && step.tick < key.tickUpper {
                        var g = inside[key] ?? (0, 0)
                        if zeroForOne { g.0 += growth } else { g.1 += growth }
                        inside[key] = g
                    }
                }
            }
            try checkLaws(pool, balance0: balance0, balance1: balance1)
            // Fees: the pool's tokens owed plus what is pending equal the independent
            // account, which floors at the same moments (each update of the position).
            for (key, position) in pool.positions {
                let (inside0, inside1) = pool.feeGrowthInside(tickLower: key.tickLower, tickUpper: key.tickUpper)
                let pending0 = BigUInt(UInt256.mulDiv(inside0 &- position.feeGrowthInside0LastX128, UInt256(high: 0, low: position.liquidity), UInt256.one << 128)!)
                let pending1 = BigUInt(UInt256.mulDiv(inside1 &- position.feeGrowthInside1LastX128, UInt256(high: 0, low: position.liquidity), UInt256.one << 128)!)
                let account = accounts[key]!
                let (g0, g1) = inside[key] ?? (0, 0)
                let expected0 = account.fees0 + (g0 - account.growthLast0) * BigUInt(account.liquidity) / q128
                let expected1 = account.fees1 + (g1 - account.growthLast1) * BigUInt(account.liquidity) / q128
                #expect(BigUInt(position.tokensOwed0) + pending0 == expected0, "seed \(seed) \(key): fees0 pool \(BigUInt(position.tokensOwed0) + pending0), independent \(expected0)")
                #expect(BigUInt(position.tokensOwed1) + pending1 == expected1, "seed \(seed) \(key): fees1 pool \(BigUInt(position.tokensOwed1) + pending1), independent \(expected1)")
                #expect(account.liquidity == position.liquidity)
            }
        }
    }

    /// The laws: the tick matches the price; the active liquidity is the sum of the
    /// positions whose range holds the tick; the pool's balances cover every
    /// position's principal, its owed and pending fees, and the protocol's.
    func checkLaws(_ pool: ConcentratedPool, balance0: BigInt, balance1: BigInt) throws {
        let tickOfPrice = try TickMath.tick(atSqrtRatio: pool.sqrtPriceX96)
        // After crossing a tick downward the price sits exactly on it and the tick is one below.
        let onTick = pool.sqrtPriceX96 == (try TickMath.sqrtRatio(atTick: tickOfPrice))
        #expect(pool.tick == tickOfPrice || (pool.tick == tickOfPrice - 1 && onTick))
        var active = UInt128(0)
        var owed0 = BigUInt(pool.protocolFees0), owed1 = BigUInt(pool.protocolFees1)
        for (key, position) in pool.positions {
            if key.tickLower <= pool.tick && pool.tick < key.tickUpper { active += position.liquidity }
            let lower = try TickMath.sqrtRatio(atTick: key.tickLower), upper = try TickMath.sqrtRatio(atTick: key.tickUpper)
            let price = min(max(pool.sqrtPriceX96, lower), upper)
            owed0 += BigUInt(try SqrtPriceMath.amount0Delta(price, upper, liquidity: position.liquidity, roundUp: false))
            owed1 += BigUInt(try SqrtPriceMath.amount1Delta(lower, price, liquidity: position.liquidity, roundUp: false))
            owed0 += BigUInt(position.tokensOwed0)
            owed1 += BigUInt(position.tokensOwed1)
            let (inside0, inside1) = pool.feeGrowthInside(tickLower: key.tickLower, tickUpper: key.tickUpper)
            owed0 += BigUInt(UInt256.mulDiv(inside0 &- position.feeGrowthInside0LastX128, UInt256(high: 0, low: position.liquidity), UInt256.one << 128)!)
            owed1 += BigUInt(UInt256.mulDiv(inside1 &- position.feeGrowthInside1LastX128, UInt256(high: 0, low: position.liquidity), UInt256.one << 128)!)
        }
        #expect(active == pool.liquidity)
        #expect(balance0 >= BigInt(owed0), "token0: balance \(balance0) < owed \(owed0)")
        #expect(balance1 >= BigInt(owed1), "token1: balance \(balance1) < owed \(owed1)")
    }

    /// Liquidity past int128 is refused as the contract's SafeCast refuses it, not trapped on.
    @Test func liquidityBeyondInt128IsRefused() throws {
        var pool = try ConcentratedPool(feePips: 3000, tickSpacing: 60, sqrtPriceX96: Q96.one)
        #expect(throws: V3MathError.self) { try pool.mint(owner: "a", tickLower: -60, tickUpper: 60, amount: UInt128(Int128.max) + 1) }
        #expect(throws: V3MathError.self) { try pool.burn(owner: "a", tickLower: -60, tickUpper: 60, amount: UInt128(Int128.max) + 1) }
        #expect(pool.positions.isEmpty && pool.ticks.isEmpty)
    }
}
