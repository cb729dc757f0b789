import Foundation

/// A line chart drawn as inline SVG: no script, no external reference, so
/// the page that holds it works offline and prints as it shows.
public struct LineChart: Sendable {
    public enum Axis: Sendable { case left, right }

    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        public var axis: Axis
        public var dashed: Bool
        /// Whether the legend names it (a series another entry speaks for need not).
        public var inLegend = true

        public init(name: String, color: String, points: [(x: Double, y: Double)], axis: Axis = .left, dashed: Bool = false, inLegend: Bool = true) {
            self.name = name
            self.color = color
            self.points = points
            self.axis = axis
            self.dashed = dashed
            self.inLegend = inLegend
        }
    }

    /// A translucent horizontal band over the left axis (a V3 position's
    /// price range), drawn under the lines and cut at the plot's edges.
    public struct Band: Sendable {
        public var name: String
        public var color: String
        public var low: Double
        public var high: Double
        /// Where the band starts and ends along x; nil: the plot's edge.
        public var from: Double?
        public var to: Double?

        public init(name: String, color: String, low: Double, high: Double, from: Double? = nil, to: Double? = nil) {
            self.name = name
            self.color = color
            self.low = low
            self.high = high
            self.from = from
            self.to = to
        }
    }

    /// A translucent area between two curves over the left axis (the spread
    /// of a backtest's modes), drawn under the lines.
    public struct Area: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, low: Double, high: Double)]

        public init(name: String, color: String, points: [(x: Double, low: Double, high: Double)]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }

    public var areas: [Area] = []
    public var title: String
    public var xLabel: String
    public var leftLabel: String
    public var rightLabel: String?
    public var series: [Series]
    public var bands: [Band] = []
    /// The left axis' range when given (a band may reach past it); else the left series' range.
    public var leftBounds: (low: Double, high: Double)?
    public var width = 920.0
    /// The chart's height without the bands' legend rows, which add to it.
    public var height = 340.0

    public init(title: String, xLabel: String, leftLabel: String, rightLabel: String? = nil, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.leftLabel = leftLabel
        self.rightLabel = rightLabel
        self.series = series
    }

    // Plot area margins.
    private let left = 80.0, right = 80.0, top = 36.0, bottom = 70.0

    public func svg() -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) }
        let xRange = Self.range(xs)
        let leftRange = leftBounds ?? Self.range(series.filter { $0.axis == .left }.flatMap { $0.points.map(\.y) })
        let rightRange = Self.range(series.filter { $0.axis == .right }.flatMap { $0.points.map(\.y) })
        func px(_ x: Double) -> Double { left + (x - xRange.low) / (xRange.high - xRange.low) * plotWidth }
        func py(_ y: Double, _ range: (low: Double, high: Double)) -> Double {
            top + plotHeight - (y - range.low) / (range.high - range.low) * plotHeight
        }

        let bandLegend = bandLegendLayout(leftRange)
        let fullHeight = height + (bandLegend.isEmpty ? 0 : Double((bandLegend.map { $0.row }.max() ?? 0) + 1) * 18 + 4)
        var svg = "<svg viewBox=\"0 0 \(Self.f(width)) \(Self.f(fullHeight))\" width=\"\(Self.f(width))\" height=\"\(Self.f(fullHeight))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">\n"
        svg += "<title>\(escapeHTML(title))</title>\n"
        svg += "<rect x=\"\(Self.f(left))\" y=\"\(Self.f(top))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"#fbfbfd\" stroke=\"#c8c8d0\"/>\n"
        // Grid and tick labels.
        for tick in Self.ticks(leftRange) {
            let y = py(tick, leftRange)
            svg += "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(left + plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"#e4e4ea\"/>\n"
            svg += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\" class=\"tick\">\(Self.label(tick))</text>\n"
        }
        if rightLabel != nil {
            for tick in Self.ticks(rightRange) {
                let y = py(tick, rightRange)
                svg += "<text x=\"\(Self.f(left + plotWidth + 6))\" y=\"\(Self.f(y + 4))\" class=\"tick\">\(Self.label(tick))</text>\n"
            }
        }
        for tick in Self.ticks(xRange) {
            let x = px(tick)
            svg += "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(top + plotHeight))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(top + plotHeight + 5))\" stroke=\"#888\"/>\n"
            svg += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(top + plotHeight + 18))\" text-anchor=\"middle\" class=\"tick\">\(Self.label(tick))</text>\n"
        }
        svg += "<text x=\"\(Self.f(left + plotWidth / 2))\" y=\"\(Self.f(height - 36))\" text-anchor=\"middle\" class=\"axis\">\(escapeHTML(xLabel))</text>\n"
        svg += "<text x=\"16\" y=\"\(Self.f(top + plotHeight / 2))\" transform=\"rotate(-90 16 \(Self.f(top + plotHeight / 2)))\" text-anchor=\"middle\" class=\"axis\">\(escapeHTML(leftLabel))</text>\n"
        if let rightLabel {
            let x = width - 12
            svg += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(top + plotHeight / 2))\" transform=\"rotate(90 \(Self.f(x)) \(Self.f(top + plotHeight / 2)))\" text-anchor=\"middle\" class=\"axis\">\(escapeHTML(rightLabel))</text>\n"
        }
        svg += "<text x=\"\(Self.f(left))\" y=\"22\" class=\"chart-title\">\(escapeHTML(title))</text>\n"
        // Bands under the lines, cut to the plot (no clipPath: it would need a url() reference).
        for band in bands {
            let low = max(band.low, leftRange.low), high = min(band.high, leftRange.high)
            let from = max(band.from ?? xRange.low, xRange.low), to = min(band.to ?? xRange.high, xRange.high)
            guard high > low, to >= from, low.isFinite, high.isFinite else { continue }
            let x0 = px(from), x1 = px(to)
            svg += "<rect x=\"\(Self.f(x0))\" y=\"\(Self.f(py(high, leftRange)))\" width=\"\(Self.f(max(1, x1 - x0)))\" height=\"\(Self.f(max(1, py(low, leftRange) - py(high, leftRange))))\" fill=\"\(band.color)\" fill-opacity=\"0.14\" stroke=\"\(band.color)\" stroke-opacity=\"0.5\"/>\n"
        }
        // Areas under the lines: the upper curve out, the lower one back.
        for area in areas where area.points.count > 1 {
            let clamp = { (y: Double) in min(max(y, leftRange.low), leftRange.high) }
            let upper = area.points.map { "\(Self.f(px($0.x))),\(Self.f(py(clamp($0.high), leftRange)))" }
            let lower = area.points.reversed().map { "\(Self.f(px($0.x))),\(Self.f(py(clamp($0.low), leftRange)))" }
            svg += "<polygon fill=\"\(area.color)\" fill-opacity=\"0.18\" stroke=\"none\" points=\"\((upper + lower).joined(separator: " "))\"><title>\(escapeHTML(area.name))</title></polygon>\n"
        }
        // Lines.
        for line in series where !line.points.isEmpty {
            let range = line.axis == .left ? leftRange : rightRange
            let path = line.points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y, range)))" }.joined(separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if line.points.count == 1 {
                let point = line.points[0]
                svg += "<circle cx=\"\(Self.f(px(point.x)))\" cy=\"\(Self.f(py(point.y, range)))\" r=\"3\" fill=\"\(line.color)\"/>\n"
            } else {
                svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\"\(dash) points=\"\(path)\"/>\n"
            }
        }
        // Legend under the axis label.
        var x = left
        for line in series where line.inLegend {
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            svg += "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(height - 12))\" x2=\"\(Self.f(x + 22))\" y2=\"\(Self.f(height - 12))\" stroke=\"\(line.color)\" stroke-width=\"2.5\"\(dash)/>\n"
            let name = line.name + (rightLabel != nil ? (line.axis == .left ? " (left)" : " (right)") : "")
            svg += "<text x=\"\(Self.f(x + 28))\" y=\"\(Self.f(height - 8))\" class=\"legend\">\(escapeHTML(name))</text>\n"
            x += 40 + Double(name.count) * 7
        }
        for entry in bandLegend {
            let y = height + 4 + Double(entry.row) * 18
            svg += "<rect x=\"\(Self.f(entry.x))\" y=\"\(Self.f(y - 10))\" width=\"22\" height=\"12\" fill=\"\(entry.color)\" fill-opacity=\"0.25\" stroke=\"\(entry.color)\"/>\n"
            svg += "<text x=\"\(Self.f(entry.x + 28))\" y=\"\(Self.f(y))\" class=\"legend\">\(escapeHTML(entry.text))</text>\n"
        }
        svg += "</svg>"
        return svg
    }

    /// The bands' legend, in rows under the series' legend: a band cut at the
    /// axis says so, so that a range wider than the chart is not read as its edge.
    func bandLegendLayout(_ range: (low: Double, high: Double)) -> [(x: Double, row: Int, text: String, color: String)] {
        var entries: [(x: Double, row: Int, text: String, color: String)] = []
        var x = left, row = 0
        for band in bands {
            let text = band.name + (band.low < range.low || band.high > range.high ? " (clipped)" : "")
            let span = 40 + Double(text.count) * 7
            if x > left, x + span > width - right {
                x = left
                row += 1
            }
            entries.append((x: x, row: row, text: text, color: band.color))
            x += span
        }
        return entries
    }

    /// The data's range, widened when flat so that a constant line sits mid-chart.
    static func range(_ values: [Double]) -> (low: Double, high: Double) {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return (0, 1) }
        if high - low <= abs(high) * 1e-12 {
            let pad = abs(high) > 0 ? abs(high) * 0.05 : 1
            low -= pad
            high += pad
        }
        return (low, high)
    }

    /// About five round-numbered ticks inside the range.
    static func ticks(_ range: (low: Double, high: Double)) -> [Double] {
        let span = range.high - range.low
        guard span > 0, span.isFinite else { return [] }
        let rough = span / 5
        let magnitude = pow(10, floor(log10(rough)))
        // The finest round step that keeps to at most seven ticks.
        let step = [0.2, 0.5, 1, 2, 5, 10].map { $0 * magnitude }.first { span / $0 <= 7 } ?? 10 * magnitude
        var tick = ceil(range.low / step) * step
        var ticks: [Double] = []
        while tick <= range.high + step * 1e-9, ticks.count < 12 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }

    /// Compact tick labels: 1.5k, 2.25M, 0.0012.
    static func label(_ value: Double) -> String {
        let size = abs(value)
        if size >= 1e12 { return trim(String(format: "%.3g", value)) }
        if size >= 1e9 { return trim(String(format: "%.3f", value / 1e9)) + "G" }
        if size >= 1e6 { return trim(String(format: "%.3f", value / 1e6)) + "M" }
        if size >= 1e4 { return trim(String(format: "%.2f", value / 1e3)) + "k" }
        if size >= 1 || size == 0 { return trim(String(format: "%.2f", value)) }
        return String(format: "%.3g", value)
    }

    private static func trim(_ text: String) -> String {
        guard text.contains("."), !text.contains("e") else { return text }
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed = trimmed.dropLast() }
        if trimmed.last == "." { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Text safe inside HTML and SVG: provider names are arbitrary strings.
public func escapeHTML(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.append(character)
        }
    }
    return escaped
}
