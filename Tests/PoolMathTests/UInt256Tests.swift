import BigInt
import Foundation
import PoolMath
import PropertyBased
import Testing

/// UInt256 against the BigInt oracle: >= 10,000 random cases per operation plus
/// every pair of edge values (0, 1, 2^64 +- 1, 2^128 +- 1, 2^255, 2^256-1, ...).
@Suite struct UInt256Tests {
    static let cases = 10_000

    func checkAdd(_ a: BigUInt, _ b: BigUInt) {
        let (sum, overflow) = uint256(a)!.addingReportingOverflow(uint256(b)!)
        let exact = a + b
        #expect(overflow == (exact >= two256))
        #expect(BigUInt(sum) == exact % two256)
    }

    func checkSubtract(_ a: BigUInt, _ b: BigUInt) {
        let (difference, overflow) = uint256(a)!.subtractingReportingOverflow(uint256(b)!)
        #expect(overflow == (a < b))
        #expect(BigUInt(difference) == (a >= b ? a - b : two256 - (b - a)))
    }

    func checkMultiply(_ a: BigUInt, _ b: BigUInt) {
        let x = uint256(a)!, y = uint256(b)!
        let exact = a * b
        let full = x.multipliedFullWidth(by: y)
        #expect((BigUInt(full.high) << 256) + BigUInt(full.low) == exact)
        let (product, overflow) = x.multipliedReportingOverflow(by: y)
        #expect(overflow == (exact >= two256))
        #expect(BigUInt(product) == exact % two256)
        #expect(BigUInt(x &* y) == exact % two256)
    }

    func checkDivide(_ a: BigUInt, _ b: BigUInt) {
        let x = uint256(a)!, y = uint256(b)!
        if b == 0 {
            #expect(x.dividedReportingOverflow(by: y).overflow)
            #expect(x.remainderReportingOverflow(dividingBy: y).overflow)
            return
        }
        let (q, r) = x.quotientAndRemainder(dividingBy: y)
        #expect(BigUInt(q) == a / b)
        #expect(BigUInt(r) == a % b)
        #expect(!x.dividedReportingOverflow(by: y).overflow)
        #expect(BigUInt(x.dividedReportingOverflow(by: y).partialValue) == a / b)
        #expect(BigUInt(x.remainderReportingOverflow(dividingBy: y).partialValue) == a % b)
    }

    func checkMulDiv(_ a: BigUInt, _ b: BigUInt, _ c: BigUInt) {
        let result = UInt256.mulDiv(uint256(a)!, uint256(b)!, uint256(c)!)
        let up = UInt256.mulDivRoundingUp(uint256(a)!, uint256(b)!, uint256(c)!)
        if c == 0 {
            #expect(result == nil)
            #expect(up == nil)
            return
        }
        let exact = a * b / c
        let exactUp = (a * b + c - 1) / c
        #expect(result.map(BigUInt.init) == (exact < two256 ? exact : nil))
        #expect(up.map(BigUInt.init) == (exactUp < two256 ? exactUp : nil))
    }

    func checkSquareRoot(_ a: BigUInt) {
        let root = BigUInt(uint256(a)!.squareRoot())
        // Independent of any square-root routine: root^2 <= a < (root+1)^2.
        #expect(root * root <= a)
        #expect((root + 1) * (root + 1) > a)
    }

    func checkText(_ a: BigUInt) {
        let x = uint256(a)!
        #expect(x.description == String(a))
        #expect(UInt256(decimal: String(a)) == x)
        #expect(UInt256(bigEndianBytes: x.bigEndianBytes) == x)
        // The oracle's big-endian serialization, left-padded to 32 bytes.
        let serialized = [UInt8](a.serialize())
        #expect(x.bigEndianBytes == [UInt8](repeating: 0, count: 32 - serialized.count) + serialized)
    }

    func checkShifts(_ a: BigUInt, _ amount: Int) {
        let x = uint256(a)!
        #expect(BigUInt(x << amount) == (a << amount) % two256)
        #expect(BigUInt(x >> amount) == a >> amount)
    }

    func checkCompare(_ a: BigUInt, _ b: BigUInt) {
        let x = uint256(a)!, y = uint256(b)!
        #expect((x < y) == (a < b))
        #expect((x == y) == (a == b))
    }

    @Test func edgeValuesPairwise() {
        for a in edgeValues {
            checkSquareRoot(a)
            checkText(a)
            for amount in [0, 1, 63, 64, 65, 112, 127, 128, 129, 255, 256, 300] { checkShifts(a, amount) }
            for b in edgeValues {
                checkAdd(a, b)
                checkSubtract(a, b)
                checkMultiply(a, b)
                checkDivide(a, b)
                checkCompare(a, b)
                for c in edgeValues { checkMulDiv(a, b, c) }
            }
        }
    }

