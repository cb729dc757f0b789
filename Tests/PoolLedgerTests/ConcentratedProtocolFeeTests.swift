import BigInt
@testable import PoolLedger
import PoolMath
import Testing

/// `flash`, `setFeeProtocol` and `collectProtocol` against computations of
/// the contract's formulas written here with BigInt (UniswapV3Pool.sol
/// v1.0.0): a flash's fee is amount·fee/1e6 rounded up; of what is paid, the
/// protocol takes paid/N (N its fee protocol, none when 0) and fee growth
/// grows by floor((paid - that)·2^128/L); a swap step's fee is what was paid
/// in beyond the price move's amount, the protocol's cut fee/N; the
/// protocol's fees are never paid out beyond what accrued, less one wei.
@Suite struct ConcentratedProtocolFeeTests {
    static let q128 = BigUInt(1) << 128

    func pool(feeProtocol: (UInt8, UInt8)? = nil) throws -> Ledger {
        var ledger = Ledger()
        try ledger.execute(Command(.createPool(PoolCreated(pool: "v3", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "o", tickLower: -600, tickUpper: 600, liquidity: e18))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "p", tickLower: -120, tickUpper: 1200, liquidity: 3 * e18))))
        if let (p0, p1) = feeProtocol {
            try ledger.execute(Command(.setFeeProtocol(ProtocolFeeSet(pool: "v3", feeProtocol0: p0, feeProtocol1: p1))))
        }
        return ledger
    }

    func v3(_ ledger: Ledger) throws -> ConcentratedPool {
        guard case .concentrated(let v3)? = ledger["v3"]?.body else { throw Rejection(.unknownPool, "no v3") }
        return v3
    }

    @Test(arguments: [nil, (4 as UInt8, 7 as UInt8), (10 as UInt8, 0 as UInt8)] as [(UInt8, UInt8)?])
    func aFlashGrowsFeeGrowthAsTheContractDoes(_ feeProtocol: (UInt8, UInt8)?) throws {
        var ledger = try pool(feeProtocol: feeProtocol)
        let before = try v3(ledger)
        let amount0 = e18 / 30, amount1 = e18 / 70
        // Paid back by default: exactly the fee on each amount.
        let facts = try ledger.execute(Command(.flash(FlashLoan(pool: "v3", recipient: "r", amount0: amount0, amount1: amount1, paid1: nil))))
        guard case .flash(let flash) = facts[0].body else { Issue.record("not a flash"); return }
        let fee0 = (BigUInt(amount0) * 3000 + 999_999) / 1_000_000, fee1 = (BigUInt(amount1) * 3000 + 999_999) / 1_000_000
        #expect(BigUInt(flash.paid0) == fee0 && BigUInt(flash.paid1) == fee1)
        let after = try v3(ledger)
        let n0 = BigUInt(feeProtocol?.0 ?? 0), n1 = BigUInt(feeProtocol?.1 ?? 0)
        let protocol0 = n0 == 0 ? BigUInt(0) : fee0 / n0, protocol1 = n1 == 0 ? BigUInt(0) : fee1 / n1
        let liquidity = BigUInt(before.liquidity)
        #expect(BigUInt(after.feeGrowthGlobal0X128) == BigUInt(before.feeGrowthGlobal0X128) + (fee0 - protocol0) * Self.q128 / liquidity)
        #expect(BigUInt(after.feeGrowthGlobal1X128) == BigUInt(before.feeGrowthGlobal1X128) + (fee1 - protocol1) * Self.q128 / liquidity)
        #expect(BigUInt(after.protocolFees0) == BigUInt(before.protocolFees0) + protocol0)
        #expect(BigUInt(after.protocolFees1) == BigUInt(before.protocolFees1) + protocol1)
        #expect(BigUInt(after.balance0) == BigUInt(before.balance0) + fee0)

        // A recorded flash paying more than the fee: the surplus grows fee growth too.
        let more = Flash(pool: "v3", recipient: "r", amount0: amount0, amount1: .zero, paid0: flash.paid0 + UInt256(UInt64(12_345)), paid1: .zero)
        try ledger.fold(Fact(.flash(more)))
        let paid = fee0 + 12_345
        let expected = BigUInt(after.feeGrowthGlobal0X128) + (paid - (n0 == 0 ? 0 : paid / n0)) * Self.q128 / liquidity
        #expect(BigUInt(try v3(ledger).feeGrowthGlobal0X128) == expected)
        // The laws' running accounts still equal their recomputation.
        try ledger.checkRunningSums()
    }

    @Test func aFlashPayingLessThanTheFeeOrWithoutLiquidityIsRefused() throws {
        var ledger = try pool()
        let short = Flash(pool: "v3", recipient: "r", amount0: e18 / 100, amount1: .zero, paid0: UInt256(UInt64(30_000_000_000_000 - 1)), paid1: .zero)
        _ = expectRejection(.concentrated("F0")) { () throws(Rejection) in try ledger.fold(Fact(.flash(short))) }
        var empty = Ledger()
        try empty.execute(Command(.createPool(PoolCreated(pool: "v3", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        _ = expectRejection(.concentrated("L")) { () throws(Rejection) in
            try empty.fold(Fact(.flash(Flash(pool: "v3", recipient: "r", amount0: .zero, amount1: .zero, paid0: .zero, paid1: .zero))))
        }
        _ = expectRejection(.concentrated("FEE_PROTOCOL")) { () throws(Rejection) in
            try ledger.fold(Fact(.protocolFeeSet(ProtocolFeeSet(pool: "v3", feeProtocol0: 3, feeProtocol1: 0))))
        }
    }

    /// A swap in one step (no tick crossed): its fee is the input beyond what
    /// moving the price took (getAmount0Delta rounded up, from the fact's
    /// prices), the protocol's cut fee/4, the rest over the liquidity.
    @Test func aSwapsProtocolCutIsItsFeeOverN() throws {
        var ledger = try pool(feeProtocol: (4, 5))
        let before = try v3(ledger)
        let facts = try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "A", amountIn: e18 / 1000))))
        guard case .swap(let swap) = facts[0].body, let priceAfter = swap.sqrtPriceX96After else { Issue.record("no swap"); return }
        let after = try v3(ledger)
        #expect(after.liquidity == before.liquidity, "one step, no tick crossed")
        let l = BigUInt(before.liquidity), p = BigUInt(before.sqrtPriceX96), q = BigUInt(priceAfter)
        // SqrtPriceMath.getAmount0Delta(q, p, L, roundUp): divRoundingUp(mulDivRoundingUp(L << 96, p - q, p), q).
        let numerator = (l << 96) * (p - q)
        let first = (numerator + p - 1) / p
        let moved = (first + q - 1) / q
        let fee = BigUInt(swap.amount0In) - moved
        #expect(fee > 0)
        let cut = fee / 4
        #expect(BigUInt(after.protocolFees0) - BigUInt(before.protocolFees0) == cut)
        #expect(BigUInt(after.feeGrowthGlobal0X128) - BigUInt(before.feeGrowthGlobal0X128) == (fee - cut) * Self.q128 / l)
    }

    /// Protocol fees collected are never more than accrued, and never the last
    /// wei: commands pay what the contract pays; a recorded collect of all of
    /// them (or more) is refused.
    @Test func protocolFeesCollectedNeverExceedWhatAccrued() throws {
        var ledger = try pool(feeProtocol: (4, 4))
        var collected0 = BigUInt(0), collected1 = BigUInt(0)
        var state: UInt64 = 99
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        for round in 0..<40 {
            let token = next() % 2 == 0 ? "A" : "B"
            _ = try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: token, amountIn: e18 / UInt256(200 + next() % 800)))))
            if round % 5 == 4 {
                let before = try v3(ledger)
                let requested = next() % 3 == 0 ? UInt256(next() % 100_000) : nil
                let facts = try ledger.execute(Command(.collectProtocol(CollectProtocol(pool: "v3", recipient: "treasury", amount0Requested: requested, amount1Requested: requested))))
                guard case .protocolFeesCollected(let paid) = facts[0].body else { Issue.record("not a collect"); return }
                for (amount, owed, requestedAmount) in [(paid.amount0, before.protocolFees0, requested), (paid.amount1, before.protocolFees1, requested)] {
                    let limit = min(BigUInt(requestedAmount ?? UInt256(high: 0, low: UInt128.max)), BigUInt(owed))
                    let expected = owed > 0 && limit == BigUInt(owed) ? limit - 1 : limit
                    #expect(BigUInt(amount) == expected)
                }
                collected0 += BigUInt(paid.amount0)
                collected1 += BigUInt(paid.amount1)
                let after = try v3(ledger)
                #expect(after.protocolFees0 > 0 || before.protocolFees0 == 0)
            }
        }
        let final = try v3(ledger)
        #expect(collected0 > 0 && collected1 > 0)
        // Each collect left the last wei: something is always left.
        #expect(final.protocolFees0 > 0 && final.protocolFees1 > 0)
        // Recorded collects of all that is left, or one more, are refused; one less folds.
        for extra in [UInt128(0), 1] {
            let all = ProtocolFeesCollected(pool: "v3", recipient: "x", amount0: UInt256(high: 0, low: final.protocolFees0 + extra), amount1: .zero)
            _ = expectRejection(.ledger(.payoutMismatch)) { () throws(Rejection) in try ledger.fold(Fact(.protocolFeesCollected(all))) }
        }
        try ledger.fold(Fact(.protocolFeesCollected(ProtocolFeesCollected(pool: "v3", recipient: "x", amount0: UInt256(high: 0, low: final.protocolFees0 - 1), amount1: .zero))))
        #expect(try v3(ledger).protocolFees0 == 1)
        try ledger.checkRunningSums()
    }

    @Test func theNewFactsRoundTripThroughJSONAndBinary() throws {
        let facts: [Fact] = [
            Fact(.flash(Flash(pool: "v3", recipient: "r", amount0: e18, amount1: .zero, paid0: UInt256(UInt64(3)), paid1: .zero)), id: "0xab:1", block: 7),
            Fact(.protocolFeeSet(ProtocolFeeSet(pool: "v3", feeProtocol0: 4, feeProtocol1: 10))),
            Fact(.protocolFeesCollected(ProtocolFeesCollected(pool: "v3", recipient: "t", amount0: UInt256(UInt64(5)), amount1: e18)), time: 9),
        ]
        for fact in facts {
            #expect(try ContractCodec.decodeLine(ContractCodec.line(fact)) == .fact(fact))
            #expect(try BinaryCodec.decode(BinaryCodec.encode(fact)) == fact)
        }
    }
}
