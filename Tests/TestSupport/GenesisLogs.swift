import Foundation

/// One raw Ethereum log, as `eth_getLogs` returns it, re-encoded by the tests
/// from the decoded genesis CSVs.
public struct EncodedLog: Sendable, Equatable {
    public var blockNumber: UInt64
    /// 0x + 64 lower-case hex, as in the CSV.
    public var transactionHash: String
    public var logIndex: UInt64
    /// 0x + 40 lower-case hex: the emitting contract.
    public var address: String
    /// Each 0x + 64 lower-case hex; topics[0] is the event's topic0.
    public var topics: [String]
    /// 0x + 64*k lower-case hex (k 32-byte words).
    public var data: String

    public init(blockNumber: UInt64, transactionHash: String, logIndex: UInt64, address: String, topics: [String], data: String) {
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.address = address
        self.topics = topics
        self.data = data
    }

    /// The eth_getLogs JSON object, as a node returns it (keys in this order, no whitespace):
    /// {"address","topics","data","blockNumber" (hex quantity, e.g. "0xbcc0c3"),"transactionHash",
    /// "transactionIndex" ("0x0"),"blockHash" ("0x" + 64 zeros),"logIndex" (hex quantity),"removed":false}
    ///
    /// Computed from the fields, so it never goes stale when a test edits a field.
    public var jsonObject: String {
        let topicList = topics.map { "\"\($0)\"" }.joined(separator: ",")
        return "{"
            + "\"address\":\"\(address)\","
            + "\"topics\":[\(topicList)],"
            + "\"data\":\"\(data)\","
            + "\"blockNumber\":\"\(EncodedLog.hexQuantity(blockNumber))\","
            + "\"transactionHash\":\"\(transactionHash)\","
            + "\"transactionIndex\":\"0x0\","
            + "\"blockHash\":\"\(EncodedLog.zeroBlockHash)\","
            + "\"logIndex\":\"\(EncodedLog.hexQuantity(logIndex))\","
            + "\"removed\":false"
            + "}"
    }

    /// One CSV row for `GenesisLogs.csvHeader` (block_number,transaction_hash,log_index,address,topics,data):
    /// block_number and log_index decimal, topics joined by ";", data the 0x hex. No quoting (no field
    /// contains a comma, quote or newline).
    public var csvRow: String {
        "\(blockNumber),\(transactionHash),\(logIndex),\(address),\(topics.joined(separator: ";")),\(data)"
    }

    /// "0x" + 64 zeros.
    public static let zeroBlockHash = "0x" + String(repeating: "0", count: 64)

    /// An Ethereum JSON-RPC quantity: "0x" + lower-case hex, no leading zeros ("0x0" for zero).
    public static func hexQuantity(_ value: UInt64) -> String {
        "0x" + String(value, radix: 16, uppercase: false)
    }
}

/// A malformed genesis CSV (or a file that cannot be read).
public struct GenesisLogsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file's name (e.g. "pool_swap_events.csv").
    public var file: String
    /// 1-based physical line where the row starts; 0 when not about one row.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}

/// Re-encodes the decoded Uniswap V3 genesis CSVs in Tests/Data/uniswap-v3-genesis/ into raw
/// Ethereum logs, following the Solidity ABI rules for events (written from the ABI
/// specification, independent of the product's decoder):
///
/// - topics[0] = keccak256(canonical signature);
/// - indexed arguments, in declaration order, are topics[1...], one 32-byte word each;
/// - the other arguments, in declaration order, are the 32-byte words of `data`;
/// - address: left-padded with zeros; uintN: big-endian, left-padded with zeros;
///   intN: two's complement, sign-extended to 256 bits.
public enum GenesisLogs {
    public static let csvHeader = "block_number,transaction_hash,log_index,address,topics,data"
    /// The Uniswap V3 factory, lower-case.
    public static let factory = "0x1f98431c8ad98523631ae4a59f267346ea31f984"

    public static let poolCreatedFile = "factory_pool_created.csv"
    public static let initializeFile = "pool_initialize_events.csv"
    public static let mintBurnFile = "pool_mint_burn_events.csv"
    public static let swapFile = "pool_swap_events.csv"

