import Foundation
import PoolLedger
import PoolMath

/// `poolledger report` of a concentrated (Uniswap V3) pool: the page of
/// `PoolReport` (the audit now in a table, with the figures `audit` prints,
/// then one chart per section) drawn for range positions: the price against
/// each range, the liquidity by tick now, fees against impermanent loss,
/// and each of the largest positions against holding.
public enum ConcentratedReport {
    typealias Section = (title: String, note: String, svg: String)

    /// How far past the price path (a factor on its range's ends) a range's
    /// ends may widen a price axis. A range reaching further is cut at the
    /// axis: a full-range position's ends (about 1e-38 and 1e38 times the
    /// decimals' shift) would flatten the path into a line.
    static let axisReach = 3.0

    public static func html(audit: ConcentratedPoolAudit, timeline: ConcentratedTimeline) -> String {
        let charted = chartedPositions(audit)
        var sections = [
            priceSection(audit, timeline, charted: charted),
            liquiditySection(audit, timeline),
            feesSection(audit, timeline),
        ]
        for position in charted { sections.append(valueSection(audit, timeline, position)) }

        var html = PoolReport.pageHead(audit.pool)
        html += meta(audit, timeline)
        html += summaryTable(audit)
        html += conservation(audit)
        for section in sections {
            html += PoolReport.sectionHTML(title: section.title, note: section.note, svg: section.svg)
        }
        html += PoolReport.pageEnd
        return html
    }

    /// The positions charted one by one: the largest held by value now (their order in the audit breaks ties).
    static func chartedPositions(_ audit: ConcentratedPoolAudit) -> [HeldPosition] {
        let held = HeldPosition.all(audit)
        let order = held.indices.sorted { a, b in
            held[a].row.value != held[b].row.value ? held[a].row.value > held[b].row.value : a < b
        }
        return order.prefix(PoolReport.chartedProviders).map { held[$0] }
    }

    /// A position as `audit` names it: who holds it and its range.
    static func name(_ position: HeldPosition) -> String {
        let key = position.row.position.key
        return "\(position.name) ticks \(key.tickLower)...\(key.tickUpper)"
    }

    /// The same, short enough for a legend: an address keeps its ends.
    static func legendName(_ position: HeldPosition) -> String {
        let key = position.row.position.key
        let owner = position.name.count > 14 && position.name.hasPrefix("0x")
            ? String(position.name.prefix(6)) + "…" + String(position.name.suffix(4)) : position.name
        return "\(owner) \(key.tickLower)...\(key.tickUpper)"
    }

    static func color(_ index: Int) -> String { PoolReport.palette[index % PoolReport.palette.count] }

    static func valueUnit(_ audit: ConcentratedPoolAudit) -> String { audit.valuation?.numeraire ?? audit.pool.token1 }

    // MARK: sections

    static func priceSection(_ audit: ConcentratedPoolAudit, _ timeline: ConcentratedTimeline, charted: [HeldPosition]) -> Section {
        let pool = audit.pool
        let path = timeline.points.map { (x: Double($0.seq), y: $0.price) }
        let bands = charted.enumerated().map { item -> LineChart.Band in
            let key = item.element.row.position.key
            // From the position's first mint: before it the range held nothing.
            return LineChart.Band(
                name: legendName(item.element), color: color(item.offset),
                low: RangePrice.price(tick: key.tickLower, pool: pool), high: RangePrice.price(tick: key.tickUpper, pool: pool),
                from: item.element.row.position.entries.first.map { Double($0.seq) })
        }
        var chart = LineChart(title: "\(pool.token0) price in \(pool.token1) and position ranges", xLabel: "seq", leftLabel: pool.token1, series: [
            .init(name: "price", color: "#1f2328", points: path),
        ])
        chart.bands = bands
        chart.leftBounds = axisBounds(core: path.map { $0.y }, edges: bands.flatMap { [$0.low, $0.high] })
        let others = HeldPosition.all(audit).count - charted.count
        var note = "Price of one \(pool.token0) in \(pool.token1) (whole tokens, from the square-root price) after each sampled fact. "
        note += "Each band is a position's range, tick_lower to tick_upper as prices, from its first mint; "
        note += "a range reaching far past the price path is cut at the axis and marked clipped."
        if others > 0 { note += " The \(others) smaller positions are in the table only." }
        return ("Price and position ranges", note, chart.svg())
    }

