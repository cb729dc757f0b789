import ArgumentParser
import DurableLedger
import Foundation
import PoolLedger

struct ImportLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-logs",
        abstract: "Import chain logs of many pools (raw eth_getLogs JSON, CSV with topics and data, or decoded rows), or one V2 pair's decoded logs.",
        discussion: """
            Raw logs (detected from the content, or --format json-array|json-lines|csv): a JSON array of \
            eth_getLogs objects (streamed; or a JSON-RPC response holding one), the same objects as JSON \
            Lines, or CSV with the columns block_number, transaction_hash, log_index, address, topics \
            (';'-separated hex, or a JSON array) and data (others ignored; optional block_timestamp), in \
            block and log-index order. Decoded rows of many pools (no --pool; --format decoded-json or \
            decoded-csv, else detected): address, block, tx, log_index, optional time, event and the \
            event's arguments by their Solidity names, encoded back into raw logs.

            Logs are routed by address: a trusted factory's PoolCreated (V3) or PairCreated (V2) creates \
            the pool (its id: the pool's address, lower-case hex, or its name from --tokens); the Uniswap V2 \
            and V3 mainnet factories are trusted by default, --factory names others. A V3 pool's \
            Initialize opens it; its Mint, Burn, Collect, Swap, Flash, SetFeeProtocol and CollectProtocol \
            logs are folded with every check (each Swap's sqrtPriceX96, liquidity and tick compared with \
            the ledger's, Mint and Burn amounts re-derived, a Collect at most what is owed); a V2 pair's \
            logs are grouped into its calls, every Sync compared. A log of an address no factory log or \
            earlier import created, or with an event its contract does not emit, is refused naming it \
            (--skip-unknown: counted and reported instead). A position manager's logs (the mainnet \
            NonfungiblePositionManager, or --position-manager) join the pool's Mint, Burn and Collect of \
            the same call into NFT facts (nft_minted, nft_liquidity_increased, nft_liquidity_decreased, \
            nft_collected, nft_transferred, nft_burned), each checked against its pool log; a manager log \
            that disagrees with its pool log is refused naming both. The file is read and decoded on one thread, \
            folded on another, and the records hashed and stored on a third.

            Decoded rows of one Uniswap V2 pair (--pool with --token0/--token1; JSON Lines, or CSV with a \
            header): the logs of each transaction become facts (a deposit's provider is whoever received \
            the LP shares, a withdrawal's whoever sent them to the pair; other LP Transfers are share \
            transfers; a protocol-fee Transfer must equal the shares the ledger derives; a lone Sync is a \
            reserves_synced fact), every Sync compared with the folded reserves.

            The first failure names its block, tx and log index (or the line), the field and both \
            values, and nothing of the file is written. Fact ids are tx:log_index, so importing an \
            overlapping range again adds nothing.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonArray = "json-array", jsonLines = "json-lines", csv, decodedJson = "decoded-json", decodedCsv = "decoded-csv"
    }

    @Argument(help: "The logs ('-' for standard input, which needs --format).") var file: String
    @Option(help: "Format (default: detected from the content).") var format: Format?
    @Option(help: ArgumentHelp("A factory whose pool-creation logs are trusted (repeatable; default: the Uniswap V2 and V3 mainnet factories).", valueName: "ADDRESS"))
    var factory: [String] = []
    @Option(help: ArgumentHelp("A position manager whose logs join its pool logs into NFT positions (repeatable; default: the Uniswap V3 mainnet NonfungiblePositionManager).", valueName: "ADDRESS"))
    var positionManager: [String] = []
    @Flag(help: "Count and report logs of unknown addresses or events instead of refusing them.") var skipUnknown = false
    @Option(help: ArgumentHelp("Raw logs: names for addresses (CSV address,symbol,decimals[,fee_ppm], or a JSON array of such objects): tokens, pools (their ledger id; a V2 fork's fee), holders.", valueName: "FILE"))
    var tokens: String?
    @Option(help: "Decoded V2 pair logs: the pool id in the ledger.") var pool: String?
    @Option(help: "Decoded V2 pair logs: symbol of token0.") var token0: String?
    @Option(help: "Decoded V2 pair logs: symbol of token1.") var token1: String?
    @Option(help: "Decoded V2 pair logs: decimals of token0.") var decimals0: UInt8 = 18
    @Option(help: "Decoded V2 pair logs: decimals of token1.") var decimals1: UInt8 = 18
    @Option(help: "Decoded V2 pair logs: swap fee in parts per million.") var feePpm: UInt32 = 3000
    @Option(help: ArgumentHelp("Decoded V2 pair logs: the protocol fee recipient.", valueName: "ADDRESS")) var feeTo: String?
    @Option(help: ArgumentHelp("Decoded V2 pair logs: the pair's address (default: the first log's).", valueName: "ADDRESS")) var pair: String?
    @Flag(help: "Decoded V2 pair logs: read CSV whatever the file's name (as --format decoded-csv).") var csv = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let started = Date()
        let chosen = try format ?? detected()
        let ledger = try database.open()
        let lines = try Terminal.lines(file)
        let logs: Int
        let summary: DurableLedger.AppendSummary
        var extra = ""
        switch chosen {
        case .jsonArray, .jsonLines, .csv:
            let raw: RawLogReader.Format = chosen == .jsonArray ? .jsonArray : chosen == .jsonLines ? .jsonLines : .csv
            let result = try ledger.importRawLogs(lines, format: raw, factories: factories, positionManagers: managers, names: try names(), skipUnknown: skipUnknown, progressEvery: 100_000) {
                Terminal.progress("import-logs: \($0) logs")
            }
            logs = result.logs
            summary = result.append
            extra = "; \(result.poolsCreated) pools created"
            if skipUnknown { extra += "; skipped \(result.unknownAddresses) logs of unknown addresses, \(result.unknownEvents) of unknown events" }
        case .decodedJson where pool == nil, .decodedCsv where pool == nil:
            // Decoded rows of many pools: encoded back to raw logs and routed the same way.
            let result = try ledger.importChainLogs(lines, format: .decoded(chosen == .decodedCsv ? .csv : .jsonLines), factories: factories,
                                                    positionManagers: managers, names: try names(), skipUnknown: skipUnknown, progressEvery: 100_000) {
                Terminal.progress("import-logs: \($0) logs")
            }
            logs = result.logs
            summary = result.append
            extra = "; \(result.poolsCreated) pools created"
            if skipUnknown { extra += "; skipped \(result.unknownAddresses) logs of unknown addresses, \(result.unknownEvents) of unknown events" }
        case .decodedJson, .decodedCsv:
            guard let pool, let token0, let token1 else {
                throw ValidationError("decoded pair logs of one pair need --pool, --token0 and --token1")
            }
            guard feePpm < 1_000_000 else { throw ValidationError("--fee-ppm must be below 1000000") }
            let created = PoolCreated(pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1, feePPM: feePpm, feeTo: feeTo)
            let result = try ledger.importPairLogs(lines, format: chosen == .decodedCsv ? .csv : .jsonLines, into: created, pair: pair, progressEvery: 100_000) {
                Terminal.progress("import-logs: \($0) logs")
            }
            logs = result.logs
            summary = result.append
        }
        Terminal.endProgress()
        let seconds = Date().timeIntervalSince(started)
        Terminal.error(String(
            format: "read %d logs; appended %d facts, skipped %d already in the ledger, %d snapshots; head seq %llu (%.2f s, %.0f logs/s)",
            logs, summary.appendedCount, summary.skipped, summary.snapshots.count, summary.head.seq, seconds,
            Double(logs) / max(seconds, 1e-9)) + extra)
    }

    var managers: Set<String> {
        positionManager.isEmpty ? [mainnetPositionManager] : Set(positionManager.map { $0.lowercased() })
    }

    var factories: Set<String> {
        factory.isEmpty ? [ConcentratedPoolLog.mainnetFactory, PairRawLog.mainnetFactory] : Set(factory.map { $0.lowercased() })
    }

    func names() throws -> ChainNames {
        guard let tokens else { return ChainNames() }
        guard let text = try? String(contentsOfFile: tokens, encoding: .utf8) else { throw Failure(message: "cannot read \(tokens)") }
        do { return try ChainNames.parse(text) } catch { throw Failure(message: "\(tokens): \(error)") }
    }

    /// The format from the file's first non-blank line: raw when its logs carry topics.
    func detected() throws -> Format {
        if csv { return .decodedCsv }
        // --pool names one pair's decoded logs.
        if pool != nil { return file.lowercased().hasSuffix(".csv") ? .decodedCsv : .decodedJson }
        guard file != "-" else { return pool != nil ? .decodedJson : .jsonLines }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw Failure(message: "cannot read \(file): no such file or not readable") }
        defer { try? handle.close() }
        // The first line with more than blanks, split on the bytes (as Characters, 64 KiB took 5 ms).
        let head = handle.readData(ofLength: 1 << 16)
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        let line = head.split(separator: 0x0A, omittingEmptySubsequences: true).first { !$0.allSatisfy(blank) }
        let first = line.map { String(decoding: $0, as: UTF8.self) } ?? ""
        switch RawLogReader.detect(first) {
        case .jsonArray?: return .jsonArray
        case .jsonLines?: return .jsonLines
        case .csv?: return .csv
        case nil: return file.lowercased().hasSuffix(".csv") ? .decodedCsv : .decodedJson
        }
    }
}

struct ExportLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-logs",
        abstract: "Write a pool's facts back as the logs they stand for: a V2 pair's decoded logs, or (--raw) raw chain logs of a V2 or V3 pool.",
        discussion: """
            Decoded (V2 pairs): the logs come in the order the pair emits them, with the Sync after every \
            call, the protocol-fee and first-mint Transfers, and the facts' blocks (their sequence numbers \
            when they have none); import-logs reads them back to the same state. A fee_to change, which no \
            pair log records, is written as PoolLedger's own FeeTo row.

            --raw: eth_getLogs objects (a JSON array; JSON Lines with --lines; CSV with --csv) as the \
            chain would hold them: the factory's PairCreated or PoolCreated (the Uniswap mainnet \
            factories), then the pool's logs (a V3 pool's Initialize, Mint, Burn, Collect, Swap with its \
            price, liquidity and tick after, Flash, SetFeeProtocol, CollectProtocol; a fee_to change as \
            PoolLedger's own PoolLedgerFeeTo log), with blockTimestamp when facts carry a time. Names \
            that are not addresses (the pool id, tokens, holders) are given addresses; --tokens FILE \
            writes those names (and decimals, a V2 fee other than 3000 ppm) for import-logs --tokens, so \
            that the round trip gives the same state.
            """)

    @Option(help: "Pool id.") var pool: String
    @Option(help: ArgumentHelp("Decoded logs: the pair's address (default: the pool id).", valueName: "ADDRESS")) var pair: String?
    @Flag(help: "Write raw chain logs (eth_getLogs objects).") var raw = false
    @Flag(help: "Raw logs: one object per line instead of a JSON array.") var lines = false
    @Option(help: ArgumentHelp("Raw logs: write the names given to addresses to this file (CSV) for import-logs --tokens.", valueName: "FILE")) var tokens: String?
    @Flag(help: "Write CSV with a header instead of JSON.") var csv = false
    @Argument(help: "Output file (default: standard output).") var file: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        var found = false
        if raw {
            var export = RawLogExport(pool: pool)
            var first = true
            try Terminal.writeLines(to: file) { write in
                if csv { write(RawLog.csvHeader) } else if !lines { write("[") }
                try ledger.forEachFact(pool: pool) { seq, fact in
                    found = true
                    let logs: [RawLog]
                    do throws(Rejection) { logs = try export.logs(for: fact, seq: seq) } catch {
                        throw LocatedRejection(.seq(seq), error)
                    }
                    for log in logs {
                        if csv { write(log.csvRow) } else if lines { write(log.json.compact) } else {
                            write((first ? "" : ",") + log.json.compact)
                            first = false
                        }
                    }
                }
                if !csv && !lines { write("]") }
            }
            if let tokens {
                guard FileManager.default.createFile(atPath: tokens, contents: Data(export.names.csv.utf8)) else { throw Failure(message: "cannot write \(tokens)") }
            }
        } else {
            var export = PairLogExport(pair: pair ?? pool)
            try Terminal.writeLines(to: file) { write in
                if csv { write(PairLog.columns.joined(separator: ",")) }
                try ledger.forEachFact(pool: pool) { seq, fact in
                    found = true
                    let logs: [PairLog]
                    do throws(Rejection) { logs = try export.logs(for: fact, seq: seq) } catch {
                        throw LocatedRejection(.seq(seq), error)
                    }
                    for log in logs { write(csv ? log.csvRow : log.jsonLine) }
                }
            }
        }
        guard found else { throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" in the ledger") }
    }
}
