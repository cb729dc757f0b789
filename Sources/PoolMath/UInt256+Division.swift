// Division on 64-bit limbs: Knuth's algorithm D (TAOCP vol. 2, 4.3.1), in the
// form of Hacker's Delight `divmnu64`, with Swift's native 128-bit integers as
// the double-width digit. One routine serves 256/256 and 512/256 division.

extension UInt256 {
    /// Quotient and remainder, rounded toward zero. Traps on a zero divisor, like Swift's `/`.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if self < divisor { return (.zero, self) }
        if high == 0 {
            // Both below 2^128 (divisor <= self): the native path.
            let (q, r) = low.quotientAndRemainder(dividingBy: divisor.low)
            return (UInt256(q), UInt256(r))
        }
        let result = LimbDivision.divide(UInt512(self), by: divisor)
        return (result.quotient.low, result.remainder)
    }

    @inlinable
    public func dividedReportingOverflow(by divisor: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if divisor.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: divisor).quotient, false)
    }

    @inlinable
    public func remainderReportingOverflow(dividingBy divisor: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if divisor.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: divisor).remainder, false)
    }

    @inlinable
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.quotientAndRemainder(dividingBy: rhs).quotient }

    @inlinable
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.quotientAndRemainder(dividingBy: rhs).remainder }

    @inlinable public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
    @inlinable public static func %= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs % rhs }

    /// `floor(a * b / denominator)` with the product taken at full 512-bit width.
    /// `nil` when the denominator is zero or the quotient does not fit in 256 bits.
    @inlinable
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ denominator: UInt256) -> UInt256? {
        if denominator.isZero { return nil }
        let product = a.multipliedFullWidth(by: b)
        if let shift = denominator.powerOfTwoExponent {
            // Q96 and Q128 arithmetic (V3's fixed point) divides by powers of two: a shift.
            if product.high >= denominator { return nil }
            return product.shiftedDown(shift)
        }
        if product.high.isZero {
            return product.low.quotientAndRemainder(dividingBy: denominator).quotient
        }
        // The quotient fits in 256 bits exactly when the high half is below the denominator.
        if product.high >= denominator { return nil }
        return LimbDivision.divide(product, by: denominator).quotient.low
    }

    /// `ceil(a * b / denominator)` at full width; `nil` as for `mulDiv`.
    @inlinable
    public static func mulDivRoundingUp(_ a: UInt256, _ b: UInt256, _ denominator: UInt256) -> UInt256? {
        if denominator.isZero { return nil }
        let product = a.multipliedFullWidth(by: b)
        if product.high >= denominator { return nil }
        if let shift = denominator.powerOfTwoExponent {
            let quotient = product.shiftedDown(shift)
            if (product.low & (denominator - .one)).isZero { return quotient }
            let (up, overflow) = quotient.addingReportingOverflow(.one)
            return overflow ? nil : up
        }
        let (quotient, remainder) = LimbDivision.divide(product, by: denominator)
        if remainder.isZero { return quotient.low }
        let (up, overflow) = quotient.low.addingReportingOverflow(.one)
        return overflow ? nil : up
    }
}

extension UInt256 {
    /// `k` when the value is 2^k, else nil.
    @inlinable
    var powerOfTwoExponent: Int? {
        guard !isZero, (self & (self - .one)).isZero else { return nil }
        return trailingZeroBitCount
    }
}

extension UInt512 {
    /// The low 256 bits of `self >> shift` (0 <= shift < 256).
    @inlinable
    func shiftedDown(_ shift: Int) -> UInt256 {
        shift == 0 ? low : (low >> shift) | (high << (256 - shift))
    }

    /// Quotient (512 bits) and remainder of division by a non-zero `UInt256`.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt512, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt512 division by zero")
        return LimbDivision.divide(self, by: divisor)
    }
}

