import PoolMath
@testable import PoolLedger
import PropertyBased
import Testing
import TestSupport

/// The raw-log fast path's byte routines (hex digits by table, eight bytes
/// at a time for escapes, limbs for words) against plain reference
/// implementations written character by character, on random text mixing
/// hex digits of both cases, the prefix, and bytes that must be refused.
@Suite struct HexScanTests {
    static let alphabet = Array("0123456789abcdefABCDEFxXg\\\"/ \u{1F}\u{7F}é".utf8)

    static func value(_ byte: UInt8) -> UInt8? {
        if byte >= 48 && byte <= 57 { return byte - 48 }
        if byte >= 97 && byte <= 102 { return byte - 87 }
        if byte >= 65 && byte <= 70 { return byte - 55 }
        return nil
    }

    static func text(_ rng: inout SplitMix64, hexOnly: Bool) -> [UInt8] {
        var bytes: [UInt8] = Bool.random(using: &rng) ? [48, Bool.random(using: &rng) ? 120 : 88] : []
        let count = [0, 1, 40, 64, Int.random(in: 0...90, using: &rng)].randomElement(using: &rng)!
        for _ in 0..<count {
            let pool = hexOnly && Int.random(in: 0..<20, using: &rng) != 0 ? Array(alphabet.prefix(22)) : alphabet
            bytes.append(pool.randomElement(using: &rng)!)
        }
        return bytes
    }

    @Test func hexRoutinesMatchTheReference() async {
        await propertyCheck(count: 3000, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            let bytes = Self.text(&rng, hexOnly: Bool.random(using: &rng))
            bytes.withUnsafeBufferPointer { buffer in
                let range = 0..<buffer.count
                let prefixed = bytes.count >= 2 && bytes[0] == 48 && (bytes[1] == 120 || bytes[1] == 88)
                let digits = prefixed ? Array(bytes.dropFirst(2)) : []
                let firstBad = digits.firstIndex { Self.value($0) == nil }
                // data: the bytes, or the fault with the first bad position (1-based, prefix counted).
                switch Hex.data(buffer, range) {
                case .success(let decoded):
                    #expect(prefixed && digits.count % 2 == 0 && firstBad == nil, "seed \(seed)")
                    let expected = stride(from: 0, to: digits.count, by: 2).map { Self.value(digits[$0])! << 4 | Self.value(digits[$0 + 1])! }
                    #expect(decoded == expected, "seed \(seed)")
                case .failure(.noPrefix): #expect(!prefixed, "seed \(seed)")
                case .failure(.oddDigits): #expect(prefixed && digits.count % 2 == 1, "seed \(seed)")
                case .failure(.notHexDigit(let position)):
                    #expect(prefixed && digits.count % 2 == 0 && firstBad.map { $0 + 3 } == position, "seed \(seed)")
                case .failure(let other): Issue.record("seed \(seed): unexpected \(other)")
                }
                for size in [20, 32] {
                    let fixed = prefixed && digits.count == 2 * size && firstBad == nil
                    #expect(Hex.isFixed(buffer, range, bytes: size) == fixed, "seed \(seed)")
                    guard fixed else { continue }
                    #expect(RawLogScanner.lowercased(buffer, range) == String(decoding: bytes, as: UTF8.self).lowercased(), "seed \(seed)")
                    guard size == 32 else { continue }
                    let word = Hex.word(buffer, range)
                    for (index, pair) in stride(from: 0, to: 64, by: 2).enumerated() {
                        let byte = Self.value(digits[pair])! << 4 | Self.value(digits[pair + 1])!
                        #expect(UInt8(truncatingIfNeeded: (word >> (8 * (31 - index))).low) == byte, "seed \(seed) byte \(index)")
                    }
                    // Back to text, lower-case, whole and as an address's 40 digits.
                    let lower = String(decoding: digits, as: UTF8.self).lowercased()
                    #expect(ABIWord.hex(word, digits: 64) == lower, "seed \(seed)")
                    #expect(ABIWord.hex(word, digits: 40) == String(lower.suffix(40)), "seed \(seed)")
                    #expect(ABIWord.hex(word, digits: 0) == "", "seed \(seed)")
                    #expect(ABIWord.hex(word, digits: 40, prefixed: true) == "0x" + String(lower.suffix(40)), "seed \(seed)")
                }
                // Plain string bytes: no backslash, nothing below 0x20, at every offset and length.
                if let base = buffer.baseAddress {
                    for start in 0..<min(buffer.count, 9) {
                        let slice = bytes[start...]
                        let expected = !slice.contains { $0 == 0x5C || $0 < 0x20 }
                        #expect(RawLogScanner.Cursor.plain(base + start, count: slice.count) == expected, "seed \(seed) start \(start)")
                    }
                }
            }
        }
    }

    @Test func dataWordsAreBigEndianLimbs() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            let words = Int.random(in: 1...6, using: &rng)
            let data = (0..<(words * 32)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let log = RawLog(block: 1, transactionHash: "0x" + String(repeating: "0", count: 64), logIndex: 0,
                             address: "0x" + String(repeating: "0", count: 40), topics: [], data: data)
            for index in 0..<words {
                let word = log.word(index)
                for offset in 0..<32 {
                    #expect(UInt8(truncatingIfNeeded: (word >> (8 * (31 - offset))).low) == data[index * 32 + offset], "seed \(seed) word \(index) byte \(offset)")
                }
            }
        }
    }
}
