import Fixtures
import Foundation
import PoolLedger
import TestSupport
import PoolMath
import Testing

/// The WETH/ENS Uniswap V3 pool's recorded life (3 mints, 2 burns, 63 swaps)
/// as the fixture `Events/uniswap-v3-weth-ens.jsonl`, folded by the ledger:
/// every amount, price, liquidity and tick equal to the chain's, and every
/// one-unit alteration of a fact accounted for.
@Suite struct RecordedV3HistoryTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Events/recorded/uniswap-v3-weth-ens/events.json")

    func history() throws -> RecordedV3History {
        try RecordedV3History(json: try String(contentsOf: Self.path, encoding: .utf8))
    }

    static let factsPath = path.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("uniswap-v3-weth-ens.jsonl")

    func factLines() throws -> [String] {
        try String(contentsOf: Self.factsPath, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Every numeric field of every event's fact (amounts in and out, the zero
    /// legs included, price, tick and liquidity after, a position's liquidity,
    /// amounts and ticks) one unit higher: the altered line, the field, and the
    /// whole history with that one change.
    static func oneUnitAlterations(of lines: [String]) throws -> [(line: Int, field: String, history: [String])] {
        let numeric: Set<String> = ["liquidity", "amount0", "amount1", "tick_lower", "tick_upper", "amount0_in", "amount1_in",
                                    "amount0_out", "amount1_out", "sqrt_price_x96_after", "tick_after", "liquidity_after"]
        var alterations: [(line: Int, field: String, history: [String])] = []
        for index in lines.indices.dropFirst() {
            guard case .object(let members) = try JSON.parse(lines[index]) else { throw FixtureError(message: "line \(index + 1) is not an object") }
            for (position, member) in members.enumerated() where numeric.contains(member.key) {
                var altered = members
                switch member.value {
                case .string(let text): altered[position].value = .string((UInt256(decimal: text)! + .one).description)
                case .number(let text): altered[position].value = .number(String(Int64(text)! + 1))
                default: continue
                }
                var history = lines
                history[index] = JSON.object(altered).compact
                alterations.append((index + 1, member.key, history))
            }
        }
        return alterations
    }

    /// How many alterations the record allows: five numeric fields on a position
    /// fact, seven on a swap (counted from the record, not from the facts).
    func expectedAlterations(_ record: RecordedV3History) -> Int {
        record.events.reduce(0) { $0 + ($1.kind == .swap ? 7 : 5) }
    }

    /// The committed facts are the record converted (not edited by hand).
    @Test func factsFixtureIsTheRecordConverted() throws {
        let facts = try history().facts(pool: "uniswap-v3-weth-ens", token0: "WETH", token1: "ENS", decimals0: 18, decimals1: 18)
        #expect(try factLines() == facts.map(ContractCodec.line))
    }

    /// A Mint or Burn recorded with a negative amount is not turned into a fact.
    @Test func negativePositionAmountsAreRefused() throws {
        var record = try history()
        let index = try #require(record.events.firstIndex { $0.kind == .mint })
        record.events[index].amount0 = SignedAmount(.one, negative: true)
        #expect(throws: RecordedV3History.Mismatch.self) {
            try record.facts(pool: "p", token0: "A", token1: "B", decimals0: 18, decimals1: 18)
        }
    }

    /// Folded by the ledger (the path every command takes), event by event:
    /// after each swap the pool's price, tick and liquidity are the chain's
    /// (read from the record, not from the facts), and the balances are the
    /// record's signed amounts summed independently (mints and swaps move
    /// tokens, burns only make them owed).
    @Test func ledgerFoldMatchesTheChainEventByEvent() throws {
        let record = try history()
        let lines = try factLines()
        #expect(record.events.count == 68)
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
        #expect(matched == record.events.count)
        // The recorded path visits the bottom of the price range once (the swap that
        // stopped at its limit, whose input the fold reconstructs as "any larger").
        #expect(record.events.contains { $0.tickAfter == TickMath.minTick })
        // Three positions remain (the manager's), one of them burned down to what it is owed.
        let v3 = try #require(fold.ledger["uniswap-v3-weth-ens"]?.concentrated)
        #expect(v3.positions.count == 3)
    }

    /// One unit more on any numeric field of any event's fact: the fold fails at
    /// that line (`line N: RULE: ...`), except where the altered fact describes
    /// another history just as valid, which no rule can refuse; each is checked
    /// to be exactly that:
    /// - one more wei of a swap's input that the fee absorbs (the input less the
    ///   fee rounds down to the same amount: same price, output and positions,
    ///   one more wei held, which only fee growth shows);
    /// - one unit of liquidity burned by the zero-liquidity poke, which pays out
    ///   nothing (rounded down) and shows at the next swap's liquidity instead.
    @Test func anyFactFieldOffByOneIsRefusedNamingTheLine() throws {
        let record = try history()
        let lines = try factLines()
        var original = LineFold()
        var states: [PoolState] = []
        for (index, line) in lines.enumerated() {
            try original.fold(line: line, lineNumber: index + 1)
            states.append(original.ledger["uniswap-v3-weth-ens"]!)
        }
        let alterations = try Self.oneUnitAlterations(of: lines)
        #expect(alterations.count == expectedAlterations(record))
        var refused = 0, absorbedAsFee = 0, seenNextLine = 0
        var problems: [String] = []
        for (line, field, history) in alterations {
            var fold = LineFold()
            var failure: LocatedRejection?
            var stateAtLine: PoolState?
            for (index, text) in history.enumerated() {
                do {
                    try fold.fold(line: text, lineNumber: index + 1)
                } catch {
                    failure = error
                    break
                }
                if index + 1 == line { stateAtLine = fold.ledger["uniswap-v3-weth-ens"] }
            }
            let name = "line \(line) \(field)"
            let event = record.events[line - 2]
            if let failure {
                if failure.location == .line(line) {
                    #expect(failure.description.hasPrefix("line \(line): "), "\(name): \(failure)")
                    // Folded in place: the refusal put back all the fact had changed (ticks crossed, positions, scalars).
                    #expect(fold.ledger["uniswap-v3-weth-ens"] == states[line - 2], "\(name): the refused fact left the pool changed")
                    #expect(fold.ledger.seq == UInt64(line - 1))
                    refused += 1
                } else if field == "liquidity", event.kind == .burn, event.liquidity == 0, failure.location == .line(line + 1) {
                    seenNextLine += 1
                } else {
                    problems.append("\(name): \(failure)")
                }
                continue
            }
            let before = states[line - 1], after = stateAtLine!
            let token0 = field == "amount0_in"
            if field == "amount0_in" || field == "amount1_in", after.concentrated?.sqrtPriceX96 == before.concentrated?.sqrtPriceX96,
               after.concentrated?.tick == before.concentrated?.tick, after.concentrated?.liquidity == before.concentrated?.liquidity,
               after.concentrated?.positions == before.concentrated?.positions,
               after.reserve0 == before.reserve0 + (token0 ? .one : .zero), after.reserve1 == before.reserve1 + (token0 ? .zero : .one) {
                absorbedAsFee += 1
            } else {
                problems.append("\(name): the fold passed")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // One poke in the record; an input leg is absorbed at most once per swap.
        #expect(seenNextLine == record.events.filter { $0.kind == .burn && $0.liquidity == 0 }.count)
        #expect(absorbedAsFee <= record.events.filter { $0.kind == .swap }.count)
        #expect(refused + absorbedAsFee + seenNextLine == alterations.count)
        print("V3 fact alterations: \(alterations.count): \(refused) refused at their line, \(absorbedAsFee) absorbed as fee, \(seenNextLine) seen at the next line")
    }

    /// The fixture's own check (its facts folded and compared with
    /// `Snapshots/uniswap-v3-weth-ens.json`, a checkpoint with the state hash
    /// after every fact) names the altered event for every one-unit alteration,
    /// the valid alternative histories included: the extra wei a fee absorbed
    /// moves fee growth, the poke's unit of liquidity moves the position and its
    /// ticks, and the state hash covers both.
    @Test func fixtureCheckNamesEveryAlteredEvent() throws {
        let snapshotURL = Self.factsPath.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Snapshots/uniswap-v3-weth-ens.json")
        let expected = try JSON.parse(try String(contentsOf: snapshotURL, encoding: .utf8))
        let alterations = try Self.oneUnitAlterations(of: try factLines())
        #expect(alterations.count == expectedAlterations(try history()))
        var problems: [String] = []
        for (line, field, lines) in alterations {
            let history = Array(lines.map { $0 + "\n" }.joined().utf8)
            // As `fixtures check` reports it: the first checkpoint that differs (one
            // per fact: line N holds the fact at seq N), else the rejected line.
            let folded = FixtureSnapshot.checkpoints(history: history, checkpointEvery: 1)
            let report = FixtureSnapshot.firstBadCheckpoint(expected: expected, actual: folded.checkpoints, historyComplete: folded.error == nil)
            let namedAtCheckpoint = report.first == "first bad checkpoint at seq \(line):"
            let namedAtLine = report.isEmpty && folded.error?.location == .line(line)
            if !namedAtCheckpoint && !namedAtLine {
                problems.append("line \(line) \(field): \(report.first ?? folded.error?.description ?? "no difference")")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
