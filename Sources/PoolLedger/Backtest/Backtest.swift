import PoolMath

/// A backtest: a pool's recorded history folded again with positions added
/// (commands placed at points of the history) or removed (a recorded
/// position's facts left out), every fact of the changed history re-checked
/// as any fact is, beside the recorded history itself as the baseline.
///
/// It folds concentrated (V3) pools. Where a recorded swap still reproduces
/// in the changed pool it is folded as recorded (so a history changed
/// nowhere, or changed and put back, folds bit for bit as recorded); where
/// it does not, `price-path` re-runs it to the recorded price as its limit,
/// paying whatever input that takes (the volume adapts), and `exact-input`
/// re-runs the trader's order: exact input of what it paid, or exact output
/// of what it received where only that reproduces it in the recorded pool
/// (where both do, the facts do not say which it was: it runs as exact
/// input and is listed in `ambiguous`). The other recorded
/// facts of positions left in place fold as recorded where they still hold,
/// else as the commands they stand for (a mint or burn of their liquidity, a
/// collect of at most what they collected).
public struct Backtest: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Each recorded swap keeps the price it ended at; the volume adapts.
        case pricePath = "price-path"
        /// Each recorded swap keeps the trader's order (its input, or its
        /// output where it was exact output); the price path adapts.
        case exactInput = "exact-input"
        /// The recorded pool left as it was; each added position earns its
        /// share of every recorded swap step in its range (`ProRataBook`).
        case proRata = "pro-rata"
    }

    /// Where an added command goes.
    public enum Place: Sendable, Equatable {
        /// After every recorded fact of block B and earlier.
        case atBlock(UInt64)
        /// Right after the recorded fact with this id (several in file order).
        case after(String)
    }

    public struct Addition: Sendable, Equatable {
        public var place: Place
        public var command: Command
        /// The line of the additions file it came from, for errors.
        public var line: Int

        public init(place: Place, command: Command, line: Int) {
            self.place = place
            self.command = command
            self.line = line
        }
    }

    /// A recorded position left out: its liquidity facts and collects.
    public enum Removal: Sendable, Equatable, CustomStringConvertible {
        case provider(String)
        case range(ConcentratedPool.PositionKey)

        /// `PROVIDER` (V2) or `OWNER:TICK_LOWER:TICK_UPPER` (V3).
        public init(_ spec: String) throws(BacktestError) {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            switch parts.count {
            case 1 where !spec.isEmpty: self = .provider(spec)
            case 3:
                guard let lower = Int32(parts[1]), let upper = Int32(parts[2]), !parts[0].isEmpty else {
                    throw BacktestError("--remove \(spec): expected OWNER:TICK_LOWER:TICK_UPPER with integer ticks")
                }
                self = .range(ConcentratedPool.PositionKey(owner: String(parts[0]), tickLower: lower, tickUpper: upper))
            default:
                throw BacktestError("--remove \(spec): expected PROVIDER (V2) or OWNER:TICK_LOWER:TICK_UPPER (V3)")
            }
        }

        public var description: String {
            switch self {
            case .provider(let provider): provider
            case .range(let key): "\(key.owner):\(key.tickLower):\(key.tickUpper)"
            }
        }

        func matches(_ body: FactBody) -> Bool {
            switch (self, body) {
            case (.range(let key), .positionMinted(let f)), (.range(let key), .positionBurned(let f)): return f.key == key
            case (.range(let key), .feesCollected(let f)): return f.key == key
            case (.provider(let provider), .liquidityAdded(let f)): return f.provider == provider
            case (.provider(let provider), .liquidityRemoved(let f)): return f.provider == provider
            case (.provider(let provider), .sharesTransferred(let f)): return f.from == provider || f.to == provider
            default: return false
            }
        }
    }

    public let pool: String
    public let mode: Mode
    /// The changed history and the recorded one, each folded with every check, with its audit beside it.
    public private(set) var changed = Ledger()
    public private(set) var baseline = Ledger()
    public private(set) var changedAudit: AuditFold
    public private(set) var baselineAudit: AuditFold
    /// Recorded swaps re-run to their price because the recorded one no longer reproduced.
    public private(set) var repriced = 0
    /// Recorded swaps the changed pool was already at (or past) the price of: nothing to trade.
    public private(set) var skipped = 0
    /// Recorded facts of other positions folded as the commands they stand for.
    public private(set) var redecided = 0
    /// Recorded swaps re-run in `exact-input` mode that exact input and exact output both reproduce in the recorded pool (their ids).
    public private(set) var ambiguous: [String] = []
    /// Facts each removal left out.
    public private(set) var removedFacts: [Int]
    /// The positions the additions touched (V3 keys), in the order first touched.
    public private(set) var addedKeys: [ConcentratedPool.PositionKey] = []

    public let removals: [Removal]
    var proRata = ProRataBook()
    var afterID: [String: [Addition]] = [:]
    /// At-block additions in placement order (block, then file order), applied from the front.
    var atBlock: [Addition]
    var lastBlock: UInt64?
    public private(set) var folded = 0

    /// The fee tier the changed history runs at (nil: the recorded one), in the pool's units (ppm, V3 pips).
    public let feePPM: UInt32?

    /// `feePPM`: the same order flow at another fee tier (its swaps then re-run in the mode's way).
    public init(pool: String, mode: Mode = .pricePath, additions: [Addition], removals: [Removal], feePPM: UInt32? = nil) {
        self.pool = pool
        self.mode = mode
        self.feePPM = feePPM
        self.removals = removals
        self.removedFacts = Array(repeating: 0, count: removals.count)
        self.changedAudit = AuditFold(pool: pool, keepsHistory: false)
        self.baselineAudit = AuditFold(pool: pool, keepsHistory: false)
        // Memory flat in the history's length: no fact ids remembered (the recorded
        // history's ids are its own to keep unique), no position entries listed.
        changed.tracksIDs = false
        baseline.tracksIDs = false
        var blocks: [Addition] = []
        for addition in additions {
            switch addition.place {
            case .after(let id): afterID[id, default: []].append(addition)
            case .atBlock: blocks.append(addition)
            }
        }
        // Stable: additions at one block keep their file order.
        atBlock = blocks.enumerated().sorted { a, b in
            guard case .atBlock(let x) = a.element.place, case .atBlock(let y) = b.element.place else { return a.offset < b.offset }
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// Folds the next recorded fact of the pool (in log order) into both histories.
    public mutating func feed(_ recorded: Fact) throws(BacktestError) {
        guard recorded.pool == pool else { return }
        folded += 1
        if let block = recorded.block {
            if let last = lastBlock, block < last {
                throw BacktestError("recorded fact \(recorded.id ?? "#\(folded)"): block \(block) is before the previous fact's \(last)")
            }
            // Every at-block addition for an earlier block goes before this fact.
            while let first = atBlock.first, case .atBlock(let b) = first.place, b < block {
                try apply(atBlock.removeFirst(), time: nil, block: b)
            }
            lastBlock = block
        }
        // The changed history first: a re-run swap reads the recorded pool just before it.
        if mode == .proRata {
            guard feePPM == nil else { throw BacktestError("pro-rata leaves the recorded pool as it was, its fee tier too: --fee-ppm takes price-path or exact-input") }
            // The pool is left as it was; the added positions take their share of its swaps' steps.
            if let index = removals.firstIndex(where: { $0.matches(recorded.body) }) {
                removedFacts[index] += 1
                do throws(V3MathError) { try proRata.removedFact(recorded.body) } catch {
                    throw BacktestError("fact \(recorded.id ?? "#\(folded)"): \(error.detail)")
                }
            }
            if case .swap(let swap) = recorded.body, !proRata.positions.isEmpty { try observeSteps(swap, recorded) }
            do throws(Rejection) { try changed.fold(recorded) } catch {
                throw BacktestError("the recorded history itself is refused at fact \(recorded.id ?? "#\(folded)"): \(error)")
            }
            try audit(recorded)
        } else if let index = removals.firstIndex(where: { $0.matches(recorded.body) }) {
            removedFacts[index] += 1
        } else {
            try foldChanged(recorded)
        }
        do throws(Rejection) {
            try baseline.fold(recorded)
            try baselineAudit.fold(recorded, seq: baseline.seq)
        } catch {
            throw BacktestError("the recorded history itself is refused at fact \(recorded.id ?? "#\(folded)"): \(error)")
        }
        if let id = recorded.id, let placed = afterID.removeValue(forKey: id) {
            for addition in placed { try apply(addition, time: recorded.time, block: recorded.block) }
        }
    }

    /// After the last recorded fact: the at-block additions up to its block, and the checks that every placement and removal met its mark.
    public mutating func finish() throws(BacktestError) {
        while let first = atBlock.first, case .atBlock(let b) = first.place {
            guard let last = lastBlock, b <= last else {
                throw BacktestError("line \(first.line): at_block \(b) is past the end of the history (its last block is \(lastBlock.map(String.init) ?? "none: its facts carry no block"))")
            }
            try apply(atBlock.removeFirst(), time: nil, block: b)
        }
        if let (id, placed) = afterID.min(by: { $0.value[0].line < $1.value[0].line }) {
            throw BacktestError("line \(placed[0].line): after \(quoted(id)): no recorded fact of pool \(quoted(pool)) has that id")
        }
        for (index, removal) in removals.enumerated() where removedFacts[index] == 0 {
            throw BacktestError("--remove \(removal): no recorded fact of pool \(quoted(pool)) belongs to it")
        }
        guard changed[pool] != nil else { throw BacktestError("the history holds no pool \(quoted(pool))") }
    }

    // MARK: the changed history

    mutating func apply(_ addition: Addition, time: UInt64?, block: UInt64?) throws(BacktestError) {
        var command = addition.command
        guard command.pool == pool else {
            throw BacktestError("line \(addition.line): the command is for pool \(quoted(command.pool)), the backtest's is \(quoted(pool))")
        }
        guard changed[pool] != nil else {
            throw BacktestError("line \(addition.line): placed before the pool exists (its pool_created comes later)")
        }
        // A placed command happens where it is placed: the recorded fact's time and block unless it gives its own.
        if command.time == nil { command.time = time ?? changed[pool]?.timeLast }
        if command.block == nil { command.block = block }
        if mode == .proRata {
            guard case .concentrated(let v3)? = changed[pool]?.body else {
                throw BacktestError("line \(addition.line): pro-rata backtests concentrated pools")
            }
            do throws(Rejection) { try proRata.apply(command, pool: v3, seq: changed.seq) } catch {
                throw BacktestError("line \(addition.line): \(error)")
            }
            for key in proRata.order where !addedKeys.contains(key) { addedKeys.append(key) }
            return
        }
        let facts: [Fact]
        do throws(Rejection) { facts = try changed.execute(command) } catch {
            throw BacktestError("line \(addition.line): \(error)")
        }
        for fact in facts {
            try audit(fact)
            if let key = Self.key(of: fact.body), !addedKeys.contains(key) { addedKeys.append(key) }
        }
    }

    mutating func audit(_ fact: Fact) throws(BacktestError) {
        do throws(Rejection) { try changedAudit.fold(fact, seq: changed.seq) } catch {
            throw BacktestError("the changed history's audit refuses \(fact.body.typeName): \(error)")
        }
    }

    static func key(of body: FactBody) -> ConcentratedPool.PositionKey? {
        switch body {
        case .positionMinted(let f), .positionBurned(let f): return f.key
        case .feesCollected(let f): return f.key
        default: return nil
        }
    }

    /// A recorded fact of what is left in place, in the changed pool.
    mutating func foldChanged(_ recorded: Fact) throws(BacktestError) {
        if case .poolCreated(var created) = recorded.body, let feePPM {
            // The changed history's pool at the backtest's fee tier.
            created.feePPM = feePPM
            var fact = recorded
            fact.body = .poolCreated(created)
            do throws(Rejection) { try changed.fold(fact) } catch {
                throw BacktestError("the pool at fee tier \(feePPM): \(error)")
            }
            try audit(fact)
            return
        }
        // As recorded, whenever it still holds: every field is checked by the fold.
        let asRecorded: Rejection?
        do throws(Rejection) {
            try changed.fold(recorded)
            asRecorded = nil
        } catch {
            asRecorded = error
        }
        guard let refusal = asRecorded else {
            try audit(recorded)
            return
        }
        guard case .concentrated? = changed[pool]?.model else {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") no longer holds in the changed pool, and this backtest re-runs concentrated pools only: \(refusal)")
        }
        let fact: Fact?
        switch recorded.body {
        case .swap(let swap):
            switch mode {
            case .pricePath: fact = try repricedSwap(swap, recorded)
            case .exactInput: fact = try reenteredSwap(swap, recorded)
            case .proRata: preconditionFailure("pro-rata leaves the recorded pool as it was")
            }
        case .positionMinted(let f):
            fact = try decided(recorded, .mintPosition(MintPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity)))
        case .positionBurned(let f):
            fact = try decided(recorded, .burnPosition(BurnPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity)))
        case .feesCollected(let f):
            fact = try decided(recorded, .collect(CollectFees(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, amount0Max: f.amount0, amount1Max: f.amount1)))
        default:
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") (\(recorded.body.typeName)) no longer holds in the changed pool and has no command to stand for it yet")
        }
        guard let fact else { return }
        do throws(Rejection) { try changed.fold(fact) } catch {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") re-run in the changed pool is refused: \(error)")
        }
        try audit(fact)
    }

    /// The command a recorded fact stands for, decided against the changed pool, with the fact's id, time and block.
    mutating func decided(_ recorded: Fact, _ body: CommandBody) throws(BacktestError) -> Fact {
        redecided += 1
        let facts: [Fact]
        do throws(Rejection) {
            facts = try Decide.decide(Command(body, id: recorded.id, time: recorded.time, block: recorded.block), changed[pool])
        } catch {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") (\(recorded.body.typeName)) as a command in the changed pool: \(error)")
        }
        // Every command of these decides exactly one fact.
        return facts[0]
    }

    /// `price-path`: the recorded swap re-run to the price it ended at, with whatever input that takes.
    mutating func repricedSwap(_ swap: Swap, _ recorded: Fact) throws(BacktestError) -> Fact? {
        guard case .concentrated(let v3)? = changed[pool]?.body, let target = swap.sqrtPriceX96After else {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)") carries no sqrt_price_x96_after: price-path needs the price it ended at")
        }
        let zeroForOne = !swap.amount0In.isZero
        // Already there (or past it): the recorded trade has nothing left to do here.
        if zeroForOne ? v3.sqrtPriceX96 <= target : v3.sqrtPriceX96 >= target {
            skipped += 1
            return nil
        }
        repriced += 1
        let run: ConcentratedPool.ConcentratedSwap
        do throws(Rejection) {
            run = try ConcentratedPool.concentratedSwap(v3, zeroForOne: zeroForOne, specified: SignedAmount(UInt256.max >> 1), limit: target)
        } catch {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)") re-run to its price \(target): \(error)")
        }
        return Fact(.swap(run.fact(pool: pool, trader: swap.trader)), id: recorded.id, time: recorded.time, block: recorded.block)
    }
}

