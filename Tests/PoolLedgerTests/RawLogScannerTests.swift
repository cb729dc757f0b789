import Foundation
@testable import PoolLedger
import PoolMath
import Testing
import TestSupport

/// The fast path for eth_getLogs objects agrees with the strict reader: on
/// every log of the genesis files (in the node's spelling and with upper-case
/// hex, extra fields, spaces) it reads the same log, and on damaged objects it
/// either reads what the strict reader reads or leaves the object to it.
@Suite struct RawLogScannerTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/uniswap-v3-genesis")

    func fast(_ line: String, row: Int = 1) -> RawLog? {
        var line = line
        return line.withUTF8 { bytes in RawLogScanner.log(bytes, from: 0, row: row)?.log }
    }

    func strict(_ line: String, row: Int = 1) -> Result<RawLog, Rejection> {
        do throws(Rejection) {
            let json: JSON
            do throws(JSONSyntaxError) { json = try JSON.parse(line) } catch { throw Rejection(.malformedJSON, error.description) }
            return .success(try RawLogReader.log(json: json, row: row))
        } catch {
            return .failure(error)
        }
    }

    @Test func everyGenesisLogReadsTheSameBothWays() throws {
        let logs = try GenesisLogs.logs(directory: Self.directory)
        var variants = 0
        for (index, log) in logs.enumerated() {
            let plain = log.jsonObject
            let spelled = [
                plain,
                // Upper-case hex digits, spaces, fields nodes add.
                plain.replacingOccurrences(of: "\"data\":\"0x", with: "\"data\" : \"0X").uppercased().replacingOccurrences(of: "\"0X", with: "\"0x")
                    .replacingOccurrences(of: "\"ADDRESS\"", with: "\"address\"").replacingOccurrences(of: "\"TOPICS\"", with: "\"topics\"")
                    .replacingOccurrences(of: "\"DATA\"", with: "\"data\"").replacingOccurrences(of: "\"BLOCKNUMBER\"", with: "\"blockNumber\"")
                    .replacingOccurrences(of: "\"TRANSACTIONHASH\"", with: "\"transactionHash\"").replacingOccurrences(of: "\"LOGINDEX\"", with: "\"logIndex\"")
                    .replacingOccurrences(of: "\"TRANSACTIONINDEX\"", with: "\"transactionIndex\"").replacingOccurrences(of: "\"BLOCKHASH\"", with: "\"blockHash\"")
                    .replacingOccurrences(of: "\"REMOVED\":FALSE", with: "\"removed\":false"),
                "{ \"blockTimestamp\": \"0x609196e4\", \"extra\": 12, " + plain.dropFirst(),
            ]
            for line in spelled {
                guard case .success(let expected) = strict(line, row: index) else { Issue.record("strict refused \(line)"); continue }
                #expect(fast(line, row: index) == expected, "\(line)")
                variants += 1
            }
        }
        #expect(variants == logs.count * 3)
    }

    @Test func damagedObjectsAreReadAsTheStrictReaderReadsThemOrLeftToIt() throws {
        let logs = Array(try GenesisLogs.logs(directory: Self.directory).prefix(200))
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state >> 12; state ^= state << 25; state ^= state >> 27; return state &* 2685821657736338717 }
        var leftToStrict = 0, agreed = 0
        for round in 0..<4000 {
            var bytes = Array(logs[round % logs.count].jsonObject.utf8)
            for _ in 0..<(1 + Int(next() % 3)) {
                let position = Int(next() % UInt64(bytes.count))
                switch next() % 4 {
                case 0:
                    let choices = Array("0123456789abcdefxX\"\\,:[]{} g-".utf8)
                    bytes[position] = choices[Int(next() % UInt64(choices.count))]
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(Array("0a\" ,]}".utf8)[Int(next() % 7)], at: position)
                default: bytes[position] = UInt8(truncatingIfNeeded: next() % 128)
                }
            }
            guard let line = String(validating: bytes, as: UTF8.self) else { continue }
            let strictResult = strict(line)
            if let log = fast(line) {
                // The fast path read it: the strict reader must read the same (trailing bytes after
                // the object are the line reader's to check, so compare only a complete object).
                if case .success(let expected) = strictResult {
                    #expect(log == expected, "\(line)")
                    agreed += 1
                } else if line.trimmingCharacters(in: .whitespaces).hasSuffix("}") {
                    Issue.record("fast read what strict refuses: \(line): \(strictResult)")
                }
            } else {
                leftToStrict += 1
            }
        }
        #expect(leftToStrict > 1000 && agreed > 100, "left \(leftToStrict), agreed \(agreed)")
    }
}

