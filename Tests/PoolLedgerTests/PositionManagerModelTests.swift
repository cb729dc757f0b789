import BigInt
import PoolLedger
import PoolMath
import Testing

// An independent model of the Uniswap v3-periphery NonfungiblePositionManager's
// per-token accounting, in BigInt, written from the contract text
// (contracts/NonfungiblePositionManager.sol, v1.0.0 deployment compiled with
// solidity =0.7.6, so every `+=` / `-` on uintN wraps silently), and a
// randomized differential test of `PositionManager` against it.
//
// Words of Solidity are modeled as non-negative BigInts with the wrap made
// explicit: `% 2^256` for uint256 arithmetic, `% 2^128` for uint128 arithmetic
// and for the `uint128(x)` conversion (which keeps the low 128 bits).

// MARK: - Solidity words as BigInt

private enum NPMWord {
    /// FixedPoint128.Q128 = 0x100000000000000000000000000000000.
    static let q128 = BigInt(1) << 128
    static let q256 = BigInt(1) << 256

    /// The non-negative remainder (attaswift's `%` takes the dividend's sign).
    static func mod(_ x: BigInt, _ m: BigInt) -> BigInt {
        let r = x % m
        return r < 0 ? r + m : r
    }

    /// `uint128(x)`: the low 128 bits.
    static func uint128(_ x: BigInt) -> BigInt { mod(x, q128) }

    /// The low `count` 64-bit limbs of a non-negative value, least significant first
    /// (BigUInt's Word is UInt, 64 bits on the platforms this package builds for).
    static func limbs(_ value: BigInt, _ count: Int) -> [UInt64] {
        let words = Array(value.magnitude.words)
        return (0..<count).map { $0 < words.count ? UInt64(truncatingIfNeeded: words[$0]) : 0 }
    }

    /// The BigInt taken mod 2^128, as a UInt128 (never traps).
    static func u128(_ value: BigInt) -> UInt128 {
        let l = limbs(mod(value, q128), 2)
        return UInt128(l[1]) << 64 | UInt128(l[0])
    }

    /// The BigInt taken mod 2^256, as a UInt256 (never traps).
    static func u256(_ value: BigInt) -> UInt256 {
        let l = limbs(mod(value, q256), 4)
        return UInt256(high: UInt128(l[3]) << 64 | UInt128(l[2]), low: UInt128(l[1]) << 64 | UInt128(l[0]))
    }
}

private func big(_ x: UInt128) -> BigInt {
    (BigInt(UInt64(truncatingIfNeeded: x >> 64)) << 64) + BigInt(UInt64(truncatingIfNeeded: x))
}

private func big(_ x: UInt256) -> BigInt {
    (big(x.high) << 128) + big(x.low)
}

private func tokenID(_ id: Int) -> UInt256 { UInt256(UInt64(truncatingIfNeeded: id)) }

// MARK: - The model

/// Why the contract would revert.
private struct ModelRevert: Error, CustomStringConvertible {
    var reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

/// `struct Position` of the manager, the fields this ledger keeps (nonce,
/// operator and poolId left out), plus the ERC-721 owner.
private struct ModelToken: Equatable {
    var holder: String          // ERC721 `_owners[tokenId]`
    var tickLower: Int32        // int24 tickLower
    var tickUpper: Int32        // int24 tickUpper
    var liquidity: BigInt       // uint128 liquidity
    var feeGrowthInside0LastX128: BigInt  // uint256
    var feeGrowthInside1LastX128: BigInt  // uint256
    var tokensOwed0: BigInt     // uint128
    var tokensOwed1: BigInt     // uint128
}

/// How often the model met each edge (to check the random histories reach them).
private struct ModelStats {
    var wraps256 = 0        // a fee growth subtraction that wrapped mod 2^256
    var truncations128 = 0  // a mulDiv result >= 2^128 cut by uint128(...)
    var owedWraps = 0       // a uint128 owed sum that wrapped
    var burns = 0
    var partialCollects = 0 // a collect that left something owed
    var idleCollects = 0    // a collect without the poke (liquidity 0)
    var pokes = 0

    static func + (a: ModelStats, b: ModelStats) -> ModelStats {
        ModelStats(wraps256: a.wraps256 + b.wraps256, truncations128: a.truncations128 + b.truncations128,
                   owedWraps: a.owedWraps + b.owedWraps, burns: a.burns + b.burns,
                   partialCollects: a.partialCollects + b.partialCollects, idleCollects: a.idleCollects + b.idleCollects,
                   pokes: a.pokes + b.pokes)
    }
}

private struct NPMModel {
    /// `mapping(uint256 => Position) private _positions` (with the ERC-721 owner folded in).
    var tokens: [BigInt: ModelToken] = [:]
    var stats = ModelStats()

    /// `uint128(FullMath.mulDiv(feeGrowthInsideXLastX128 - position.feeGrowthInsideXLastX128, liquidity, FixedPoint128.Q128))`
    mutating func feesSince(_ now: BigInt, _ last: BigInt, liquidity: BigInt) throws(ModelRevert) -> BigInt {
        // `feeGrowthInside0LastX128 - position.feeGrowthInside0LastX128`: uint256 subtraction, wraps mod 2^256 (0.7.6, unchecked).
        if now < last { stats.wraps256 += 1 }
        let delta = NPMWord.mod(now - last, NPMWord.q256)
        // FullMath.mulDiv(a, b, denominator): floor(a*b / denominator), exact over 512 bits;
        // `require(denominator > prod1)`: reverts only if the result does not fit 256 bits
        // (cannot happen here: delta < 2^256 and liquidity < 2^128).
        let quotient = delta * liquidity / NPMWord.q128
        guard quotient < NPMWord.q256 else { throw ModelRevert("FullMath.mulDiv: require(denominator > prod1)") }
        // `uint128(...)`: explicit narrowing keeps the low 128 bits.
        if quotient >= NPMWord.q128 { stats.truncations128 += 1 }
        return NPMWord.uint128(quotient)
    }

    /// uint128 `a + b` (and `a += b`) under 0.7.6: wraps mod 2^128.
    mutating func add128(_ a: BigInt, _ b: BigInt) -> BigInt {
        if a + b >= NPMWord.q128 { stats.owedWraps += 1 }
        return NPMWord.mod(a + b, NPMWord.q128)
    }

    func existing(_ id: BigInt, _ what: String) throws(ModelRevert) -> ModelToken {
        guard let token = tokens[id] else { throw ModelRevert("\(what): nonexistent token") }
        return token
    }

    /// NonfungiblePositionManager.mint, after `addLiquidity` (the pool's mint).
    mutating func mint(tokenID id: BigInt, holder: String, tickLower: Int32, tickUpper: Int32, liquidity: BigInt,
                       growthInside0: BigInt, growthInside1: BigInt) throws(ModelRevert) {
        // addLiquidity -> UniswapV3Pool.mint: `require(amount > 0)`.
        guard liquidity > 0 else { throw ModelRevert("UniswapV3Pool.mint: require(amount > 0)") }
        // `_mint(params.recipient, (tokenId = _nextId++))` -> ERC721._mint: `require(!_exists(tokenId), "ERC721: token already minted")`.
        guard tokens[id] == nil else { throw ModelRevert("ERC721: token already minted") }
        // `(, uint256 feeGrowthInside0LastX128, uint256 feeGrowthInside1LastX128, , ) = pool.positions(positionKey);`
        // `_positions[tokenId] = Position({... liquidity: liquidity, feeGrowthInside0LastX128: feeGrowthInside0LastX128,
        //   feeGrowthInside1LastX128: feeGrowthInside1LastX128, tokensOwed0: 0, tokensOwed1: 0})`
        tokens[id] = ModelToken(holder: holder, tickLower: tickLower, tickUpper: tickUpper, liquidity: liquidity,
                                feeGrowthInside0LastX128: growthInside0, feeGrowthInside1LastX128: growthInside1,
                                tokensOwed0: 0, tokensOwed1: 0)
    }

