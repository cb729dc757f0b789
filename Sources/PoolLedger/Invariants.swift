import PoolMath

/// Laws that hold after every fact, checked independently of how `evolve`
/// computed the new state: each is a different computation from the rule it
/// guards, so a bug in one shows up in the other. The one dispatcher; each
/// model's laws are in `Models/<Model>/<Model>Laws.swift`.
public enum Invariants {
    /// Checks every law for `fact`, which moved the pool from `before` to `after`
    /// (`before` is nil for the fact that created the pool).
    public static func check(before: PoolState?, after pool: PoolState, fact: Fact) throws(Rejection) {
        switch pool.body {
        case .constantProduct(let pair):
            let old: ConstantProductPool?
            if case .constantProduct(let previous)? = before?.body { old = previous } else { old = nil }
            try pair.checkLaws(before: old, fact: fact)
        case .concentrated(let v3):
            try v3.checkLaws()
        }
    }

    /// The laws a pool's state must satisfy on its own, with no fact to
    /// compare across: what a restored snapshot is checked against (its
    /// stored running accounts against their recomputation too).
    public static func checkState(_ pool: PoolState) throws(Rejection) {
        switch pool.body {
        case .constantProduct(let pair): try pair.checkShareSum()
        case .concentrated(let v3):
            try v3.checkRunningSums()
            try v3.checkLaws()
        }
    }

    /// The laws' running accounts against their full recomputation (what a
    /// snapshot, `verify` and `replay` check; O(size of the pool)).
    public static func checkRunningSums(_ pool: PoolState) throws(Rejection) {
        switch pool.body {
        case .constantProduct: break  // its laws keep no running account
        case .concentrated(let v3): try v3.checkRunningSums()
        }
    }
}