@usableFromInline
enum LimbDivision {
    /// Divides a 512-bit dividend by a non-zero 256-bit divisor.
    @usableFromInline
    static func divide(_ dividend: UInt512, by divisor: UInt256) -> (quotient: UInt512, remainder: UInt256) {
        // Scratch on the stack: u[8] dividend, v[4] divisor, un[9], vn[4], q[8].
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 33) { scratch in
            let (l0, l1, l2, l3) = dividend.low.limbs
            let (h0, h1, h2, h3) = dividend.high.limbs
            let (v0, v1, v2, v3) = divisor.limbs
            let u = UnsafeMutableBufferPointer(rebasing: scratch[0..<8])
            let v = UnsafeMutableBufferPointer(rebasing: scratch[8..<12])
            let un = UnsafeMutableBufferPointer(rebasing: scratch[12..<21])
            let vn = UnsafeMutableBufferPointer(rebasing: scratch[21..<25])
            let q = UnsafeMutableBufferPointer(rebasing: scratch[25..<33])
            u[0] = l0; u[1] = l1; u[2] = l2; u[3] = l3
            u[4] = h0; u[5] = h1; u[6] = h2; u[7] = h3
            v[0] = v0; v[1] = v1; v[2] = v2; v[3] = v3
            for i in 0..<8 { q[i] = 0 }
            let remainder = divideLimbs(u: u, v: v, un: un, vn: vn, q: q)
            let quotient = UInt512(
                high: UInt256(limbs: (q[4], q[5], q[6], q[7])),
                low: UInt256(limbs: (q[0], q[1], q[2], q[3])))
            return (quotient, remainder)
        }
    }

    /// Knuth D on little-endian limbs; writes the quotient into `q`, returns the remainder.
    @usableFromInline
    static func divideLimbs(
        u: UnsafeMutableBufferPointer<UInt64>, v: UnsafeMutableBufferPointer<UInt64>,
        un: UnsafeMutableBufferPointer<UInt64>, vn: UnsafeMutableBufferPointer<UInt64>,
        q: UnsafeMutableBufferPointer<UInt64>
    ) -> UInt256 {
        // Significant limb counts: m for the dividend, n for the divisor.
        var m = u.count
        while m > 0 && u[m - 1] == 0 { m -= 1 }
        var n = v.count
        while n > 0 && v[n - 1] == 0 { n -= 1 }
        precondition(n > 0, "division by zero")

        if m < n {
            return UInt256(limbs: (u[0], u[1], u[2], u[3]))
        }

        if n == 1 {
            // Short division by one limb.
            let divisor = v[0]
            var remainder: UInt64 = 0
            for j in stride(from: m - 1, through: 0, by: -1) {
                let (quotient, rest) = divisor.dividingFullWidth((remainder, u[j]))
                q[j] = quotient
                remainder = rest
            }
            return UInt256(remainder)
        }

        // Normalize so the divisor's top limb has its high bit set.
        let s = v[n - 1].leadingZeroBitCount
        for i in stride(from: n - 1, to: 0, by: -1) {
            vn[i] = (v[i] << s) | (s == 0 ? 0 : v[i - 1] >> (64 - s))
        }
        vn[0] = v[0] << s
        un[m] = s == 0 ? 0 : u[m - 1] >> (64 - s)
        for i in stride(from: m - 1, to: 0, by: -1) {
            un[i] = (u[i] << s) | (s == 0 ? 0 : u[i - 1] >> (64 - s))
        }
        un[0] = u[0] << s

        let base: UInt128 = 1 << 64
        let vTop = UInt128(vn[n - 1])
        let vNext = UInt128(vn[n - 2])
        for j in stride(from: m - n, through: 0, by: -1) {
            // Estimate the quotient digit from the top two limbs, then correct it (at most twice).
            let numerator = UInt128(un[j + n]) << 64 | UInt128(un[j + n - 1])
            var qhat = numerator / vTop
            var rhat = numerator - qhat * vTop
            while qhat >= base || qhat * vNext > (rhat << 64 | UInt128(un[j + n - 2])) {
                qhat -= 1
                rhat += vTop
                if rhat >= base { break }
            }

            // Multiply and subtract.
            var borrow: Int128 = 0
            for i in 0..<n {
                let product = qhat * UInt128(vn[i])
                let t = Int128(un[i + j]) - borrow - Int128(product & 0xFFFF_FFFF_FFFF_FFFF)
                un[i + j] = UInt64(truncatingIfNeeded: t)
                borrow = Int128(product >> 64) - (t >> 64)
            }
            let t = Int128(un[j + n]) - borrow
            un[j + n] = UInt64(truncatingIfNeeded: t)

            if t < 0 {
                // The estimate was one too large: add the divisor back.
                qhat -= 1
                var carry: UInt128 = 0
                for i in 0..<n {
                    let sum = UInt128(un[i + j]) + UInt128(vn[i]) + carry
                    un[i + j] = UInt64(truncatingIfNeeded: sum)
                    carry = sum >> 64
                }
                un[j + n] = un[j + n] &+ UInt64(truncatingIfNeeded: carry)
            }
            q[j] = UInt64(truncatingIfNeeded: qhat)
        }

        // Unnormalize the remainder (n <= 4 limbs).
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        func limb(_ i: Int) -> UInt64 { i < n ? (un[i] >> s) | (s == 0 ? 0 : un[i + 1] << (64 - s)) : 0 }
        r = (limb(0), limb(1), limb(2), limb(3))
        return UInt256(limbs: r)
    }
}
