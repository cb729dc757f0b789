import PoolMath

/// The `nft_*` facts: each folds the pool's half of the manager call with the
/// pool model (as `position_minted`, `position_burned` and `fees_collected`
/// fold) and then the NFT's half with `PositionManager`, reading the pool
/// position's fee growth inside just after the pool call, as the manager does.
/// Every difference between the two halves is refused, naming the pool log
/// and the manager's; the journal puts both back.
extension ConcentratedPool {
    mutating func foldNFT(_ body: FactBody, journal: inout Journal) throws(Rejection) {
        switch body {
        case .nftMinted(let f):
            guard let holder = f.holder, holder != zeroAddress else {
                throw Rejection(.invalidField, "nft_minted of token id \(f.tokenID): the holder must be an address other than the zero address (ERC721: mint to the zero address)")
            }
            beginNFT(f.manager, f.tokenID, &journal)
            try foldMint(f.poolChange, journal: &journal)
            let growth = insideGrowth(f.poolPosition)
            let liquidity = try Self.v3Call { () throws(V3MathError) in try Self.liquidity(f.liquidity) }
            try managers[f.manager, default: PositionManager()].mint(
                tokenID: f.tokenID, holder: holder, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: liquidity,
                growthInside0: growth.0, growthInside1: growth.1)
            try addManagerRange(f.poolPosition, f.liquidity, subtract: false, &journal)
        case .nftLiquidityIncreased(let f):
            _ = try heldToken(f.manager, f.tokenID, range: (f.tickLower, f.tickUpper), poolLog: f.poolLog, event: "Mint")
            beginNFT(f.manager, f.tokenID, &journal)
            try foldMint(f.poolChange, journal: &journal)
            let growth = insideGrowth(f.poolPosition)
            let liquidity = try Self.v3Call { () throws(V3MathError) in try Self.liquidity(f.liquidity) }
            try managers[f.manager]!.increaseLiquidity(tokenID: f.tokenID, liquidity: liquidity, growthInside0: growth.0, growthInside1: growth.1)
            try addManagerRange(f.poolPosition, f.liquidity, subtract: false, &journal)
        case .nftLiquidityDecreased(let f):
            let token = try heldToken(f.manager, f.tokenID, range: (f.tickLower, f.tickUpper), poolLog: f.poolLog, event: "Burn")
            let liquidity = try Self.v3Call { () throws(V3MathError) in try Self.liquidity(f.liquidity) }
            // The manager's own require, before the pool's burn could take another NFT's liquidity.
            guard liquidity > 0, token.liquidity >= liquidity else {
                throw Rejection(.concentrated("NPM_LIQUIDITY"), "token id \(f.tokenID) holds \(token.liquidity) liquidity: a decrease of \(f.liquidity) is refused")
            }
            beginNFT(f.manager, f.tokenID, &journal)
            try foldBurn(f.poolChange, journal: &journal)
            let growth = insideGrowth(f.poolPosition)
            try managers[f.manager]!.decreaseLiquidity(
                tokenID: f.tokenID, liquidity: liquidity, amount0: f.amount0, amount1: f.amount1, growthInside0: growth.0, growthInside1: growth.1)
            try addManagerRange(f.poolPosition, f.liquidity, subtract: true, &journal)
        case .nftCollected(let f):
            try foldNFTCollect(f, journal: &journal)
        case .nftTransferred(let f):
            guard f.to != zeroAddress else {
                throw Rejection(.invalidField, "nft_transferred of token id \(f.tokenID) to the zero address: a transfer to it is nft_burned")
            }
            _ = try heldToken(f.manager, f.tokenID, range: nil, poolLog: nil, event: "Transfer")
            beginNFT(f.manager, f.tokenID, &journal)
            try managers[f.manager]!.transfer(tokenID: f.tokenID, from: f.from, to: f.to)
        case .nftBurned(let f):
            let token = try heldToken(f.manager, f.tokenID, range: nil, poolLog: nil, event: "Transfer")
            guard token.holder == f.from else {
                throw Rejection(.concentrated("NPM_NOT_HOLDER"), "token id \(f.tokenID) is held by \(token.holder), not \(f.from)")
            }
            beginNFT(f.manager, f.tokenID, &journal)
            try managers[f.manager]!.burn(tokenID: f.tokenID)
        default:
            preconditionFailure("foldNFT takes the nft_* facts only")
        }
    }

    /// The manager's collect: a poke of the pool position (a burn of 0) while
    /// the NFT holds liquidity, the NFT's fees settled and exactly the stated
    /// amounts taken from its tokens owed, then the pool's collect of those
    /// amounts, which pays what its position holds of them.
    mutating func foldNFTCollect(_ f: NFTCollected, journal: inout Journal) throws(Rejection) {
        let token = try heldToken(f.manager, f.tokenID, range: (f.tickLower, f.tickUpper), poolLog: f.poolLog, event: "Collect")
        guard f.amount0.high == 0, f.amount1.high == 0 else {
            throw Rejection(.invalidAmount, "nft_collected of token id \(f.tokenID): amounts \(f.amount0), \(f.amount1) exceed uint128")
        }
        beginNFT(f.manager, f.tokenID, &journal)
        var growth: (UInt256, UInt256)?
        if token.liquidity > 0 {
            try foldBurn(PositionChanged(pool: f.pool, owner: f.manager, tickLower: f.tickLower, tickUpper: f.tickUpper, liquidity: .zero, amount0: .zero, amount1: .zero), journal: &journal)
            growth = insideGrowth(f.poolPosition)
        }
        try managers[f.manager]!.collectExactly(
            tokenID: f.tokenID, amount0: f.amount0.low, amount1: f.amount1.low, growthInside0: growth?.0, growthInside1: growth?.1)
        let owed = positions[f.poolPosition]
        let pays0 = min(f.amount0, UInt256(high: 0, low: owed?.tokensOwed0 ?? 0))
        let pays1 = min(f.amount1, UInt256(high: 0, low: owed?.tokensOwed1 ?? 0))
        guard f.poolAmount0 == pays0, f.poolAmount1 == pays1 else {
            throw Rejection(.managerLogMismatch, "the manager's Collect\(Self.logName(nil)) of token id \(f.tokenID) asks the pool for \(f.amount0), \(f.amount1); the pool's Collect\(Self.logName(f.poolLog)) states \(f.poolAmount0), \(f.poolAmount1), but the manager's position holds \(owed?.tokensOwed0 ?? 0), \(owed?.tokensOwed1 ?? 0), so it pays \(pays0), \(pays1)")
        }
        try foldCollect(owner: f.manager, tickLower: f.tickLower, tickUpper: f.tickUpper, amount0: f.poolAmount0, amount1: f.poolAmount1, journal: &journal)
    }

