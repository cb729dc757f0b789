import PoolMath

/// Many pools and the facts folded into them, in memory: the fold that every
/// path (a file, a store, a snapshot plus its tail) runs through.
///
/// Folding order is the facts' order; nothing depends on dictionary order.
public struct Ledger: Sendable, Equatable {
    public private(set) var pools: [String: PoolState] = [:]
    /// Sequence number of the last fact folded in (facts are numbered from 1).
    public private(set) var seq: UInt64 = 0
    /// Facts that carried an `id`, by id: the same id again with the same
    /// content is a no-op, with other content a rejection.
    private var factsByID: [String: Fact] = [:]
    /// Whether folded facts' ids are remembered for the no-op/DUPLICATE_ID rule.
    /// A store that enforces unique ids itself folds its log without them, so
    /// a long replay does not hold every id in memory; setting it again starts
    /// remembering from that point.
    public var tracksIDs = true {
        didSet { if !tracksIDs { factsByID.removeAll() } }
    }

    /// An empty ledger: no pools, seq 0.
    public init() {}

    /// A ledger restored from a snapshot: these pools, `seq` facts folded so far.
    public init(pools: [PoolState], seq: UInt64) throws(Rejection) {
        for pool in pools {
            guard self.pools[pool.pool] == nil else { throw Rejection(.poolExists, "pool \(quoted(pool.pool)) appears twice in the snapshot") }
            guard pool.seq <= seq else { throw Rejection(.invalidField, "pool \(quoted(pool.pool)) is at seq \(pool.seq), after the snapshot's seq \(seq)") }
            try Invariants.checkState(pool)
            self.pools[pool.pool] = pool
        }
        self.seq = seq
    }

    /// Every pool's running law accounts against their full recomputation; the
    /// first that differs names its pool.
    public func checkRunningSums() throws(Rejection) {
        for id in poolIDs {
            do {
                try Invariants.checkRunningSums(pools[id]!)
            } catch {
                throw Rejection(error.rule, "pool \(quoted(id)): \(error.detail)")
            }
        }
    }

    /// The pools' ids in canonical order (by UTF-8 bytes).
    public var poolIDs: [String] { pools.keys.sorted(by: utf8Less) }

    public subscript(pool: String) -> PoolState? { pools[pool] }

    /// `body` with a pool's state read in place, nil when there is no such pool.
    /// Mutating only to reach the state through the dictionary's in-place
    /// accessor: its getter would copy the whole state (the size of the
    /// largest model's, some 700 bytes, with a retain of every table) per call.
    public mutating func withPool<T, E: Error>(_ pool: String, _ body: (PoolState) throws(E) -> T) throws(E) -> T? {
        guard let index = pools.index(forKey: pool) else { return nil }
        func read(_ state: inout PoolState) throws(E) -> T { try body(state) }
        return try read(&pools.values[index])
    }

    /// Whether a pool exists (no copy of its state).
    public func hasPool(_ pool: String) -> Bool { pools.index(forKey: pool) != nil }

    /// Folds one fact: evolve, then every invariant. Returns false when the
    /// fact's id is already in the ledger with identical content (a no-op).
    /// On a rejection the ledger is unchanged.
    @discardableResult
    public mutating func fold(_ fact: Fact) throws(Rejection) -> Bool {
        if let id = fact.id, let known = factsByID[id] {
            guard known == fact else {
                throw Rejection(.duplicateID, "id \(quoted(id)) is already in the ledger with other content")
            }
            return false
        }
        if case .swap(let swap) = fact.body {
            try foldSwap(swap, fact)
        } else {
            try foldOther(fact)
        }
        if tracksIDs, let id = fact.id { factsByID[id] = fact }
        return true
    }

    /// The hot path: a constant-product pool's swap. It changes only the
    /// reserves, the price accumulators and the times (never the share table),
    /// so it is folded in place and the laws that concern it are checked
    /// (reserves within uint112, k not lower); should one fail, the scalars it
    /// touched are put back. Every other model's swap takes the general step.
    mutating func foldSwap(_ swap: Swap, _ fact: Fact) throws(Rejection) {
        guard let index = pools.index(forKey: swap.pool) else {
            throw Rejection(.unknownPool, "no pool \(quoted(swap.pool)) was created before this fact")
        }
        let next = seq + 1
        if try Self.foldPairSwap(swap, time: fact.time, seq: next, into: &pools.values[index]) {
            seq = next
        } else {
            try foldOther(fact, index: index)
        }
    }

    /// Folds a constant-product pool's swap in place; false (and nothing done) for another model.
    static func foldPairSwap(_ swap: Swap, time: UInt64?, seq: UInt64, into pool: inout PoolState) throws(Rejection) -> Bool {
        // The header's rule, whatever the model (another model's step checks it again).
        try Evolve.checkTime(time, pool.header)
        let feePPM = pool.header.feePPM
        let folded = try pool.body.updatePair { (pair: inout ConstantProductPool) throws(Rejection) in
            try ConstantProductPool.refuseConcentratedFields(swap)
            let saved = (pair.reserve0, pair.reserve1, pair.price0Cumulative, pair.price1Cumulative, pair.blockTimestampLast)
            try pair.swap(swap, time: time, feePPM: feePPM)
            do throws(Rejection) {
                try pair.checkSwap(reserve0Before: saved.0, reserve1Before: saved.1)
            } catch {
                (pair.reserve0, pair.reserve1, pair.price0Cumulative, pair.price1Cumulative, pair.blockTimestampLast) = saved
                throw error
            }
        }
        guard folded else { return false }
        if let time { pool.header.timeLast = time }
        pool.header.seq = seq
        return true
    }