/// A JSON array of logs streams: read in chunks of any size (here down to 7
/// bytes), it gives the logs the whole-file read gives; a JSON-RPC response
/// around it is read whole; a broken array is refused, never half read.
@Suite struct RawLogArrayStreamTests {
    func logs(_ text: String, chunk: Int) throws -> [RawLog] {
        var bytes = Array(text.utf8)[...]
        let reader = JSONLines.Reader(chunks: {
            guard !bytes.isEmpty else { return nil }
            let piece = Array(bytes.prefix(chunk))
            bytes = bytes.dropFirst(chunk)
            return piece
        })
        var out: [RawLog] = []
        try RawLogReader.forEach(reader, format: .jsonArray) { out.append($0) }
        return out
    }

    @Test func anArrayReadInChunksGivesTheSameLogs() throws {
        let encoded = Array(try GenesisLogs.logs(directory: RawLogScannerTests.directory).prefix(300))
        let array = GenesisLogs.jsonArray(encoded)
        let whole = try logs(array, chunk: 1 << 30)
        #expect(whole.count == 300)
        for chunk in [7, 64, 1000, 4096] { #expect(try logs(array, chunk: chunk) == whole, "chunk \(chunk)") }
        // One line, no spaces, as curl prints a node's answer.
        let oneLine = "[" + encoded.map(\.jsonObject).joined(separator: ",") + "]"
        #expect(try logs(oneLine, chunk: 333) == whole)
        // Wrapped in a JSON-RPC response: read whole, the same logs.
        let rpc = #"{"jsonrpc":"2.0","id":1,"result":"# + oneLine + "}"
        #expect(try logs(rpc, chunk: 100) == whole)
        // A string holding braces and an escaped quote inside an element does not end it early.
        let tricky = "[" + encoded[0].jsonObject.replacingOccurrences(of: "\"removed\":false", with: "\"removed\":false,\"note\":\"} ] \\\" {\"") + "]"
        #expect(try logs(tricky, chunk: 5) == [whole[0]])
        // Broken: refused.
        for broken in [String(oneLine.dropLast()), oneLine + "x", oneLine.replacingOccurrences(of: "},{", with: "}{"), "[" + encoded[0].jsonObject + ",]"] {
            #expect(throws: LocatedRejection.self) { _ = try logs(broken, chunk: 50) }
        }
    }

    /// JSON Lines are scanned as bytes: a non-ASCII (valid UTF-8) field is read
    /// like any other; a line that is not UTF-8 is refused by its number.
    @Test func linesAreCheckedForUTF8() throws {
        let encoded = Array(try GenesisLogs.logs(directory: RawLogScannerTests.directory).prefix(2))
        let accented = encoded[1].jsonObject.replacingOccurrences(of: "\"removed\":false", with: "\"removed\":false,\"note\":\"caf\u{00E9} \u{1F984}\"")
        var out: [RawLog] = []
        try RawLogReader.forEach(JSONLines.Reader(Array((encoded[0].jsonObject + "\n" + accented + "\n").utf8)), format: .jsonLines) { out.append($0) }
        #expect(out.count == 2)
        var bytes = Array((encoded[0].jsonObject + "\n").utf8) + Array(accented.utf8)
        bytes[bytes.count - 3] = 0xFF
        do {
            try RawLogReader.forEach(JSONLines.Reader(bytes), format: .jsonLines) { _ in }
            Issue.record("invalid UTF-8 was read")
        } catch let located as LocatedRejection {
            #expect(located.location == .line(2))
            #expect(located.rejection.detail.contains("UTF-8"))
        }
    }
}
