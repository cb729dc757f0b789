import PoolLedger
import PoolMath

/// Turns a constant-product pair's recorded reserves per block, with its
/// recorded mints and burns, into a fact history that reproduces every
/// recorded block's reserves exactly (see Events/README.md for the assumptions).
///
/// Per step from one recorded block to the next:
/// 1. the block's mints, as deposits by `recorded-minter` (surplus stays in the pool);
/// 2. each burn: a swap to a point on the burn's price ray where an integer
///    number of shares pays exactly the recorded amounts pro rata (k raised
///    only as far as the fee-adjusted K check needs), then the withdrawal;
/// 3. a swap to the recorded reserves (in and out netted; when both reserves
///    rose without a mint, one swap paying in both tokens with a 1-wei output).
/// Every fact is folded with every check as it is made; what cannot be
/// explained is reported, never hidden.
public struct RecordedHistory {
    public struct Row: Sendable, Equatable {
        public var block: UInt64
        public var reserve0: UInt256
        public var reserve1: UInt256
    }

    public struct Amounts: Sendable, Equatable {
        public var block: UInt64
        public var amount0: UInt256
        public var amount1: UInt256
    }

    public var pool: String
    public var token0: String
    public var token1: String
    public var decimals0: UInt8
    public var decimals1: UInt8
    public var feePPM: UInt32 = 3000

    public init(pool: String, token0: String, token1: String, decimals0: UInt8, decimals1: UInt8) {
        self.pool = pool
        self.token0 = token0
        self.token1 = token1
        self.decimals0 = decimals0
        self.decimals1 = decimals1
    }

    public struct Result: Sendable {
        public var facts: [Fact]
        /// One line per thing that did not fit or was assumed, with its block.
        public var report: [String]
        public var ledger: Ledger
        /// Blocks whose recorded reserves the history reproduces.
        public var reproducedBlocks: Int
    }

    public static let opener = "opening-balance"
    public static let minter = "recorded-minter"
    public static let trader = "recorded-swaps"

    /// Parses `block,a,b` CSV rows of integers (a header line and quoted fields allowed).
    public static func rows(csv: String, label: String = "CSV") throws -> [Amounts] {
        var rows: [Amounts] = []
        for (index, line) in csv.split(whereSeparator: \.isNewline).enumerated() {
            let columns = line.split(separator: ",").map { $0.trimmingCharacters(in: "\" ") }
            guard columns.count >= 3, let block = UInt64(columns[0]),
                  let a = UInt256(decimal: columns[1]), let b = UInt256(decimal: columns[2]) else {
                if index == 0 { continue }
                throw FixtureError(message: "\(label) line \(index + 1): expected block,a,b with integer fields")
            }
            rows.append(Amounts(block: block, amount0: a, amount1: b))
        }
        return rows
    }

    public func build(reserves: [Amounts], mints: [Amounts], burns: [Amounts]) throws -> Result {
        guard let first = reserves.first else { throw FixtureError(message: "no reserves") }
        var run = Run(history: self)
        try run.fold(Fact(.poolCreated(PoolCreated(pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1, feePPM: feePPM)), block: first.block))
        let outcome = try run.state.mintOutcome(amount0: first.amount0, amount1: first.amount1, feeOn: run.feeOn)
        try run.fold(Fact(.liquidityAdded(LiquidityAdded(pool: pool, provider: Self.opener, amount0: first.amount0, amount1: first.amount1, shares: outcome.shares)), block: first.block))
        run.report.append("block \(first.block): opening balance: \(Self.opener) deposits the recorded reserves \(first.amount0), \(first.amount1) and holds sqrt(k) - 1000 shares (the pair's real share supply is not recorded)")
        var reproduced = 1
        let mintsByBlock = Dictionary(grouping: mints, by: \.block)
        let burnsByBlock = Dictionary(grouping: burns, by: \.block)
        for (previous, row) in zip(reserves, reserves.dropFirst()) {
            if row.block > previous.block + 1 {
                run.report.append("block \(row.block): blocks \(previous.block + 1)...\(row.block - 1) are missing from the record; their change is folded into block \(row.block)")
            }
            let span = (previous.block + 1)...row.block
            let blockMints = span.flatMap { mintsByBlock[$0] ?? [] }
            let blockBurns = span.flatMap { burnsByBlock[$0] ?? [] }
            if try run.step(to: row, mints: blockMints, burns: blockBurns) { reproduced += 1 }
        }
        let outOfRange = (mints + burns).filter { $0.block < first.block || $0.block > reserves.last!.block }.count
        if outOfRange > 0 {
            run.report.append("\(outOfRange) recorded mints and burns lie outside blocks \(first.block)...\(reserves.last!.block) (no reserves recorded there) and are left out")
        }
        return Result(facts: run.facts, report: run.report, ledger: run.ledger, reproducedBlocks: reproduced)
    }

