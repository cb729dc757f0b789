// Decimal text and 32-byte big-endian encoding.
//
// The interchange contract writes every amount as a JSON string holding a
// base-10 integer: no sign, no decimal point, no exponent, no leading zeros
// (except "0" itself), at most 2^256-1. Parsing is strict so that every
// accepted text has exactly one value and every value exactly one text.

/// Why a text is not a contract amount.
public enum DecimalParseFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case notADigit(position: Int, character: Character)
    case leadingZero
    case exceedsMaximum

    public var description: String {
        switch self {
        case .empty: return "is empty"
        case .notADigit(let position, let character):
            return "has \(String(reflecting: String(character))) at position \(position + 1): only the digits 0-9 are allowed (no sign, decimal point or exponent)"
        case .leadingZero: return "has a leading zero"
        case .exceedsMaximum: return "exceeds 2^256-1"
        }
    }
}

extension UInt256 {
    private static let tenToThe19: UInt64 = 10_000_000_000_000_000_000

    /// Parses the contract's amount form (see `DecimalParseFailure`).
    public static func parseDecimal(_ text: some StringProtocol) -> Result<UInt256, DecimalParseFailure> {
        parseDecimal(utf8: Array(text.utf8))
    }

    /// The concrete, hot form (amount fields are `String`s): no generic dispatch, no copy.
    public static func parseDecimal(_ text: String) -> Result<UInt256, DecimalParseFailure> {
        var text = text
        return text.withUTF8 { parseDecimal(buffer: $0) }
    }

    public static func parseDecimal(utf8 bytes: some Collection<UInt8>) -> Result<UInt256, DecimalParseFailure> {
        Array(bytes).withUnsafeBufferPointer { parseDecimal(buffer: $0) }
    }

    static func parseDecimal(buffer bytes: UnsafeBufferPointer<UInt8>) -> Result<UInt256, DecimalParseFailure> {
        if bytes.isEmpty { return .failure(.empty) }
        var position = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else {
                let scalar = Unicode.Scalar(byte)
                return .failure(.notADigit(position: position, character: Character(scalar)))
            }
            position += 1
        }
        if bytes.count > 1 && bytes.first == 0x30 { return .failure(.leadingZero) }
        // 2^256-1 has 78 digits.
        if bytes.count > 78 { return .failure(.exceedsMaximum) }

        // Accumulate 19 digits at a time: value = value * 10^k + chunk.
        var value = UInt256.zero
        var chunk: UInt64 = 0
        var chunkDigits = 0
        var scale: UInt64 = 1
        func flush() -> Bool {
            // The first chunk (most amounts have only one) needs no product.
            if value.isZero { value = UInt256(chunk); return true }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: UInt256(scale))
            let (sum, overflow2) = scaled.addingReportingOverflow(UInt256(chunk))
            value = sum
            return !(overflow1 || overflow2)
        }
        for byte in bytes {
            chunk = chunk * 10 + UInt64(byte - 0x30)
            scale *= 10
            chunkDigits += 1
            if chunkDigits == 19 {
                if !flush() { return .failure(.exceedsMaximum) }
                chunk = 0
                scale = 1
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 && !flush() { return .failure(.exceedsMaximum) }
        return .success(value)
    }

    /// Parses the contract's amount form; `nil` for anything else.
    public init?(decimal text: some StringProtocol) {
        guard case .success(let value) = UInt256.parseDecimal(text) else { return nil }
        self = value
    }

    /// Quotient and remainder of division by a non-zero 64-bit divisor.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "division by zero")
        let (l0, l1, l2, l3) = limbs
        var remainder: UInt64 = 0
        var q3: UInt64 = 0, q2: UInt64 = 0, q1: UInt64 = 0, q0: UInt64 = 0
        (q3, remainder) = divisor.dividingFullWidth((remainder, l3))
        (q2, remainder) = divisor.dividingFullWidth((remainder, l2))
        (q1, remainder) = divisor.dividingFullWidth((remainder, l1))
        (q0, remainder) = divisor.dividingFullWidth((remainder, l0))
        return (UInt256(limbs: (q0, q1, q2, q3)), remainder)
    }
}

extension UInt256: CustomStringConvertible, LosslessStringConvertible {
    /// Base-10, the contract's form.
    public var description: String {
        if high == 0 { return String(low) }
        // Peel off 19 digits at a time, least significant first.
        var chunks: [UInt64] = []
        var rest = self
        while !rest.isZero {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: UInt256.tenToThe19)
            chunks.append(remainder)
            rest = quotient
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    public init?(_ description: String) {
        self.init(decimal: description)
    }
}

extension UInt256 {
    /// The 32-byte big-endian encoding (the EVM's ABI word).
    public var bigEndianBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        let (l0, l1, l2, l3) = limbs
        for (index, limb) in [l3, l2, l1, l0].enumerated() {
            for byte in 0..<8 {
                bytes[index * 8 + byte] = UInt8(truncatingIfNeeded: limb >> (56 - 8 * byte))
            }
        }
        return bytes
    }

    /// Reads exactly 32 big-endian bytes; `nil` for any other length.
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            limbs[3 - index / 8] |= UInt64(byte) << (56 - 8 * (index % 8))
        }
        self.init(limbs: (limbs[0], limbs[1], limbs[2], limbs[3]))
    }

    /// Appends the 32-byte big-endian encoding to `buffer` (for canonical hashing).
    @inlinable
    public func appendBigEndian(to buffer: inout [UInt8]) {
        let (l0, l1, l2, l3) = limbs
        for limb in [l3, l2, l1, l0] {
            withUnsafeBytes(of: limb.bigEndian) { buffer.append(contentsOf: $0) }
        }
    }
}
