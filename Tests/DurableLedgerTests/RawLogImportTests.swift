import DurableLedger
import Foundation
import LedgerStore
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// Raw chain logs of many pools: the Uniswap V3 genesis window (every pool
/// event of the first ~7,000 blocks of V3, decoded CSV in Tests/Data),
/// encoded back to raw logs by the tests' own ABI encoder (`GenesisLogs`),
/// imported in one call per file.
@Suite struct RawLogImportTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/uniswap-v3-genesis")

    static func genesis() throws -> [EncodedLog] { try GenesisLogs.logs(directory: directory) }

    func reader(_ text: String) -> JSONLines.Reader { JSONLines.Reader(Array(text.utf8)) }

    func importing(_ text: String, format: RawLogReader.Format, into ledger: DurableLedger, skipUnknown: Bool = false) throws -> DurableLedger.RawLogSummary {
        try ledger.importRawLogs(reader(text), format: format, skipUnknown: skipUnknown)
    }

    func rejection(_ body: () throws -> Void) -> LocatedRejection? {
        do { try body() } catch let located as LocatedRejection { return located } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test func theGenesisWindowImportsFromRawJSONAndCSVToTheChainsPrices() throws {
        let logs = try Self.genesis()
        #expect(logs.count == 168 + 165 + 987 + 1001)
        let fromJSON = try DurableLedger(path: temporaryDatabase())
        let json = try importing(GenesisLogs.jsonArray(logs), format: .jsonArray, into: fromJSON)
        #expect(json.logs == logs.count)
        #expect(json.poolsCreated == 165)
        // Every log but the three PoolCreated of pools never initialized is a fact.
        #expect(json.append.appendedCount == logs.count - 168)
        let fromCSV = try DurableLedger(path: temporaryDatabase())
        let csv = try importing(GenesisLogs.csv(logs), format: .csv, into: fromCSV)
        #expect(csv.append.appendedCount == json.append.appendedCount)
        let ledger = try fromJSON.ledger()
        #expect(ledger.pools.count == 165)
        #expect(try fromCSV.ledger() == ledger)
        // JSON Lines: the same objects one per line.
        let fromLines = try DurableLedger(path: temporaryDatabase())
        _ = try importing(logs.map(\.jsonObject).joined(separator: "\n") + "\n", format: .jsonLines, into: fromLines)
        #expect(try fromLines.ledger() == ledger)

        // Each pool ends at its last Swap log's price (the word as the encoder wrote it; mints and burns after it move no price).
        var lastSwap: [String: EncodedLog] = [:]
        for log in logs where log.topics.first == GenesisLogs.swapTopic { lastSwap[log.address] = log }
        #expect(lastSwap.count > 50)
        for (pool, log) in lastSwap {
            let words = stride(from: 2, to: log.data.utf8.count, by: 64).map { index in
                String(log.data.dropFirst(index).prefix(64))
            }
            guard case .concentrated(let v3)? = ledger[pool]?.body else { Issue.record("no pool \(pool)"); continue }
            #expect(v3.sqrtPriceX96 == UInt256.parseHex(words[2]), "\(pool)")
        }
        _ = try fromJSON.verify()
    }

    @Test func anOverlappingRangeAddsNothing() throws {
        let logs = try Self.genesis()
        let ledger = try DurableLedger(path: temporaryDatabase())
        let first = try importing(GenesisLogs.jsonArray(Array(logs.prefix(1200))), format: .jsonArray, into: ledger)
        let all = try importing(GenesisLogs.jsonArray(logs), format: .jsonArray, into: ledger)
        #expect(first.append.appendedCount + all.append.appendedCount == logs.count - 168)
        #expect(all.append.skipped > 0)
        let again = try importing(GenesisLogs.csv(logs), format: .csv, into: ledger)
        #expect(again.append.appendedCount == 0)
        let fresh = try DurableLedger(path: temporaryDatabase())
        _ = try importing(GenesisLogs.jsonArray(logs), format: .jsonArray, into: fresh)
        #expect(try ledger.ledger().pools == (try fresh.ledger()).pools)
    }

    /// One unit more on a data word of a Swap, Mint or Burn (a deterministic
    /// sample over every word position) is refused naming the log's block and
    /// log index, and nothing of the file is written. Accounted for: one more
    /// wei of a swap's input that the fee absorbs (same price, output and
    /// positions: a valid history), liquidity whose amounts round to the same
    /// tokens (seen at a later swap's liquidity), and a Mint's `sender`, which
    /// no pool state depends on (the payer).
    @Test func oneUnitMoreOnADataWordIsRefusedNamingTheLog() throws {
        let logs = try Self.genesis()
        let original = try DurableLedger(path: temporaryDatabase())
        _ = try importing(GenesisLogs.jsonArray(logs), format: .jsonArray, into: original)
        let expected = try original.ledger()
        let candidates = logs.indices.filter {
            [GenesisLogs.swapTopic, GenesisLogs.mintTopic, GenesisLogs.burnTopic].contains(logs[$0].topics.first)
        }
        var refusedHere = 0, absorbed = 0, seenLater = 0, senders = 0
        var problems: [String] = []
        for sample in 0..<60 {
            let index = candidates[(sample * 7919) % candidates.count]
            var altered = logs
            let words = altered[index].data.utf8.count / 64
            let word = sample % words
            altered[index].data = Self.addOne(to: altered[index].data, word: word)
            let kind = altered[index].topics.first == GenesisLogs.swapTopic ? "Swap" : altered[index].topics.first == GenesisLogs.mintTopic ? "Mint" : "Burn"
            let name = "\(kind) at block \(logs[index].blockNumber) log_index \(logs[index].logIndex), word \(word)"
            let ledger = try DurableLedger(path: temporaryDatabase())
            let failure = rejection { _ = try importing(GenesisLogs.jsonArray(altered), format: .jsonArray, into: ledger) }
            if let failure {
                #expect(try ledger.head().seq == 0, "\(name): something was written")
                if failure.location == .log(block: logs[index].blockNumber, tx: logs[index].transactionHash, logIndex: logs[index].logIndex) {
                    #expect(failure.description.hasPrefix("block \(logs[index].blockNumber) tx \(logs[index].transactionHash) log_index \(logs[index].logIndex): "))
                    refusedHere += 1
                } else if kind != "Swap", word == (kind == "Mint" ? 1 : 0), case .log(let block, _, let logIndex) = failure.location,
                          (block, logIndex) > (logs[index].blockNumber, logs[index].logIndex), failure.rejection.rule == .ledger(.swapMismatch) {
                    seenLater += 1
                } else {
                    problems.append("\(name): refused elsewhere: \(failure)")
                }
                continue
            }
            let state = try ledger.ledger()
            let pool = logs[index].address
            if kind == "Mint" && word == 0 {
                // The sender (who paid) is no part of the pool's state.
                #expect(state == expected, "\(name)")
                senders += 1
            } else if kind == "Swap", word <= 1, let before = expected[pool], let after = state[pool],
                      case .concentrated(let a) = after.body, case .concentrated(let b) = before.body,
                      a.sqrtPriceX96 == b.sqrtPriceX96, a.tick == b.tick, a.liquidity == b.liquidity, a.positions == b.positions {
                // One more wei in that the fee absorbed: the pool holds it, as fee growth.
                #expect(after.reserve0 + after.reserve1 == before.reserve0 + before.reserve1 + .one, "\(name)")
                absorbed += 1
            } else if kind != "Swap", word == (kind == "Mint" ? 1 : 0) {
                // Liquidity one unit off that rounds to the same tokens and meets no later swap.
                seenLater += 1
            } else {
                problems.append("\(name): the import passed")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(refusedHere >= 40, "refused \(refusedHere), absorbed \(absorbed), seen later \(seenLater), senders \(senders)")
        print("raw log alterations: 60: \(refusedHere) refused at their log, \(absorbed) absorbed as fee, \(seenLater) liquidity seen later or never, \(senders) senders")
    }

    /// The data hex with one unit added to word `word` (wrapping).
    static func addOne(to data: String, word: Int) -> String {
        var digits = Array(data.utf8)
        var position = 2 + word * 64 + 63
        while position >= 2 + word * 64 {
            let hex = Array("0123456789abcdef".utf8)
            let value = hex.firstIndex(of: digits[position])!
            if value < 15 { digits[position] = hex[value + 1]; break }
            digits[position] = UInt8(ascii: "0")
            position -= 1
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Flash, SetFeeProtocol and CollectProtocol logs (none happened in the
    /// genesis window: written here after the first pool's first mint, in the
    /// same block) fold into their facts; a SetFeeProtocol whose old value is
    /// not the pool's, and a CollectProtocol of all the protocol's fees, are refused.
    @Test func flashAndProtocolFeeLogsFold() throws {
        let logs = try Self.genesis()
        let mint = logs[2]
        #expect(mint.topics.first == GenesisLogs.mintTopic)
        #expect((logs[3].blockNumber, logs[3].logIndex) > (mint.blockNumber, mint.logIndex + 3))
        func word(_ value: UInt64) -> String { String(repeating: "0", count: 48) + String(format: "%016llx", value) }
        func log(_ signature: String, index: UInt64, topics: [String] = [], words: [String]) -> EncodedLog {
            EncodedLog(blockNumber: mint.blockNumber, transactionHash: "0x" + String(repeating: "ee", count: 32), logIndex: mint.logIndex + index,
                       address: mint.address, topics: [Keccak256.topic(signature)] + topics, data: "0x" + words.joined())
        }
        let someone = "0x" + String(repeating: "0", count: 24) + String(repeating: "ab", count: 20)
        let setFee = log("SetFeeProtocol(uint8,uint8,uint8,uint8)", index: 1, words: [word(0), word(0), word(4), word(5)])
        // A flash of 10^17 of token0: the fee at 0.3 % is 3 * 10^14, paid back exactly.
        let flash = log("Flash(address,address,uint256,uint256,uint256,uint256)", index: 2, topics: [someone, someone],
                        words: [word(100_000_000_000_000_000), word(0), word(300_000_000_000_000), word(0)])
        // The protocol's 1/4 of it is 75 * 10^12; collectProtocol leaves one wei.
        let collect = log("CollectProtocol(address,address,uint128,uint128)", index: 3, topics: [someone, someone],
                          words: [word(75_000_000_000_000 - 1), word(0)])
        var withFlash = logs
        withFlash.insert(contentsOf: [setFee, flash, collect], at: 3)
        let ledger = try DurableLedger(path: temporaryDatabase())
        let summary = try importing(GenesisLogs.jsonArray(withFlash), format: .jsonArray, into: ledger)
        #expect(summary.append.appendedCount == logs.count - 168 + 3)
        let facts = try ledger.facts(pool: mint.address).map(\.fact.body.typeName)
        #expect(Array(facts.prefix(5)) == ["pool_created", "position_minted", "protocol_fee_set", "flash", "protocol_fees_collected"])
        guard case .concentrated(let v3)? = try ledger.ledger()[mint.address]?.body else { Issue.record("no pool"); return }
        #expect(v3.feeProtocol == 4 + (5 << 4))
        _ = try ledger.verify()

        var wrongOld = withFlash
        wrongOld[3] = log("SetFeeProtocol(uint8,uint8,uint8,uint8)", index: 1, words: [word(6), word(0), word(4), word(5)])
        var failure = rejection { _ = try importing(GenesisLogs.jsonArray(wrongOld), format: .jsonArray, into: try DurableLedger(path: temporaryDatabase())) }
        #expect(failure?.rejection.rule == .ledger(.protocolFeeMismatch), "\(String(describing: failure))")
        var all = withFlash
        all[5] = log("CollectProtocol(address,address,uint128,uint128)", index: 3, topics: [someone, someone], words: [word(75_000_000_000_000), word(0)])
        failure = rejection { _ = try importing(GenesisLogs.jsonArray(all), format: .jsonArray, into: try DurableLedger(path: temporaryDatabase())) }
        #expect(failure?.rejection.rule == .ledger(.payoutMismatch), "\(String(describing: failure))")
        #expect(failure?.location == .log(block: mint.blockNumber, tx: all[5].transactionHash, logIndex: mint.logIndex + 3))
    }

    /// The genesis files as an indexer's decoded rows (event and Solidity
    /// argument names), written here from the CSVs' own columns, sorted by
    /// block and log index.
    static func decodedRows() throws -> [[(String, String)]] {
        func records(_ file: String) throws -> [[String: String]] {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let parsed = try GenesisLogs.CSV.parse(text, file: file)
            let header = parsed[0].fields
            return parsed.dropFirst().map { record in
                var row: [String: String] = [:]
                for (index, name) in header.enumerated() where index < record.fields.count { row[name] = record.fields[index] }
                return row
            }
        }
        var rows: [(block: UInt64, index: UInt64, fields: [(String, String)])] = []
        func add(_ row: [String: String], address: String, _ event: String, _ arguments: [(String, String)]) {
            let place = [("address", address), ("block", row["block_number"]!), ("tx", row["transaction_hash"]!), ("log_index", row["log_index"]!), ("event", event)]
            rows.append((UInt64(row["block_number"]!)!, UInt64(row["log_index"]!)!, place + arguments))
        }
        for row in try records(GenesisLogs.poolCreatedFile) {
            add(row, address: GenesisLogs.factory, "PoolCreated", [("token0", row["token0"]!), ("token1", row["token1"]!), ("fee", row["fee"]!), ("tickSpacing", row["tickSpacing"]!), ("pool", row["pool"]!)])
        }
        for row in try records(GenesisLogs.initializeFile) {
            add(row, address: row["address"]!, "Initialize", [("sqrtPriceX96", row["sqrtPriceX96"]!), ("tick", row["tick"]!)])
        }
        for row in try records(GenesisLogs.mintBurnFile) {
            let ticks = [("owner", row["owner"]!), ("tickLower", row["tick_lower"]!), ("tickUpper", row["tick_upper"]!)]
            let amounts = [("amount", row["amount"]!), ("amount0", row["amount0"]!), ("amount1", row["amount1"]!)]
            if row["type_of_event"] == "1" {
                add(row, address: row["address"]!, "Mint", [("sender", row["to_address"]!)] + ticks + amounts)
            } else {
                add(row, address: row["address"]!, "Burn", ticks + amounts)
            }
        }
        for row in try records(GenesisLogs.swapFile) {
            add(row, address: row["address"]!, "Swap", ["sender", "recipient", "amount0", "amount1", "sqrtPriceX96", "liquidity", "tick"].map { ($0, row[$0]!) })
        }
        return rows.sorted { ($0.block, $0.index) < ($1.block, $1.index) }.map(\.fields)
    }

    @Test func decodedRowsOfEveryPoolImportToTheRawLogsState() throws {
        let rows = try Self.decodedRows()
        #expect(rows.count == 168 + 165 + 987 + 1001)
        let raw = try DurableLedger(path: temporaryDatabase())
        _ = try importing(GenesisLogs.jsonArray(try Self.genesis()), format: .jsonArray, into: raw)
        let expected = try raw.ledger()
        let lines = rows.map { row in JSON.object(row.map { ($0.0, JSON.string($0.1)) }).compact }.joined(separator: "\n")
        let fromLines = try DurableLedger(path: temporaryDatabase())
        let summary = try fromLines.importChainLogs(reader(lines), format: .decoded(.jsonLines))
        #expect(summary.poolsCreated == 165)
        #expect(try fromLines.ledger() == expected)
        // CSV with a header: every argument name a column, empty where an event has none.
        let columns = ["address", "block", "tx", "log_index", "event", "token0", "token1", "fee", "tickSpacing", "pool", "sqrtPriceX96", "tick",
                       "sender", "owner", "tickLower", "tickUpper", "amount", "amount0", "amount1", "recipient", "liquidity"]
        let csv = ([columns.joined(separator: ",")] + rows.map { row in
            let values = Dictionary(row, uniquingKeysWith: { a, _ in a })
            return columns.map { values[$0] ?? "" }.joined(separator: ",")
        }).joined(separator: "\n")
        let fromCSV = try DurableLedger(path: temporaryDatabase())
        _ = try fromCSV.importChainLogs(reader(csv), format: .decoded(.csv))
        #expect(try fromCSV.ledger() == expected)
        // An altered decoded Swap (its tick) is refused naming its log.
        var altered = rows
        let index = try #require(altered.firstIndex { $0.contains { $0 == ("event", "Swap") } })
        let tick = altered[index].firstIndex { $0.0 == "tick" }!
        altered[index][tick].1 = String(Int(altered[index][tick].1)! + 1)
        let failure = rejection {
            _ = try DurableLedger(path: temporaryDatabase()).importChainLogs(
                reader(altered.map { row in JSON.object(row.map { ($0.0, JSON.string($0.1)) }).compact }.joined(separator: "\n")), format: .decoded(.jsonLines))
        }
        #expect(failure?.rejection.rule == .ledger(.swapMismatch), "\(String(describing: failure))")
        #expect(failure?.rejection.detail.contains("tick_after") == true, "\(String(describing: failure))")
    }

    // MARK: bad input

    func refusal(_ lines: [String], format: RawLogReader.Format = .jsonLines, skipUnknown: Bool = false) throws -> LocatedRejection? {
        let ledger = try DurableLedger(path: temporaryDatabase())
        let found = rejection { _ = try importing(lines.joined(separator: "\n") + "\n", format: format, into: ledger, skipUnknown: skipUnknown) }
        #expect(try ledger.head().seq == 0)
        return found
    }

    @Test func badInputNamesTheRowAndWritesNothing() throws {
        let logs = try Self.genesis()
        // The first pool's creation, initialization and first mint.
        let opening = Array(logs.prefix(3))
        #expect(opening.map { $0.topics.first } == [GenesisLogs.poolCreatedTopic, GenesisLogs.initializeTopic, GenesisLogs.mintTopic])
        var lines = opening.map(\.jsonObject)

        let malformed = lines[2].replacingOccurrences(of: "\"logIndex\":\"0x1d\"", with: "\"logIndex\":\"0x1g\"")
        #expect(malformed != lines[2])
        var failure = try refusal([lines[0], lines[1], malformed])
        #expect(failure?.location == .line(3) && failure?.rejection.detail.contains("logIndex") == true, "\(String(describing: failure))")

        var shortTopics = opening[2]
        shortTopics.topics.removeLast()
        failure = try refusal([lines[0], lines[1], shortTopics.jsonObject])
        #expect(failure?.rejection.rule == .input(.invalidField) && failure?.rejection.detail.contains("topics") == true, "\(String(describing: failure))")
        #expect(failure?.location == .log(block: opening[2].blockNumber, tx: opening[2].transactionHash, logIndex: opening[2].logIndex))

        var longData = opening[2]
        longData.data += String(repeating: "0", count: 64)
        failure = try refusal([lines[0], lines[1], longData.jsonObject])
        #expect(failure?.rejection.detail.contains("data") == true, "\(String(describing: failure))")

        var unknown = opening[2]
        unknown.topics[0] = "0x" + String(repeating: "ab", count: 32)
        failure = try refusal([lines[0], lines[1], unknown.jsonObject])
        #expect(failure?.rejection.rule == .input(.unknownEvent), "\(String(describing: failure))")
        // Skipped, it is counted.
        let skipping = try DurableLedger(path: temporaryDatabase())
        let skipped = try importing([lines[0], lines[1], unknown.jsonObject].joined(separator: "\n"), format: .jsonLines, into: skipping, skipUnknown: true)
        #expect(skipped.unknownEvents == 1 && skipped.append.appendedCount == 1)

        failure = try refusal([lines[0], lines[1], lines[2], lines[1]])
        #expect(failure?.rejection.rule == .input(.logOrder), "\(String(describing: failure))")

        var stranger = opening[2]
        stranger.address = "0x" + String(repeating: "12", count: 20)
        failure = try refusal([lines[0], lines[1], stranger.jsonObject])
        #expect(failure?.rejection.rule == .input(.unknownAddress) && failure?.rejection.detail.contains(stranger.address) == true, "\(String(describing: failure))")

        // The first failure in file order is the one reported, though the file is read on another thread:
        // a mint the fold refuses, then a line that cannot be read.
        var badMint = opening[2]
        badMint.data = RawLogImportTests.addOne(to: badMint.data, word: 2)
        failure = try refusal([lines[0], lines[1], badMint.jsonObject, malformed])
        #expect(failure?.rejection.rule == .ledger(.amountMismatch), "\(String(describing: failure))")
        #expect(failure?.location == .log(block: badMint.blockNumber, tx: badMint.transactionHash, logIndex: badMint.logIndex))

        lines[1] = lines[1].replacingOccurrences(of: "\"removed\":false", with: "\"removed\":true")
        failure = try refusal(lines)
        #expect(failure?.rejection.detail.contains("removed") == true, "\(String(describing: failure))")
    }

    /// Random damage to the raw files never crashes the import: each is read
    /// whole or refused naming a row, and a refused file writes nothing.
    @Test func damagedFilesAreRefusedNeverCrash() throws {
        let logs = Array(try Self.genesis().prefix(120))
        let texts: [(String, RawLogReader.Format)] = [
            (logs.map(\.jsonObject).joined(separator: "\n"), .jsonLines), (GenesisLogs.csv(logs), .csv), (GenesisLogs.jsonArray(logs), .jsonArray),
        ]
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> UInt64 { state ^= state >> 12; state ^= state << 25; state ^= state >> 27; return state &* 2685821657736338717 }
        var refused = 0
        for round in 0..<90 {
            let (text, format) = texts[round % texts.count]
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + Int(next() % 3)) {
                let position = Int(next() % UInt64(bytes.count))
                switch next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: next())
                case 1: bytes.remove(at: position)
                default: bytes.insert(Array("0x,;\"[]{}f-9 ".utf8)[Int(next() % 13)], at: position)
                }
            }
            let ledger = try DurableLedger(path: temporaryDatabase())
            do {
                _ = try ledger.importRawLogs(JSONLines.Reader(bytes), format: format)
            } catch let located as LocatedRejection {
                refused += 1
                #expect(!located.description.isEmpty)
                #expect(try ledger.head().seq == 0)
            }
        }
        #expect(refused > 45)
    }
}

extension UInt256 {
    /// 64 hex digits (no prefix), for the tests' word checks.
    static func parseHex(_ digits: String) -> UInt256 {
        var value = UInt256.zero
        for byte in digits.utf8 {
            let nibble: UInt8 = byte >= UInt8(ascii: "a") ? byte - UInt8(ascii: "a") + 10 : byte - UInt8(ascii: "0")
            value = (value << 4) | UInt256(UInt64(nibble))
        }
        return value
    }
}