    /// NonfungiblePositionManager.increaseLiquidity, after `addLiquidity` (the pool's mint of `liquidity`).
    mutating func increaseLiquidity(tokenID id: BigInt, liquidity: BigInt, growthInside0: BigInt, growthInside1: BigInt) throws(ModelRevert) {
        // `Position storage position = _positions[params.tokenId]` of an unknown id has poolId 0 -> an empty
        // pool key -> addLiquidity calls a pool that does not exist: reverts.
        var position = try existing(id, "increaseLiquidity")
        // addLiquidity -> UniswapV3Pool.mint: `require(amount > 0)`.
        guard liquidity > 0 else { throw ModelRevert("UniswapV3Pool.mint: require(amount > 0)") }
        // The pool's own position (which holds at least this token's liquidity) would overflow first:
        // Position.update -> LiquidityMath.addDelta `require((z = x + uint128(y)) >= x, 'LA')`.
        guard position.liquidity + liquidity < NPMWord.q128 else { throw ModelRevert("LiquidityMath.addDelta: LA") }
        // `position.tokensOwed0 += uint128(FullMath.mulDiv(feeGrowthInside0LastX128 - position.feeGrowthInside0LastX128,
        //    position.liquidity, FixedPoint128.Q128));` (liquidity before the increase)
        let fees0 = try feesSince(growthInside0, position.feeGrowthInside0LastX128, liquidity: position.liquidity)
        let fees1 = try feesSince(growthInside1, position.feeGrowthInside1LastX128, liquidity: position.liquidity)
        position.tokensOwed0 = add128(position.tokensOwed0, fees0)
        position.tokensOwed1 = add128(position.tokensOwed1, fees1)
        // `position.feeGrowthInside0LastX128 = feeGrowthInside0LastX128;` (and 1)
        position.feeGrowthInside0LastX128 = growthInside0
        position.feeGrowthInside1LastX128 = growthInside1
        // `position.liquidity += liquidity;`
        position.liquidity = NPMWord.mod(position.liquidity + liquidity, NPMWord.q128)
        tokens[id] = position
    }

    /// NonfungiblePositionManager.decreaseLiquidity, after `pool.burn(tickLower, tickUpper, liquidity)` released amount0/1.
    mutating func decreaseLiquidity(tokenID id: BigInt, liquidity: BigInt, amount0: BigInt, amount1: BigInt,
                                    growthInside0: BigInt, growthInside1: BigInt) throws(ModelRevert) {
        // `isAuthorizedForToken(params.tokenId)` -> `_isApprovedOrOwner` -> `require(_exists(tokenId), "ERC721: operator query for nonexistent token")`.
        var position = try existing(id, "decreaseLiquidity")
        // `require(params.liquidity > 0);`
        guard liquidity > 0 else { throw ModelRevert("decreaseLiquidity: require(params.liquidity > 0)") }
        // `uint128 positionLiquidity = position.liquidity; require(positionLiquidity >= params.liquidity);`
        let positionLiquidity = position.liquidity
        guard positionLiquidity >= liquidity else { throw ModelRevert("decreaseLiquidity: require(positionLiquidity >= params.liquidity)") }
        // `position.tokensOwed0 += uint128(amount0) + uint128(FullMath.mulDiv(feeGrowthInside0LastX128 -
        //    position.feeGrowthInside0LastX128, positionLiquidity, FixedPoint128.Q128));` (and 1): fees on the
        //    liquidity before the decrease; the inner uint128 `+` and the `+=` both wrap mod 2^128.
        let fees0 = try feesSince(growthInside0, position.feeGrowthInside0LastX128, liquidity: positionLiquidity)
        let fees1 = try feesSince(growthInside1, position.feeGrowthInside1LastX128, liquidity: positionLiquidity)
        let credit0 = add128(NPMWord.uint128(amount0), fees0)
        let credit1 = add128(NPMWord.uint128(amount1), fees1)
        position.tokensOwed0 = add128(position.tokensOwed0, credit0)
        position.tokensOwed1 = add128(position.tokensOwed1, credit1)
        // `position.feeGrowthInside0LastX128 = feeGrowthInside0LastX128;` (and 1)
        position.feeGrowthInside0LastX128 = growthInside0
        position.feeGrowthInside1LastX128 = growthInside1
        // `position.liquidity = positionLiquidity - params.liquidity;`
        position.liquidity = positionLiquidity - liquidity
        tokens[id] = position
    }

    /// NonfungiblePositionManager.collect; `poke` is the pool position's fee growth inside after
    /// `pool.burn(tickLower, tickUpper, 0)`, given exactly when the token has liquidity.
    /// Returns (amount0Collect, amount1Collect).
    mutating func collect(tokenID id: BigInt, amount0Max: BigInt, amount1Max: BigInt,
                          poke: (BigInt, BigInt)?) throws(ModelRevert) -> (BigInt, BigInt) {
        // `isAuthorizedForToken(params.tokenId)`: nonexistent token reverts.
        var position = try existing(id, "collect")
        // `require(params.amount0Max > 0 || params.amount1Max > 0);`
        guard amount0Max > 0 || amount1Max > 0 else { throw ModelRevert("collect: require(params.amount0Max > 0 || params.amount1Max > 0)") }
        // `(uint128 tokensOwed0, uint128 tokensOwed1) = (position.tokensOwed0, position.tokensOwed1);`
        var tokensOwed0 = position.tokensOwed0
        var tokensOwed1 = position.tokensOwed1
        // `if (position.liquidity > 0) { pool.burn(position.tickLower, position.tickUpper, 0); ... }`
        if position.liquidity > 0 {
            guard let poke else { throw ModelRevert("test harness: a poke needs the fee growth inside") }
            let (growth0, growth1) = poke
            stats.pokes += 1
            // `tokensOwed0 += uint128(FullMath.mulDiv(feeGrowthInside0LastX128 - position.feeGrowthInside0LastX128,
            //    position.liquidity, FixedPoint128.Q128));` (and 1)
            let fees0 = try feesSince(growth0, position.feeGrowthInside0LastX128, liquidity: position.liquidity)
            let fees1 = try feesSince(growth1, position.feeGrowthInside1LastX128, liquidity: position.liquidity)
            tokensOwed0 = add128(tokensOwed0, fees0)
            tokensOwed1 = add128(tokensOwed1, fees1)
            // `position.feeGrowthInside0LastX128 = feeGrowthInside0LastX128;` (and 1)
            position.feeGrowthInside0LastX128 = growth0
            position.feeGrowthInside1LastX128 = growth1
        } else {
            stats.idleCollects += 1
        }
        // `(uint128 amount0Collect, uint128 amount1Collect) = (params.amount0Max > tokensOwed0 ? tokensOwed0 : params.amount0Max, ...)`
        let amount0Collect = amount0Max > tokensOwed0 ? tokensOwed0 : amount0Max
        let amount1Collect = amount1Max > tokensOwed1 ? tokensOwed1 : amount1Max
        // `(position.tokensOwed0, position.tokensOwed1) = (tokensOwed0 - amount0Collect, tokensOwed1 - amount1Collect);`
        // (never below zero: each collect amount is at most what is owed)
        position.tokensOwed0 = tokensOwed0 - amount0Collect
        position.tokensOwed1 = tokensOwed1 - amount1Collect
        if position.tokensOwed0 > 0 || position.tokensOwed1 > 0 { stats.partialCollects += 1 }
        tokens[id] = position
        // `emit Collect(params.tokenId, recipient, amount0Collect, amount1Collect);`
        return (amount0Collect, amount1Collect)
    }

    /// ERC721 transferFrom -> OpenZeppelin `_transfer(from, to, tokenId)`.
    mutating func transfer(tokenID id: BigInt, from: String, to: String) throws(ModelRevert) {
        // `ownerOf(tokenId)`: `require(owner != address(0), "ERC721: owner query for nonexistent token")`.
        var position = try existing(id, "transfer")
        // `require(ERC721.ownerOf(tokenId) == from, "ERC721: transfer of token that is not own");`
        guard position.holder == from else { throw ModelRevert("ERC721: transfer of token that is not own") }
        // `_owners[tokenId] = to;` (the position's accounting is untouched)
        position.holder = to
        tokens[id] = position
    }

