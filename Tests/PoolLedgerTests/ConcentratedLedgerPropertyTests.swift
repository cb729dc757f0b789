import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// Random V3 command streams through the ledger (decide, then fold with every
/// law checked): several owners with overlapping ranges, swaps both ways by
/// exact input and exact output, some stopped at a price limit, crossing many
/// initialized ticks, burns (whole, partial, pokes) and collects (whole and
/// capped). Deciding and re-folding agree: the decided facts, printed as JSON
/// Lines and stored in binary, fold from scratch into the same state and hash;
/// a snapshot taken along the way restores the same state; a refused command
/// leaves the ledger as it was.
@Suite struct ConcentratedLedgerPropertyTests {
    @Test func decidingAndRefoldingAgree() async {
        await propertyCheck(count: 10, input: Gen.uint64()) { seed in
            do { try run(seed: seed) } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    struct Coverage {
        var swaps = 0, swapsDown = 0, swapsUp = 0, limited = 0, exactOut = 0
        var crossings = 0, mints = 0, burns = 0, pokes = 0, collects = 0, refused = 0
    }

    func run(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let tiers: [(UInt32, Int32)] = [(500, 10), (3000, 60), (10000, 200)]
        let (fee, spacing) = tiers[draw(0...2)]
        var ledger = Ledger()
        var facts: [Fact] = []
        let id = "v3"
        let created = Command(.createPool(PoolCreated(
            pool: id, token0: "T0", token1: "T1", feePPM: fee, model: .concentrated,
            tickSpacing: spacing, sqrtPriceX96: try TickMath.sqrtRatio(atTick: Int32(draw(-20_000...20_000))))))
        facts += try ledger.execute(created)
        let owners = ["a", "b", "c", "d"]
        var coverage = Coverage()
        var snapshots: [(UInt64, [UInt8])] = []

        for step in 0..<160 {
            let pool = ledger[id]!, v3 = pool.concentrated!
            let roll = draw(0...99)
            let owner = owners[draw(0...3)]
            let held = v3.positions.keys.sorted()
            var body: CommandBody
            if roll < 22 || held.isEmpty {
                let center = Int(v3.tick) / Int(spacing)
                let lower = max(Int32((center + draw(-40...20)) * Int(spacing)), TickMath.minTick / spacing * spacing)
                let upper = min(lower + Int32(draw(1...60)) * spacing, TickMath.maxTick / spacing * spacing)
                let liquidity = UInt256(UInt64(draw(1...1_000_000))) * UInt256(UInt64(1_000_000_000_000))
                body = .mintPosition(MintPosition(pool: id, owner: owner, tickLower: lower, tickUpper: upper, liquidity: liquidity,
                                                  amount0Max: draw(0...9) == 0 ? UInt256(UInt64(draw(0...1_000))) : nil))
                coverage.mints += 1
            } else if roll < 36 {
                let key = held[draw(0...held.count - 1)]
                let liquidity = UInt256(high: 0, low: v3.positions[key]!.liquidity)
                let amount = draw(0...4) == 0 ? UInt256.zero : draw(0...1) == 0 ? liquidity : liquidity / UInt256(UInt64(draw(2...5)))
                if amount.isZero { coverage.pokes += 1 } else { coverage.burns += 1 }
                body = .burnPosition(BurnPosition(pool: id, owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, liquidity: amount))
            } else if roll < 46 {
                let key = held[draw(0...held.count - 1)]
                let cap: UInt256? = draw(0...2) == 0 ? UInt256(UInt64(draw(0...1_000_000))) : nil
                body = .collect(CollectFees(pool: id, owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, amount0Max: cap, amount1Max: cap))
                coverage.collects += 1
            } else {
                let zeroForOne = draw(0...1) == 0
                let magnitude = UInt256(UInt64(draw(1...1_000_000))) * UInt256(UInt64(draw(1...1_000_000_000))) * 1000
                var limit: UInt256?
                if draw(0...3) == 0 {
                    let tick = zeroForOne ? max(v3.tick - Int32(draw(1...3_000)), TickMath.minTick + 1) : min(v3.tick + Int32(draw(1...3_000)), TickMath.maxTick - 1)
                    limit = try TickMath.sqrtRatio(atTick: tick)
                    coverage.limited += 1
                }
                if draw(0...2) == 0 {
                    body = .swapExactOut(SwapExactOut(pool: id, trader: "t", tokenOut: zeroForOne ? "T1" : "T0", amountOut: magnitude, sqrtPriceLimitX96: limit))
                    coverage.exactOut += 1
                } else {
                    body = .swapExactIn(SwapExactIn(pool: id, trader: "t", tokenIn: zeroForOne ? "T0" : "T1", amountIn: magnitude, sqrtPriceLimitX96: limit))
                }
            }
            let before = ledger
            do {
                let decided = try ledger.execute(Command(body))
                facts += decided
                if case .swap = decided[0].body {
                    coverage.swaps += 1
                    let after = ledger[id]!.concentrated!
                    if after.tick < v3.tick { coverage.swapsDown += 1 } else if after.tick > v3.tick { coverage.swapsUp += 1 }
                    let (low, high) = (min(v3.tick, after.tick), max(v3.tick, after.tick))
                    coverage.crossings += v3.ticks.keys.filter { $0 > low && $0 <= high }.count
                }
            } catch {
                // A refusal is the contract's (a revert, a slippage bound), never a
                // decided fact failing its own re-check or a law.
                coverage.refused += 1
                switch error.rule {
                case .concentrated, .pair: break
                default: Issue.record("seed \(seed) step \(step): \(body.commandName) refused by \(error)")
                }
                #expect(ledger == before, "a refused command changed the ledger")
            }
            // The active-liquidity law's running account, kept fact by fact, equals its full recomputation.
            try ledger.checkRunningSums()
            if step % 40 == 39 { snapshots.append((ledger.seq, LedgerSnapshot.encode(ledger))) }
        }

        // Re-fold the decided facts from scratch, through JSON Lines and the binary form.
        var refold = Ledger()
        for fact in facts {
            let line = ContractCodec.line(fact)
            guard case .fact(let parsed) = try ContractCodec.decodeLine(line) else { throw Rejection(.malformedJSON, line) }
            #expect(try BinaryCodec.decode(BinaryCodec.encode(parsed)) == fact)
            try refold.fold(parsed)
        }
        #expect(refold[id] == ledger[id])
        #expect(StateHash.hash(refold[id]!) == StateHash.hash(ledger[id]!))

        // Each snapshot restores the state at its seq, and its tail folds onto it to the same end.
        for (seq, bytes) in snapshots {
            var restored = try LedgerSnapshot.decode(bytes)
            #expect(restored.seq == seq)
            for fact in facts[Int(seq)...] { try restored.fold(fact) }
            #expect(restored[id] == ledger[id], "seed \(seed): snapshot at \(seq) then its tail differs")
        }

        // The stream did what it is meant to exercise.
        #expect(coverage.swapsDown > 0 && coverage.swapsUp > 0 && coverage.crossings > 0, "\(coverage)")
        #expect(coverage.limited > 0 && coverage.exactOut > 0 && coverage.burns > 0 && coverage.collects > 0, "\(coverage)")
    }

    /// A decided swap stopped at its price limit re-folds (the fact carries the
    /// price it left), and without that price the same amounts are a different swap.
    @Test func aLimitedSwapRefoldsFromItsPriceAfter() throws {
        var ledger = Ledger()
        let offered = UInt256(decimal: "1000000000000000000000")!
        var history = try ledger.execute(Command(.createPool(PoolCreated(pool: "p", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        history += try ledger.execute(Command(.mintPosition(MintPosition(pool: "p", owner: "o", tickLower: -6000, tickUpper: 6000, liquidity: offered))))
        let limit = try TickMath.sqrtRatio(atTick: -100)
        let facts = try ledger.execute(Command(.swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "A", amountIn: offered, sqrtPriceLimitX96: limit))))
        guard case .swap(let swap) = facts[0].body else { Issue.record("not a swap"); return }
        #expect(swap.sqrtPriceX96After == limit)
        #expect(swap.amount0In < offered, "stopped at the limit, it takes less than offered")

        var refold = Ledger()
        for fact in history + facts { try refold.fold(fact) }
        #expect(refold["p"] == ledger["p"])

        // One wei more out than the limited swap paid: refused, naming the field.
        var greedy = swap
        greedy.amount1Out += .one
        var trial = Ledger()
        for fact in history { try trial.fold(fact) }
        do {
            try trial.fold(Fact(.swap(greedy)))
            Issue.record("a swap paying one wei too many was folded")
        } catch {
            #expect(error.rule == .ledger(.swapMismatch))
            #expect(error.detail.contains("amount1_out"), "\(error)")
        }
    }
}
