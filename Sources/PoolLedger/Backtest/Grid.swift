import Dispatch

/// Backtests run side by side: each variant (a backtest, its own mode, fee
/// tier, additions or strategy) folds the history on its own, as many at once
/// as the machine has cores; each gives what it gives alone (variants share
/// nothing but the history they read).
public enum BacktestGrid {
    /// `history`: called once per variant, from that variant's thread, with
    /// the function to hand each recorded fact to, in log order; it reads the
    /// history afresh each time (a file or a ledger opened per call). Returns
    /// the variants after `finish`, in their order, or the first error.
    public static func run(_ variants: [Backtest], history: @escaping @Sendable ((Fact) throws -> Void) throws -> Void) throws -> [Backtest] {
        let results = Results(count: variants.count)
        // The dispatcher runs as many iterations at once as there are cores.
        DispatchQueue.concurrentPerform(iterations: variants.count) { index in
            var backtest = variants[index]
            do {
                try history { fact in try backtest.feed(fact) }
                try backtest.finish()
                results.set(index, .success(backtest))
            } catch {
                results.set(index, .failure(error))
            }
        }
        return try results.values()
    }

    /// The variants' outcomes, each written once by its own iteration.
    final class Results: @unchecked Sendable {
        private var slots: [Result<Backtest, any Error>?]
        private let lock = DispatchQueue(label: "poolledger.grid.results")

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Result<Backtest, any Error>) { lock.sync { slots[index] = result } }

        func values() throws -> [Backtest] {
            try lock.sync { try slots.map { try $0!.get() } }
        }
    }

    /// The combinations of a grid's values, each a list of (name, value) in the order the names were given.
    public static func combinations(_ axes: [(name: String, values: [String])]) -> [[(name: String, value: String)]] {
        var combinations: [[(name: String, value: String)]] = [[]]
        for axis in axes {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [(axis.name, $0)] } }
        }
        return combinations
    }
}
