import ArgumentParser
import DurableLedger
import PoolLedger

struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a pool's history as a table: the pool and every position's value, HODL value, IL and fees after each fact.",
        discussion: """
            One row per fact of the pool (every Nth with --every N; the last fact always), \
            folded from the pool's creation with every check. CSV (the default) has a line per \
            position and fact, the pool's columns repeated (a fact with no position has one line, \
            its position columns empty); --json writes JSON Lines, one object per fact with its \
            positions in an array. Every figure is an exact decimal string: token amounts in whole \
            tokens, values in token1 at the pool's price at that row (or in a numéraire with \
            --price0 and --price1), as `audit --json` writes them.

            Per position: value (what it holds now), hodl_value, il_value, fee_value (lifetime \
            fees, collected or not) and collected_fee_value (the part of fee_value a V3 position \
            has collected, no longer in its value; 0 for V2 shares), so that value + \
            collected_fee_value = hodl_value + il_value + fee_value exactly. The last row is the \
            audit of the pool at its last fact. Rows stream as the log is read: memory holds the \
            pool and its positions, never the history.
            """)

    @Argument(help: "Pool id.") var pool: String
    @Flag(help: "CSV, a line per position and fact (the default).") var csv = false
    @Flag(help: "JSON Lines, one object per fact.") var json = false
    @Option(help: "Every Nth fact of the pool only (and the last).") var every: UInt64 = 1
    @Option(help: ArgumentHelp("Only this holder's positions (a V2 provider, a V3 position's owner).", valueName: "ADDR")) var holder: String?
    @Option(help: ArgumentHelp("Price of one whole token0 in the numéraire (with --price1).", valueName: "P")) var price0: String?
    @Option(help: ArgumentHelp("Price of one whole token1 in the numéraire (with --price0).", valueName: "P")) var price1: String?
    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "FILE")) var out: String?
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard !(csv && json) else { throw ValidationError("give --csv or --json, not both") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        guard (price0 == nil) == (price1 == nil) else { throw ValidationError("give both --price0 and --price1, or neither") }
    }

    func run() throws {
        let ledger = try database.open()
        let count = try ledger.factCount(pool: pool)
        guard count > 0 else { throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\"") }
        try Terminal.writeLines(to: out) { writeLine in
            // The fold's callback is optional, so escaping; it runs only within this call.
            try withoutActuallyEscaping(writeLine) { write in
                if !json { write(TimelineRow.csvHeader) }
                var folded: UInt64 = 0
                var valuation: Valuation?
                // The rows need the figures only: no entries kept, so memory stays flat in the log.
                _ = try ledger.auditFold(pool: pool, keepsHistory: false) { fold, fact in
                    folded += 1
                    if folded % 10_000 == 0 { Terminal.progress("timeline \(pool): \(folded) of \(count) facts") }
                    guard folded % every == 0 || folded == count else { return }
                    if valuation == nil, let price0, let price1, let state = fold.pool {
                        valuation = try Valuation.prices(price0: price0, price1: price1, pool: state)
                    }
                    let row = try TimelineRow(fold: fold, fact: fact, valuation: valuation, holder: holder)
                    if json { write(row.json.compact) } else { row.csvLines.forEach(write) }
                }
                Terminal.endProgress()
            }
        }
    }
}
