import ArgumentParser
import DurableLedger
import LedgerReport
import PoolLedger

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a pool's audit and its history as one self-contained HTML page.",
        discussion: """
            Charts (inline SVG, no network), each in its own section under the audit's table. \
            A constant-product pool: its price, its reserves, fee value against impermanent loss \
            over all providers, and each of the largest providers' value against holding. A \
            concentrated (Uniswap V3) pool: its price with each of the largest positions' ranges \
            as bands, the active liquidity by price now (from the initialized ticks), fee value \
            against impermanent loss over all positions, and each of the largest positions' value \
            against holding. tools/render-report renders the page to a PNG with headless Chromium.
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
        // Both sample as the log streams by (memory holds the samples, never the
        // history); the pool's model, known from its first fact, picks which one sees it.
        var pairTimeline = AuditTimeline(factCount: count, maxPoints: points)
        var rangeTimeline = ConcentratedTimeline(factCount: count, maxPoints: points)
        var folded: UInt64 = 0
        let fold = try ledger.auditFold(pool: pool, through: at) { fold, _ in
            switch fold.pool?.body {
            case .constantProduct?, nil: try pairTimeline.observe(fold)
            case .concentrated?: try rangeTimeline.observe(fold)
            }
            folded += 1
            if folded % 10_000 == 0 { Terminal.progress("report \(pool): \(folded) of \(count) facts") }
        }
        Terminal.endProgress()
        guard let state = fold.pool else {
            throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" at seq \(at ?? head)")
        }
        switch state.body {
        case .constantProduct:
            guard let audit = try fold.audit() else { return }
            try Terminal.write(PoolReport.html(audit: audit, timeline: pairTimeline), to: out)
            Terminal.output("wrote \(out): \(pairTimeline.points.count) points, \(audit.providers.count) providers\n")
        case .concentrated:
            guard let audit = try fold.concentratedAudit() else { return }
            try Terminal.write(ConcentratedReport.html(audit: audit, timeline: rangeTimeline), to: out)
            Terminal.output("wrote \(out): \(rangeTimeline.points.count) points, \(audit.positions.count) positions\n")
        }
    }
}
