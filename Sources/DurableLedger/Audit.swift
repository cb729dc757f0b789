import LedgerStore
import PoolLedger

extension DurableLedger {
    /// The number of facts of `pool` in the log, through `seq` when given (0 for an unknown pool).
    public func factCount(pool: String, through seq: UInt64? = nil) throws -> UInt64 {
        try store.read { tx in
            guard let seq else { return try tx.version(of: pool) }
            return try tx.version(of: pool, atOrBefore: seq)
        }
    }

    /// Calls `body` with every stored fact and its sequence number, in order
    /// (one pool's when given, through `seq` when given); streams, never loads the log whole.
    public func forEachFact(pool: String? = nil, through seq: UInt64? = nil, _ body: (UInt64, Fact) throws -> Void) throws {
        try store.read { tx in
            try tx.forEachRecord(through: seq, stream: pool) { record in
                try body(record.seq, try Self.decode(record))
                return true
            }
        }
    }

    /// One pool's facts through `seq` (the head when nil), folded from its
    /// creation with every check, with the position book beside the state.
    /// A position needs every deposit since the start, so this reads the
    /// pool's whole stream rather than starting from a snapshot.
    /// `afterEach` sees the fold after every fact (for sampling a timeline);
    /// `keepsHistory: false` lists no position entries (`AuditFold`).
    public func auditFold(
        pool: String, through seq: UInt64? = nil, keepsHistory: Bool = true,
        afterEach: ((AuditFold, Fact) throws -> Void)? = nil
    ) throws -> AuditFold {
        var fold = AuditFold(pool: pool, keepsHistory: keepsHistory)
        try forEachFact(pool: pool, through: seq) { seq, fact in
            do throws(Rejection) {
                try fold.fold(fact, seq: seq)
            } catch {
                throw LocatedRejection(.seq(seq), error)
            }
            try afterEach?(fold, fact)
        }
        return fold
    }
}
