import PoolMath

/// UniswapV3Pool's `flash`, `setFeeProtocol` and `collectProtocol`, as the
/// contract (v1.0.0) computes them.
extension ConcentratedPool {
    /// `flash`'s accounting once the callback has paid back: `paid0`/`paid1`
    /// is what came back beyond the amounts lent. Each must be at least the
    /// fee on its amount (rounded up: 'F0', 'F1'); the protocol takes 1/N of
    /// what was paid (N its fee protocol for that token, none when 0), and the
    /// rest grows fee growth global over the liquidity in range ('L': there
    /// must be some).
    public mutating func flash(amount0: UInt256, amount1: UInt256, paid0: UInt256, paid1: UInt256) throws(V3MathError) {
        guard liquidity > 0 else { throw V3MathError("L", "a flash needs liquidity in range") }
        let fee0 = try Self.flashFee(amount0, feePips), fee1 = try Self.flashFee(amount1, feePips)
        guard paid0 >= fee0 else { throw V3MathError("F0", "paid0 \(paid0) is below the fee \(fee0) on \(amount0)") }
        guard paid1 >= fee1 else { throw V3MathError("F1", "paid1 \(paid1) is below the fee \(fee1) on \(amount1)") }
        let active = UInt256(high: 0, low: liquidity)
        /// One token's share: the protocol's 1/N of what was paid, the rest as fee growth.
        func split(_ paid: UInt256, _ denominator: UInt8, _ name: String) throws(V3MathError) -> (protocolFee: UInt128, growth: UInt256) {
            let fees = denominator == 0 ? UInt256.zero : paid / UInt256(UInt64(denominator))
            guard let growth = UInt256.mulDiv(paid - fees, Self.q128, active) else { throw V3MathError("FullMath", "fee growth of \(name) \(paid) exceeds 2^256") }
            // uint128(fees), added unchecked (solidity 0.7).
            return (UInt128(truncatingIfNeeded: fees.low), growth)
        }
        if !paid0.isZero {
            let (protocolFee, growth) = try split(paid0, feeProtocol % 16, "paid0")
            protocolFees0 &+= protocolFee
            feeGrowthGlobal0X128 = feeGrowthGlobal0X128 &+ growth
        }
        if !paid1.isZero {
            let (protocolFee, growth) = try split(paid1, feeProtocol >> 4, "paid1")
            protocolFees1 &+= protocolFee
            feeGrowthGlobal1X128 = feeGrowthGlobal1X128 &+ growth
        }
    }

    /// `FullMath.mulDivRoundingUp(amount, fee, 1e6)`.
    public static func flashFee(_ amount: UInt256, _ feePips: UInt32) throws(V3MathError) -> UInt256 {
        guard let fee = UInt256.mulDivRoundingUp(amount, UInt256(UInt64(feePips)), UInt256(UInt64(1_000_000))) else {
            throw V3MathError("FullMath", "the fee on \(amount) exceeds 2^256")
        }
        return fee
    }

    /// `setFeeProtocol`: each denominator 0 (off) or 4 to 10; token0's in the low nibble.
    public mutating func setFeeProtocol(_ feeProtocol0: UInt8, _ feeProtocol1: UInt8) throws(V3MathError) {
        func valid(_ value: UInt8) -> Bool { value == 0 || (4...10).contains(value) }
        guard valid(feeProtocol0), valid(feeProtocol1) else {
            throw V3MathError("FEE_PROTOCOL", "fee protocol \(feeProtocol0), \(feeProtocol1): each must be 0 or 4 to 10")
        }
        feeProtocol = feeProtocol0 + (feeProtocol1 << 4)
    }

    /// `collectProtocol`: up to the amounts requested of the protocol's fees,
    /// less one wei when it would take them all (the contract keeps the slot
    /// from being cleared, for gas).
    public mutating func collectProtocol(amount0Requested: UInt128, amount1Requested: UInt128) -> (amount0: UInt128, amount1: UInt128) {
        var amount0 = min(amount0Requested, protocolFees0)
        var amount1 = min(amount1Requested, protocolFees1)
        if amount0 > 0 {
            if amount0 == protocolFees0 { amount0 -= 1 }
            protocolFees0 -= amount0
        }
        if amount1 > 0 {
            if amount1 == protocolFees1 { amount1 -= 1 }
            protocolFees1 -= amount1
        }
        return (amount0, amount1)
    }
}
