import Fixtures
import Foundation
import PoolLedger
import PoolMath
import Testing

/// The WETH/ENS Uniswap V3 pool's recorded life (3 mints, 2 burns, 63 swaps)
/// replayed through `ConcentratedPool`: every amount, price, liquidity and tick
/// equal to the chain's.
@Suite struct RecordedV3HistoryTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Events/recorded/uniswap-v3-weth-ens/events.json")

    func history() throws -> RecordedV3History {
        try RecordedV3History(json: try String(contentsOf: Self.path, encoding: .utf8))
    }

    @Test func everyEventMatchesTheChain() throws {
        let history = try history()
        #expect(history.events.count == 68)
        var replayed = 0
        let pool = try history.replay { _, _ in replayed += 1 }
        #expect(replayed == 68)
        let last = try #require(history.events.last { $0.kind == .swap })
        #expect(pool.sqrtPriceX96 == last.sqrtPriceX96After)
        #expect(pool.liquidity == last.liquidityAfter)
        #expect(pool.tick == last.tickAfter)
        // The recorded path visits the bottom of the price range once.
        #expect(history.events.contains { $0.tickAfter == TickMath.minTick })
    }

    /// One unit more on any recorded field of any event: the replay fails, naming
    /// that event; but for two alterations that describe another history just as
    /// valid, which no replay of these fields can tell apart (they are counted, and
    /// each is checked to be exactly that):
    /// - one more wei of a swap's input that the fee absorbs (the input less the
    ///   fee rounds down to the same amount, so price and output are unchanged and
    ///   the extra wei is fee, which no recorded field shows);
    /// - one unit of liquidity burned by the zero-liquidity poke, which pays out
    ///   nothing (rounded down) and shows at the next swap's liquidity instead.
    @Test func anyFieldOffByOneIsRefusedNamingTheEvent() throws {
        let original = try history()
        var problems: [String] = []
        var absorbedAsFee = 0, seenNextEvent = 0, refused = 0
        for index in original.events.indices {
            let event = original.events[index]
            var fields: [(String, (inout RecordedV3History.Event) -> Void)] = [
                ("amount0", { $0.amount0 = $0.amount0 + SignedAmount(.one) }),
                ("amount1", { $0.amount1 = $0.amount1 + SignedAmount(.one) }),
            ]
            if event.kind == .swap {
                fields += [
                    ("sqrtPriceX96_after", { $0.sqrtPriceX96After = $0.sqrtPriceX96After! + .one }),
                    ("liquidity_after", { $0.liquidityAfter = $0.liquidityAfter! + 1 }),
                    ("tick_after", { $0.tickAfter = $0.tickAfter! + 1 }),
                ]
            } else {
                fields.append(("liquidity", { $0.liquidity += 1 }))
            }
            for (name, change) in fields {
                var altered = original
                change(&altered.events[index])
                do {
                    _ = try altered.replay()
                    // Only a swap's input leg may pass: then the pool before it, swapped with the
                    // original input, must already give the same price, liquidity, tick and output.
                    let input = name == "amount0" ? event.amount0 : event.amount1
                    if event.kind == .swap, input.isPositive, name.hasPrefix("amount") {
                        var prefix = original
                        prefix.events = Array(original.events[..<index])
                        var pool = try prefix.replay()
                        let zeroForOne = event.amount0.isPositive
                        let limit = zeroForOne ? TickMath.minSqrtRatio + .one : TickMath.maxSqrtRatio - .one
                        let once = try pool.swap(zeroForOne: zeroForOne, amountSpecified: input + SignedAmount(.one), sqrtPriceLimitX96: limit)
                        let output = zeroForOne ? once.amount1 : once.amount0
                        if output == (zeroForOne ? event.amount1 : event.amount0) && pool.sqrtPriceX96 == event.sqrtPriceX96After {
                            absorbedAsFee += 1
                            continue
                        }
                    }
                    problems.append("event \(index + 1) \(name): replay passed")
                } catch let mismatch as RecordedV3History.Mismatch {
                    if mismatch.event == index + 1 {
                        refused += 1
                    } else if event.kind == .burn, event.liquidity == 0, name == "liquidity", mismatch.event == index + 2 {
                        seenNextEvent += 1
                    } else {
                        problems.append("event \(index + 1) \(name): failed at event \(mismatch.event)")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // One poke in the history; every other alteration refused at its event or absorbed as fee.
        #expect(seenNextEvent == 1)
        let alterations = original.events.reduce(0) { $0 + ($1.kind == .swap ? 5 : 3) }
        #expect(refused + absorbedAsFee + seenNextEvent == alterations)
        // Only an input leg can be absorbed: at most one per swap.
        #expect(absorbedAsFee <= original.events.filter { $0.kind == .swap }.count)
        print("V3 replay alterations: \(refused) refused at their event, \(absorbedAsFee) absorbed as fee, \(seenNextEvent) seen at the next event")
    }

    // MARK: the fixture through the ledger

    static let factsPath = path.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("uniswap-v3-weth-ens.jsonl")

    func factLines() throws -> [String] {
        try String(contentsOf: Self.factsPath, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The committed facts are the record converted (not edited by hand).
    @Test func factsFixtureIsTheRecordConverted() throws {
        let facts = try history().facts(pool: "uniswap-v3-weth-ens", token0: "WETH", token1: "ENS", decimals0: 18, decimals1: 18)
        #expect(try factLines() == facts.map(ContractCodec.line))
    }

    /// Folded by the ledger (the path every command takes), event by event:
    /// after each swap the pool's price, tick and liquidity are the chain's
    /// (read from the record, not from the facts), and the balances are the
    /// record's signed amounts summed independently (mints and swaps move
    /// tokens, burns only make them owed).
    @Test func ledgerFoldMatchesTheChainEventByEvent() throws {
        let record = try history()
        let lines = try factLines()
        #expect(lines.count == record.events.count + 1)
        var fold = LineFold()
        try fold.fold(line: lines[0], lineNumber: 1)
        var balance0 = SignedAmount.zero, balance1 = SignedAmount.zero
        var matched = 0
        for (index, event) in record.events.enumerated() {
            try fold.fold(line: lines[index + 1], lineNumber: index + 2)
            let pool = try #require(fold.ledger["uniswap-v3-weth-ens"])
            let v3 = try #require(pool.concentrated)
            if event.kind != .burn { balance0 = balance0 + event.amount0; balance1 = balance1 + event.amount1 }
            #expect(SignedAmount(pool.reserve0) == balance0 && SignedAmount(pool.reserve1) == balance1, "event \(index + 1)")
            if event.kind == .swap {
                guard v3.sqrtPriceX96 == event.sqrtPriceX96After, v3.tick == event.tickAfter, v3.liquidity == event.liquidityAfter else {
                    Issue.record("event \(index + 1): price \(v3.sqrtPriceX96) tick \(v3.tick) liquidity \(v3.liquidity)")
                    continue
                }
            }
            matched += 1
        }
        #expect(matched == 68)
        // Three positions remain (the manager's), one of them burned down to what it is owed.
        let v3 = try #require(fold.ledger["uniswap-v3-weth-ens"]?.concentrated)
        #expect(v3.positions.count == 3)
    }

    /// One unit more on any numeric field of any event's fact (amounts in and
    /// out, including the zero legs, price, tick and liquidity after, a
    /// position's liquidity, amounts and ticks): the fold fails at that line
    /// (`line N: RULE: ...`), except the two kinds of alteration that describe
    /// an equally valid history (see `anyFieldOffByOneIsRefusedNamingTheEvent`),
    /// each checked to be exactly that.
    @Test func anyFactFieldOffByOneIsRefusedNamingTheLine() throws {
        let lines = try factLines()
        var original = LineFold()
        var states: [PoolState] = []
        for (index, line) in lines.enumerated() {
            try original.fold(line: line, lineNumber: index + 1)
            states.append(original.ledger["uniswap-v3-weth-ens"]!)
        }
        let numeric: Set<String> = ["liquidity", "amount0", "amount1", "tick_lower", "tick_upper", "amount0_in", "amount1_in",
                                    "amount0_out", "amount1_out", "sqrt_price_x96_after", "tick_after", "liquidity_after"]
        var refused = 0, absorbedAsFee = 0, seenNextLine = 0, alterations = 0
        var problems: [String] = []
        for lineIndex in lines.indices.dropFirst() {
            guard case .object(let members) = try JSON.parse(lines[lineIndex]) else { Issue.record("line \(lineIndex + 1) is not an object"); return }
            for (position, member) in members.enumerated() where numeric.contains(member.key) {
                var altered = members
                switch member.value {
                case .string(let text): altered[position].value = .string((UInt256(decimal: text)! + .one).description)
                case .number(let text): altered[position].value = .number(String(Int64(text)! + 1))
                default: continue
                }
                alterations += 1
                var text = lines
                text[lineIndex] = JSON.object(altered).compact
                var fold = LineFold()
                var failedAt: Int?
                var detail = ""
                var stateAtLine: PoolState?
                for (index, line) in text.enumerated() {
                    do {
                        try fold.fold(line: line, lineNumber: index + 1)
                    } catch {
                        failedAt = index + 1
                        detail = error.description
                        break
                    }
                    if index == lineIndex { stateAtLine = fold.ledger["uniswap-v3-weth-ens"] }
                }
                let name = "line \(lineIndex + 1) \(member.key)"
                if let failedAt {
                    if failedAt == lineIndex + 1 {
                        #expect(detail.hasPrefix("line \(lineIndex + 1): "), "\(name): \(detail)")
                        refused += 1
                    } else if member.key == "liquidity", lines[lineIndex].contains("\"liquidity\":\"0\""), failedAt == lineIndex + 2 {
                        seenNextLine += 1
                    } else {
                        problems.append("\(name): failed at line \(failedAt): \(detail)")
                    }
                    continue
                }
                // Passed: only a swap's input leg, whose extra wei went to the fee: the
                // same price, tick, liquidity and position state, one more of that token held.
                let before = states[lineIndex], after = stateAtLine!
                let token0 = member.key == "amount0_in"
                if (member.key == "amount0_in" || member.key == "amount1_in"), after.concentrated?.sqrtPriceX96 == before.concentrated?.sqrtPriceX96,
                   after.concentrated?.tick == before.concentrated?.tick, after.concentrated?.liquidity == before.concentrated?.liquidity,
                   after.concentrated?.positions == before.concentrated?.positions,
                   after.reserve0 == before.reserve0 + (token0 ? .one : .zero), after.reserve1 == before.reserve1 + (token0 ? .zero : .one) {
                    absorbedAsFee += 1
                } else {
                    problems.append("\(name): the fold passed")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(seenNextLine == 1)
        #expect(refused + absorbedAsFee + seenNextLine == alterations)
        #expect(absorbedAsFee <= 63)
        print("V3 fact alterations: \(alterations): \(refused) refused at their line, \(absorbedAsFee) absorbed as fee, \(seenNextLine) seen at the next line")
    }

    /// The fixture's own check (its facts folded and compared with
    /// `Snapshots/uniswap-v3-weth-ens.json`, a checkpoint with the state hash
    /// after every fact) names the altered event for every one-unit alteration,
    /// the 29 valid alternative histories included: the extra wei a fee
    /// absorbed moves fee growth, the poke's unit of liquidity moves the
    /// position and its ticks, and the state hash covers both.
    @Test func fixtureCheckNamesEveryAlteredEvent() throws {
        let lines = try factLines()
        let snapshotURL = Self.factsPath.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Snapshots/uniswap-v3-weth-ens.json")
        let expected = try JSON.parse(try String(contentsOf: snapshotURL, encoding: .utf8))
        let numeric: Set<String> = ["liquidity", "amount0", "amount1", "tick_lower", "tick_upper", "amount0_in", "amount1_in",
                                    "amount0_out", "amount1_out", "sqrt_price_x96_after", "tick_after", "liquidity_after"]
        var named = 0, alterations = 0
        var problems: [String] = []
        for lineIndex in lines.indices.dropFirst() {
            guard case .object(let members) = try JSON.parse(lines[lineIndex]) else { Issue.record("line \(lineIndex + 1) is not an object"); return }
            for (position, member) in members.enumerated() where numeric.contains(member.key) {
                var altered = members
                switch member.value {
                case .string(let text): altered[position].value = .string((UInt256(decimal: text)! + .one).description)
                case .number(let text): altered[position].value = .number(String(Int64(text)! + 1))
                default: continue
                }
                alterations += 1
                var text = lines
                text[lineIndex] = JSON.object(altered).compact
                let history = Array(text.map { $0 + "\n" }.joined().utf8)
                // As `fixtures check` reports it: the first checkpoint that differs (one
                // per fact: line N holds the fact at seq N), else the rejected line.
                let folded = FixtureSnapshot.checkpoints(history: history, checkpointEvery: 1)
                let report = FixtureSnapshot.firstBadCheckpoint(expected: expected, actual: folded.checkpoints, historyComplete: folded.error == nil)
                if report.first == "first bad checkpoint at seq \(lineIndex + 1):" {
                    named += 1
                } else if report.isEmpty, let error = folded.error, error.description.hasPrefix("line \(lineIndex + 1): ") {
                    named += 1
                } else {
                    problems.append("line \(lineIndex + 1) \(member.key): \(report.first ?? folded.error?.description ?? "no difference")")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(named == alterations && alterations == 466)
    }
}
