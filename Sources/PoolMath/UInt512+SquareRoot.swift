extension UInt512 {
    /// The floor square root (it always fits in 256 bits). Newton's iteration
    /// from a value at or above the root decreases monotonically and stops
    /// exactly at the floor, as `UInt256.squareRoot` does.
    public func squareRoot() -> UInt256 {
        if high.isZero { return low.squareRoot() }
        let bits = 256 + high.significantBitCount
        let halfBits = (bits + 1) / 2
        var x = halfBits >= 256 ? UInt256.max : UInt256.one << halfBits
        while true {
            // x >= floor(sqrt(self)) throughout, so self / x < x + 2; past 256
            // bits it is above x, and x is the root.
            let quotient = quotientAndRemainder(dividingBy: x).quotient
            if !quotient.high.isZero { return x }
            let q = quotient.low
            let y = (x >> 1) + (q >> 1) + (x & q & .one)
            if y >= x { return x }
            x = y
        }
    }
}
