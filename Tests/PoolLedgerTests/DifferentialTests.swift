import BigInt
import PoolLedger
import PoolMath
import PropertyBased
import TestSupport
import Testing

extension BigUInt {
    init(_ value: UInt256) { self = (BigUInt(value.high) << 128) | BigUInt(value.low) }
}

/// PoolLedger against an exact computation written independently in the test
/// (`ReferencePair`, unbounded BigUInt), over random command streams.
@Suite struct DifferentialTests {
    /// Applies a command to the reference model; false when the model reverts.
    static func apply(_ command: Command, to models: inout [String: ReferencePair]) -> Bool {
        if case .createPool(let created) = command.body {
            guard models[created.pool] == nil else { return false }
            models[created.pool] = ReferencePair(feePPM: created.feePPM, feeTo: created.feeTo)
            return true
        }
        guard var trial = models[command.pool] else { return false }
        do {
            switch command.body {
            case .createPool:
                return false
            case .addLiquidity(let c):
                try trial.addLiquidity(provider: c.provider, desired0: BigUInt(c.amount0Desired), desired1: BigUInt(c.amount1Desired),
                                       min0: BigUInt(c.amount0Min), min1: BigUInt(c.amount1Min))
            case .removeLiquidity(let c):
                try trial.removeLiquidity(provider: c.provider, liquidity: BigUInt(c.shares), min0: BigUInt(c.amount0Min), min1: BigUInt(c.amount1Min))
            case .swapExactIn(let c):
                try trial.swapExactIn(zeroForOne: c.tokenIn.hasPrefix("A"), amountIn: BigUInt(c.amountIn), minOut: BigUInt(c.minAmountOut))
            case .swapExactOut(let c):
                try trial.swapExactOut(oneForZero: c.tokenOut.hasPrefix("A"), amountOut: BigUInt(c.amountOut), maxIn: c.maxAmountIn.map(BigUInt.init))
            case .transferShares(let c):
                try trial.transfer(from: c.from, to: c.to, amount: BigUInt(c.shares))
            case .setFeeTo(let c):
                trial.feeTo = c.feeTo
            case .mintPosition, .burnPosition, .collect, .flash, .setFeeProtocol, .collectProtocol,
                 .mintNFTPosition, .increaseLiquidity, .decreaseLiquidity, .collectNFT, .transferNFT, .burnNFT:
                return false
            }
        } catch {
            return false
        }
        models[command.pool] = trial
        return true
    }

    static func differences(_ pool: PoolState, _ model: ReferencePair) -> [String] {
        var found: [String] = []
        if BigUInt(pool.reserve0) != model.reserve0 { found.append("reserve0 \(pool.reserve0) vs \(model.reserve0)") }
        if BigUInt(pool.reserve1) != model.reserve1 { found.append("reserve1 \(pool.reserve1) vs \(model.reserve1)") }
        if BigUInt(pool.totalShares) != model.totalSupply { found.append("total_shares \(pool.totalShares) vs \(model.totalSupply)") }
        if BigUInt(pool.kLast) != model.kLast { found.append("k_last \(pool.kLast) vs \(model.kLast)") }
        let modelShares = model.balanceOf.filter { $0.value != 0 }
        if pool.shares.count != modelShares.count { found.append("owners \(pool.shares.count) vs \(modelShares.count)") }
        for (owner, shares) in modelShares where BigUInt(pool.shares(of: owner)) != shares {
            found.append("shares of \(owner) \(pool.shares(of: owner)) vs \(shares)")
        }
        return found
    }

    /// >= 100,000 random commands (20 seeds x 5,000 plus the pool creations):
    /// every command is accepted or rejected alike, and after each accepted one
    /// reserves, every owner's shares, total shares and k_last are equal to the wei.
    @Test(arguments: 0..<20)
    func matchesIndependentBigIntModel(seed: UInt64) throws {
        var history = RandomHistory(seed: 0xD1FF_0000 + seed)
        var ledger = Ledger()
        var models: [String: ReferencePair] = [:]
        var accepted = 0, rejected = 0
        let creations = history.creations()
        for index in 0..<(creations.count + 5_000) {
            let command = index < creations.count ? creations[index] : history.next(in: ledger)
            let modelAccepts = Self.apply(command, to: &models)
            let ledgerAccepts: Bool
            do {
                try ledger.execute(command)
                ledgerAccepts = true
            } catch {
                ledgerAccepts = false
            }
            guard modelAccepts == ledgerAccepts else {
                Issue.record("seed \(seed) command \(index) \(command): model accepts \(modelAccepts), ledger accepts \(ledgerAccepts)")
                return
            }
            if ledgerAccepts {
                accepted += 1
                let found = Self.differences(ledger[command.pool]!, models[command.pool]!)
                guard found.isEmpty else {
                    Issue.record("seed \(seed) command \(index) \(command): \(found.joined(separator: "; "))")
                    return
                }
            } else {
                rejected += 1
            }
        }
        // The stream must exercise both outcomes substantially.
        #expect(accepted > 2_500)
        #expect(rejected > 100)
    }
}

/// Laws over random command streams: invariants after every step, and folding
/// the decided facts from scratch (directly, and through their JSON Lines)
/// reproduces every pool's state hash.
@Suite struct CommandStreamPropertyTests {
    @Test func invariantsHoldAndFactsRefoldToTheSameState() async {
        await propertyCheck(count: 25, input: Gen.uint64()) { seed in
            var history = RandomHistory(seed: seed)
            var ledger = Ledger()
            var facts: [Fact] = []
            do {
                for command in history.creations() { facts += try ledger.execute(command) }
            } catch {
                Issue.record("seed \(seed): creating the pools failed: \(error)")
                return
            }
            for _ in 0..<400 {
                let command = history.next(in: ledger)
                let decided: [Fact]
                do {
                    decided = try ledger.execute(command)
                } catch let rejection as Rejection {
                    // Rejections are expected; an invariant failure is not.
                    if case .invariant = rejection.rule { Issue.record("seed \(seed): \(rejection)") }
                    continue
                } catch {
                    Issue.record("seed \(seed): unexpected \(error)")
                    continue
                }
                facts += decided
                let pool = ledger[command.pool]!
                // Independently of Invariants: owners' shares sum to the total, reserves fit uint112.
                let sum = pool.shares.values.reduce(BigUInt(0)) { $0 + BigUInt($1) }
                #expect(sum == BigUInt(pool.totalShares))
                #expect(pool.reserve0 <= ConstantProduct.maxReserve && pool.reserve1 <= ConstantProduct.maxReserve)
                if !pool.totalShares.isZero { #expect(pool.shares(of: zeroAddress) >= 1000) }
            }

            var refolded = Ledger()
            var fromJSON = LineFold()
            do {
                for (index, fact) in facts.enumerated() {
                    try refolded.fold(fact)
                    try fromJSON.fold(line: ContractCodec.line(fact), lineNumber: index + 1)
                }
            } catch {
                Issue.record("seed \(seed): refolding decided facts failed: \(error)")
                return
            }
            for pool in ledger.poolIDs {
                #expect(StateHash.hash(refolded[pool]!) == StateHash.hash(ledger[pool]!))
                #expect(StateHash.hash(fromJSON.ledger[pool]!) == StateHash.hash(ledger[pool]!))
                #expect(refolded[pool]!.seq == ledger[pool]!.seq)
            }
        }
    }
}
