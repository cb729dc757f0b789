/// An unsigned 256-bit integer: two native `UInt128` halves.
///
/// The width of the EVM's `uint256`, so every amount, reserve, share count and
/// `k` on chain fits exactly. Arithmetic either reports overflow
/// (`addingReportingOverflow`, ...) or traps like Swift's own integers (`+`, `*`);
/// the `&` operators wrap modulo 2^256, as Solidity 0.5's unchecked math does
/// for the price accumulators.
@frozen
public struct UInt256: Sendable, Hashable {
    public var high: UInt128
    public var low: UInt128

    @inlinable
    public init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    @inlinable
    public init(_ value: UInt128) {
        self.high = 0
        self.low = value
    }

    @inlinable
    public init(_ value: UInt64) {
        self.high = 0
        self.low = UInt128(value)
    }

    /// Traps on a negative value, like `UInt(_:)`.
    @inlinable
    public init(_ value: Int) {
        precondition(value >= 0, "UInt256 cannot hold a negative value")
        self.high = 0
        self.low = UInt128(value)
    }

    public static let zero = UInt256(high: 0, low: 0)
    public static let one = UInt256(high: 0, low: 1)
    public static let max = UInt256(high: .max, low: .max)
    public static let bitWidth = 256

    @inlinable public var isZero: Bool { high == 0 && low == 0 }

    /// Number of significant bits (0 for zero).
    @inlinable
    public var significantBitCount: Int {
        high != 0 ? 256 - high.leadingZeroBitCount : 128 - low.leadingZeroBitCount
    }

    @inlinable public var leadingZeroBitCount: Int { 256 - significantBitCount }

    /// Number of zero bits below the lowest set bit (256 for zero).
    @inlinable
    public var trailingZeroBitCount: Int {
        low != 0 ? low.trailingZeroBitCount : 128 + high.trailingZeroBitCount
    }

}

// MARK: - Comparison

extension UInt256: Comparable {
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}

// MARK: - Literals

extension UInt256: ExpressibleByIntegerLiteral {
    /// Any non-negative literal up to 2^256-1, e.g. `1_000_000_000_000_000_000_000_000`.
    @inlinable
    public init(integerLiteral literal: StaticBigInt) {
        precondition(literal.signum() >= 0, "UInt256 literal must not be negative")
        precondition(literal.bitWidth <= 257, "UInt256 literal exceeds 2^256-1")
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        limbs.0 = UInt64(truncatingIfNeeded: literal[0])
        limbs.1 = UInt64(truncatingIfNeeded: literal[1])
        limbs.2 = UInt64(truncatingIfNeeded: literal[2])
        limbs.3 = UInt64(truncatingIfNeeded: literal[3])
        self.init(limbs: limbs)
    }
}

// MARK: - 64-bit limbs (little-endian: least significant first) and big-endian bytes

extension UInt256 {
    @inlinable
    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) {
        self.low = UInt128(limbs.1) << 64 | UInt128(limbs.0)
        self.high = UInt128(limbs.3) << 64 | UInt128(limbs.2)
    }

    @inlinable
    public var limbs: (UInt64, UInt64, UInt64, UInt64) {
        (
            UInt64(truncatingIfNeeded: low), UInt64(truncatingIfNeeded: low >> 64),
            UInt64(truncatingIfNeeded: high), UInt64(truncatingIfNeeded: high >> 64)
        )
    }

    /// The value of at most 32 big-endian bytes (fewer are the low bytes, as
    /// the binary form writes an amount); an ABI word is exactly 32.
    @inlinable
    public init(bigEndian bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= 32, "at most 32 bytes")
        // Right-aligned in 32 bytes on the stack, then read as four big-endian limbs.
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        if let source = bytes.baseAddress {
            withUnsafeMutableBytes(of: &words) { raw in
                raw.baseAddress!.advanced(by: 32 - bytes.count).copyMemory(from: source, byteCount: bytes.count)
            }
        }
        self.init(limbs: (UInt64(bigEndian: words.3), UInt64(bigEndian: words.2), UInt64(bigEndian: words.1), UInt64(bigEndian: words.0)))
    }

    /// `body` with the value's 32 big-endian bytes (on the stack: no allocation).
    @inlinable
    public func withBigEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let limbs = self.limbs
        var words = (limbs.3.bigEndian, limbs.2.bigEndian, limbs.1.bigEndian, limbs.0.bigEndian)
        return try withUnsafeBytes(of: &words, body)
    }
}

// MARK: - Addition and subtraction

extension UInt256 {
    @inlinable
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (low, carry) = self.low.addingReportingOverflow(other.low)
        let (high1, overflow1) = self.high.addingReportingOverflow(other.high)
        let (high2, overflow2) = high1.addingReportingOverflow(carry ? 1 : 0)
        return (UInt256(high: high2, low: low), overflow1 || overflow2)
    }

    @inlinable
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (low, borrow) = self.low.subtractingReportingOverflow(other.low)
        let (high1, overflow1) = self.high.subtractingReportingOverflow(other.high)
        let (high2, overflow2) = high1.subtractingReportingOverflow(borrow ? 1 : 0)
        return (UInt256(high: high2, low: low), overflow1 || overflow2)
    }

    @inlinable
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflow")
        return sum
    }

    @inlinable
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction underflow")
        return difference
    }

    @inlinable public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }

    /// Addition modulo 2^256.
    @inlinable
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }

    /// Subtraction modulo 2^256.
    @inlinable
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.subtractingReportingOverflow(rhs).partialValue }
}

