extension UInt256 {
    /// The floor square root, the value Uniswap V2's `Math.sqrt` (Babylonian method)
    /// returns. Integer-only: Newton's iteration from a power of two at or above
    /// the root decreases monotonically and stops exactly at the floor.
    @inlinable
    public func squareRoot() -> UInt256 {
        if self < 2 { return self }
        if high == 0 {
            return UInt256(low.floorSquareRoot())
        }
        var x = UInt256.one << ((significantBitCount + 1) / 2)
        while true {
            let y = (x + self / x) >> 1
            if y >= x { return x }
            x = y
        }
    }
}

extension UInt128 {
    /// Floor square root on native 128-bit integers (the common case: k below 2^128
    /// is rare, but every 64-bit amount product lands here).
    @inlinable
    public func floorSquareRoot() -> UInt128 {
        if self < 2 { return self }
        let bits = 128 - leadingZeroBitCount
        var x: UInt128 = 1 << ((bits + 1) / 2)
        while true {
            let y = (x + self / x) >> 1
            if y >= x { return x }
            x = y
        }
    }
}
