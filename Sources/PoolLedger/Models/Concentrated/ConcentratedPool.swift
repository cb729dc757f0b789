import PoolMath

/// A Uniswap V3 pool's state and its three transitions (mint, burn, swap),
/// written as UniswapV3Pool.sol computes them: positions over tick ranges,
/// the tick bitmap (a swap step also stops at each 256-tick word, which
/// changes rounding), fee growth global/outside/inside modulo 2^256, tokens
/// owed, and the protocol fee. A pure value: the ledger's facts for
/// concentrated pools fold through it. The oracle (observations, seconds per
/// liquidity) is not kept: it moves no token.
public struct ConcentratedPool: Sendable, Equatable {
    public struct TickInfo: Sendable, Equatable {
        public var liquidityGross: UInt128 = 0
        public var liquidityNet: Int128 = 0
        public var feeGrowthOutside0X128: UInt256 = .zero
        public var feeGrowthOutside1X128: UInt256 = .zero
        /// getSqrtRatioAtTick of this tick, kept while it is initialized: derived
        /// (not stored state), it saves the swap loop and the laws recomputing it.
        public internal(set) var sqrtPriceX96: UInt256 = .zero

        /// `Tick.cross`: the fee growth outside flips to the other side of the
        /// tick (global growth minus it); returns the tick as it was.
        mutating func cross(growth0: UInt256, growth1: UInt256) -> TickInfo {
            let before = self
            feeGrowthOutside0X128 = growth0 &- feeGrowthOutside0X128
            feeGrowthOutside1X128 = growth1 &- feeGrowthOutside1X128
            return before
        }
    }

    public struct PositionKey: Sendable, Hashable, Comparable {
        public var owner: String
        public var tickLower: Int32
        public var tickUpper: Int32
        public init(owner: String, tickLower: Int32, tickUpper: Int32) {
            self.owner = owner
            self.tickLower = tickLower
            self.tickUpper = tickUpper
        }

        /// The canonical order: owner by UTF-8 bytes, then the range.
        public static func < (a: PositionKey, b: PositionKey) -> Bool {
            if a.owner != b.owner { return a.owner.utf8.lexicographicallyPrecedes(b.owner.utf8) }
            return (a.tickLower, a.tickUpper) < (b.tickLower, b.tickUpper)
        }
    }

    public struct PositionInfo: Sendable, Equatable {
        public var liquidity: UInt128 = 0
        public var feeGrowthInside0LastX128: UInt256 = .zero
        public var feeGrowthInside1LastX128: UInt256 = .zero
        /// uint128 on chain, wrapping as the contract lets it.
        public var tokensOwed0: UInt128 = 0
        public var tokensOwed1: UInt128 = 0
    }

    public let feePips: UInt32
    public let tickSpacing: Int32
    public let maxLiquidityPerTick: UInt128
    public internal(set) var sqrtPriceX96: UInt256
    public internal(set) var tick: Int32
    public internal(set) var liquidity: UInt128 = 0
    public internal(set) var feeGrowthGlobal0X128: UInt256 = .zero
    public internal(set) var feeGrowthGlobal1X128: UInt256 = .zero
    /// `slot0.feeProtocol`: token0's denominator in the low nibble, token1's in the high one (0: off).
    public var feeProtocol: UInt8 = 0
    public internal(set) var protocolFees0: UInt128 = 0
    public internal(set) var protocolFees1: UInt128 = 0
    public internal(set) var ticks: [Int32: TickInfo] = [:]
    public internal(set) var tickBitmap: [Int16: UInt256] = [:]
    public internal(set) var positions: [PositionKey: PositionInfo] = [:]
    /// The pool's token balances: what was paid in (mints, swaps) less what
    /// was paid out (swaps, collects). The contract reads them from the
    /// tokens; the ledger keeps them, moved by its facts (`apply`).
    public internal(set) var balance0: UInt256 = .zero
    public internal(set) var balance1: UInt256 = .zero
    /// The active-liquidity law's own account, from the positions alone
    /// (`LiquidityBook`). Kept by the ledger's fold (`applyJournaled`), apart
    /// from the contract's code above: a pool changed through `mint`, `burn`
    /// or `swap` directly (a trial run, a benchmark) does not move it.
    public internal(set) var liquidityBook = LiquidityBook()
    /// The position managers holding positions here, by address: each one's
    /// NFTs of this pool as the manager's contract keeps them (`nft_*` facts).
    public internal(set) var managers: [String: PositionManager] = [:]
    /// The manager law's own account: the liquidity of a manager's NFTs per
    /// range, summed fact by fact, set against the manager's pool position.
    public internal(set) var managerRanges: [PositionKey: UInt256] = [:]

