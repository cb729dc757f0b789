import PoolMath

/// The facts of a constant-product pool, each folded by the pair function it
/// records; the one dispatcher (`Evolve`) sends them here.
extension ConstantProductPool {
    /// Folds `fact` into the pair (and its header: `fee_to_set` changes the
    /// recipient). Returns false for a fact this model does not take; the
    /// dispatcher refuses it. On a rejection the pair may be part-way changed:
    /// the dispatcher folds into a copy and keeps it only on success.
    mutating func apply(_ fact: Fact, header: inout PoolHeader) throws(Rejection) -> Bool {
        switch fact.body {
        case .liquidityAdded(let deposit):
            try mint(deposit, time: fact.time, feeTo: header.feeTo)
        case .liquidityRemoved(let withdrawal):
            try burn(withdrawal, time: fact.time, feeTo: header.feeTo)
        case .swap(let swap):
            try Self.refuseConcentratedFields(swap)
            try self.swap(swap, time: fact.time, feePPM: header.feePPM)
        case .sharesTransferred(let transfer):
            try self.transfer(transfer)
        case .feeToSet(let change):
            header.feeTo = change.feeTo
        case .reservesSynced(let sync):
            try self.sync(sync, time: fact.time)
        default:
            return false
        }
        return true
    }

    /// A swap fact's optional after-fields and limit are a concentrated pool's
    /// (what a V3 Swap log records); a pair has no price limit or ticks.
    static func refuseConcentratedFields(_ swap: Swap) throws(Rejection) {
        guard !swap.hasConcentratedFields else {
            throw Rejection(.invalidField, "sqrt_price_x96_after, tick_after, liquidity_after and sqrt_price_limit_x96 belong to swaps of concentrated pools; pool \(quoted(swap.pool)) is constant product")
        }
    }
}
