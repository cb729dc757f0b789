import DurableLedger
import Foundation
import PoolLedger
import Testing

/// A ledger database written by the release before pool models got their own
/// folders (`Tests/Legacy/make-legacy-v1.sh`, run with the release binary of
/// commit 9833e91): two constant-product pools with deposits, swaps, a
/// transfer, a protocol fee switched on and a withdrawal, one concentrated
/// pool with mints, swaps, a burn and a collect, automatic snapshots every 4
/// facts and one taken by hand. The states it must replay to were printed by
/// that release (`state POOL --json`, at the head and at seq 13), and so was
/// its export.
@Suite struct LegacyDatabaseTests {
    static let legacy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Legacy")

    /// A copy to open: opening may write (WAL files, migrations), the committed file must not change.
    func openCopy() throws -> DurableLedger {
        let path = temporaryDatabase()
        try FileManager.default.copyItem(at: Self.legacy.appendingPathComponent("legacy-v1.sqlite"), to: URL(fileURLWithPath: path))
        return try DurableLedger(path: path)
    }

    /// The previous release's `state --json` of each pool, by checkpoint ("head", "at_seq_13").
    func recordedStates() throws -> [String: [String: NSDictionary]] {
        let data = try Data(contentsOf: Self.legacy.appendingPathComponent("legacy-v1.states.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: NSDictionary]])
        return object
    }

    /// Every field of today's state object equals the old release's (parsed, so key order and spacing do not matter).
    func expectStates(_ ledger: Ledger, equal recorded: [String: NSDictionary], at label: String) throws {
        #expect(Set(ledger.poolIDs) == Set(recorded.keys), "\(label): pools")
        for id in ledger.poolIDs {
            let text = StateJSON.encode(ledger[id]!).pretty
            let now = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
            let then = try #require(recorded[id])
            #expect(now == then, "\(label): pool \(id) differs")
            #expect(now["state_hash"] as? String == then["state_hash"] as? String, "\(label): state hash of \(id)")
        }
    }

    @Test func verifiesAndReplaysToTheOldReleasesStates() throws {
        let ledger = try openCopy()
        let recorded = try recordedStates()
        // Its head is its last fact: as many as the old release exported.
        let export = try String(contentsOf: Self.legacy.appendingPathComponent("legacy-v1.export.jsonl"), encoding: .utf8)
        let head = try ledger.head()
        #expect(head.seq == UInt64(export.split(separator: "\n").count))

        let verified = try ledger.verify()
        // Every snapshot the old release wrote is checked against the replayed state.
        #expect(verified.snapshotsChecked == (try ledger.store.read { try $0.snapshotPositions().count }))
        #expect(verified.snapshotsChecked > 1)
        try expectStates(verified.ledger, equal: try #require(recorded["head"]), at: "verify")

        let full = try ledger.replay(fromSnapshot: false)
        try expectStates(full.ledger, equal: try #require(recorded["head"]), at: "replay")
        let fromSnapshot = try ledger.replay(fromSnapshot: true)
        #expect(fromSnapshot.startedAt != nil)
        try expectStates(fromSnapshot.ledger, equal: try #require(recorded["head"]), at: "replay --from-snapshot")

        // State at a point of the log: read from the snapshot at or before it, then the tail.
        try expectStates(try ledger.ledger(at: 13), equal: try #require(recorded["at_seq_13"]), at: "seq 13")
    }

    @Test func exportIsTheOldReleasesExport() throws {
        let ledger = try openCopy()
        let expected = try String(contentsOf: Self.legacy.appendingPathComponent("legacy-v1.export.jsonl"), encoding: .utf8)
        #expect(try exportText(ledger) == expected)
    }

    @Test func takesNewFactsAndStillVerifies() throws {
        let ledger = try openCopy()
        let oldHead = try ledger.head().seq
        let summary = try ledger.execute([
            Command(.swapExactIn(SwapExactIn(pool: "eth-dai-v3", trader: "erin", tokenIn: "DAI", amountIn: 1_000_000_000_000_000_000))),
            Command(.swapExactIn(SwapExactIn(pool: "TKA-TKB", trader: "erin", tokenIn: "TKB", amountIn: 1_000_000_000))),
        ])
        #expect(summary.appendedCount == 2)
        let verified = try ledger.verify()
        #expect(verified.head.seq == oldHead + 2)
        #expect(verified.ledger == (try ledger.replay(fromSnapshot: true)).ledger)
    }
}