extension Backtest {
    /// `exact-input`: the trader's order re-run in the changed pool, the form
    /// (exact input or exact output) the one that reproduces the swap in the
    /// recorded pool just before it.
    mutating func reenteredSwap(_ swap: Swap, _ recorded: Fact) throws(BacktestError) -> Fact? {
        guard case .concentrated(let v3)? = changed[pool]?.body, case .concentrated(let recordedPool)? = baseline[pool]?.body else {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)"): no concentrated pool to re-run it in")
        }
        let zeroForOne = !swap.amount0In.isZero
        let amountIn = zeroForOne ? swap.amount0In : swap.amount1In, amountOut = zeroForOne ? swap.amount1Out : swap.amount0Out
        /// Whether this form, run in the recorded pool, gives every recorded field.
        func reproduces(_ specified: SignedAmount) -> Bool {
            do throws(Rejection) {
                let run = try ConcentratedPool.concentratedSwap(recordedPool, zeroForOne: zeroForOne, specified: specified, limit: swap.sqrtPriceLimitX96)
                return ConcentratedPool.swapDifference(recorded: swap, computed: run.fact(pool: pool, trader: swap.trader)) == nil
            } catch {
                // The form reverts in the recorded pool: it is not the one the trader sent.
                return false
            }
        }
        let byInput = reproduces(SignedAmount(amountIn))
        let byOutput = !amountOut.isZero && reproduces(SignedAmount(amountOut, negative: true))
        if byInput && byOutput { ambiguous.append(recorded.id ?? "#\(folded)") }
        // Neither: it stopped at its price limit, having taken less than offered; its input then is what is known.
        let specified = byOutput && !byInput ? SignedAmount(amountOut, negative: true) : SignedAmount(amountIn)
        repriced += 1
        let run: ConcentratedPool.ConcentratedSwap
        do throws(Rejection) {
            run = try ConcentratedPool.concentratedSwap(v3, zeroForOne: zeroForOne, specified: specified, limit: swap.sqrtPriceLimitX96)
        } catch {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)") re-run as the trader's order: \(error)")
        }
        return Fact(.swap(run.fact(pool: pool, trader: swap.trader)), id: recorded.id, time: recorded.time, block: recorded.block)
    }
}

