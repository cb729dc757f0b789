import PoolMath

/// A position a backtest follows: a V3 range position or a V2 provider.
public enum TrackedPosition: Hashable, Sendable, CustomStringConvertible {
    case range(ConcentratedPool.PositionKey)
    case provider(String)

    /// The position a command is about (nil for one that is about none: a swap).
    init?(_ body: CommandBody) {
        switch body {
        case .mintPosition(let c): self = .range(.init(owner: c.owner, tickLower: c.tickLower, tickUpper: c.tickUpper))
        case .burnPosition(let c): self = .range(.init(owner: c.owner, tickLower: c.tickLower, tickUpper: c.tickUpper))
        case .collect(let c): self = .range(.init(owner: c.owner, tickLower: c.tickLower, tickUpper: c.tickUpper))
        case .addLiquidity(let c): self = .provider(c.provider)
        case .removeLiquidity(let c): self = .provider(c.provider)
        case .transferShares(let c): self = .provider(c.from)
        default: return nil
        }
    }

    /// The deposit `body` makes into this position, if it is one.
    func deposit(_ body: FactBody) -> (UInt256, UInt256)? {
        // By the fact's kind first (most facts are swaps, no deposit at all).
        switch body {
        case .positionMinted(let f):
            guard case .range(let key) = self, f.key == key else { return nil }
            return (f.amount0, f.amount1)
        case .liquidityAdded(let f):
            guard case .provider(let provider) = self, f.provider == provider else { return nil }
            return (f.amount0, f.amount1)
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .range(let key): "\(key.owner):\(key.tickLower):\(key.tickUpper)"
        case .provider(let provider): provider
        }
    }
}

/// A followed position's figures along the history: how long it held
/// liquidity and (V3) how long its range held the price, by the facts'
/// times and by their blocks; the capital it put in, each deposit valued at the pool's price
/// then; and the worst fall of its net value against HODL from an earlier
/// peak, sampled as `Backtest.sampleInterval` says and at the end.
public struct PositionFigures: Sendable, Equatable {
    public var heldSeconds: UInt64 = 0
    public var inRangeSeconds: UInt64 = 0
    /// The same by block numbers (histories whose facts carry blocks, not times).
    public var heldBlocks: UInt64 = 0
    public var inRangeBlocks: UInt64 = 0
    /// Value units (the audit's).
    public var capital: UInt256 = .zero
    public var maxDrawdown: UInt256 = .zero
    public var samples = 0
    var peak: SignedAmount?
    /// Its value and HODL value along the history, at the samples (see `Backtest.sampleInterval`).
    public internal(set) var series: [(fact: Int, value: UInt256, hodl: UInt256)] = []

    public static func == (a: PositionFigures, b: PositionFigures) -> Bool {
        a.heldSeconds == b.heldSeconds && a.inRangeSeconds == b.inRangeSeconds && a.heldBlocks == b.heldBlocks && a.inRangeBlocks == b.inRangeBlocks
            && a.capital == b.capital && a.maxDrawdown == b.maxDrawdown && a.samples == b.samples && a.peak == b.peak
            && a.gasUnits == b.gasUnits && a.gasWei == b.gasWei
            && a.series.count == b.series.count && zip(a.series, b.series).allSatisfy { $0.fact == $1.fact && $0.value == $1.value && $0.hodl == $1.hodl }
    }

    mutating func note(fact: Int, value: UInt256, hodl: UInt256) {
        samples += 1
        series.append((fact, value, hodl))
    }

    /// Keeps the points at multiples of `interval` (the sampling grown sparser).
    mutating func thin(to interval: Int) { series.removeAll { $0.fact % interval != 0 } }

    /// The gas of the commands about it (with a `GasSchedule`): units, and wei at each command's block's price.
    public var gasUnits: UInt64 = 0
    public var gasWei: UInt256 = .zero

    public init() {}

    /// Seconds in a year of 365 days, the APR's year.
    public static let year: UInt64 = 365 * 86_400