    static let q128 = UInt256.one << 128

    /// `initialize`: the pool at its first price.
    public init(feePips: UInt32, tickSpacing: Int32, sqrtPriceX96: UInt256) throws(V3MathError) {
        guard tickSpacing > 0, tickSpacing < 16384 else { throw V3MathError("TS", "tick spacing \(tickSpacing) is not in 1...16383") }
        self.feePips = feePips
        self.tickSpacing = tickSpacing
        self.sqrtPriceX96 = sqrtPriceX96
        self.tick = try TickMath.tick(atSqrtRatio: sqrtPriceX96)
        // Tick.tickSpacingToMaxLiquidityPerTick
        let minTick = TickMath.minTick / tickSpacing * tickSpacing
        let maxTick = TickMath.maxTick / tickSpacing * tickSpacing
        let count = UInt128((maxTick - minTick) / tickSpacing) + 1
        self.maxLiquidityPerTick = UInt128.max / count
    }

    /// A pool restored from its stored state (a snapshot): every field as
    /// written, the tick bitmap rebuilt from the initialized ticks. Whether the
    /// fields agree (tick and price, liquidity and positions, balances) is the
    /// laws' to say (`checkLaws`, run on every restored
    /// ledger); this only refuses what the laws could not even read.
    public init(
        feePips: UInt32, tickSpacing: Int32, sqrtPriceX96: UInt256, tick: Int32, liquidity: UInt128,
        feeGrowthGlobal0X128: UInt256, feeGrowthGlobal1X128: UInt256, feeProtocol: UInt8,
        protocolFees0: UInt128, protocolFees1: UInt128,
        ticks: [Int32: TickInfo], positions: [PositionKey: PositionInfo]
    ) throws(V3MathError) {
        try self.init(feePips: feePips, tickSpacing: tickSpacing, sqrtPriceX96: sqrtPriceX96)
        self.tick = tick
        self.liquidity = liquidity
        self.feeGrowthGlobal0X128 = feeGrowthGlobal0X128
        self.feeGrowthGlobal1X128 = feeGrowthGlobal1X128
        self.feeProtocol = feeProtocol
        self.protocolFees0 = protocolFees0
        self.protocolFees1 = protocolFees1
        for (index, info) in ticks {
            guard info.liquidityGross > 0 else { throw V3MathError("T", "tick \(index) is stored with no liquidity") }
            guard index >= TickMath.minTick, index <= TickMath.maxTick else { throw V3MathError("T", "tick \(index) is out of range") }
            try flipTick(index)
        }
        var ticks = ticks
        for entry in ticks.indices { ticks.values[entry].sqrtPriceX96 = try TickMath.sqrtRatio(atTick: ticks.keys[entry]) }
        for (key, position) in positions {
            guard key.tickLower < key.tickUpper, key.tickLower >= TickMath.minTick, key.tickUpper <= TickMath.maxTick else {
                throw V3MathError("TLU", "position of \(key.owner) has range \(key.tickLower)...\(key.tickUpper)")
            }
            guard position.liquidity > 0 || position.tokensOwed0 > 0 || position.tokensOwed1 > 0 else {
                throw V3MathError("NP", "position of \(key.owner) in \(key.tickLower)...\(key.tickUpper) is stored empty")
            }
            guard position.liquidity == 0 || (ticks[key.tickLower] != nil && ticks[key.tickUpper] != nil) else {
                throw V3MathError("T", "position of \(key.owner) in \(key.tickLower)...\(key.tickUpper) holds liquidity but its ticks are not initialized")
            }
        }
        self.ticks = ticks
        self.positions = positions
        do { self.liquidityBook = try LiquidityBook(positions: positions, ticks: ticks, tick: tick) } catch {
            throw V3MathError("T", error.detail)
        }
    }

