import BigInt
import PoolMath
import PropertyBased

/// Conversions between UInt256 and the BigInt oracle, written with BigUInt's own
/// arithmetic so that no UInt256 operation is used to produce an expectation.
extension BigUInt {
    init(_ value: UInt256) {
        self = (BigUInt(value.high) << 128) | BigUInt(value.low)
    }
}

let two256 = BigUInt(1) << 256
let two128 = BigUInt(1) << 128

/// The oracle's value as a UInt256; nil when it does not fit.
func uint256(_ value: BigUInt) -> UInt256? {
    guard value < two256 else { return nil }
    return UInt256(high: UInt128(value >> 128), low: UInt128(value & (two128 - 1)))
}

/// Edge values every operation is tried on, pairwise.
let edgeValues: [BigUInt] = {
    let one = BigUInt(1)
    return [
        0, 1, 2, 3, 10, 1000,
        (one << 64) - 1, one << 64, (one << 64) + 1,
        (one << 112) - 1, one << 112,
        (one << 128) - 1, one << 128, (one << 128) + 1,
        (one << 192) - 1, one << 192,
        one << 255, (one << 255) + 1,
        two256 - 2, two256 - 1,
    ]
}()

/// Random 256-bit values of every magnitude: a random bit length, then random
/// bits below it, so small, mid-sized and full-width values all appear.
let anyUInt256 = zip(Gen.uint128(), Gen.uint128(), Gen.int(in: 0...256)).map { (high: UInt128, low: UInt128, bits: Int) -> UInt256 in
    let full = UInt256(high: high, low: low)
    if bits == 256 { return full }
    return full & ((UInt256.one << bits) - UInt256.one)
}