    /// NonfungiblePositionManager.burn.
    mutating func burn(tokenID id: BigInt) throws(ModelRevert) {
        // `isAuthorizedForToken(tokenId)`: nonexistent token reverts.
        let position = try existing(id, "burn")
        // `require(position.liquidity == 0 && position.tokensOwed0 == 0 && position.tokensOwed1 == 0, 'Not cleared');`
        guard position.liquidity == 0 && position.tokensOwed0 == 0 && position.tokensOwed1 == 0 else {
            throw ModelRevert("burn: Not cleared")
        }
        // `delete _positions[tokenId]; _burn(tokenId);`
        tokens[id] = nil
        stats.burns += 1
    }
}

// MARK: - The differential harness

/// The model and the implementation side by side.
private struct NPMHarness {
    var model = NPMModel()
    var impl = PositionManager()
    var refusals = 0

    /// Runs one operation on both sides. nil when they agree on whether it is refused, on what it
    /// returns, and on every token afterwards; otherwise what differs.
    mutating func step(model runModel: (inout NPMModel) throws -> [BigInt],
                       impl runImpl: (inout PositionManager) throws -> [BigInt]) -> String? {
        // A revert undoes everything: the model works on a copy, kept only on success.
        var next = model
        var modelResult: [BigInt]? = nil
        var modelReason = ""
        do { modelResult = try runModel(&next) } catch { modelReason = "\(error)" }

        let before = impl
        var implResult: [BigInt]? = nil
        var implError = ""
        var implRejection = true
        do { implResult = try runImpl(&impl) } catch {
            implError = "\(error)"
            implRejection = error is Rejection
        }

        switch (modelResult, implResult) {
        case (nil, nil):
            refusals += 1
            if !implRejection { return "refused with a non-Rejection error: \(implError)" }
            if impl != before { return "refused (\(implError)) but the manager changed" }
        case (nil, .some(let got)):
            return "the contract reverts (\(modelReason)) but the implementation accepted (returned \(got))"
        case (.some, nil):
            return "the contract accepts but the implementation refused: \(implError)"
                + (impl != before ? " (and the manager changed)" : "")
        case (.some(let want), .some(let got)):
            model = next
            if want != got { return "returned \(got), the contract returns \(want)" }
        }
        return mismatch()
    }

    /// Every token, field by field, exactly; nil when all agree.
    func mismatch() -> String? {
        let implIDs = Set(impl.tokens.keys.map { big($0) })
        let modelIDs = Set(model.tokens.keys)
        if implIDs != modelIDs {
            return "token ids: implementation \(implIDs.sorted()), model \(modelIDs.sorted())"
        }
        for (id, got) in impl.tokens {
            guard let want = model.tokens[big(id)] else { return "token \(id) missing from the model" }
            var diffs: [String] = []
            if got.holder != want.holder { diffs.append("holder \(got.holder) != \(want.holder)") }
            if got.tickLower != want.tickLower { diffs.append("tickLower \(got.tickLower) != \(want.tickLower)") }
            if got.tickUpper != want.tickUpper { diffs.append("tickUpper \(got.tickUpper) != \(want.tickUpper)") }
            if big(got.liquidity) != want.liquidity { diffs.append("liquidity \(got.liquidity) != \(want.liquidity)") }
            if big(got.feeGrowthInside0LastX128) != want.feeGrowthInside0LastX128 {
                diffs.append("feeGrowthInside0LastX128 \(got.feeGrowthInside0LastX128) != \(want.feeGrowthInside0LastX128)")
            }
            if big(got.feeGrowthInside1LastX128) != want.feeGrowthInside1LastX128 {
                diffs.append("feeGrowthInside1LastX128 \(got.feeGrowthInside1LastX128) != \(want.feeGrowthInside1LastX128)")
            }
            if big(got.tokensOwed0) != want.tokensOwed0 { diffs.append("tokensOwed0 \(got.tokensOwed0) != \(want.tokensOwed0)") }
            if big(got.tokensOwed1) != want.tokensOwed1 { diffs.append("tokensOwed1 \(got.tokensOwed1) != \(want.tokensOwed1)") }
            if !diffs.isEmpty { return "token \(id) (implementation != model): " + diffs.joined(separator: "; ") }
        }
        return nil
    }
}

// MARK: - Random histories

/// SplitMix64, wrapping arithmetic only.
private struct NPMRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<n (0 when n <= 1).
    mutating func below(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return Int(truncatingIfNeeded: next() % UInt64(truncatingIfNeeded: n))
    }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func u128() -> UInt128 { UInt128(next()) << 64 | UInt128(next()) }
    mutating func u256() -> UInt256 { UInt256(high: u128(), low: u128()) }

    /// Uniform below 2^bits (1...256).
    mutating func bits(_ bits: Int) -> BigInt { big(u256()) >> (256 - min(max(bits, 1), 256)) }

    /// Below n (n > 0; 0 otherwise).
    mutating func draw(below n: BigInt) -> BigInt {
        guard n > 0 else { return 0 }
        return big(u256()) % n
    }
}

private struct NPMRun {
    static let holders = ["alice", "bob", "carol", "dave"]
    /// Shared ranges: the full range, nested and overlapping ones, and two sharing a boundary tick.
    static let ranges: [(lower: Int32, upper: Int32)] = [
        (-887_220, 887_220), (-600, 600), (-600, 0), (0, 1_200), (-60, 60),
    ]

    var rng: NPMRandom
    var h = NPMHarness()
    /// The pool position's fee growth inside (the manager's position at each range), per side.
    var growth0: [BigInt] = []
    var growth1: [BigInt] = []
    var rangeOf: [Int: Int] = [:]
    var nextID = 1
    var burned: [Int] = []
    var recent: [String] = []

    init(seed: UInt64) {
        rng = NPMRandom(state: seed)
        for _ in Self.ranges {
            growth0.append(initialGrowth())
            growth1.append(initialGrowth())
        }
    }

    mutating func note(_ text: String) {
        recent.append(text)
        if recent.count > 8 { recent.removeFirst() }
    }

    // Draws (BigInt, always in range for the contract's types).

    mutating func initialGrowth() -> BigInt {
        switch rng.below(10) {
        case 0..<4: return 0
        case 4..<7: return rng.bits(256)
        default: return NPMWord.q256 - 1 - rng.bits(130)  // just below 2^256: the next growth wraps
        }
    }

    mutating func growthIncrement() -> BigInt {
        switch rng.below(10) {
        case 0, 1: return rng.bits(64)
        case 2, 3: return BigInt(rng.below(1_000)) * NPMWord.q128 + rng.bits(64)  // ~k wei per unit of liquidity
        case 4: return rng.bits(160)
        case 5: return rng.bits(200)
        case 6: return rng.bits(256)
        case 7: return NPMWord.q256 - 1 - rng.bits(70)     // nearly 2^256: the new value wraps past the old
        case 8: return NPMWord.q256 - NPMWord.q128 * BigInt(1 + rng.below(5))
        default: return 0
        }
    }

    mutating func accrue() {
        for r in Self.ranges.indices {
            if rng.chance(55) { growth0[r] = NPMWord.mod(growth0[r] + growthIncrement(), NPMWord.q256) }
            if rng.chance(55) { growth1[r] = NPMWord.mod(growth1[r] + growthIncrement(), NPMWord.q256) }
        }
    }

    /// 1...2^128-1, sometimes the maximum.
    mutating func liquidityDraw() -> BigInt {
        switch rng.below(20) {
        case 0..<8: return 1 + rng.bits(20)
        case 8..<13: return 1 + rng.bits(64)
        case 13..<16: return 1 + rng.bits(100)
        case 16, 17: return NPMWord.q128 - 1 - rng.bits(127)
        case 18: return NPMWord.q128 - 1
        default: return NPMWord.q128 - 1 - BigInt(rng.below(1_000))
        }
    }

    /// What a pool burn releases: 0...2^128-1.
    mutating func releasedDraw() -> BigInt {
        switch rng.below(10) {
        case 0, 1: return 0
        case 2, 3, 4: return rng.bits(64)
        case 5, 6, 7: return rng.bits(128)
        case 8: return NPMWord.q128 - 1
        default: return NPMWord.q128 - 1 - rng.bits(32)
        }
    }

    /// A collect maximum: all, below what is owed, exactly it, 0, anything.
    mutating func maxDraw(owed: BigInt) -> BigInt {
        switch rng.below(10) {
        case 0, 1, 2: return NPMWord.q128 - 1
        case 3, 4: return owed > 1 ? 1 + rng.draw(below: owed - 1) : 1
        case 5: return 0
        case 6, 7: return rng.bits(128)
        case 8: return owed
        default: return rng.bits(16)
        }
    }

