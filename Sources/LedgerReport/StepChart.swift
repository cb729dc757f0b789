import Foundation

/// A step chart drawn as inline SVG: a value held over each interval of x
/// (a V3 pool's active liquidity between consecutive initialized ticks),
/// with one vertical marker (the current price). Same frame, ticks and
/// classes as `LineChart`, so the two sit alike on one page.
public struct StepChart: Sendable {
    /// `value` held for x in `low..<high`.
    public struct Step: Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var value: Double

        public init(low: Double, high: Double, value: Double) {
            self.low = low
            self.high = high
            self.value = value
        }
    }

    public struct Marker: Sendable, Equatable {
        public var x: Double
        public var label: String

        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var name: String
    public var color: String
    public var steps: [Step]
    public var marker: Marker?
    /// The x axis shown; steps past it are cut at its edges. Nil: the steps' extent and the marker.
    public var xBounds: (low: Double, high: Double)?
    public var width = 920.0
    public var height = 340.0

    public init(title: String, xLabel: String, yLabel: String, name: String, color: String, steps: [Step], marker: Marker? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.name = name
        self.color = color
        self.steps = steps
        self.marker = marker
    }

    // Plot area margins, as LineChart's.
    private let left = 80.0, right = 80.0, top = 36.0, bottom = 70.0

    public func svg() -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xRange = xBounds ?? LineChart.range(steps.flatMap { [$0.low, $0.high] } + (marker.map { [$0.x] } ?? []))
        let visible = steps.compactMap { cut($0, to: xRange) }
        // From zero: a liquidity axis that starts elsewhere overstates the differences.
        let peak = visible.map(\.value).filter(\.isFinite).max() ?? 0
        let yRange = (low: 0.0, high: peak > 0 ? peak : 1)
        func px(_ x: Double) -> Double { left + (x - xRange.low) / (xRange.high - xRange.low) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - yRange.low) / (yRange.high - yRange.low) * plotHeight }
        let f = LineChart.f

        var svg = "<svg viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">\n"
        svg += "<title>\(escapeHTML(title))</title>\n"
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"#fbfbfd\" stroke=\"#c8c8d0\"/>\n"
        for tick in LineChart.ticks(yRange) {
            let y = py(tick)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e4e4ea\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" class=\"tick\">\(LineChart.label(tick))</text>\n"
        }
        for tick in LineChart.ticks(xRange) {
            let x = px(tick)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#888\"/>\n"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\" class=\"tick\">\(LineChart.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 36))\" text-anchor=\"middle\" class=\"axis\">\(escapeHTML(xLabel))</text>\n"
        svg += "<text x=\"16\" y=\"\(f(top + plotHeight / 2))\" transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\" text-anchor=\"middle\" class=\"axis\">\(escapeHTML(yLabel))</text>\n"
        svg += "<text x=\"\(f(left))\" y=\"22\" class=\"chart-title\">\(escapeHTML(title))</text>\n"
        for step in visible where step.value > 0 {
            let x0 = px(step.low), x1 = px(step.high)
            svg += "<rect x=\"\(f(x0))\" y=\"\(f(py(step.value)))\" width=\"\(f(max(0.5, x1 - x0)))\" height=\"\(f(py(0) - py(step.value)))\" fill=\"\(color)\" fill-opacity=\"0.55\" stroke=\"\(color)\" stroke-width=\"0.6\"/>\n"
        }
        if let marker, marker.x >= xRange.low, marker.x <= xRange.high {
            let x = px(marker.x)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"#d1242f\" stroke-width=\"1.8\" stroke-dasharray=\"6 4\"/>\n"
            svg += "<text x=\"\(f(x + 4))\" y=\"\(f(top + 12))\" class=\"legend\">\(escapeHTML(marker.label))</text>\n"
        }
        svg += legend()
        svg += "</svg>"
        return svg
    }

    /// The step cut to the x axis; nil when none of it shows.
    func cut(_ step: Step, to range: (low: Double, high: Double)) -> Step? {
        let low = max(step.low, range.low), high = min(step.high, range.high)
        guard high > low else { return nil }
        return Step(low: low, high: high, value: step.value)
    }

    func legend() -> String {
        let f = LineChart.f
        var svg = "<rect x=\"\(f(left))\" y=\"\(f(height - 18))\" width=\"22\" height=\"12\" fill=\"\(color)\" fill-opacity=\"0.55\" stroke=\"\(color)\"/>\n"
        svg += "<text x=\"\(f(left + 28))\" y=\"\(f(height - 8))\" class=\"legend\">\(escapeHTML(name))</text>\n"
        guard let marker else { return svg }
        let x = left + 40 + Double(name.count) * 7
        svg += "<line x1=\"\(f(x))\" y1=\"\(f(height - 12))\" x2=\"\(f(x + 22))\" y2=\"\(f(height - 12))\" stroke=\"#d1242f\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>\n"
        svg += "<text x=\"\(f(x + 28))\" y=\"\(f(height - 8))\" class=\"legend\">\(escapeHTML(marker.label))</text>\n"
        return svg
    }
}
