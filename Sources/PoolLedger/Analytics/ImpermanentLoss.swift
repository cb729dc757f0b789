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

    /// The loss of a concentrated-liquidity position over the range
    /// [lower, upper] (bounds as multiples of the price at deposit, lower < 1 < upper)
    /// when the price moves by `ratio`: the position's value against holding what
    /// was deposited. Prices are token1 per token0; liquidity L cancels out.
    ///
    ///     value(p) = L * (2*sqrt(p) - p/sqrt(b) - sqrt(a))   for a <= p <= b
    ///              = L * (1/sqrt(a) - 1/sqrt(b)) * p           below the range (all token0)
    ///              = L * (sqrt(b) - sqrt(a))                   above it (all token1)
    public static func fraction(priceRatio ratio: Double, rangeLower lower: Double, rangeUpper upper: Double) -> Double {
        precondition(ratio > 0 && lower > 0 && lower < 1 && upper > 1, "0 < lower < 1 < upper, ratio > 0")
        // Entry price 1: the deposit's amounts per unit of liquidity.
        let (sqrtA, sqrtB) = (lower.squareRoot(), upper.squareRoot())
        let x0 = 1 - 1 / sqrtB, y0 = 1 - sqrtA
        let p = ratio
        let value: Double
        if p <= lower {
            value = (1 / sqrtA - 1 / sqrtB) * p
        } else if p >= upper {
            value = sqrtB - sqrtA
        } else {
            value = 2 * p.squareRoot() - p / sqrtB - sqrtA
        }
        return value / (x0 * p + y0) - 1
    }
}