    // Operations.

    mutating func once() -> String? {
        accrue()
        let live = h.model.tokens.keys.map { Int(truncatingIfNeeded: $0) }.sorted()
        guard !live.isEmpty else { return mint() }
        let id = live[rng.below(live.count)]
        switch rng.below(100) {
        case 0..<18: return mint()
        case 18..<30: return increase(id)
        case 30..<48: return decrease(id)
        case 48..<66: return collect(id)
        case 66..<76: return transfer(id)
        case 76..<82: return burn(id)
        case 82..<92: return clearAndBurn(id)
        default: return unknown(live)
        }
    }

    mutating func mint(id requested: Int? = nil, zero: Bool = false) -> String? {
        let id = requested ?? nextID
        let r = rng.below(Self.ranges.count)
        let lower = Self.ranges[r].lower, upper = Self.ranges[r].upper
        let holder = Self.holders[rng.below(Self.holders.count)]
        let liquidity = zero || rng.chance(3) ? BigInt(0) : liquidityDraw()
        let g0 = growth0[r], g1 = growth1[r]
        let uid = tokenID(id), l128 = NPMWord.u128(liquidity), g0f = NPMWord.u256(g0), g1f = NPMWord.u256(g1)
        let existed = h.model.tokens[BigInt(id)] != nil
        note("mint #\(id) to \(holder) [\(lower), \(upper)] L \(liquidity) growth (\(g0), \(g1))")
        let failure = h.step(
            model: { try $0.mint(tokenID: BigInt(id), holder: holder, tickLower: lower, tickUpper: upper, liquidity: liquidity,
                                 growthInside0: g0, growthInside1: g1); return [] },
            impl: { try $0.mint(tokenID: uid, holder: holder, tickLower: lower, tickUpper: upper, liquidity: l128,
                                growthInside0: g0f, growthInside1: g1f); return [] })
        // `_nextId++` only on success (a revert undoes it).
        if !existed && h.model.tokens[BigInt(id)] != nil {
            rangeOf[id] = r
            if id == nextID { nextID += 1 }
        }
        return failure
    }

    mutating func increase(_ id: Int) -> String? {
        guard let token = h.model.tokens[BigInt(id)], let r = rangeOf[id] else { return nil }
        // Never past 2^128-1 for the token (the pool would revert first, 'LA'; not this API's concern).
        let room = NPMWord.q128 - 1 - token.liquidity
        guard room > 0 else { return collect(id) }
        let draw = liquidityDraw()
        let amount = draw > room ? 1 + rng.draw(below: room) : draw
        let g0 = growth0[r], g1 = growth1[r]
        let uid = tokenID(id), a128 = NPMWord.u128(amount), g0f = NPMWord.u256(g0), g1f = NPMWord.u256(g1)
        note("increase #\(id) by \(amount) (L \(token.liquidity)) growth (\(g0), \(g1))")
        return h.step(
            model: { try $0.increaseLiquidity(tokenID: BigInt(id), liquidity: amount, growthInside0: g0, growthInside1: g1); return [] },
            impl: { try $0.increaseLiquidity(tokenID: uid, liquidity: a128, growthInside0: g0f, growthInside1: g1f); return [] })
    }

    mutating func decrease(_ id: Int, all: Bool = false) -> String? {
        guard let token = h.model.tokens[BigInt(id)], let r = rangeOf[id] else { return nil }
        let held = token.liquidity
        let amount: BigInt
        switch all ? 2 : rng.below(10) {
        case 0: amount = 0                                          // refused: liquidity 0
        case 1: amount = held < NPMWord.q128 - 1 ? held + 1 : held     // refused: more than held
        case 2, 3, 4: amount = held                                 // all of it (refused when held is 0)
        default: amount = held > 0 ? 1 + rng.draw(below: held) : 1
        }
        let amount0 = releasedDraw(), amount1 = releasedDraw()
        let g0 = growth0[r], g1 = growth1[r]
        let uid = tokenID(id), l128 = NPMWord.u128(amount)
        let a0 = NPMWord.u256(amount0), a1 = NPMWord.u256(amount1), g0f = NPMWord.u256(g0), g1f = NPMWord.u256(g1)
        note("decrease #\(id) by \(amount) of \(held), released (\(amount0), \(amount1)) growth (\(g0), \(g1))")
        return h.step(
            model: { try $0.decreaseLiquidity(tokenID: BigInt(id), liquidity: amount, amount0: amount0, amount1: amount1,
                                              growthInside0: g0, growthInside1: g1); return [] },
            impl: { try $0.decreaseLiquidity(tokenID: uid, liquidity: l128, amount0: a0, amount1: a1,
                                             growthInside0: g0f, growthInside1: g1f); return [] })
    }

    mutating func collect(_ id: Int, everything: Bool = false) -> String? {
        guard let token = h.model.tokens[BigInt(id)], let r = rangeOf[id] else { return nil }
        let max0 = everything ? NPMWord.q128 - 1 : maxDraw(owed: token.tokensOwed0)
        let max1 = everything ? NPMWord.q128 - 1 : maxDraw(owed: token.tokensOwed1)
        // The poke (and its growth) only when the token has liquidity.
        let poke: (BigInt, BigInt)? = token.liquidity > 0 ? (growth0[r], growth1[r]) : nil
        let uid = tokenID(id), m0 = NPMWord.u128(max0), m1 = NPMWord.u128(max1)
        let g0f = poke.map { NPMWord.u256($0.0) }, g1f = poke.map { NPMWord.u256($0.1) }
        note("collect #\(id) max (\(max0), \(max1)) owed (\(token.tokensOwed0), \(token.tokensOwed1)) L \(token.liquidity) poke \(poke.map { "(\($0.0), \($0.1))" } ?? "none")")
        return h.step(
            model: { let (a0, a1) = try $0.collect(tokenID: BigInt(id), amount0Max: max0, amount1Max: max1, poke: poke); return [a0, a1] },
            impl: { let got = try $0.collect(tokenID: uid, amount0Max: m0, amount1Max: m1, growthInside0: g0f, growthInside1: g1f)
                    return [big(got.amount0), big(got.amount1)] })
    }

    mutating func transfer(_ id: Int) -> String? {
        guard let token = h.model.tokens[BigInt(id)] else { return nil }
        let others = Self.holders.filter { $0 != token.holder }
        let from = others.isEmpty || rng.chance(85) ? token.holder : others[rng.below(others.count)]
        let to = Self.holders[rng.below(Self.holders.count)]  // sometimes to itself (ERC-721 allows it)
        let uid = tokenID(id)
        note("transfer #\(id) from \(from) (holder \(token.holder)) to \(to)")
        return h.step(
            model: { try $0.transfer(tokenID: BigInt(id), from: from, to: to); return [] },
            impl: { try $0.transfer(tokenID: uid, from: from, to: to); return [] })
    }

    mutating func burn(_ id: Int) -> String? {
        let uid = tokenID(id)
        note("burn #\(id)")
        let failure = h.step(
            model: { try $0.burn(tokenID: BigInt(id)); return [] },
            impl: { try $0.burn(tokenID: uid); return [] })
        if h.model.tokens[BigInt(id)] == nil, rangeOf[id] != nil {
            rangeOf[id] = nil
            burned.append(id)
        }
        return failure
    }

    /// Decrease everything, collect everything (no poke: liquidity is then 0), burn: each step compared.
    mutating func clearAndBurn(_ id: Int) -> String? {
        guard let token = h.model.tokens[BigInt(id)] else { return nil }
        if token.liquidity > 0, let failure = decrease(id, all: true) { return failure }
        if let failure = collect(id, everything: true) { return failure }
        return burn(id)
    }

