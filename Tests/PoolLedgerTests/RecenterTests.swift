import PoolLedger
import PoolMath
import Testing
import TestSupport

/// The built-in `recenter` strategy on generated V3 histories: it moves its
/// range exactly at the recorded facts after which the price is outside it
/// (and nowhere else), each move empties the old position (burned, all it
/// was owed collected) before the new one opens, and the pool's laws and
/// the audit's conservation hold throughout.
@Suite struct RecenterTests {
    /// A pool with three nested ranges of liquidity and a random walk of swaps across them; ids, blocks and times.
    static func history(seed: UInt64) throws -> [Fact] {
        var rng = SplitMix64(seed: seed)
        var ledger = Ledger()
        var facts: [Fact] = []
        func run(_ body: CommandBody) throws { facts += try ledger.execute(Command(body)) }
        try run(.createPool(PoolCreated(pool: "p", token0: "A", token1: "B", feePPM: 3000, model: .concentrated,
                                        tickSpacing: 60, sqrtPriceX96: try TickMath.sqrtRatio(atTick: 0))))
        for (index, half) in [6000, 3000, 1200].enumerated() {
            try run(.mintPosition(MintPosition(pool: "p", owner: "lp\(index)", tickLower: Int32(-half), tickUpper: Int32(half), liquidity: UInt256.powerOfTen(21)!)))
        }
        for _ in 0..<400 {
            let zeroForOne = Bool.random(using: &rng)
            let amount = UInt256(UInt64.random(in: 1...200, using: &rng)) * UInt256.powerOfTen(17)!
            do {
                try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: zeroForOne ? "A" : "B", amountIn: amount)))
            } catch is Rejection {
                // Past the liquidity: not part of the history.
            }
        }
        return facts.enumerated().map { index, fact in
            var fact = fact
            fact.id = "g\(index + 1)"
            fact.block = 1_000 + UInt64(index)
            fact.time = 1_700_000_000 + 12 * UInt64(index)
            return fact
        }
    }

    /// Recenter, watched: what the backtest handed it at its first call after each fact, and what each of its commands decided.
    struct Watched: Strategy {
        var inner: Recenter
        var firstLook: [String: (tick: Int32, range: (Int32, Int32)?, liquidity: UInt128)] = [:]
        var decidedAfter: [(fact: String, facts: [Fact])] = []
        var current: String?

        mutating func next(after fact: Fact, pool: PoolState) throws(BacktestError) -> Command? {
            if current != fact.id, case .concentrated(let v3) = pool.body {
                current = fact.id
                let range = inner.range
                let liquidity = range.map { v3.positions[ConcentratedPool.PositionKey(owner: inner.owner, tickLower: $0.lower, tickUpper: $0.upper)]?.liquidity ?? 0 } ?? 0
                firstLook[fact.id!] = (v3.tick, range.map { ($0.lower, $0.upper) }, liquidity)
            }
            return try inner.next(after: fact, pool: pool)
        }

        mutating func decided(_ facts: [Fact]) {
            decidedAfter.append((current!, facts))
            inner.decided(facts)
        }
    }

    @Test(arguments: [Backtest.Mode.pricePath, .exactInput])
    func movesExactlyWhereThePriceLeavesItsRange(mode: Backtest.Mode) throws {
        var totalMoves = 0
        for seed in UInt64(1)...4 {
            let facts = try Self.history(seed: seed)
            let strategy = Watched(inner: Recenter(pool: "p", width: 600, capital: "10A"))
            var backtest = Backtest(pool: "p", mode: mode, additions: [], removals: [], strategy: strategy)
            for fact in facts { try backtest.feed(fact) }
            try backtest.finish()
            let watched = try #require(backtest.strategy as? Watched)
            let burnsAfter = Set(watched.decidedAfter.filter { $0.facts.contains { if case .positionBurned = $0.body { true } else { false } } }.map(\.fact))
            // A move exactly where the price was out of the live range, as the backtest showed the pool.
            for fact in facts {
                guard let look = watched.firstLook[fact.id!] else { continue }
                let outside = look.range.map { look.liquidity > 0 && !($0.0 <= look.tick && look.tick < $0.1) } ?? false
                #expect(burnsAfter.contains(fact.id!) == outside, "seed \(seed) fact \(fact.id!): tick \(look.tick), range \(String(describing: look.range))")
            }
            // Each move empties the old position before the next opens: burned whole, everything owed collected.
            var open: ConcentratedPool.PositionKey?
            for (_, decided) in watched.decidedAfter {
                for fact in decided {
                    switch fact.body {
                    case .positionMinted(let f):
                        #expect(open == nil || open == f.key, "a new range opened while \(String(describing: open)) still held liquidity")
                        open = f.key
                    case .positionBurned(let f):
                        #expect(f.key == open)
                    case .feesCollected(let f):
                        #expect(f.key == open)
                        open = nil
                    default:
                        break
                    }
                }
            }
            let outcome = try backtest.outcome()
            let audit = try #require(outcome.audit)
            guard case .concentrated(let v3) = outcome.changed.body else { Issue.record("not concentrated"); continue }
            // Every closed range is empty in the pool; what the positions can claim is within what the pool holds.
            let live = watched.inner.range.map { ConcentratedPool.PositionKey(owner: "recenter", tickLower: $0.lower, tickUpper: $0.upper) }
            for row in audit.positions where row.position.key.owner == "recenter" && row.position.key != live {
                #expect(row.liquidity == 0 && row.claimable0.isZero && row.claimable1.isZero, "\(row.position.key)")
            }
            #expect(audit.owed0 <= v3.balance0 && audit.owed1 <= v3.balance1)
            #expect(watched.inner.moves == burnsAfter.count && burnsAfter.count >= 2, "seed \(seed): \(burnsAfter.count) moves")
            totalMoves += burnsAfter.count
        }
        #expect(totalMoves >= 12, "\(totalMoves) moves over four histories")
    }

    @Test func capitalNamesATokenOfThePool() throws {
        let facts = try Self.history(seed: 1)
        var backtest = Backtest(pool: "p", mode: .pricePath, additions: [], removals: [], strategy: Recenter(pool: "p", width: 600, capital: "10WETH"))
        #expect(throws: BacktestError.self) { for fact in facts { try backtest.feed(fact) } }
        var proRata = Backtest(pool: "p", mode: .proRata, additions: [], removals: [], strategy: Recenter(pool: "p", width: 600, capital: "10A"))
        #expect(throws: BacktestError.self) { for fact in facts { try proRata.feed(fact) } }
    }
}

