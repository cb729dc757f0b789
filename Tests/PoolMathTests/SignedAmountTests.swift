import BigInt
import PoolMath
import PropertyBased
import Testing

/// The analytics' arithmetic against the BigInt oracle: the 512-bit square
/// root behind liquidity, and signed sums and differences.
@Suite struct AnalyticsArithmeticTests {
    @Test func wideSquareRootMatchesOracle() async {
        await propertyCheck(count: 10_000, input: anyUInt256, anyUInt256) { high, low in
            let wide = UInt512(high: high, low: low)
            let exact = (BigUInt(high) << 256) + BigUInt(low)
            let root = BigUInt(wide.squareRoot())
            #expect(root == exact.squareRoot())
            #expect(root * root <= exact && (root + 1) * (root + 1) > exact)
        }
        // Edges: the largest 512-bit value, perfect squares and their neighbours.
        for value in edgeValues {
            let square = UInt256(value.description).map { $0.multipliedFullWidth(by: $0) }
            guard let square else { continue }
            #expect(BigUInt(square.squareRoot()) == value)
        }
        #expect(BigUInt(UInt512(high: .max, low: .max).squareRoot()) == two256 - 1)
    }

    @Test func signedArithmeticMatchesOracle() async {
        await propertyCheck(count: 10_000, input: anyUInt256, anyUInt256, Gen.bool(), Gen.bool()) { a, b, negativeA, negativeB in
            // Keep sums in range: halve both magnitudes.
            let x = SignedAmount(a >> 1, negative: negativeA), y = SignedAmount(b >> 1, negative: negativeB)
            func big(_ value: SignedAmount) -> BigInt { value.isNegative ? -BigInt(BigUInt(value.magnitude)) : BigInt(BigUInt(value.magnitude)) }
            #expect(big(x + y) == big(x) + big(y))
            #expect(big(x - y) == big(x) - big(y))
            #expect((x < y) == (big(x) < big(y)))
            #expect(big(SignedAmount.difference(a, b)) == BigInt(BigUInt(a)) - BigInt(BigUInt(b)))
        }
        // Zero has one sign, so -0 == 0.
        #expect(SignedAmount(.zero, negative: true) == .zero)
        #expect(-SignedAmount.zero == .zero)
    }

    @Test func decimalStrings() {
        #expect(SignedAmount(UInt256(12_345), negative: true).decimalString(decimals: 3) == "-12.345")
        #expect(UInt256(5).decimalString(decimals: 4) == "0.0005")
        #expect(UInt256(1_000_000).decimalString(decimals: 6) == "1")
        #expect(UInt256(1_500_000).decimalString(decimals: 6, minimumPlaces: 2) == "1.50")
        #expect(SignedAmount(UInt256(12_345)).roundedString(decimals: 3, places: 2) == "12.35")
        #expect(SignedAmount(UInt256(12_344), negative: true).roundedString(decimals: 3, places: 2) == "-12.34")
        #expect(SignedAmount(UInt256(4), negative: true).roundedString(decimals: 3, places: 2) == "0.00")
        #expect(UInt256.powerOfTen(77) != nil && UInt256.powerOfTen(78) == nil)
    }
}