    /// Operations the contract refuses: unknown or burned ids, duplicate or empty mints.
    mutating func unknown(_ live: [Int]) -> String? {
        let ghost = burned.isEmpty || rng.chance(30) ? nextID + 1 + rng.below(5) : burned[rng.below(burned.count)]
        let uid = tokenID(ghost)
        let g = NPMWord.u256(growth0[0])
        let growth = growth0[0]
        switch rng.below(7) {
        case 0:
            note("increase unknown #\(ghost)")
            return h.step(
                model: { try $0.increaseLiquidity(tokenID: BigInt(ghost), liquidity: 1, growthInside0: growth, growthInside1: growth); return [] },
                impl: { try $0.increaseLiquidity(tokenID: uid, liquidity: 1, growthInside0: g, growthInside1: g); return [] })
        case 1:
            note("decrease unknown #\(ghost)")
            return h.step(
                model: { try $0.decreaseLiquidity(tokenID: BigInt(ghost), liquidity: 1, amount0: 0, amount1: 0,
                                                  growthInside0: growth, growthInside1: growth); return [] },
                impl: { try $0.decreaseLiquidity(tokenID: uid, liquidity: 1, amount0: .zero, amount1: .zero,
                                                 growthInside0: g, growthInside1: g); return [] })
        case 2:
            note("collect unknown #\(ghost)")
            return h.step(
                model: { let (a0, a1) = try $0.collect(tokenID: BigInt(ghost), amount0Max: NPMWord.q128 - 1, amount1Max: NPMWord.q128 - 1, poke: nil)
                         return [a0, a1] },
                impl: { let got = try $0.collect(tokenID: uid, amount0Max: .max, amount1Max: .max, growthInside0: nil, growthInside1: nil)
                        return [big(got.amount0), big(got.amount1)] })
        case 3:
            note("transfer unknown #\(ghost)")
            return h.step(
                model: { try $0.transfer(tokenID: BigInt(ghost), from: "alice", to: "bob"); return [] },
                impl: { try $0.transfer(tokenID: uid, from: "alice", to: "bob"); return [] })
        case 4:
            return burn(ghost)
        case 5:
            guard !live.isEmpty else { return mint(zero: true) }
            return mint(id: live[rng.below(live.count)])  // an id that exists: refused
        default:
            return mint(zero: true)  // liquidity 0: refused
        }
    }
}

// MARK: - Tests

@Suite struct PositionManagerModelTests {
    /// 200 seeded histories of 60 steps: after every step the implementation's tokens equal the
    /// model's exactly, collect returns what the model returns, and refusals match (leaving the
    /// manager unchanged).
    @Test func randomHistoriesMatchTheContractModel() {
        var stats = ModelStats()
        var refusals = 0, failures = 0
        for seed in UInt64(1)...200 {
            var run = NPMRun(seed: seed &* 0x2545_F491_4F6C_DD1D)
            for stepIndex in 0..<60 {
                if let failure = run.once() {
                    let recent = run.recent.joined(separator: "\n  ")
                    Issue.record("seed \(seed), step \(stepIndex): \(failure)\nrecent operations:\n  \(recent)")
                    failures += 1
                    break
                }
            }
            stats = stats + run.h.model.stats
            refusals += run.h.refusals
            if failures >= 5 { break }
        }
        guard failures == 0 else { return }
        // The histories reach the edges they are meant to.
        #expect(stats.wraps256 > 0, "no uint256 fee growth wrap")
        #expect(stats.truncations128 > 0, "no uint128 truncation of a mulDiv")
        #expect(stats.owedWraps > 0, "no uint128 wrap of tokens owed")
        #expect(stats.burns > 0, "no burn")
        #expect(stats.partialCollects > 0, "no partial collect")
        #expect(stats.idleCollects > 0, "no collect without a poke")
        #expect(stats.pokes > 0, "no collect with a poke")
        #expect(refusals > 0, "no refusal")
    }

    static let q128 = UInt256(high: 1, low: 0)

    /// Runs `body` and expects a Rejection that leaves the manager unchanged.
    func expectRefused(_ manager: inout PositionManager, _ what: String,
                       sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: (inout PositionManager) throws -> Void) {
        let before = manager
        do {
            try body(&manager)
            Issue.record("\(what): accepted, the contract reverts", sourceLocation: sourceLocation)
        } catch {
            #expect(error is Rejection, "\(what): \(error)", sourceLocation: sourceLocation)
            #expect(manager == before, "\(what): refused but changed the manager", sourceLocation: sourceLocation)
        }
    }

    /// Fee growth of exactly 2^128 per unit of liquidity on L credits L wei, on the liquidity before
    /// the decrease, plus what the burn released; a collect below what is owed leaves the difference.
    @Test func decreaseCreditsFeesThenPartialCollectLeavesTheRest() throws {
        var manager = PositionManager()
        let one = UInt256(1)
        try manager.mint(tokenID: one, holder: "alice", tickLower: -600, tickUpper: 600, liquidity: 1_000,
                         growthInside0: .zero, growthInside1: .zero)
        // growth 2^128 (side 0) and 3 * 2^128 (side 1) per unit, on L = 1000 before the decrease.
        let g1 = UInt256(high: 3, low: 0)
        try manager.decreaseLiquidity(tokenID: one, liquidity: 400, amount0: UInt256(7), amount1: UInt256(9),
                                      growthInside0: Self.q128, growthInside1: g1)
        var token = try #require(manager.tokens[one])
        #expect(token.liquidity == 600)
        #expect(token.tokensOwed0 == 1_007)
        #expect(token.tokensOwed1 == 3_009)
        #expect(token.feeGrowthInside0LastX128 == Self.q128)
        #expect(token.feeGrowthInside1LastX128 == g1)
        #expect(token.holder == "alice" && token.tickLower == -600 && token.tickUpper == 600)

        // Burning with liquidity and fees owed: 'Not cleared'.
        expectRefused(&manager, "burn with liquidity") { try $0.burn(tokenID: one) }

        // A collect of at most 1000 of token0 (all of token1), no new growth at the poke.
        let got = try manager.collect(tokenID: one, amount0Max: 1_000, amount1Max: .max, growthInside0: Self.q128, growthInside1: g1)
        #expect(got.amount0 == 1_000 && got.amount1 == 3_009)
        token = try #require(manager.tokens[one])
        #expect(token.tokensOwed0 == 7 && token.tokensOwed1 == 0)

        // Out with the rest of the liquidity (nothing released, no growth): still 7 owed -> burn refused.
        try manager.decreaseLiquidity(tokenID: one, liquidity: 600, amount0: .zero, amount1: .zero,
                                      growthInside0: Self.q128, growthInside1: g1)
        expectRefused(&manager, "burn with tokens owed") { try $0.burn(tokenID: one) }
        expectRefused(&manager, "collect with both maxima 0") {
            _ = try $0.collect(tokenID: one, amount0Max: 0, amount1Max: 0, growthInside0: nil, growthInside1: nil)
        }
        // At liquidity 0 there is no poke (nil growth).
        let rest = try manager.collect(tokenID: one, amount0Max: .max, amount1Max: 1, growthInside0: nil, growthInside1: nil)
        #expect(rest.amount0 == 7 && rest.amount1 == 0)
        try manager.burn(tokenID: one)
        #expect(manager.tokens.isEmpty)
        expectRefused(&manager, "burn twice") { try $0.burn(tokenID: one) }
        expectRefused(&manager, "collect burned") {
            _ = try $0.collect(tokenID: one, amount0Max: 1, amount1Max: 1, growthInside0: nil, growthInside1: nil)
        }
        expectRefused(&manager, "transfer burned") { try $0.transfer(tokenID: one, from: "alice", to: "bob") }
    }

    /// `feeGrowthInside - last` is a uint256 subtraction: growth that wrapped past 2^256 still credits.
    @Test func feeGrowthSubtractionWrapsModulo2To256() throws {
        let max256 = try UInt256.parseDecimal("115792089237316195423570985008687907853269984665640564039457584007913129639935").get()
        #expect(max256 == UInt256(high: .max, low: .max))
        var manager = PositionManager()
        let id = UInt256(1)
        let half = UInt128(1) << 127
        // last 2^256 - 2^127 -> now 2^127: delta 2^128 -> L = 5 wei. Side 1: 2^256 - 1 -> 2^129 - 1: delta 2^129 -> 10 wei.
        try manager.mint(tokenID: id, holder: "bob", tickLower: 0, tickUpper: 1_200, liquidity: 5,
                         growthInside0: UInt256(high: .max, low: half), growthInside1: max256)
        try manager.increaseLiquidity(tokenID: id, liquidity: 10, growthInside0: UInt256(high: 0, low: half),
                                      growthInside1: UInt256(high: 1, low: .max))
        var token = try #require(manager.tokens[id])
        #expect(token.liquidity == 15)
        #expect(token.tokensOwed0 == 5 && token.tokensOwed1 == 10)
        #expect(token.feeGrowthInside0LastX128 == UInt256(high: 0, low: half))
        #expect(token.feeGrowthInside1LastX128 == UInt256(high: 1, low: .max))
        // A poke with 2^128 more on side 0, on L = 15: 15 more wei.
        let g0 = UInt256(high: 1, low: half)
        let got = try manager.collect(tokenID: id, amount0Max: .max, amount1Max: .max, growthInside0: g0, growthInside1: UInt256(high: 1, low: .max))
        #expect(got.amount0 == 20 && got.amount1 == 10)
        token = try #require(manager.tokens[id])
        #expect(token.tokensOwed0 == 0 && token.tokensOwed1 == 0)
        #expect(token.feeGrowthInside0LastX128 == g0)
    }