    struct Run {
        let history: RecordedHistory
        var ledger = Ledger()
        var facts: [Fact] = []
        var report: [String] = []
        var block: UInt64 = 0

        init(history: RecordedHistory) { self.history = history }

        /// The pair being rebuilt (created as a constant-product pool first; empty before).
        var state: ConstantProductPool {
            guard case .constantProduct(let pair)? = ledger[history.pool]?.body else { return ConstantProductPool() }
            return pair
        }
        var feeOn: Bool { ledger[history.pool]?.feeOn ?? false }

        mutating func fold(_ fact: Fact) throws {
            try ledger.fold(fact)
            facts.append(fact)
        }

        /// Folds `fact` if the rules accept it; false (and nothing changed) if not.
        mutating func attempt(_ fact: Fact) -> Bool {
            var trial = ledger
            guard (try? trial.fold(fact)) != nil else { return false }
            ledger = trial
            facts.append(fact)
            return true
        }

        /// A swap fact taking the pool from its reserves to (`target0`, `target1`), nil when none can.
        func swap(to target0: UInt256, _ target1: UInt256) -> Fact? {
            let x = state.reserve0, y = state.reserve1
            var body = Swap(pool: history.pool, trader: RecordedHistory.trader)
            switch (target0 >= x, target1 >= y) {
            case (true, true):
                guard target0 != x || target1 != y else { return nil }
                // Both rose (a donation, or a mint's surplus): in both, with the 1-wei output a swap needs.
                body.amount0In = target0 - x
                body.amount1In = target1 - y + 1
                body.amount1Out = 1
            case (true, false):
                body.amount0In = target0 - x
                body.amount1Out = y - target1
            case (false, true):
                body.amount1In = target1 - y
                body.amount0Out = x - target0
            case (false, false):
                return nil
            }
            return Fact(.swap(body), block: block)
        }

        /// One recorded step; true when the block's recorded reserves are reproduced.
        /// Tries mints, burns, then a swap; failing that, the swap first (to the
        /// reserves the mints and burns then lead to the record), then mints and burns.
        mutating func step(to row: Amounts, mints: [Amounts], burns: [Amounts]) throws -> Bool {
            block = row.block
            let saved = (ledger, facts.count, report.count)
            func restore(_ run: inout Run) {
                run.ledger = saved.0
                run.facts.removeLast(run.facts.count - saved.1)
                run.report.removeLast(run.report.count - saved.2)
            }
            if try liquidityFirst(to: row, mints: mints, burns: burns) { return true }
            let failure = report.last
            restore(&self)
            if !mints.isEmpty || !burns.isEmpty, try swapFirst(to: row, mints: mints, burns: burns) {
                report.append("block \(block): ordered swap first, then the block's mints and burns (the other order fails the K check)")
                return true
            }
            restore(&self)
            _ = try liquidityFirst(to: row, mints: mints, burns: burns)
            if let failure, report.last != failure { report.append(failure) }
            return false
        }

        mutating func mint(_ mint: Amounts) throws {
            let outcome = try state.mintOutcome(amount0: mint.amount0, amount1: mint.amount1, feeOn: feeOn)
            try fold(Fact(.liquidityAdded(LiquidityAdded(
                pool: history.pool, provider: RecordedHistory.minter, amount0: mint.amount0, amount1: mint.amount1,
                shares: outcome.shares, protocolFeeShares: outcome.protocolFeeShares.isZero ? nil : outcome.protocolFeeShares)), block: block))
        }