    /// Fees over capital per year held, in millionths of a percent (nil
    /// without capital or time held): `fees * 10^8 * year / (capital * held)`.
    public func feeAPR(fees: SignedAmount) -> SignedAmount? {
        guard !capital.isZero, heldSeconds > 0 else { return nil }
        let (scaled, overflow) = fees.magnitude.multipliedReportingOverflow(by: UInt256(100_000_000) * UInt256(Self.year))
        let (denominator, overflow2) = capital.multipliedReportingOverflow(by: UInt256(heldSeconds))
        guard !overflow, !overflow2 else { return nil }
        return SignedAmount(scaled / denominator, negative: fees.isNegative)
    }

    mutating func sample(net: SignedAmount) {
        guard let high = peak, !(net > high) else {
            peak = net
            return
        }
        let fall = (high - net).magnitude
        if fall > maxDrawdown { maxDrawdown = fall }
    }
}

extension Backtest {
    /// At most this many samples of the followed positions' values are kept.
    public static let seriesLimit = 512

    /// After a recorded fact: a sample of the followed positions' values at
    /// every `sampleInterval`-th fact. It starts at every fact and doubles
    /// each time `seriesLimit` samples have been taken at it (the samples
    /// kept thinned to the new interval), so a short history is drawn fact
    /// by fact and a long one costs a few thousand samples in all.
    mutating func sampleAlong() throws(BacktestError) {
        guard folded % sampleInterval == 0 else { return }
        try sampleNet()
        samplesAtInterval += 1
        if samplesAtInterval >= Self.seriesLimit {
            sampleInterval *= 2
            samplesAtInterval /= 2
            for key in changedFigures.keys { changedFigures[key]!.thin(to: sampleInterval) }
            for key in baselineFigures.keys { baselineFigures[key]!.thin(to: sampleInterval) }
        }
    }

    /// Before a recorded fact: the time (and the blocks) since the last one,
    /// to each followed position that held liquidity (and held the price in
    /// its range) over it. Facts without a time (or block) count none.
    mutating func accrue(time: UInt64?, block: UInt64?) {
        let seconds = time.flatMap { t in lastTime.map { t > $0 ? t - $0 : 0 } } ?? 0
        let blocks = block.flatMap { b in lastFigureBlock.map { b > $0 ? b - $0 : 0 } } ?? 0
        if let time { lastTime = time }
        if let block { lastFigureBlock = block }
        guard seconds > 0 || blocks > 0, !tracked.isEmpty else { return }
        func add(_ figures: inout PositionFigures, held: Bool, inRange: Bool) {
            if held { figures.heldSeconds += seconds; figures.heldBlocks += blocks }
            if inRange { figures.inRangeSeconds += seconds; figures.inRangeBlocks += blocks }
        }
        for position in tracked {
            if let (held, inRange) = holding(position, changedSide: true) { add(&changedFigures[position, default: .init()], held: held, inRange: inRange) }
            if let (held, inRange) = holding(position, changedSide: false) { add(&baselineFigures[position, default: .init()], held: held, inRange: inRange) }
        }
    }

    /// Whether `position` holds liquidity, and whether its range holds the price, in one history.
    func holding(_ position: TrackedPosition, changedSide: Bool) -> (Bool, Bool)? {
        if changedSide && mode == .proRata, case .range(let key) = position {
            guard let liquidity = proRata.positions[key]?.liquidity, liquidity > 0 else { return (false, false) }
            guard let tick = baseline.audit.pool?.body.currentTick else { return nil }
            return (true, key.tickLower <= tick && tick < key.tickUpper)
        }
        // Read in place, each history by name (a copy of either fold would copy its pool).
        return changedSide ? changedFold.audit.pool?.body.holding(position) : baseline.audit.pool?.body.holding(position)
    }

    /// A command run in the changed history (added, or a strategy's): its gas, to the position it is about.
    mutating func chargeGas(_ command: Command) {
        guard let gas, let position = TrackedPosition(command.body) else { return }
        let (units, wei) = gas.cost(of: command)
        changedFigures[position, default: .init()].gasUnits += units
        changedFigures[position, default: .init()].gasWei += wei
    }

