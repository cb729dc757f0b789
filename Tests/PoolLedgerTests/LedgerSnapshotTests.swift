import PoolLedger
import PoolMath
import Testing
import TestSupport

@Suite struct LedgerSnapshotTests {
    @Test func snapshotsRoundTripExactly() throws {
        var ledger = Ledger()
        for fact in RandomHistory.facts(seed: 8, count: 1_000) { try ledger.fold(fact) }
        let decoded = try LedgerSnapshot.decode(LedgerSnapshot.encode(ledger))
        #expect(decoded.seq == ledger.seq)
        #expect(decoded.pools == ledger.pools)
        #expect(LedgerSnapshot.encode(decoded) == LedgerSnapshot.encode(ledger))
    }

    /// Thousands of owners: the share table decodes in linear time and exactly.
    @Test func aLargeShareTableRoundTrips() throws {
        var ledger = Ledger()
        try ledger.fold(created())
        try ledger.fold(added("lp", e18, e18, shares: e18 - 1000))
        for index in 0..<5_000 {
            try ledger.fold(Fact(.sharesTransferred(SharesTransferred(pool: pairID, from: "lp", to: "owner\(index)", shares: UInt256(index + 1)))))
        }
        let decoded = try LedgerSnapshot.decode(LedgerSnapshot.encode(ledger))
        #expect(decoded[pairID]?.shares.count == 5_002)
        #expect(decoded.pools == ledger.pools)
        #expect(StateHash.hash(decoded[pairID]!) == StateHash.hash(ledger[pairID]!))
    }

    @Test func aSnapshotWhoseSharesDoNotSumIsRefused() throws {
        var ledger = Ledger()
        try ledger.fold(created())
        try ledger.fold(added("lp", e18, e18, shares: e18 - 1000))
        let text = String(decoding: LedgerSnapshot.encode(ledger), as: UTF8.self).replacingOccurrences(of: "\"lp\":\"", with: "\"lp\":\"1")
        #expect(throws: Rejection.self) { try LedgerSnapshot.decode(Array(text.utf8)) }
    }

    /// A concentrated pool's snapshot: exact round trip; an inconsistent V3
    /// state (a position whose ticks are gone, a tick off its price, liquidity
    /// that is not the positions' in range, liquidity_net not an integer) is
    /// refused with a rule, never trapped on.
    @Test func concentratedSnapshotsRoundTripAndInconsistentOnesAreRefused() throws {
        var ledger = Ledger()
        try ledger.execute(Command(.createPool(PoolCreated(pool: "v3", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "o", tickLower: -600, tickUpper: 600, liquidity: e18))))
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "v3", owner: "p", tickLower: 120, tickUpper: 1200, liquidity: e18))))
        try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "B", amountIn: e18 / 50))))
        let bytes = LedgerSnapshot.encode(ledger)
        let decoded = try LedgerSnapshot.decode(bytes)
        #expect(decoded.pools == ledger.pools)
        #expect(LedgerSnapshot.encode(decoded) == bytes)

        let text = String(decoding: bytes, as: UTF8.self)
        let v3 = ledger["v3"]!.concentrated!
        let tampered = [
            // The ticks gone, the positions still there.
            text.replacing(#/"ticks":\[.*?\],"positions"/#, with: #""ticks":[],"positions""#),
            text.replacingOccurrences(of: "\"tick\":\(v3.tick),", with: "\"tick\":\(v3.tick + 7),"),
            text.replacingOccurrences(of: "\"liquidity\":\"\(v3.liquidity)\",\"fee_growth_global0", with: "\"liquidity\":\"\(v3.liquidity + 1)\",\"fee_growth_global0"),
            text.replacingOccurrences(of: "\"liquidity_net\":\"", with: "\"liquidity_net\":\"x"),
        ]
        for changed in tampered {
            #expect(changed != text)
            #expect(throws: Rejection.self) { try LedgerSnapshot.decode(Array(changed.utf8)) }
        }

        // The constant-product places of the layout are zero for a V3 pool, and its share table empty.
        let pairFields = [
            text.replacingOccurrences(of: "\"total_shares\":\"0\"", with: "\"total_shares\":\"1\""),
            text.replacingOccurrences(of: "\"k_last\":\"0\"", with: "\"k_last\":\"5\""),
            text.replacingOccurrences(of: "\"price0_cumulative\":\"0\"", with: "\"price0_cumulative\":\"9\""),
            text.replacingOccurrences(of: "\"block_timestamp_last\":0", with: "\"block_timestamp_last\":3"),
            text.replacingOccurrences(of: "\"shares\":{}", with: "\"shares\":{\"o\":\"1\"}"),
        ]
        for changed in pairFields {
            #expect(changed != text)
            do {
                _ = try LedgerSnapshot.decode(Array(changed.utf8))
                Issue.record("accepted: \(changed)")
            } catch {
                #expect(error.rule == .input(.invalidField), "\(error)")
            }
        }
    }
}
