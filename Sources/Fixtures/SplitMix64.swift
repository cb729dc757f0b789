/// SplitMix64 (Steele, Lea, Flood 2014): the generator behind every random
/// choice of a fixture. Its 64-bit outputs become integers one way only,
/// `uniform(below:)`, never through floating point or the standard library's
/// `random(in:)` (whose algorithm may change between Swift versions), so a
/// seed gives the same history on every machine and toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in 0..<n: the high 64 bits of `next() * n` (Lemire's
    /// multiply-shift, without rejection; the bias is below 2^-40 for the
    /// ranges used here and does not affect determinism).
    public mutating func uniform(below n: UInt64) -> UInt64 {
        precondition(n > 0)
        return UInt64(truncatingIfNeeded: (UInt128(next()) * UInt128(n)) >> 64)
    }

    /// An integer in `range`.
    public mutating func uniform(_ range: ClosedRange<UInt64>) -> UInt64 {
        range.lowerBound + uniform(below: range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        uniform(below: denominator) < numerator
    }
}
