import BigInt
import Foundation
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// Backtests of recorded V3 histories in price-path mode: a recorded
/// position left out and added back as the commands its facts stand for, at
/// the places its facts had, gives the recorded pool bit for bit (the state
/// hash) and the recorded position's audit figure for figure; placements and
/// removals that match nothing are refused naming them.
@Suite struct BacktestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func facts(_ file: String) throws -> [Fact] {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case .fact(let fact) = try ContractCodec.decodeLine(String(line)) else { throw BacktestError("not a fact: \(line)") }
            return fact
        }
    }

    @Test(arguments: Backtest.Mode.allCases)
    func leaveOneOutOfTheRecordedWethEnsPoolIsExact(mode: Backtest.Mode) throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        let keys = mintedPositions(facts)
        #expect(keys.count >= 2)
        var heldSomewhere = 0, partlyInRange = 0
        for key in keys {
            var backtest = Backtest(pool: pool, mode: mode, additions: placedBack(key, in: facts), removals: [.range(key)])
            for fact in facts { try backtest.feed(fact) }
            try backtest.finish()
            let outcome = try backtest.outcome()
            #expect(outcome.changedHash == outcome.baselineHash, "\(key)")
            #expect(backtest.repriced == 0 && backtest.redecided == 0)
            let recorded = try #require(outcome.baselineAudit?.positions.first { $0.position.key == key })
            let added = try #require(outcome.added.first)
            #expect(added == recorded, "\(key)")
            #expect(backtest.removedFacts[0] > 0)
            // Along the history too: blocks held and in range, capital, drawdown.
            let figures = try #require(backtest.changedFigures[.range(key)])
            #expect(figures == backtest.baselineFigures[.range(key)], "\(key)")
            // Blocks held and in range, counted here from the facts alone: the
            // position's liquidity from its mints and burns, the tick from the
            // pool's opening price and each swap's tick after.
            var tick = try TickMath.tick(atSqrtRatio: try #require({ if case .poolCreated(let c) = facts[0].body { c.sqrtPriceX96 } else { nil } }()))
            var liquidity = UInt256.zero, last: UInt64?, held: UInt64 = 0, inRange: UInt64 = 0
            for fact in facts {
                if let block = fact.block {
                    if let last, block > last, !liquidity.isZero {
                        held += block - last
                        if key.tickLower <= tick && tick < key.tickUpper { inRange += block - last }
                    }
                    last = block
                }
                switch fact.body {
                case .swap(let swap): tick = try #require(swap.tickAfter)
                case .positionMinted(let f) where f.key == key: liquidity += f.liquidity
                case .positionBurned(let f) where f.key == key: liquidity -= f.liquidity
                default: break
                }
            }
            #expect(figures.heldBlocks == held && figures.inRangeBlocks == inRange, "\(key): \(figures.heldBlocks)/\(held), \(figures.inRangeBlocks)/\(inRange)")
            if held > 0 { heldSomewhere += 1 }
            if inRange > 0 && inRange < held { partlyInRange += 1 }
        }
        #expect(heldSomewhere >= 2 && partlyInRange >= 1, "\(heldSomewhere) held, \(partlyInRange) partly in range")
    }

    /// A position taken out and not put back: the recorded swaps are re-run
    /// to their prices, so the price path is the recorded one, and the pool
    /// holds less.
    @Test func removingAPositionKeepsThePricePath() throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        let key = mintedPositions(facts).last!
        var backtest = Backtest(pool: pool, additions: [], removals: [.range(key)])
        var prices: [(UInt256, UInt256)] = []
        for fact in facts {
            try backtest.feed(fact)
            if case .concentrated(let a)? = backtest.changed[pool]?.body, case .concentrated(let b)? = backtest.baseline[pool]?.body, case .swap = fact.body {
                prices.append((a.sqrtPriceX96, b.sqrtPriceX96))
            }
        }
        try backtest.finish()
        let outcome = try backtest.outcome()
        #expect(outcome.changedHash != outcome.baselineHash)
        #expect(backtest.repriced + backtest.skipped > 0)
        // Every swap ends where the recorded one did, but those with nothing to trade (the pool already there or past).
        #expect(prices.filter { $0.0 != $0.1 }.count <= backtest.skipped)
        #expect(outcome.changed.reserve0 + outcome.changed.reserve1 < outcome.baseline.reserve0 + outcome.baseline.reserve1)
    }

    /// A position that takes most of the liquidity in range, added before
    /// the swaps: price-path keeps the recorded prices and makes the traders
    /// pay more to reach them, so the position earns more fees than under
    /// exact-input, where the traders' orders are kept and move the deeper
    /// pool's price less.
    @Test func aDominantPositionSeparatesTheModes() throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        // Around the pool's first price, 100 times the first position's liquidity.
        let mint = Command(.mintPosition(MintPosition(pool: pool, owner: "whale", tickLower: 49_800, tickUpper: 64_020, liquidity: UInt256(decimal: "55697354549013694717600")!)))
        var outcomes: [Backtest.Mode: (Backtest.Outcome, [Int32])] = [:]
        for mode in Backtest.Mode.allCases {
            var backtest = Backtest(pool: pool, mode: mode, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [])
            var ticks: [Int32] = []
            for fact in facts {
                try backtest.feed(fact)
                if case .swap = fact.body, case .concentrated(let v3)? = backtest.changed[pool]?.body { ticks.append(v3.tick) }
            }
            try backtest.finish()
            outcomes[mode] = (try backtest.outcome(), ticks)
        }
        let (pricePath, pathTicks) = outcomes[.pricePath]!, (exactInput, inputTicks) = outcomes[.exactInput]!
        let recordedTicks = try facts.compactMap { fact -> Int32? in
            guard case .swap(let swap) = fact.body else { return nil }
            return try #require(swap.tickAfter)
        }
        #expect(pathTicks == recordedTicks, "price-path keeps the recorded price path")
        #expect(inputTicks != recordedTicks)
        // The deeper pool moves less: the exact-input path stays nearer the first price than the recorded one.
        let start = recordedTicks[0]
        #expect(inputTicks.map { abs($0 - start) }.max()! < recordedTicks.map { abs($0 - start) }.max()!)
        let pathFees = try #require(pricePath.added.first).feeValue, inputFees = try #require(exactInput.added.first).feeValue
        #expect(pathFees > inputFees, "price-path \(pathFees), exact-input \(inputFees)")
        // Pro-rata leaves the recorded pool as it was: the recorded prices, the recorded volume shared.
        let (proRata, proRataTicks) = outcomes[.proRata]!
        #expect(proRataTicks == recordedTicks && proRata.changedHash == proRata.baselineHash)
        let proRataFees = try #require(proRata.added.first).feeValue
        #expect(pathFees > proRataFees, "price-path \(pathFees), pro-rata \(proRataFees)")

        // Pro-rata, computed here in BigInt from its definition: every step of
        // every recorded swap after the position's placement (the contract's
        // own loop, as the recorded pool ran it) whose prices lie in the
        // range gives it floor(fee * 2^128 / (the step's liquidity + its own))
        // per unit of liquidity; its fees are that growth times its liquidity,
        // over 2^128. (Its range is the first recorded position's, so no step
        // runs across one of its ends.)
        let own = BigUInt("55697354549013694717600", radix: 10)!
        let lower = try TickMath.sqrtRatio(atTick: 49_800), upper = try TickMath.sqrtRatio(atTick: 64_020)
        var fold = AuditFold(pool: pool, keepsHistory: false)
        var growth = (BigUInt(0), BigUInt(0)), split = 0, shared = 0
        for (index, fact) in facts.enumerated() {
            var trace: ConcentratedPool.SwapTrace? = index > 1 ? .init(keeps: .all) : nil
            try fold.fold(fact, seq: UInt64(index + 1), trace: &trace)
            guard case .swap(let swap) = fact.body, let steps = trace?.steps else { continue }
            for step in steps {
                let low = min(step.sqrtPriceStartX96, step.sqrtPriceEndX96), high = max(step.sqrtPriceStartX96, step.sqrtPriceEndX96)
                if high <= lower || low >= upper { continue }
                if low < lower || high > upper { split += 1; continue }
                let share = (BigUInt(step.feeAmount.description)! << 128) / (BigUInt(step.liquidity.description)! + own)
                if swap.amount0In.isZero { growth.1 += share } else { growth.0 += share }
                shared += 1
            }
        }
        #expect(split == 0 && shared > 50)
        let row = try #require(proRata.added.first)
        #expect(BigUInt(row.lifetimeFees0.description)! == (growth.0 * own) >> 128 && BigUInt(row.lifetimeFees1.description)! == (growth.1 * own) >> 128,
                "pro-rata \(row.lifetimeFees0), \(row.lifetimeFees1); by definition \((growth.0 * own) >> 128), \((growth.1 * own) >> 128)")
        // The recorded volume shared pro rata earns more than the traders' orders in the deeper pool (exact-input), far less than price-path's volume.
        #expect(proRataFees > inputFees, "pro-rata \(proRataFees), exact-input \(inputFees)")
    }

    /// A position too small to move much (1e-5 of the liquidity): the three modes agree within 1e-4
    /// (its own liquidity moves the price-path and exact-input runs by about its share).
    @Test func aTinyPositionEarnsTheSameInEveryMode() throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        // A range whose ends are no recorded position's: pro-rata splits the recorded steps at them.
        let mint = Command(.mintPosition(MintPosition(pool: pool, owner: "tiny", tickLower: 55_020, tickUpper: 61_020, liquidity: UInt256.powerOfTen(15)!)))
        var fees: [UInt256] = []
        for mode in Backtest.Mode.allCases {
            var backtest = Backtest(pool: pool, mode: mode, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [])
            for fact in facts { try backtest.feed(fact) }
            try backtest.finish()
            fees.append(try #require(try backtest.outcome().added.first).lifetimeFees1)
        }
        let most = fees.max()!, least = fees.min()!
        #expect(!least.isZero && (most - least) * UInt256(10_000) < most, "\(fees)")
    }

    /// The same order flow at another fee tier: at its own tier the recorded
    /// history itself; at a higher one an added position earns more fees, at
    /// a lower one less, in both modes that re-run swaps (exact-input keeps
    /// the volume; price-path the prices, and the fee lowers what the input
    /// buys, so the volume adapts too).
    @Test func feeTiersMoveFeesTheirWay() throws {
        // Times from the blocks (13 s each), so that the fee APR has a holding time.
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl").map { fact in
            var fact = fact
            fact.time = 1_636_000_000 + 13 * ((fact.block ?? 13_578_816) - 13_578_816)
            return fact
        }
        let pool = facts[0].pool
        let mint = Command(.mintPosition(MintPosition(pool: pool, owner: "me", tickLower: 55_020, tickUpper: 61_020, liquidity: UInt256.powerOfTen(19)!)))
        for mode in [Backtest.Mode.pricePath, .exactInput] {
            func run(_ fee: UInt32?) throws -> (Backtest, Backtest.Outcome) {
                var backtest = Backtest(pool: pool, mode: mode, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [], feePPM: fee)
                for fact in facts { try backtest.feed(fact) }
                try backtest.finish()
                return (backtest, try backtest.outcome())
            }
            let (own, ownOutcome) = try run(3000), (_, recorded) = try run(nil)
            // At its own tier nothing changes but the added position: the same facts fold as without the option.
            #expect(ownOutcome.changedHash == recorded.changedHash && own.ambiguous.isEmpty, "\(mode)")
            #expect(ownOutcome.added == recorded.added)
            let (_, high) = try run(10_000), (_, low) = try run(500)
            #expect(high.changed.feePPM == 10_000 && low.changed.feePPM == 500)
            let fees = [low, recorded, high].map { $0.added[0].lifetimeFees1 }
            #expect(fees[0] < fees[1] && fees[1] < fees[2], "\(mode): \(fees)")
            // The fee APR: fees over the same capital for the same time, so in the fee's direction too.
            let aprs = try [(500, low), (nil, recorded), (10_000, high)].map { (fee: UInt32?, outcome: Backtest.Outcome) in
                let (backtest, _) = try run(fee)
                let figures = try #require(backtest.changedFigures[.range(outcome.added[0].position.key)])
                #expect(figures.heldSeconds > 0 && !figures.capital.isZero)
                return try #require(figures.feeAPR(fees: SignedAmount(outcome.added[0].feeValue)))
            }
            #expect(aprs[0] < aprs[1] && aprs[1] < aprs[2], "\(mode): \(aprs)")
            #expect(own.changedFigures == (try run(nil)).0.changedFigures, "\(mode)")
        }
        var proRata = Backtest(pool: pool, mode: .proRata, additions: [], removals: [], feePPM: 500)
        #expect(throws: BacktestError.self) { try proRata.feed(facts[0]) }
    }

    /// Another tick spacing: at its own, the recorded history; at 200, every
    /// range (the recorded positions' and the added one) snapped out to
    /// multiples of 200, the pool holding no other ticks, the added position
    /// audited under its snapped range.
    @Test func tickSpacingSnapsEveryRangeOut() throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        let mint = Command(.mintPosition(MintPosition(pool: pool, owner: "me", tickLower: 55_020, tickUpper: 61_020, liquidity: UInt256.powerOfTen(19)!)))
        func run(_ spacing: Int32, fee: UInt32?) throws -> (Backtest, Backtest.Outcome) {
            var backtest = Backtest(pool: pool, mode: .pricePath, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [], feePPM: fee, tickSpacing: spacing)
            for fact in facts { try backtest.feed(fact) }
            try backtest.finish()
            return (backtest, try backtest.outcome())
        }
        var plain = Backtest(pool: pool, mode: .pricePath, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [])
        for fact in facts { try plain.feed(fact) }
        try plain.finish()
        let (own, ownOutcome) = try run(60, fee: nil)
        #expect(ownOutcome.changedHash == (try plain.outcome()).changedHash && own.snappedRecorded == 0 && own.snappedAdded == 0)
        let (wide, wideOutcome) = try run(200, fee: 10_000)
        #expect(wide.snappedAdded == 1 && wide.snappedRecorded > 0)
        guard case .concentrated(let v3) = wideOutcome.changed.body else { Issue.record("not concentrated"); return }
        #expect(v3.tickSpacing == 200 && v3.ticks.keys.allSatisfy { $0 % 200 == 0 } && v3.positions.keys.allSatisfy { $0.tickLower % 200 == 0 && $0.tickUpper % 200 == 0 })
        let added = try #require(wideOutcome.added.first)
        #expect(added.position.key == ConcentratedPool.PositionKey(owner: "me", tickLower: 55_000, tickUpper: 61_200))
        #expect(wide.changedFigures[.range(added.position.key)] != nil)
    }

    @Test func placementsAndRemovalsThatMatchNothingAreRefused() throws {
        let facts = try Self.facts("Events/uniswap-v3-weth-ens.jsonl")
        let pool = facts[0].pool
        let mint = Command(.mintPosition(MintPosition(pool: pool, owner: "me", tickLower: 60_000, tickUpper: 61_200, liquidity: UInt256.powerOfTen(18)!)))
        // The recorded pool_created carries no block: give it one, so that a placement can fall before it.
        var dated = facts
        dated[0].block = facts[1].block! - 10
        func refusal(_ additions: [Backtest.Addition], _ removals: [Backtest.Removal] = []) -> String? {
            var backtest = Backtest(pool: pool, additions: additions, removals: removals)
            do {
                for fact in dated { try backtest.feed(fact) }
                try backtest.finish()
            } catch { return error.message }
            return nil
        }
        let last = facts.last!.block!
        #expect(refusal([Backtest.Addition(place: .after("nope"), command: mint, line: 3)])?.contains("line 3: after \"nope\"") == true)
        #expect(refusal([Backtest.Addition(place: .atBlock(last + 1), command: mint, line: 4)])?.contains("line 4: at_block \(last + 1) is past the end") == true)
        #expect(refusal([Backtest.Addition(place: .atBlock(1), command: mint, line: 5)])?.contains("line 5: placed before the pool exists") == true)
        #expect(refusal([], [.range(ConcentratedPool.PositionKey(owner: "nobody", tickLower: 0, tickUpper: 60))])?.contains("--remove nobody:0:60") == true)
        let v2Command = Command(.addLiquidity(AddLiquidity(pool: pool, provider: "me", amount0Desired: 1, amount1Desired: 1)))
        #expect(refusal([Backtest.Addition(place: .atBlock(last), command: v2Command, line: 6)])?.contains("line 6: UNSUPPORTED_MODEL") == true)
        // An added position in range from the first block on: it earns fees, and the recorded swaps are re-run to their prices.
        var backtest = Backtest(pool: pool, additions: [Backtest.Addition(place: .after(facts[1].id!), command: mint, line: 1)], removals: [])
        for fact in facts { try backtest.feed(fact) }
        try backtest.finish()
        let outcome = try backtest.outcome()
        #expect(outcome.added.count == 1)
        #expect(outcome.changedHash != outcome.baselineHash)
    }
}

