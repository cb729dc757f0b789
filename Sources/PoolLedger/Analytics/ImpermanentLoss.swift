/// Impermanent loss of a constant-product position, in closed form. For people,
/// not for state: these are ratios shown as decimals.
public enum ImpermanentLoss {
    /// The loss against holding when the price of one token relative to the
    /// other moves by `ratio`: `2*sqrt(r)/(1+r) - 1` (never positive; 0 at r = 1,
    /// the same for r and 1/r).
    public static func fraction(priceRatio ratio: Double) -> Double {
        precondition(ratio > 0, "a price ratio is positive")
        return 2 * ratio.squareRoot() / (1 + ratio) - 1
    }

    /// The ratios of the usual table.
    public static let tableRatios: [Double] = [1.25, 1.5, 2, 3, 4, 5, 10, 100]

    /// Fee income over `days` at a yearly rate `apr` (a fraction, simple interest),
    /// set against the loss at `ratio`, and the APR at which the two break even.
    public struct BreakEven: Sendable, Equatable {
        public var feeIncome: Double
        public var loss: Double
        public var net: Double
        public var breakEvenAPR: Double
    }

    public static func breakEven(priceRatio ratio: Double, apr: Double, days: Double) -> BreakEven {
        precondition(days > 0, "days must be positive")
        let years = days / 365
        let loss = fraction(priceRatio: ratio)
        let income = apr * years
        return BreakEven(feeIncome: income, loss: loss, net: income + loss, breakEvenAPR: -loss / years)
    }
}