    /// The virtual reserves' product: liquidity^2 (liquidity is uint128, so it fits).
    public var k: UInt256 {
        let active = UInt256(high: 0, low: liquidity)
        return active * active
    }

    // MARK: reading positions

    /// What burning all of the position's liquidity would release now (rounded down, as a burn).
    public func principal(of key: PositionKey) -> (amount0: UInt256, amount1: UInt256) {
        guard let position = positions[key] else { return (.zero, .zero) }
        return claims(of: key, position).principal
    }

    /// A position's principal now and its fees pending, from one read of its
    /// two ticks (the cover law and the audit read every position).
    func claims(of key: PositionKey, _ position: PositionInfo) -> (principal: (amount0: UInt256, amount1: UInt256), pending: (amount0: UInt256, amount1: UInt256)) {
        let lower = ticks[key.tickLower] ?? TickInfo(), upper = ticks[key.tickUpper] ?? TickInfo()
        let (inside0, inside1) = feeGrowthInside(tickLower: key.tickLower, lower, tickUpper: key.tickUpper, upper)
        let earned = Self.feesEarned(position, inside0: inside0, inside1: inside1)
        let pending = (amount0: UInt256(high: 0, low: earned.0), amount1: UInt256(high: 0, low: earned.1))
        guard position.liquidity > 0 else { return ((.zero, .zero), pending) }
        // A position with liquidity has both its ticks initialized (their cached price is non-zero).
        guard !lower.sqrtPriceX96.isZero, !upper.sqrtPriceX96.isZero else {
            preconditionFailure("a position's ticks are initialized while it holds liquidity")
        }
        // Prices of valid ticks are non-zero and the amounts below 2^192: nothing here can revert.
        let principal = try! Self.amounts(liquidity: position.liquidity, roundUp: false, tickLower: key.tickLower, tickUpper: key.tickUpper,
                                          sqrtLower: lower.sqrtPriceX96, sqrtUpper: upper.sqrtPriceX96, sqrtPriceX96: sqrtPriceX96, tick: tick)
        return (principal, pending)
    }

    /// The tokens `liquidity` over a range amounts to at a price: all token0
    /// below the range, all token1 above it, both inside.
    static func amounts(
        liquidity: UInt128, roundUp: Bool, tickLower: Int32, tickUpper: Int32,
        sqrtLower lower: UInt256, sqrtUpper upper: UInt256, sqrtPriceX96: UInt256, tick: Int32
    ) throws(V3MathError) -> (amount0: UInt256, amount1: UInt256) {
        if tick < tickLower {
            return (try SqrtPriceMath.amount0Delta(lower, upper, liquidity: liquidity, roundUp: roundUp), .zero)
        } else if tick < tickUpper {
            return (try SqrtPriceMath.amount0Delta(sqrtPriceX96, upper, liquidity: liquidity, roundUp: roundUp),
                    try SqrtPriceMath.amount1Delta(lower, sqrtPriceX96, liquidity: liquidity, roundUp: roundUp))
        } else {
            return (.zero, try SqrtPriceMath.amount1Delta(lower, upper, liquidity: liquidity, roundUp: roundUp))
        }
    }

    /// Fees earned since the position was last touched and not yet in tokens
    /// owed: what a poke (burn of 0) would add, computed as Position.update does.
    public func pendingFees(of key: PositionKey) -> (amount0: UInt256, amount1: UInt256) {
        guard let position = positions[key] else { return (.zero, .zero) }
        return claims(of: key, position).pending
    }

