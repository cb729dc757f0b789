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

            Examples:
              poolledger il --ratio 2
              poolledger il --table
              poolledger il --ratio 1.5 --fee-apr 20 --days 90
            """)

    @Option(help: "Price ratio r (end price / deposit price).") var ratio: Double?
    @Flag(help: "Print the loss for r = 1.25, 1.5, 2, 3, 4, 5, 10, 100.") var table = false
    @Option(help: "Fee APR in percent (e.g. 20 for 20 %).") var feeApr: Double?
    @Option(help: "Days the position is held.") var days: Double?

    func validate() throws {
        guard ratio != nil || table else { throw ValidationError("give --ratio R or --table") }
        if let ratio { guard ratio > 0, ratio.isFinite else { throw ValidationError("--ratio must be a positive number") } }
        guard (feeApr == nil) == (days == nil) else { throw ValidationError("--fee-apr and --days go together") }
        if feeApr != nil { guard ratio != nil else { throw ValidationError("--fee-apr needs --ratio") } }
        if let days { guard days > 0 else { throw ValidationError("--days must be positive") } }
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
        let loss = ImpermanentLoss.fraction(priceRatio: ratio)
        Terminal.output("price ratio \(ratio): impermanent loss \(Self.percent(loss)) (the position is worth \(String(format: "%.6f", 1 + loss)) of holding)\n")
        if let feeApr, let days {
            let result = ImpermanentLoss.breakEven(priceRatio: ratio, apr: feeApr / 100, days: days)
            Terminal.output("fees over \(days) days at \(feeApr) % APR: +\(Self.percent(result.feeIncome)); net against holding: \(Self.percent(result.net)); break-even APR: \(Self.percent(result.breakEvenAPR))\n")
        }
    }
}
