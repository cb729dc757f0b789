import LedgerStore
import PoolLedger
import PoolMath

/// The ledger on a durable, append-only, hash-chained log (SQLite).
///
/// Every write is one atomic batch: inside one IMMEDIATE transaction the
/// current state is loaded (latest snapshot + tail), each fact or command is
/// folded with every check, and only if all of it passes are the facts (and
/// any snapshots due) appended. A rejected line leaves the database as it was.
public final class DurableLedger: Sendable {
    /// The raw record log. Package-internal: only the ledger appends, and only what its fold checked.
    package let store: EventStore
    public static let defaultSnapshotInterval: UInt64 = 10_000
    static let snapshotIntervalKey = "snapshot_interval"

    /// Opens (or creates) the ledger database at `path`, migrating its schema if it is older.
    public init(path: String) throws(StoreError) {
        store = try EventStore(path: path)
    }

    /// What a JSON Lines batch may hold.
    public enum InputKind: Sendable {
        /// `import`: facts only.
        case facts
        /// `run`: commands only.
        case commands
    }

    /// A fact with the sequence number the log gave it.
    public struct AppendedFact: Sendable, Equatable {
        public var seq: UInt64
        public var fact: Fact
    }

    /// What one atomic batch did: the facts appended (and, with ids, skipped as already there), the snapshots taken, the new head.
    public struct AppendSummary: Sendable {
        /// Facts appended, in order (kept only when asked for).
        public var appended: [AppendedFact] = []
        public var appendedCount = 0
        /// Facts or commands whose id was already in the ledger with identical content.
        public var skipped = 0
        /// Positions of the snapshots taken in this batch.
        public var snapshots: [UInt64] = []
        public var head = Head.genesis
    }

    // MARK: Writing

    /// The snapshot interval in force (default every 10,000 facts).
    public func snapshotInterval() throws -> UInt64 {
        try store.read(Self.snapshotInterval)
    }

    static func snapshotInterval(_ tx: StoreTransaction) throws -> UInt64 {
        try tx.metaValue(snapshotIntervalKey).flatMap(UInt64.init) ?? defaultSnapshotInterval
    }

    /// Sets the automatic snapshot interval (0 turns automatic snapshots off).
    public func setSnapshotInterval(_ interval: UInt64) throws {
        try store.write { tx in try tx.setMetaValue(Self.snapshotIntervalKey, String(interval)) }
    }

