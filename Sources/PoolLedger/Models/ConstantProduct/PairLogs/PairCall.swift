import PoolMath

/// One call of the pair, put together from its logs: what the pair emits is
///
///     mint:  [Transfer(0 -> fee_to)] [Transfer(0 -> 0, 1000)] Transfer(0 -> provider), Sync, Mint
///     burn:  Transfer(provider -> pair), [Transfer(0 -> fee_to)], Transfer(pair -> 0), Sync, Burn
///     swap:  Sync, Swap
///     sync(): Sync
///
/// and any other LP Transfer moves shares between holders. A deposit's
/// provider is whoever received the LP shares (not the router that sent
/// Mint); a withdrawal's is whoever sent them to the pair.
package struct PairCall: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case mint(provider: String, amount0: UInt256, amount1: UInt256, shares: UInt256, feeShares: UInt256, feeRecipient: String?)
        case burn(provider: String, shares: UInt256, amount0: UInt256, amount1: UInt256, feeShares: UInt256, feeRecipient: String?)
        case swap(trader: String, amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256)
        case sync
        case transfer(from: String, to: String, shares: UInt256)
        case feeTo(String?)
    }

    package var kind: Kind
    /// The log that defines the call (Mint, Burn, Swap, the lone Sync, Transfer).
    package var log: PairLog
    /// The Sync the call emitted: the reserves after it, as the chain saw them.
    package var sync: PairLog?

    package var syncedReserves: (UInt256, UInt256)? {
        guard case .sync(let reserve0, let reserve1)? = sync?.event else { return nil }
        return (reserve0, reserve1)
    }

    /// Groups logs (in block and log-index order, all of one pair) into calls,
    /// one log at a time, so that a long file streams through. Pure: which
    /// facts a call becomes is decided against the pool, by `facts`.
    package struct Grouper: Sendable {
        package let pair: String
        var state = Pending()
        var previous: PairLog?

        package init(pair: String) { self.pair = pair }

        /// The calls `log` completes (none while a call is still open).
        package mutating func add(_ log: PairLog) throws(LocatedRejection) -> [PairCall] {
            var calls: [PairCall] = []
            let location = log.location
            let pair = self.pair
            func fail(_ detail: String) -> LocatedRejection { LocatedRejection(location, Rejection(.logSequence, detail)) }
            guard sameAddress(log.address, pair) else {
                throw LocatedRejection(location, Rejection(.invalidField, "address \(log.address) is not the pair \(pair)"))
            }
            if let previous {
                guard (previous.block, previous.logIndex) < (log.block, log.logIndex) else {
                    throw fail("logs must come in block and log_index order; this one follows block \(previous.block) log_index \(previous.logIndex)")
                }
                if previous.tx != log.tx { try state.endTransaction(into: &calls, previous: previous) }
            }
            previous = log

            switch log.event {
            case .transfer(let from, let to, let value):
                state.flushSync(into: &calls)
                if from == zeroAddress && to == zeroAddress {
                    guard value == ConstantProduct.minimumLiquidity else { throw fail("the first mint locks 1000 shares, not \(value)") }
                } else if from == zeroAddress {
                    state.minted.append((to, value, log))
                } else if sameAddress(to, pair) {
                    state.sentToPair.append((from, value, log))
                } else if sameAddress(from, pair) && to == zeroAddress {
                    guard state.burned == nil else { throw fail("a second burn of shares before the Burn log") }
                    state.burned = value
                } else {
                    calls.append(PairCall(kind: .transfer(from: from, to: to, shares: value), log: log))
                }
            case .sync:
                state.flushSync(into: &calls)
                state.sync = log
            case .mint(_, let amount0, let amount1):
                guard let sync = state.sync else { throw fail("Mint without the Sync before it") }
                guard let deposit = state.minted.last else { throw fail("Mint without a Transfer of shares from the zero address") }
                let fees = state.minted.dropLast()
                guard state.sentToPair.isEmpty, state.burned == nil else { throw fail("Mint in the middle of a burn") }
                calls.append(PairCall(
                    kind: .mint(provider: deposit.to, amount0: amount0, amount1: amount1, shares: deposit.value,
                                feeShares: try sum(fees.map(\.value), location), feeRecipient: try recipient(fees, location)),
                    log: log, sync: sync))
                state = Pending()
            case .burn(_, let amount0, let amount1, _):
                guard let sync = state.sync else { throw fail("Burn without the Sync before it") }
                guard let burned = state.burned else { throw fail("Burn without the pair's Transfer of shares to the zero address") }
                guard let first = state.sentToPair.first else { throw fail("Burn without a Transfer of shares to the pair") }
                guard state.sentToPair.allSatisfy({ $0.from == first.from }) else { throw fail("shares sent to the pair by more than one holder") }
                let sent = try sum(state.sentToPair.map(\.value), location)
                guard sent == burned else { throw fail("the pair burns \(burned) shares but was sent \(sent) in this transaction") }
                calls.append(PairCall(
                    kind: .burn(provider: first.from, shares: burned, amount0: amount0, amount1: amount1,
                                feeShares: try sum(state.minted.map(\.value), location), feeRecipient: try recipient(state.minted[...], location)),
                    log: log, sync: sync))
                state = Pending()
            case .swap(_, let in0, let in1, let out0, let out1, let to):
                guard let sync = state.sync else { throw fail("Swap without the Sync before it") }
                guard state.minted.isEmpty, state.sentToPair.isEmpty, state.burned == nil else { throw fail("Swap in the middle of a mint or burn") }
                calls.append(PairCall(kind: .swap(trader: to, amount0In: in0, amount1In: in1, amount0Out: out0, amount1Out: out1), log: log, sync: sync))
                state = Pending()
            case .feeTo(let feeTo):
                state.flushSync(into: &calls)
                calls.append(PairCall(kind: .feeTo(feeTo), log: log))
            }
            return calls
        }

        /// The calls the end of the logs completes (a last lone Sync); an open call is refused.
        package mutating func finish() throws(LocatedRejection) -> [PairCall] {
            var calls: [PairCall] = []
            if let previous { try state.endTransaction(into: &calls, previous: previous) }
            return calls
        }
    }

    /// What a transaction has emitted so far toward a call not yet closed.
    struct Pending {
        var minted: [(to: String, value: UInt256, log: PairLog)] = []
        var sentToPair: [(from: String, value: UInt256, log: PairLog)] = []
        var burned: UInt256?
        var sync: PairLog?

        /// A Sync not followed by its Mint, Burn or Swap was a `sync()` of its own.
        mutating func flushSync(into calls: inout [PairCall]) {
            if let sync {
                calls.append(PairCall(kind: .sync, log: sync, sync: sync))
                self.sync = nil
            }
        }

        mutating func endTransaction(into calls: inout [PairCall], previous: PairLog) throws(LocatedRejection) {
            flushSync(into: &calls)
            let open = minted.first?.log ?? sentToPair.first?.log
            if let open {
                throw LocatedRejection(open.location, Rejection(.logSequence, "LP shares minted or sent to the pair with no Mint or Burn in transaction \(previous.tx)"))
            }
            if burned != nil {
                throw LocatedRejection(previous.location, Rejection(.logSequence, "the pair burned shares with no Burn log in transaction \(previous.tx)"))
            }
            self = Pending()
        }
    }

    static func sum(_ values: [UInt256], _ location: LocatedRejection.Location) throws(LocatedRejection) -> UInt256 {
        var total = UInt256.zero
        for value in values {
            let (next, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw LocatedRejection(location, Rejection(.invalidAmount, "shares in this call exceed 2^256-1")) }
            total = next
        }
        return total
    }

    static func recipient(_ fees: ArraySlice<(to: String, value: UInt256, log: PairLog)>, _ location: LocatedRejection.Location) throws(LocatedRejection) -> String? {
        guard let first = fees.first else { return nil }
        guard fees.allSatisfy({ $0.to == first.to }) else {
            throw LocatedRejection(location, Rejection(.logSequence, "protocol-fee shares minted to more than one address in one call"))
        }
        return first.to
    }

    /// The facts the call folds into, decided against the pool before it.
    /// `_mintFee`'s Transfer must go to the pool's `fee_to` and equal the
    /// shares the reducer derives (the facts carry it as `protocol_fee_shares`).
    package func facts(pool: PoolState) throws(Rejection) -> [Fact] {
        guard case .constantProduct(let pair) = pool.body else {
            throw Rejection(.unsupportedModel, "pair logs are Uniswap V2's; pool \(quoted(pool.pool)) is \(pool.model.displayName)")
        }
        func fact(_ body: FactBody, _ log: PairLog) -> Fact { Fact(body, id: log.factID, time: log.time, block: log.block) }
        switch kind {
        case .mint(let provider, let amount0, let amount1, let shares, let feeShares, let recipient):
            try checkFeeRecipient(recipient, pool)
            return [fact(.liquidityAdded(LiquidityAdded(
                pool: pool.pool, provider: provider, amount0: amount0, amount1: amount1, shares: shares, protocolFeeShares: feeShares)), log)]
        case .burn(let provider, let shares, let amount0, let amount1, let feeShares, let recipient):
            try checkFeeRecipient(recipient, pool)
            var facts: [Fact] = []
            // Tokens sent to the pair since its last sync are paid out pro rata by the burn
            // (it reads balances) before its Sync: take them up first, as a sync() would.
            if let (reserve0, reserve1) = syncedReserves, let sync,
               case let (balance0, overflow0) = reserve0.addingReportingOverflow(amount0),
               case let (balance1, overflow1) = reserve1.addingReportingOverflow(amount1),
               !overflow0, !overflow1, balance0 >= pool.reserve0, balance1 >= pool.reserve1,
               balance0 != pool.reserve0 || balance1 != pool.reserve1 {
                // `_mintFee` reads the reserves from before the donation; a sync first would not.
                guard pair.protocolFeeShares(feeOn: pool.feeOn).isZero else {
                    throw Rejection(.logSequence, "tokens sent to the pair before this burn while the protocol fee accrues: not supported")
                }
                facts.append(fact(.reservesSynced(ReservesSynced(pool: pool.pool, reserve0: balance0, reserve1: balance1)), sync))
            }
            facts.append(fact(.liquidityRemoved(LiquidityRemoved(
                pool: pool.pool, provider: provider, shares: shares, amount0: amount0, amount1: amount1, protocolFeeShares: feeShares)), log))
            return facts
        case .swap(let trader, let in0, let in1, let out0, let out1):
            return [fact(.swap(Swap(pool: pool.pool, trader: trader, amount0In: in0, amount1In: in1, amount0Out: out0, amount1Out: out1)), log)]
        case .sync:
            guard let (reserve0, reserve1) = syncedReserves else { return [] }
            return [fact(.reservesSynced(ReservesSynced(pool: pool.pool, reserve0: reserve0, reserve1: reserve1)), log)]
        case .transfer(let from, let to, let shares):
            return [fact(.sharesTransferred(SharesTransferred(pool: pool.pool, from: from, to: to, shares: shares)), log)]
        case .feeTo(let feeTo):
            return [fact(.feeToSet(FeeToSet(pool: pool.pool, feeTo: feeTo)), log)]
        }
    }

    func checkFeeRecipient(_ recipient: String?, _ pool: PoolState) throws(Rejection) {
        guard let recipient else { return }
        guard let feeTo = pool.feeTo, sameAddress(feeTo, recipient) else {
            throw Rejection(.protocolFeeMismatch, "protocol-fee shares minted to \(recipient), but the pool's fee_to is \(pool.feeTo ?? "off")")
        }
    }

    /// Compares the Sync log with the reserves folded after the call; a
    /// mismatch is reported at the call's own log (the Mint, Burn or Swap whose
    /// amounts disagree with the chain's reserves).
    package func checkSync(_ pool: PoolState) throws(LocatedRejection) {
        guard let (reserve0, reserve1) = syncedReserves, let sync else { return }
        guard reserve0 == pool.reserve0, reserve1 == pool.reserve1 else {
            throw LocatedRejection(log.location, Rejection(
                .syncMismatch, "\(log.event.name): the Sync at log_index \(sync.logIndex) has reserves \(reserve0), \(reserve1); the ledger folded \(pool.reserve0), \(pool.reserve1)"))
        }
    }
}