    public static let poolCreatedSignature = "PoolCreated(address,address,uint24,int24,address)"
    public static let initializeSignature = "Initialize(uint160,int24)"
    public static let mintSignature = "Mint(address,address,int24,int24,uint128,uint256,uint256)"
    public static let burnSignature = "Burn(address,int24,int24,uint128,uint256,uint256)"
    public static let swapSignature = "Swap(address,address,int256,int256,uint160,uint128,int24)"

    public static let poolCreatedTopic = Keccak256.topic(poolCreatedSignature)
    public static let initializeTopic = Keccak256.topic(initializeSignature)
    public static let mintTopic = Keccak256.topic(mintSignature)
    public static let burnTopic = Keccak256.topic(burnSignature)
    public static let swapTopic = Keccak256.topic(swapSignature)

    // MARK: - The whole set

    /// Every log of the four files, sorted by (blockNumber, logIndex).
    public static func logs(directory: URL) throws -> [EncodedLog] {
        var all: [EncodedLog] = []
        all += try poolCreatedLogs(directory: directory)
        all += try initializeLogs(directory: directory)
        all += try mintBurnLogs(directory: directory)
        all += try swapLogs(directory: directory)
        // Sort by (block, log index); the original position breaks ties so the order is deterministic
        // even if two files ever held the same (block, log index).
        return all.enumerated()
            .sorted { lhs, rhs in
                if lhs.element.blockNumber != rhs.element.blockNumber { return lhs.element.blockNumber < rhs.element.blockNumber }
                if lhs.element.logIndex != rhs.element.logIndex { return lhs.element.logIndex < rhs.element.logIndex }
                return lhs.offset < rhs.offset
            }
            .map { $0.element }
    }

    /// `csvHeader` and one `csvRow` a log, each line ending in "\n".
    public static func csv(_ logs: [EncodedLog]) -> String {
        var out = csvHeader + "\n"
        for log in logs { out += log.csvRow + "\n" }
        return out
    }

    /// A JSON array of the logs' `jsonObject`s, as an eth_getLogs `result`.
    public static func jsonArray(_ logs: [EncodedLog]) -> String {
        "[" + logs.map(\.jsonObject).joined(separator: ",") + "]"
    }

    // MARK: - One file each

    /// PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool),
    /// emitted by the factory.
    public static func poolCreatedLogs(directory: URL) throws -> [EncodedLog] {
        try rows(directory: directory, file: poolCreatedFile,
                 required: ["block_number", "transaction_hash", "log_index", "token0", "token1", "fee", "tickSpacing", "pool"]) { row in
            EncodedLog(
                blockNumber: try row.uint64("block_number"),
                transactionHash: try row.transactionHash("transaction_hash"),
                logIndex: try row.uint64("log_index"),
                address: factory,
                topics: [
                    poolCreatedTopic,
                    hexWord(try row.addressWord("token0")),
                    hexWord(try row.addressWord("token1")),
                    hexWord(try row.uintWord("fee", bits: 24)),
                ],
                data: hexWord(try row.intWord("tickSpacing", bits: 24) + row.addressWord("pool"))
            )
        }
    }

    /// Initialize(uint160 sqrtPriceX96, int24 tick), nothing indexed, emitted by the pool.
    public static func initializeLogs(directory: URL) throws -> [EncodedLog] {
        try rows(directory: directory, file: initializeFile,
                 required: ["address", "block_number", "transaction_hash", "log_index", "sqrtPriceX96", "tick"]) { row in
            EncodedLog(
                blockNumber: try row.uint64("block_number"),
                transactionHash: try row.transactionHash("transaction_hash"),
                logIndex: try row.uint64("log_index"),
                address: try row.address("address"),
                topics: [initializeTopic],
                data: hexWord(try row.uintWord("sqrtPriceX96", bits: 160) + row.intWord("tick", bits: 24))
            )
        }
    }

