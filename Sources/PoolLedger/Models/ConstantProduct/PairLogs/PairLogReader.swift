import PoolMath

/// Reads pair logs from JSON Lines (one object per line) or CSV with a header.
/// Field names are the Solidity argument names; amounts are integer strings.
/// Columns it does not use (an indexer's `topics`, `transaction_index`, ...)
/// are ignored; a missing or malformed one it needs names the line and field.
public enum PairLogReader {
    public enum Format: Sendable { case jsonLines, csv }

    /// Calls `body` with each log and its line number, one at a time (the file is never held as logs).
    public static func forEach(_ lines: JSONLines.Reader, format: Format, _ body: (PairLog, Int) throws -> Void) throws {
        switch format {
        case .jsonLines: try forEachJSONLine(lines, body)
        case .csv: try forEachCSVRow(lines, body)
        }
    }

    static func forEachJSONLine(_ lines: JSONLines.Reader, _ body: (PairLog, Int) throws -> Void) throws {
        var reader = lines
        while let (line, number) = try reader.next() {
            if JSONLines.isBlank(line) { continue }
            let parsed: PairLog
            do throws(Rejection) {
                parsed = try log(jsonLine: line)
            } catch {
                throw LocatedRejection(.line(number), error)
            }
            try body(parsed, number)
        }
    }

    static func log(jsonLine line: String) throws(Rejection) -> PairLog {
        let json: JSON
        do throws(JSONSyntaxError) { json = try JSON.parse(line) } catch {
            throw Rejection(.malformedJSON, error.description)
        }
        guard case .object(let members) = json else { throw Rejection(.malformedJSON, "a log is a JSON object, not \(json.kind)") }
        var fields: [String: String] = [:]
        for (key, value) in members {
            switch value {
            case .string(let text): fields[key] = text
            case .number(let text): fields[key] = text
            case .null: break
            default: if Self.used.contains(key) { throw Rejection(.invalidField, "field \(quoted(key)) must be a string or an integer, not \(value.kind)") }
            }
        }
        return try log(fields)
    }

    static func forEachCSVRow(_ lines: JSONLines.Reader, _ body: (PairLog, Int) throws -> Void) throws {
        var reader = lines
        var names: [String]?
        while let (text, number) = try reader.next() {
            let line = text.hasSuffix("\r") ? Substring(text.dropLast()) : Substring(text)
            if line.isEmpty { continue }
            guard let names else {
                do throws(Rejection) { names = try cells(line) } catch { throw LocatedRejection(.line(number), error) }
                continue
            }
            let parsed: PairLog
            do throws(Rejection) {
                let values = try cells(line)
                guard values.count == names.count else {
                    throw Rejection(.malformedJSON, "\(values.count) cells, the header names \(names.count)")
                }
                var fields: [String: String] = [:]
                for (name, value) in zip(names, values) where !value.isEmpty { fields[name] = value }
                parsed = try log(fields)
            } catch {
                throw LocatedRejection(.line(number), error)
            }
            try body(parsed, number)
        }
    }

    /// Splits a CSV line; a quoted cell may hold commas and doubled quotes.
    static func cells(_ line: Substring) throws(Rejection) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" { cell.append("\""); index = next } else { quoted = false }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" && cell.isEmpty {
                quoted = true
            } else if character == "," {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(character)
            }
            index = line.index(after: index)
        }
        guard !quoted else { throw Rejection(.malformedJSON, "a quoted cell is not closed") }
        cells.append(cell)
        return cells.map { $0.trimmingSpaces }
    }

    static let used: Set<String> = Set(PairLog.columns)

    static func log(_ fields: [String: String]) throws(Rejection) -> PairLog {
        func text(_ key: String) throws(Rejection) -> String {
            guard let value = fields[key], !value.isEmpty else { throw Rejection(.missingField, "field \(quoted(key)) is missing") }
            return value
        }
        func integer(_ key: String) throws(Rejection) -> UInt64 {
            let value = try text(key)
            guard let number = UInt64(value), value.first != "+" else { throw Rejection(.invalidField, "field \(quoted(key)): \(quoted(value)) is not a non-negative integer") }
            return number
        }
        func amount(_ key: String) throws(Rejection) -> UInt256 {
            let value = try text(key)
            switch UInt256.parseDecimal(value) {
            case .success(let amount): return amount
            case .failure(let failure): throw Rejection(.invalidAmount, "field \(quoted(key)): \(failure)")
            }
        }
        let name = try text("event")
        let event: PairLog.Event
        switch name {
        case "Mint": event = .mint(sender: try text("sender"), amount0: try amount("amount0"), amount1: try amount("amount1"))
        case "Burn": event = .burn(sender: try text("sender"), amount0: try amount("amount0"), amount1: try amount("amount1"), to: try text("to"))
        case "Swap":
            event = .swap(sender: try text("sender"), amount0In: try amount("amount0In"), amount1In: try amount("amount1In"),
                          amount0Out: try amount("amount0Out"), amount1Out: try amount("amount1Out"), to: try text("to"))
        case "Sync": event = .sync(reserve0: try amount("reserve0"), reserve1: try amount("reserve1"))
        case "Transfer": event = .transfer(from: try text("from"), to: try text("to"), value: try amount("value"))
        case "FeeTo": event = .feeTo(fields["fee_to"].flatMap { $0.isEmpty ? nil : $0 })
        default: throw Rejection(.unknownType, "event \(quoted(name)) is not a pair event (Mint, Burn, Swap, Sync, Transfer; FeeTo)")
        }
        return PairLog(
            address: try text("address"), block: try integer("block"), tx: try text("tx"), logIndex: try integer("log_index"),
            time: fields["time"] == nil ? nil : try integer("time"), event: event)
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
