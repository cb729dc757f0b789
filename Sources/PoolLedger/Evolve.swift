import PoolMath

/// `evolve(state, fact) -> state`: folds one fact into a pool, re-checking it
/// against the rules; a fact is never trusted.
///
/// The one dispatcher: `pool_created` opens a pool of any model, the header's
/// rule (times never decrease) is checked here, and every other fact goes to
/// its pool's model (`Models/<Model>/<Model>Evolve.swift`). A fact the model
/// does not take is refused here, once, as `UNSUPPORTED_MODEL`. A rejected
/// fact leaves the state exactly as it was.
public enum Evolve {
    /// The pure form: the state after `fact`, or the rule it broke.
    public static func evolve(_ state: PoolState?, _ fact: Fact) throws(Rejection) -> PoolState {
        var next = state
        try apply(fact, to: &next)
        // apply either creates the pool or throws for an unknown one.
        return next!
    }

    /// In place; on a rejection `pool` is left unchanged.
    public static func apply(_ fact: Fact, to pool: inout PoolState?) throws(Rejection) {
        if case .poolCreated(let created) = fact.body {
            guard pool == nil else { throw Rejection(.poolExists, "pool \(quoted(created.pool)) already exists") }
            guard created.token0 != created.token1 else {
                throw Rejection(.identicalTokens, "token0 and token1 are both \(quoted(created.token0))")
            }
            var state = try PoolState(created: created)
            state.header.timeLast = fact.time
            pool = state
            return
        }
        guard pool != nil else { throw Rejection(.unknownPool, "no pool \(quoted(fact.pool)) was created before this fact") }
        try apply(fact, toExisting: &pool!)
    }

    static func apply(_ fact: Fact, toExisting pool: inout PoolState) throws(Rejection) {
        try checkTime(fact.time, pool.header)
        // The model folds into its own copy of the body, kept only if the fact is accepted.
        var header = pool.header
        let taken: Bool
        switch pool.body {
        case .constantProduct(var pair):
            taken = try pair.apply(fact, header: &header)
            if taken { pool.body = .constantProduct(pair) }
        case .concentrated(var v3):
            taken = try v3.applyJournaled(fact) != nil
            if taken { pool.body = .concentrated(v3) }
        }
        guard taken else { throw unsupported(fact, pool) }
        if let time = fact.time { header.timeLast = time }
        pool.header = header
    }

    static func checkTime(_ time: UInt64?, _ header: PoolHeader) throws(Rejection) {
        if let time, let last = header.timeLast, time < last {
            throw Rejection(.timeDecreased, "time \(time) is before the pool's last time \(last)")
        }
    }

    /// The one refusal of a fact that the pool's model does not take.
    static func unsupported(_ fact: Fact, _ pool: PoolState) -> Rejection {
        Rejection(.unsupportedModel, "pool \(quoted(pool.pool)) is \(pool.model.displayName): it takes no \(fact.body.typeName)")
    }
}

func quoted(_ text: String) -> String { "\"\(text)\"" }