    static func liquiditySection(_ audit: ConcentratedPoolAudit, _ timeline: ConcentratedTimeline) -> Section {
        let pool = audit.pool, v3 = audit.v3
        let steps = liquiditySteps(v3, pool: pool)
        let now = RangePrice.price(sqrtPriceX96: v3.sqrtPriceX96, pool: pool)
        var chart = StepChart(
            title: "Active liquidity by price now", xLabel: "\(pool.token0) price in \(pool.token1)", yLabel: "liquidity",
            name: "active liquidity", color: color(6), steps: steps, marker: StepChart.Marker(x: now, label: "price now \(LineChart.label(now))"))
        chart.xBounds = axisBounds(core: timeline.points.map(\.price) + [now], edges: steps.flatMap { [$0.low, $0.high] })
        var note = "The liquidity a swap meets at each price: liquidity_net summed from the lowest of the \(v3.ticks.count) initialized ticks up. "
        note += "Active now, at tick \(v3.tick): \(v3.liquidity). Ticks far past the price path are cut at the axis."
        return ("Liquidity by tick", note, chart.svg())
    }

    static func feesSection(_ audit: ConcentratedPoolAudit, _ timeline: ConcentratedTimeline) -> Section {
        let unit = valueUnit(audit)
        let points = timeline.points
        func line(_ value: (ConcentratedTimeline.Point) -> Double) -> [(x: Double, y: Double)] {
            points.map { (x: Double($0.seq), y: value($0)) }
        }
        let chart = LineChart(title: "Fee value and impermanent loss, all positions (\(unit))", xLabel: "seq", leftLabel: unit, series: [
            .init(name: "fee value", color: color(2), points: line(\.feeValue)),
            .init(name: "impermanent loss", color: color(1), points: line(\.ilValue)),
            .init(name: "fees + loss", color: color(7), points: line { $0.feeValue + $0.ilValue }, dashed: true),
        ])
        let note = "Summed over every open position as people hold them (those held directly and each NFT) at each point, in \(unit) at the pool's price then: the lifetime fees (collected or not), "
            + "what the price moves cost the principal against holding its basis, and the two together."
        return ("Fees against impermanent loss", note, chart.svg())
    }

    static func valueSection(_ audit: ConcentratedPoolAudit, _ timeline: ConcentratedTimeline, _ position: HeldPosition) -> Section {
        let unit = valueUnit(audit), id = position.id
        let held = timeline.points.filter { $0.positions[id] != nil }
        func series(_ value: (ConcentratedTimeline.PositionPoint) -> Double) -> [(x: Double, y: Double)] {
            held.map { (x: Double($0.seq), y: value($0.positions[id]!)) }
        }
        let chart = LineChart(title: "\(legendName(position)): value and HODL value (\(unit))", xLabel: "seq", leftLabel: unit, series: [
            .init(name: "value", color: color(0), points: series(\.value)),
            .init(name: "HODL value", color: color(3), points: series(\.hodlValue), dashed: true),
            // Collected fees leave the position: with them added back, a collect is no drop.
            .init(name: "value + collected fees", color: color(2), points: series { $0.value + $0.collectedFeeValue }),
        ])
        let note = "The position's principal and uncollected fees against its basis (deposits net of burns) held instead, "
            + "both valued in \(unit) at the pool's price at each point."
        return ("\(name(position)): value against holding", note, chart.svg())
    }

    // MARK: drawing helpers

    /// The price path's range, widened to take in the edges within `axisReach` of it.
    static func axisBounds(core: [Double], edges: [Double]) -> (low: Double, high: Double) {
        var bounds = LineChart.range(core)
        // Prices are positive; without one there is no scale to reach from.
        guard bounds.low > 0 else { return bounds }
        let reachLow = bounds.low / axisReach, reachHigh = bounds.high * axisReach
        for edge in edges where edge.isFinite && edge >= reachLow && edge <= reachHigh {
            bounds.low = min(bounds.low, edge)
            bounds.high = max(bounds.high, edge)
        }
        return bounds
    }

    /// Active liquidity between consecutive initialized ticks: liquidity_net
    /// summed from the lowest tick up, as a swap crossing upward adds it.
    /// Summed exactly (a signed 256-bit amount, which no partial sum can
    /// overflow) and only then made a double, for drawing.
    static func liquiditySteps(_ v3: ConcentratedPool, pool: PoolState) -> [StepChart.Step] {
        let ticks = v3.ticks.keys.sorted()
        var active = SignedAmount.zero
        var steps: [StepChart.Step] = []
        for index in ticks.indices.dropLast() {
            let net = v3.ticks[ticks[index]]!.liquidityNet
            active = active + SignedAmount(UInt256(high: 0, low: net.magnitude), negative: net < 0)
            steps.append(StepChart.Step(
                low: RangePrice.price(tick: ticks[index], pool: pool), high: RangePrice.price(tick: ticks[index + 1], pool: pool),
                value: Double(active)))
        }
        return steps
    }

