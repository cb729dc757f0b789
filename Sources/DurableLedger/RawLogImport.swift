import LedgerStore
import PoolLedger

extension DurableLedger {
    /// What a raw-log import read and did.
    public struct RawLogSummary: Sendable {
        public var logs = 0
        /// Pools the file's factory logs created (initialized, for V3).
        public var poolsCreated = 0
        /// Logs of addresses no factory log or earlier import created, skipped (`skipUnknown`).
        public var unknownAddresses = 0
        /// Logs with an event signature their contract does not emit, skipped (`skipUnknown`).
        public var unknownEvents = 0
        public var append = AppendSummary()
    }

    /// Imports raw logs of many pools as one atomic batch: routed by address,
    /// a trusted factory's creation log creating the pool (its id: the pool's
    /// address), every other log decoded by the pool's model and folded with
    /// every check (a V3 Swap's price, liquidity and tick compared with the
    /// ledger's, a Mint's and Burn's amounts re-derived, a Collect at most
    /// what is owed). Logs must come in (block, log index) order. The first
    /// failure names the log's block, transaction and log index; nothing of
    /// the batch is written. Facts whose id (`tx:log_index`) is already in the
    /// log with the same content are skipped, so an overlapping range adds nothing.
    /// Where logs come from: raw (topics and data) or decoded rows (encoded back to raw logs).
    public enum ChainLogFormat: Sendable {
        case raw(RawLogReader.Format)
        case decoded(DecodedLogReader.Format)
    }

