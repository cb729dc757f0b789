import PoolLedger
import PoolMath
import Testing

let e18: UInt256 = 1_000_000_000_000_000_000
let pairID = "pair"

func created(fee: UInt32 = 3000, feeTo: String? = nil, pool: String = pairID) -> Fact {
    Fact(.poolCreated(PoolCreated(pool: pool, token0: "T0", token1: "T1", feePPM: fee, feeTo: feeTo)))
}

func added(_ provider: String, _ amount0: UInt256, _ amount1: UInt256, shares: UInt256, pool: String = pairID, time: UInt64? = nil) -> Fact {
    Fact(.liquidityAdded(LiquidityAdded(pool: pool, provider: provider, amount0: amount0, amount1: amount1, shares: shares)), time: time)
}

func removed(_ provider: String, shares: UInt256, _ amount0: UInt256, _ amount1: UInt256, pool: String = pairID) -> Fact {
    Fact(.liquidityRemoved(LiquidityRemoved(pool: pool, provider: provider, shares: shares, amount0: amount0, amount1: amount1)))
}

func swapped(in0: UInt256 = 0, in1: UInt256 = 0, out0: UInt256 = 0, out1: UInt256 = 0, pool: String = pairID, time: UInt64? = nil) -> Fact {
    Fact(.swap(Swap(pool: pool, trader: "trader", amount0In: in0, amount1In: in1, amount0Out: out0, amount1Out: out1)), time: time)
}

/// A ledger with one pool and a first deposit, as v2-core's `addLiquidity` helper.
func ledgerWithDeposit(_ amount0: UInt256, _ amount1: UInt256, fee: UInt32 = 3000, feeTo: String? = nil, time: UInt64? = nil) throws -> Ledger {
    var ledger = Ledger()
    try ledger.fold(created(fee: fee, feeTo: feeTo))
    try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: pairID, provider: "wallet", amount0Desired: amount0, amount1Desired: amount1)), time: time))
    return ledger
}

/// Expects `body` to throw a rejection for `rule`, and returns it.
@discardableResult
func expectRejection(_ rule: Rule, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(Rejection) -> Void) -> Rejection? {
    do {
        try body()
        Issue.record("expected a \(rule) rejection, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.rule == rule, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}