    /// type_of_event 1: Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper,
    /// uint128 amount, uint256 amount0, uint256 amount1), with `to_address` standing in for the missing sender.
    /// type_of_event -1: Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper,
    /// uint128 amount, uint256 amount0, uint256 amount1).
    public static func mintBurnLogs(directory: URL) throws -> [EncodedLog] {
        try rows(directory: directory, file: mintBurnFile,
                 required: ["address", "block_number", "transaction_hash", "log_index", "amount", "amount0", "amount1",
                            "owner", "tick_lower", "tick_upper", "type_of_event", "to_address"]) { row in
            let kind = try row.field("type_of_event")
            let owner = hexWord(try row.addressWord("owner"))
            let tickLower = hexWord(try row.intWord("tick_lower", bits: 24))
            let tickUpper = hexWord(try row.intWord("tick_upper", bits: 24))
            let amounts = try row.uintWord("amount", bits: 128) + row.uintWord("amount0", bits: 256) + row.uintWord("amount1", bits: 256)
            let topics: [String]
            let data: String
            switch kind {
            case "1":
                topics = [mintTopic, owner, tickLower, tickUpper]
                data = try row.addressWord("to_address") + amounts
            case "-1":
                topics = [burnTopic, owner, tickLower, tickUpper]
                data = amounts
            default:
                throw row.error("type_of_event is \"\(kind)\", expected 1 (Mint) or -1 (Burn)")
            }
            return EncodedLog(
                blockNumber: try row.uint64("block_number"),
                transactionHash: try row.transactionHash("transaction_hash"),
                logIndex: try row.uint64("log_index"),
                address: try row.address("address"),
                topics: topics,
                data: hexWord(data)
            )
        }
    }

    /// Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1,
    /// uint160 sqrtPriceX96, uint128 liquidity, int24 tick).
    public static func swapLogs(directory: URL) throws -> [EncodedLog] {
        try rows(directory: directory, file: swapFile,
                 required: ["address", "block_number", "transaction_hash", "log_index", "sender", "recipient",
                            "amount0", "amount1", "sqrtPriceX96", "liquidity", "tick"]) { row in
            EncodedLog(
                blockNumber: try row.uint64("block_number"),
                transactionHash: try row.transactionHash("transaction_hash"),
                logIndex: try row.uint64("log_index"),
                address: try row.address("address"),
                topics: [swapTopic, hexWord(try row.addressWord("sender")), hexWord(try row.addressWord("recipient"))],
                data: hexWord(
                    try row.intWord("amount0", bits: 256)
                        + row.intWord("amount1", bits: 256)
                        + row.uintWord("sqrtPriceX96", bits: 160)
                        + row.uintWord("liquidity", bits: 128)
                        + row.intWord("tick", bits: 24)
                )
            )
        }
    }

    // MARK: - Rows

    /// "0x" + the bare hex of one or more words.
    static func hexWord(_ hex: String) -> String {
        "0x" + hex
    }

    /// One data row, its fields looked up by header name.
    public struct Row: Sendable {
        public let file: String
        public let line: Int
        let columns: [String: Int]
        public let fields: [String]

        public func error(_ message: String) -> GenesisLogsError {
            GenesisLogsError(file: file, line: line, message: message)
        }

        public func field(_ name: String) throws -> String {
            guard let index = columns[name], index < fields.count else { throw error("no column \"\(name)\"") }
            return fields[index]
        }

        public func uint64(_ name: String) throws -> UInt64 {
            let text = try field(name)
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(text) else {
                throw error("\(name) \"\(text)\" is not a decimal UInt64")
            }
            return value
        }

        /// 0x + 40 hex, returned lower-case.
        public func address(_ name: String) throws -> String {
            let text = try field(name)
            guard let hex = ABIWord.hexBody(text, digits: 40) else {
                throw error("\(name) \"\(text)\" is not an address (0x + 40 hex digits)")
            }
            return "0x" + hex
        }

        /// 0x + 64 hex, returned lower-case.
        public func transactionHash(_ name: String) throws -> String {
            let text = try field(name)
            guard let hex = ABIWord.hexBody(text, digits: 64) else {
                throw error("\(name) \"\(text)\" is not a 32-byte hash (0x + 64 hex digits)")
            }
            return "0x" + hex
        }

        /// The address as one ABI word (64 hex, no prefix).
        public func addressWord(_ name: String) throws -> String {
            let hex = String(try address(name).dropFirst(2))
            return String(repeating: "0", count: 24) + hex
        }