    public func importRawLogs(
        _ lines: JSONLines.Reader, format: RawLogReader.Format,
        factories: Set<String> = [ConcentratedPoolLog.mainnetFactory, PairRawLog.mainnetFactory],
        positionManagers: Set<String> = [mainnetPositionManager],
        names: ChainNames = ChainNames(), skipUnknown: Bool = false, progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> RawLogSummary {
        try importChainLogs(lines, format: .raw(format), factories: factories, positionManagers: positionManagers, names: names,
                            skipUnknown: skipUnknown, progressEvery: progressEvery, progress: progress)
    }

    /// A position manager's logs (`positionManagers`, the mainnet
    /// NonfungiblePositionManager by default) join the pool logs of the same
    /// call into `nft_*` facts (`ManagerCallAssembler`).
    public func importChainLogs(
        _ lines: JSONLines.Reader, format: ChainLogFormat,
        factories: Set<String> = [ConcentratedPoolLog.mainnetFactory, PairRawLog.mainnetFactory],
        positionManagers: Set<String> = [mainnetPositionManager],
        names: ChainNames = ChainNames(), skipUnknown: Bool = false, progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws -> RawLogSummary {
        var result = RawLogSummary()
        let factories = Set(factories.map { $0.lowercased() })
        var managerNames: [String: String] = [:]
        for address in positionManagers { managerNames[address.lowercased()] = names.name(address.lowercased()) }
        // A log's address is compared with these few (no hash of it per log).
        let managerList = managerNames.sorted { $0.key < $1.key }.map { (address: $0.key, name: $0.value) }
        result.append = try batch(expectedVersions: [:], keepFacts: false) { writer in
            writer.ledger.tracksIDs = false
            // V3 pools whose PoolCreated was read but not yet their Initialize.
            var announced: [String: Terms] = [:]
            // Whether each pool was in the ledger before this batch (its facts may be stored already).
            var existed: [String: Bool] = [:]
            // Pools in the ledger by the address their logs come from: one lookup per log in place of four.
            var known: [String: KnownPool] = [:]
            // V2 pairs: their logs grouped into the pair's calls.
            var groupers: [String: PairCall.Grouper] = [:]
            var last: (block: UInt64, logIndex: UInt64)?
            var assembler = ManagerCallAssembler(managers: managerNames)
            // The pool each NFT was minted in (this batch's mints; earlier ones are looked up in the ledger).
            var tokenPools: [NFTKey: String] = [:]

            /// Folds a V3 fact (or one the assembler held) at its log.
            func foldFact(_ fact: Fact, at location: LocatedRejection.Location) throws {
                try writer.fold(fact, at: location, lookUpID: existed[fact.pool] == true)
                if case .nftMinted(let mint) = fact.body { tokenPools[NFTKey(manager: mint.manager, tokenID: mint.tokenID)] = mint.pool }
            }
            /// The pool logs held for a manager log that did not come: they fold alone.
            func release() throws {
                for entry in assembler.take() { try foldFact(entry.fact, at: entry.location) }
            }
            func poolOf(_ key: NFTKey) -> String? {
                if let pool = tokenPools[key] { return pool }
                // Minted by an earlier import: the first pool (in id order) holding it, remembered.
                for id in writer.ledger.poolIDs {
                    if case .concentrated(let v3)? = writer.ledger[id]?.body, v3.managers[key.manager]?.tokens[key.tokenID] != nil {
                        tokenPools[key] = id
                        return id
                    }
                }
                return nil
            }

            func foldPairCall(_ call: PairCall) throws {
                // The pair's log is named: its address is the pool's id.
                try writer.fold(call, pool: call.log.address, poolExisted: existed[call.log.address] == true)
            }

            func forEachLog(_ body: (RawLog) throws -> Void) throws {
                // Reading and decoding on a second core; folding and storing here.
                try ReadAhead.forEach({ produce in
                    switch format {
                    case .raw(let raw): try RawLogReader.forEach(lines, format: raw, produce)
                    case .decoded(let decoded): try DecodedLogReader.forEach(lines, format: decoded, produce)
                    }
                }, body)
            }
            func handle(_ log: RawLog) throws {
                result.logs += 1
                if progressEvery > 0 && result.logs % progressEvery == 0 { progress(result.logs) }
                if let last, (log.block, log.logIndex) <= last {
                    throw LocatedRejection(log.location, Rejection(.logOrder, "logs must come in (block, log index) order: this one follows block \(last.block) log_index \(last.logIndex)"))
                }
                last = (log.block, log.logIndex)
                if let manager = managerList.first(where: { $0.address == log.address })?.name {
                    let made: (alone: [ManagerCallAssembler.Held], nft: Fact?)
                    do throws(Rejection) {
                        made = try assembler.managerLog(log, manager: manager, names: names) { poolOf(NFTKey(manager: manager, tokenID: $0)) }
                    } catch where error.rule == .input(.unknownEvent) && skipUnknown {
                        result.unknownEvents += 1
                        return
                    } catch where error.rule == .ledger(.unknownPool) && skipUnknown {
                        // The manager's call on a pool whose logs are not imported.
                        result.unknownAddresses += 1
                        return
                    } catch {
                        throw LocatedRejection(log.location, error)
                    }
                    for entry in made.alone { try foldFact(entry.fact, at: entry.location) }
                    if let nft = made.nft { try foldFact(nft, at: log.location) }
                    return
                }
                // Decided first (typed rejections, located at the log), folded after.
                var step = Step.none
                do throws(Rejection) {
                    step = try Self.route(log, factories: factories, names: names, skipUnknown: skipUnknown, ledger: &writer.ledger,
                                          announced: &announced, existed: &existed, known: &known, result: &result)
                } catch {
                    throw LocatedRejection(log.location, error)
                }
                // Held pool logs wait for the manager's log of their call; any other log releases them.
                if case .fold(let fact, _, _) = step, assembler.holds(fact) {
                    for entry in assembler.hold(fact, log: log) { try foldFact(entry.fact, at: entry.location) }
                    return
                }
                if case .none = step {} else { try release() }
                switch consume step {
                case .none: return
                case .pairLog(let pairLog):
                    // Changed where it is in the table (one lookup, no copy out and back).
                    let calls = try groupers[pairLog.address, default: PairCall.Grouper(pair: pairLog.address)].add(pairLog)
                    for call in calls { try foldPairCall(call) }
                case .fold(let fact, let replacing, let poolExisted):
                    if let (old0, old1) = replacing, case .concentrated(let v3)? = writer.ledger[fact.pool]?.body,
                       old0 != v3.feeProtocol % 16 || old1 != v3.feeProtocol >> 4 {
                        // The log states the fee protocol it replaced: it must be the ledger's (unless the fact is in the log already).
                        let stored = poolExisted ? try writer.lookUp(externalID: fact.id!) : nil
                        if stored == nil {
                            throw LocatedRejection(log.location, Rejection(.protocolFeeMismatch, "SetFeeProtocol replaces \(old0), \(old1), but the pool's fee protocol is \(v3.feeProtocol % 16), \(v3.feeProtocol >> 4)"))
                        }
                    }
                    if case .poolCreated = fact.body, writer.ledger.hasPool(fact.pool) {
                        // Created by an earlier import: the same fact is in the log.
                        guard let stored = try writer.lookUp(externalID: fact.id!), stored.type == "pool_created", stored.stream == fact.pool else {
                            throw LocatedRejection(log.location, Rejection(.poolExists, "pool \"\(fact.pool)\" exists, but not from this log"))
                        }
                        writer.summary.skipped += 1
                        return
                    }
                    if case .poolCreated = fact.body { result.poolsCreated += 1 }
                    try writer.fold(fact, at: log.location, lookUpID: poolExisted)
                }
            }
            var failedAtALog = false
            do {
                try forEachLog { log in
                    do { try handle(log) } catch {
                        failedAtALog = true
                        throw error
                    }
                }
            } catch {
                // The input failed after a held pool log: that log comes first in file order, so
                // its own refusal (not one that only its missing manager log explains) is the error.
                if !failedAtALog {
                    do { try release() } catch let located as LocatedRejection where located.rejection.rule != .invariant(.managerPositions) {
                        throw located
                    } catch { /* explained by the missing manager log: the input's own error stands */ }
                }
                throw error
            }
            try release()
            // Each pair's last transaction, pools in address order.
            for pair in groupers.keys.sorted() {
                var grouper = groupers[pair]!
                for call in try grouper.finish() { try foldPairCall(call) }
            }
        }
        return result
    }

    /// `fold` carries, for a SetFeeProtocol, the fee protocol its log says it
    /// replaced, and whether the pool was in the ledger before the batch.
    enum Step { case none, fold(Fact, replacing: (UInt8, UInt8)? = nil, poolExisted: Bool), pairLog(PairLog) }

    typealias Terms = (token0: String, token1: String, fee: UInt32, tickSpacing: Int32)

    /// A pool in the ledger, as its logs' address routes to it. Nothing here
    /// changes once the pool exists: its name (the names are the batch's), its
    /// model and creation terms, and whether it existed before the batch.
    struct KnownPool {
        let name: String
        let model: PoolModel
        let terms: Terms
        let existed: Bool
    }

    /// What one raw log is: a factory's creation (a V2 pair's pool_created
    /// now; a V3 pool's terms until its Initialize), a V3 pool's fact, a V2
    /// pair's log, or nothing (skipped).
    static func route(
        _ log: RawLog, factories: Set<String>, names: ChainNames, skipUnknown: Bool, ledger: inout Ledger,
        announced: inout [String: Terms],
        existed: inout [String: Bool], known: inout [String: KnownPool], result: inout RawLogSummary
    ) throws(Rejection) -> Step {
        if let pool = known[log.address] {
            return try poolLog(log, pool: pool.name, existing: (pool.model, pool.terms), created: nil, poolExisted: pool.existed,
                               names: names, skipUnknown: skipUnknown, announced: &announced, result: &result)
        }
        if factories.contains(log.address) {
            if PairRawLog.isPairCreated(log) {
                let (token0Address, token1Address, pairAddress) = try PairRawLog.pairCreated(log)
                let pair = names.name(pairAddress), token0 = names.name(token0Address), token1 = names.name(token1Address)
                if existed[pair] == nil { existed[pair] = ledger[pair] != nil }
                if let existing = ledger[pair] {
                    guard existing.model == .constantProduct, existing.token0 == token0, existing.token1 == token1 else {
                        throw Rejection(.poolExists, "pool \"\(pair)\" exists as \(existing.model) \(existing.token0)/\(existing.token1), not a pair of \(token0)/\(token1)")
                    }
                    return .none
                }
                return .fold(Fact(.poolCreated(PoolCreated(
                    pool: pair, token0: token0, token1: token1, decimals0: names.decimals(token0Address), decimals1: names.decimals(token1Address),
                    feePPM: names.feePPM(pairAddress) ?? 3000)), id: log.factID, time: log.time, block: log.block), poolExisted: existed[pair]!)
            }
            if !ConcentratedPoolLog.isPoolCreated(log) && skipUnknown {
                result.unknownEvents += 1
                return .none
            }
            guard case .poolCreated(let token0, let token1, let fee, let spacing, let poolAddress) = try ConcentratedPoolLog.factory(log) else { return .none }
            let pool = names.name(poolAddress)
            if let existing = ledger[pool] {
                // Created by an earlier import: the factory's terms must be the pool's.
                guard existing.model == .concentrated, existing.token0 == names.name(token0), existing.token1 == names.name(token1), existing.feePPM == fee else {
                    throw Rejection(.poolExists, "pool \"\(pool)\" exists as \(existing.model) \(existing.token0)/\(existing.token1) at \(existing.feePPM) ppm, not \(names.name(token0))/\(names.name(token1)) at \(fee)")
                }
                return .none
            }
            // Token addresses: named when the pool is created.
            announced[pool] = (token0, token1, fee, spacing)
            return .none
        }
        let pool = names.name(log.address)
        let created = announced[pool]
        // The pool's model and terms, read in place (a copy of a V3 pool's state costs more than the log).
        let existing = ledger.withPool(pool) { (model: $0.model, terms: terms($0)) }
        guard created != nil || existing != nil else {
            if skipUnknown {
                result.unknownAddresses += 1
                return .none
            }
            throw Rejection(.unknownAddress, "address \(log.address) is no pool that a factory log (from \(factories.sorted().joined(separator: ", "))) or an earlier import created")
        }
        if existed[pool] == nil { existed[pool] = existing != nil }
        let poolExisted = existed[pool]!
        if let existing {
            // From now on this address routes here in one lookup (a factory's address never does: its logs are the factory's).
            known[log.address] = KnownPool(name: pool, model: existing.model, terms: existing.terms, existed: poolExisted)
        }
        return try poolLog(log, pool: pool, existing: existing, created: created, poolExisted: poolExisted,
                           names: names, skipUnknown: skipUnknown, announced: &announced, result: &result)
    }

    /// A pool's log (not a factory's), its pool found: a V2 pair's log, or a V3 pool's fact.
    static func poolLog(
        _ log: RawLog, pool: String, existing: (model: PoolModel, terms: Terms)?, created: Terms?, poolExisted: Bool,
        names: ChainNames, skipUnknown: Bool, announced: inout [String: Terms], result: inout RawLogSummary
    ) throws(Rejection) -> Step {
        if let existing, existing.model == .constantProduct {
            do throws(Rejection) { return .pairLog(try PairRawLog.pairLog(log).named(names)) } catch where error.rule == .input(.unknownEvent) && skipUnknown {
                result.unknownEvents += 1
                return .none
            }
        }
        let event: ConcentratedPoolLog
        do throws(Rejection) { event = try ConcentratedPoolLog.pool(log) } catch where error.rule == .input(.unknownEvent) && skipUnknown {
            result.unknownEvents += 1
            return .none
        }
        if existing == nil, case .initialize = event {} else if existing == nil {
            throw Rejection(.unknownPool, "pool \(pool) has a \(log.topics.first == ConcentratedPoolLog.Topic.swap ? "Swap" : "log") before its Initialize")
        }
        let fact = try event.fact(pool: pool, log: log, created: created ?? existing!.terms, names: names)
        if case .poolCreated = fact.body, existing == nil { announced[pool] = nil }
        if case .setFeeProtocol(let old0, let old1, _, _) = event { return .fold(fact, replacing: (old0, old1), poolExisted: poolExisted) }
        return .fold(fact, poolExisted: poolExisted)
    }

    static func terms(_ pool: PoolState) -> Terms {
        var spacing: Int32 = 0
        if case .concentrated(let v3) = pool.body { spacing = v3.tickSpacing }
        return (pool.token0, pool.token1, pool.feePPM, spacing)
    }
}
