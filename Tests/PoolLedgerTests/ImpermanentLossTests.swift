import Foundation
import PoolLedger
import PropertyBased
import Testing

@Suite struct ImpermanentLossTests {
    /// The table the analytics issue gives: 1.25 ... 100 -> -0.62 % ... -80.20 %.
    @Test func tableMatchesThePublishedFigures() {
        let expected = ["-0.62", "-2.02", "-5.72", "-13.40", "-20.00", "-25.46", "-42.50", "-80.20"]
        let computed = ImpermanentLoss.tableRatios.map { String(format: "%.2f", ImpermanentLoss.fraction(priceRatio: $0) * 100) }
        #expect(computed == expected)
    }

    /// A 2x move costs 5.72 %, not the 8.5 % some calculators print; 50 ETH / 50,000 USDT
    /// at ETH 2,000 (a 2x move from 1,000): 20 % of the pool is worth 28,284.27 against 30,000.
    @Test func workedExamples() {
        let loss = ImpermanentLoss.fraction(priceRatio: 2)
        #expect(abs(loss - (2 * 2.0.squareRoot() / 3 - 1)) < 1e-15)
        #expect(String(format: "%.2f", 30_000 * (1 + loss)) == "28284.27")
        // 1 ETH + 3,000 USDC, ETH to 6,000: 8,485.28 against 9,000.
        #expect(String(format: "%.2f", 9_000 * (1 + loss)) == "8485.28")
    }

    @Test func lossLaws() async {
        await propertyCheck(count: 2_000, input: Gen.double(in: 0.001...1000)) { r in
            let loss = ImpermanentLoss.fraction(priceRatio: r)
            #expect(loss <= 0)
            #expect(loss > -1)
            #expect(abs(loss - ImpermanentLoss.fraction(priceRatio: 1 / r)) < 1e-12)
        }
        #expect(ImpermanentLoss.fraction(priceRatio: 1) == 0)
    }

    @Test func breakEvenAPR() {
        let result = ImpermanentLoss.breakEven(priceRatio: 2, apr: 0.2, days: 365)
        #expect(abs(result.feeIncome - 0.2) < 1e-12)
        #expect(abs(result.net - (0.2 + ImpermanentLoss.fraction(priceRatio: 2))) < 1e-12)
        // The break-even APR earns exactly the loss back over the period.
        let even = ImpermanentLoss.breakEven(priceRatio: 2, apr: result.breakEvenAPR, days: 365)
        #expect(abs(even.net) < 1e-12)
    }
}