        mutating func liquidityFirst(to row: Amounts, mints: [Amounts], burns: [Amounts]) throws -> Bool {
            for mint in mints { try self.mint(mint) }
            for burn in burns where !place(burn) {
                report.append("block \(block): the burn of \(burn.amount0), \(burn.amount1) cannot be paid pro rata; left out")
            }
            return swapTo(row)
        }

        mutating func swapFirst(to row: Amounts, mints: [Amounts], burns: [Amounts]) throws -> Bool {
            var reserve0 = row.amount0, reserve1 = row.amount1
            for burn in burns { reserve0 += burn.amount0; reserve1 += burn.amount1 }
            for mint in mints {
                guard reserve0 >= mint.amount0, reserve1 >= mint.amount1 else { return false }
                reserve0 -= mint.amount0
                reserve1 -= mint.amount1
            }
            guard swapTo(Amounts(block: row.block, amount0: reserve0, amount1: reserve1)) else { return false }
            for mint in mints { try self.mint(mint) }
            for burn in burns where !place(burn) { return false }
            return state.reserve0 == row.amount0 && state.reserve1 == row.amount1
        }

        /// A swap to the given reserves (none when already there); false, reported, when no valid swap does it.
        mutating func swapTo(_ row: Amounts) -> Bool {
            if state.reserve0 == row.amount0 && state.reserve1 == row.amount1 { return true }
            guard let fact = swap(to: row.amount0, row.amount1), attempt(fact) else {
                report.append("block \(block): no valid swap takes the reserves from \(state.reserve0), \(state.reserve1) to \(row.amount0), \(row.amount1)")
                return false
            }
            if case .swap(let body) = fact.body, !body.amount0In.isZero && !body.amount1In.isZero {
                report.append("block \(block): both reserves rose without a mint (+\(body.amount0In), +\(body.amount1In - 1)); netted as one swap paying in both tokens")
            }
            return true
        }

        /// Burns, at the current state, the fewest shares that pay at least the
        /// recorded amounts, and returns any excess to the pool (one swap paying
        /// in both tokens). The fixture's share supply is not the pair's, so an
        /// exact pro-rata payout rarely exists; the difference is below one
        /// share's worth and is reported.
        mutating func place(_ burn: Amounts) -> Bool {
            let holder = [RecordedHistory.opener, RecordedHistory.minter].max { state.shares(of: $0) < state.shares(of: $1) }!
            let total = state.totalShares
            guard let shares0 = UInt256.mulDivRoundingUp(burn.amount0, total, state.reserve0),
                  let shares1 = UInt256.mulDivRoundingUp(burn.amount1, total, state.reserve1) else { return false }
            let shares = max(shares0, shares1)
            guard let outcome = try? state.burnOutcome(shares: shares, provider: holder, feeOn: feeOn) else { return false }
            let withdrawal = Fact(.liquidityRemoved(LiquidityRemoved(
                pool: history.pool, provider: holder, shares: shares, amount0: outcome.amount0, amount1: outcome.amount1)), block: block)
            let excess0 = outcome.amount0 - burn.amount0, excess1 = outcome.amount1 - burn.amount1
            let checkpoint = (ledger, facts.count)
            guard attempt(withdrawal) else { return false }
            if !excess0.isZero || !excess1.isZero {
                guard let back = swap(to: state.reserve0 + excess0, state.reserve1 + excess1), attempt(back) else {
                    (ledger, _) = checkpoint
                    facts.removeLast(facts.count - checkpoint.1)
                    return false
                }
                report.append("block \(block): burn recorded as \(burn.amount0), \(burn.amount1); the fixture's share supply pays \(outcome.amount0), \(outcome.amount1) for \(shares) shares, and the excess \(excess0), \(excess1) goes back to the pool in one swap paying in both tokens")
            }
            return true
        }
    }
}
