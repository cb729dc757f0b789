import PoolLedger
import PropertyBased
import Testing
import TestSupport

/// The chunked line reader gives exactly the lines (and numbers) of the
/// whole-buffer one, wherever the chunk boundaries fall.
@Suite struct LineReaderTests {
    func lines(_ reader: JSONLines.Reader) throws -> [String] {
        var reader = reader
        var lines: [String] = []
        while let (line, number) = try reader.next() {
            #expect(number == lines.count + 1)
            lines.append(line)
        }
        return lines
    }

    /// Lines of several kinds (blank, non-ASCII, CR-ended, long), with or without a final newline.
    static func randomText(_ rng: inout SplitMix64) -> [UInt8] {
        let pieces = ["{\"a\":1}", "", "é ü ✓", "x\r", "  ", String(repeating: "z", count: Int.random(in: 0...50, using: &rng))]
        var text = (0..<Int.random(in: 0...20, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined(separator: "\n")
        if Bool.random(using: &rng) { text += "\n" }
        return Array(text.utf8)
    }

    @Test func chunkBoundariesDoNotMatter() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            let bytes = Self.randomText(&rng)
            var offset = 0
            let chunked = JSONLines.Reader(chunks: {
                guard offset < bytes.count else { return nil }
                let size = Int.random(in: 1...7, using: &rng)
                defer { offset += size }
                return Array(bytes[offset..<min(offset + size, bytes.count)])
            })
            do {
                #expect(try lines(chunked) == lines(JSONLines.Reader(bytes)))
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// The reader that reads into its own buffer, with reads returning any
    /// number of bytes up to the room given, gives the lines of the whole buffer.
    @Test func readsOfAnySizeGiveTheSameLines() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            let bytes = Self.randomText(&rng)
            var offset = 0
            let room = Int.random(in: 1...9, using: &rng)
            let reading = JSONLines.Reader(reading: { buffer in
                #expect(buffer.count == room)
                let size = min(Int.random(in: 1...buffer.count, using: &rng), bytes.count - offset)
                guard size > 0 else { return 0 }
                bytes.withUnsafeBytes { all in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[offset..<offset + size])) }
                offset += size
                return size
            }, size: room)
            do {
                #expect(try lines(reading) == lines(JSONLines.Reader(bytes)), "seed \(seed)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func unreadableInputNamesTheLine() throws {
        struct Broken: Error {}
        var calls = 0
        var reader = JSONLines.Reader(chunks: {
            calls += 1
            if calls == 1 { return Array("first\nsec".utf8) }
            throw Broken()
        })
        #expect(try reader.next()?.line == "first")
        do {
            _ = try reader.next()
            Issue.record("expected a read error")
        } catch {
            #expect(error.description.hasPrefix("line 2: UNREADABLE_INPUT"))
        }
        // Invalid UTF-8 split over two chunks is still found, at its line.
        var parts = [[UInt8]("ok\n".utf8) + [0xC3], [0x28, 0x0A]]
        var invalid = JSONLines.Reader(chunks: { parts.isEmpty ? nil : parts.removeFirst() })
        #expect(try invalid.next()?.line == "ok")
        #expect(throws: LocatedRejection.self) { try invalid.next() }
    }
}
