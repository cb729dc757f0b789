import BigInt
import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// The position audit of concentrated pools, driven through the ledger's
/// commands and the audit fold (every fact re-checked).
@Suite struct ConcentratedAuditTests {
    /// Folds commands into a ledger and an audit fold side by side.
    struct Run {
        var ledger = Ledger()
        var fold = AuditFold(pool: "p")

        @discardableResult
        mutating func execute(_ body: CommandBody) throws -> Fact {
            let facts = try ledger.execute(Command(body))
            for fact in facts { try fold.fold(fact, seq: ledger.seq) }
            return facts[0]
        }
    }

    static func create(fee: UInt32, spacing: Int32, tick: Int32) throws -> CommandBody {
        .createPool(PoolCreated(pool: "p", token0: "A", token1: "B", feePPM: fee, model: .concentrated,
                                tickSpacing: spacing, sqrtPriceX96: try TickMath.sqrtRatio(atTick: tick)))
    }

    /// Zero fee, the price moved within the range by a swap stopped at a limit:
    /// the audit's il_pct is the closed form for the range within 1e-9 relative,
    /// its fees are zero, and value == hodl + il exactly.
    @Test func zeroFeeRangeLossIsTheClosedForm() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            do { try closedForm(seed: seed) } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    func closedForm(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let start = Int32(draw(-100_000...100_000))
        var run = Run()
        try run.execute(try Self.create(fee: 0, spacing: 1, tick: start))
        let lower = start - Int32(draw(300...30_000)), upper = start + Int32(draw(300...30_000))
        let liquidity = UInt256(UInt64(draw(1...1_000_000))) * UInt256(decimal: "1000000000000000000")!
        try run.execute(.mintPosition(MintPosition(pool: "p", owner: "lp", tickLower: lower, tickUpper: upper, liquidity: liquidity)))
        var target = Int32(draw(Int(lower) + 1...Int(upper) - 1))
        if abs(target - start) < 100 { target = target >= start ? min(start + 100, upper - 1) : max(start - 100, lower + 1) }
        guard target != start else { return }
        let zeroForOne = target < start
        try run.execute(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: zeroForOne ? "A" : "B",
                                                 amountIn: UInt256.max >> 130, sqrtPriceLimitX96: try TickMath.sqrtRatio(atTick: target))))
        let audit = try #require(try run.fold.concentratedAudit())
        let position = try #require(audit.positions.first)
        #expect(position.inRange)
        #expect(position.feeValue.isZero && position.lifetimeFees0.isZero && position.lifetimeFees1.isZero)
        #expect(SignedAmount(position.value) == SignedAmount(position.hodlValue) + position.ilValue)

        func ratio(_ a: UInt256, _ b: UInt256) -> Double {
            Double((BigUInt(a) * BigUInt(a) * BigUInt(10).power(30)) / (BigUInt(b) * BigUInt(b))) / 1e30
        }
        let sqrtP0 = try TickMath.sqrtRatio(atTick: start), sqrtP1 = run.ledger["p"]!.concentrated!.sqrtPriceX96
        let closed = ImpermanentLoss.fraction(
            priceRatio: ratio(sqrtP1, sqrtP0),
            rangeLower: ratio(try TickMath.sqrtRatio(atTick: lower), sqrtP0),
            rangeUpper: ratio(try TickMath.sqrtRatio(atTick: upper), sqrtP0))
        let percent = try #require(position.ilPercent)
        let audited = (percent.isNegative ? -1.0 : 1.0) * Double(BigUInt(percent.magnitude)) / 1e18 / 100
        #expect(abs(audited - closed) <= 1e-9 * abs(closed), "seed \(seed): ticks \(lower)...\(upper) from \(start) to \(target): audit \(audited), closed form \(closed)")
    }

    /// The only position in the pool earns every swap's fee: its lifetime fees
    /// equal the fees the swaps paid, computed apart from the pool as
    /// amount_in - floor(amount_in * 997000 / 1000000), within a few wei per swap
    /// for the contract's roundings. A partial collect moves fees from uncollected to
    /// collected and leaves the lifetime total; a burn's principal owed is
    /// neither.
    @Test func loneProviderEarnsEverySwapsFee() throws {
        var run = Run()
        try run.execute(try Self.create(fee: 3000, spacing: 60, tick: 0))
        let liquidity = UInt256(decimal: "1000000000000000000000000")!
        try run.execute(.mintPosition(MintPosition(pool: "p", owner: "lp", tickLower: -6000, tickUpper: 6000, liquidity: liquidity)))
        var paid0 = UInt256.zero, paid1 = UInt256.zero
        var swaps = 0
        for index in 0..<40 {
            let amount = UInt256(UInt64(1 + index * 7919 % 1000)) * UInt256(decimal: "100000000000000000")!
            let zeroForOne = index % 2 == 0
            let fact = try run.execute(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: zeroForOne ? "A" : "B", amountIn: amount)))
            guard case .swap(let swap) = fact.body else { continue }
            // Within one initialized range the whole input is one step: the fee is
            // amountIn - floor(amountIn * (1e6 - fee) / 1e6) in the contract's rounding.
            let input = zeroForOne ? swap.amount0In : swap.amount1In
            let fee = input - input * UInt256(997_000) / UInt256(1_000_000)
            if zeroForOne { paid0 += fee } else { paid1 += fee }
            swaps += 1
        }
        var audit = try #require(try run.fold.concentratedAudit()?.positions.first)
        // Per swap step: the fee's rounding against the estimate, and fee growth's floor (a swap
        // that crosses the word boundary at tick 0 runs two steps).
        func close(_ a: UInt256, _ b: UInt256) -> Bool { (a > b ? a - b : b - a) <= UInt256(UInt64(4 * swaps)) }
        #expect(close(audit.lifetimeFees0, paid0), "token0 fees \(audit.lifetimeFees0), swaps paid \(paid0)")
        #expect(close(audit.lifetimeFees1, paid1), "token1 fees \(audit.lifetimeFees1), swaps paid \(paid1)")
        #expect(!audit.lifetimeFees0.isZero && !audit.lifetimeFees1.isZero)
        let lifetime = (audit.lifetimeFees0, audit.lifetimeFees1)

        // Burn half (fees settle into tokens owed with the principal), collect a little.
        try run.execute(.burnPosition(BurnPosition(pool: "p", owner: "lp", tickLower: -6000, tickUpper: 6000, liquidity: liquidity / 2)))
        audit = try #require(try run.fold.concentratedAudit()?.positions.first)
        #expect((audit.lifetimeFees0, audit.lifetimeFees1) == lifetime)
        #expect(!audit.principalOwed0.isZero && !audit.principalOwed1.isZero)
        #expect(audit.claimable0 == audit.principal0 + audit.principalOwed0 + audit.uncollectedFees0)
        let owedPrincipal0 = audit.principalOwed0
        let collected = try run.execute(.collect(CollectFees(pool: "p", owner: "lp", tickLower: -6000, tickUpper: 6000,
                                                             amount0Max: owedPrincipal0 + 5, amount1Max: .zero)))
        guard case .feesCollected(let paid) = collected.body else { Issue.record("not a collect"); return }
        #expect(paid.amount0 == owedPrincipal0 + 5)
        audit = try #require(try run.fold.concentratedAudit()?.positions.first)
        // Principal first, then 5 wei of fees: collected fees 5, uncollected 5 fewer, lifetime the same.
        #expect(audit.principalOwed0.isZero)
        #expect(audit.collectedFees0 == 5)
        #expect((audit.lifetimeFees0, audit.lifetimeFees1) == lifetime)
        #expect(SignedAmount(audit.value) - SignedAmount(audit.principalValue) <= SignedAmount(audit.feeValue))
        #expect(audit.netValue == audit.ilValue + SignedAmount(audit.feeValue))
    }

    /// Out of range: below it the position is all token0, above all token1, and
    /// the audit says so.
    @Test func rangeStatusFollowsThePrice() throws {
        var run = Run()
        try run.execute(try Self.create(fee: 3000, spacing: 60, tick: 0))
        let big = UInt256(decimal: "1000000000000000000000000")!
        try run.execute(.mintPosition(MintPosition(pool: "p", owner: "wide", tickLower: -60000, tickUpper: 60000, liquidity: big)))
        try run.execute(.mintPosition(MintPosition(pool: "p", owner: "narrow", tickLower: -600, tickUpper: 600, liquidity: big)))
        try run.execute(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "B", amountIn: big, sqrtPriceLimitX96: try TickMath.sqrtRatio(atTick: 1200))))
        let audit = try #require(try run.fold.concentratedAudit())
        let narrow = try #require(audit.positions.first { $0.position.key.owner == "narrow" })
        let wide = try #require(audit.positions.first { $0.position.key.owner == "wide" })
        #expect(!narrow.inRange && wide.inRange)
        #expect(narrow.principal0.isZero && !narrow.principal1.isZero, "above its range a position holds token1 only")
        #expect(narrow.ilValue.isNegative)
        #expect(audit.holds)
    }
}
