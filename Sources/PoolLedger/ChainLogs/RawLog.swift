import PoolMath

/// One log as a node returns it (`eth_getLogs`): the emitting address, up to
/// four 32-byte topics (the event's signature hash first, then its indexed
/// arguments) and the data (the other arguments, 32-byte words), with its
/// block, transaction and position in the block. Decoding the event is the
/// pool model's (`ConcentratedPoolLog`, `PairLog`).
public struct RawLog: Sendable, Equatable {
    public var block: UInt64
    public var transactionHash: String
    public var logIndex: UInt64
    /// 0x and 40 lower-case hex digits.
    public var address: String
    public var topics: [UInt256]
    public var data: [UInt8]
    /// The 1-based line (JSON Lines, CSV) or array element (a JSON array) it was read from.
    public var row: Int
    /// The block's timestamp, when the node gives it (`blockTimestamp`, `block_timestamp`).
    public var time: UInt64?

    public init(block: UInt64, transactionHash: String, logIndex: UInt64, address: String, topics: [UInt256], data: [UInt8], row: Int = 0, time: UInt64? = nil) {
        self.time = time
        self.block = block
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.address = address
        self.topics = topics
        self.data = data
        self.row = row
    }

    /// Where the log is, for every error about it.
    public var location: LocatedRejection.Location { .log(block: block, tx: transactionHash, logIndex: logIndex) }

    /// The id of the fact a log becomes: `tx:log_index`.
    public var factID: String {
        // Written into one allocation (made for every log imported).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { buffer in
            var value = logIndex, at = buffer.count
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            return buffer.count - at
        }
        var hash = transactionHash
        return hash.withUTF8 { tx in
            String(unsafeUninitializedCapacity: tx.count + 1 + count) { out in
                let colon = out.initialize(fromContentsOf: tx)
                out[colon] = UInt8(ascii: ":")
                withUnsafeBytes(of: digits) { buffer in
                    for index in 0..<count { out[colon + 1 + index] = buffer[buffer.count - count + index] }
                }
                return tx.count + 1 + count
            }
        }
    }

    /// The log as a node's `eth_getLogs` returns it (one JSON object), with `blockTimestamp` when it has a time.
    public var json: JSON {
        var members: [(key: String, value: JSON)] = [
            ("address", .string(address)),
            ("topics", .array(topicTexts.map { .string($0) })),
            ("data", .string(Hex.text(data))),
            ("blockNumber", .string(Hex.quantityText(block))),
            ("transactionHash", .string(transactionHash)),
            ("logIndex", .string(Hex.quantityText(logIndex))),
            ("removed", .bool(false)),
        ]
        if let time { members.append(("blockTimestamp", .string(Hex.quantityText(time)))) }
        return .object(members)
    }

    /// The topics as a node writes them: 0x and 64 hex digits each.
    var topicTexts: [String] { topics.map { ABIWord.hex($0, digits: 64, prefixed: true) } }

    /// The CSV columns `RawLogReader` reads (`block_timestamp` empty without a time).
    public static let csvHeader = "block_number,transaction_hash,log_index,address,topics,data,block_timestamp"

    public var csvRow: String {
        [String(block), transactionHash, String(logIndex), address,
         topicTexts.joined(separator: ";"), Hex.text(data), time.map(String.init) ?? ""].joined(separator: ",")
    }

    /// Data word `index` (0-based); the caller has checked the data's length.
    public func word(_ index: Int) -> UInt256 {
        data.withUnsafeBytes { raw in UInt256(bigEndian: UnsafeRawBufferPointer(rebasing: raw[(index * 32)..<(index * 32 + 32)])) }
    }

    /// Refuses a log whose topics or data do not have the event's shape.
    public func requireShape(_ event: String, topics count: Int, words: Int) throws(Rejection) {
        guard topics.count == count else {
            throw Rejection(.invalidField, "field \"topics\": \(event) has \(count) topics (the signature and \(count - 1) indexed arguments), this log has \(topics.count)")
        }
        guard data.count == words * 32 else {
            throw Rejection(.invalidField, "field \"data\": \(event) has \(words) words (\(words * 32) bytes) of data, this log has \(data.count) bytes")
        }
    }
}

/// The ABI's rules for one 32-byte word.
public enum ABIWord {
    /// An address: 20 bytes, the 12 above them zero.
    public static func address(_ word: UInt256, _ name: String) throws(Rejection) -> String {
        guard word >> 160 == .zero else { throw Rejection(.invalidField, "\(name) is not an address (its 12 upper bytes are not zero)") }
        return hex(word, digits: 40, prefixed: true)
    }

    /// An unsigned integer of `bits` bits.
    public static func unsigned(_ word: UInt256, bits: Int, _ name: String) throws(Rejection) -> UInt256 {
        guard bits == 256 || word >> bits == .zero else { throw Rejection(.invalidField, "\(name) \(word) does not fit uint\(bits)") }
        return word
    }