        /// A decimal uintN as one ABI word (64 hex, no prefix).
        public func uintWord(_ name: String, bits: Int) throws -> String {
            let text = try field(name)
            do { return Keccak256.hex(try ABIWord.unsigned(text, bits: bits)) } catch let failure as ABIWord.Failure {
                throw error("\(name) \"\(text)\": \(failure.message) (uint\(bits))")
            }
        }

        /// A decimal intN as one ABI word (64 hex, no prefix), two's complement.
        public func intWord(_ name: String, bits: Int) throws -> String {
            let text = try field(name)
            do { return Keccak256.hex(try ABIWord.signed(text, bits: bits)) } catch let failure as ABIWord.Failure {
                throw error("\(name) \"\(text)\": \(failure.message) (int\(bits))")
            }
        }
    }

    /// Reads `directory/file`, checks the header holds `required`, and maps every data row.
    static func rows(
        directory: URL, file: String, required: [String], _ transform: (Row) throws -> EncodedLog
    ) throws -> [EncodedLog] {
        let url = directory.appendingPathComponent(file)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw GenesisLogsError(file: file, line: 0, message: "cannot read \(url.path): \(error)")
        }
        let records = try CSV.parse(text, file: file)
        guard let header = records.first else { throw GenesisLogsError(file: file, line: 0, message: "empty file, no header") }
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            guard columns[name] == nil else { throw GenesisLogsError(file: file, line: header.line, message: "column \"\(name)\" appears twice") }
            columns[name] = index
        }
        let missing = required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw GenesisLogsError(file: file, line: header.line, message: "header lacks column(s) \(missing.joined(separator: ", "))")
        }
        var out: [EncodedLog] = []
        out.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            var fields = record.fields
            // A row may end with an empty trailing column (an empty last field, or an extra trailing comma).
            if fields.count > header.fields.count {
                guard fields[header.fields.count...].allSatisfy(\.isEmpty) else {
                    throw GenesisLogsError(file: file, line: record.line,
                                           message: "\(fields.count) fields, header has \(header.fields.count)")
                }
                fields.removeLast(fields.count - header.fields.count)
            }
            guard fields.count == header.fields.count else {
                throw GenesisLogsError(file: file, line: record.line, message: "\(fields.count) fields, header has \(header.fields.count)")
            }
            out.append(try transform(Row(file: file, line: record.line, columns: columns, fields: fields)))
        }
        return out
    }
}

// MARK: - CSV

extension GenesisLogs {
    /// A small RFC 4180 splitter: comma-separated, fields optionally enclosed in double quotes,
    /// "" inside a quoted field is one quote, quoted fields may hold commas and line breaks,
    /// LF or CRLF line ends, blank lines skipped.
    public enum CSV {
        public struct Record: Sendable, Equatable {
            /// 1-based line where the record starts.
            public var line: Int
            public var fields: [String]
        }

        public static func parse(_ text: String, file: String = "<csv>") throws -> [Record] {
            let bytes = Array(text.utf8)
            let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

            var records: [Record] = []
            var fields: [String] = []
            var field: [UInt8] = []
            var line = 1
            var recordLine = 1
            var index = 0
            var inQuotes = false
            var fieldWasQuoted = false
            var afterClosingQuote = false

            func endField() {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldWasQuoted = false
                afterClosingQuote = false
            }
            func endRecord() {
                endField()
                // A blank line yields one empty unquoted field: skip it.
                if !(fields.count == 1 && fields[0].isEmpty) {
                    records.append(Record(line: recordLine, fields: fields))
                }
                fields.removeAll(keepingCapacity: true)
            }

            while index < bytes.count {
                let byte = bytes[index]
                if inQuotes {
                    if byte == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        inQuotes = false
                        afterClosingQuote = true
                    } else {
                        if byte == lf { line += 1 }
                        field.append(byte)
                    }
                    index += 1
                    continue
                }
                switch byte {
                case comma:
                    endField()
                case lf, cr:
                    if byte == cr, index + 1 < bytes.count, bytes[index + 1] == lf { index += 1 }
                    endRecord()
                    line += 1
                    recordLine = line
                case quote:
                    guard field.isEmpty, !fieldWasQuoted else {
                        throw GenesisLogsError(file: file, line: line, message: "stray double quote inside an unquoted field")
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                default:
                    guard !afterClosingQuote else {
                        throw GenesisLogsError(file: file, line: line, message: "characters after a closing double quote")
                    }
                    field.append(byte)
                }
                index += 1
            }
            guard !inQuotes else { throw GenesisLogsError(file: file, line: recordLine, message: "unterminated quoted field") }
            if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
            return records
        }
    }
}

