import ArgumentParser
import DurableLedger
import Fixtures
import Foundation
import PoolLedger
import PoolMath

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark helpers for tools/bench: the fixed workload, the in-memory fold, state --at latency.",
        subcommands: [Workload.self, FoldBench.self, StateAt.self, ConcentratedSwaps.self, ConcentratedWorkload.self, ContractSwaps.self])

    /// A concentrated pool's history for the re-fold benchmark at a given
    /// number of positions: a pool like `v3-swaps`' (0.3 %, spacing 60, price
    /// at tick 55,000), N positions with random ranges around the price, then
    /// M exact-input swaps sized as `v3-swaps` sizes them. Decided by the pool
    /// model alone (no laws: the facts are what is measured, and every law runs
    /// when they are imported or replayed), so writing it costs the same at
    /// any N.
    struct ConcentratedWorkload: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "v3-workload", abstract: "Write a concentrated pool's facts: N positions, then M swaps (JSON Lines).")
        @Option(help: "Number of positions N.") var positions: Int = 10
        @Option(help: "Number of swaps M.") var swaps: Int = 20_000
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Option(help: "Draw the positions' ranges from the first R only (the same initialized ticks at any N, so that swaps cross the same ticks).")
        var ranges: Int?
        @Argument(help: "Output file.") var file: String

        func run() throws {
            var rng = SplitMix64(seed: seed)
            let created = PoolCreated(pool: "v3", token0: "WETH", token1: "ENS", feePPM: 3000, model: .concentrated,
                                      tickSpacing: 60, sqrtPriceX96: try TickMath.sqrtRatio(atTick: 55_000))
            var pool = try ConcentratedPool(feePips: 3000, tickSpacing: 60, sqrtPriceX96: created.sqrtPriceX96!)
            var count = 0
            try Terminal.writeLines(to: file) { emit in
                emit(ContractCodec.line(Fact(.poolCreated(created))))
                // One owner each; a thousandth of v3-swaps' liquidity each, so that the pool's total stays alike.
                var drawn = ConcentratedSwaps.positions(&rng, count: positions, owners: positions, unit: 1_000_000_000_000_000)
                if let ranges, ranges > 0 {
                    // Same ranges as the first R positions; owners and liquidity as drawn.
                    for index in drawn.indices { (drawn[index].lower, drawn[index].upper) = (drawn[index % ranges].lower, drawn[index % ranges].upper) }
                }
                for position in drawn {
                    let paid = try pool.mint(owner: position.owner, tickLower: position.lower, tickUpper: position.upper, amount: position.liquidity)
                    emit(ContractCodec.line(Fact(.positionMinted(PositionChanged(
                        pool: "v3", owner: position.owner, tickLower: position.lower, tickUpper: position.upper,
                        liquidity: UInt256(high: 0, low: position.liquidity), amount0: paid.amount0, amount1: paid.amount1)))))
                }
                for index in 0..<swaps {
                    let (zeroForOne, amount) = ConcentratedSwaps.nextSwap(index: index, tick: pool.tick, liquidity: pool.liquidity, rng: &rng)
                    let run = try ConcentratedPool.concentratedSwap(pool, zeroForOne: zeroForOne, specified: SignedAmount(amount), limit: nil)
                    pool = run.pool
                    emit(ContractCodec.line(Fact(.swap(run.fact(pool: "v3", trader: "t")))))
                    count += 1
                    if count % 100_000 == 0 { Terminal.progress("generated \(count) swaps") }
                }
            }
            Terminal.endProgress()
            Terminal.output("facts=\(1 + positions + swaps) positions=\(positions) swaps=\(swaps) tick=\(pool.tick)\n")
        }
    }

    /// The contract's own work on a recorded concentrated pool, apart from
    /// everything the ledger adds: the pool built from a facts file's other
    /// facts, then each swap fact's swap run by the pool model alone
    /// (`UniswapV3Pool.swap` with the fact's input and limit; no laws, no law
    /// accounts, no journal, no decoding, no store), timed. Each swap's price
    /// after must be the fact's. What it shows: the part of a re-fold's cost
    /// that is the contract's own, at any number of positions.
    struct ContractSwaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "v3-contract", abstract: "Run a facts file's V3 swaps through the pool model alone (no laws); print swaps/s and swap steps.")
        @Argument(help: "JSON Lines file of facts (one concentrated pool: its creation and positions, then swaps).") var file: String

        func run() throws {
            let facts = try FoldBench.parse(try Terminal.read(file))
            var ledger = Ledger()
            ledger.tracksIDs = false
            var swaps: [Swap] = []
            for fact in facts {
                if case .swap(let swap) = fact.body { swaps.append(swap) } else if swaps.isEmpty { try ledger.fold(fact) } else {
                    throw ValidationError("a \(fact.body.typeName) after the first swap: this bench runs swaps only after the opening")
                }
            }
            guard let first = swaps.first, case .concentrated(let opening)? = ledger[first.pool]?.body else {
                throw ValidationError("no swap of a concentrated pool in \(file)")
            }
            let runs = swaps.map { swap in
                let zeroForOne = !swap.amount0In.isZero
                return (zeroForOne: zeroForOne, amount: SignedAmount(zeroForOne ? swap.amount0In : swap.amount1In),
                        limit: swap.sqrtPriceLimitX96 ?? ConcentratedPool.extremeLimit(zeroForOne: zeroForOne), after: swap.sqrtPriceX96After)
            }
            var pool = opening
            var steps = 0
            // Untimed: the steps the swaps take, and that they reproduce the facts.
            for (index, run) in runs.enumerated() {
                _ = try pool.swap(zeroForOne: run.zeroForOne, amountSpecified: run.amount, sqrtPriceLimitX96: run.limit) { _ in steps += 1 }
                guard pool.sqrtPriceX96 == run.after else {
                    throw ValidationError("swap \(index + 1): the pool model gives sqrt price \(pool.sqrtPriceX96), the fact \(String(describing: run.after))")
                }
            }
            pool = opening
            let clock = ContinuousClock()
            let start = clock.now
            for run in runs {
                _ = try pool.swap(zeroForOne: run.zeroForOne, amountSpecified: run.amount, sqrtPriceLimitX96: run.limit)
            }
            let seconds = (clock.now - start).seconds
            Terminal.output("swaps=\(runs.count) positions=\(opening.positions.count) steps=\(steps) steps_per_swap=\(Double(steps) / Double(max(runs.count, 1))) seconds=\(seconds) swaps_per_second=\(Int(Double(runs.count) / seconds))\n")
        }
    }

    /// V3 swap fold throughput: a WETH/ENS-like pool (0.3 %, spacing 60) with 40
    /// overlapping positions around the price, then N exact-input swaps of 0.05-2 %
    /// of the active liquidity's virtual reserves, alternating direction, each
    /// crossing the initialized ticks in its way. The swaps are decided (the swap
    /// loop runs) and applied: the work a V3 swap fact's re-check does.
    struct ConcentratedSwaps: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "v3-swaps", abstract: "Fold N Uniswap V3 swaps in memory; print swaps/s.")
        @Option(help: "Number of swaps N.") var swaps: Int = 100_000
        @Option(help: "Seed.") var seed: UInt64 = 1

        func run() throws {
            var rng = SplitMix64(seed: seed)
            var pool = try ConcentratedPool(feePips: 3000, tickSpacing: 60, sqrtPriceX96: try TickMath.sqrtRatio(atTick: 55_000))
            for position in Self.positions(&rng) {
                _ = try pool.mint(owner: position.owner, tickLower: position.lower, tickUpper: position.upper, amount: position.liquidity)
            }
            let clock = ContinuousClock()
            let start = clock.now
            var crossings = 0
            for index in 0..<swaps {
                let (zeroForOne, amount) = Self.nextSwap(index: index, tick: pool.tick, liquidity: pool.liquidity, rng: &rng)
                let limit = ConcentratedPool.extremeLimit(zeroForOne: zeroForOne)
                let before = pool.liquidity
                _ = try pool.swap(zeroForOne: zeroForOne, amountSpecified: SignedAmount(amount), sqrtPriceLimitX96: limit)
                if pool.liquidity != before { crossings += 1 }
            }
            let seconds = (clock.now - start).seconds
            var line = "swaps=\(swaps) seconds=\(seconds) swaps_per_second=\(Int(Double(swaps) / seconds)) liquidity_changes=\(crossings) tick=\(pool.tick)"
            if ledgerSwaps > 0 { line += " " + (try ledgerFold()) }
            Terminal.output(line + "\n")
        }

        /// Overlapping positions around tick 55,000 (by default the 40 of `v3-swaps`, among 8
        /// owners): ranges 1-80 spacings either side of it, liquidity 1-1000 units.
        static func positions(
            _ rng: inout SplitMix64, count: Int = 40, owners: Int = 8, unit: UInt128 = 1_000_000_000_000_000_000
        ) -> [(owner: String, lower: Int32, upper: Int32, liquidity: UInt128)] {
            (0..<count).map { index in
                let lower = Int32(55_000 / 60 - Int.random(in: 1...80, using: &rng)) * 60
                let upper = Int32(55_000 / 60 + Int.random(in: 1...80, using: &rng)) * 60
                return ("lp\(index % owners)", lower, upper, UInt128(Int.random(in: 1...1000, using: &rng)) * unit)
            }
        }

        /// The next swap: back toward the start when the price has wandered off,
        /// else alternating; 0.05-2 % of the active virtual reserve in.
        static func nextSwap(index: Int, tick: Int32, liquidity: UInt128, rng: inout SplitMix64) -> (zeroForOne: Bool, amount: UInt256) {
            let zeroForOne = tick > 57_000 ? true : tick < 53_000 ? false : index % 2 == 0
            let reserve = zeroForOne ? UInt256(high: 0, low: liquidity) / 16 : UInt256(high: 0, low: liquidity) * 16
            return (zeroForOne, reserve * UInt256(UInt64.random(in: 5...200, using: &rng)) / 10_000 + .one)
        }

        @Option(help: "Also decide this many swaps as commands through the ledger and time re-folding their facts (every check).")
        var ledgerSwaps: Int = 0

        /// The same pool and swap sizes through the ledger: commands decided into
        /// facts, then the facts folded into a fresh ledger, each swap's input
        /// reconstructed, its price, tick and liquidity after compared, and the
        /// pool's laws checked (tick, active liquidity, balances cover).
        func ledgerFold() throws -> String {
            var rng = SplitMix64(seed: seed)
            var ledger = Ledger()
            ledger.tracksIDs = false
            var facts: [Fact] = []
            facts += try ledger.execute(Command(.createPool(PoolCreated(
                pool: "v3", token0: "WETH", token1: "ENS", feePPM: 3000, model: .concentrated,
                tickSpacing: 60, sqrtPriceX96: try TickMath.sqrtRatio(atTick: 55_000)))))
            for position in Self.positions(&rng) {
                facts += try ledger.execute(Command(.mintPosition(MintPosition(
                    pool: "v3", owner: position.owner, tickLower: position.lower, tickUpper: position.upper,
                    liquidity: UInt256(high: 0, low: position.liquidity)))))
            }
            let clock = ContinuousClock()
            var start = clock.now
            for index in 0..<ledgerSwaps {
                guard case .concentrated(let v3)? = ledger["v3"]?.body else { throw Failure(message: "the bench pool is concentrated") }
                let (zeroForOne, amount) = Self.nextSwap(index: index, tick: v3.tick, liquidity: v3.liquidity, rng: &rng)
                facts += try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "v3", trader: "t", tokenIn: zeroForOne ? "WETH" : "ENS", amountIn: amount))))
                if index % 10_000 == 9_999 { Terminal.progress("decided \(index + 1) of \(ledgerSwaps) swaps") }
            }
            Terminal.endProgress()
            let decideSeconds = (clock.now - start).seconds
            var refold = Ledger()
            refold.tracksIDs = false
            start = clock.now
            for (index, fact) in facts.enumerated() {
                try refold.fold(fact)
                if index % 10_000 == 9_999 { Terminal.progress("re-folded \(index + 1) of \(facts.count) facts") }
            }
            Terminal.endProgress()
            let foldSeconds = (clock.now - start).seconds
            guard refold["v3"] == ledger["v3"] else { throw Failure(message: "re-folded state differs from the decided one") }
            return "ledger_swaps=\(ledgerSwaps) ledger_decide_per_second=\(Int(Double(ledgerSwaps) / decideSeconds)) ledger_fold_per_second=\(Int(Double(facts.count) / foldSeconds))"
        }
    }

    struct Workload: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the fixed benchmark workload (facts) as JSON Lines.")
        @Option(help: "Number of swaps N.") var swaps: Int
        @Option(help: "Seed.") var seed: UInt64 = 1
        @Option(help: "Independent pools sharing the swaps (one pool holds about 2 million before uint112 ends it).") var pools: Int = 1
        @Argument(help: "Output file.") var file: String

        func run() throws {
            var count = 0
            try Terminal.writeLines(to: file) { emit in
                try BenchmarkWorkload.generate(swaps: swaps, seed: seed, pools: pools) { fact in
                    emit(ContractCodec.line(fact))
                    count += 1
                    if count % 1_000_000 == 0 { Terminal.progress("generated \(count) facts") }
                }
            }
            Terminal.endProgress()
            Terminal.output("facts=\(count)\n")
        }
    }

    struct FoldBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fold",
            abstract: "Parse a facts file, then fold it in memory with every check; print both rates.")
        @Argument(help: "JSON Lines file of facts.") var file: String

        func run() throws {
            let bytes = try Terminal.read(file)
            let clock = ContinuousClock()
            let parseStart = clock.now
            let facts = try Self.parse(bytes)
            let parse = clock.now - parseStart
            let foldStart = clock.now
            let ledger = try Self.fold(facts)
            let fold = clock.now - foldStart
            let count = Double(facts.count)
            Terminal.output("events=\(facts.count) parse_seconds=\(parse.seconds) parse_per_second=\(Int(count / parse.seconds)) fold_seconds=\(fold.seconds) fold_per_second=\(Int(count / fold.seconds)) pools=\(ledger.pools.count)\n")
        }

        static func parse(_ bytes: [UInt8]) throws -> [Fact] {
            var facts: [Fact] = []
            var reader = JSONLines.Reader(bytes)
            while let (line, number) = try reader.next() {
                do throws(Rejection) {
                    guard case .fact(let fact) = try ContractCodec.decodeLine(line) else { throw Rejection(.invalidField, "not a fact") }
                    facts.append(fact)
                } catch {
                    throw LocatedRejection(.line(number), error)
                }
            }
            return facts
        }

        static func fold(_ facts: [Fact]) throws -> Ledger {
            var ledger = Ledger()
            ledger.tracksIDs = false
            for fact in facts { try ledger.fold(fact) }
            return ledger
        }
    }

    struct StateAt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state-at",
            abstract: "Time `state --at SEQ` (the library call it makes) at random positions of a ledger.")
        @Option(help: "Pool id (default: the workload's first pool).") var pool: String?
        @Option(help: "Number of random positions.") var samples: Int = 200
        @Option(help: "Seed of the positions.") var seed: UInt64 = 7
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let ledger = try database.open()
            let head = try ledger.head().seq
            guard head > 0 else { throw Failure(message: "the ledger is empty") }
            var rng = SplitMix64(seed: seed)
            let clock = ContinuousClock()
            var times: [Double] = []
            for _ in 0..<samples {
                let seq = rng.uniform(1...head)
                let elapsed = try clock.measure {
                    let state = try ledger.ledger(at: seq)
                    guard pool.map({ state[$0] != nil }) ?? !state.pools.isEmpty || seq < 2 else { throw Failure(message: "no pool at \(seq)") }
                }
                times.append(elapsed.seconds * 1000)
            }
            times.sort()
            func percentile(_ p: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * p))] }
            Terminal.output("samples=\(samples) median_ms=\(percentile(0.5)) p99_ms=\(percentile(0.99)) min_ms=\(times.first!) max_ms=\(times.last!)\n")
        }
    }
}
