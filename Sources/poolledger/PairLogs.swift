import ArgumentParser
import DurableLedger
import Foundation
import PoolLedger

struct ImportLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-logs",
        abstract: "Import a Uniswap V2 pair's logs (Mint, Burn, Swap, Sync, Transfer), checked against every Sync.",
        discussion: """
            FILE holds the pair's logs in block and log-index order, as JSON Lines or as CSV with a \
            header (a .csv name, or --csv): address, block, tx, log_index, optional time (the block's \
            timestamp), event, and the event's arguments by their Solidity names (sender, to, from, \
            amount0, amount1, amount0In, amount1In, amount0Out, amount1Out, reserve0, reserve1, value); \
            amounts are integer strings. Other columns are ignored.

            The logs of each transaction become facts: a deposit's provider is whoever received the LP \
            shares, a withdrawal's whoever sent them to the pair; other LP Transfers are share transfers; \
            a protocol-fee Transfer must equal the shares the ledger derives; a Sync with no Mint, Burn \
            or Swap after it is a reserves_synced fact. Every Sync is compared with the folded reserves. \
            The first failure names its block, tx and log index, and nothing of the file is written. \
            Fact ids are tx:log_index, so importing an overlapping range again adds nothing.
            """)

    @Argument(help: "The pair's logs (JSON Lines, or CSV with a header; '-' for standard input).") var file: String
    @Option(help: "Pool id in the ledger.") var pool: String
    @OptionGroup var options: PoolOptions
    @Option(help: ArgumentHelp("The pair's address (default: the first log's).", valueName: "ADDRESS")) var pair: String?
    @Flag(help: "Read CSV whatever the file's name.") var csv = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let started = Date()
        let lines = try Terminal.lines(file)
        let format: PairLogReader.Format = csv || file.lowercased().hasSuffix(".csv") ? .csv : .jsonLines
        let ledger = try database.open()
        let result = try ledger.importPairLogs(lines, format: format, into: options.created(pool: pool), pair: pair, progressEvery: 100_000) {
            Terminal.progress("import-logs: \($0) logs")
        }
        Terminal.endProgress()
        let summary = result.append
        let logs = result.logs
        let seconds = Date().timeIntervalSince(started)
        Terminal.error(String(
            format: "read %d logs; appended %d facts, skipped %d already in the ledger, %d snapshots; head seq %llu (%.2f s, %.0f logs/s)",
            logs, summary.appendedCount, summary.skipped, summary.snapshots.count, summary.head.seq, seconds,
            Double(logs) / max(seconds, 1e-9)))
    }
}

struct ExportLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-logs",
        abstract: "Write a pool's facts back as the Uniswap V2 pair logs they stand for.",
        discussion: """
            The logs come in the order the pair emits them, with the Sync after every call, the \
            protocol-fee and first-mint Transfers, and the facts' blocks (their sequence numbers when \
            they have none); import-logs reads them back to the same state. A fee_to change, which no \
            pair log records, is written as PoolLedger's own FeeTo row.
            """)

    @Option(help: "Pool id.") var pool: String
    @Option(help: ArgumentHelp("The pair's address in the logs (default: the pool id).", valueName: "ADDRESS")) var pair: String?
    @Flag(help: "Write CSV with a header instead of JSON Lines.") var csv = false
    @Argument(help: "Output file (default: standard output).") var file: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        var export = PairLogExport(pair: pair ?? pool)
        var found = false
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
        guard found else { throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" in the ledger") }
    }
}