// MARK: - ABI words

extension GenesisLogs {
    /// Decimal text to 32-byte big-endian ABI words, by repeated multiply-by-10-and-add on bytes.
    public enum ABIWord {
        public struct Failure: Error, Sendable {
            public var message: String
        }

        /// `text` without "0x"/"0X", lower-cased, if it is exactly `digits` hex digits after the prefix.
        public static func hexBody(_ text: String, digits: Int) -> String? {
            guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
            let body = text.dropFirst(2)
            guard body.utf8.count == digits,
                  body.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) })
            else { return nil }
            return body.lowercased()
        }

        /// The magnitude of decimal digits `digits` as 32 big-endian bytes; throws past 2^256 - 1.
        static func magnitude(_ digits: Substring) throws -> [UInt8] {
            guard !digits.isEmpty else { throw Failure(message: "no digits") }
            var word = [UInt8](repeating: 0, count: 32)
            for character in digits.utf8 {
                guard character >= 0x30, character <= 0x39 else { throw Failure(message: "not a decimal integer") }
                var carry = UInt(character - 0x30)
                for position in stride(from: 31, through: 0, by: -1) {
                    let value = UInt(word[position]) * 10 + carry
                    word[position] = UInt8(truncatingIfNeeded: value)
                    carry = value >> 8
                }
                guard carry == 0 else { throw Failure(message: "does not fit in 256 bits") }
            }
            return word
        }

        /// Number of significant bits of a big-endian word (0 for zero).
        static func bitLength(_ word: [UInt8]) -> Int {
            for (position, byte) in word.enumerated() where byte != 0 {
                return (word.count - position - 1) * 8 + (8 - byte.leadingZeroBitCount)
            }
            return 0
        }

        /// Whether the word is exactly 2^exponent.
        static func isPowerOfTwo(_ word: [UInt8], exponent: Int) -> Bool {
            bitLength(word) == exponent + 1 && word.reduce(0) { $0 + $1.nonzeroBitCount } == 1
        }

        /// uintN: big-endian, left-padded with zeros. Rejects a sign and values of N+1 bits or more.
        public static func unsigned(_ text: String, bits: Int) throws -> [UInt8] {
            precondition(bits > 0 && bits <= 256 && bits % 8 == 0)
            let word = try magnitude(Substring(text))
            guard bitLength(word) <= bits else { throw Failure(message: "out of range") }
            return word
        }

        /// intN: two's complement sign-extended to 256 bits (negate = invert every bit and add one).
        /// Accepts an optional leading "-" (or "+"); range -2^(N-1) ... 2^(N-1) - 1.
        public static func signed(_ text: String, bits: Int) throws -> [UInt8] {
            precondition(bits > 0 && bits <= 256 && bits % 8 == 0)
            var digits = Substring(text)
            var negative = false
            if digits.hasPrefix("-") { negative = true; digits = digits.dropFirst() } else if digits.hasPrefix("+") { digits = digits.dropFirst() }
            var word = try magnitude(digits)
            let length = bitLength(word)
            if negative {
                // |value| <= 2^(N-1)
                guard length <= bits - 1 || isPowerOfTwo(word, exponent: bits - 1) else { throw Failure(message: "out of range") }
                // Invert and add one (zero stays zero: ~0 + 1 wraps to 0).
                var carry: UInt = 1
                for position in stride(from: 31, through: 0, by: -1) {
                    let value = UInt(~word[position]) + carry
                    word[position] = UInt8(truncatingIfNeeded: value)
                    carry = value >> 8
                }
            } else {
                guard length <= bits - 1 else { throw Failure(message: "out of range") }
            }
            return word
        }
    }
}