    /// A signed integer of at most 64 bits (int24): two's complement, sign-extended to 256 bits.
    public static func signed(_ word: UInt256, bits: Int, _ name: String) throws(Rejection) -> Int64 {
        let negative = word >> 255 == .one
        // Every bit above the value's own must repeat its sign.
        let extended = negative ? (~word) >> (bits - 1) : word >> (bits - 1)
        guard extended == .zero else { throw Rejection(.invalidField, "\(name) is not a sign-extended int\(bits)") }
        let low = UInt64(truncatingIfNeeded: word.low)
        return Int64(bitPattern: low)
    }

    /// An int256: its sign and magnitude.
    public static func int256(_ word: UInt256) -> SignedAmount {
        word >> 255 == .one ? SignedAmount(UInt256.zero &- word, negative: true) : SignedAmount(word)
    }

    /// Words as a log's data: each 32 bytes, big-endian.
    public static func data(_ words: [UInt256]) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(words.count * 32)
        for word in words { word.withBigEndianBytes { data.append(contentsOf: $0) } }
        return data
    }

    /// The last `digits` (at most 64) hex digits of `value`, lower-case, after
    /// "0x" when `prefixed` (written in one string: an address is made per
    /// indexed argument of every log).
    static func hex(_ value: UInt256, digits: Int, prefixed: Bool = false) -> String {
        precondition(digits >= 0 && digits <= 64, "at most 64 hex digits")
        let start = prefixed ? 2 : 0
        return value.withBigEndianBytes { bytes in
            String(unsafeUninitializedCapacity: start + digits) { out in
                // Through raw pointers: this runs for every address of every log read.
                guard let base = out.baseAddress, let word = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
                if prefixed { (base[0], base[1]) = (UInt8(ascii: "0"), UInt8(ascii: "x")) }
                let symbols = Hex.symbols.utf8Start
                // Nibble `nibble` of the word's 64, from the left: the last `digits` of them.
                var nibble = 64 - digits, index = start
                while nibble < 64 {
                    let byte = word[nibble >> 1]
                    base[index] = symbols[Int(nibble & 1 == 0 ? byte >> 4 : byte & 0xF)]
                    nibble += 1
                    index += 1
                }
                return start + digits
            }
        }
    }
}

/// Hex text as nodes write it.
enum Hex {
    static let symbols: StaticString = "0123456789abcdef"

    static func nibble(_ byte: UInt8) -> UInt8? {
        let value = digitValues[Int(byte)]
        return value == 0xFF ? nil : value
    }

