import PoolMath

/// Uniswap/v3-periphery `NonfungiblePositionManager` (v1.0.0): the positions
/// it keeps per NFT, as it keeps them. In the pool the manager holds one
/// position per range (its own address as owner); each NFT is a share of it
/// with its own liquidity, fee checkpoints and tokens owed, which the
/// manager settles from the pool position's fee growth inside at every touch:
///
///     tokensOwed += uint128(mulDiv(feeGrowthInsideNow - feeGrowthInsideLast, liquidity, 2^128))
///
/// in Solidity 0.7 arithmetic: the fee growth difference wraps modulo 2^256,
/// the cast keeps the low 128 bits and the uint128 sums wrap. Each method
/// takes what the manager reads from the pool just after its pool call (the
/// pool position's `feeGrowthInside{0,1}LastX128`), so the pool's own
/// accounting stays the pool model's. A refused call changes nothing.
public struct PositionManager: Sendable, Equatable {
    public struct Token: Sendable, Equatable {
        /// The NFT's holder (its ERC-721 owner).
        public var holder: String
        public var tickLower: Int32
        public var tickUpper: Int32
        public var liquidity: UInt128
        public var feeGrowthInside0LastX128: UInt256
        public var feeGrowthInside1LastX128: UInt256
        public var tokensOwed0: UInt128
        public var tokensOwed1: UInt128
    }

    public private(set) var tokens: [UInt256: Token] = [:]

    public init() {}

    /// `mint`, after the pool's mint: the new NFT's checkpoints are the pool
    /// position's fee growth inside now, nothing owed.
    public mutating func mint(
        tokenID: UInt256, holder: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt128,
        growthInside0: UInt256, growthInside1: UInt256
    ) throws(Rejection) {
        guard tokens[tokenID] == nil else { throw Self.refusal("TOKEN_EXISTS", "token id \(tokenID) is minted already") }
        // The pool's mint requires amount > 0 (the manager passes it through).
        guard liquidity > 0 else { throw Self.refusal("ZERO_LIQUIDITY", "token id \(tokenID): a mint of 0 liquidity") }
        tokens[tokenID] = Token(
            holder: holder, tickLower: tickLower, tickUpper: tickUpper, liquidity: liquidity,
            feeGrowthInside0LastX128: growthInside0, feeGrowthInside1LastX128: growthInside1, tokensOwed0: 0, tokensOwed1: 0)
    }

    /// `increaseLiquidity`, after the pool's mint of `liquidity`: the fees the
    /// NFT's old liquidity earned since its checkpoint are owed, then it grows.
    public mutating func increaseLiquidity(tokenID: UInt256, liquidity: UInt128, growthInside0: UInt256, growthInside1: UInt256) throws(Rejection) {
        var token = try self.token(tokenID)
        guard liquidity > 0 else { throw Self.refusal("ZERO_LIQUIDITY", "token id \(tokenID): an increase of 0 liquidity") }
        Self.settle(&token, growthInside0, growthInside1)
        // `position.liquidity += liquidity` (uint128, wrapping in 0.7; the pool's own addDelta would have refused past 2^128 - 1 first).
        token.liquidity = token.liquidity &+ liquidity
        tokens[tokenID] = token
    }

    /// `decreaseLiquidity`, after the pool's burn of `liquidity` released
    /// `amount0`/`amount1` into the manager's tokens owed: they are owed to the
    /// NFT, with the fees its whole liquidity earned since its checkpoint.
    public mutating func decreaseLiquidity(
        tokenID: UInt256, liquidity: UInt128, amount0: UInt256, amount1: UInt256, growthInside0: UInt256, growthInside1: UInt256
    ) throws(Rejection) {
        var token = try self.token(tokenID)
        // require(params.liquidity > 0); require(positionLiquidity >= params.liquidity)
        guard liquidity > 0 else { throw Self.refusal("ZERO_LIQUIDITY", "token id \(tokenID): a decrease of 0 liquidity") }
        guard token.liquidity >= liquidity else {
            throw Self.refusal("LIQUIDITY", "token id \(tokenID) holds \(token.liquidity) liquidity, not the \(liquidity) decreased")
        }
        // tokensOwed += uint128(amount) + uint128(mulDiv(...)): each term cast, the
        // sums wrapping (so in either order); the fees on the liquidity before the decrease.
        token.tokensOwed0 = token.tokensOwed0 &+ amount0.low
        token.tokensOwed1 = token.tokensOwed1 &+ amount1.low
        Self.settle(&token, growthInside0, growthInside1)
        token.liquidity -= liquidity
        tokens[tokenID] = token
    }

    /// `collect` with the caller's maxima: with liquidity, the manager pokes
    /// the pool (a burn of 0) and settles the fees since the checkpoint (nil
    /// growth: the NFT has none, nothing is read); it asks the pool for at
    /// most what the NFT is owed and takes that from the NFT's tokens owed,
    /// whatever the pool paid (the pool can pay a few wei less). Returns what
    /// it asked for, as its Collect log states.
    public mutating func collect(
        tokenID: UInt256, amount0Max: UInt128, amount1Max: UInt128, growthInside0: UInt256?, growthInside1: UInt256?
    ) throws(Rejection) -> (amount0: UInt128, amount1: UInt128) {
        guard amount0Max > 0 || amount1Max > 0 else { throw Self.refusal("ZERO_COLLECT", "token id \(tokenID): a collect of at most 0 and 0") }
        return try take(tokenID, growthInside0, growthInside1) { token in (min(amount0Max, token.tokensOwed0), min(amount1Max, token.tokensOwed1)) }
    }

