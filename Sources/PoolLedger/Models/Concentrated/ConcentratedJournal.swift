import PoolMath

extension ConcentratedPool {
    /// What folding one fact changed, enough to put the pool back exactly when
    /// the fact is refused after it began changing the pool (by a later check
    /// of the rules or by a law after them): the scalars as they were, and each
    /// tick, bitmap word and position as it was before the fact touched it.
    /// The pool folds in place: a fact costs what it touches, never a copy of
    /// the tick or position tables.
    struct Journal {
        let sqrtPriceX96: UInt256
        let tick: Int32
        let liquidity: UInt128
        let feeGrowthGlobal0X128: UInt256
        let feeGrowthGlobal1X128: UInt256
        let protocolFees0: UInt128
        let protocolFees1: UInt128
        let feeProtocol: UInt8
        let balance0: UInt256
        let balance1: UInt256
        let bookAccounts: LiquidityBook.Accounts
        var bookEdges: [(Int32, LiquidityBook.Edge?)] = []
        var bookMoves: [LiquidityBook.Moved] = []
        var ticks: [(Int32, TickInfo?)] = []
        var words: [(Int16, UInt256?)] = []
        var positions: [(PositionKey, PositionInfo?)] = []
        /// NFT facts: the NFT as it was (the manager itself when it was new), the manager law's account.
        var nft: (manager: String, tokenID: UInt256, token: PositionManager.Token?, managerWasNew: Bool)?
        var managerRange: (PositionKey, UInt256?)?

        init(_ pool: ConcentratedPool) {
            sqrtPriceX96 = pool.sqrtPriceX96
            tick = pool.tick
            liquidity = pool.liquidity
            feeGrowthGlobal0X128 = pool.feeGrowthGlobal0X128
            feeGrowthGlobal1X128 = pool.feeGrowthGlobal1X128
            protocolFees0 = pool.protocolFees0
            protocolFees1 = pool.protocolFees1
            feeProtocol = pool.feeProtocol
            balance0 = pool.balance0
            balance1 = pool.balance1
            bookAccounts = pool.liquidityBook.accounts
        }

        /// A position change touches the position, its two ticks and their bitmap words.
        mutating func record(position key: PositionKey, of pool: ConcentratedPool) {
            for index in [key.tickLower, key.tickUpper] {
                ticks.append((index, pool.ticks[index]))
                bookEdges.append((index, pool.liquidityBook.edges[index]))
                let word = ConcentratedPool.position(index / pool.tickSpacing).word
                words.append((word, pool.tickBitmap[word]))
            }
            positions.append((key, pool.positions[key]))
        }
    }

    /// Puts the pool back as the journal found it (entries in reverse, so an
    /// entry recorded twice ends at its first, oldest value).
    mutating func rollBack(_ journal: Journal) {
        if let nft = journal.nft {
            if nft.managerWasNew { managers[nft.manager] = nil } else { managers[nft.manager]!.restore(nft.token, id: nft.tokenID) }
        }
        if let (key, sum) = journal.managerRange { managerRanges[key] = sum }
        for (key, info) in journal.positions.reversed() { positions[key] = info }
        for (word, bits) in journal.words.reversed() { tickBitmap[word] = bits }
        for (index, info) in journal.ticks.reversed() { ticks[index] = info }
        sqrtPriceX96 = journal.sqrtPriceX96
        tick = journal.tick
        liquidity = journal.liquidity
        feeGrowthGlobal0X128 = journal.feeGrowthGlobal0X128
        feeGrowthGlobal1X128 = journal.feeGrowthGlobal1X128
        protocolFees0 = journal.protocolFees0
        protocolFees1 = journal.protocolFees1
        feeProtocol = journal.feeProtocol
        balance0 = journal.balance0
        balance1 = journal.balance1
        for moved in journal.bookMoves.reversed() { liquidityBook.restoreOutside(moved) }
        for (index, edge) in journal.bookEdges.reversed() { liquidityBook.restore(edge, at: index) }
        liquidityBook.restore(accounts: journal.bookAccounts)
    }
}