    /// Each byte's value as a hex digit, 0xFF for a byte that is none: one
    /// load per digit on the import's hot path, and an OR over many digits
    /// tells whether all were hex (a value above 15 has its high bits set).
    /// Written once, when first used, and only read after.
    nonisolated(unsafe) static let digitValues: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0xFF, count: 256)
        for value in 0..<16 { table[Int(Hex.symbols.utf8Start[value])] = UInt8(value) }
        for (value, digit) in "ABCDEF".utf8.enumerated() { table[Int(digit)] = UInt8(10 + value) }
        return UnsafePointer(table)
    }()

    static func text(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 2 + 2 * bytes.count) { out in
            (out[0], out[1]) = (UInt8(ascii: "0"), UInt8(ascii: "x"))
            let symbols = Hex.symbols.utf8Start
            for (index, byte) in bytes.enumerated() {
                out[2 + 2 * index] = symbols[Int(byte >> 4)]
                out[3 + 2 * index] = symbols[Int(byte & 0xF)]
            }
            return 2 + 2 * bytes.count
        }
    }

    static func quantityText(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// What is wrong with hex text (the strict reader's error messages; the fast path only needs that it failed).
    enum Fault: Error {
        case noPrefix, tooLong, notHexDigit(position: Int), leadingZero, oddDigits, length(bytes: Int)
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.count >= 2 && bytes[range.lowerBound] == UInt8(ascii: "0")
            && (bytes[range.lowerBound + 1] == UInt8(ascii: "x") || bytes[range.lowerBound + 1] == UInt8(ascii: "X"))
    }

    /// A quantity: "0x" and 1 to 16 hex digits, no leading zero but for "0x0".
    static func quantity(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Result<UInt64, Fault> {
        guard hasPrefix(bytes, range), range.count >= 3 else { return .failure(.noPrefix) }
        guard range.count <= 18 else { return .failure(.tooLong) }
        var value: UInt64 = 0
        for position in (range.lowerBound + 2)..<range.upperBound {
            guard let digit = nibble(bytes[position]) else { return .failure(.notHexDigit(position: position - range.lowerBound + 1)) }
            value = value << 4 | UInt64(digit)
        }
        guard range.count == 3 || bytes[range.lowerBound + 2] != UInt8(ascii: "0") else { return .failure(.leadingZero) }
        return .success(value)
    }

    /// "0x" and an even number of hex digits.
    static func data(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Result<[UInt8], Fault> {
        guard hasPrefix(bytes, range) else { return .failure(.noPrefix) }
        guard range.count % 2 == 0 else { return .failure(.oddDigits) }
        let count = (range.count - 2) / 2
        let digits = bytes.baseAddress! + range.lowerBound + 2
        let table = digitValues
        var seen: UInt8 = 0
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let high = table[Int(digits[2 * index])], low = table[Int(digits[2 * index + 1])]
                seen |= high | low
                buffer[index] = high &<< 4 | low
            }
            initialized = count
        }
        guard seen < 0x10 else { return .failure(.notHexDigit(position: firstNonDigit(bytes, range))) }
        return .success(out)
    }

    /// The 1-based position (in the text, "0x" counted) of the first byte after the prefix that is no hex digit.
    static func firstNonDigit(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var position = range.lowerBound + 2
        while position < range.upperBound, nibble(bytes[position]) != nil { position += 1 }
        return position - range.lowerBound + 1
    }

    /// Whether the range is 0x and exactly `count` bytes of hex (an address: 20, a hash: 32).
    static func isFixed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, bytes count: Int) -> Bool {
        guard hasPrefix(bytes, range), range.count == 2 + 2 * count else { return false }
        let digits = bytes.baseAddress! + range.lowerBound + 2
        let table = digitValues
        var seen: UInt8 = 0
        for index in 0..<(2 * count) { seen |= table[Int(digits[index])] }
        return seen < 0x10
    }

    /// The 32-byte word of a range `isFixed(..., bytes: 32)` accepted.
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt256 {
        let digits = bytes.baseAddress! + range.lowerBound + 2
        let table = digitValues
        // Four 64-bit limbs of 16 digits each; the text's first is the most significant.
        func limb(_ first: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in first..<(first + 16) { value = value &<< 4 | UInt64(table[Int(digits[index])]) }
            return value
        }
        return UInt256(limbs: (limb(48), limb(32), limb(16), limb(0)))
    }

    // MARK: the same on text, with the strict reader's errors

    private static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> T) -> T {
        var text = text
        return text.withUTF8 { body($0, 0..<$0.count) }
    }

    private static func rejection(_ fault: Fault, _ text: String, _ name: String) -> Rejection {
        switch fault {
        case .noPrefix: return Rejection(.invalidField, "field \(quoted(name)) must be 0x-prefixed hex (a quantity such as \"0x1b4\"), not \(quoted(text))")
        case .tooLong: return Rejection(.invalidField, "field \(quoted(name)): \(quoted(text)) exceeds 64 bits")
        case .notHexDigit(let position): return Rejection(.invalidField, "field \(quoted(name)) has a character that is not a hex digit at position \(position)")
        case .leadingZero: return Rejection(.invalidField, "field \(quoted(name)): \(quoted(text)) has a leading zero (a hex quantity has none)")
        case .oddDigits: return Rejection(.invalidField, "field \(quoted(name)) has an odd number of hex digits")
        case .length(let bytes): return Rejection(.invalidField, "field \(quoted(name)) must be \(bytes) bytes (\(bytes * 2) hex digits)")
        }
    }

    static func quantity(_ text: String, _ name: String) throws(Rejection) -> UInt64 {
        switch withBytes(text, quantity) {
        case .success(let value): return value
        case .failure(let fault): throw rejection(fault, text, name)
        }
    }

    static func data(_ text: String, _ name: String) throws(Rejection) -> [UInt8] {
        switch withBytes(text, data) {
        case .success(let value): return value
        case .failure(let fault): throw rejection(fault, text, name)
        }
    }

    /// A 32-byte word: "0x" and exactly 64 hex digits.
    static func word(_ text: String, _ name: String) throws(Rejection) -> UInt256 {
        _ = try data(text, name)
        guard let value = withBytes(text, { isFixed($0, $1, bytes: 32) ? word($0, $1) : nil }) else { throw rejection(.length(bytes: 32), text, name) }
        return value
    }

    static func isFixed(_ text: String, bytes count: Int) -> Bool { withBytes(text) { isFixed($0, $1, bytes: count) } }

    /// A transaction hash or an address: 0x and `bytes` bytes, written lower-case.
    static func fixed(_ text: String, bytes count: Int, _ name: String) throws(Rejection) -> String {
        _ = try data(text, name)
        guard isFixed(text, bytes: count) else { throw rejection(.length(bytes: count), text, name) }
        return text.lowercased()
    }
}
