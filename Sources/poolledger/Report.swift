import ArgumentParser
import DurableLedger
import LedgerReport
import PoolLedger

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a pool's audit and its history as one self-contained HTML page.",
        discussion: """
            Charts (inline SVG, no network): the pool's price, its reserves, fee value against \
            impermanent loss over all providers, and each of the largest providers' value against \
            holding. tools/render-report renders the page to a PNG with headless Chromium.
            """)

    @Argument(help: "Pool id.") var pool: String
    @Option(help: ArgumentHelp("Where to write the HTML page.", valueName: "FILE")) var out: String
    @Option(help: "Report as of the fact at this sequence number.") var at: UInt64?
    @Option(help: "At most this many sampled points per chart.") var points = 400
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2") }
    }

    func run() throws {
        let ledger = try database.open()
        let head = try ledger.head().seq
        if let at, at > head { throw Failure(message: "seq \(at) is beyond the end of the log (seq \(head))") }
        let count = try ledger.factCount(pool: pool, through: at)
        var timeline = AuditTimeline(factCount: count, maxPoints: points)
        var folded: UInt64 = 0
        let fold = try ledger.auditFold(pool: pool, through: at) { fold, _ in
            // Known from the first fact. The page's tables are the constant-product
            // audit's; a range position's audit is text and JSON for now.
            switch fold.pool?.body {
            case .constantProduct?, nil: break
            case .concentrated?: throw Failure(message: "report draws constant-product pools; \"\(pool)\" is concentrated: use `poolledger audit \(pool)` (or --json)")
            }
            try timeline.observe(fold)
            folded += 1
            if folded % 10_000 == 0 { Terminal.progress("report \(pool): \(folded) of \(count) facts") }
        }
        Terminal.endProgress()
        guard let audit = try fold.audit() else {
            throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" at seq \(at ?? head)")
        }
        try Terminal.write(PoolReport.html(audit: audit, timeline: timeline), to: out)
        Terminal.output("wrote \(out): \(timeline.points.count) points, \(audit.providers.count) providers\n")
    }
}
