import ArgumentParser
import Foundation
import PoolLedger

struct IL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "il",
        abstract: "Impermanent loss of a constant-product position: the closed form 2*sqrt(r)/(1+r) - 1.",
        discussion: """
            r is the ratio of the price at the end to the price at deposit (2 = the price \
            doubled, 0.5 = it halved; r and 1/r lose the same). With --fee-apr and --days, \
            sets the fee income over the period against the loss and gives the APR needed \
            to break even.

            With --range LOW:HIGH (bounds as multiples of the price at deposit, e.g. \
            0.5:2), the loss of a concentrated-liquidity (Uniswap V3) position over that \
            range instead.

            Examples:
              poolledger il --ratio 2
              poolledger il --ratio 1.5 --range 0.8:1.25
              poolledger il --table
              poolledger il --ratio 1.5 --fee-apr 20 --days 90
            """)

    @Option(help: "Price ratio r (end price / deposit price).") var ratio: Double?
    @Flag(help: "Print the loss for r = 1.25, 1.5, 2, 3, 4, 5, 10, 100.") var table = false
    @Option(help: "Fee APR in percent (e.g. 20 for 20 %).") var feeApr: Double?
    @Option(help: "Days the position is held.") var days: Double?
    @Option(help: ArgumentHelp("A concentrated position's range as multiples of the deposit price (LOW < 1 < HIGH).", valueName: "LOW:HIGH"))
    var range: String?

    var bounds: (Double, Double)? {
        guard let range else { return nil }
        let parts = range.split(separator: ":")
        guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]) else { return nil }
        return (low, high)
    }

    func validate() throws {
        guard ratio != nil || table else { throw ValidationError("give --ratio R or --table") }
        if let ratio { guard ratio > 0, ratio.isFinite else { throw ValidationError("--ratio must be a positive number") } }
        guard (feeApr == nil) == (days == nil) else { throw ValidationError("--fee-apr and --days go together") }
        if feeApr != nil { guard ratio != nil else { throw ValidationError("--fee-apr needs --ratio") } }
        if let days { guard days > 0 else { throw ValidationError("--days must be positive") } }
        if range != nil {
            guard let (low, high) = bounds, low > 0, low < 1, high > 1, high.isFinite else {
                throw ValidationError("--range takes LOW:HIGH with 0 < LOW < 1 < HIGH, e.g. 0.5:2")
            }
            guard ratio != nil, !table else { throw ValidationError("--range goes with --ratio") }
        }
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f %%", fraction * 100) }

    func run() throws {
        if table {
            Terminal.output("price ratio   impermanent loss\n")
            for r in ImpermanentLoss.tableRatios {
                let label = r == r.rounded() ? String(Int(r)) : String(r)
                Terminal.output("\(label.padding(toLength: 12, withPad: " ", startingAt: 0))  \(Self.percent(ImpermanentLoss.fraction(priceRatio: r)))\n")
            }
        }
        guard let ratio else { return }
        if let (low, high) = bounds {
            let loss = ImpermanentLoss.fraction(priceRatio: ratio, rangeLower: low, rangeUpper: high)
            let full = ImpermanentLoss.fraction(priceRatio: ratio)
            Terminal.output("price ratio \(ratio), range \(low)x to \(high)x: impermanent loss \(Self.percent(loss)) (full range: \(Self.percent(full)))\n")
            return
        }
        let loss = ImpermanentLoss.fraction(priceRatio: ratio)
        Terminal.output("price ratio \(ratio): impermanent loss \(Self.percent(loss)) (the position is worth \(String(format: "%.6f", 1 + loss)) of holding)\n")
        if let feeApr, let days {
            let result = ImpermanentLoss.breakEven(priceRatio: ratio, apr: feeApr / 100, days: days)
            Terminal.output("fees over \(days) days at \(feeApr) % APR: +\(Self.percent(result.feeIncome)); net against holding: \(Self.percent(result.net)); break-even APR: \(Self.percent(result.breakEvenAPR))\n")
        }
    }
}
