import PoolMath

/// The NFT commands, decided with the manager's semantics (v3-periphery
/// `NonfungiblePositionManager`): `mint` and `increaseLiquidity` take what the
/// pool's mint takes within the maxima, `decreaseLiquidity` must release at
/// least the minima, `collect` takes min(max, owed) from the NFT's tokens
/// owed after crediting its fees, and the pool pays what its position holds
/// of that. The fact carries every outcome; folding it re-checks all of it.
extension ConcentratedPool {
    func decideNFT(_ body: CommandBody) throws(Rejection) -> FactBody? {
        var v3 = self
        switch body {
        case .mintNFTPosition(let mint):
            let tokenID = mint.tokenID ?? ((managers[mint.manager]?.highestTokenID ?? .zero) + .one)
            let amounts = try v3.mintAmounts(owner: mint.manager, mint.tickLower, mint.tickUpper, mint.liquidity, mint.amount0Max, mint.amount1Max)
            return .nftMinted(NFTLiquidityChanged(
                pool: mint.pool, manager: mint.manager, tokenID: tokenID, holder: mint.holder, tickLower: mint.tickLower, tickUpper: mint.tickUpper,
                liquidity: mint.liquidity, amount0: amounts.amount0, amount1: amounts.amount1))
        case .increaseLiquidity(let change):
            let (manager, token) = try commandToken(change.manager, change.tokenID)
            let amounts = try v3.mintAmounts(owner: manager, token.tickLower, token.tickUpper, change.liquidity, change.amount0Limit, change.amount1Limit)
            return .nftLiquidityIncreased(NFTLiquidityChanged(
                pool: change.pool, manager: manager, tokenID: change.tokenID, tickLower: token.tickLower, tickUpper: token.tickUpper,
                liquidity: change.liquidity, amount0: amounts.amount0, amount1: amounts.amount1))
        case .decreaseLiquidity(let change):
            let (manager, token) = try commandToken(change.manager, change.tokenID)
            guard !change.liquidity.isZero, UInt256(high: 0, low: token.liquidity) >= change.liquidity else {
                throw Rejection(.concentrated("NPM_LIQUIDITY"), "token id \(change.tokenID) holds \(token.liquidity) liquidity: a decrease of \(change.liquidity) is refused")
            }
            let amounts = try v3.burnAmounts(owner: manager, token.tickLower, token.tickUpper, change.liquidity, change.amount0Limit ?? .zero, change.amount1Limit ?? .zero)
            return .nftLiquidityDecreased(NFTLiquidityChanged(
                pool: change.pool, manager: manager, tokenID: change.tokenID, tickLower: token.tickLower, tickUpper: token.tickUpper,
                liquidity: change.liquidity, amount0: amounts.amount0, amount1: amounts.amount1))
        case .collectNFT(let collect):
            let (manager, token) = try commandToken(collect.manager, collect.tokenID)
            let max0 = collect.amount0Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let max1 = collect.amount1Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max
            let key = PositionKey(owner: manager, tickLower: token.tickLower, tickUpper: token.tickUpper)
            var growth: (UInt256, UInt256)?
            if token.liquidity > 0 {
                // The manager's poke: a burn of 0 credits the pool position's fees; its growth inside is then read.
                _ = try Self.v3Call { () throws(V3MathError) in try v3.burn(owner: manager, tickLower: token.tickLower, tickUpper: token.tickUpper, amount: 0) }
                growth = v3.insideGrowth(key)
            }
            // The manager's own collect, on a copy: what it takes is what its Collect states.
            var book = managers[manager]!
            let (amount0, amount1) = try book.collect(tokenID: collect.tokenID, amount0Max: max0, amount1Max: max1, growthInside0: growth?.0, growthInside1: growth?.1)
            let pool = v3.positions[key]
            return .nftCollected(NFTCollected(
                pool: collect.pool, manager: manager, tokenID: collect.tokenID, tickLower: token.tickLower, tickUpper: token.tickUpper,
                recipient: collect.recipient ?? token.holder,
                amount0: UInt256(high: 0, low: amount0), amount1: UInt256(high: 0, low: amount1),
                poolAmount0: UInt256(high: 0, low: min(amount0, pool?.tokensOwed0 ?? 0)),
                poolAmount1: UInt256(high: 0, low: min(amount1, pool?.tokensOwed1 ?? 0))))
        case .transferNFT(let move):
            let (manager, token) = try commandToken(move.manager, move.tokenID)
            return .nftTransferred(NFTTransferred(pool: move.pool, manager: manager, tokenID: move.tokenID, from: move.from ?? token.holder, to: move.to))
        case .burnNFT(let move):
            let (manager, token) = try commandToken(move.manager, move.tokenID)
            return .nftBurned(NFTTransferred(pool: move.pool, manager: manager, tokenID: move.tokenID, from: move.from ?? token.holder, to: zeroAddress))
        default:
            return nil
        }
    }