    /// `uint128(FullMath.mulDiv(...))` keeps the low 128 bits, and the owed sum wraps mod 2^128:
    /// computed by hand, checked against both the implementation and the model.
    @Test func uint128TruncationAndOwedWrap() throws {
        let maxL = UInt128.max
        let id = UInt256(1)
        var manager = PositionManager()
        var model = NPMModel()
        try manager.mint(tokenID: id, holder: "carol", tickLower: -60, tickUpper: 60, liquidity: maxL, growthInside0: .zero, growthInside1: .zero)
        try model.mint(tokenID: 1, holder: "carol", tickLower: -60, tickUpper: 60, liquidity: big(maxL), growthInside0: 0, growthInside1: 0)
        // delta 2^256-1 on L = 2^128-1: floor = 2^256 - 2^128 - 1, low 128 bits 2^128 - 1.
        let top = UInt256(high: .max, low: .max)
        try manager.decreaseLiquidity(tokenID: id, liquidity: 1, amount0: .zero, amount1: .zero, growthInside0: top, growthInside1: .zero)
        try model.decreaseLiquidity(tokenID: 1, liquidity: 1, amount0: 0, amount1: 0, growthInside0: big(top), growthInside1: 0)
        var token = try #require(manager.tokens[id])
        #expect(token.tokensOwed0 == .max)
        #expect(token.liquidity == maxL - 1)
        #expect(model.tokens[1]?.tokensOwed0 == big(UInt128.max))
        // growth 2^256 - 1 -> 2 (wrapped): delta 3 on L = 2^128 - 2: floor(3 - 6/2^128) = 2;
        // owed (2^128 - 1) + (5 + 2) wraps to 6.
        try manager.decreaseLiquidity(tokenID: id, liquidity: 1, amount0: UInt256(5), amount1: .zero, growthInside0: UInt256(2), growthInside1: .zero)
        try model.decreaseLiquidity(tokenID: 1, liquidity: 1, amount0: 5, amount1: 0, growthInside0: 2, growthInside1: 0)
        token = try #require(manager.tokens[id])
        #expect(token.tokensOwed0 == 6)
        #expect(token.tokensOwed1 == 0)
        #expect(token.liquidity == maxL - 2)
        #expect(token.feeGrowthInside0LastX128 == UInt256(2))
        #expect(model.tokens[1]?.tokensOwed0 == 6)
        #expect(model.tokens[1]?.liquidity == big(maxL - 2))
        #expect(model.stats.truncations128 == 1 && model.stats.wraps256 == 1 && model.stats.owedWraps == 1)
    }

    /// At liquidity 0 a collect makes no poke: the checkpoints stay, the maxima cap what leaves.
    @Test func collectWithoutLiquidityKeepsCheckpoints() throws {
        var manager = PositionManager()
        let id = UInt256(1)
        try manager.mint(tokenID: id, holder: "dave", tickLower: -600, tickUpper: 0, liquidity: 10, growthInside0: .zero, growthInside1: .zero)
        try manager.decreaseLiquidity(tokenID: id, liquidity: 10, amount0: .zero, amount1: UInt256(4),
                                      growthInside0: Self.q128, growthInside1: .zero)
        let got = try manager.collect(tokenID: id, amount0Max: 1, amount1Max: 1, growthInside0: nil, growthInside1: nil)
        #expect(got.amount0 == 1 && got.amount1 == 1)
        let token = try #require(manager.tokens[id])
        #expect(token.tokensOwed0 == 9 && token.tokensOwed1 == 3)
        #expect(token.feeGrowthInside0LastX128 == Self.q128 && token.feeGrowthInside1LastX128 == .zero)
        #expect(token.liquidity == 0)
    }

    /// What the contract reverts on, refused with the manager unchanged; a transfer moves only the holder.
    @Test func refusalsAndTransfer() throws {
        var manager = PositionManager()
        let one = UInt256(1), two = UInt256(2)
        expectRefused(&manager, "mint with liquidity 0") {
            try $0.mint(tokenID: one, holder: "alice", tickLower: -60, tickUpper: 60, liquidity: 0, growthInside0: .zero, growthInside1: .zero)
        }
        try manager.mint(tokenID: one, holder: "alice", tickLower: -60, tickUpper: 60, liquidity: 50,
                         growthInside0: UInt256(123), growthInside1: UInt256(456))
        expectRefused(&manager, "mint an existing id") {
            try $0.mint(tokenID: one, holder: "bob", tickLower: -60, tickUpper: 60, liquidity: 1, growthInside0: .zero, growthInside1: .zero)
        }
        expectRefused(&manager, "increase unknown") {
            try $0.increaseLiquidity(tokenID: two, liquidity: 1, growthInside0: .zero, growthInside1: .zero)
        }
        expectRefused(&manager, "decrease unknown") {
            try $0.decreaseLiquidity(tokenID: two, liquidity: 1, amount0: .zero, amount1: .zero, growthInside0: .zero, growthInside1: .zero)
        }
        expectRefused(&manager, "decrease 0") {
            try $0.decreaseLiquidity(tokenID: one, liquidity: 0, amount0: .zero, amount1: .zero, growthInside0: UInt256(123), growthInside1: UInt256(456))
        }
        expectRefused(&manager, "decrease more than held") {
            try $0.decreaseLiquidity(tokenID: one, liquidity: 51, amount0: .zero, amount1: .zero, growthInside0: UInt256(123), growthInside1: UInt256(456))
        }
        expectRefused(&manager, "collect unknown") {
            _ = try $0.collect(tokenID: two, amount0Max: 1, amount1Max: 1, growthInside0: nil, growthInside1: nil)
        }
        expectRefused(&manager, "collect with both maxima 0") {
            _ = try $0.collect(tokenID: one, amount0Max: 0, amount1Max: 0, growthInside0: UInt256(123), growthInside1: UInt256(456))
        }
        expectRefused(&manager, "transfer unknown") { try $0.transfer(tokenID: two, from: "alice", to: "bob") }
        expectRefused(&manager, "transfer from a non-holder") { try $0.transfer(tokenID: one, from: "bob", to: "carol") }
        expectRefused(&manager, "burn unknown") { try $0.burn(tokenID: two) }
        expectRefused(&manager, "burn with liquidity") { try $0.burn(tokenID: one) }

        let before = try #require(manager.tokens[one])
        try manager.transfer(tokenID: one, from: "alice", to: "bob")
        let after = try #require(manager.tokens[one])
        #expect(after.holder == "bob")
        #expect(after.liquidity == before.liquidity && after.tokensOwed0 == before.tokensOwed0 && after.tokensOwed1 == before.tokensOwed1)
        #expect(after.feeGrowthInside0LastX128 == before.feeGrowthInside0LastX128 && after.feeGrowthInside1LastX128 == before.feeGrowthInside1LastX128)
        #expect(after.tickLower == before.tickLower && after.tickUpper == before.tickUpper)
        expectRefused(&manager, "transfer by the former holder") { try $0.transfer(tokenID: one, from: "alice", to: "carol") }
    }
}

// MARK: - Through the ledger: commands, facts, swaps, audit

/// NFT histories run as commands through the ledger, with swaps across the
/// ranges between them: after every step each NFT's holder, liquidity,
/// checkpoints and tokens owed equal the model's (fed the pool position's
/// fee growth inside, the pool side, which the pool's own tests check), its
/// lifetime fees in the audit equal what the model credited plus what it
/// would credit now, and the manager's position in each range holds the sum
/// of the model's NFTs there.
@Suite struct PositionManagerLedgerTests {
    static let pool = "nft"
    static let manager = mainnetPositionManager
    static let ranges: [(Int32, Int32)] = [(-600, 600), (-600, 0), (0, 1_200), (-60, 60), (-1_200, 1_200)]

