import PoolMath

/// Reads raw logs: a JSON array of `eth_getLogs` objects (what a node's
/// `eth_getLogs` result is), the same objects as JSON Lines, or CSV with the
/// columns `block_number`, `transaction_hash`, `log_index`, `address`,
/// `topics` (the topics' hex joined by `;`, `,` or spaces, or a JSON array of
/// them), `data` (others ignored), as log exporters write them. Quantities in
/// JSON are hex (`"0x1b4"`), in CSV decimal or hex. A log the node marks
/// `"removed": true` (a reorganized block) is refused: the file should not
/// hold it.
public enum RawLogReader {
    public enum Format: String, Sendable, CaseIterable {
        case jsonArray = "json-array", jsonLines = "json-lines", csv
    }

    /// The format of a file from its first non-blank byte and its CSV header:
    /// `[` a JSON array, `{` JSON Lines, a header naming `topics` CSV; nil for
    /// anything else (decoded rows, which `PairLogReader` reads).
    public static func detect(_ firstLine: String) -> Format? {
        let trimmed = firstLine.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("[") { return .jsonArray }
        if trimmed.hasPrefix("{") { return trimmed.contains("\"topics\"") ? .jsonLines : nil }
        let names = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: "\" \r") }
        // Decoded rows (an `event` column) may carry an indexer's topics too.
        return names.contains("topics") && names.contains("data") && !names.contains("event") ? .csv : nil
    }

    /// Calls `body` with each log, in file order.
    public static func forEach(_ lines: JSONLines.Reader, format: Format, _ body: (RawLog) throws -> Void) throws {
        var reader = lines
        switch format {
        case .jsonLines:
            // Lines as bytes: the fast path scans them in place; the strict reader gets a String.
            while let next: RawLog? = try reader.nextBytes({ line, number in
                func space(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
                if line.allSatisfy(space) { return nil }
                // The fast path, when the object is plain and alone on its line.
                if let (log, end) = RawLogScanner.log(line, from: 0, row: number), line[end...].allSatisfy(space) { return log }
                let text = String(decoding: line, as: UTF8.self)
                do throws(Rejection) {
                    let json: JSON
                    do throws(JSONSyntaxError) { json = try JSON.parse(text) } catch { throw Rejection(.malformedJSON, error.description) }
                    return try Self.log(json: json, row: number)
                } catch { throw LocatedRejection(.line(number), error) }
            }) {
                if let log = next { try body(log) }
            }
        case .jsonArray:
            // A plain array streams, element by element; a JSON-RPC response is read whole.
            if try streamArray(&reader, body) { return }
            // Not an array: a JSON-RPC response around one, read whole (as bytes), then element by element.
            var all: [UInt8] = []
            var firstLine = 1
            while let (line, number) = try reader.next() {
                if all.isEmpty && JSONLines.isBlank(line) { firstLine = number + 1; continue }
                all.append(contentsOf: line.utf8)
                all.append(0x0A)
            }
            let text = String(decoding: all, as: UTF8.self)
            all = []
            let json: JSON
            do throws(JSONSyntaxError) { json = try JSON.parse(text) } catch {
                throw LocatedRejection(.line(firstLine), Rejection(.malformedJSON, "the JSON array of logs: \(error.description)"))
            }
            // `{"result": [...]}` as a JSON-RPC response wraps it (a bare array streamed above).
            var elements: [JSON]
            switch json {
            case .object(let members):
                guard let result = members.first(where: { $0.key == "result" })?.value, case .array(let array) = result else {
                    throw LocatedRejection(.line(firstLine), Rejection(.malformedJSON, "expected a JSON array of logs (or a JSON-RPC response with a \"result\" array)"))
                }
                elements = array
            default:
                throw LocatedRejection(.line(firstLine), Rejection(.malformedJSON, "expected a JSON array of logs, found \(json.kind)"))
            }
            for (index, element) in elements.enumerated() {
                let log: RawLog
                do throws(Rejection) { log = try Self.log(json: element, row: index + 1) } catch {
                    throw LocatedRejection(.line(firstLine), Rejection(error.rule, "log \(index + 1) of the array: \(error.detail)"))
                }
                try body(log)
            }
            elements.removeAll()
        case .csv:
            var columns: [String: Int]?
            while let (text, number) = try reader.next() {
                let line = text.hasSuffix("\r") ? Substring(text.dropLast()) : Substring(text)
                if line.isEmpty { continue }
                let cells: [String]
                do throws(Rejection) { cells = try PairLogReader.cells(line) } catch { throw LocatedRejection(.line(number), error) }
                guard let columns else {
                    var found: [String: Int] = [:]
                    for (index, name) in cells.enumerated() { found[name.trimmingCharacters(in: " ")] = index }
                    for name in ["block_number", "transaction_hash", "log_index", "address", "topics", "data"] where found[name] == nil {
                        throw LocatedRejection(.line(number), Rejection(.missingField, "the CSV header has no column \(quoted(name)) (raw logs need block_number, transaction_hash, log_index, address, topics, data)"))
                    }
                    columns = found
                    continue
                }
                let log: RawLog
                do throws(Rejection) {
                    func cell(_ name: String) throws(Rejection) -> String {
                        let index = columns[name]!
                        guard index < cells.count else { throw Rejection(.missingField, "the row has no \(quoted(name)) cell (\(cells.count) cells)") }
                        return cells[index]
                    }
                    var parsed = try Self.log(
                        block: try Self.integer(try cell("block_number"), "block_number"),
                        transactionHash: try cell("transaction_hash"),
                        logIndex: try Self.integer(try cell("log_index"), "log_index"),
                        address: try cell("address"), topics: try Self.topicList(try cell("topics")), data: try cell("data"), row: number)
                    if let index = columns["block_timestamp"], index < cells.count, !cells[index].isEmpty {
                        parsed.time = try Self.integer(cells[index], "block_timestamp")
                    }
                    log = parsed
                } catch { throw LocatedRejection(.line(number), error) }
                try body(log)
            }
        }
    }

    /// Streams a JSON array of log objects: each element found by its closing
    /// brace (strings and escapes skipped), read by the fast path or the
    /// strict reader, and handed on before the next is read, so that memory
    /// holds a chunk and one element, whatever the file's size. False (and
    /// nothing read) when the input does not start with `[`.
    static func streamArray(_ reader: inout JSONLines.Reader, _ body: (RawLog) throws -> Void) throws -> Bool {
        var buffer = Array(reader.bytes[reader.start...])
        var exhausted = reader.exhausted
        let source = reader.source
        var index = 0
        var line = 1
        func fail(_ detail: String, _ rule: InputRule = .malformedJSON) -> LocatedRejection {
            LocatedRejection(.line(line), Rejection(rule, "the JSON array of logs: \(detail)"))
        }
        /// Appends the next chunk; false at the end of the input.
        func fill() throws -> Bool {
            guard !exhausted else { return false }
            let appended: Bool
            do { appended = try JSONLines.Reader.append(from: source, to: &buffer) } catch { throw fail("cannot read the input: \(error)", .unreadableInput) }
            if !appended { exhausted = true }
            return appended
        }
        func peek() throws -> UInt8? {
            while index >= buffer.count { if !(try fill()) { return nil } }
            return buffer[index]
        }
        func skipSpace() throws {
            while let byte = try peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                if byte == 0x0A { line += 1 }
                index += 1
            }
        }
        // A byte-order mark, then the array.
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        try skipSpace()
        guard try peek() == UInt8(ascii: "[") else {
            // What was read goes back to the reader, for the whole-file path.
            reader.bytes = buffer
            reader.start = 0
            reader.exhausted = exhausted
            return false
        }
        reader.bytes = []
        reader.start = 0
        reader.exhausted = true
        index += 1
        var count = 0
        try skipSpace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                try skipSpace()
                guard try peek() == UInt8(ascii: "{") else { throw fail("element \(count + 1) is not a log object") }
                // The element's end: its matching brace, outside strings.
                let start = index
                var depth = 0, inString = false, escaped = false, newlines = 0
                var end = start
                scan: while true {
                    while end >= buffer.count { if !(try fill()) { throw fail("the input ends inside log \(count + 1)") } }
                    let byte = buffer[end]
                    end += 1
                    if byte == 0x0A { newlines += 1 }
                    if inString {
                        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { break scan }
                    default: break
                    }
                }
                count += 1
                let log: RawLog = try buffer[start..<end].withUnsafeBufferPointer { slice in
                    guard UTF8Text.isValid(slice) else { throw fail("log \(count) is not valid UTF-8") }
                    if let (fast, stop) = RawLogScanner.log(slice, from: 0, row: count), stop == slice.count { return fast }
                    // A String only for the strict reader.
                    do throws(Rejection) {
                        let json: JSON
                        do throws(JSONSyntaxError) { json = try JSON.parse(String(decoding: slice, as: UTF8.self)) } catch { throw Rejection(.malformedJSON, error.description) }
                        return try Self.log(json: json, row: count)
                    } catch {
                        throw LocatedRejection(.line(line), Rejection(error.rule, "log \(count) of the array: \(error.detail)"))
                    }
                }
                line += newlines
                index = end
                try body(log)
                // Keep only what is not read yet.
                if index > 1 << 20 {
                    buffer.removeFirst(index)
                    index = 0
                }
                try skipSpace()
                guard let separator = try peek() else { throw fail("the input ends after log \(count) (expected , or ])") }
                index += 1
                if separator == UInt8(ascii: ",") { continue }
                guard separator == UInt8(ascii: "]") else { throw fail("expected , or ] after log \(count)") }
                break
            }
        }
        try skipSpace()
        guard try peek() == nil else { throw fail("content after the array's closing ]") }
        return true
    }

    static func log(json: JSON, row: Int) throws(Rejection) -> RawLog {
        guard case .object(let members) = json else { throw Rejection(.malformedJSON, "a log is a JSON object, not \(json.kind)") }
        func field(_ name: String) throws(Rejection) -> JSON {
            guard let value = members.first(where: { $0.key == name })?.value else { throw Rejection(.missingField, "field \(quoted(name)) is required") }
            return value
        }
        func string(_ name: String) throws(Rejection) -> String {
            guard case .string(let text) = try field(name) else { throw Rejection(.invalidField, "field \(quoted(name)) must be a string") }
            return text
        }
        if case .bool(true)? = members.first(where: { $0.key == "removed" })?.value {
            throw Rejection(.invalidField, "field \"removed\" is true: the log was removed by a reorganization and belongs to no chain")
        }
        guard case .array(let topicValues) = try field("topics") else { throw Rejection(.invalidField, "field \"topics\" must be an array") }
        var topics: [String] = []
        for value in topicValues {
            guard case .string(let text) = value else { throw Rejection(.invalidField, "field \"topics\" must hold strings") }
            topics.append(text)
        }
        var parsed = try log(
            block: try Hex.quantity(try string("blockNumber"), "blockNumber"),
            transactionHash: try string("transactionHash"),
            logIndex: try Hex.quantity(try string("logIndex"), "logIndex"),
            address: try string("address"), topics: topics, data: try string("data"), row: row)
        if let value = members.first(where: { $0.key == "blockTimestamp" })?.value {
            guard case .string(let text) = value else { throw Rejection(.invalidField, "field \"blockTimestamp\" must be a hex quantity string") }
            parsed.time = try Hex.quantity(text, "blockTimestamp")
        }
        return parsed
    }

    static func log(block: UInt64, transactionHash: String, logIndex: UInt64, address: String, topics: [String], data: String, row: Int) throws(Rejection) -> RawLog {
        guard topics.count <= 4 else { throw Rejection(.invalidField, "field \"topics\" holds \(topics.count) topics; a log has at most 4") }
        var words: [UInt256] = []
        for (index, topic) in topics.enumerated() { words.append(try Hex.word(topic, "topics[\(index)]")) }
        return RawLog(
            block: block, transactionHash: try Hex.fixed(transactionHash, bytes: 32, "transactionHash"), logIndex: logIndex,
            address: try Hex.fixed(address, bytes: 20, "address"), topics: words, data: try Hex.data(data, "data"), row: row)
    }

    /// A CSV quantity: decimal, or 0x hex.
    static func integer(_ text: String, _ name: String) throws(Rejection) -> UInt64 {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return try Hex.quantity(text, name) }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = UInt64(text) else {
            throw Rejection(.invalidField, "field \(quoted(name)) must be a non-negative integer, not \(quoted(text))")
        }
        return value
    }

    /// A CSV topics cell: hex words separated by `;`, `,`, `|` or spaces, or a JSON array of strings.
    static func topicList(_ text: String) throws(Rejection) -> [String] {
        let trimmed = text.trimmingCharacters(in: " ")
        if trimmed.hasPrefix("[") {
            let json: JSON
            do throws(JSONSyntaxError) { json = try JSON.parse(trimmed) } catch { throw Rejection(.invalidField, "field \"topics\": \(error.description)") }
            guard case .array(let values) = json else { throw Rejection(.invalidField, "field \"topics\" must be an array") }
            var topics: [String] = []
            for value in values {
                guard case .string(let topic) = value else { throw Rejection(.invalidField, "field \"topics\" must hold strings") }
                topics.append(topic)
            }
            return topics
        }
        return trimmed.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" || $0 == " " }).map(String.init)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        var slice = Substring(self)
        while let first = slice.first, drop.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, drop.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