    // MARK: the audit now

    static func meta(_ audit: ConcentratedPoolAudit, _ timeline: ConcentratedTimeline) -> String {
        let pool = audit.pool, v3 = audit.v3
        var html = "<p class=\"meta\">Concentrated liquidity (Uniswap V3). At seq \(pool.seq); fee \(pool.feePPM) ppm; tick \(v3.tick); active liquidity \(v3.liquidity); "
        html += "1 \(escapeHTML(pool.token0)) = \(escapeHTML(pool.priceText ?? "-")) \(escapeHTML(pool.token1)). "
        html += "\(timeline.points.count) sampled points. Values in \(escapeHTML(valueUnit(audit))) at the pool's price, "
        html += "figures as <code>poolledger audit</code> prints them (each exact decimal on hover).</p>\n"
        return html
    }

    static func summaryTable(_ audit: ConcentratedPoolAudit) -> String {
        let decimals = audit.valuation?.decimals ?? 0
        let valued = audit.valuation != nil
        func cell(_ amount: SignedAmount, signed: Bool = true) -> String {
            valued ? PoolReport.cell(amount, decimals: decimals, signed: signed, exact: true) : "<td>-</td>"
        }
        var html = "<div class=\"summary\"><table>\n<tr><th>owner</th><th>tick lower</th><th>tick upper</th><th>price range</th><th>in range</th><th>liquidity</th>"
        html += "<th>value</th><th>HODL value</th><th>impermanent loss</th><th>IL %</th><th>fee value</th><th>net</th><th>profitable</th></tr>\n"
        func row(_ owner: String, _ position: RangePositionAudit) {
            let key = position.position.key
            html += "<tr><td>\(escapeHTML(owner))</td><td>\(key.tickLower)</td><td>\(key.tickUpper)</td>" + rangeCell(key, pool: audit.pool)
            html += "<td>\(position.inRange ? "yes" : "no")</td><td>\(position.liquidity)</td>"
            html += cell(SignedAmount(position.value), signed: false) + cell(SignedAmount(position.hodlValue), signed: false) + cell(position.ilValue)
            html += "<td>\(position.ilPercent.map { $0.roundedString(decimals: 18, places: 4) } ?? "-")</td>"
            html += cell(SignedAmount(position.feeValue)) + cell(position.netValue)
            html += "<td>\(position.profitable ? "yes" : "no")</td></tr>\n"
        }
        for position in audit.positions {
            let owner = position.position.key.owner
            row(audit.v3.managers[owner] == nil ? owner : "\(owner) (position manager: its NFTs below)", position)
        }
        for nft in audit.nfts { row("NFT \(nft.key.tokenID) of \(nft.holder ?? "(burned)")", nft.audit) }
        if audit.positions.isEmpty && audit.nfts.isEmpty { html += "<tr><td colspan=\"13\">no positions</td></tr>\n" }
        return html + "</table></div>\n"
    }

    /// The range's prices to six figures; the exact ones (`audit`'s) on hover.
    static func rangeCell(_ key: ConcentratedPool.PositionKey, pool: PoolState) -> String {
        func exact(_ tick: Int32) -> String {
            guard let sqrt = try? TickMath.sqrtRatio(atTick: tick), let text = pool.priceText(sqrtPriceX96: sqrt) else { return "?" }
            return text
        }
        func shown(_ tick: Int32) -> String { String(format: "%.6g", RangePrice.price(tick: tick, pool: pool)) }
        return "<td title=\"\(exact(key.tickLower))...\(exact(key.tickUpper))\">\(shown(key.tickLower))...\(shown(key.tickUpper))</td>"
    }

    static func conservation(_ audit: ConcentratedPoolAudit) -> String {
        let pool = audit.pool
        let verdict = audit.holds ? "the balances cover everything owed" : "BROKEN: the balances do not cover what is owed"
        return "<p class=\"meta\">Conservation: balances \(pool.reserve0) / \(pool.reserve1), owed to positions and protocol \(audit.owed0) / \(audit.owed1) (base units): \(verdict).</p>\n"
    }
}
