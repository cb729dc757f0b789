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
            address: lowercased(bytes, address), topics: words, data: dataBytes, row: row, time: time), index)
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
