import DurableLedger
import Foundation
import GRDB
import LedgerStore
import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

func temporaryDatabase() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("ledger.sqlite").path
}

/// Every record's chain hash, in order: the identity of a log.
func chainHashes(_ ledger: DurableLedger) throws -> [[UInt8]] {
    try ledger.store.read { tx in
        var hashes: [[UInt8]] = []
        try tx.forEachRecord { hashes.append($0.hash); return true }
        return hashes
    }
}

func exportText(_ ledger: DurableLedger, pool: String? = nil) throws -> String {
    var text = ""
    try ledger.forEachFactLine(pool: pool) { text += $0 + "\n" }
    return text
}

func stateHashes(_ ledger: Ledger) -> [String: String] {
    Dictionary(uniqueKeysWithValues: ledger.poolIDs.map { ($0, StateHash.hash(ledger[$0]!)) })
}

/// A single fact made wrong by one share or one wei of payout. (Not a swap:
/// an exact-out swap pays a wei of slack, so its output + 1 can still be valid.)
func corrupted(_ fact: Fact) -> Fact? {
    var fact = fact
    switch fact.body {
    case .liquidityAdded(var deposit):
        deposit.shares += 1
        fact.body = .liquidityAdded(deposit)
    case .liquidityRemoved(var withdrawal):
        withdrawal.amount0 += 1
        fact.body = .liquidityRemoved(withdrawal)
    default:
        return nil
    }
    return fact
}

@Suite struct DurableLedgerTests {
    @Test func importOfExportReproducesStateAndHashChain() throws {
        let facts = RandomHistory.facts(seed: 7, count: 3_000)
        let original = try DurableLedger(path: temporaryDatabase())
        try original.setSnapshotInterval(500)
        let summary = try original.append(jsonLines: Array(RandomHistory.jsonLines(facts).utf8), accept: .facts)
        #expect(summary.appendedCount == 3_000)
        #expect(summary.snapshots == [500, 1000, 1500, 2000, 2500, 3000])

        let copy = try DurableLedger(path: temporaryDatabase())
        try copy.setSnapshotInterval(500)
        try copy.append(jsonLines: Array(exportText(original).utf8), accept: .facts)
        #expect(stateHashes(try copy.ledger()) == stateHashes(try original.ledger()))
        #expect(try chainHashes(copy) == chainHashes(original))
        #expect(try copy.head() == original.head())
        #expect(try exportText(copy) == exportText(original))
        // The state folded in memory from the same facts is the stored one.
        var memory = Ledger()
        for fact in facts { try memory.fold(fact) }
        #expect(stateHashes(memory) == stateHashes(try original.ledger()))
    }

    @Test func importOfExportPropertyOnRandomHistories() async {
        await propertyCheck(count: 8, input: Gen.uint64(), Gen.int(in: 1...600)) { seed, count in
            let facts = RandomHistory.facts(seed: seed, count: count, withTime: seed % 2 == 0)
            let original = try DurableLedger(path: temporaryDatabase())
            try original.setSnapshotInterval(UInt64(1 + seed % 97))
            try original.append(facts: facts)
            let copy = try DurableLedger(path: temporaryDatabase())
            try copy.setSnapshotInterval(UInt64(1 + seed % 97))
            try copy.append(jsonLines: Array(exportText(original).utf8), accept: .facts)
            #expect(stateHashes(try copy.ledger()) == stateHashes(try original.ledger()))
            #expect(try chainHashes(copy) == chainHashes(original))
            _ = try copy.verify()
        }
    }

