import Fixtures
import Foundation
import PoolLedger
import TestSupport
import PoolMath
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("Events"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("Snapshots"), withIntermediateDirectories: true)
    return directory
}

func bytes(_ url: URL) -> [UInt8] { Array(FileManager.default.contents(atPath: url.path) ?? Data()) }

@Suite struct FixturesTests {
    /// `fixtures check` over the repository: every committed fixture holds at every checkpoint.
    @Test func everyCommittedFixtureHolds() throws {
        let results = try FixtureFiles(directory: packageRoot).check()
        #expect(results.count >= 13)
        for result in results {
            #expect(result.problems.isEmpty, "\(result.name): \(result.problems.joined(separator: "\n"))")
        }
        // The large generated fixture is checked by regenerating its history.
        #expect(results.contains { $0.name == "gbm-seed3-large" && $0.regenerated && $0.facts == "30000" })
        let generated = results.filter { $0.name.hasPrefix("gbm-") || $0.name.hasPrefix("recorded-path-") }
        #expect(generated.count >= 3)
        #expect(generated.allSatisfy { (Int($0.facts) ?? 0) >= 10_000 })
    }

    /// One changed field in a snapshot: check fails naming the first bad
    /// checkpoint's seq and the field with both values.
    @Test func aChangedSnapshotFieldIsReportedWithBothValues() throws {
        let directory = try temporaryDirectory()
        let files = FixtureFiles(directory: directory)
        for name in ["gbm-seed2"] {
            try FileManager.default.copyItem(at: FixtureFiles(directory: packageRoot).eventsURL(name), to: files.eventsURL(name))
        }
        var snapshot = String(decoding: bytes(FixtureFiles(directory: packageRoot).snapshotURL("gbm-seed2")), as: UTF8.self)
        // The 4th checkpoint (seq 4000): change the first reserve0 after it by one digit.
        let checkpoint = try #require(snapshot.range(of: "\"seq\": 4000"))
        let field = try #require(snapshot.range(of: "\"reserve0\": \"", range: checkpoint.upperBound..<snapshot.endIndex))
        let digit = snapshot[field.upperBound]
        let original = String(snapshot[field.upperBound...].prefix { $0.isNumber })
        snapshot.replaceSubrange(field.upperBound...field.upperBound, with: digit == "9" ? "8" : String(Int(String(digit))! + 1))
        let altered = String(snapshot[field.upperBound...].prefix { $0.isNumber })
        try Data(snapshot.utf8).write(to: files.snapshotURL("gbm-seed2"))

        let result = try files.check("gbm-seed2")
        #expect(result.problems.first == "first bad checkpoint at seq 4000:")
        #expect(result.problems.contains { $0.contains("reserve0: expected \"\(altered)\", got \"\(original)\"") }, "\(result.problems)")
    }

    /// The same seed and arguments give byte-identical files, and the committed
    /// fixture (written by a release build) is reproduced byte for byte here.
    @Test func generatingTwiceGivesIdenticalBytes() throws {
        let first = try temporaryDirectory(), second = try temporaryDirectory()
        let settings = GeneratorSettings(seed: 2, events: 10_000, pools: 2)
        try FixtureFiles(directory: first).generate(name: "gbm-seed2", settings: settings)
        try FixtureFiles(directory: second).generate(name: "gbm-seed2", settings: settings)
        for file in ["Events/gbm-seed2.jsonl", "Events/gbm-seed2.commands.jsonl", "Snapshots/gbm-seed2.json"] {
            let a = bytes(first.appendingPathComponent(file))
            let b = bytes(second.appendingPathComponent(file))
            let committed = bytes(packageRoot.appendingPathComponent(file))
            #expect(!a.isEmpty)
            #expect(a == b, "\(file) differs between two runs")
            #expect(a == committed, "\(file) differs from the committed fixture")
        }
    }

    /// The commands of a generated fixture decide into exactly its facts.
    @Test func commandsDecideIntoTheFacts() throws {
        let root = FixtureFiles(directory: packageRoot)
        var fold = LineFold(keepFacts: true)
        try fold.fold(utf8: bytes(root.commandsURL("gbm-seed1")))
        let facts = fold.facts.map { ContractCodec.line($0) + "\n" }.joined()
        #expect(Array(facts.utf8) == bytes(root.eventsURL("gbm-seed1")))
    }

    /// The arbitrageur's trade maximises its profit at the external price:
    /// trading 1 % more or less, or nothing, never gains more.
    @Test func arbitrageTradeIsOptimal() throws {
        var rng = SplitMix64(seed: 5)
        var trades = 0
        for _ in 0..<2_000 {
            let reserve0 = UInt256(rng.uniform(1_000_000...1_000_000_000_000)) * 1_000_000
            let reserve1 = UInt256(rng.uniform(1_000_000...1_000_000_000_000)) * 1_000
            let fee = [UInt32(100), 500, 3000, 10000][Int(rng.uniform(below: 4))]
            // An external price within +-20 % of the pool's.
            let poolPrice = try #require(PricePath.x128(reserve1, reserve0))
            let price = poolPrice * UInt256(rng.uniform(800...1200)) / 1000
            guard let trade = Generator.arbitrage(reserve0: reserve0, reserve1: reserve1, feePPM: fee, priceX128: price) else { continue }
            trades += 1
            let (reserveIn, reserveOut) = trade.sellToken0 ? (reserve0, reserve1) : (reserve1, reserve0)
            // Value (in token1, scaled by 2^128) received minus paid, compared without signs:
            // gain(a) >= gain(b)  <=>  received(a) + paid(b) >= received(b) + paid(a).
            func value(_ amountIn: UInt256) throws -> (received: UInt512, paid: UInt512) {
                let out = amountIn.isZero ? .zero : try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: fee)
                return trade.sellToken0
                    ? (UInt512(out << 128), amountIn.multipliedFullWidth(by: price))
                    : (out.multipliedFullWidth(by: price), UInt512(amountIn << 128))
            }
            let best = try value(trade.amountIn)
            for other in [UInt256.zero, trade.amountIn * 99 / 100, trade.amountIn * 101 / 100] {
                let alternative = try value(other)
                let lhs = best.received.addingReportingOverflow(alternative.paid).partialValue
                let rhs = alternative.received.addingReportingOverflow(best.paid).partialValue
                #expect(lhs >= rhs, "reserves \(reserve0), \(reserve1) fee \(fee): trading \(other) beats \(trade.amountIn)")
            }
        }
        #expect(trades > 1_000)
    }
}