    fileprivate struct Run {
        var rng: NPMRandom
        var ledger = Ledger()
        var fold = AuditFold(pool: PositionManagerLedgerTests.pool)
        var model = NPMModel()
        /// Fees the model credited to each token (BigInt, never wrapping at these sizes).
        var credited: [BigInt: (BigInt, BigInt)] = [:]
        /// What each token's collects asked for beyond what the pool paid.
        var shortfall: [BigInt: (BigInt, BigInt)] = [:]
        var nextID = 1
        var log: [String] = []
        /// How often each kind of step ran, and collects that left something owed (the history must reach them).
        var kinds: [String: Int] = [:]

        init(seed: UInt64) throws {
            rng = NPMRandom(state: seed)
            try execute(.createPool(PoolCreated(pool: PositionManagerLedgerTests.pool, token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)))
            try execute(.mintPosition(MintPosition(pool: PositionManagerLedgerTests.pool, owner: "lp", tickLower: -887_220, tickUpper: 887_220, liquidity: UInt256.powerOfTen(22)!)))
        }

        var v3: ConcentratedPool { ledger.pools[PositionManagerLedgerTests.pool]!.concentrated! }

        @discardableResult
        mutating func execute(_ body: CommandBody) throws -> [Fact] {
            let facts = try ledger.execute(Command(body))
            for fact in facts { try fold.fold(fact, seq: ledger.seq) }
            return facts
        }

        func growth(_ lower: Int32, _ upper: Int32) -> (BigInt, BigInt) {
            let info = v3.positions[ConcentratedPool.PositionKey(owner: PositionManagerLedgerTests.manager, tickLower: lower, tickUpper: upper)]
            return (big(info?.feeGrowthInside0LastX128 ?? .zero), big(info?.feeGrowthInside1LastX128 ?? .zero))
        }

        mutating func amount(_ low: Int, _ high: Int) -> UInt256 {
            // 10^low ... 10^high, log-uniform-ish.
            let exponent = low + rng.below(high - low + 1)
            return UInt256.powerOfTen(exponent)! * UInt256(UInt64(1 + rng.below(9)))
        }

        mutating func credit(_ id: BigInt, _ before: ModelToken?, released: (BigInt, BigInt), collected: (BigInt, BigInt)) {
            let after = model.tokens[id]
            let owedBefore = (before?.tokensOwed0 ?? 0, before?.tokensOwed1 ?? 0), owedAfter = (after?.tokensOwed0 ?? 0, after?.tokensOwed1 ?? 0)
            let c = credited[id] ?? (0, 0)
            credited[id] = (c.0 + owedAfter.0 - owedBefore.0 + collected.0 - released.0, c.1 + owedAfter.1 - owedBefore.1 + collected.1 - released.1)
        }

        mutating func step() throws {
            let live = model.tokens.keys.sorted()
            let choice = live.isEmpty ? 0 : rng.below(100)
            let id = live.isEmpty ? BigInt(0) : live[rng.below(live.count)]
            let uid = NPMWord.u256(id)
            let kind = ["mint", "increase", "decrease", "collect", "transfer", "burn", "swap"][
                choice < 15 ? 0 : choice < 27 ? 1 : choice < 42 ? 2 : choice < 58 ? 3 : choice < 68 ? 4 : choice < 72 ? 5 : 6]
            kinds[kind, default: 0] += 1
            switch choice {
            case 0..<15:
                let (lower, upper) = PositionManagerLedgerTests.ranges[rng.below(PositionManagerLedgerTests.ranges.count)]
                let holder = NPMRun.holders[rng.below(NPMRun.holders.count)]
                let liquidity = amount(15, 21)
                let newID = BigInt(nextID)
                nextID += 1
                log.append("mint #\(newID) \(holder) [\(lower), \(upper)] L \(liquidity)")
                try execute(.mintNFTPosition(MintNFTPosition(pool: PositionManagerLedgerTests.pool, holder: holder, tokenID: NPMWord.u256(newID), tickLower: lower, tickUpper: upper, liquidity: liquidity)))
                let g = growth(lower, upper)
                try model.mint(tokenID: newID, holder: holder, tickLower: lower, tickUpper: upper, liquidity: big(liquidity), growthInside0: g.0, growthInside1: g.1)
                credited[newID] = (0, 0)
            case 15..<27:
                let liquidity = amount(15, 21)
                log.append("increase #\(id) by \(liquidity)")
                let before = model.tokens[id]!
                try execute(.increaseLiquidity(ChangeNFTLiquidity(pool: PositionManagerLedgerTests.pool, tokenID: uid, liquidity: liquidity)))
                let g = growth(before.tickLower, before.tickUpper)
                try model.increaseLiquidity(tokenID: id, liquidity: big(liquidity), growthInside0: g.0, growthInside1: g.1)
                credit(id, before, released: (0, 0), collected: (0, 0))
            case 27..<42:
                let before = model.tokens[id]!
                guard before.liquidity > 0 else { return }
                // Some, most or all of it.
                let share = [1, 2, 3, 4][rng.below(4)]
                let liquidity = share == 4 ? before.liquidity : max(1, before.liquidity * BigInt(share) / 4)
                log.append("decrease #\(id) by \(liquidity)")
                let facts = try execute(.decreaseLiquidity(ChangeNFTLiquidity(pool: PositionManagerLedgerTests.pool, tokenID: uid, liquidity: NPMWord.u256(liquidity))))
                guard case .nftLiquidityDecreased(let f) = facts[0].body else { Issue.record("decrease decided \(facts)"); return }
                let g = growth(before.tickLower, before.tickUpper)
                try model.decreaseLiquidity(tokenID: id, liquidity: liquidity, amount0: big(f.amount0), amount1: big(f.amount1), growthInside0: g.0, growthInside1: g.1)
                credit(id, before, released: (big(f.amount0), big(f.amount1)), collected: (0, 0))
            case 42..<58:
                let before = model.tokens[id]!
                let max0 = rng.chance(60) ? NPMWord.q128 - 1 : BigInt(rng.below(1_000_000)) * BigInt(10).power(9) + 1
                let max1 = rng.chance(60) ? NPMWord.q128 - 1 : BigInt(rng.below(1_000_000)) * BigInt(10).power(9)
                log.append("collect #\(id) max \(max0), \(max1)")
                let facts = try execute(.collectNFT(CollectNFT(pool: PositionManagerLedgerTests.pool, tokenID: uid, amount0Max: NPMWord.u256(max0), amount1Max: NPMWord.u256(max1))))
                guard case .nftCollected(let f) = facts[0].body else { Issue.record("collect decided \(facts)"); return }
                let g = growth(before.tickLower, before.tickUpper)
                let (want0, want1) = try model.collect(tokenID: id, amount0Max: max0, amount1Max: max1, poke: before.liquidity > 0 ? g : nil)
                #expect(big(f.amount0) == want0 && big(f.amount1) == want1, "collect #\(id): the manager's amounts \(f.amount0), \(f.amount1), the model's \(want0), \(want1)")
                #expect(f.poolAmount0 <= f.amount0 && f.poolAmount1 <= f.amount1, "the pool pays at most what the manager asked")
                if model.tokens[id].map({ $0.tokensOwed0 > 0 || $0.tokensOwed1 > 0 }) == true { kinds["partial collect", default: 0] += 1 }
                if f.poolAmount0 < f.amount0 || f.poolAmount1 < f.amount1 { kinds["pool paid less", default: 0] += 1 }
                credit(id, before, released: (0, 0), collected: (want0, want1))
                // What the manager took but the pool did not pay never reached the holder: no fee of theirs.
                let lost = shortfall[id] ?? (0, 0)
                shortfall[id] = (lost.0 + want0 - big(f.poolAmount0), lost.1 + want1 - big(f.poolAmount1))
            case 58..<68:
                let before = model.tokens[id]!
                let to = NPMRun.holders.filter { $0 != before.holder }[rng.below(NPMRun.holders.count - 1)]
                log.append("transfer #\(id) to \(to)")
                try execute(.transferNFT(MoveNFT(pool: PositionManagerLedgerTests.pool, tokenID: uid, to: to)))
                try model.transfer(tokenID: id, from: before.holder, to: to)
            case 68..<72:
                let before = model.tokens[id]!
                guard before.liquidity == 0, before.tokensOwed0 == 0, before.tokensOwed1 == 0 else { return }
                log.append("burn #\(id)")
                try execute(.burnNFT(MoveNFT(pool: PositionManagerLedgerTests.pool, tokenID: uid, to: zeroAddress)))
                try model.burn(tokenID: id)
            default:
                let zeroForOne = rng.chance(50)
                let amountIn = amount(16, 21)
                log.append("swap \(zeroForOne ? "A" : "B") \(amountIn)")
                try execute(.swapExactIn(SwapExactIn(pool: PositionManagerLedgerTests.pool, trader: "t", tokenIn: zeroForOne ? "A" : "B", amountIn: amountIn)))
            }
        }

        /// Every NFT against the model, the audit's lifetime fees, the manager law; nil when all agree.
        func mismatch() throws -> String? {
            let book = v3.managers[PositionManagerLedgerTests.manager] ?? PositionManager()
            let ids = Set(book.tokens.keys.map { big($0) })
            guard ids == Set(model.tokens.keys) else { return "token ids \(ids.sorted()), the model's \(model.tokens.keys.sorted())" }
            let audit = try #require(try fold.concentratedAudit())
            var sums: [String: BigInt] = [:]
            for (id, want) in model.tokens {
                let got = book.tokens[NPMWord.u256(id)]!
                guard got.holder == want.holder, big(got.liquidity) == want.liquidity, big(got.tokensOwed0) == want.tokensOwed0,
                      big(got.tokensOwed1) == want.tokensOwed1, big(got.feeGrowthInside0LastX128) == want.feeGrowthInside0LastX128,
                      big(got.feeGrowthInside1LastX128) == want.feeGrowthInside1LastX128, got.tickLower == want.tickLower, got.tickUpper == want.tickUpper
                else { return "token \(id): ledger \(got), model \(want)" }
                // Lifetime fees: credited so far plus what the NFT's liquidity earned since its checkpoint.
                let inside = v3.feeGrowthInside(tickLower: want.tickLower, tickUpper: want.tickUpper)
                var scratch = model
                let pending0 = try scratch.feesSince(big(inside.0), want.feeGrowthInside0LastX128, liquidity: want.liquidity)
                let pending1 = try scratch.feesSince(big(inside.1), want.feeGrowthInside1LastX128, liquidity: want.liquidity)
                let credit = credited[id]!, lost = shortfall[id] ?? (0, 0)
                let c = (credit.0 - lost.0, credit.1 - lost.1)
                guard let row = audit.nfts.first(where: { $0.key.tokenID == NPMWord.u256(id) }) else { return "token \(id) has no audit row" }
                guard big(row.audit.lifetimeFees0) == c.0 + pending0, big(row.audit.lifetimeFees1) == c.1 + pending1,
                      row.holder == want.holder, big(row.tokensOwed0) == want.tokensOwed0, big(row.tokensOwed1) == want.tokensOwed1 else {
                    return "token \(id): audit lifetime fees \(row.audit.lifetimeFees0), \(row.audit.lifetimeFees1), the model's \(c.0 + pending0), \(c.1 + pending1)"
                }
                sums["\(want.tickLower):\(want.tickUpper)", default: 0] += want.liquidity
            }
            for (lower, upper) in PositionManagerLedgerTests.ranges {
                let pooled = big(v3.positions[ConcentratedPool.PositionKey(owner: PositionManagerLedgerTests.manager, tickLower: lower, tickUpper: upper)]?.liquidity ?? 0)
                guard pooled == sums["\(lower):\(upper)"] ?? 0 else { return "range [\(lower), \(upper)]: the manager's pool position \(pooled), the model's NFTs \(sums["\(lower):\(upper)"] ?? 0)" }
            }
            guard audit.managerRanges.allSatisfy(\.holds) else { return "the audit's manager law does not hold" }
            return nil
        }
    }

