import BigInt
import Foundation
import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// Decides `command` against the fold's pool and folds what it decided.
private func run(_ command: CommandBody, into fold: inout AuditFold, seq: inout UInt64) throws {
    for fact in try Decide.decide(Command(command), fold.pool) {
        seq += 1
        try fold.fold(fact, seq: seq)
    }
}

/// The nearest integer to a positive double, exactly.
private func integer(_ value: Double) -> UInt256 {
    UInt256(decimal: String(format: "%.0f", value.rounded()))!
}

/// A decimal string (`"-12.5"`) as an integer count of 10^-decimals, exactly.
private func scaled(_ text: String, decimals: Int) -> BigInt {
    let negative = text.hasPrefix("-")
    let digits = negative ? text.dropFirst() : Substring(text)
    let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    precondition(fraction.count <= decimals, "\(text) has more than \(decimals) places")
    let magnitude = BigInt(String(parts[0]) + fraction + String(repeating: "0", count: decimals - fraction.count))!
    return negative ? -magnitude : magnitude
}

private func field(_ object: JSON, _ key: String) -> JSON? {
    guard case .object(let members) = object else { return nil }
    return members.first { $0.key == key }?.value
}

@Suite struct AuditTests {
    /// A zero-fee pool moved by arbitrage to a price ratio r (log-uniform in
    /// 0.01...100): its sole provider's audited loss is the closed form
    /// 2*sqrt(r)/(1+r) - 1 at the ratio the swap reached, within 1e-9 relative.
    @Test func zeroFeeArbitrageGivesTheClosedFormLoss() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
            let ratio = pow(10, -2 + 4 * unit())
            let reserve0 = integer(pow(10, 24 + 3 * unit()))
            let reserve1 = integer(Double(reserve0) * pow(10, -3 + 6 * unit()))
            var fold = AuditFold(pool: "p")
            var seq: UInt64 = 0
            do {
                try run(.createPool(PoolCreated(pool: "p", token0: "X", token1: "Y", feePPM: 0)), into: &fold, seq: &seq)
                try run(.addLiquidity(AddLiquidity(pool: "p", provider: "lp", amount0Desired: reserve0, amount1Desired: reserve1)), into: &fold, seq: &seq)
                // With no fee the arbitrage that multiplies the price by r puts in
                // token1 * (sqrt(r) - 1) (r > 1) or token0 * (1/sqrt(r) - 1).
                let swap = ratio > 1
                    ? SwapExactIn(pool: "p", trader: "arb", tokenIn: "Y", amountIn: integer(Double(reserve1) * (ratio.squareRoot() - 1)))
                    : SwapExactIn(pool: "p", trader: "arb", tokenIn: "X", amountIn: integer(Double(reserve0) * (1 / ratio.squareRoot() - 1)))
                try run(.swapExactIn(swap), into: &fold, seq: &seq)
                let audit = try #require(try fold.audit())
                let lp = try #require(audit.providers.first { $0.provider == "lp" })
                let percent = try #require(lp.ilPercent)

                // The ratio reached, (r1'/r0') / (r1/r0) = 1 + d, with d exact from the integers.
                let pool = try #require(fold.pool)
                let after = BigInt(BigUInt(pool.reserve1)) * BigInt(BigUInt(reserve0))
                let before = BigInt(BigUInt(pool.reserve0)) * BigInt(BigUInt(reserve1))
                let d = Double((after - before) * BigInt(10).power(30) / before) / 1e30
                // 2*sqrt(r)/(1+r) - 1 = -(sqrt(r) - 1)^2 / (1 + r), and sqrt(r) - 1 = d / (sqrt(1+d) + 1):
                // the stable forms, so that ratios near 1 keep their digits.
                let rootMinusOne = d / ((1 + d).squareRoot() + 1)
                let closed = -100 * rootMinusOne * rootMinusOne / (2 + d)
                let audited = Double(percent) / 1e18
                #expect(abs(audited - closed) <= 1e-9 * abs(closed), "r \(ratio): audited \(audited) %, closed form \(closed) %")
                // And the closed form at the target ratio itself (the swap lands within rounding of it).
                #expect(abs(audited - 100 * ImpermanentLoss.fraction(priceRatio: ratio)) <= 1e-6 * abs(closed) + 1e-12)
                #expect(!lp.ilValue.isPositive)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// Over random histories (every kind of fact, protocol fee on and off):
    /// value == hodl + il + fee exactly, on the values and on the printed
    /// strings; value and HODL value agree with an independent BigInt
    /// recomputation; claims never exceed the reserves; transfers move basis
    /// without creating or losing any.
    @Test(arguments: 1...12) func randomHistoriesKeepTheAuditIdentities(seed: UInt64) throws {
        let facts = RandomHistory.facts(seed: seed &* 7919, count: 500, pools: 3)
        var folds: [String: AuditFold] = [:]
        var checked = 0
        for (index, fact) in facts.enumerated() {
            var fold = folds[fact.pool] ?? AuditFold(pool: fact.pool)
            try fold.fold(fact, seq: UInt64(index + 1))
            folds[fact.pool] = fold
            guard index % 5 == 0 || index == facts.count - 1, let audit = try fold.audit(includeExited: true) else { continue }
            try checkIdentities(audit)
            checked += 1
        }
        #expect(checked > 50)
    }

    func checkIdentities(_ audit: PoolAudit) throws {
        let pool = audit.pool
        let c = audit.conservation
        #expect(c.holds)
        #expect(c.sharesSum == pool.totalShares)
        guard let valuation = audit.valuation else {
            #expect(audit.providers.allSatisfy { $0.shares.isZero })
            return
        }
        let json = AuditJSON.encode(audit)
        guard case .array(let printed)? = field(json, "providers") else { Issue.record("no providers"); return }
        #expect(printed.count == audit.providers.count)

        let r0 = BigUInt(pool.reserve0), r1 = BigUInt(pool.reserve1), total = BigUInt(pool.totalShares)
        let scale = BigUInt(10).power(18)
        var claimed0 = BigUInt(0), claimed1 = BigUInt(0)
        for (_, shares) in pool.shares {
            claimed0 += BigUInt(shares) * r0 / total
            claimed1 += BigUInt(shares) * r1 / total
        }
        #expect(claimed0 <= r0 && claimed1 <= r1)
        #expect(BigUInt(c.claimed0) == claimed0 && BigUInt(c.claimed1) == claimed1)

        for (provider, entry) in zip(audit.providers, printed) {
            #expect(provider.value == provider.hodlValue.signedSum(provider.ilValue, provider.feeValue))
            #expect(provider.netValue == SignedAmount.difference(provider.value, provider.hodlValue))
            // The printed strings add up exactly too.
            func number(_ key: String) -> BigInt {
                guard case .string(let text)? = field(entry, key) else { Issue.record("no \(key)"); return 0 }
                return scaled(text, decimals: valuation.decimals)
            }
            #expect(number("value") == number("hodl_value") + number("il_value") + number("fee_value"))
            #expect(number("net_value") == number("value") - number("hodl_value"))
            #expect(field(entry, "profitable") == .bool(number("net_value") > 0))

            // Independent recomputation at the pool's price: value units are token1 / 10^18.
            let shares = BigUInt(provider.shares)
            let amount0 = shares * r0 / total, amount1 = shares * r1 / total
            #expect(BigUInt(provider.value) == amount0 * r1 * scale / r0 + amount1 * scale)
            let basis = provider.position
            #expect(BigUInt(provider.hodlValue) == BigUInt(basis.scaledBasis0) * r1 * scale / (r0 * scale) + BigUInt(basis.scaledBasis1) * scale / scale)
            // Liquidity at deposit, moved to today's price with no fee: 2 * L * sqrt(P).
            let rootK = (BigUInt(pool.k) * scale * scale).squareRoot()
            let poolValue = r0 * r1 * scale / r0 + r1 * scale
            #expect(BigUInt(provider.feelessValue) == poolValue * BigUInt(basis.liquidity) / rootK)
            // Never a gain, but for the last digit of each floor (value units are 10^-18 of a wei).
            #expect(!provider.ilValue.isPositive || provider.ilValue.magnitude <= UInt256(4), "\(provider.provider): impermanent loss \(provider.ilValue) is a gain")

            // Owners whose shares only ever came from `_mintFee` hold no basis: all they have is fee.
            if basis.entries.allSatisfy({ $0.kind == .protocolFee }) {
                #expect(provider.hodlValue.isZero && provider.ilValue.isZero)
                #expect(provider.feeValue == SignedAmount(provider.value))
            }
        }
        // A transfer's basis leaves one owner and reaches the other unchanged.
        var outs: [UInt64: (UInt256, UInt256)] = [:], ins: [UInt64: (UInt256, UInt256)] = [:]
        for owner in audit.providers.map(\.position) {
            for entry in owner.entries where entry.kind == .transferOut { outs[entry.seq] = (entry.amount0, entry.amount1) }
            for entry in owner.entries where entry.kind == .transferIn { ins[entry.seq] = (entry.amount0, entry.amount1) }
        }
        for (seq, moved) in outs {
            if let arrived = ins[seq] { #expect(arrived == moved, "seq \(seq)") }
        }
    }

    /// A provider who joins after a swap earns nothing from it: right after the
    /// deposit its fee value is at most rounding, while the earlier provider's is
    /// positive; it earns from the swaps that follow.
    @Test func lateJoinerEarnsNoFeeFromEarlierSwaps() throws {
        var fold = AuditFold(pool: "p")
        var seq: UInt64 = 0
        try run(.createPool(PoolCreated(pool: "p", token0: "X", token1: "Y", feePPM: 3000)), into: &fold, seq: &seq)
        try run(.addLiquidity(AddLiquidity(pool: "p", provider: "early", amount0Desired: 1000 * e18, amount1Desired: 2000 * e18)), into: &fold, seq: &seq)
        try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "X", amountIn: 100 * e18)), into: &fold, seq: &seq)
        try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "Y", amountIn: 180 * e18)), into: &fold, seq: &seq)
        let state = try #require(fold.pool)
        try run(.addLiquidity(AddLiquidity(pool: "p", provider: "late", amount0Desired: state.reserve0 / 10, amount1Desired: state.reserve1)), into: &fold, seq: &seq)

        var audit = try #require(try fold.audit())
        let early = try #require(audit.providers.first { $0.provider == "early" })
        var late = try #require(audit.providers.first { $0.provider == "late" })
        #expect(early.feeValue.isPositive)
        // Rounding only: the deposit's shares round down (in the pool's favour), a few wei at most.
        #expect(!late.feeValue.isPositive)
        #expect(late.feeValue.magnitude < UInt256(10) * Positions.liquidityScale)
        #expect(!late.profitable)

        try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "X", amountIn: 50 * e18)), into: &fold, seq: &seq)
        try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "Y", amountIn: 90 * e18)), into: &fold, seq: &seq)
        audit = try #require(try fold.audit())
        late = try #require(audit.providers.first { $0.provider == "late" })
        #expect(late.feeValue.isPositive)
    }

    /// Shares that change hands take their cost basis and liquidity with them,
    /// pro rata: the receiver's loss in percent is the sender's.
    @Test func transferCarriesBasisProRata() throws {
        var fold = AuditFold(pool: "p")
        var seq: UInt64 = 0
        try run(.createPool(PoolCreated(pool: "p", token0: "X", token1: "Y", feePPM: 3000)), into: &fold, seq: &seq)
        try run(.addLiquidity(AddLiquidity(pool: "p", provider: "a", amount0Desired: 400 * e18, amount1Desired: 400 * e18)), into: &fold, seq: &seq)
        let held = try #require(fold.pool).shares(of: "a")
        try run(.transferShares(SharesTransferred(pool: "p", from: "a", to: "b", shares: held / 4)), into: &fold, seq: &seq)
        try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "X", amountIn: 200 * e18)), into: &fold, seq: &seq)
        let audit = try #require(try fold.audit())
        let a = try #require(audit.providers.first { $0.provider == "a" })
        let b = try #require(audit.providers.first { $0.provider == "b" })
        #expect(a.position.scaledBasis0 + b.position.scaledBasis0 == 400 * e18 * Positions.liquidityScale)
        #expect(b.position.scaledBasis0 == UInt256.mulDiv(400 * e18 * Positions.liquidityScale, held / 4, held)!)
        #expect(b.position.deposited0.isZero)
        let pa = Double(try #require(a.ilPercent)), pb = Double(try #require(b.ilPercent))
        #expect(abs(pa - pb) <= 1e-9 * abs(pa))
        #expect(pa < 0)
        // Withdrawing half of what is held takes half of the basis.
        let bShares = b.shares
        try run(.removeLiquidity(RemoveLiquidity(pool: "p", provider: "b", shares: bShares / 2)), into: &fold, seq: &seq)
        let after = try #require(try fold.audit()).providers.first { $0.provider == "b" }
        #expect(after?.position.scaledBasis0 == b.position.scaledBasis0 - UInt256.mulDiv(b.position.scaledBasis0, bShares / 2, bShares)!)
    }

    @Test func givenPricesValueInTheNumeraire() throws {
        var fold = AuditFold(pool: "p")
        var seq: UInt64 = 0
        try run(.createPool(PoolCreated(pool: "p", token0: "ETH", token1: "USDC", decimals0: 18, decimals1: 6, feePPM: 3000)), into: &fold, seq: &seq)
        try run(.addLiquidity(AddLiquidity(pool: "p", provider: "a", amount0Desired: 2 * e18, amount1Desired: 6_000_000_000)), into: &fold, seq: &seq)
        let pool = try #require(fold.pool)
        let valuation = try Valuation.prices(price0: "3000.5", price1: "0.9998", pool: pool)
        let audit = try #require(try fold.audit(valuation: valuation))
        let a = try #require(audit.providers.first)
        // 2 ETH * 3000.5 + 6000 USDC * 0.9998 = 11,999.8 in the numéraire, exactly, to 18 places.
        #expect(a.hodlValue == UInt256(decimal: "11999800000000000000000")!)
        #expect(field(AuditJSON.encode(audit), "price0") == .string("3000.5"))
        for bad in ["-1", "1e3", "", ".5", "1.", "0x10", "1.0000000000000000001"] {
            #expect(throws: AuditError.self) { try Valuation.prices(price0: bad, price1: "1", pool: pool) }
        }
        #expect(try Valuation.prices(price0: "007.50", price1: "1", pool: pool).price0 == Ratio(numerator: UInt256(750) * Positions.liquidityScale, denominator: UInt256.powerOfTen(20)!))
    }
}

extension UInt256 {
    /// `self + a + b` as a signed amount (test helper for the audit identity).
    func signedSum(_ a: SignedAmount, _ b: SignedAmount) -> UInt256 {
        let sum = SignedAmount(self) + a + b
        precondition(!sum.isNegative)
        return sum.magnitude
    }
}