    /// The NFT a fact names, held by its manager in this pool, in the range the pool's log names.
    func heldToken(_ manager: String, _ tokenID: UInt256, range: (Int32, Int32)?, poolLog: String?, event: String) throws(Rejection) -> PositionManager.Token {
        guard let book = managers[manager] else {
            throw Rejection(.concentrated("NPM_INVALID_TOKEN_ID"), "no token id \(tokenID) of manager \(manager) in this pool")
        }
        let token = try book.token(tokenID)
        if let (lower, upper) = range, token.tickLower != lower || token.tickUpper != upper {
            throw Rejection(.managerLogMismatch, "token id \(tokenID) of manager \(manager) is in range \(token.tickLower)...\(token.tickUpper), but the pool's \(event)\(Self.logName(poolLog)) is in \(lower)...\(upper)")
        }
        return token
    }

    /// ` (log ID)` when the log is known.
    static func logName(_ id: String?) -> String { id.map { " (log \($0))" } ?? "" }

    /// The pool position's fee growth inside as its last touch left it (what the manager reads back).
    func insideGrowth(_ key: PositionKey) -> (UInt256, UInt256) {
        let info = positions[key]
        return (info?.feeGrowthInside0LastX128 ?? .zero, info?.feeGrowthInside1LastX128 ?? .zero)
    }

    mutating func beginNFT(_ manager: String, _ tokenID: UInt256, _ journal: inout Journal) {
        journal.nft = (manager, tokenID, managers[manager]?.tokens[tokenID], managers[manager] == nil)
    }

    mutating func addManagerRange(_ key: PositionKey, _ liquidity: UInt256, subtract: Bool, _ journal: inout Journal) throws(Rejection) {
        let before = managerRanges[key]
        journal.managerRange = (key, before)
        let sum = before ?? .zero
        // The pool's own checks bound both: a position's liquidity fits uint128.
        let next = subtract ? sum &- liquidity : sum &+ liquidity
        managerRanges[key] = next.isZero ? nil : next
        try checkManagerRange(key)
    }

    /// The manager law for one range: the manager's position in the pool holds
    /// exactly the liquidity of its NFTs there. An address that holds no NFT
    /// here is no manager of this pool: its positions are its own.
    func checkManagerRange(_ key: PositionKey) throws(Rejection) {
        guard managers[key.owner] != nil else { return }
        let pooled = UInt256(high: 0, low: positions[key]?.liquidity ?? 0)
        let nfts = managerRanges[key] ?? .zero
        guard pooled == nfts else {
            throw Rejection(.managerPositions, "manager \(key.owner)'s position in \(key.tickLower)...\(key.tickUpper) holds \(pooled) liquidity, but its NFTs there hold \(nfts)")
        }
    }

    /// Restored NFTs (a snapshot): the manager law's account recomputed from them; whether it matches the pool is the law's to say.
    mutating func restoreManagers(_ restored: [String: PositionManager]) {
        managers = restored
        managerRanges = Self.nftLiquidity(restored)
    }

    /// The managers' NFTs' liquidity summed by (manager, range), from the NFTs themselves.
    static func nftLiquidity(_ managers: [String: PositionManager]) -> [PositionKey: UInt256] {
        var sums: [PositionKey: UInt256] = [:]
        for (manager, book) in managers {
            for token in book.tokens.values where token.liquidity > 0 {
                sums[PositionKey(owner: manager, tickLower: token.tickLower, tickUpper: token.tickUpper), default: .zero] += UInt256(high: 0, low: token.liquidity)
            }
        }
        return sums
    }

    /// The manager law over every range, the running account against its
    /// recomputation from the NFTs (snapshots, `verify`, `replay`).
    func checkManagerRanges() throws(Rejection) {
        let sums = Self.nftLiquidity(managers)
        guard sums == managerRanges else {
            throw Rejection(.runningSum, "the manager law's running account (\(managerRanges.count) ranges) differs from the NFTs' liquidity summed by range (\(sums.count) ranges)")
        }
        for key in positions.keys.sorted() where managers[key.owner] != nil { try checkManagerRange(key) }
        for key in sums.keys.sorted() { try checkManagerRange(key) }
    }
}

extension NFTLiquidityChanged {
    /// The pool's half: the manager's Mint or Burn in the NFT's range.
    var poolChange: PositionChanged {
        PositionChanged(pool: pool, owner: manager, tickLower: tickLower, tickUpper: tickUpper, liquidity: liquidity, amount0: amount0, amount1: amount1)
    }
}