    /// What a mint by `owner` takes, within the maxima.
    mutating func mintAmounts(owner: String, _ lower: Int32, _ upper: Int32, _ liquidity: UInt256, _ max0: UInt256?, _ max1: UInt256?) throws(Rejection) -> (amount0: UInt256, amount1: UInt256) {
        let amounts = try Self.v3Call { () throws(V3MathError) in
            try self.mint(owner: owner, tickLower: lower, tickUpper: upper, amount: try Self.liquidity(liquidity))
        }
        if let max = max0, amounts.amount0 > max {
            throw Rejection(.excessiveInputAmount, "minting \(liquidity) in \(lower)...\(upper) takes \(amounts.amount0) of token0, above amount0_max \(max)")
        }
        if let max = max1, amounts.amount1 > max {
            throw Rejection(.excessiveInputAmount, "minting \(liquidity) in \(lower)...\(upper) takes \(amounts.amount1) of token1, above amount1_max \(max)")
        }
        return (amounts.amount0, amounts.amount1)
    }

    /// What a burn by `owner` releases, at least the minima.
    mutating func burnAmounts(owner: String, _ lower: Int32, _ upper: Int32, _ liquidity: UInt256, _ min0: UInt256, _ min1: UInt256) throws(Rejection) -> (amount0: UInt256, amount1: UInt256) {
        let amounts = try Self.v3Call { () throws(V3MathError) in
            try self.burn(owner: owner, tickLower: lower, tickUpper: upper, amount: try Self.liquidity(liquidity))
        }
        guard amounts.amount0 >= min0 else {
            throw Rejection(.insufficientAAmount, "burning \(liquidity) releases \(amounts.amount0) of token0, below amount0_min \(min0)")
        }
        guard amounts.amount1 >= min1 else {
            throw Rejection(.insufficientBAmount, "burning \(liquidity) releases \(amounts.amount1) of token1, below amount1_min \(min1)")
        }
        return (amounts.amount0, amounts.amount1)
    }

    /// The NFT a command names: of its `manager`, or of the one manager in this pool holding the id.
    func commandToken(_ manager: String?, _ tokenID: UInt256) throws(Rejection) -> (String, PositionManager.Token) {
        if let manager { return (manager, try heldToken(manager, tokenID, range: nil, poolLog: nil, event: "")) }
        let holding = managers.keys.sorted(by: utf8Less).filter { managers[$0]!.tokens[tokenID] != nil }
        guard let manager = holding.first else { throw Rejection(.concentrated("NPM_INVALID_TOKEN_ID"), "no token id \(tokenID) in this pool") }
        guard holding.count == 1 else {
            throw Rejection(.missingField, "token id \(tokenID) is held by \(holding.count) managers in this pool (\(holding.joined(separator: ", "))): give \"manager\"")
        }
        return (manager, managers[manager]!.tokens[tokenID]!)
    }
}