/// A grid of variants run at once gives, variant by variant, what each gives run alone.
@Suite struct BacktestGridTests {
    @Test func variantsAtOnceGiveWhatEachGivesAlone() throws {
        let facts = try RecenterTests.history(seed: 2)
        let mint = Command(.mintPosition(MintPosition(pool: "p", owner: "me", tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(20)!)))
        var variants: [Backtest] = []
        for combination in BacktestGrid.combinations([("fee-ppm", ["500", "3000", "10000"]), ("width", ["0", "600", "1200"])]) {
            let fee = UInt32(combination[0].value)!, width = Int32(combination[1].value)!
            let strategy: (any Strategy)? = width == 0 ? nil : Recenter(pool: "p", width: width, capital: "5A")
            let additions = width == 0 ? [Backtest.Addition(place: .after("g4"), command: mint, line: 1)] : []
            variants.append(Backtest(pool: "p", mode: fee == 500 ? .exactInput : .pricePath, additions: additions, removals: [], feePPM: fee, strategy: strategy))
        }
        #expect(variants.count == 9)
        let together = try BacktestGrid.run(variants) { feed in for fact in facts { try feed(fact) } }
        for (variant, run) in zip(variants, together) {
            var alone = variant
            for fact in facts { try alone.feed(fact) }
            try alone.finish()
            let (a, b) = (try alone.outcome(), try run.outcome())
            #expect(a.changedHash == b.changedHash && a.added == b.added && alone.changedFigures == run.changedFigures)
            #expect(!a.added.isEmpty)
        }
        // The variants differ from one another: the grid is not one run repeated.
        #expect(Set(try together.map { try $0.outcome().changedHash }).count == 9)
    }
}
