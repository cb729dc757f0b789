/// A signed integer as sign and 256-bit magnitude: the differences analytics
/// report (impermanent loss, fee value, profit), which can be negative while
/// every ledger amount cannot. Zero is never negative, so equal values compare equal.
public struct SignedAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let isNegative: Bool
    public let magnitude: UInt256

    // Inlinable: the V3 swap loop (another module) adds and subtracts these at every step.
    @inlinable
    public init(_ magnitude: UInt256, negative: Bool = false) {
        self.magnitude = magnitude
        self.isNegative = negative && !magnitude.isZero
    }

    @inlinable public static var zero: SignedAmount { SignedAmount(.zero) }

    @inlinable public var isZero: Bool { magnitude.isZero }
    @inlinable public var isPositive: Bool { !isNegative && !magnitude.isZero }

    /// `a - b` for unsigned operands.
    @inlinable
    public static func difference(_ a: UInt256, _ b: UInt256) -> SignedAmount {
        a >= b ? SignedAmount(a - b) : SignedAmount(b - a, negative: true)
    }

    @inlinable
    public static prefix func - (value: SignedAmount) -> SignedAmount {
        SignedAmount(value.magnitude, negative: !value.isNegative)
    }

    /// Traps on overflow past 2^256-1 in magnitude, like `UInt256`'s `+`.
    @inlinable
    public static func + (lhs: SignedAmount, rhs: SignedAmount) -> SignedAmount {
        if lhs.isNegative == rhs.isNegative {
            return SignedAmount(lhs.magnitude + rhs.magnitude, negative: lhs.isNegative)
        }
        let (positive, negative) = lhs.isNegative ? (rhs.magnitude, lhs.magnitude) : (lhs.magnitude, rhs.magnitude)
        return difference(positive, negative)
    }

    @inlinable
    public static func - (lhs: SignedAmount, rhs: SignedAmount) -> SignedAmount { lhs + -rhs }

    @inlinable
    public static func < (lhs: SignedAmount, rhs: SignedAmount) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): return true
        case (false, true): return false
        case (false, false): return lhs.magnitude < rhs.magnitude
        case (true, true): return rhs.magnitude < lhs.magnitude
        }
    }

    public var description: String { (isNegative ? "-" : "") + magnitude.description }

    /// `self / 10^decimals` written exactly, trailing zeros trimmed: `-5.7191`.
    public func decimalString(decimals: Int) -> String {
        (isNegative ? "-" : "") + magnitude.decimalString(decimals: decimals)
    }

    /// `self / 10^decimals` rounded half away from zero to `places` fraction digits,
    /// for people; `decimalString` is the exact form.
    public func roundedString(decimals: Int, places: Int) -> String {
        let rounded = magnitude.rounded(decimals: decimals, places: places)
        return (isNegative && !rounded.isZero ? "-" : "") + rounded.decimalString(decimals: Swift.min(decimals, places), minimumPlaces: Swift.min(decimals, places))
    }
}

extension UInt256 {
    /// `10^exponent`, or nil past 2^256.
    public static func powerOfTen(_ exponent: Int) -> UInt256? {
        guard exponent >= 0, exponent <= 77 else { return nil }
        var value = UInt256.one
        for _ in 0..<exponent { value = value * UInt256(10) }
        return value
    }

    /// `self / 10^decimals` written exactly, with at least `minimumPlaces`
    /// fraction digits and trailing zeros beyond them trimmed.
    public func decimalString(decimals: Int, minimumPlaces: Int = 0) -> String {
        let digits = description
        guard decimals > 0 else { return digits }
        let padded = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals)
        var fraction = Substring(padded.suffix(decimals))
        while fraction.count > minimumPlaces, fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// `self` (a value with `decimals` fraction digits) rounded half up to
    /// `places` of them; the result has `min(decimals, places)` fraction digits.
    func rounded(decimals: Int, places: Int) -> UInt256 {
        guard places < decimals, let unit = UInt256.powerOfTen(decimals - places) else { return self }
        let (quotient, remainder) = quotientAndRemainder(dividingBy: unit)
        return remainder + remainder >= unit ? quotient + .one : quotient
    }
}

extension Double {
    /// The nearest double (for charts and ratios shown to people, never for state).
    public init(_ value: UInt256) {
        // Word by word: the standard library's conversion of a UInt128 is generic, and slow on a hot path.
        func words(_ half: UInt128) -> Double {
            Double(UInt64(truncatingIfNeeded: half >> 64)) * 0x1p64 + Double(UInt64(truncatingIfNeeded: half))
        }
        self = words(value.high) * 0x1p128 + words(value.low)
    }

    public init(_ value: SignedAmount) {
        self = value.isNegative ? -Double(value.magnitude) : Double(value.magnitude)
    }
}
