import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

/// Bad input never crashes: random mutations of valid history lines (byte
/// flips, cuts, insertions, digit runs, extreme numbers) either fold or are
/// rejected with a rule; a trap here would end the whole test run.
@Suite struct FuzzTests {
    static let history = RandomHistory.facts(seed: 42, count: 300).map(ContractCodec.line)

    static let insertions: [String] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", "-", "+", ".", "e", "0", "\u{0}", "\u{1F600}", "null", "true",
        "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        "115792089237316195423570985008687907853269984665640564039457584007913129639936",
        "5192296858534827628530496329220095", "99999999999999999999999999999999999999999999",
    ]

    static func mutate(_ line: String, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var bytes = Array(line.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0...3, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &rng)))
            case 2: bytes.insert(contentsOf: Array(insertions.randomElement(using: &rng)!.utf8), at: at)
            default:
                // Replace a run of digits by an extreme number.
                if let start = bytes[at...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    var end = start
                    while end < bytes.count && bytes[end] >= 0x30 && bytes[end] <= 0x39 { end += 1 }
                    bytes.replaceSubrange(start..<end, with: Array(insertions[17...].randomElement(using: &rng)!.utf8))
                }
            }
        }
        return bytes
    }

    @Test func mutatedLinesFoldOrAreRejectedNeverCrash() async {
        // A ledger part-way through the history, so mutated facts meet real state.
        var base = LineFold()
        for (index, line) in Self.history.prefix(150).enumerated() {
            try? base.fold(line: line, lineNumber: index + 1)
        }
        let start = base
        await propertyCheck(count: 5_000, input: Gen.int(in: 0...299), Gen.uint64()) { index, seed in
            var fold = start
            let bytes = Self.mutate(Self.history[index], seed: seed) + [0x0A] + Array(Self.history[min(index + 1, 299)].utf8)
            do {
                try fold.fold(utf8: bytes)
            } catch let rejected as LocatedRejection {
                #expect(rejected.description.hasPrefix("line "))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
