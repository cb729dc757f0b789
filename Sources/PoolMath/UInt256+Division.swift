// Division on 64-bit limbs: Knuth's algorithm D (TAOCP vol. 2, 4.3.1), in the
// form of Hacker's Delight `divmnu64`, with Swift's native 128-bit integers as
// the double-width product and one machine division (LimbDivide) per quotient
// digit. Divisors of one and two limbs, the common ones, take unrolled routines
// without buffers; the general one serves three and four.

import LimbDivide

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
            return product.quotient(shiftedBy: shift, roundingUp: false)
        }
        if product.high.isZero {
            return product.low.quotientAndRemainder(dividingBy: denominator).quotient
        }
        // The quotient fits in 256 bits exactly when the high half is below the denominator.
        if product.high >= denominator { return nil }
        return LimbDivision.divide(product, by: denominator).quotient.low
    }

    /// `mulDiv(a, 2^128, denominator)` (V3's fee growth per unit of liquidity),
    /// with the product a shift rather than a full multiplication.
    @inlinable
    public static func mulDivQ128(_ a: UInt256, _ denominator: UInt256) -> UInt256? {
        if denominator.isZero { return nil }
        let product = UInt512(high: UInt256(high: 0, low: a.high), low: UInt256(high: a.low, low: 0))
        if product.high >= denominator { return nil }
        return LimbDivision.divide(product, by: denominator).quotient.low
    }

    /// `mulDiv(a, b, 2^96)` and its ceiling (V3's token1 amounts), the division a
    /// shift; `nil` when the quotient does not fit in 256 bits.
    @inlinable
    public static func mulDivQ96(_ a: UInt256, _ b: UInt256, roundingUp: Bool) -> UInt256? {
        a.multipliedFullWidth(by: b).quotient(shiftedBy: 96, roundingUp: roundingUp)
    }

    /// `ceil(a * b / denominator)` at full width; `nil` as for `mulDiv`.
    @inlinable
    public static func mulDivRoundingUp(_ a: UInt256, _ b: UInt256, _ denominator: UInt256) -> UInt256? {
        if denominator.isZero { return nil }
        let product = a.multipliedFullWidth(by: b)
        if let shift = denominator.powerOfTwoExponent { return product.quotient(shiftedBy: shift, roundingUp: true) }
        if product.high >= denominator { return nil }
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

    /// `self / 2^shift` (0 <= shift < 256), floor or ceiling: the one division
    /// by a power of two that mulDiv, mulDivRoundingUp and mulDivQ96 share.
    /// `nil` when the quotient does not fit in 256 bits (the high half is not below 2^shift).
    @inlinable
    func quotient(shiftedBy shift: Int, roundingUp: Bool) -> UInt256? {
        if !(high >> shift).isZero { return nil }
        let quotient = shiftedDown(shift)
        if !roundingUp || (low & ((UInt256.one << shift) - .one)).isZero { return quotient }
        let (up, overflow) = quotient.addingReportingOverflow(.one)
        return overflow ? nil : up
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
        // V3's divisors are mostly prices (Q64.96, below 2^128 for all but extreme
        // pairs), liquidity (uint128) and pips: one or two limbs, with no buffers.
        if divisor.high == 0 {
            let d = divisor.low
            if d >> 64 == 0 { return divide(dividend, byLimb: UInt64(truncatingIfNeeded: d)) }
            return divide(dividend, byTwoLimbs: d)
        }
        // Scratch on the stack: u[8] dividend, v[4] divisor, un[9], vn[4], q[8].
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 33) { scratch in
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

    /// The dividend's eight limbs, least significant first.
    @inline(__always)
    static func limbs(_ value: UInt512) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
        let (l0, l1, l2, l3) = value.low.limbs
        let (h0, h1, h2, h3) = value.high.limbs
        return (l0, l1, l2, l3, h0, h1, h2, h3)
    }

    /// Short division by one limb, most significant limb first: the running
    /// remainder stays below the divisor, so each digit is one machine division.
    static func divide(_ dividend: UInt512, byLimb divisor: UInt64) -> (quotient: UInt512, remainder: UInt256) {
        precondition(divisor != 0, "division by zero")
        var rest: UInt64 = 0
        @inline(__always) func digit(_ limb: UInt64) -> UInt64 {
            // Leading limbs below the divisor give a zero digit: no division.
            if rest == 0 && limb < divisor { rest = limb; return 0 }
            return poolledger_divide_limb(rest, limb, divisor, &rest)
        }
        let (u0, u1, u2, u3, u4, u5, u6, u7) = limbs(dividend)
        let q7 = digit(u7), q6 = digit(u6), q5 = digit(u5), q4 = digit(u4)
        let q3 = digit(u3), q2 = digit(u2), q1 = digit(u1), q0 = digit(u0)
        return (UInt512(high: UInt256(limbs: (q4, q5, q6, q7)), low: UInt256(limbs: (q0, q1, q2, q3))), UInt256(rest))
    }

    /// Division by a two-limb divisor (2^64 <= d < 2^128), one quotient limb at a
    /// time by Möller and Granlund's 3-by-2 division with a precomputed
    /// reciprocal ("Improved division by invariant integers", IEEE Trans.
    /// Computers 60(2), 2011, algorithms 5 and 6; GMP's udiv_qr_3by2): one
    /// machine division for the reciprocal, then two products per digit. The
    /// divisor is normalized (top bit set); the remainder (two limbs, below it)
    /// takes one dividend limb per digit.
    static func divide(_ dividend: UInt512, byTwoLimbs divisor: UInt128) -> (quotient: UInt512, remainder: UInt256) {
        let shift = divisor.leadingZeroBitCount  // < 64: the top limb is not zero
        let d = divisor << shift
        let d1 = UInt64(truncatingIfNeeded: d >> 64), d0 = UInt64(truncatingIfNeeded: d)
        let v = reciprocal(d1, d0)
        let (u0, u1, u2, u3, u4, u5, u6, u7) = limbs(dividend)
        // The dividend shifted by the same amount: nine limbs, the top one the bits pushed out.
        @inline(__always) func normalized(_ limb: UInt64, _ below: UInt64) -> UInt64 {
            shift == 0 ? limb : limb << shift | below >> (64 - shift)
        }
        var r = UInt128(shift == 0 ? 0 : u7 >> (64 - shift)) << 64 | UInt128(normalized(u7, u6))
        @inline(__always) func digit(_ next: UInt64) -> UInt64 {
            // (r next) / d with r < d: the digit fits one limb.
            if r >> 64 == 0 && (r << 64 | UInt128(next)) < d {
                // Still below the divisor (the dividend's leading limbs): a zero digit.
                r = r << 64 | UInt128(next)
                return 0
            }
            let q: UInt64
            (q, r) = divide3by2(UInt64(truncatingIfNeeded: r >> 64), UInt64(truncatingIfNeeded: r), next, d: d, d1: d1, d0: d0, v: v)
            return q
        }
        let q6 = digit(normalized(u6, u5)), q5 = digit(normalized(u5, u4)), q4 = digit(normalized(u4, u3))
        let q3 = digit(normalized(u3, u2)), q2 = digit(normalized(u2, u1)), q1 = digit(normalized(u1, u0))
        let q0 = digit(normalized(u0, 0))
        return (UInt512(high: UInt256(limbs: (q4, q5, q6, 0)), low: UInt256(limbs: (q0, q1, q2, q3))), UInt256(r >> shift))
    }

    /// floor((2^192 - 1) / d) - 2^64 for a normalized d = (d1 d0) (algorithm 6).
    @inline(__always)
    static func reciprocal(_ d1: UInt64, _ d0: UInt64) -> UInt64 {
        // The one-limb reciprocal floor((2^128 - 1) / d1) - 2^64: (~d1 ~0) / d1, where ~d1 < d1.
        var rest: UInt64 = 0
        var v = poolledger_divide_limb(~d1, .max, d1, &rest)
        var p = d1 &* v
        p = p &+ d0
        if p < d0 {
            v &-= 1
            if p >= d1 { v &-= 1; p &-= d1 }
            p &-= d1
        }
        let t = v.multipliedFullWidth(by: d0)
        p = p &+ t.high
        if p < t.high {
            v &-= 1
            if p > d1 || (p == d1 && t.low >= d0) { v &-= 1 }
        }
        return v
    }

    /// (u2 u1 u0) / (d1 d0) for (u2 u1) < (d1 d0), d normalized, v its reciprocal:
    /// the quotient limb and the remainder (algorithm 5).
    @inline(__always)
    static func divide3by2(_ u2: UInt64, _ u1: UInt64, _ u0: UInt64, d: UInt128, d1: UInt64, d0: UInt64, v: UInt64) -> (UInt64, UInt128) {
        let estimate = UInt128(v) * UInt128(u2) &+ (UInt128(u2) << 64 | UInt128(u1))
        var q1 = UInt64(truncatingIfNeeded: estimate >> 64)
        let q0 = UInt64(truncatingIfNeeded: estimate)
        let r1 = u1 &- q1 &* d1
        var r = (UInt128(r1) << 64 | UInt128(u0)) &- UInt128(d0) * UInt128(q1) &- d
        q1 &+= 1
        if UInt64(truncatingIfNeeded: r >> 64) >= q0 {
            q1 &-= 1
            r = r &+ d
        }
        if r >= d {
            // Rare: the estimate was one short.
            q1 += 1
            r -= d
        }
        return (q1, r)
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

        // One- and two-limb divisors take the routines above.
        precondition(n >= 3, "divideLimbs serves divisors of three or four limbs")

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
            // un[j + n] <= vTop always; equal, the digit is at most base - 1.
            let top = un[j + n]
            var qhat: UInt128, rhat: UInt128
            if top >= vn[n - 1] {
                qhat = base - 1
                rhat = (UInt128(top) << 64 | UInt128(un[j + n - 1])) - qhat * vTop
            } else {
                var rest: UInt64 = 0
                qhat = UInt128(poolledger_divide_limb(top, un[j + n - 1], vn[n - 1], &rest))
                rhat = UInt128(rest)
            }
            while rhat < base && qhat * vNext > (rhat << 64 | UInt128(un[j + n - 2])) {
                qhat -= 1
                rhat += vTop
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