    /// Appends a JSON Lines file as one atomic batch. Rejections carry the line number.
    @discardableResult
    public func append(
        jsonLines bytes: [UInt8], accept kind: InputKind, expectedVersions: [String: UInt64] = [:],
        keepFacts: Bool = false, progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> AppendSummary {
        try append(lines: JSONLines.Reader(bytes), accept: kind, expectedVersions: expectedVersions,
                   keepFacts: keepFacts, progressEvery: progressEvery, progress: progress)
    }

    /// The same from a line reader (a file streamed in chunks).
    @discardableResult
    public func append(
        lines: JSONLines.Reader, accept kind: InputKind, expectedVersions: [String: UInt64] = [:],
        keepFacts: Bool = false, progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> AppendSummary {
        try batch(expectedVersions: expectedVersions, keepFacts: keepFacts) { writer in
            // Lines read and parsed on a second core (a line that does not parse
            // fails there, after every line before it is folded); folded and stored here.
            try ReadAhead.forEach({ (produce: ((number: Int, entry: ContractCodec.Entry?)) throws -> Void) in
                var reader = lines
                while let (line, number) = try reader.next() {
                    if JSONLines.isBlank(line) {
                        try produce((number, nil))
                        continue
                    }
                    let entry: ContractCodec.Entry
                    do throws(Rejection) { entry = try ContractCodec.decodeLine(line) } catch { throw LocatedRejection(.line(number), error) }
                    try produce((number, entry))
                }
            }) { item in
                let number = item.number
                defer { if progressEvery > 0 && number % progressEvery == 0 { progress(number) } }
                guard let entry = item.entry else { return }
                let location = LocatedRejection.Location.line(number)
                switch (entry, kind) {
                case (.fact(let fact), .facts):
                    try writer.fold(fact, at: location)
                case (.command(let command), .commands):
                    try writer.execute(command, at: location)
                case (.command, .facts):
                    throw LocatedRejection(location, Rejection(.invalidField, "import takes facts (lines with \"type\"); this line is a command: use run"))
                case (.fact, .commands):
                    throw LocatedRejection(location, Rejection(.invalidField, "run takes commands (lines with \"cmd\"); this line is a fact: use import"))
                }
            }
        }
    }

    /// Appends facts as one atomic batch (rejections name the fact's index from 1 as its line).
    @discardableResult
    public func append(facts: [Fact], expectedVersions: [String: UInt64] = [:]) throws -> AppendSummary {
        try batch(expectedVersions: expectedVersions, keepFacts: true) { writer in
            for (index, fact) in facts.enumerated() { try writer.fold(fact, at: .line(index + 1)) }
        }
    }

    /// Decides and appends commands as one atomic batch.
    @discardableResult
    public func execute(_ commands: [Command], expectedVersions: [String: UInt64] = [:]) throws -> AppendSummary {
        try batch(expectedVersions: expectedVersions, keepFacts: true) { writer in
            for (index, command) in commands.enumerated() { try writer.execute(command, at: .line(index + 1)) }
        }
    }

    func batch(
        expectedVersions: [String: UInt64], keepFacts: Bool, _ body: (inout BatchWriter) throws -> Void
    ) throws -> AppendSummary {
        try store.write { tx in
            try tx.expectVersions(expectedVersions)
            let interval = try Self.snapshotInterval(tx)
            var ledger = try Self.load(tx)
            // Within the batch, ids are remembered so a repeated id in the file is caught.
            ledger.tracksIDs = true
            var writer = try BatchWriter(tx: tx, ledger: ledger, interval: interval, keepFacts: keepFacts)
            // The store thread is joined before the transaction ends, either way.
            defer { writer.store.stop() }
            do {
                try body(&writer)
                writer.summary.head = try writer.finish()
            } catch {
                // A record the store thread refused came before the fact that failed here:
                // it stores what it was handed (or fails on it) before the batch's error is chosen.
                var storeFailure: (any Error)?
                do { _ = try writer.store.drain() } catch let failure { storeFailure = failure }
                writer.store.stop()
                throw storeFailure ?? error
            }
            return writer.summary
        }
    }

    // MARK: Reading

    /// The ledger after the fact at `seq` (the head when nil): the nearest
    /// snapshot at or before it plus the facts after it.
    public func ledger(at seq: UInt64? = nil) throws -> Ledger {
        try store.read { tx in try Self.load(tx, through: seq) }
    }

    /// The last position whose fact has a time at or before `time` (nil: none).
    public func seq(atTime time: UInt64) throws -> UInt64? {
        try store.read { tx in try tx.lastSeq(atOrBeforeTime: Int64(clamping: time)) }
    }

    /// The last record: its sequence number and chain hash (record it elsewhere to detect a rewritten log).
    public func head() throws -> Head { try store.head() }

    static func load(_ tx: StoreTransaction, through seq: UInt64? = nil) throws -> Ledger {
        let head = try tx.head()
        let target = min(seq ?? head.seq, head.seq)
        var ledger = Ledger()
        if let snapshot = try tx.latestSnapshot(atOrBefore: target) {
            do throws(Rejection) { ledger = try LedgerSnapshot.decode(snapshot.state) } catch { throw LocatedRejection(.seq(snapshot.seq), error) }
        }
        // The store keeps ids unique; the batch writer checks new ids against it.
        ledger.tracksIDs = false
        guard ledger.seq < target else { return ledger }
        try tx.forEachPayload(from: ledger.seq + 1, through: target) { seq, payload in
            do throws(Rejection) {
                try ledger.fold(try BinaryCodec.decode(payload))
            } catch {
                throw LocatedRejection(.seq(seq), error)
            }
        }
        return ledger
    }

    /// A stored record back as a fact (the payload is its `BinaryCodec` form).
    static func decode(_ record: StoredRecord) throws(LocatedRejection) -> Fact {
        do throws(Rejection) {
            return try BinaryCodec.decode(record.payload)
        } catch {
            throw LocatedRejection(.seq(record.seq), error)
        }
    }

    /// The stored record for a fact: its canonical binary form plus the indexed columns.
    static func record(for fact: Fact) -> NewRecord {
        NewRecord(
            stream: fact.pool, type: fact.body.typeName, externalID: fact.id,
            time: fact.time.map { Int64(clamping: $0) }, payload: BinaryCodec.encode(fact))
    }

    // MARK: Export and log

    /// Calls `body` with every stored fact in order (one pool's, when given),
    /// as its contract JSON line; streams, never loads the log whole.
    public func forEachFactLine(pool: String? = nil, _ body: (String) throws -> Void) throws {
        try forEachFact(pool: pool) { _, fact in try body(ContractCodec.line(fact)) }
    }

    /// Stored facts from `seq` on, at most `limit`, one pool's when given.
    public func facts(pool: String? = nil, from seq: UInt64 = 1, limit: Int? = nil) throws -> [(record: StoredRecord, fact: Fact)] {
        try store.read { tx in
            var found: [(StoredRecord, Fact)] = []
            try tx.forEachRecord(from: seq, stream: pool, limit: limit) { record in
                found.append((record, try Self.decode(record)))
                return true
            }
            return found
        }
    }

    // MARK: Snapshots

    /// Takes a snapshot of the state at the head now; returns its position (nil for an empty log).
    @discardableResult
    public func snapshot() throws -> UInt64? {
        try store.write { tx in
            let ledger = try Self.load(tx)
            guard ledger.seq > 0 else { return nil }
            // The running law accounts it stores are checked against their recomputation first.
            try ledger.checkRunningSums()
            try tx.saveSnapshot(seq: ledger.seq, state: LedgerSnapshot.encode(ledger))
            return ledger.seq
        }
    }
}

/// Folds one batch against the loaded state and appends what passed.
struct BatchWriter {
    /// The transaction: used here only when the store thread is done (`database`).
    private let tx: StoreTransaction
    var ledger: Ledger
    let interval: UInt64
    let keepFacts: Bool
    /// Records not yet handed to the store thread, and their stream versions.
    var pending: [NewRecord] = []
    var pendingVersions: [UInt64] = []
    /// Each stream's version as of the last record staged in this batch.
    var versions = StreamVersions()
    let store: StoreThread
    var summary = DurableLedger.AppendSummary()

    init(tx: StoreTransaction, ledger: Ledger, interval: UInt64, keepFacts: Bool) throws {
        self.tx = tx
        self.ledger = ledger
        self.interval = interval
        self.keepFacts = keepFacts
        store = StoreThread(try tx.appender())
    }

    /// The transaction, once the store thread has stored everything handed to
    /// it (the connection is then this thread's alone).
    func database<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try Self.database(store, tx, body)
    }

    static func database<T>(_ store: StoreThread, _ tx: StoreTransaction, _ body: (StoreTransaction) throws -> T) throws -> T {
        _ = try store.drain()
        return try body(tx)
    }

    /// Everything staged stored: the store's head is the ledger's position.
    mutating func stored() throws -> Head {
        try flush()
        let head = try store.drain()
        // The store numbers records after its head; the fold numbered facts after the loaded state.
        guard head.seq == ledger.seq else {
            throw StoreError.database("the log's head moved to \(head.seq) while the ledger is at \(ledger.seq)")
        }
        return head
    }

    /// The stored record with this id, if any.
    func lookUp(externalID: String) throws -> StoredRecord? {
        try database { try $0.record(externalID: externalID) }
    }

    /// Stores what is staged and records the head (when the batch appended anything).
    mutating func finish() throws -> Head {
        let head = try stored()
        if summary.appendedCount > 0 { try tx.setHead(head) }
        return try tx.head()
    }

    /// Folds and stages one fact; false when its id is already in the log with
    /// the same content (a no-op).
    /// `lookUpID: false` when the caller knows the id cannot be in the log yet.
    @discardableResult
    mutating func fold(_ fact: Fact, at location: LocatedRejection.Location, lookUpID: Bool = true) throws -> Bool {
        if lookUpID, let id = fact.id, let stored = try lookUp(externalID: id) {
            guard stored.payload == DurableLedger.record(for: fact).payload else {
                throw LocatedRejection(location, Rejection(.duplicateID, "id \"\(id)\" is already in the ledger at seq \(stored.seq) with other content"))
            }
            summary.skipped += 1
            return false
        }
        let folded: Bool
        do throws(Rejection) { folded = try ledger.fold(fact) } catch { throw LocatedRejection(location, error) }
        guard folded else {
            summary.skipped += 1
            return false
        }
        try appended(fact)
        return true
    }

    /// Folds one V2 pair call of imported logs: skipped when its id is already
    /// in the log (only possible for a pool that existed before the batch),
    /// else decided into facts against the pool, folded, and its Sync checked.
    mutating func fold(_ call: PairCall, pool: String, poolExisted: Bool) throws {
        if poolExisted, try lookUp(externalID: call.log.factID) != nil {
            summary.skipped += 1
            return
        }
        let facts: [Fact]
        do throws(Rejection) { facts = try ledger.withPool(pool) { (state) throws(Rejection) in try call.facts(pool: state) }! } catch {
            throw LocatedRejection(call.log.location, error)
        }
        for fact in facts { try fold(fact, at: call.log.location, lookUpID: poolExisted) }
        try ledger.withPool(pool) { state in try call.checkSync(state) }
    }

    mutating func execute(_ command: Command, at location: LocatedRejection.Location) throws {
        if let id = command.id, try lookUp(externalID: id) != nil {
            summary.skipped += 1
            return
        }
        let facts: [Fact]
        do throws(Rejection) { facts = try ledger.execute(command) } catch { throw LocatedRejection(location, error) }
        if facts.isEmpty { summary.skipped += 1 }
        for fact in facts { try appended(fact) }
    }

    mutating func appended(_ fact: Fact) throws {
        let record = DurableLedger.record(for: fact)
        // (The store and the transaction apart from self, which `versions` is changing.)
        let (store, tx) = (store, tx)
        let version = try versions.next(record.stream) { try Self.database(store, tx) { try $0.version(of: record.stream) } }
        pending.append(record)
        pendingVersions.append(version)
        summary.appendedCount += 1
        if keepFacts { summary.appended.append(.init(seq: ledger.seq, fact: fact)) }
        if interval > 0 && ledger.seq % interval == 0 {
            // A snapshot of the state exactly at this position, stored by the store thread after its record.
            try ledger.checkRunningSums()
            try flush(snapshot: (ledger.seq, LedgerSnapshot.encode(ledger)))
            summary.snapshots.append(ledger.seq)
        } else if pending.count >= 2048 {
            try flush()
        }
    }

    /// Hands the staged records to the store thread, and a snapshot to store after them.
    mutating func flush(snapshot: (seq: UInt64, state: [UInt8])? = nil) throws {
        guard !pending.isEmpty || snapshot != nil else { return }
        try store.submit(pending, versions: pendingVersions, snapshot: snapshot)
        pending.removeAll(keepingCapacity: true)
        pendingVersions.removeAll(keepingCapacity: true)
    }
}