/// The fold's trace of a recorded swap says whether exact output would have
/// reproduced it as well as exact input (the facts then do not say which the
/// trader sent) from its last step alone; checked against running exact
/// output of what it paid out, the contract's whole loop, on a copy of the
/// pool before it, for every swap of the recorded WETH/ENS history.
@Suite struct SwapTraceTests {
    @Test func lastStepAmbiguityEqualsRunningExactOutputOnTheRecordedPool() throws {
        let counts = try Self.compare(try BacktestTests.facts("Events/uniswap-v3-weth-ens.jsonl"))
        #expect(counts.exactInput > 10 && counts.exactOutputOnly > 0, "\(counts)")
    }

    /// Generated pools, shallow and deep, with swaps of every size from a wei
    /// (where rounding leaves no slack and both forms reproduce) up.
    @Test func lastStepAmbiguityEqualsRunningExactOutputOnGeneratedPools() throws {
        var total = (exactInput: 0, ambiguous: 0, exactOutputOnly: 0)
        for seed in UInt64(1)...120 {
            let counts = try Self.compare(try Self.generated(seed: seed))
            total.exactInput += counts.exactInput
            total.ambiguous += counts.ambiguous
            total.exactOutputOnly += counts.exactOutputOnly
        }
        // Both answers occur, so the comparison could fail either way.
        #expect(total.exactInput > 100 && total.ambiguous > 100 && total.exactOutputOnly > 100, "\(total)")
    }

