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

    /// One history (the changed or the recorded) of the pool, folded with
    /// every check and audited by the same fold: its audit's fold is its
    /// ledger (one fold per fact, in place).
    public struct History: Sendable {
        public private(set) var audit: AuditFold
        public private(set) var seq: UInt64 = 0

        init(pool: String) { audit = AuditFold(pool: pool, keepsHistory: false) }

        /// The pool, once created (nil for any other id).
        public subscript(pool: String) -> PoolState? { pool == audit.poolID ? audit.pool : nil }
        public var state: PoolState? { audit.pool }

        mutating func fold(_ fact: Fact) throws(Rejection) {
            var trace: ConcentratedPool.SwapTrace? = nil
            try fold(fact, trace: &trace)
        }

        mutating func fold(_ fact: Fact, trace: inout ConcentratedPool.SwapTrace?) throws(Rejection) {
            try audit.fold(fact, seq: seq + 1, trace: &trace)
            seq += 1
        }

        /// A command decided against the pool, its facts folded (all or none).
        mutating func execute(_ command: Command) throws(Rejection) -> [Fact] {
            let facts = try Decide.decide(command, audit.pool)
            if facts.count == 1 {
                try fold(facts[0])
                return facts
            }
            var trial = self
            for fact in facts { try trial.fold(fact) }
            self = trial
            return facts
        }

        /// A swap decided against the pool and made in place (the laws checked after it).
        mutating func swap(like recorded: Fact, trader: String, zeroForOne: Bool, specified: SignedAmount, limit: UInt256?) throws(Rejection) -> Fact? {
            let fact = try audit.swap(id: recorded.id, time: recorded.time, block: recorded.block, seq: seq + 1,
                                      trader: trader, zeroForOne: zeroForOne, specified: specified, limit: limit)
            if fact != nil { seq += 1 }
            return fact
        }
    }

    public let pool: String
    public let mode: Mode
    /// The changed history and the recorded one. In `pro-rata` the pool is
    /// the recorded one throughout: only the recorded history is folded, and
    /// it is the changed one too.
    public var changed: History { mode == .proRata ? baseline : changedFold }
    public private(set) var baseline: History
    var changedFold: History
    /// Recorded swaps re-run in the changed pool (to their price, or as the trader's order).
    public internal(set) var repriced = 0
    /// Recorded swaps the changed pool was already at (or past) the price of: nothing to trade.
    public internal(set) var skipped = 0
    /// Recorded facts of other positions folded as the commands they stand for.
    public internal(set) var redecided = 0
    /// Recorded swaps re-run in `exact-input` mode that exact input and exact
    /// output both reproduce in the recorded pool: how many, and the ids of
    /// the first `ambiguousListed` (memory stays flat in the history's length).
    public internal(set) var ambiguousCount = 0
    public internal(set) var ambiguous: [String] = []
    public static let ambiguousListed = 1000

    mutating func noteAmbiguous(_ name: String) {
        ambiguousCount += 1
        if ambiguous.count < Self.ambiguousListed { ambiguous.append(name) }
    }
    /// Facts each removal left out.
    public private(set) var removedFacts: [Int]
    /// The positions the additions touched (V3 keys), in the order first touched.
    public private(set) var addedKeys: [ConcentratedPool.PositionKey] = []
    /// The providers the additions touched (V2), in the order first touched.
    public private(set) var addedProviders: [String] = []

    public let removals: [Removal]
    /// The positions the additions are about, followed along the history in both histories (`PositionFigures`).
    public internal(set) var tracked: [TrackedPosition]
    /// What decides further commands after each recorded fact (none: `hold`, the additions as given).
    public internal(set) var strategy: (any Strategy)?
    public internal(set) var changedFigures: [TrackedPosition: PositionFigures] = [:]
    public internal(set) var baselineFigures: [TrackedPosition: PositionFigures] = [:]
    var lastTime: UInt64?
    public internal(set) var sampleInterval = 1
    var samplesAtInterval = 0
    var lastFigureBlock: UInt64?
    var proRata = ProRataBook()
    var afterID: [String: [Addition]] = [:]
    /// At-block additions in placement order (block, then file order), applied from the front.
    var atBlock: [Addition]
    var lastBlock: UInt64?
    public private(set) var folded = 0

    /// The fee tier the changed history runs at (nil: the recorded one), in the pool's units (ppm, V3 pips).
    public let feePPM: UInt32?

    /// The tick spacing the changed history runs at (nil: the recorded one). Every range, recorded or added, is then snapped out to it.
    public let tickSpacing: Int32?
    /// Ranges snapped to `tickSpacing`: recorded facts' and added commands'.
    public internal(set) var snappedRecorded = 0
    public internal(set) var snappedAdded = 0

    /// `feePPM`: the same order flow at another fee tier (its swaps then re-run in the mode's way);
    /// `tickSpacing`: and at another tick spacing.
    /// What the added commands cost in gas (nil: not counted).
    public let gas: GasSchedule?

    public init(pool: String, mode: Mode = .pricePath, additions: [Addition], removals: [Removal], feePPM: UInt32? = nil, tickSpacing: Int32? = nil,
                strategy: (any Strategy)? = nil, gas: GasSchedule? = nil) {
        self.pool = pool
        self.gas = gas
        self.strategy = strategy
        self.tickSpacing = tickSpacing
        self.mode = mode
        self.feePPM = feePPM
        self.removals = removals
        self.removedFacts = Array(repeating: 0, count: removals.count)
        // Memory flat in the history's length: the folds list no position
        // entries and remember no fact ids (the recorded history's are its own).
        self.changedFold = History(pool: pool)
        self.baseline = History(pool: pool)
        var tracked: [TrackedPosition] = []
        for addition in additions {
            let body = tickSpacing.map { Self.snapped(addition.command.body, to: $0) } ?? addition.command.body
            if let position = TrackedPosition(body), !tracked.contains(position) { tracked.append(position) }
        }
        self.tracked = tracked
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
        if mode == .proRata, case .poolCreated(let created) = recorded.body, created.model != .concentrated {
            throw BacktestError("pro-rata backtests concentrated pools; \(quoted(pool)) is \(created.model.displayName), whose providers earn by their shares: use price-path or exact-input")
        }
        accrue(time: recorded.time, block: recorded.block)
        let removal = removals.firstIndex { $0.matches(recorded.body) }
        if let removal { removedFacts[removal] += 1 }
        if mode == .proRata {
            guard feePPM == nil, tickSpacing == nil else { throw BacktestError("pro-rata leaves the recorded pool as it was, its fee tier and tick spacing too: --fee-ppm and --tick-spacing take price-path or exact-input") }
            // The pool is left as it was; the added positions take their share of its swaps' steps.
            if removal != nil {
                do throws(V3MathError) { try proRata.removedFact(recorded.body) } catch {
                    throw BacktestError("fact \(recorded.id ?? "#\(folded)"): \(error.detail)")
                }
            }
            var trace: ConcentratedPool.SwapTrace?
            if case .swap = recorded.body, !proRata.positions.isEmpty { trace = .init(keeps: .all) }
            try foldBaseline(recorded, trace: &trace)
            if case .swap(let swap) = recorded.body, let steps = trace?.steps {
                let zeroForOne = !swap.amount0In.isZero
                do throws(V3MathError) {
                    for step in steps { try proRata.observe(step, zeroForOne: zeroForOne) }
                } catch {
                    throw BacktestError("swap \(recorded.id ?? "#\(folded)"): sharing its steps' fees: \(error.detail)")
                }
            }
        } else {
            // Read before the recorded pool moves: whether the changed pool is
            // where the recorded one was for this swap (then the recorded swap
            // is tried as it is first), and which order the trader sent.
            var sameStart = false
            var trace: ConcentratedPool.SwapTrace?
            var pairBefore: PairBefore?
            if removal == nil {
                if case .swap = recorded.body {
                    sameStart = Self.sameSwapStart(changedFold.audit, baseline.audit)
                    if mode == .exactInput { trace = .init(keeps: .last) }
                }
                pairBefore = baseline.audit.pairBefore(recorded.body)
            }
            try foldBaseline(recorded, trace: &trace)
            if removal == nil {
                try foldChanged(recorded, sameStart: sameStart, trace: trace, pairBefore: pairBefore)
                if !tracked.isEmpty { noteDeposit(recorded.body, changedSide: true) }
            }
        }
        if !tracked.isEmpty { noteDeposit(recorded.body, changedSide: false) }
        if let id = recorded.id, let placed = afterID.removeValue(forKey: id) {
            for addition in placed { try apply(addition, time: recorded.time, block: recorded.block) }
        }
        if strategy != nil { try runStrategy(after: recorded) }
        // Sampled after the additions placed here: both histories at the same point.
        try sampleAlong()
    }

    /// The strategy's commands after `recorded`, each decided and folded in the changed pool before it is asked again.
    mutating func runStrategy(after recorded: Fact) throws(BacktestError) {
        guard mode != .proRata else { throw BacktestError("a strategy trades in the pool: it takes price-path or exact-input, not pro-rata") }
        // Enough for any move (burn, collect, swap, mint), so a strategy that never says nil cannot hang the run.
        for _ in 0..<16 {
            // The pool handed over and let go before the command folds (a live copy would make the fold copy its tables).
            guard let command = try changedFold.audit.pool.map({ (state: PoolState) throws(BacktestError) -> Command? in try strategy!.next(after: recorded, pool: state) }) ?? nil else { return }
            var placed = command
            if placed.time == nil { placed.time = recorded.time }
            if placed.block == nil { placed.block = recorded.block }
            let facts: [Fact]
            do throws(Rejection) { facts = try changedFold.execute(placed) } catch {
                throw BacktestError("the strategy's \(command.body.commandName) after fact \(recorded.id ?? "#\(folded)"): \(error)")
            }
            strategy!.decided(facts)
            if let position = TrackedPosition(command.body), !tracked.contains(position) { tracked.append(position) }
            chargeGas(placed)
            for fact in facts {
                noteDeposit(fact.body, changedSide: true)
                if let key = Self.key(of: fact.body), !addedKeys.contains(key) { addedKeys.append(key) }
            }
        }
        throw BacktestError("the strategy asked for more than 16 commands after fact \(recorded.id ?? "#\(folded)")")
    }

    mutating func foldBaseline(_ recorded: Fact, trace: inout ConcentratedPool.SwapTrace?) throws(BacktestError) {
        do throws(Rejection) { try baseline.fold(recorded, trace: &trace) } catch {
            throw BacktestError("the recorded history itself is refused at fact \(recorded.id ?? "#\(folded)"): \(error)")
        }
    }

    /// Whether a swap starts from the same place in both pools: the price, the
    /// active liquidity and the fee (a pair: its reserves and fee). Where it
    /// does not, the recorded swap cannot reproduce (it is re-run straight
    /// away); where it does, it may (it does unless the price walks into a
    /// range the pools differ in).
    static func sameSwapStart(_ a: AuditFold, _ b: AuditFold) -> Bool {
        guard let start = a.swapStart else { return false }
        return start == b.swapStart
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
        // The end, unless the last fact's sample was it.
        if folded % sampleInterval != 0 { try sampleNet() }
    }

    // MARK: the changed history

    mutating func apply(_ addition: Addition, time: UInt64?, block: UInt64?) throws(BacktestError) {
        var command = addition.command
        guard command.pool == pool else {
            throw BacktestError("line \(addition.line): the command is for pool \(quoted(command.pool)), the backtest's is \(quoted(pool))")
        }
        // Read and let go: a copy of the pool kept alive here would make the fold below copy its tables.
        guard let timeLast = changed[pool].map({ $0.timeLast }) else {
            throw BacktestError("line \(addition.line): placed before the pool exists (its pool_created comes later)")
        }
        if let tickSpacing {
            let snapped: CommandBody = Self.snapped(command.body, to: tickSpacing)
            if snapped != command.body {
                command.body = snapped
                snappedAdded += 1
            }
        }
        // A placed command happens where it is placed: the recorded fact's time and block unless it gives its own.
        if command.time == nil { command.time = time ?? timeLast }
        if command.block == nil { command.block = block }
        if mode == .proRata {
            guard case .concentrated(let v3)? = baseline[pool]?.body else {
                throw BacktestError("line \(addition.line): pro-rata backtests concentrated pools")
            }
            let key = TrackedPosition(command.body)
            func deposited() -> (UInt256, UInt256) {
                guard case .range(let k)? = key, let history = proRata.positions[k]?.history else { return (.zero, .zero) }
                return (history.deposited0, history.deposited1)
            }
            let before = deposited()
            do throws(Rejection) { try proRata.apply(command, pool: v3, seq: baseline.seq) } catch {
                throw BacktestError("line \(addition.line): \(error)")
            }
            let after = deposited()
            chargeGas(command)
            // The shadow's deposit, valued at the recorded pool's price.
            if let key, after != before, let state = baseline[pool], let valuation = Valuation.poolPrice(state) {
                do throws(AuditError) {
                    changedFigures[key, default: .init()].capital += try valuation.value(after.0 - before.0, after.1 - before.1)
                } catch {
                    // Past 2^256 value units: token amounts only.
                }
            }
            for key in proRata.order where !addedKeys.contains(key) { addedKeys.append(key) }
            return
        }
        let facts: [Fact]
        do throws(Rejection) { facts = try changedFold.execute(command) } catch {
            throw BacktestError("line \(addition.line): \(error)")
        }
        chargeGas(command)
        for fact in facts {
            noteDeposit(fact.body, changedSide: true)
            if let key = Self.key(of: fact.body), !addedKeys.contains(key) { addedKeys.append(key) }
            for provider in Self.providers(of: fact.body) where !addedProviders.contains(provider) { addedProviders.append(provider) }
        }
    }

    /// The command a recorded position fact stands for (nil for another fact).
    static func command(for body: FactBody, pool: String) -> CommandBody? {
        switch body {
        case .positionMinted(let f): return .mintPosition(MintPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity))
        case .positionBurned(let f): return .burnPosition(BurnPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity))
        case .feesCollected(let f): return .collect(CollectFees(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, amount0Max: f.amount0, amount1Max: f.amount1))
        default: return nil
        }
    }

    /// A range command with its ticks snapped out to `spacing` (the lower down, the upper up, within the ticks' bounds).
    static func snapped(_ body: CommandBody, to spacing: Int32) -> CommandBody {
        func out(_ lower: Int32, _ upper: Int32) -> (Int32, Int32) {
            let low = Int32((Int64(lower) - ((Int64(lower) % Int64(spacing)) + Int64(spacing)) % Int64(spacing)))
            let highFloor = Int32((Int64(upper) - ((Int64(upper) % Int64(spacing)) + Int64(spacing)) % Int64(spacing)))
            let high = highFloor == upper ? upper : highFloor + spacing
            return (max(low, TickMath.minTick / spacing * spacing), min(high, TickMath.maxTick / spacing * spacing))
        }
        switch body {
        case .mintPosition(var c): (c.tickLower, c.tickUpper) = out(c.tickLower, c.tickUpper); return .mintPosition(c)
        case .burnPosition(var c): (c.tickLower, c.tickUpper) = out(c.tickLower, c.tickUpper); return .burnPosition(c)
        case .collect(var c): (c.tickLower, c.tickUpper) = out(c.tickLower, c.tickUpper); return .collect(c)
        default: return body
        }
    }

    static func snapped(_ body: CommandBody?, to spacing: Int32) -> CommandBody? { body.map { snapped($0, to: spacing) } }

    static func providers(of body: FactBody) -> [String] {
        switch body {
        case .liquidityAdded(let f): return [f.provider]
        case .liquidityRemoved(let f): return [f.provider]
        case .sharesTransferred(let f): return [f.from, f.to]
        default: return []
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
    /// `sameStart`: for a swap, whether the changed pool starts it where the
    /// recorded one did; `trace`: how the recorded pool ran it (exact-input).
    /// `pairBefore`: for a constant-product pool, the recorded pool before the fact.
    mutating func foldChanged(_ recorded: Fact, sameStart: Bool, trace: ConcentratedPool.SwapTrace?, pairBefore: PairBefore?) throws(BacktestError) {
        if case .poolCreated(var created) = recorded.body, feePPM != nil || tickSpacing != nil {
            // The changed history's pool at the backtest's fee tier and tick spacing.
            if let feePPM { created.feePPM = feePPM }
            if let tickSpacing {
                guard created.model == .concentrated else { throw BacktestError("--tick-spacing: \(quoted(pool)) is \(created.model.displayName), which has no ticks") }
                created.tickSpacing = tickSpacing
            }
            var fact = recorded
            fact.body = .poolCreated(created)
            do throws(Rejection) { try changedFold.fold(fact) } catch {
                throw BacktestError("the pool at fee tier \(created.feePPM), tick spacing \(created.tickSpacing.map(String.init) ?? "none"): \(error)")
            }
            return
        }
        if let tickSpacing {
            // A recorded range the new spacing does not hold: the command it stands for, snapped out.
            let snapped = Self.snapped(Self.command(for: recorded.body, pool: pool), to: tickSpacing)
            if let command = snapped, Self.key(of: recorded.body).map({ TrackedPosition(command) != .range($0) }) == true {
                snappedRecorded += 1
                redecided += 1
                let fact = try decided(recorded, command)
                do throws(Rejection) { try changedFold.fold(fact) } catch {
                    throw BacktestError("fact \(recorded.id ?? "#\(folded)") snapped to tick spacing \(tickSpacing) is refused: \(error)")
                }
                return
            }
        }
        if case .swap(let swap) = recorded.body, !sameStart {
            // Started elsewhere, the recorded swap cannot be the changed pool's: re-run at once.
            if let pairBefore {
                try rerunPair(swap, recorded, pairBefore)
                return
            }
            if changedFold.audit.pool?.model == .concentrated {
                try rerun(swap, recorded, trace: trace)
                return
            }
        }
        // As recorded, whenever it still holds: every field is checked by the fold.
        let refusal: Rejection
        do throws(Rejection) {
            try changedFold.fold(recorded)
            return
        } catch {
            refusal = error
        }
        if let pairBefore {
            try foldPairChanged(recorded, pairBefore, refusal: refusal)
            return
        }
        guard changedFold.audit.pool?.model == .concentrated else {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") no longer holds in the changed pool: \(refusal)")
        }
        let fact: Fact
        switch recorded.body {
        case .swap(let swap):
            try rerun(swap, recorded, trace: trace)
            return
        case .positionMinted(let f):
            redecided += 1
            fact = try decided(recorded, .mintPosition(MintPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity)))
        case .positionBurned(let f):
            redecided += 1
            fact = try decided(recorded, .burnPosition(BurnPosition(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity)))
        case .feesCollected(let f):
            redecided += 1
            fact = try decided(recorded, .collect(CollectFees(pool: pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, amount0Max: f.amount0, amount1Max: f.amount1)))
        default:
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") (\(recorded.body.typeName)) no longer holds in the changed pool and has no command to stand for it yet")
        }
        do throws(Rejection) { try changedFold.fold(fact) } catch {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") re-run in the changed pool is refused: \(error)")
        }
    }

    /// The command a recorded fact stands for, decided against the changed pool, with the fact's id, time and block.
    mutating func decided(_ recorded: Fact, _ body: CommandBody) throws(BacktestError) -> Fact {
        let facts: [Fact]
        do throws(Rejection) {
            facts = try Decide.decide(Command(body, id: recorded.id, time: recorded.time, block: recorded.block), changed[pool])
        } catch {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") (\(recorded.body.typeName)) as a command in the changed pool: \(error)")
        }
        // Every command of these decides exactly one fact.
        return facts[0]
    }

    /// A recorded swap re-run in the changed pool in the mode's way, in place.
    mutating func rerun(_ swap: Swap, _ recorded: Fact, trace: ConcentratedPool.SwapTrace?) throws(BacktestError) {
        let zeroForOne = !swap.amount0In.isZero
        let specified: SignedAmount, limit: UInt256?
        switch mode {
        case .pricePath:
            // To the price it ended at, with whatever input that takes.
            guard let price = changedFold.audit.swapStart?.price, let target = swap.sqrtPriceX96After else {
                throw BacktestError("swap \(recorded.id ?? "#\(folded)") carries no sqrt_price_x96_after: price-path needs the price it ended at")
            }
            // Already there (or past it): the recorded trade has nothing left to do here.
            if zeroForOne ? price <= target : price >= target {
                skipped += 1
                return
            }
            (specified, limit) = (SignedAmount(UInt256.max >> 1), target)
        case .exactInput:
            (specified, limit) = (try order(swap, recorded, trace: trace), swap.sqrtPriceLimitX96)
        case .proRata:
            preconditionFailure("pro-rata leaves the recorded pool as it was")
        }
        repriced += 1
        do throws(Rejection) {
            _ = try changedFold.swap(like: recorded, trader: swap.trader, zeroForOne: zeroForOne, specified: specified, limit: limit)
        } catch {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)") re-run in the changed pool (\(mode.rawValue)): \(error)")
        }
    }

    /// `exact-input`: the trader's order, the form (exact input or exact
    /// output) the one that reproduced the swap in the recorded pool.
    mutating func order(_ swap: Swap, _ recorded: Fact, trace: ConcentratedPool.SwapTrace?) throws(BacktestError) -> SignedAmount {
        let zeroForOne = !swap.amount0In.isZero
        let amountIn = zeroForOne ? swap.amount0In : swap.amount1In, amountOut = zeroForOne ? swap.amount1Out : swap.amount0Out
        guard let trace, case .concentrated(let v3)? = baseline[pool]?.body else {
            throw BacktestError("swap \(recorded.id ?? "#\(folded)"): no concentrated pool to re-run it in")
        }
        switch trace.form {
        case .exactOutput?:
            return SignedAmount(amountOut, negative: true)
        case .exactInput?:
            let both: Bool
            do throws(V3MathError) { both = try trace.exactOutputAlsoReproduces(feePips: v3.feePips) } catch {
                throw BacktestError("swap \(recorded.id ?? "#\(folded)"): \(error.detail)")
            }
            if both { noteAmbiguous(recorded.id ?? "#\(folded)") }
            return SignedAmount(amountIn)
        case .upToLimit?, nil:
            // It stopped at its price limit, having taken less than offered; its input then is what is known.
            return SignedAmount(amountIn)
        }
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
        /// Concentrated pools: the added positions' rows, and both audits.
        public var added: [RangePositionAudit] = []
        public var audit: ConcentratedPoolAudit?
        public var baselineAudit: ConcentratedPoolAudit?
        /// The recorded history's rows of the same positions (those it has).
        public var baselineAdded: [RangePositionAudit] = []
        public var baselineProviders: [ProviderAudit] = []
        /// Constant-product pools: the added providers' rows, and both audits.
        public var addedProviders: [ProviderAudit] = []
        public var pairAudit: PoolAudit?
        public var baselinePairAudit: PoolAudit?
    }

    /// After `finish`. Values are at the pool's price; a pool whose price
    /// puts a value past 2^256 value units is audited in token amounts only
    /// (`valuation` nil, every value 0).
    public func outcome() throws(AuditError) -> Outcome {
        guard let changedPool = changed[pool], let baselinePool = baseline[pool] else {
            throw AuditError("backtest of \(pool): the pool is not created")
        }
        var outcome = Outcome(changed: changedPool, baseline: baselinePool,
                              changedHash: StateHash.hash(changedPool), baselineHash: StateHash.hash(baselinePool))
        if changedPool.model == .constantProduct {
            func audited(_ fold: AuditFold) throws(AuditError) -> PoolAudit? {
                do throws(AuditError) {
                    return try fold.audit(includeExited: true)
                } catch {
                    guard let state = fold.pool else { return nil }
                    return try PoolAudit(pool: state, book: fold.book, valuation: nil, includeExited: true)
                }
            }
            let audit = try audited(changed.audit)
            outcome.pairAudit = audit
            outcome.baselinePairAudit = try audited(baseline.audit)
            outcome.addedProviders = addedProviders.compactMap { provider in audit?.providers.first { $0.provider == provider } }
            outcome.baselineProviders = addedProviders.compactMap { provider in outcome.baselinePairAudit?.providers.first { $0.provider == provider } }
            return outcome
        }
        func audited(_ fold: AuditFold) throws(AuditError) -> ConcentratedPoolAudit? {
            do throws(AuditError) {
                return try fold.concentratedAudit(includeExited: true)
            } catch {
                guard let state = fold.pool else { return nil }
                return try ConcentratedPoolAudit(pool: state, book: fold.rangeBook, valuation: nil, includeExited: true)
            }
        }
        guard let audit = try audited(changed.audit) else { throw AuditError("backtest of \(pool): no audit of the changed pool") }
        outcome.audit = audit
        outcome.baselineAudit = try audited(baseline.audit)
        if mode == .proRata, case .concentrated(let v3) = changedPool.body {
            outcome.added = try proRata.rows(pool: v3, valuation: audit.valuation)
        } else {
            outcome.added = addedKeys.compactMap { key in audit.positions.first { $0.position.key == key } }
        }
        outcome.baselineAdded = outcome.added.compactMap { row in outcome.baselineAudit?.positions.first { $0.position.key == row.position.key } }
        return outcome
    }
}

/// What a backtest reads of a pool before each fact, read in place through
/// optional chaining (a copy of the pool, large as its state is, costs more
/// than the fact's fold).
extension AuditFold {
    var swapStart: SwapStart? { pool?.body.swapStart(feePPM: pool!.header.feePPM) }

    /// For a constant-product pool, what re-deciding `body` there needs of it (nil for another model).
    func pairBefore(_ body: FactBody) -> Backtest.PairBefore? { pool?.body.pairBefore(body, feePPM: pool!.header.feePPM) ?? nil }
}

/// Where a swap starts: a concentrated pool's price, active liquidity, fee
/// and protocol fee; a pair's reserves and fee.
struct SwapStart: Equatable {
    var price: UInt256
    var reserve1 = UInt256.zero
    var liquidity: UInt128 = 0
    var fee: UInt32
    var feeProtocol: UInt8 = 0
}

extension PoolBody {
    func swapStart(feePPM: UInt32) -> SwapStart {
        switch self {
        case .concentrated(let v3):
            return SwapStart(price: v3.sqrtPriceX96, liquidity: v3.liquidity, fee: v3.feePips, feeProtocol: v3.feeProtocol)
        case .constantProduct(let pair):
            return SwapStart(price: pair.reserve0, reserve1: pair.reserve1, fee: feePPM)
        }
    }

    func pairBefore(_ body: FactBody, feePPM: UInt32) -> Backtest.PairBefore? {
        guard case .constantProduct(let pair) = self else { return nil }
        let held: UInt256
        switch body {
        case .liquidityRemoved(let f): held = pair.shares(of: f.provider)
        case .sharesTransferred(let f): held = pair.shares(of: f.from)
        default: held = .zero
        }
        return Backtest.PairBefore(reserve0: pair.reserve0, reserve1: pair.reserve1, feePPM: feePPM, held: held)
    }
}
