import ArgumentParser
import DurableLedger
import Foundation
import PoolLedger

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append a JSON Lines file of facts to the ledger as one atomic batch.",
        discussion: """
            Every fact is checked (the constant-product rules and every invariant) against \
            the state the ledger already holds. At the first rejected line nothing of the \
            file is written, and `line N: RULE: detail` is printed (exit 1). A fact whose \
            id is already in the ledger with identical content is skipped.
            """)

    @Argument(help: "JSON Lines file of facts ('-' for standard input).")
    var file: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Take a snapshot every N facts from now on (default 10000; 0: off).")
    var snapshotInterval: UInt64?

    func run() throws { try appendFile(file, kind: .facts, database: database, snapshotInterval: snapshotInterval) }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide a JSON Lines file of commands into facts and append them as one atomic batch.",
        discussion: """
            Each command (create_pool, add_liquidity, remove_liquidity, swap_exact_in, \
            swap_exact_out, transfer_shares, set_fee_to) is decided against the state at \
            that point. At the first rejected line nothing of the file is written (exit 1).
            """)

    @Argument(help: "JSON Lines file of commands ('-' for standard input).")
    var file: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Take a snapshot every N facts from now on (default 10000; 0: off).")
    var snapshotInterval: UInt64?

    @Flag(help: "Print every decided fact as JSON Lines.")
    var printFacts = false

    func run() throws {
        try appendFile(file, kind: .commands, database: database, snapshotInterval: snapshotInterval, printFacts: printFacts)
    }
}

func appendFile(_ file: String, kind: DurableLedger.InputKind, database: DatabaseOptions, snapshotInterval: UInt64?, printFacts: Bool = false) throws {
    let lines = try Terminal.lines(file)
    let ledger = try database.open()
    if let snapshotInterval { try ledger.setSnapshotInterval(snapshotInterval) }
    let clock = ContinuousClock()
    let start = clock.now
    let summary: DurableLedger.AppendSummary
    do {
        summary = try ledger.append(lines: lines, accept: kind, keepFacts: printFacts, progressEvery: 10_000) {
            Terminal.progress("\(kind == .facts ? "imported" : "ran") \($0) lines")
        }
    } catch {
        Terminal.endProgress()
        throw error
    }
    Terminal.endProgress()
    if printFacts {
        for appended in summary.appended { Terminal.output(ContractCodec.line(appended.fact) + "\n") }
    }
    let seconds = (clock.now - start).seconds
    Terminal.error("appended \(summary.appendedCount) facts, skipped \(summary.skipped) already in the ledger, \(summary.snapshots.count) snapshots; head seq \(summary.head.seq) (\(String(format: "%.2f", seconds)) s)")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
