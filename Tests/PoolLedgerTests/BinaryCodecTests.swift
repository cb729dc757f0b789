import PoolLedger
import PoolMath
import PropertyBased
import Testing
import TestSupport

@Suite struct BinaryCodecTests {
    static let facts: [Fact] = {
        var facts = RandomHistory.facts(seed: 77, count: 2_000)
        for index in facts.indices where index % 3 == 0 { facts[index].id = "0xabc\(index):\(index % 7)" }
        for index in facts.indices where index % 5 == 0 { facts[index].block = UInt64(index) * 1_000_003 }
        facts.append(Fact(.liquidityAdded(LiquidityAdded(pool: "p", provider: "é😀", amount0: .max, amount1: .zero, shares: 1, protocolFeeShares: .max)), time: UInt64(Int64.max)))
        facts.append(Fact(.feeToSet(FeeToSet(pool: "p", feeTo: nil))))
        return facts
    }()

    @Test func everyFactRoundTripsAndJSONAgrees() throws {
        for fact in Self.facts {
            let bytes = BinaryCodec.encode(fact)
            #expect(try BinaryCodec.decode(bytes) == fact)
            // The binary and the JSON forms say the same thing.
            #expect(try ContractCodec.decodeLine(ContractCodec.line(try BinaryCodec.decode(bytes))) == .fact(fact))
        }
    }

    /// An amount of any width is written as its minimal big-endian bytes
    /// (computed here a byte at a time by shifts) and read back whole.
    @Test func amountsAreMinimalBigEndianBytes() async {
        await propertyCheck(count: 2000, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            let limbs = (0..<4).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) }
            let full = UInt256(high: UInt128(limbs[0]) << 64 | UInt128(limbs[1]), low: UInt128(limbs[2]) << 64 | UInt128(limbs[3]))
            let value = full >> Int.random(in: 0...256, using: &rng)
            var expected: [UInt8] = (0..<32).map { UInt8(truncatingIfNeeded: (value >> (8 * (31 - $0))).low) }
            while expected.first == 0 { expected.removeFirst() }
            let bytes = BinaryCodec.encode(Fact(.reservesSynced(ReservesSynced(pool: "p", reserve0: value, reserve1: .zero))))
            // version, tag, flags, "p" (length 1), then the amount: its length and bytes; then reserve1 (length 0).
            #expect(Array(bytes[5...]) == [UInt8(expected.count)] + expected + [0], "seed \(seed)")
            do {
                #expect(try BinaryCodec.decode(bytes) == Fact(.reservesSynced(ReservesSynced(pool: "p", reserve0: value, reserve1: .zero))), "seed \(seed)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func encodingIsCompact() {
        let swap = Fact(.swap(Swap(pool: "WETH-DAI", trader: "bob", amount1In: 1_000_000_000_000_000_000, amount0Out: 996_006_981_039_903_216)))
        #expect(BinaryCodec.encode(swap).count < 40)
        #expect(ContractCodec.line(swap).utf8.count > 150)
    }

    @Test func nonCanonicalBytesAreRefused() {
        let fact = Fact(.sharesTransferred(SharesTransferred(pool: "p", from: "a", to: "b", shares: 300)), time: 5)
        let bytes = BinaryCodec.encode(fact)
        // [1, 5, flags=2, 1,'p', 1,'a', 1,'b', 2,0x01,0x2c, 5]
        #expect(bytes == [1, 5, 2, 1, 0x70, 1, 0x61, 1, 0x62, 2, 0x01, 0x2C, 5])
        let broken: [[UInt8]] = [
            bytes + [0],                                          // bytes left over
            Array(bytes.dropLast()),                              // truncated
            [1, 5, 2, 1, 0x70, 1, 0x61, 1, 0x62, 3, 0x00, 0x01, 0x2C, 5],  // amount with a leading zero byte
            [1, 5, 2, 1, 0x70, 1, 0x61, 1, 0x62, 2, 0x01, 0x2C, 0x85, 0x00],  // non-minimal varint
            [2] + bytes.dropFirst(),                              // unknown version
            [1, 9] + bytes.dropFirst(2),                          // unknown type
            [1, 5, 2 | 8] + bytes.dropFirst(3),                   // a flag that does not fit the type
            [1, 5, 2, 0, 1, 0x61, 1, 0x62, 2, 0x01, 0x2C, 5],     // empty string
            [1, 5, 2, 1, 0xFF, 1, 0x61, 1, 0x62, 2, 0x01, 0x2C, 5],  // invalid UTF-8
        ]
        for bytes in broken {
            #expect(throws: Rejection.self) { try BinaryCodec.decode(bytes) }
            do { _ = try BinaryCodec.decode(bytes) } catch { #expect(error.rule == .input(.malformedRecord)) }
        }
    }

    @Test func mutatedBytesDecodeOrAreRefusedNeverCrash() async {
        await propertyCheck(count: 5_000, input: Gen.int(in: 0...1_999), Gen.uint64()) { index, seed in
            var rng = SplitMix64(seed: seed)
            var bytes = BinaryCodec.encode(Self.facts[index])
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                }
                if bytes.isEmpty { break }
            }
            if let decoded = try? BinaryCodec.decode(bytes) {
                // Whatever decodes is canonical: it encodes back to the same bytes.
                #expect(BinaryCodec.encode(decoded) == bytes)
            }
        }
    }
}
