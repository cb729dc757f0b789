import PoolLedger
import PoolMath

/// `poolledger report`: one self-contained HTML page (inline CSS and SVG; no
/// script, font or image from anywhere) with the audit now and its history.
///
/// Every chart is its own `<section>`; the summary table above them is the
/// audit at the end of the log, with the same exact figures `audit` prints.
public enum PoolReport {
    /// Providers charted one by one (the largest by value now); the table lists all.
    public static let chartedProviders = 8

    static let palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7285", "#57606a"]

    public static func html(audit: PoolAudit, timeline: AuditTimeline) -> String {
        let pool = audit.pool
        let points = timeline.points
        let xs = points.map { Double($0.seq) }
        func line(_ values: [Double]) -> [(x: Double, y: Double)] { Array(zip(xs, values)).map { (x: $0.0, y: $0.1) } }
        let unit = pool.token1

        var sections: [(title: String, note: String, chart: LineChart)] = []
        sections.append((
            "Price", "Price of one \(pool.token0) in \(pool.token1), reserve1 / reserve0 in whole tokens, after each sampled fact.",
            LineChart(title: "\(pool.token0) price in \(pool.token1)", xLabel: "seq", leftLabel: pool.token1, series: [
                .init(name: "price", color: palette[0], points: line(points.map(\.price))),
            ])))
        sections.append((
            "Reserves", "What the pool holds of each token (whole tokens).",
            LineChart(title: "Reserves", xLabel: "seq", leftLabel: pool.token0, rightLabel: pool.token1, series: [
                .init(name: "reserve0 (\(pool.token0))", color: palette[0], points: line(points.map(\.reserve0))),
                .init(name: "reserve1 (\(pool.token1))", color: palette[1], points: line(points.map(\.reserve1)), axis: .right),
            ])))
        sections.append((
            "Fees against impermanent loss",
            "Summed over every provider holding shares at each point, in \(unit) at the pool's price then: what the fees added, what the price moves cost against holding, and the two together.",
            LineChart(title: "Fee value and impermanent loss, all providers (\(unit))", xLabel: "seq", leftLabel: unit, series: [
                .init(name: "fee value", color: palette[2], points: line(points.map(\.feeValue))),
                .init(name: "impermanent loss", color: palette[1], points: line(points.map(\.ilValue))),
                .init(name: "fees + loss", color: palette[7], points: line(points.map { $0.feeValue + $0.ilValue }), dashed: true),
            ])))
        let charted = audit.providers.sorted { a, b in a.value != b.value ? a.value > b.value : utf8Less(a.provider, b.provider) }
            .prefix(chartedProviders)
        for provider in charted {
            let held = points.filter { $0.providers[provider.provider] != nil }
            let x = held.map { Double($0.seq) }
            func series(_ value: (AuditTimeline.ProviderPoint) -> Double) -> [(x: Double, y: Double)] {
                Array(zip(x, held.map { value($0.providers[provider.provider]!) })).map { (x: $0.0, y: $0.1) }
            }
            sections.append((
                "\(provider.provider): value against holding",
                "The shares' claim against the tokens deposited (net of withdrawals), both valued in \(unit) at the pool's price at each point.",
                LineChart(title: "\(provider.provider): value and HODL value (\(unit))", xLabel: "seq", leftLabel: unit, series: [
                    .init(name: "value", color: palette[0], points: series(\.value)),
                    .init(name: "HODL value", color: palette[3], points: series(\.hodlValue), dashed: true),
                ])))
        }

        var html = pageHead(pool)
        html += "<p class=\"meta\">At seq \(pool.seq); fee \(pool.feePPM) ppm; 1 \(escapeHTML(pool.token0)) = \(escapeHTML(pool.priceText ?? "-")) \(escapeHTML(pool.token1)). "
        html += "\(points.count) sampled points. Values in \(escapeHTML(unit)) at the pool's price, exact figures from <code>poolledger audit</code>.</p>\n"
        html += summaryTable(audit)
        html += conservation(audit)
        for section in sections {
            html += sectionHTML(title: section.title, note: section.note, svg: section.chart.svg())
        }
        html += pageEnd
        return html
    }

