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
}