    static func generated(seed: UInt64) throws -> [Fact] {
        var rng = SplitMix64(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func amount(_ digits: ClosedRange<Int>) -> UInt256 { UInt256(UInt64(draw(1...9))) * UInt256.powerOfTen(draw(digits))! }
        var ledger = Ledger()
        var facts: [Fact] = []
        func run(_ body: CommandBody) throws { facts += try ledger.execute(Command(body)) }
        let (fee, spacing): (UInt32, Int32) = [(500, 10), (3000, 60), (10_000, 200)][draw(0...2)]
        try run(.createPool(PoolCreated(pool: "p", token0: "A", token1: "B", feePPM: fee, model: .concentrated,
                                        tickSpacing: spacing, sqrtPriceX96: try TickMath.sqrtRatio(atTick: 0))))
        for index in 0..<draw(1...4) {
            let lower = Int32(draw(-40 ... -1)) * spacing, upper = Int32(draw(1...40)) * spacing
            // Up to the deepest liquidity a tick holds: only there is a price step
            // coarse enough next to a wei that exact input leaves no slack.
            do {
                try run(.mintPosition(MintPosition(pool: "p", owner: "lp\(index)", tickLower: lower, tickUpper: upper, liquidity: amount(24...33))))
            } catch is Rejection {
                // Past the tick's maximum liquidity.
            }
        }
        for _ in 0..<40 {
            let zeroForOne = draw(0...1) == 0
            do {
                if draw(0...1) == 0 {
                    try run(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: zeroForOne ? "A" : "B", amountIn: amount(0...24))))
                } else {
                    try run(.swapExactOut(SwapExactOut(pool: "p", trader: "t", tokenOut: zeroForOne ? "B" : "A", amountOut: amount(0...24))))
                }
            } catch is Rejection {
                // Too large for what the pool holds, or nothing out: not a swap of this history.
            }
        }
        return facts
    }

    static func compare(_ facts: [Fact]) throws -> (exactInput: Int, ambiguous: Int, exactOutputOnly: Int) {
        var fold = AuditFold(pool: facts[0].pool, keepsHistory: false)
        var counts = (exactInput: 0, ambiguous: 0, exactOutputOnly: 0)
        for (index, fact) in facts.enumerated() {
            var trace: ConcentratedPool.SwapTrace?
            var byOutput: Bool?
            if case .swap(let swap) = fact.body, case .concentrated(let before)? = fold.pool?.body {
                trace = .init(keeps: .last)
                let zeroForOne = !swap.amount0In.isZero
                let out = zeroForOne ? swap.amount1Out : swap.amount0Out
                if let run = try? ConcentratedPool.concentratedSwap(before, zeroForOne: zeroForOne, specified: SignedAmount(out, negative: true), limit: swap.sqrtPriceLimitX96), !out.isZero {
                    let computed = run.fact(pool: swap.pool, trader: swap.trader)
                    byOutput = computed.amount0In == swap.amount0In && computed.amount1In == swap.amount1In
                        && computed.amount0Out == swap.amount0Out && computed.amount1Out == swap.amount1Out
                        && computed.sqrtPriceX96After == swap.sqrtPriceX96After && computed.tickAfter == swap.tickAfter
                        && computed.liquidityAfter == swap.liquidityAfter
                } else {
                    byOutput = false
                }
            }
            try fold.fold(fact, seq: UInt64(index + 1), trace: &trace)
            guard let trace, let byOutput, case .concentrated(let pool)? = fold.pool?.body else { continue }
            switch trace.form {
            case .exactInput?:
                let both = try trace.exactOutputAlsoReproduces(feePips: pool.feePips)
                #expect(both == byOutput, "fact \(index + 1)")
                if both { counts.ambiguous += 1 } else { counts.exactInput += 1 }
            case .exactOutput?:
                #expect(byOutput, "fact \(index + 1)")
                counts.exactOutputOnly += 1
            default:
                break
            }
        }
        return counts
    }
}