    /// The page up to its heading: inline CSS only, so that it shows offline
    /// and the same anywhere (V2 and V3 pages share it).
    static func pageHead(_ pool: PoolState) -> String {
        """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>PoolLedger report: \(escapeHTML(pool.pool))</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px 32px; color: #1f2328; max-width: 1000px; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 17px; margin: 28px 0 4px; }
            p.note, p.meta { color: #57606a; font-size: 13px; margin: 2px 0 8px; }
            table { border-collapse: collapse; font-size: 12px; margin: 12px 0; }
            th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: right; white-space: nowrap; }
            th:first-child, td:first-child { text-align: left; }
            td.neg { color: #d1242f; } td.pos { color: #1a7f37; }
            svg text { font-family: system-ui, sans-serif; }
            svg .tick { font-size: 11px; fill: #57606a; }
            svg .axis { font-size: 12px; fill: #1f2328; }
            svg .legend { font-size: 12px; fill: #1f2328; }
            svg .chart-title { font-size: 13px; font-weight: 600; fill: #1f2328; }
            </style>
            </head>
            <body>
            <h1>Pool \(escapeHTML(pool.pool)): \(escapeHTML(pool.token0)) / \(escapeHTML(pool.token1))</h1>

            """
    }

    static let pageEnd = "</body>\n</html>\n"

    /// One chart in its own section, under its title and note.
    static func sectionHTML(title: String, note: String, svg: String) -> String {
        "<section>\n<h2>\(escapeHTML(title))</h2>\n<p class=\"note\">\(escapeHTML(note))</p>\n" + svg + "\n</section>\n"
    }

    /// A value cell as `audit` prints it (rounded to 6 places); with `exact`,
    /// the exact decimal (`audit --json`'s) in its title, shown on hover.
    static func cell(_ amount: SignedAmount, decimals: Int, signed: Bool = true, exact: Bool = false) -> String {
        let text = amount.roundedString(decimals: decimals, places: 6)
        // Coloured by what is shown: a loss that rounds to zero is not red.
        let shown = text.contains { ("1"..."9").contains($0) }
        let kind = !signed || !shown ? "" : text.hasPrefix("-") ? " class=\"neg\"" : " class=\"pos\""
        let title = exact ? " title=\"\(amount.decimalString(decimals: decimals))\"" : ""
        return "<td\(kind)\(title)>\(text)</td>"
    }

    static func summaryTable(_ audit: PoolAudit) -> String {
        let decimals = audit.valuation?.decimals ?? 0
        func cell(_ amount: SignedAmount, signed: Bool = true) -> String { Self.cell(amount, decimals: decimals, signed: signed) }
        var html = "<div class=\"summary\"><table>\n<tr><th>provider</th><th>shares %</th><th>value</th><th>HODL value</th><th>impermanent loss</th><th>IL %</th><th>fee value</th><th>net</th><th>profitable</th></tr>\n"
        for provider in audit.providers {
            html += "<tr><td>\(escapeHTML(provider.provider))</td>"
            html += "<td>\(SignedAmount(provider.sharePercent).roundedString(decimals: 18, places: 4))</td>"
            html += cell(SignedAmount(provider.value), signed: false) + cell(SignedAmount(provider.hodlValue), signed: false) + cell(provider.ilValue)
            html += "<td>\(provider.ilPercent.map { $0.roundedString(decimals: 18, places: 4) } ?? "-")</td>"
            html += cell(provider.feeValue) + cell(provider.netValue)
            html += "<td>\(provider.profitable ? "yes" : "no")</td></tr>\n"
        }
        if audit.providers.isEmpty { html += "<tr><td colspan=\"9\">no providers</td></tr>\n" }
        return html + "</table></div>\n"
    }

    static func conservation(_ audit: PoolAudit) -> String {
        let c = audit.conservation
        return """
            <p class="meta">Conservation: claims \(c.claimed0) / \(c.claimed1) of reserves \(c.reserve0) / \(c.reserve1) \
            (dust \(c.dust0) / \(c.dust1) base units); shares sum \(c.sharesSum) \(c.sharesSum == c.totalShares ? "=" : "≠") total \(c.totalShares); \
            locked \(c.lockedShares); protocol-fee shares minted \(c.protocolFeeSharesMinted).</p>

            """
    }
}
