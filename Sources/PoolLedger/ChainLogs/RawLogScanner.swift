import PoolMath
#if canImport(Glibc)
import Glibc
#endif

/// The fast path for one `eth_getLogs` object: its fields read straight from
/// the bytes (keys compared as bytes, hex decoded into words), no JSON tree.
/// It takes only the plain form nodes write (string values without escapes,
/// `topics` an array of strings, each field once); anything else returns nil
/// and the strict reader (`RawLogReader.log(json:)`) reads the object, so the
/// errors and the results are the strict reader's (tested to agree on every
/// log of the genesis files and on damaged ones).
enum RawLogScanner {
    /// The log in `bytes[start...]` and the index after its closing brace, or nil for the strict reader.
    /// The position in the bytes, moved by its methods. A struct (not closures
    /// over a local) so that exclusive access is checked when compiling, not
    /// at every byte.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int

        mutating func skipSpace() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 } }

        /// A string without escapes: its byte range.
        mutating func string() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let begin = index + 1
            guard begin < bytes.count, let base = bytes.baseAddress,
                  let found = memchr(base + begin, Int32(UInt8(ascii: "\"")), bytes.count - begin) else { return nil }
            let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            // Escapes and control characters: the strict reader's.
            guard Self.plain(base + begin, count: end - begin) else { return nil }
            index = end + 1
            return begin..<end
        }

        /// Whether no byte is a backslash or below 0x20, eight bytes at a time.
        static func plain(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            var offset = 0
            var flagged: UInt64 = 0
            while offset + 8 <= count {
                let word = UnsafeRawPointer(start + offset).loadUnaligned(as: UInt64.self)
                // A byte below 0x20 or equal to 0x5C sets its high bit (the classic "has less" and "has zero" tests).
                let slash = word ^ (ones &* 0x5C)
                flagged |= ((word &- ones &* 0x20) | (slash &- ones)) & ~word & highs
                offset += 8
            }
            if flagged != 0 { return false }
            while offset < count {
                let byte = start[offset]
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return false }
                offset += 1
            }
            return true
        }

        func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
            return true
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// A string value into an empty slot.
        mutating func take(_ slot: inout Range<Int>?) -> Bool {
            guard slot == nil, let value = string() else { return false }
            slot = value
            return true
        }

        var atEnd: Bool { index >= bytes.count }
        var byte: UInt8 { bytes[index] }
    }

    /// The log in `bytes[start...]` and the index after its closing brace, or nil for the strict reader.
    static func log(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, row: Int) -> (log: RawLog, end: Int)? {
        var c = Cursor(bytes: bytes, index: start)

        c.skipSpace()
        guard !c.atEnd, c.byte == UInt8(ascii: "{") else { return nil }
        c.index += 1
        var address: Range<Int>?, data: Range<Int>?, block: Range<Int>?, logIndex: Range<Int>?, transaction: Range<Int>?, timestamp: Range<Int>?
        var topics: [Range<Int>]?
        c.skipSpace()
        if !c.atEnd, c.byte == UInt8(ascii: "}") { return nil }
        while true {
            c.skipSpace()
            guard let key = c.string() else { return nil }
            c.skipSpace()
            guard !c.atEnd, c.byte == UInt8(ascii: ":") else { return nil }
            c.index += 1
            c.skipSpace()
            guard !c.atEnd else { return nil }
            if c.equals(key, "address") { guard c.take(&address) else { return nil } }
            else if c.equals(key, "data") { guard c.take(&data) else { return nil } }
            else if c.equals(key, "blockNumber") { guard c.take(&block) else { return nil } }
            else if c.equals(key, "logIndex") { guard c.take(&logIndex) else { return nil } }
            else if c.equals(key, "transactionHash") { guard c.take(&transaction) else { return nil } }
            else if c.equals(key, "blockTimestamp") { guard c.take(&timestamp) else { return nil } }
            else if c.equals(key, "topics") {
                guard topics == nil, c.byte == UInt8(ascii: "[") else { return nil }
                c.index += 1
                var list: [Range<Int>] = []
                c.skipSpace()
                if !c.atEnd, c.byte == UInt8(ascii: "]") {
                    c.index += 1
                } else {
                    while true {
                        c.skipSpace()
                        guard let topic = c.string() else { return nil }
                        list.append(topic)
                        c.skipSpace()
                        guard !c.atEnd else { return nil }
                        if c.byte == UInt8(ascii: ",") { c.index += 1; continue }
                        guard c.byte == UInt8(ascii: "]") else { return nil }
                        c.index += 1
                        break
                    }
                }
                topics = list
            } else if c.equals(key, "removed") {
                // Only `false` takes the fast path (true is refused by the strict reader).
                guard c.literal("false") else { return nil }
            } else {
                // Other fields nodes write: strings, and plain numbers or literals.
                if c.byte == UInt8(ascii: "\"") {
                    guard c.string() != nil else { return nil }
                } else if !(c.literal("null") || c.literal("true") || c.literal("false")) {
                    let begin = c.index
                    while !c.atEnd, (c.byte >= UInt8(ascii: "0") && c.byte <= UInt8(ascii: "9")) || c.byte == UInt8(ascii: "-") { c.index += 1 }
                    guard c.index > begin else { return nil }
                }
            }
            c.skipSpace()
            guard !c.atEnd else { return nil }
            if c.byte == UInt8(ascii: ",") { c.index += 1; continue }
            guard c.byte == UInt8(ascii: "}") else { return nil }
            c.index += 1
            break
        }
        guard let address, let data, let block, let logIndex, let transaction, let topics, topics.count <= 4 else { return nil }
        // Values: hex as the strict reader requires it, or nil (the strict reader names the fault).
        guard case .success(let blockNumber) = Hex.quantity(bytes, block), case .success(let index64) = Hex.quantity(bytes, logIndex),
              Hex.isFixed(bytes, transaction, bytes: 32), Hex.isFixed(bytes, address, bytes: 20),
              case .success(let dataBytes) = Hex.data(bytes, data) else { return nil }
        var words: [UInt256] = []
        words.reserveCapacity(topics.count)
        for topic in topics {
            guard Hex.isFixed(bytes, topic, bytes: 32) else { return nil }
            words.append(Hex.word(bytes, topic))
        }
        var time: UInt64?
        if let timestamp {
            guard case .success(let value) = Hex.quantity(bytes, timestamp) else { return nil }
            time = value
        }
        return (RawLog(
            block: blockNumber, transactionHash: lowercased(bytes, transaction), logIndex: index64,
            address: lowercased(bytes, address), topics: words, data: dataBytes, row: row, time: time), c.index)
    }

    /// Hex text that `Hex.isFixed` accepted, lower-case: setting bit 5 of each
    /// byte lowers A-F and X and leaves the digits (which have it) as they are.
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            let text = bytes.baseAddress! + range.lowerBound
            for offset in 0..<range.count { out[offset] = text[offset] | 0x20 }
            return range.count
        }
    }
}
