import LedgerStore
import PoolLedger

/// The first thing wrong with a stored log, at its sequence number.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var seq: UInt64
    public var rule: String
    public var detail: String
    public var description: String { "seq \(seq): \(rule): \(detail)" }
}

/// What a replay or a verification folded: how many facts, from which snapshot, the head, and the state reached.
public struct ReplayReport: Sendable {
    /// Facts folded (the tail only, when replaying from a snapshot).
    public var events: UInt64
    /// The snapshot the replay started from, if any.
    public var startedAt: UInt64?
    public var snapshotsChecked: Int
    public var head: Head
    public var ledger: Ledger
}

extension DurableLedger {
    /// Refolds the log checking every hash link, every fact (evolve and every
    /// invariant), every stored snapshot (its hash and that it equals the
    /// replayed state at its position) and the head. From scratch, or from the
    /// latest snapshot (whose hash is checked) plus the tail.
    public func replay(fromSnapshot: Bool = false, progressEvery: UInt64 = 0, progress: (UInt64) -> Void = { _ in }) throws -> ReplayReport {
        try store.read { tx in
            var ledger = Ledger()
            var chain = ChainVerifier()
            var startedAt: UInt64?
            if fromSnapshot, let snapshot = try tx.latestSnapshot() {
                try Self.checkSnapshot(snapshot, tx: tx)
                do throws(Rejection) { ledger = try LedgerSnapshot.decode(snapshot.state) } catch {
                    throw VerificationFailure(seq: snapshot.seq, rule: error.rule == .invariant(.runningSum) ? error.rule.name : "SNAPSHOT", detail: "cannot be read: \(error)")
                }
                chain = ChainVerifier(
                    after: Head(seq: snapshot.seq, hash: try tx.recordHash(at: snapshot.seq)!),
                    versions: try tx.streamVersions(through: snapshot.seq))
                startedAt = snapshot.seq
            }
            // Ids are unique by the store's index and covered by the chain: not held in memory.
            ledger.tracksIDs = false
            var pendingSnapshots = try tx.snapshotPositions().filter { $0 > ledger.seq }[...]
            var checked = startedAt == nil ? 0 : 1
            var events: UInt64 = 0
            try tx.forEachRecord(from: ledger.seq + 1) { record in
                do throws(ChainVerifier.Break) { try chain.check(record) } catch { throw VerificationFailure(seq: error.seq, rule: "CHAIN", detail: error.reason) }
                let fact: Fact
                do throws(LocatedRejection) { fact = try Self.decode(record) } catch {
                    throw VerificationFailure(seq: record.seq, rule: error.rejection.rule.name, detail: error.rejection.detail)
                }
                guard fact.pool == record.stream, fact.body.typeName == record.type, fact.id == record.externalID,
                      fact.time.map({ Int64(clamping: $0) }) == record.time else {
                    throw VerificationFailure(seq: record.seq, rule: "RECORD", detail: "the record's columns do not match its fact")
                }
                do {
                    try ledger.fold(fact)
                } catch let rejection as Rejection {
                    throw VerificationFailure(seq: record.seq, rule: rejection.rule.name, detail: rejection.detail)
                }
                events += 1
                if progressEvery > 0 && events % progressEvery == 0 { progress(events) }
                if pendingSnapshots.first == record.seq {
                    pendingSnapshots.removeFirst()
                    let snapshot = try tx.snapshot(at: record.seq)!
                    try Self.checkSnapshot(snapshot, tx: tx)
                    try Self.checkRunningSums(ledger, at: record.seq)
                    // A snapshot of an earlier release stores no law accounts.
                    guard snapshot.state == LedgerSnapshot.encode(ledger) || snapshot.state == LedgerSnapshot.encode(ledger, lawAccounts: false) else {
                        // Law accounts that differ from their recomputation are named as such.
                        do throws(Rejection) { _ = try LedgerSnapshot.decode(snapshot.state) } catch where error.rule == .invariant(.runningSum) {
                            throw VerificationFailure(seq: record.seq, rule: error.rule.name, detail: "the stored snapshot: \(error.detail)")
                        } catch {}
                        throw VerificationFailure(seq: record.seq, rule: "SNAPSHOT", detail: "the stored state differs from the state replayed to this position")
                    }
                    checked += 1
                }
                return true
            }
            let head = try tx.head()
            try Self.checkRunningSums(ledger, at: ledger.seq)
            do throws(ChainVerifier.Break) { try chain.finish(storedHead: head) } catch { throw VerificationFailure(seq: error.seq, rule: "CHAIN", detail: error.reason) }
            if let orphan = pendingSnapshots.first {
                throw VerificationFailure(seq: orphan, rule: "SNAPSHOT", detail: "a snapshot stands at a position the log does not reach")
            }
            return ReplayReport(events: events, startedAt: startedAt, snapshotsChecked: checked, head: head, ledger: ledger)
        }
    }

    /// `verify`: a full replay from scratch; throws the first failure.
    public func verify(progressEvery: UInt64 = 0, progress: (UInt64) -> Void = { _ in }) throws -> ReplayReport {
        try replay(fromSnapshot: false, progressEvery: progressEvery, progress: progress)
    }

    /// The laws' running accounts, recomputed in full from the replayed state at `seq`.
    static func checkRunningSums(_ ledger: Ledger, at seq: UInt64) throws {
        do throws(Rejection) {
            try ledger.checkRunningSums()
        } catch {
            throw VerificationFailure(seq: seq, rule: error.rule.name, detail: error.detail)
        }
    }

    static func checkSnapshot(_ snapshot: StoredSnapshot, tx: StoreTransaction) throws {
        guard let recordHash = try tx.recordHash(at: snapshot.seq) else {
            throw VerificationFailure(seq: snapshot.seq, rule: "SNAPSHOT", detail: "no record at the snapshot's position")
        }
        guard RecordHash.snapshotHash(seq: snapshot.seq, recordHash: recordHash, state: snapshot.state) == snapshot.hash else {
            throw VerificationFailure(seq: snapshot.seq, rule: "SNAPSHOT", detail: "the stored hash does not match the snapshot's position and state")
        }
    }
}
