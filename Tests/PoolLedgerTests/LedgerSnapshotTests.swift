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
}