// MARK: - Multiplication

extension UInt256 {
    /// The full 512-bit product.
    @inlinable
    public func multipliedFullWidth(by other: UInt256) -> UInt512 {
        let ll = low.multipliedFullWidth(by: other.low)
        // Fast path: both operands below 2^128 (most reserve and amount products).
        if high == 0 && other.high == 0 {
            return UInt512(high: .zero, low: UInt256(high: ll.high, low: ll.low))
        }
        // One operand below 2^128 (a liquidity, a price difference, a pips
        // factor): two partial products instead of four.
        if high == 0 || other.high == 0 {
            let (small, wide) = high == 0 ? (low, other) : (other.low, self)
            let hl = wide.high.multipliedFullWidth(by: small)
            let (word1, carry) = ll.high.addingReportingOverflow(hl.low)
            // hl.high <= 2^128 - 2: adding the carry never overflows.
            return UInt512(high: UInt256(high: 0, low: hl.high &+ (carry ? 1 : 0)), low: UInt256(high: word1, low: ll.low))
        }
        let lh = low.multipliedFullWidth(by: other.high)
        let hl = high.multipliedFullWidth(by: other.low)
        let hh = high.multipliedFullWidth(by: other.high)

        let word0 = ll.low
        var carry: UInt128 = 0
        var (word1, c) = ll.high.addingReportingOverflow(lh.low)
        carry += c ? 1 : 0
        (word1, c) = word1.addingReportingOverflow(hl.low)
        carry += c ? 1 : 0

        var (word2, c2) = hh.low.addingReportingOverflow(lh.high)
        var carry2: UInt128 = c2 ? 1 : 0
        (word2, c2) = word2.addingReportingOverflow(hl.high)
        carry2 += c2 ? 1 : 0
        (word2, c2) = word2.addingReportingOverflow(carry)
        carry2 += c2 ? 1 : 0

        // hh.high + carry2 never overflows: the full product is below 2^512.
        let word3 = hh.high &+ carry2
        return UInt512(high: UInt256(high: word3, low: word2), low: UInt256(high: word1, low: word0))
    }

    @inlinable
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let product = multipliedFullWidth(by: other)
        return (product.low, !product.high.isZero)
    }

    @inlinable
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflow")
        return product
    }

    @inlinable public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }

    /// Multiplication modulo 2^256: the low half of the product only (the cross
    /// products modulo 2^128, no high partial product).
    @inlinable
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let ll = lhs.low.multipliedFullWidth(by: rhs.low)
        let cross = lhs.low &* rhs.high &+ lhs.high &* rhs.low
        return UInt256(high: ll.high &+ cross, low: ll.low)
    }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    @inlinable public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 { UInt256(high: lhs.high & rhs.high, low: lhs.low & rhs.low) }
    @inlinable public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 { UInt256(high: lhs.high | rhs.high, low: lhs.low | rhs.low) }
    @inlinable public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 { UInt256(high: lhs.high ^ rhs.high, low: lhs.low ^ rhs.low) }
    @inlinable public static prefix func ~ (value: UInt256) -> UInt256 { UInt256(high: ~value.high, low: ~value.low) }

    /// Shift left; bits shifted past 2^255 are lost; a shift of 256 or more gives 0.
    @inlinable
    public static func << (value: UInt256, amount: Int) -> UInt256 {
        precondition(amount >= 0, "negative shift")
        if amount >= 256 { return .zero }
        if amount >= 128 { return UInt256(high: value.low << (amount - 128), low: 0) }
        if amount == 0 { return value }
        return UInt256(high: value.high << amount | value.low >> (128 - amount), low: value.low << amount)
    }

    /// Shift right; a shift of 256 or more gives 0.
    @inlinable
    public static func >> (value: UInt256, amount: Int) -> UInt256 {
        precondition(amount >= 0, "negative shift")
        if amount >= 256 { return .zero }
        if amount >= 128 { return UInt256(high: 0, low: value.high >> (amount - 128)) }
        if amount == 0 { return value }
        return UInt256(high: value.high >> amount, low: value.low >> amount | value.high << (128 - amount))
    }
}

/// An unsigned 512-bit integer: the full product of two `UInt256`.
///
/// Only what the full-width rules need: comparison, and division by a `UInt256`
/// (`mulDiv`), so that `a * b / c` and `a * b >= c * d` are exact at any size.
@frozen
public struct UInt512: Sendable, Hashable, Comparable {
    public var high: UInt256
    public var low: UInt256

    @inlinable
    public init(high: UInt256, low: UInt256) {
        self.high = high
        self.low = low
    }

    @inlinable
    public init(_ value: UInt256) {
        self.high = .zero
        self.low = value
    }

    @inlinable
    public static func < (lhs: UInt512, rhs: UInt512) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    @inlinable
    public func addingReportingOverflow(_ other: UInt512) -> (partialValue: UInt512, overflow: Bool) {
        let (low, carry) = self.low.addingReportingOverflow(other.low)
        let (high1, overflow1) = self.high.addingReportingOverflow(other.high)
        let (high2, overflow2) = high1.addingReportingOverflow(carry ? .one : .zero)
        return (UInt512(high: high2, low: low), overflow1 || overflow2)
    }
}