extension Backtest {
    /// `pro-rata`: the recorded swap's steps, from the run that reproduces it
    /// in the recorded pool just before it, shared out to the added positions.
    mutating func observeSteps(_ swap: Swap, _ recorded: Fact) throws(BacktestError) {
        guard case .concentrated(let v3)? = baseline[pool]?.body else { return }
        let zeroForOne = !swap.amount0In.isZero
        let amountIn = zeroForOne ? swap.amount0In : swap.amount1In, amountOut = zeroForOne ? swap.amount1Out : swap.amount0Out
        let limit = swap.sqrtPriceLimitX96 ?? ConcentratedPool.extremeLimit(zeroForOne: zeroForOne)
        // The forms the fold tries, in its order: exact input, exact output, input up to the limit.
        var forms = [SignedAmount(amountIn)]
        if !amountOut.isZero { forms.append(SignedAmount(amountOut, negative: true)) }
        if swap.sqrtPriceX96After == limit { forms.append(SignedAmount(UInt256.max >> 1)) }
        for specified in forms {
            var trial = v3
            var steps: [ConcentratedPool.SwapStep] = []
            do throws(V3MathError) {
                let result = try trial.swap(zeroForOne: zeroForOne, amountSpecified: specified, sqrtPriceLimitX96: limit, observe: { steps.append($0) })
                let computed = ConcentratedPool.swapFact(pool: pool, trader: swap.trader, result: result, zeroForOne: zeroForOne, after: trial, limit: swap.sqrtPriceLimitX96)
                guard ConcentratedPool.swapDifference(recorded: swap, computed: computed) == nil else { continue }
            } catch {
                // This form reverts in the recorded pool: not the one the trader sent.
                continue
            }
            do throws(V3MathError) {
                for step in steps { try proRata.observe(step, zeroForOne: zeroForOne) }
            } catch {
                throw BacktestError("swap \(recorded.id ?? "#\(folded)"): sharing its steps' fees: \(error.detail)")
            }
            return
        }
        throw BacktestError("swap \(recorded.id ?? "#\(folded)") reproduces in no form in the recorded pool")
    }
}

/// What a backtest cannot do, or what its input asks that cannot be: a
/// message naming the line (of the additions), the fact (by id) or the option.
public struct BacktestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Backtest {
    /// The backtest's result: both histories' pools and state hashes, and
    /// the added positions' audit rows in the changed history and the same
    /// positions' rows (if any) in the recorded one.
    public struct Outcome: Sendable {
        public var changed: PoolState
        public var baseline: PoolState
        public var changedHash: String
        public var baselineHash: String
        public var added: [RangePositionAudit]
        public var audit: ConcentratedPoolAudit
        public var baselineAudit: ConcentratedPoolAudit
    }

    /// After `finish`. Values are at the pool's price; a pool whose price
    /// puts a value past 2^256 value units is audited in token amounts only
    /// (`valuation` nil, every value 0).
    public func outcome() throws(AuditError) -> Outcome {
        func audited(_ fold: AuditFold) throws(AuditError) -> ConcentratedPoolAudit? {
            do throws(AuditError) {
                return try fold.concentratedAudit(includeExited: true)
            } catch {
                guard let state = fold.pool else { return nil }
                return try ConcentratedPoolAudit(pool: state, book: fold.rangeBook, valuation: nil, includeExited: true)
            }
        }
        guard let changedPool = changed[pool], let baselinePool = baseline[pool],
              let audit = try audited(changedAudit), let baselineAudit = try audited(baselineAudit) else {
            throw AuditError("backtest of \(pool): the pool is not concentrated or not created")
        }
        let added: [RangePositionAudit]
        if mode == .proRata, case .concentrated(let v3) = changedPool.body {
            added = try proRata.rows(pool: v3, valuation: audit.valuation)
        } else {
            added = addedKeys.compactMap { key in audit.positions.first { $0.position.key == key } }
        }
        return Outcome(changed: changedPool, baseline: baselinePool, changedHash: StateHash.hash(changedPool), baselineHash: StateHash.hash(baselinePool),
                       added: added, audit: audit, baselineAudit: baselineAudit)
    }
}
