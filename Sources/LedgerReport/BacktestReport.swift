import Foundation
import PoolLedger
import PoolMath

/// The HTML page of a backtest: for each added position, its value against
/// holding along the history in every mode run, the modes' spread drawn as
/// a band, and a table of the figures at the end.
public enum BacktestReport {
    /// One run: its label (the mode, or a grid's settings), the backtest after `finish`, and its outcome.
    public typealias Run = (label: String, backtest: Backtest, outcome: Backtest.Outcome)

    static let colors = ["#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e"]

    public static func html(_ runs: [Run]) -> String {
        guard let first = runs.first else { return "" }
        let pool = first.outcome.changed
        let valuation = first.outcome.audit?.valuation ?? first.outcome.pairAudit?.valuation
        let decimals = valuation?.decimals ?? 0
        let unit = valuation.map { $0.numeraire ?? "numéraire" } ?? "token units"
        var html = PoolReport.pageHead(pool)
        html += "<p class=\"meta\">Backtest of \(first.backtest.folded) recorded facts, \(runs.count) run\(runs.count == 1 ? "" : "s"): "
        html += runs.map { escapeHTML($0.label) }.joined(separator: ", ") + ". Values in \(escapeHTML(unit)).</p>\n"
        // The positions the first run's additions (or strategy) were about, in its order.
        for position in first.backtest.tracked {
            html += section(position, runs, decimals: decimals, unit: unit)
        }
        html += PoolReport.pageEnd
        return html
    }

    static func section(_ position: TrackedPosition, _ runs: [Run], decimals: Int, unit: String) -> String {
        let scale = pow(10.0, Double(decimals))
        var series: [LineChart.Series] = []
        var byFact: [Int: [Double]] = [:]
        for (index, run) in runs.enumerated() {
            guard let figures = run.backtest.changedFigures[position], !figures.series.isEmpty else { continue }
            let color = colors[index % colors.count]
            series.append(.init(name: run.label, color: color, points: figures.series.map { (Double($0.fact), Double($0.value) / scale) }))
            // One legend entry speaks for every run's HODL line.
            series.append(.init(name: "\(run.label) HODL", color: color, points: figures.series.map { (Double($0.fact), Double($0.hodl) / scale) }, dashed: true, inLegend: false))
            for point in figures.series { byFact[point.fact, default: []].append(Double(point.value) / scale) }
        }
        guard !series.isEmpty else { return "" }
        series.append(.init(name: "HODL (dashed, in each run's colour)", color: "#57606a", points: [], dashed: true))
        var chart = LineChart(title: "\(position): value against holding", xLabel: "recorded fact", leftLabel: "value (\(unit))", series: series)
        if runs.count > 1 {
            // The spread of the runs' values where every run has a sample.
            let points = byFact.keys.sorted().compactMap { fact -> (x: Double, low: Double, high: Double)? in
                let values = byFact[fact]!
                return values.count == runs.count ? (Double(fact), values.min()!, values.max()!) : nil
            }
            chart.areas = [.init(name: "spread of the runs' values", color: "#6e7781", points: points)]
        }
        var table = "<table>\n<tr><th>run</th><th>value</th><th>HODL</th><th>fees</th><th>net</th><th>fee APR</th><th>worst drawdown</th></tr>\n"
        for run in runs {
            guard let row = figures(position, run.outcome) else { continue }
            let apr = run.backtest.changedFigures[position]?.feeAPR(fees: row.fees).map { $0.roundedString(decimals: 6, places: 2) + " %" } ?? "n/a"
            let drawdown = SignedAmount(run.backtest.changedFigures[position]?.maxDrawdown ?? .zero)
            table += "<tr><td>\(escapeHTML(run.label))</td>" + PoolReport.cell(SignedAmount(row.value), decimals: decimals, signed: false)
                + PoolReport.cell(SignedAmount(row.hodl), decimals: decimals, signed: false) + PoolReport.cell(row.fees, decimals: decimals)
                + PoolReport.cell(row.net, decimals: decimals) + "<td>\(apr)</td>" + PoolReport.cell(drawdown, decimals: decimals, signed: false) + "</tr>\n"
        }
        table += "</table>\n"
        let note = "Each run's value (solid) and HODL value (dashed) of the position, sampled at every recorded fact at first, then ever more sparsely (at most \(Backtest.seriesLimit) samples at each spacing), and at the end"
            + (runs.count > 1 ? "; the grey band spans the runs' values." : ".")
        return PoolReport.sectionHTML(title: "\(position)", note: note, svg: chart.svg()) + table
    }

    /// The position's row in an outcome: value, HODL, fees, net.
    static func figures(_ position: TrackedPosition, _ outcome: Backtest.Outcome) -> (value: UInt256, hodl: UInt256, fees: SignedAmount, net: SignedAmount)? {
        switch position {
        case .range(let key):
            guard let row = outcome.added.first(where: { $0.position.key == key }) else { return nil }
            return (row.value, row.hodlValue, SignedAmount(row.feeValue), row.netValue)
        case .provider(let provider):
            guard let row = outcome.addedProviders.first(where: { $0.provider == provider }) else { return nil }
            return (row.value, row.hodlValue, row.feeValue, row.netValue)
        }
    }
}
