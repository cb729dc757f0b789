import BigInt
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// Backtests of generated constant-product (V2) histories: every provider
/// left out and put back as the commands its facts stand for gives the
/// recorded pool bit for bit and the recorded provider's audit; a provider
/// added to a history keeps the recorded reserves' ratio after every swap
/// in price-path (checked with BigInt, from the ratio's definition).
@Suite struct PairBacktestTests {
    /// One pool's accepted facts of a random history, each with an id.
    static func history(seed: UInt64, commands: Int = 400) throws -> [Fact] {
        var generator = RandomHistory(seed: seed, poolCount: 1)
        var ledger = Ledger()
        var facts: [Fact] = []
        for command in generator.creations() { facts += try ledger.execute(command) }
        for _ in 0..<commands {
            do { facts += try ledger.execute(generator.next(in: ledger)) } catch {
                // A refused command is no part of the history.
            }
        }
        return facts.enumerated().map { index, fact in
            var fact = fact
            fact.id = "f\(index + 1)"
            return fact
        }
    }

    @Test(arguments: [Backtest.Mode.pricePath, .exactInput])
    func everyProviderLeftOutAndPutBackIsExact(mode: Backtest.Mode) throws {
        var checked = 0, withWithdrawals = 0
        for seed in UInt64(1)...12 {
            let facts = try Self.history(seed: seed)
            let pool = facts[0].pool
            for provider in RandomHistory.providers {
                let additions = placedBack(provider: provider, in: facts)
                guard !additions.isEmpty else { continue }
                var backtest = Backtest(pool: pool, mode: mode, additions: additions, removals: [.provider(provider)])
                for fact in facts { try backtest.feed(fact) }
                try backtest.finish()
                let outcome = try backtest.outcome()
                #expect(outcome.changedHash == outcome.baselineHash, "seed \(seed) \(provider)")
                #expect(backtest.repriced == 0 && backtest.redecided == 0, "seed \(seed) \(provider)")
                let recorded = try #require(outcome.baselinePairAudit?.providers.first { $0.provider == provider })
                let added = try #require(outcome.addedProviders.first { $0.provider == provider })
                #expect(added == recorded, "seed \(seed) \(provider)")
                #expect(backtest.changedFigures[.provider(provider)] == backtest.baselineFigures[.provider(provider)], "seed \(seed) \(provider)")
                #expect(backtest.changedFigures[.provider(provider)]?.capital.isZero == false, "seed \(seed) \(provider)")
                checked += 1
                if additions.contains(where: { if case .removeLiquidity = $0.command.body { true } else { false } }) { withWithdrawals += 1 }
            }
        }
        #expect(checked >= 40 && withWithdrawals >= 20, "\(checked) providers, \(withWithdrawals) with withdrawals")
    }

    /// A provider added at the start, with as much again as the first
    /// deposit: in price-path every recorded swap is re-run, and after each
    /// the changed pool's ratio out/in has not passed the recorded one while
    /// one more unit of input would have (BigInt, the router's getAmountOut
    /// written here from UniswapV2Library); the other providers' later facts
    /// are re-decided, and conservation holds (the audit's claims within the reserves).
    @Test func anAddedProviderKeepsTheRecordedRatios() throws {
        let facts = try Self.history(seed: 7, commands: 300)
        let pool = facts[0].pool
        let firstDeposit = try #require(facts.lazy.compactMap { fact -> LiquidityAdded? in
            if case .liquidityAdded(let f) = fact.body { return f } else { return nil }
        }.first)
        let mint = Command(.addLiquidity(AddLiquidity(pool: pool, provider: "me", amount0Desired: firstDeposit.amount0, amount1Desired: firstDeposit.amount1)))
        let placeID = try #require(facts.first { if case .liquidityAdded = $0.body { true } else { false } }?.id)
        var backtest = Backtest(pool: pool, mode: .pricePath, additions: [Backtest.Addition(place: .after(placeID), command: mint, line: 1)], removals: [])
        var checkedSwaps = 0
        for fact in facts {
            var before: (BigUInt, BigUInt)?
            if case .constantProduct(let pair)? = backtest.changed[pool]?.body { before = (BigUInt(pair.reserve0.description)!, BigUInt(pair.reserve1.description)!) }
            try backtest.feed(fact)
            guard case .swap(let swap) = fact.body, let (x0, y0) = before,
                  case .constantProduct(let changed)? = backtest.changed[pool]?.body,
                  case .constantProduct(let recorded)? = backtest.baseline[pool]?.body, fact.id != placeID else { continue }
            let zeroForOne = !swap.amount0In.isZero
            let (x, y) = (BigUInt(changed.reserve0.description)!, BigUInt(changed.reserve1.description)!)
            let (rx, ry) = (BigUInt(recorded.reserve0.description)!, BigUInt(recorded.reserve1.description)!)
            // Oriented in/out: before, after, and the recorded ratio's terms.
            let (inBefore, outBefore) = zeroForOne ? (x0, y0) : (y0, x0)
            let (inAfter, outAfter) = zeroForOne ? (x, y) : (y, x)
            let (targetIn, targetOut) = zeroForOne ? (rx, ry) : (ry, rx)
            let paid = inAfter - inBefore
            if paid == 0 { continue }  // already at the ratio: nothing traded
            // Not past the recorded ratio: outAfter / inAfter >= targetOut / targetIn.
            #expect(outAfter * targetIn >= targetOut * inAfter, "fact \(fact.id!)")
            // One more unit would have passed it.
            let fee = BigUInt(1_000_000 - UInt64(backtest.changed[pool]!.feePPM))
            let more = paid + 1
            let out = more * fee * outBefore / (inBefore * 1_000_000 + more * fee)
            #expect((outBefore - out) * targetIn < targetOut * (inBefore + more), "fact \(fact.id!)")
            checkedSwaps += 1
        }
        try backtest.finish()
        let outcome = try backtest.outcome()
        #expect(checkedSwaps > 50)
        #expect(backtest.repriced > 50 && backtest.redecided > 0)
        let audit = try #require(outcome.pairAudit)
        #expect(audit.conservation.claimed0 <= audit.conservation.reserve0 && audit.conservation.claimed1 <= audit.conservation.reserve1)
        #expect(outcome.addedProviders.map(\.provider) == ["me"])
    }

    @Test func proRataRefusesAConstantProductPool() throws {
        let facts = try Self.history(seed: 3, commands: 20)
        var backtest = Backtest(pool: facts[0].pool, mode: .proRata, additions: [], removals: [])
        #expect(throws: BacktestError.self) { for fact in facts { try backtest.feed(fact) } }
    }
}