    /// A deposit folded into one history: its capital, valued at the pool's price after it.
    mutating func noteDeposit(_ body: FactBody, changedSide: Bool) {
        switch body {
        case .positionMinted, .liquidityAdded: break
        default: return
        }
        for position in tracked {
            guard let (amount0, amount1) = position.deposit(body) else { continue }
            let pool = changedSide ? changedFold.audit.pool : baseline.audit.pool
            guard let pool, let valuation = Valuation.poolPrice(pool) else { continue }
            do throws(AuditError) {
                let value = try valuation.value(amount0, amount1)
                if changedSide { changedFigures[position, default: .init()].capital += value } else { baselineFigures[position, default: .init()].capital += value }
            } catch {
                // A value past 2^256 units: the pool's figures are token amounts only, its capital too.
            }
        }
    }

    /// Each followed position's net value against HODL now, in both histories
    /// (for the drawdown). A pool whose price puts a value past 2^256 units is
    /// audited in token amounts only: its positions are not sampled then.
    mutating func sampleNet() throws(BacktestError) {
        guard !tracked.isEmpty else { return }
        for (position, net, value, hodl) in nets(changedSide: true) {
            changedFigures[position, default: .init()].sample(net: net)
            changedFigures[position, default: .init()].note(fact: folded, value: value, hodl: hodl)
        }
        for (position, net, value, hodl) in nets(changedSide: false) {
            baselineFigures[position, default: .init()].sample(net: net)
            baselineFigures[position, default: .init()].note(fact: folded, value: value, hodl: hodl)
        }
    }

    func nets(changedSide: Bool) -> [(TrackedPosition, SignedAmount, UInt256, UInt256)] {
        let fold = changedSide && mode != .proRata ? changedFold.audit : baseline.audit
        guard let pool = fold.pool, let valuation = Valuation.poolPrice(pool) else { return [] }
        var nets: [(TrackedPosition, SignedAmount, UInt256, UInt256)] = []
        do throws(AuditError) {
            switch pool.body {
            case .concentrated(let v3):
                if changedSide && mode == .proRata {
                    for row in try proRata.rows(pool: v3, valuation: valuation) { nets.append((.range(row.position.key), row.netValue, row.value, row.hodlValue)) }
                    return nets
                }
                for position in tracked {
                    guard case .range(let key) = position, let history = fold.rangeBook.positions[key] else { continue }
                    let row = try ConcentratedPoolAudit.row(history, v3.positions[key] ?? .init(), v3: v3, valuation: valuation)
                    nets.append((position, row.netValue, row.value, row.hodlValue))
                }
            case .constantProduct(let pair):
                for position in tracked {
                    guard case .provider(let provider) = position, fold.book[provider] != nil else { continue }
                    let row = try PoolAudit.audit(provider, pair: pair, book: fold.book, valuation: valuation)
                    nets.append((position, row.netValue, row.value, row.hodlValue))
                }
            }
        } catch {
            // Past 2^256 value units at this price: no sample here (the audit falls back to token amounts).
            return []
        }
        return nets
    }
}

extension PoolBody {
    var currentTick: Int32? {
        guard case .concentrated(let v3) = self else { return nil }
        return v3.tick
    }

    /// Whether `position` holds liquidity here, and (V3) whether its range holds the price.
    func holding(_ position: TrackedPosition) -> (Bool, Bool) {
        // By the position's kind first: a tuple of the two would copy the pool.
        switch position {
        case .range(let key):
            guard case .concentrated(let v3) = self else { return (false, false) }
            let held = (v3.positions[key]?.liquidity ?? 0) > 0
            return (held, held && key.tickLower <= v3.tick && v3.tick < key.tickUpper)
        case .provider(let provider):
            guard case .constantProduct(let pair) = self else { return (false, false) }
            // A constant-product position is in range at every price.
            let held = !pair.shares(of: provider).isZero
            return (held, held)
        }
    }
}