    /// Position.update's fees: the growth inside the range since the position's
    /// last update times its liquidity, in Q128, cast to uint128 as the contract casts it.
    static func feesEarned(_ position: PositionInfo, inside0: UInt256, inside1: UInt256) -> (UInt128, UInt128) {
        let liquidity = UInt256(high: 0, low: position.liquidity)
        // growth < 2^256 and liquidity < 2^128: the quotient by 2^128 fits.
        let owed0 = UInt256.mulDiv(inside0 &- position.feeGrowthInside0LastX128, liquidity, q128)!
        let owed1 = UInt256.mulDiv(inside1 &- position.feeGrowthInside1LastX128, liquidity, q128)!
        return (owed0.low, owed1.low)
    }

    // MARK: mint and burn

    /// `mint`: adds `amount` of liquidity to the owner's position; returns the tokens it takes (rounded up).
    public mutating func mint(owner: String, tickLower: Int32, tickUpper: Int32, amount: UInt128) throws(V3MathError) -> (amount0: UInt256, amount1: UInt256) {
        guard amount > 0 else { throw V3MathError("mint", "liquidity amount is zero") }
        // The contract casts the amount to int128 (SafeCast reverts past it).
        guard amount <= UInt128(Int128.max) else { throw V3MathError("SafeCast", "mint of \(amount) exceeds int128") }
        return try modifyPosition(owner: owner, tickLower: tickLower, tickUpper: tickUpper, liquidityDelta: Int128(amount))
    }