    /// A collect whose amounts are already decided (a recorded fact: the
    /// amounts the manager's Collect log states): the NFT's fees settled as in
    /// `collect`, then exactly these amounts taken from its tokens owed; more
    /// than it is owed is refused. (Both may be 0: the maxima were then above 0
    /// and the NFT owed nothing.)
    public mutating func collectExactly(
        tokenID: UInt256, amount0: UInt128, amount1: UInt128, growthInside0: UInt256?, growthInside1: UInt256?
    ) throws(Rejection) {
        _ = try take(tokenID, growthInside0, growthInside1) { (token) throws(Rejection) in
            guard amount0 <= token.tokensOwed0, amount1 <= token.tokensOwed1 else {
                throw Self.refusal("COLLECT_EXCEEDS_OWED", "a collect of \(amount0), \(amount1) from token id \(tokenID), which is owed only \(token.tokensOwed0), \(token.tokensOwed1)")
            }
            return (amount0, amount1)
        }
    }

    /// Both collects: the fees settled while the NFT holds liquidity, then
    /// `amounts` (of the settled NFT) taken from its tokens owed.
    private mutating func take(
        _ tokenID: UInt256, _ growthInside0: UInt256?, _ growthInside1: UInt256?,
        _ amounts: (Token) throws(Rejection) -> (UInt128, UInt128)
    ) throws(Rejection) -> (amount0: UInt128, amount1: UInt128) {
        var token = try self.token(tokenID)
        if token.liquidity > 0 {
            guard let growthInside0, let growthInside1 else {
                throw Self.refusal("GROWTH_MISSING", "token id \(tokenID) holds liquidity: its collect reads the pool position's fee growth inside")
            }
            Self.settle(&token, growthInside0, growthInside1)
        }
        let (amount0, amount1) = try amounts(token)
        token.tokensOwed0 -= amount0
        token.tokensOwed1 -= amount1
        tokens[tokenID] = token
        return (amount0, amount1)
    }

    /// The highest token id held (nil: none); a command's default id is one above it.
    public var highestTokenID: UInt256? { tokens.keys.max() }

    /// Puts one NFT back as it was (a refused fact's journal).
    mutating func restore(_ token: Token?, id tokenID: UInt256) { tokens[tokenID] = token }

    /// A manager restored from its stored NFTs.
    init(tokens: [UInt256: Token]) { self.tokens = tokens }

    /// ERC-721 `transferFrom`: the NFT, with its liquidity, checkpoints and tokens owed, goes to `to`.
    public mutating func transfer(tokenID: UInt256, from: String, to: String) throws(Rejection) {
        var token = try self.token(tokenID)
        guard token.holder == from else {
            throw Self.refusal("NOT_HOLDER", "token id \(tokenID) is held by \(token.holder), not \(from)")
        }
        token.holder = to
        tokens[tokenID] = token
    }

    /// `burn`: only a cleared NFT (no liquidity, nothing owed) is burned.
    public mutating func burn(tokenID: UInt256) throws(Rejection) {
        let token = try self.token(tokenID)
        guard token.liquidity == 0 && token.tokensOwed0 == 0 && token.tokensOwed1 == 0 else {
            throw Self.refusal("NOT_CLEARED", "token id \(tokenID) still holds \(token.liquidity) liquidity and is owed \(token.tokensOwed0), \(token.tokensOwed1)")
        }
        tokens[tokenID] = nil
    }

    // MARK: the manager's arithmetic

    /// `uint128(FullMath.mulDiv(now - last, liquidity, Q128))`: the difference
    /// modulo 2^256, the quotient's low 128 bits (it fits 256: liquidity < 2^128).
    static func fees(_ now: UInt256, _ last: UInt256, _ liquidity: UInt128) -> UInt128 {
        UInt256.mulDiv(now &- last, UInt256(high: 0, low: liquidity), UInt256.one << 128)!.low
    }

    /// The fees since the checkpoint owed (uint128 sums wrap), the checkpoint moved to now.
    static func settle(_ token: inout Token, _ growthInside0: UInt256, _ growthInside1: UInt256) {
        token.tokensOwed0 = token.tokensOwed0 &+ fees(growthInside0, token.feeGrowthInside0LastX128, token.liquidity)
        token.tokensOwed1 = token.tokensOwed1 &+ fees(growthInside1, token.feeGrowthInside1LastX128, token.liquidity)
        token.feeGrowthInside0LastX128 = growthInside0
        token.feeGrowthInside1LastX128 = growthInside1
    }

    public func token(_ tokenID: UInt256) throws(Rejection) -> Token {
        // The manager's "Invalid token ID".
        guard let token = tokens[tokenID] else { throw Self.refusal("INVALID_TOKEN_ID", "no token id \(tokenID)") }
        return token
    }

    static func refusal(_ reason: String, _ detail: String) -> Rejection {
        Rejection(.concentrated("NPM_" + reason), detail)
    }
}
