import PoolMath

/// The fast path for one `eth_getLogs` object: its fields read straight from
/// the bytes (keys compared as bytes, hex decoded into words), no JSON tree.
/// It takes only the plain form nodes write (string values without escapes,
/// `topics` an array of strings, each field once); anything else returns nil
/// and the strict reader (`RawLogReader.log(json:)`) reads the object, so the
/// errors and the results are the strict reader's (tested to agree on every
/// log of the genesis files and on damaged ones).
enum RawLogScanner {
    /// The log in `bytes[start...]` and the index after its closing brace, or nil for the strict reader.
    static func log(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, row: Int) -> (log: RawLog, end: Int)? {
        var index = start
        func skipSpace() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 } }
        /// A string without escapes: its byte range.
        func string() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let begin = index + 1
            var end = begin
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                // Escapes and control characters: the strict reader's.
                if bytes[end] == UInt8(ascii: "\\") || bytes[end] < 0x20 { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            return begin..<end
        }
        func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
            return true
        }
        func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
            index += count
            return true
        }

        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var address: Range<Int>?, data: Range<Int>?, block: Range<Int>?, logIndex: Range<Int>?, transaction: Range<Int>?, timestamp: Range<Int>?
        var topics: [Range<Int>]?
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return nil }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < bytes.count else { return nil }
            func take(_ slot: inout Range<Int>?) -> Bool {
                guard slot == nil, let value = string() else { return false }
                slot = value
                return true
            }
            if equals(key, "address") { guard take(&address) else { return nil } }
            else if equals(key, "data") { guard take(&data) else { return nil } }
            else if equals(key, "blockNumber") { guard take(&block) else { return nil } }
            else if equals(key, "logIndex") { guard take(&logIndex) else { return nil } }
            else if equals(key, "transactionHash") { guard take(&transaction) else { return nil } }
            else if equals(key, "blockTimestamp") { guard take(&timestamp) else { return nil } }
            else if equals(key, "topics") {
                guard topics == nil, bytes[index] == UInt8(ascii: "[") else { return nil }
                index += 1
                var list: [Range<Int>] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                } else {
                    while true {
                        skipSpace()
                        guard let topic = string() else { return nil }
                        list.append(topic)
                        skipSpace()
                        guard index < bytes.count else { return nil }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        guard bytes[index] == UInt8(ascii: "]") else { return nil }
                        index += 1
                        break
                    }
                }
                topics = list
            } else if equals(key, "removed") {
                // Only `false` takes the fast path (true is refused by the strict reader).
                guard literal("false") else { return nil }
            } else {
                // Other fields nodes write: strings, and plain numbers or literals.
                if bytes[index] == UInt8(ascii: "\"") {
                    guard string() != nil else { return nil }
                } else if !(literal("null") || literal("true") || literal("false")) {
                    let begin = index
                    while index < bytes.count, (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) || bytes[index] == UInt8(ascii: "-") { index += 1 }
                    guard index > begin else { return nil }
                }
            }
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            break
        }
        guard let address, let data, let block, let logIndex, let transaction, let topics, topics.count <= 4 else { return nil }
        // Values: hex as the strict reader requires it, or nil (the strict reader names the fault).
        guard let blockNumber = quantity(bytes, block), let index64 = quantity(bytes, logIndex),
              isFixedHex(bytes, transaction, bytes: 32), isFixedHex(bytes, address, bytes: 20),
              let dataBytes = hexBytes(bytes, data) else { return nil }
        var words: [UInt256] = []
        words.reserveCapacity(topics.count)
        for topic in topics {
            guard isFixedHex(bytes, topic, bytes: 32) else { return nil }
            words.append(word(bytes, topic))
        }
        var time: UInt64?
        if let timestamp {
            guard let value = quantity(bytes, timestamp) else { return nil }
            time = value
        }
        return (RawLog(
            block: blockNumber, transactionHash: lowercased(bytes, transaction), logIndex: index64,
            address: lowercased(bytes, address), topics: words, data: dataBytes, row: row, time: time), index)
    }

    static func nibble(_ byte: UInt8) -> UInt8? { Hex.nibble(byte) }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.count >= 2 && bytes[range.lowerBound] == UInt8(ascii: "0") && (bytes[range.lowerBound + 1] == UInt8(ascii: "x") || bytes[range.lowerBound + 1] == UInt8(ascii: "X"))
    }

    /// As `Hex.quantity`: 0x, 1 to 16 digits, no leading zero.
    static func quantity(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64? {
        guard hasPrefix(bytes, range), range.count >= 3, range.count <= 18 else { return nil }
        guard range.count == 3 || bytes[range.lowerBound + 2] != UInt8(ascii: "0") else { return nil }
        var value: UInt64 = 0
        for position in (range.lowerBound + 2)..<range.upperBound {
            guard let digit = nibble(bytes[position]) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    static func isFixedHex(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, bytes count: Int) -> Bool {
        guard hasPrefix(bytes, range), range.count == 2 + 2 * count else { return false }
        for position in (range.lowerBound + 2)..<range.upperBound where nibble(bytes[position]) == nil { return false }
        return true
    }

    static func hexBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8]? {
        guard hasPrefix(bytes, range), range.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((range.count - 2) / 2)
        var position = range.lowerBound + 2
        while position < range.upperBound {
            guard let high = nibble(bytes[position]), let low = nibble(bytes[position + 1]) else { return nil }
            out.append(high << 4 | low)
            position += 2
        }
        return out
    }

    /// A checked 32-byte word (`isFixedHex`).
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt256 {
        var high: UInt128 = 0, low: UInt128 = 0
        for position in (range.lowerBound + 2)..<(range.lowerBound + 34) { high = high << 4 | UInt128(nibble(bytes[position])!) }
        for position in (range.lowerBound + 34)..<range.upperBound { low = low << 4 | UInt128(nibble(bytes[position])!) }
        return UInt256(high: high, low: low)
    }

    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            for offset in 0..<range.count {
                let byte = bytes[range.lowerBound + offset]
                out[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            }
            return range.count
        }
    }
}
