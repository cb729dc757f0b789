import PoolLedger

/// The commands a recorded V3 position's facts stand for (its mints, burns
/// and collects), each placed right after its own fact: what a leave-one-out
/// backtest adds back after removing the position.
public func placedBack(_ key: ConcentratedPool.PositionKey, in facts: [Fact]) -> [Backtest.Addition] {
    var additions: [Backtest.Addition] = []
    for (index, fact) in facts.enumerated() {
        let body: CommandBody
        switch fact.body {
        case .positionMinted(let f) where f.key == key:
            body = .mintPosition(MintPosition(pool: f.pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity))
        case .positionBurned(let f) where f.key == key:
            body = .burnPosition(BurnPosition(pool: f.pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: f.liquidity))
        case .feesCollected(let f) where f.key == key:
            body = .collect(CollectFees(pool: f.pool, owner: f.owner, tickLower: f.tickLower, tickUpper: f.tickUpper, amount0Max: f.amount0, amount1Max: f.amount1))
        default:
            continue
        }
        additions.append(Backtest.Addition(place: .after(fact.id!), command: Command(body), line: index + 1))
    }
    return additions
}

/// Every position a history mints, in the order first minted.
public func mintedPositions(_ facts: [Fact]) -> [ConcentratedPool.PositionKey] {
    var keys: [ConcentratedPool.PositionKey] = []
    for fact in facts {
        if case .positionMinted(let f) = fact.body, !keys.contains(f.key) { keys.append(f.key) }
    }
    return keys
}

/// The commands a recorded V2 provider's facts stand for (its deposits as the
/// pair's mint of the same amounts, its withdrawals, its transfers of shares
/// either way), each placed right after its own fact.
public func placedBack(provider: String, in facts: [Fact]) -> [Backtest.Addition] {
    var additions: [Backtest.Addition] = []
    for (index, fact) in facts.enumerated() {
        let body: CommandBody
        switch fact.body {
        case .liquidityAdded(let f) where f.provider == provider:
            body = .addLiquidity(AddLiquidity(pool: f.pool, provider: provider, amount0Desired: f.amount0, amount1Desired: f.amount1, exactAmounts: true))
        case .liquidityRemoved(let f) where f.provider == provider:
            body = .removeLiquidity(RemoveLiquidity(pool: f.pool, provider: provider, shares: f.shares))
        case .sharesTransferred(let f) where f.from == provider || f.to == provider:
            body = .transferShares(f)
        default:
            continue
        }
        additions.append(Backtest.Addition(place: .after(fact.id!), command: Command(body), line: index + 1))
    }
    return additions
}