    @Test func additionMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256) { a, b in checkAdd(BigUInt(a), BigUInt(b)) }
    }

    @Test func subtractionMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256) { a, b in checkSubtract(BigUInt(a), BigUInt(b)) }
    }

    @Test func multiplicationMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256) { a, b in checkMultiply(BigUInt(a), BigUInt(b)) }
    }

    @Test func divisionMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256) { a, b in checkDivide(BigUInt(a), BigUInt(b)) }
    }

    /// Division where the divisor is close in size to the dividend: the
    /// quotient-digit correction steps of Knuth's algorithm D.
    @Test func divisionWithCloseOperandsMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, Gen.int(in: 0...70)) { a, drop in
            let b = a >> drop
            checkDivide(BigUInt(a), BigUInt(b))
            checkDivide(BigUInt(a), BigUInt(b | UInt256.one))
        }
    }

    @Test func mulDivMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256, anyUInt256) { a, b, c in
            checkMulDiv(BigUInt(a), BigUInt(b), BigUInt(c))
        }
    }

    /// mulDiv where the 512-bit product is large and the quotient still fits.
    @Test func mulDivWithWideProductsMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256, anyUInt256) { a, b, c in
            checkMulDiv(BigUInt(a | (UInt256.one << 200)), BigUInt(b | (UInt256.one << 200)), BigUInt(c | (UInt256.one << 250)))
        }
    }

    /// Dividends whose top limb equals the divisor's (after normalization):
    /// where Knuth D's quotient estimate reaches the base and is taken as base - 1.
    @Test func mulDivWithEqualTopLimbsMatchesOracle() {
        let two256 = BigUInt(1) << 256
        var divisors: [BigUInt] = [two256 - 1, (BigUInt(1) << 255) + 12345, (BigUInt(1) << 192) * 0xFFFF_FFFF_FFFF_FFFF + 7]
        divisors += [(BigUInt(1) << 160) - 3, (BigUInt(1) << 128) - 1, (BigUInt(1) << 127) + 1]
        for d in divisors {
            let ks: [BigUInt] = [1, 2, 3, BigUInt(1) << 40, (BigUInt(1) << 100) + 5]
            let js: [BigUInt] = [1, 7, BigUInt(1) << 63]
            for k in ks where k < d {
                for j in js where j < d {
                    checkMulDiv(d - k, d - j, d)
                    checkMulDiv(d - k, d, d - j)
                    // 512-by-256 division itself.
                    let dividend = d * (d - k) + (d - j)
                    let wide = UInt512(high: uint256(dividend >> 256)!, low: uint256(dividend % two256)!)
                    let (quotient, remainder) = wide.quotientAndRemainder(dividingBy: uint256(d)!)
                    #expect((BigUInt(quotient.high) << 256) + BigUInt(quotient.low) == dividend / d)
                    #expect(BigUInt(remainder) == dividend % d)
                }
            }
        }
    }

    /// 512-bit dividends of every length over divisors of one and two limbs (the
    /// unrolled routines) and of three and four: random limbs, and limbs of all
    /// ones or only the top bit, where the quotient-digit estimates are extreme.
    @Test func wideDivisionByEverySizeOfDivisorMatchesOracle() async {
        let limb = Gen.uint64()
        let special: [UInt64] = [0, 1, .max, 1 << 63, (1 << 63) - 1, .max - 1]
        let pattern = zip(limb, Gen.int(in: 0...7)).map { (random: UInt64, pick: Int) -> UInt64 in pick < 6 ? special[pick] : random }
        let eight = zip(zip(pattern, pattern, pattern, pattern), zip(pattern, pattern, pattern, pattern))
        await propertyCheck(count: Self.cases, input: eight, zip(pattern, pattern, pattern, pattern), Gen.int(in: 1...8), Gen.int(in: 1...4)) { u, v, dividendLimbs, divisorLimbs in
            let dividendLimbValues = [u.0.0, u.0.1, u.0.2, u.0.3, u.1.0, u.1.1, u.1.2, u.1.3].prefix(dividendLimbs)
            var divisorLimbValues = Array([v.0, v.1, v.2, v.3].prefix(divisorLimbs))
            if divisorLimbValues.last == 0 { divisorLimbValues[divisorLimbValues.count - 1] = 1 }
            func value(_ limbs: some Collection<UInt64>) -> BigUInt {
                limbs.reversed().reduce(BigUInt(0)) { ($0 << 64) + BigUInt($1) }
            }
            let dividend = value(dividendLimbValues), divisor = value(divisorLimbValues)
            let wide = UInt512(high: uint256(dividend >> 256)!, low: uint256(dividend % two256)!)
            let (quotient, remainder) = wide.quotientAndRemainder(dividingBy: uint256(divisor)!)
            #expect((BigUInt(quotient.high) << 256) + BigUInt(quotient.low) == dividend / divisor)
            #expect(BigUInt(remainder) == dividend % divisor)
        }
    }

    /// Dividends just below and above multiples of one- and two-limb divisors,
    /// through mulDiv (floor and ceiling) and the 512-bit division itself.
    @Test func divisionNearMultiplesOfSmallDivisorsMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: Gen.uint128(), Gen.uint128(), Gen.uint128(), Gen.int(in: 0...2)) { d, a, b, offset in
            let divisor = BigUInt(d == 0 ? 1 : d)
            let product = BigUInt(a) * BigUInt(b)
            let near = product - product % divisor + BigUInt(offset)
            checkMulDiv(BigUInt(a), BigUInt(b), divisor)
            checkMulDiv(near >= two256 ? BigUInt(a) : near, 1, divisor)
            let wide = UInt512(high: uint256(near >> 256)!, low: uint256(near % two256)!)
            let (quotient, remainder) = wide.quotientAndRemainder(dividingBy: uint256(divisor)!)
            #expect((BigUInt(quotient.high) << 256) + BigUInt(quotient.low) == near / divisor)
            #expect(BigUInt(remainder) == near % divisor)
        }
    }

    /// The fixed-point forms: a * 2^128 / d and a * b / 2^96 (floor and ceiling),
    /// nil exactly when the oracle's quotient passes 2^256 (or d is zero).
    @Test func fixedPointMulDivMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256, anyUInt256) { a, b, d in
            let q128 = BigUInt(1) << 128, q96 = BigUInt(1) << 96
            let exact128 = d.isZero ? nil : BigUInt(a) * q128 / BigUInt(d)
            #expect(UInt256.mulDivQ128(a, d).map(BigUInt.init) == exact128.flatMap { $0 < two256 ? $0 : nil })
            let product = BigUInt(a) * BigUInt(b)
            let floor = product / q96, ceiling = (product + q96 - 1) / q96
            #expect(UInt256.mulDivQ96(a, b, roundingUp: false).map(BigUInt.init) == (floor < two256 ? floor : nil))
            #expect(UInt256.mulDivQ96(a, b, roundingUp: true).map(BigUInt.init) == (ceiling < two256 ? ceiling : nil))
            // Operands the size of V3's: liquidity (uint128) and a price difference (uint160).
            let liquidity = a >> 128, difference = b >> 96
            let small = BigUInt(liquidity) * BigUInt(difference)
            #expect(UInt256.mulDivQ96(liquidity, difference, roundingUp: true).map(BigUInt.init) == (small + q96 - 1) / q96)
        }
    }

    /// Powers of two take a shift instead of a division: same results, floors and ceilings.
    @Test func mulDivByPowersOfTwoMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256, Gen.int(in: 0...255)) { a, b, exponent in
            checkMulDiv(BigUInt(a), BigUInt(b), BigUInt(1) << exponent)
            checkMulDiv(BigUInt(a >> 100), BigUInt(b >> 60), BigUInt(1) << exponent)
        }
    }

    @Test func squareRootMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256) { a in
            checkSquareRoot(BigUInt(a))
            #expect(BigUInt(a.squareRoot()) == BigUInt(a).squareRoot())
        }
    }

    @Test func decimalAndBytesRoundTrip() async {
        await propertyCheck(count: Self.cases, input: anyUInt256) { a in checkText(BigUInt(a)) }
    }

    @Test func shiftsMatchOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, Gen.int(in: 0...260)) { a, amount in
            checkShifts(BigUInt(a), amount)
        }
    }

    @Test func comparisonMatchesOracle() async {
        await propertyCheck(count: Self.cases, input: anyUInt256, anyUInt256) { a, b in
            checkCompare(BigUInt(a), BigUInt(b))
            checkCompare(BigUInt(a), BigUInt(a))
        }
    }

    @Test func literalsBeyond64Bits() {
        let value: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935
        #expect(value == .max)
        let million: UInt256 = 1_000_000_000_000_000_000_000_000
        #expect(million.description == "1000000000000000000000000")
    }

    @Test func strictDecimalParsing() {
        #expect(UInt256.parseDecimal("") == .failure(.empty))
        #expect(UInt256.parseDecimal("01") == .failure(.leadingZero))
        #expect(UInt256.parseDecimal("0") == .success(.zero))
        for bad in ["-1", "+1", "1.5", "1e18", " 1", "1 ", "0x10", "１"] {
            guard case .failure(.notADigit) = UInt256.parseDecimal(bad) else {
                Issue.record("\(bad) should be rejected as not a digit")
                continue
            }
        }
        #expect(UInt256.parseDecimal(String(two256 - 1)) == .success(.max))
        #expect(UInt256.parseDecimal(String(two256)) == .failure(.exceedsMaximum))
        #expect(UInt256.parseDecimal(String(repeating: "9", count: 200)) == .failure(.exceedsMaximum))
    }
}