    /// The contract's own rounding: the pool credits its (the manager's)
    /// position at every touch, rounding each credit down, while an NFT not
    /// touched meanwhile rounds its fees once over the whole time. So after
    /// one NFT of a range is poked and paid often, the other's collect of
    /// everything asks the pool for a few wei more than the pool position
    /// holds: the manager's Collect states what it asked, the pool's what it
    /// paid, both kept, and the refold of the facts agrees.
    @Test func aManagerCollectMayStateMoreThanThePoolPays() throws {
        var short = 0
        for variant in UInt64(1)...12 {
            var ledger = Ledger()
            var facts: [Fact] = []
            func run(_ body: CommandBody) throws { facts += try ledger.execute(Command(body)) }
            try run(.createPool(PoolCreated(pool: Self.pool, token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)))
            try run(.mintPosition(MintPosition(pool: Self.pool, owner: "lp", tickLower: -887_220, tickUpper: 887_220, liquidity: UInt256.powerOfTen(22)!)))
            try run(.mintNFTPosition(MintNFTPosition(pool: Self.pool, holder: "alice", tokenID: 1, tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(20)! + UInt256(variant))))
            try run(.mintNFTPosition(MintNFTPosition(pool: Self.pool, holder: "bob", tokenID: 2, tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(20)! * 3 + UInt256(7 * variant))))
            for round in UInt64(0)..<40 {
                let amount = UInt256.powerOfTen(15)! * UInt256(1 + (round * 7 + variant * 13) % 17) + UInt256(round * 1_000_003)
                try run(.swapExactIn(SwapExactIn(pool: Self.pool, trader: "t", tokenIn: round % 2 == 0 ? "A" : "B", amountIn: amount)))
                try run(.collectNFT(CollectNFT(pool: Self.pool, tokenID: 2)))
            }
            try run(.collectNFT(CollectNFT(pool: Self.pool, tokenID: 1)))
            guard case .nftCollected(let last) = facts.last!.body else { Issue.record("no collect"); return }
            #expect(last.poolAmount0 <= last.amount0 && last.poolAmount1 <= last.amount1)
            if last.poolAmount0 < last.amount0 || last.poolAmount1 < last.amount1 {
                short += 1
                // What the manager took is more than the pool paid; it is no more than the NFT was owed, which is now 0.
                let token = try #require(ledger.pools[Self.pool]?.concentrated?.managers[Self.manager]?.tokens[UInt256(1)])
                #expect(token.tokensOwed0 == 0 && token.tokensOwed1 == 0)
            }
            // The facts alone fold to the same state, each checked again.
            var refold = Ledger()
            for fact in facts { try refold.fold(fact) }
            #expect(refold.pools == ledger.pools)
            // The audit counts as collected what the pool paid the holder.
            var fold = AuditFold(pool: Self.pool)
            for (index, fact) in facts.enumerated() { try fold.fold(fact, seq: UInt64(index + 1)) }
            let row = try #require(try fold.concentratedAudit()?.nfts.first { $0.key.tokenID == UInt256(1) })
            #expect(row.audit.position.collected0 == last.poolAmount0 && row.audit.position.collected1 == last.poolAmount1)
        }
        #expect(short > 0, "no variant reached the pool paying less than the manager states")
    }

    @Test func randomNFTHistoriesWithSwapsMatchTheModel() throws {
        var steps = 0, holding = 0
        var kinds: [String: Int] = [:]
        for seed in UInt64(1)...40 {
            var run = try Run(seed: seed)
            defer { kinds.merge(run.kinds, uniquingKeysWith: +) }
            for _ in 0..<70 {
                try run.step()
                steps += 1
                if let mismatch = try run.mismatch() {
                    Issue.record("seed \(seed), after \(run.log.suffix(6).joined(separator: "; ")): \(mismatch)")
                    return
                }
            }
            holding += run.ledger.pools[Self.pool]!.concentrated!.managers.isEmpty ? 0 : 1
            // The whole history re-folds from its facts alone, with the state the commands left.
            try run.ledger.checkRunningSums()
        }
        #expect(steps == 40 * 70)
        #expect(holding > 30, "most histories end with NFTs held")
        for kind in ["mint", "increase", "decrease", "collect", "transfer", "burn", "swap", "partial collect"] {
            #expect(kinds[kind, default: 0] > 20, "\(kind): \(kinds)")
        }
    }
}