    /// Replay from any snapshot plus the tail equals a full replay, and the state
    /// at any position equals folding the first SEQ facts in memory.
    @Test func snapshotPlusTailEqualsFullReplayAndStateAtSeqEqualsPrefixFold() async {
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.int(in: 1...400).array(of: 1...4)) { seed, positions in
            let facts = RandomHistory.facts(seed: seed, count: 400)
            let ledger = try DurableLedger(path: temporaryDatabase())
            try ledger.setSnapshotInterval(0)
            // Append in pieces, snapshotting at the random positions.
            var done = 0
            for position in Set(positions).sorted() {
                try ledger.append(facts: Array(facts[done..<position]))
                try ledger.snapshot()
                done = position
            }
            try ledger.append(facts: Array(facts[done...]))

            let full = try ledger.replay(fromSnapshot: false)
            let fromSnapshot = try ledger.replay(fromSnapshot: true)
            #expect(fromSnapshot.startedAt == UInt64(Set(positions).max()!))
            #expect(full.ledger == fromSnapshot.ledger)
            #expect(full.events == 400)

            for seq in positions + [1, 399] {
                var prefix = Ledger()
                for fact in facts.prefix(seq) { try prefix.fold(fact) }
                let stored = try ledger.ledger(at: UInt64(seq))
                #expect(stored.seq == UInt64(seq))
                #expect(stateHashes(stored) == stateHashes(prefix))
            }
        }
    }

    @Test func aBadFactInTheMiddleOfTenThousandChangesNothing() throws {
        let facts = RandomHistory.facts(seed: 11, count: 12_000)
        let ledger = try DurableLedger(path: temporaryDatabase())
        try ledger.append(facts: Array(facts.prefix(2_000)))
        let head = try ledger.head()

        var batch = Array(facts[2_000...])
        let index = try #require((4_999..<batch.count).first { corrupted(batch[$0]) != nil })
        let good = batch[index]
        batch[index] = corrupted(good)!
        do {
            try ledger.append(jsonLines: Array(RandomHistory.jsonLines(batch).utf8), accept: .facts)
            Issue.record("the corrupted batch was accepted")
        } catch let rejected as LocatedRejection {
            #expect(rejected.location == .line(index + 1))
        }
        #expect(try ledger.head() == head)
        #expect(try ledger.store.read { try $0.recordCount() } == 2_000)

        batch[index] = good
        let summary = try ledger.append(jsonLines: Array(RandomHistory.jsonLines(batch).utf8), accept: .facts)
        #expect(summary.appendedCount == 10_000)
        #expect(summary.head.seq == 12_000)
    }

    /// Lines are parsed on a second core and folded on this one: whichever
    /// fails first in file order is the error, a fold's or a parse's, across
    /// the read-ahead's batches; progress is reported in line order up to it.
    @Test(arguments: [(parseAt: 7_001, foldAt: 3_001), (parseAt: 3_001, foldAt: 7_001)])
    func theFirstFailureInFileOrderIsTheError(parseAt: Int, foldAt: Int) throws {
        let facts = RandomHistory.facts(seed: 12, count: 10_000)
        let ledger = try DurableLedger(path: temporaryDatabase())
        try ledger.append(facts: Array(facts.prefix(100)))
        var batch = Array(facts[100...])
        let fold = try #require((foldAt..<batch.count).first { corrupted(batch[$0]) != nil })
        batch[fold] = corrupted(batch[fold])!
        var lines = RandomHistory.jsonLines(batch).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[parseAt - 1] = "{\"type\": \"swap\", \"pool\": "
        var reported: [Int] = []
        do {
            try ledger.append(jsonLines: Array(lines.joined(separator: "\n").utf8), accept: .facts, progressEvery: 1_000) { reported.append($0) }
            Issue.record("the batch was accepted")
        } catch let rejected as LocatedRejection {
            let first = min(parseAt, fold + 1)
            #expect(rejected.location == .line(first))
            #expect((parseAt < fold + 1) == (rejected.rejection.rule.name == "MALFORMED_JSON"), "\(rejected)")
            #expect(reported == Array(stride(from: 1_000, to: first, by: 1_000)))
        }
        #expect(try ledger.store.read { try $0.recordCount() } == 100)
    }

    @Test func idsMakeReimportANoOpAndConflictingContentAnError() throws {
        var facts = RandomHistory.facts(seed: 3, count: 50)
        for index in facts.indices { facts[index].id = "0xtx\(index):0" }
        let ledger = try DurableLedger(path: temporaryDatabase())
        try ledger.append(facts: Array(facts.prefix(30)))
        // An overlapping range: the first 30 are skipped, the rest appended.
        let summary = try ledger.append(facts: Array(facts[10...]))
        #expect(summary.skipped == 20)
        #expect(summary.appendedCount == 20)
        #expect(try ledger.head().seq == 50)
        var other = facts[5]
        other.time = (other.time ?? 0) + 1
        #expect(throws: LocatedRejection.self) { try ledger.append(facts: [other]) }

        // The same id twice within one batch: the repeat is a no-op, not a second fold.
        var more = RandomHistory.facts(seed: 3, count: 60)[50...].map { $0 }
        for index in more.indices { more[index].id = "0xmore\(index)" }
        let repeated = try ledger.append(facts: more + [more[0]])
        #expect(repeated.appendedCount == 10)
        #expect(repeated.skipped == 1)
        _ = try ledger.verify()
    }

    @Test func aStaleExpectedVersionIsAConflict() throws {
        let facts = RandomHistory.facts(seed: 5, count: 20, pools: 1)
        let ledger = try DurableLedger(path: temporaryDatabase())
        try ledger.append(facts: Array(facts.prefix(10)), expectedVersions: ["pool0": 0])
        #expect(throws: StoreError.conflict(stream: "pool0", expected: 5, actual: 10)) {
            try ledger.append(facts: Array(facts[10...]), expectedVersions: ["pool0": 5])
        }
        try ledger.append(facts: Array(facts[10...]), expectedVersions: ["pool0": 10])
    }
}

