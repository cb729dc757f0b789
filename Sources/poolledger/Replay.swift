import ArgumentParser
import DurableLedger
import Foundation
import LedgerStore

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refold the log, checking every invariant, hash link and stored snapshot; print the throughput.",
        discussion: """
            From scratch by default; --from-snapshot starts from the latest snapshot (its \
            hash checked) and refolds the tail. Prints events, seconds and events/s. The \
            first failure prints `seq N: RULE: detail` and exits 1.
            """)

    @Flag(help: "Start from the latest snapshot instead of the first fact.") var fromSnapshot = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        let clock = ContinuousClock()
        let start = clock.now
        let report: ReplayReport
        do {
            report = try ledger.replay(fromSnapshot: fromSnapshot, progressEvery: 100_000) { Terminal.progress("replayed \($0) facts") }
        } catch {
            Terminal.endProgress()
            throw error
        }
        Terminal.endProgress()
        let seconds = (clock.now - start).seconds
        let rate = seconds > 0 ? Double(report.events) / seconds : 0
        let origin = report.startedAt.map { "from the snapshot at seq \($0)" } ?? "from scratch"
        Terminal.output("replayed \(report.events) events \(origin) in \(String(format: "%.3f", seconds)) s (\(String(format: "%.0f", rate)) events/s); \(report.snapshotsChecked) snapshots checked; head seq \(report.head.seq)\n")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the hash chain, every snapshot and every invariant; exit 1 naming the first bad sequence number.",
        discussion: """
            Prints the head's sequence number and hash: record it elsewhere to detect a \
            log rewritten wholesale, which no chain can detect on its own.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        let report: ReplayReport
        do {
            report = try ledger.verify(progressEvery: 100_000) { Terminal.progress("verified \($0) facts") }
        } catch {
            Terminal.endProgress()
            throw error
        }
        Terminal.endProgress()
        Terminal.output("ok: \(report.events) facts, \(report.snapshotsChecked) snapshots, \(report.ledger.pools.count) pools; head seq \(report.head.seq) hash \(RecordHash.hex(report.head.hash))\n")
    }
}