    /// `burn`: removes `amount` of liquidity (0 only collects fees into tokens owed);
    /// returns the tokens released (rounded down), which are added to tokens owed.
    public mutating func burn(owner: String, tickLower: Int32, tickUpper: Int32, amount: UInt128) throws(V3MathError) -> (amount0: UInt256, amount1: UInt256) {
        guard amount <= UInt128(Int128.max) else { throw V3MathError("SafeCast", "burn of \(amount) exceeds int128") }
        let (amount0, amount1) = try modifyPosition(owner: owner, tickLower: tickLower, tickUpper: tickUpper, liquidityDelta: -Int128(amount))
        if !amount0.isZero || !amount1.isZero {
            let key = PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper)
            // uint128 on chain; burn amounts are below the pool's balance, so they fit.
            positions[key]!.tokensOwed0 &+= UInt128(truncatingIfNeeded: amount0.low)
            positions[key]!.tokensOwed1 &+= UInt128(truncatingIfNeeded: amount1.low)
        }
        dropIfEmpty(PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper))
        return (amount0, amount1)
    }

    /// `collect`: pays out up to the amounts asked of what the position is owed.
    public mutating func collect(owner: String, tickLower: Int32, tickUpper: Int32, amount0Requested: UInt128, amount1Requested: UInt128) -> (amount0: UInt128, amount1: UInt128) {
        let key = PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper)
        guard var position = positions[key] else { return (0, 0) }
        let amount0 = min(amount0Requested, position.tokensOwed0)
        let amount1 = min(amount1Requested, position.tokensOwed1)
        position.tokensOwed0 -= amount0
        position.tokensOwed1 -= amount1
        positions[key] = position
        dropIfEmpty(key)
        return (amount0, amount1)
    }

    /// A position with no liquidity and nothing owed is forgotten: the contract
    /// keeps its slot, but nothing it holds can change a later outcome (a mint
    /// into it starts from zero owed either way), and one canonical state
    /// needs one spelling of "no position".
    mutating func dropIfEmpty(_ key: PositionKey) {
        guard let position = positions[key], position.liquidity == 0, position.tokensOwed0 == 0, position.tokensOwed1 == 0 else { return }
        positions.removeValue(forKey: key)
    }

    /// `_modifyPosition`: the position and its ticks updated, then the tokens the
    /// change moves at the current price (and the active liquidity, in range).
    mutating func modifyPosition(owner: String, tickLower: Int32, tickUpper: Int32, liquidityDelta: Int128) throws(V3MathError) -> (amount0: UInt256, amount1: UInt256) {
        guard tickLower < tickUpper else { throw V3MathError("TLU", "tick_lower \(tickLower) is not below tick_upper \(tickUpper)") }
        guard tickLower >= TickMath.minTick else { throw V3MathError("TLM", "tick_lower \(tickLower) is below \(TickMath.minTick)") }
        guard tickUpper <= TickMath.maxTick else { throw V3MathError("TUM", "tick_upper \(tickUpper) is above \(TickMath.maxTick)") }
        try updatePosition(owner: owner, tickLower: tickLower, tickUpper: tickUpper, liquidityDelta: liquidityDelta)
        guard liquidityDelta != 0 else { return (.zero, .zero) }
        let lower = try TickMath.sqrtRatio(atTick: tickLower), upper = try TickMath.sqrtRatio(atTick: tickUpper)
        // Adding liquidity rounds the tokens it takes up, removing rounds what it releases down.
        let amounts = try Self.amounts(liquidity: liquidityDelta.magnitude, roundUp: liquidityDelta > 0, tickLower: tickLower, tickUpper: tickUpper,
                                       sqrtLower: lower, sqrtUpper: upper, sqrtPriceX96: sqrtPriceX96, tick: tick)
        if tickLower <= tick && tick < tickUpper { liquidity = try LiquidityMath.addDelta(liquidity, liquidityDelta) }
        return amounts
    }

    mutating func updatePosition(owner: String, tickLower: Int32, tickUpper: Int32, liquidityDelta: Int128) throws(V3MathError) {
        let key = PositionKey(owner: owner, tickLower: tickLower, tickUpper: tickUpper)
        var flippedLower = false, flippedUpper = false
        if liquidityDelta != 0 {
            flippedLower = try updateTick(tickLower, liquidityDelta: liquidityDelta, upper: false)
            flippedUpper = try updateTick(tickUpper, liquidityDelta: liquidityDelta, upper: true)
            if flippedLower { try flipTick(tickLower) }
            if flippedUpper { try flipTick(tickUpper) }
        }
        let (inside0, inside1) = feeGrowthInside(tickLower: tickLower, tickUpper: tickUpper)
        var position = positions[key] ?? PositionInfo()
        // Position.update
        let nextLiquidity: UInt128
        if liquidityDelta == 0 {
            guard position.liquidity > 0 else { throw V3MathError("NP", "no position of \(owner) in \(tickLower)...\(tickUpper) to poke") }
            nextLiquidity = position.liquidity
        } else {
            nextLiquidity = try LiquidityMath.addDelta(position.liquidity, liquidityDelta)
        }
        let earned = Self.feesEarned(position, inside0: inside0, inside1: inside1)
        position.liquidity = nextLiquidity
        position.feeGrowthInside0LastX128 = inside0
        position.feeGrowthInside1LastX128 = inside1
        position.tokensOwed0 &+= earned.0
        position.tokensOwed1 &+= earned.1
        positions[key] = position
        if liquidityDelta < 0 {
            if flippedLower { ticks.removeValue(forKey: tickLower) }
            if flippedUpper { ticks.removeValue(forKey: tickUpper) }
        }
    }

    /// Tick.update: returns whether the tick flipped between initialized and not.
    mutating func updateTick(_ tick: Int32, liquidityDelta: Int128, upper: Bool) throws(V3MathError) -> Bool {
        var info = ticks[tick] ?? TickInfo()
        let grossBefore = info.liquidityGross
        let grossAfter = try LiquidityMath.addDelta(grossBefore, liquidityDelta)
        guard grossAfter <= maxLiquidityPerTick else { throw V3MathError("LO", "tick \(tick) would hold \(grossAfter), above \(maxLiquidityPerTick)") }
        let flipped = (grossAfter == 0) != (grossBefore == 0)
        if grossBefore == 0 && tick <= self.tick {
            // By convention all growth before a tick was initialized happened below it.
            info.feeGrowthOutside0X128 = feeGrowthGlobal0X128
            info.feeGrowthOutside1X128 = feeGrowthGlobal1X128
        }
        info.liquidityGross = grossAfter
        if grossBefore == 0 { info.sqrtPriceX96 = try TickMath.sqrtRatio(atTick: tick) }
        let (net, overflow) = upper ? info.liquidityNet.subtractingReportingOverflow(liquidityDelta) : info.liquidityNet.addingReportingOverflow(liquidityDelta)
        guard !overflow else { throw V3MathError("SafeMath", "liquidity_net of tick \(tick) overflows int128") }
        info.liquidityNet = net
        ticks[tick] = info
        return flipped
    }

    /// Tick.getFeeGrowthInside, modulo 2^256.
    public func feeGrowthInside(tickLower: Int32, tickUpper: Int32) -> (UInt256, UInt256) {
        feeGrowthInside(tickLower: tickLower, ticks[tickLower] ?? TickInfo(), tickUpper: tickUpper, ticks[tickUpper] ?? TickInfo())
    }

    /// The same from the two ticks already read.
    func feeGrowthInside(tickLower: Int32, _ lower: TickInfo, tickUpper: Int32, _ upper: TickInfo) -> (UInt256, UInt256) {
        let below0 = tick >= tickLower ? lower.feeGrowthOutside0X128 : feeGrowthGlobal0X128 &- lower.feeGrowthOutside0X128
        let below1 = tick >= tickLower ? lower.feeGrowthOutside1X128 : feeGrowthGlobal1X128 &- lower.feeGrowthOutside1X128
        let above0 = tick < tickUpper ? upper.feeGrowthOutside0X128 : feeGrowthGlobal0X128 &- upper.feeGrowthOutside0X128
        let above1 = tick < tickUpper ? upper.feeGrowthOutside1X128 : feeGrowthGlobal1X128 &- upper.feeGrowthOutside1X128
        return (feeGrowthGlobal0X128 &- below0 &- above0, feeGrowthGlobal1X128 &- below1 &- above1)
    }

    // MARK: tick bitmap

    /// TickBitmap.position: word and bit of a compressed tick.
    static func position(_ compressed: Int32) -> (word: Int16, bit: Int) {
        (Int16(truncatingIfNeeded: compressed >> 8), Int(UInt8(truncatingIfNeeded: compressed)))
    }

    mutating func flipTick(_ tick: Int32) throws(V3MathError) {
        guard tick % tickSpacing == 0 else { throw V3MathError("TickBitmap", "tick \(tick) is not a multiple of the spacing \(tickSpacing)") }
        let (word, bit) = Self.position(tick / tickSpacing)
        let flipped = (tickBitmap[word] ?? .zero) ^ (UInt256.one << bit)
        tickBitmap[word] = flipped.isZero ? nil : flipped
    }

    /// TickBitmap.nextInitializedTickWithinOneWord: the next initialized tick at or
    /// below (`lte`) or above the tick, or the word's last tick when there is none.
    /// Static, on the bitmap alone: the swap loop calls it at every step, and as
    /// a method of the pool it made the caller copy the whole pool for the call.
    /// `word`: the last bitmap word read and its bits, kept by the caller across
    /// the steps of one swap (which flips no bit): its steps mostly stay in one word.
    static func nextInitializedTickWithinOneWord(
        _ tick: Int32, lte: Bool, tickSpacing: Int32, tickBitmap: [Int16: UInt256], word cached: inout (Int16, UInt256)?
    ) -> (next: Int32, initialized: Bool) {
        func bits(_ word: Int16) -> UInt256 {
            if let (index, bits) = cached, index == word { return bits }
            let bits = tickBitmap[word] ?? .zero
            cached = (word, bits)
            return bits
        }
        var compressed = tick / tickSpacing
        // Round toward negative infinity.
        if tick < 0 && tick % tickSpacing != 0 { compressed -= 1 }
        if lte {
            let (word, bit) = Self.position(compressed)
            let mask = (UInt256.one << bit) - .one + (UInt256.one << bit)
            let masked = bits(word) & mask
            if masked.isZero { return ((compressed - Int32(bit)) * tickSpacing, false) }
            let msb = masked.significantBitCount - 1
            return ((compressed - Int32(bit - msb)) * tickSpacing, true)
        }
        let (word, bit) = Self.position(compressed + 1)
        let mask = ~((UInt256.one << bit) - .one)
        let masked = bits(word) & mask
        if masked.isZero { return ((compressed + 1 + Int32(255 - bit)) * tickSpacing, false) }
        let lsb = masked.trailingZeroBitCount
        return ((compressed + 1 + Int32(lsb - bit)) * tickSpacing, true)
    }
}