/// Tampering as an attacker would: triggers dropped, one thing changed; verify
/// finds it and names the sequence number.
@Suite struct TamperTests {
    static let count = 300

    /// A verified ledger of `count` facts with snapshots every 100, and its path.
    func ledger(ids: Bool = true) throws -> (DurableLedger, String) {
        var facts = RandomHistory.facts(seed: 21, count: Self.count)
        if ids { for index in facts.indices where index % 2 == 0 { facts[index].id = "0x\(index):1" } }
        let path = temporaryDatabase()
        let ledger = try DurableLedger(path: path)
        try ledger.setSnapshotInterval(100)
        try ledger.append(facts: facts)
        _ = try ledger.verify()
        return (ledger, path)
    }

    func tamper(_ path: String, _ sql: String, _ arguments: StatementArguments = []) throws {
        let attacker = try DatabaseQueue(path: path)
        try attacker.write { db in
            for trigger in ["record_append_only_update", "record_append_only_delete", "snapshot_append_only_update", "snapshot_append_only_delete"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    func failure(_ ledger: DurableLedger) -> VerificationFailure? {
        do {
            _ = try ledger.verify()
            return nil
        } catch let failure as VerificationFailure {
            return failure
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test(arguments: [
        "stream = stream || 'x'",
        "version = version + 100000",
        "type = type || 'x'",
        "external_id = 'forged'",
        "time = coalesce(time, 0) + 1",
        "payload = CAST(replace(CAST(payload AS TEXT), 'pool', 'poox') AS BLOB)",
        "payload = x'7b7d'",
        "hash = randomblob(32)",
        "seq = seq + 1000000",
    ])
    func alteringAnyColumnOfAnyRecordIsFound(_ change: String) throws {
        for seq in [1, 2, 150, Self.count] {
            let (ledger, path) = try ledger()
            try tamper(path, "UPDATE record SET \(change) WHERE seq = ?", [seq])
            let found = failure(ledger)
            #expect(found?.seq == UInt64(seq), "\(change) at \(seq): \(String(describing: found))")
        }
    }

    @Test func aDeletedRecordIsFound() throws {
        for seq in [1, 77, Self.count] {
            let (ledger, path) = try ledger()
            try tamper(path, "DELETE FROM record WHERE seq = ?", [seq])
            #expect(failure(ledger)?.seq == UInt64(seq))
        }
    }

    @Test func reorderedRecordsAreFound() throws {
        let (ledger, path) = try ledger()
        try tamper(path, "UPDATE record SET seq = -1 WHERE seq = 40; UPDATE record SET seq = 40 WHERE seq = 41; UPDATE record SET seq = 41 WHERE seq = -1")
        #expect(failure(ledger)?.seq == 40)
    }

    @Test(arguments: [
        "state = replace(state, '\"reserve0\":\"1', '\"reserve0\":\"2')",
        "hash = randomblob(32)",
        "seq = seq + 1",
    ])
    func alteringASnapshotIsFound(_ change: String) throws {
        let (ledger, path) = try ledger()
        try tamper(path, "UPDATE snapshot SET \(change) WHERE seq = 200")
        let found = failure(ledger)
        #expect(found?.seq == (change.hasPrefix("seq") ? 201 : 200), "\(String(describing: found))")
        #expect(found?.rule == "SNAPSHOT")
    }

    /// An attacker who also recomputes the snapshot's hash is caught by the replay.
    @Test func aSnapshotRewrittenWithAValidHashIsFound() throws {
        let (ledger, path) = try ledger()
        let snapshot = try #require(try ledger.store.read { try $0.snapshot(at: 100) })
        var state = String(decoding: snapshot.state, as: UTF8.self)
        state = state.replacingOccurrences(of: "\"lp0\":\"", with: "\"lp0\":\"1")
        let recordHash = try #require(try ledger.store.read { try $0.recordHash(at: 100) })
        let hash = RecordHash.snapshotHash(seq: 100, recordHash: recordHash, state: Array(state.utf8))
        try tamper(path, "UPDATE snapshot SET state = ?, hash = ? WHERE seq = 100", [Data(state.utf8), Data(hash)])
        let found = failure(ledger)
        #expect(found?.seq == 100)
        #expect(found?.detail.contains("differs") == true)
    }

    /// A concentrated pool with two positions and two swaps (five facts), snapshots every `snapshotInterval`.
    func concentratedLedger(snapshotInterval: UInt64) throws -> (DurableLedger, String) {
        let path = temporaryDatabase()
        let ledger = try DurableLedger(path: path)
        try ledger.setSnapshotInterval(snapshotInterval)
        let e18 = UInt256(1_000_000_000_000_000_000 as UInt64)
        let commands: [CommandBody] = [
            .createPool(PoolCreated(pool: "v3", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)),
            .mintPosition(MintPosition(pool: "v3", owner: "o", tickLower: -600, tickUpper: 600, liquidity: e18)),
            .swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "A", amountIn: e18 / 50)),
            .mintPosition(MintPosition(pool: "v3", owner: "p", tickLower: -1200, tickUpper: 120, liquidity: 2 * e18)),
            .swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: "B", amountIn: e18 / 10)),
        ]
        _ = try ledger.execute(commands.map { Command($0) })
        return (ledger, path)
    }

    /// A concentrated pool's snapshot stores its laws' running accounts; one
    /// rewritten (with a valid hash) is caught by `verify` and by a replay
    /// from the snapshot, naming the snapshot's seq and the account.
    @Test(arguments: ["owed0", "fee_basis1", "token0_ending_above_x32", "active_liquidity"])
    func aTamperedRunningAccountInASnapshotIsFound(_ account: String) throws {
        let (ledger, path) = try concentratedLedger(snapshotInterval: 4)
        _ = try ledger.verify()
        let snapshot = try #require(try ledger.store.read { try $0.snapshot(at: 4) })
        var state = String(decoding: snapshot.state, as: UTF8.self)
        #expect(state.contains("\"law_accounts\""))
        let pattern = "\"\(account)\":\""
        #expect(state.contains(pattern))
        state = state.replacingOccurrences(of: pattern, with: pattern + "1")
        let recordHash = try #require(try ledger.store.read { try $0.recordHash(at: 4) })
        let hash = RecordHash.snapshotHash(seq: 4, recordHash: recordHash, state: Array(state.utf8))
        try tamper(path, "UPDATE snapshot SET state = ?, hash = ? WHERE seq = 4", [Data(state.utf8), Data(hash)])
        let found = failure(ledger)
        #expect(found?.seq == 4, "\(String(describing: found))")
        #expect(found?.rule == "INVARIANT_RUNNING_SUM", "\(String(describing: found))")
        let named = account.replacingOccurrences(of: "_x32", with: "").replacingOccurrences(of: "_", with: " ")
        #expect(found?.detail.contains(named) == true, "\(String(describing: found))")
        #expect(throws: VerificationFailure.self) { _ = try ledger.replay(fromSnapshot: true) }
    }

    /// A concentrated pool's snapshot as the previous release wrote it (no
    /// law_accounts) still verifies and replays: the accounts are rebuilt from
    /// the positions and checked against every fact after it.
    @Test func aSnapshotWithoutLawAccountsStillVerifies() throws {
        let (ledger, path) = try concentratedLedger(snapshotInterval: 3)
        // Rewrite the snapshot at 3 in the earlier form, with its hash.
        let state = try LedgerSnapshot.encode(LedgerSnapshot.decode(#require(try ledger.store.read { try $0.snapshot(at: 3) }).state), lawAccounts: false)
        #expect(!String(decoding: state, as: UTF8.self).contains("law_accounts"))
        let recordHash = try #require(try ledger.store.read { try $0.recordHash(at: 3) })
        try tamper(path, "UPDATE snapshot SET state = ?, hash = ? WHERE seq = 3",
                   [Data(state), Data(RecordHash.snapshotHash(seq: 3, recordHash: recordHash, state: state))])
        let verified = try ledger.verify()
        #expect(verified.snapshotsChecked == 1)
        let fromSnapshot = try ledger.replay(fromSnapshot: true)
        #expect(fromSnapshot.startedAt == 3)
        #expect(fromSnapshot.ledger == verified.ledger)
    }
}