    /// `index`: the pool's, when the caller has found it already (a lookup hashes the pool's id).
    mutating func foldOther(_ fact: Fact, index known: [String: PoolState].Index? = nil) throws(Rejection) {
        if let index = known ?? pools.index(forKey: fact.pool) {
            let next = seq + 1
            if try Self.foldConcentrated(fact, seq: next, into: &pools.values[index]) {
                seq = next
                return
            }
        }
        let next = try Self.folded(fact, into: pools[fact.pool], seq: seq + 1)
        seq += 1
        pools[fact.pool] = next
    }

    /// A concentrated pool's fact, folded in place: the pool's rules, then its
    /// laws; a refusal by either puts back what the fact changed (the pool's
    /// journal), so a fact costs what it touches rather than a copy of the
    /// pool's tick and position tables. False (nothing done) for another model
    /// and for `pool_created`, which the general step refuses.
    static func foldConcentrated(_ fact: Fact, seq: UInt64, into pool: inout PoolState) throws(Rejection) -> Bool {
        var trace: ConcentratedPool.SwapTrace? = nil
        return try foldConcentrated(fact, seq: seq, into: &pool, trace: &trace)
    }

    /// `trace`: for a swap, which run reproduced it (and its steps, when asked).
    static func foldConcentrated(_ fact: Fact, seq: UInt64, into pool: inout PoolState, trace: inout ConcentratedPool.SwapTrace?) throws(Rejection) -> Bool {
        if case .poolCreated = fact.body { return false }
        // The header's rule, whatever the model (another model's step checks it again).
        try Evolve.checkTime(fact.time, pool.header)
        var taken = false
        let concentrated = try pool.body.updateConcentrated { (v3: inout ConcentratedPool) throws(Rejection) in
            guard let journal = try v3.applyJournaled(fact, trace: &trace) else { return }
            do throws(Rejection) {
                try v3.checkLaws()
            } catch {
                v3.rollBack(journal)
                throw error
            }
            taken = true
        }
        guard concentrated else { return false }
        guard taken else { throw Evolve.unsupported(fact, pool) }
        if let time = fact.time { pool.header.timeLast = time }
        pool.header.seq = seq
        return true
    }

    /// A swap decided against a concentrated pool and made in place (see
    /// `ConcentratedPool.swapInPlace`), the laws checked after it as after any
    /// fact; on a rejection the pool is as it was. Returns the swap's fact.
    static func swapConcentrated(_ pool: inout PoolState, id: String?, time: UInt64?, block: UInt64?, seq: UInt64,
                                 trader: String, zeroForOne: Bool, specified: SignedAmount, limit: UInt256?) throws(Rejection) -> Fact? {
        try Evolve.checkTime(time, pool.header)
        let poolID = pool.pool
        var swap: Swap?
        _ = try pool.body.updateConcentrated { (v3: inout ConcentratedPool) throws(Rejection) in
            let (fact, journal) = try v3.swapInPlace(pool: poolID, trader: trader, zeroForOne: zeroForOne, specified: specified, limit: limit)
            do throws(Rejection) {
                try v3.checkLaws()
            } catch {
                v3.rollBack(journal)
                throw error
            }
            swap = fact
        }
        guard let swap else { return nil }
        if let time { pool.header.timeLast = time }
        pool.header.seq = seq
        return Fact(.swap(swap), id: id, time: time, block: block)
    }

    /// One fact folded into its pool with every law checked, numbered `seq`:
    /// the step every fold (the ledger's, the audit's) takes. The state passed
    /// in is a working copy, so a rejection leaves the caller's unchanged.
    /// (Copy-on-write: only a fact that changes shares copies the share table.)
    public static func folded(_ fact: Fact, into pool: PoolState?, seq: UInt64) throws(Rejection) -> PoolState {
        var next = pool
        try Evolve.apply(fact, to: &next)
        try Invariants.check(before: pool, after: next!, fact: fact)
        next!.header.seq = seq
        return next!
    }

    /// Decides a command against the current state and folds its facts.
    /// Returns the facts appended (none when the command's id was already used:
    /// a command id is an idempotency key, so a retried command is a no-op).
    @discardableResult
    public mutating func execute(_ command: Command) throws(Rejection) -> [Fact] {
        if let id = command.id, factsByID[id] != nil { return [] }
        let facts = try Decide.decide(command, pools[command.pool])
        // One fact (every command today) folds atomically on its own; only a
        // command deciding several facts needs a working copy of the ledger.
        if facts.count == 1 {
            try fold(facts[0])
            return facts
        }
        var trial = self
        for fact in facts { try trial.fold(fact) }
        self = trial
        return facts
    }
}

/// Byte-wise order of UTF-8 encodings: the same on every machine and locale,
/// unlike `String`'s Unicode-aware `<`.
public func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
