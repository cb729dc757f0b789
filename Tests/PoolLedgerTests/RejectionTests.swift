import PoolLedger
import PoolMath
import TestSupport
import Testing

/// Facts are checked, not trusted: each corrupted fact is rejected with its
/// rule, the recorded and the expected value, and leaves the ledger unchanged.
@Suite struct RejectionTests {
    @Test func mintedSharesPlusOneIsRejected() throws {
        var ledger = Ledger()
        try ledger.fold(created())
        let before = ledger
        let rejection = expectRejection(.ledger(.sharesMismatch)) { () throws(Rejection) in
            try ledger.fold(added("lp", e18, 4 * e18, shares: 2 * e18 - 1000 + 1))
        }
        #expect(rejection?.detail == "shares recorded 1999999999999999001, expected 1999999999999999000")
        #expect(ledger == before)
    }

    @Test func payoutPlusOneIsRejected() throws {
        var ledger = try ledgerWithDeposit(e18, 4 * e18)
        let before = ledger
        let rejection = expectRejection(.ledger(.payoutMismatch)) { () throws(Rejection) in
            try ledger.fold(removed("wallet", shares: 2 * e18 - 1000, e18 - 500 + 1, 4 * e18 - 2000))
        }
        #expect(rejection?.detail == "amount0 recorded 999999999999999501, expected 999999999999999500")
        expectRejection(.ledger(.payoutMismatch)) { () throws(Rejection) in
            try ledger.fold(removed("wallet", shares: 2 * e18 - 1000, e18 - 500, 4 * e18 - 2000 + 1))
        }
        #expect(ledger == before)
    }

    @Test func protocolFeeSharesAreChecked() throws {
        var ledger = try ledgerWithDeposit(1000 * e18, 1000 * e18, feeTo: "other")
        try ledger.fold(swapped(in1: e18, out0: 996_006_981_039_903_216))
        var withdrawal = LiquidityRemoved(pool: pairID, provider: "wallet", shares: e18, amount0: 0, amount1: 0)
        let outcome = try ledger[pairID]!.pair.burnOutcome(shares: e18, provider: "wallet", feeOn: true)
        withdrawal.amount0 = outcome.amount0
        withdrawal.amount1 = outcome.amount1
        withdrawal.protocolFeeShares = outcome.protocolFeeShares + 1
        expectRejection(.ledger(.protocolFeeMismatch)) { () throws(Rejection) in try ledger.fold(Fact(.liquidityRemoved(withdrawal))) }
        withdrawal.protocolFeeShares = outcome.protocolFeeShares
        try ledger.fold(Fact(.liquidityRemoved(withdrawal)))
    }

    @Test func sharesMoveOnlyIfHeldAndNeverFromTheZeroAddress() throws {
        var ledger = try ledgerWithDeposit(e18, 4 * e18)
        expectRejection(.ledger(.insufficientShares)) { () throws(Rejection) in
            try ledger.fold(Fact(.sharesTransferred(SharesTransferred(pool: pairID, from: "wallet", to: "x", shares: 2 * e18))))
        }
        expectRejection(.ledger(.lockedShares)) { () throws(Rejection) in
            try ledger.fold(Fact(.sharesTransferred(SharesTransferred(pool: pairID, from: zeroAddress, to: "x", shares: 1))))
        }
        expectRejection(.ledger(.lockedShares)) { () throws(Rejection) in
            try ledger.fold(removed(zeroAddress, shares: 1000, 500, 2000))
        }
        expectRejection(.ledger(.insufficientShares)) { () throws(Rejection) in
            try ledger.fold(removed("nobody", shares: 1000, 500, 2000))
        }
        try ledger.fold(Fact(.sharesTransferred(SharesTransferred(pool: pairID, from: "wallet", to: "x", shares: e18))))
        #expect(ledger[pairID]?.shares(of: "x") == e18)
        #expect(ledger[pairID]?.shares(of: "wallet") == e18 - 1000)
    }

    @Test func poolBookkeepingRules() throws {
        var ledger = Ledger()
        expectRejection(.ledger(.unknownPool)) { () throws(Rejection) in try ledger.fold(swapped(in0: 1, out1: 1)) }
        try ledger.fold(created())
        expectRejection(.ledger(.poolExists)) { () throws(Rejection) in try ledger.fold(created()) }
        expectRejection(.ledger(.identicalTokens)) { () throws(Rejection) in
            try ledger.fold(Fact(.poolCreated(PoolCreated(pool: "p2", token0: "A", token1: "A"))))
        }
        try ledger.fold(added("lp", e18, e18, shares: e18 - 1000, time: 100))
        expectRejection(.ledger(.timeDecreased)) { () throws(Rejection) in try ledger.fold(swapped(in0: 1000, out1: 1, time: 99)) }
        try ledger.fold(swapped(in0: 1000, out1: 1, time: 100))
    }

    @Test func firstDepositTooSmallAndReserveOverflow() throws {
        var ledger = Ledger()
        try ledger.fold(created())
        expectRejection(.pair(.insufficientLiquidityMinted)) { () throws(Rejection) in try ledger.fold(added("lp", 1000, 1000, shares: 0)) }
        expectRejection(.pair(.overflow)) { () throws(Rejection) in
            try ledger.fold(added("lp", ConstantProduct.maxReserve + 1, 1, shares: 0))
        }
        try ledger.fold(added("lp", ConstantProduct.maxReserve, 1_000_000_000, shares: (ConstantProduct.maxReserve * 1_000_000_000).squareRoot() - 1000))
        expectRejection(.pair(.overflow)) { () throws(Rejection) in try ledger.fold(swapped(in0: 1, out1: 1)) }
    }

    @Test func idsAreIdempotent() throws {
        var ledger = Ledger()
        var first = created()
        first.id = "0xabc:1"
        #expect(try ledger.fold(first))
        #expect(try ledger.fold(first) == false, "the same id with the same content is a no-op")
        #expect(ledger.seq == 1)
        var other = created(pool: "other")
        other.id = "0xabc:1"
        expectRejection(.ledger(.duplicateID)) { () throws(Rejection) in try ledger.fold(other) }
        #expect(ledger.seq == 1)
    }
}
