import PoolMath

/// The V3 laws' own accounts, kept from the positions alone and never from
/// what the swap loop maintains for itself (the ticks' `liquidity_net`, the
/// pool's `liquidity`), so that the laws cost what a fact touched rather than
/// the size of the pool:
///
/// - for each tick where a range starts or ends (an *edge*), the liquidity
///   of the positions starting and ending there, in tick order, and the sum
///   of the positions whose range holds the pool's tick (`active`:
///   `INVARIANT_ACTIVE_LIQUIDITY`);
/// - what the balances must cover (`INVARIANT_BALANCES_COVER`), as sums a
///   price and the fee growth turn into amounts in O(1) (`required`):
///   - principal: a position of liquidity L over sqrt prices a..b holds, at
///     sqrt price P, token0 L·2^96·(1/P - 1/b) and token1 L·(P - a)/2^96 in
///     range, L·2^96·(1/a - 1/b) of token0 below it, L·(b - a)/2^96 of token1
///     above it. So token0 is (ΣL in range)·2^96/P plus the 1/a terms of the
///     edges where ranges start above the tick, less the 1/b terms of those
///     ending above it; token1 likewise with the edges at or below the tick.
///     Each edge keeps its terms in units of 2^-32 wei, the added ones
///     rounded down and the subtracted ones up, so the sum is never more than
///     the exact real amount, which is never more than the pool holds (every
///     flow of the contract rounds toward the pool);
///   - fees not yet credited: Σ L·(feeGrowthInside - feeGrowthInsideLast) over
///     the positions is (fee growth global)·active - M - basis (mod 2^256),
///     where M sums each edge's (starting - ending)·feeGrowthOutside, signed by
///     its side of the tick, and basis is Σ L·feeGrowthInsideLast;
///   - tokens owed: their sum.
///
/// The ledger's fold keeps the accounts (`applyJournaled`), apart from the
/// contract's code: a position change re-weighs its two edges, a swap from
/// tick t0 to t1 moves the edges in between from one side to the other. So a
/// law costs O(log n + ticks crossed). The accounts are compared with their
/// full recomputation from the positions at every snapshot, in `verify` and
/// in `replay` (`INVARIANT_RUNNING_SUM`); a snapshot stores them, and a stored
/// account that differs from the recomputation is refused on reading it.
///
/// All sums wrap modulo 2^256, so that an account gone wrong shows as a
/// difference, never as a trap.
public struct LiquidityBook: Sendable, Equatable {
    public struct Edge: Sendable, Equatable {
        /// Liquidity of the positions whose range starts at this tick.
        public var starting: UInt256 = .zero
        /// Liquidity of the positions whose range ends at this tick.
        public var ending: UInt256 = .zero
        /// Principal terms in 2^-32 wei: floor(starting·2^128/√), ceil(starting·√/2^64),
        /// ceil(ending·2^128/√), floor(ending·√/2^64), √ the tick's sqrt price.
        var startingToken0: UInt256 = .zero
        var startingToken1: UInt256 = .zero
        var endingToken0: UInt256 = .zero
        var endingToken1: UInt256 = .zero
        /// The tick's fee growth outside as the book last read it (a crossing flips it).
        var outside0: UInt256 = .zero
        var outside1: UInt256 = .zero
        var isEmpty: Bool { starting.isZero && ending.isZero }
    }

    /// The running sums; one value, so a journal saves and restores them at once.
    public struct Accounts: Sendable, Equatable {
        /// Liquidity of the positions whose range holds the tick.
        public var active: UInt256 = .zero
        /// Principal terms of the edges above the tick (token0) and at or below it (token1).
        public var startingToken0Above: UInt256 = .zero
        public var endingToken0Above: UInt256 = .zero
        public var startingToken1AtOrBelow: UInt256 = .zero
        public var endingToken1AtOrBelow: UInt256 = .zero
        /// M: Σ ±(starting - ending)·outside, + at or below the tick, - above.
        public var outsideWeighted0: UInt256 = .zero
        public var outsideWeighted1: UInt256 = .zero
        /// Σ liquidity·feeGrowthInsideLast over the positions.
        public var basis0: UInt256 = .zero
        public var basis1: UInt256 = .zero
        /// Σ tokens owed over the positions.
        public var owed0: UInt256 = .zero
        public var owed1: UInt256 = .zero
        public init() {}
    }

    public private(set) var edges: [Int32: Edge] = [:]
    /// The edge ticks, ascending.
    public private(set) var order: [Int32] = []
    public internal(set) var accounts = Accounts()
    public var active: UInt256 { accounts.active }

    public init() {}

    /// The book of `positions` at `tick` over `ticks`, computed in full.
    init(positions: [ConcentratedPool.PositionKey: ConcentratedPool.PositionInfo], ticks: [Int32: ConcentratedPool.TickInfo], tick: Int32) throws(Rejection) {
        var starting: [Int32: UInt256] = [:], ending: [Int32: UInt256] = [:]
        for (key, position) in positions {
            accounts.owed0 = accounts.owed0 &+ UInt256(high: 0, low: position.tokensOwed0)
            accounts.owed1 = accounts.owed1 &+ UInt256(high: 0, low: position.tokensOwed1)
            guard position.liquidity > 0 else { continue }
            let liquidity = UInt256(high: 0, low: position.liquidity)
            starting[key.tickLower, default: .zero] = starting[key.tickLower, default: .zero] &+ liquidity
            ending[key.tickUpper, default: .zero] = ending[key.tickUpper, default: .zero] &+ liquidity
            if key.tickLower <= tick && tick < key.tickUpper { accounts.active = accounts.active &+ liquidity }
            accounts.basis0 = accounts.basis0 &+ (liquidity &* position.feeGrowthInside0LastX128)
            accounts.basis1 = accounts.basis1 &+ (liquidity &* position.feeGrowthInside1LastX128)
        }
        order = Set(starting.keys).union(ending.keys).sorted()
        for index in order {
            var edge = Edge()
            edge.starting = starting[index] ?? .zero
            edge.ending = ending[index] ?? .zero
            try Self.weigh(&edge, at: index, ticks[index])
            edges[index] = edge
            contribute(edge, above: index > tick, adding: true)
        }
    }

    /// A position's liquidity changed by `delta` over `lower..<upper`, with the
    /// pool at `tick` and its ticks (after the change) `ticks`.
    mutating func change(lower: Int32, upper: Int32, delta: Int128, tick: Int32, ticks: [Int32: ConcentratedPool.TickInfo]) throws(Rejection) {
        guard delta != 0 else { return }
        let amount = UInt256(high: 0, low: delta.magnitude)
        try reweigh(lower, tick: tick, ticks[lower]) { edge in
            edge.starting = delta > 0 ? edge.starting &+ amount : edge.starting &- amount
        }
        try reweigh(upper, tick: tick, ticks[upper]) { edge in
            edge.ending = delta > 0 ? edge.ending &+ amount : edge.ending &- amount
        }
        if lower <= tick && tick < upper {
            accounts.active = delta > 0 ? accounts.active &+ amount : accounts.active &- amount
        }
    }

    /// A position was touched (mint, burn, poke, collect): its fee basis and owed tokens as they are now.
    mutating func touch(before: ConcentratedPool.PositionInfo?, after: ConcentratedPool.PositionInfo?) {
        if let before {
            let liquidity = UInt256(high: 0, low: before.liquidity)
            accounts.basis0 = accounts.basis0 &- (liquidity &* before.feeGrowthInside0LastX128)
            accounts.basis1 = accounts.basis1 &- (liquidity &* before.feeGrowthInside1LastX128)
            accounts.owed0 = accounts.owed0 &- UInt256(high: 0, low: before.tokensOwed0)
            accounts.owed1 = accounts.owed1 &- UInt256(high: 0, low: before.tokensOwed1)
        }
        if let after {
            let liquidity = UInt256(high: 0, low: after.liquidity)
            accounts.basis0 = accounts.basis0 &+ (liquidity &* after.feeGrowthInside0LastX128)
            accounts.basis1 = accounts.basis1 &+ (liquidity &* after.feeGrowthInside1LastX128)
            accounts.owed0 = accounts.owed0 &+ UInt256(high: 0, low: after.tokensOwed0)
            accounts.owed1 = accounts.owed1 &+ UInt256(high: 0, low: after.tokensOwed1)
        }
    }

    /// The pool's tick moved from `from` to `to`: the edges in between change
    /// side (the ranges starting there came into range or left it, those ending
    /// there left or came in), each with its fee growth outside as the crossing
    /// left it in `ticks`. A move changes only an edge's outside growth: each
    /// as it was is appended to `changed` (`restoreOutside` puts it back).
    mutating func move(from: Int32, to: Int32, ticks: [Int32: ConcentratedPool.TickInfo], changed: inout [Moved]) {
        guard from != to else { return }
        let up = from < to
        let (low, high) = up ? (from, to) : (to, from)
        // Edges e with low < e <= high, each changed where it is (one lookup, no copy).
        var index = firstIndex(after: low)
        while index < order.count && order[index] <= high {
            let tick = order[index]
            let entry = edges.index(forKey: tick)!
            let outside = ticks[tick].map { ($0.feeGrowthOutside0X128, $0.feeGrowthOutside1X128) }
            if changed.capacity == 0 { changed.reserveCapacity(8) }
            Self.move(&edges.values[entry], at: tick, up: up, outside: outside, accounts: &accounts, changed: &changed)
            index += 1
        }
    }

    /// One edge changes side, its outside growth now `outside` (nil: as it was).
    /// Static, on the edge in place and the accounts: no copy of the edge.
    private static func move(_ edge: inout Edge, at tick: Int32, up: Bool, outside: (UInt256, UInt256)?, accounts: inout Accounts, changed: inout [Moved]) {
        let (old0, old1) = (edge.outside0, edge.outside1)
        changed.append(Moved(tick: tick, outside0: old0, outside1: old1))
        if let (new0, new1) = outside {
            edge.outside0 = new0
            edge.outside1 = new1
        }
        // `contribute` out of one side with the old outside growth, then into the
        // other with the new, in one step: the weighted sums move by
        // ±net·(old + new) (mod 2^256), two products instead of four.
        let net = edge.starting &- edge.ending
        let moved0 = net &* (old0 &+ edge.outside0), moved1 = net &* (old1 &+ edge.outside1)
        if up {
            // From above the tick to at or below it.
            accounts.startingToken0Above = accounts.startingToken0Above &- edge.startingToken0
            accounts.endingToken0Above = accounts.endingToken0Above &- edge.endingToken0
            accounts.startingToken1AtOrBelow = accounts.startingToken1AtOrBelow &+ edge.startingToken1
            accounts.endingToken1AtOrBelow = accounts.endingToken1AtOrBelow &+ edge.endingToken1
            accounts.outsideWeighted0 = accounts.outsideWeighted0 &+ moved0
            accounts.outsideWeighted1 = accounts.outsideWeighted1 &+ moved1
            accounts.active = (accounts.active &+ edge.starting) &- edge.ending
        } else {
            accounts.startingToken1AtOrBelow = accounts.startingToken1AtOrBelow &- edge.startingToken1
            accounts.endingToken1AtOrBelow = accounts.endingToken1AtOrBelow &- edge.endingToken1
            accounts.startingToken0Above = accounts.startingToken0Above &+ edge.startingToken0
            accounts.endingToken0Above = accounts.endingToken0Above &+ edge.endingToken0
            accounts.outsideWeighted0 = accounts.outsideWeighted0 &- moved0
            accounts.outsideWeighted1 = accounts.outsideWeighted1 &- moved1
            accounts.active = (accounts.active &- edge.starting) &+ edge.ending
        }
    }

    /// An edge's outside growth as a move found it.
    struct Moved {
        var tick: Int32
        var outside0: UInt256
        var outside1: UInt256
    }

    /// Puts back the outside growth a move changed (the accounts come back whole, from the journal).
    mutating func restoreOutside(_ moved: Moved) {
        edges[moved.tick]?.outside0 = moved.outside0
        edges[moved.tick]?.outside1 = moved.outside1
    }

    /// What the positions' claims come to at sqrt price `sqrtPriceX96` with the
    /// fee growth global `growth0`/`growth1`: principal (never above the exact
    /// amounts), fees not yet credited and tokens owed; nil past 2^256.
    func required(sqrtPriceX96: UInt256, growth0: UInt256, growth1: UInt256) -> (amount0: UInt256, amount1: UInt256)? {
        guard !sqrtPriceX96.isZero,
              let inRange0 = UInt256.mulDiv(accounts.active, Self.q128, sqrtPriceX96),
              let inRange1 = UInt256.mulDiv(accounts.active, sqrtPriceX96, Self.q64) else { return nil }
        func principal(_ plus: UInt256, _ plus2: UInt256, _ minus: UInt256) -> UInt256? {
            let (sum, overflow) = plus.addingReportingOverflow(plus2)
            guard !overflow else { return nil }
            // Below zero only by the rounding of the terms: nothing is held.
            return sum < minus ? .zero : (sum - minus) >> 32
        }
        guard let principal0 = principal(inRange0, accounts.startingToken0Above, accounts.endingToken0Above),
              let principal1 = principal(inRange1, accounts.endingToken1AtOrBelow, accounts.startingToken1AtOrBelow) else { return nil }
        let pending0 = ((growth0 &* accounts.active) &- accounts.outsideWeighted0 &- accounts.basis0) >> 128
        let pending1 = ((growth1 &* accounts.active) &- accounts.outsideWeighted1 &- accounts.basis1) >> 128
        let (a0, o0) = principal0.addingReportingOverflow(pending0)
        let (b0, p0) = a0.addingReportingOverflow(accounts.owed0)
        let (a1, o1) = principal1.addingReportingOverflow(pending1)
        let (b1, p1) = a1.addingReportingOverflow(accounts.owed1)
        guard !(o0 || p0 || o1 || p1) else { return nil }
        return (b0, b1)
    }

    /// Puts one edge back as the journal found it (nil: no edge there).
    mutating func restore(_ edge: Edge?, at tick: Int32) {
        let present = edges[tick] != nil
        edges[tick] = edge
        if edge != nil && !present {
            order.insert(tick, at: firstIndex(after: tick - 1))
        } else if edge == nil && present {
            order.remove(at: firstIndex(after: tick - 1))
        }
    }

    public mutating func restore(accounts: Accounts) { self.accounts = accounts }

    // MARK: the accounts of one edge

    static let q128 = UInt256.one << 128
    static let q64 = UInt256.one << 64

    /// Changes one edge with `body`, its contribution taken out before and put back after.
    private mutating func reweigh(_ tick: Int32, tick current: Int32, _ info: ConcentratedPool.TickInfo?, _ body: (inout Edge) -> Void) throws(Rejection) {
        let before = edges[tick]
        var edge = before ?? Edge()
        let above = tick > current
        if before != nil { contribute(edge, above: above, adding: false) }
        body(&edge)
        if edge.isEmpty {
            edges[tick] = nil
            if before != nil { order.remove(at: firstIndex(after: tick - 1)) }
            return
        }
        try Self.weigh(&edge, at: tick, info)
        if before == nil { order.insert(tick, at: firstIndex(after: tick - 1)) }
        edges[tick] = edge
        contribute(edge, above: above, adding: true)
    }

    /// An edge's principal terms from its liquidity, and its fee growth outside from the tick.
    private static func weigh(_ edge: inout Edge, at tick: Int32, _ info: ConcentratedPool.TickInfo?) throws(Rejection) {
        let sqrtPrice: UInt256
        if let cached = info?.sqrtPriceX96, !cached.isZero {
            sqrtPrice = cached
        } else {
            do { sqrtPrice = try TickMath.sqrtRatio(atTick: tick) } catch {
                throw Rejection(.balancesCover, "the positions' edge at tick \(tick) has no price: \(error)")
            }
        }
        guard let startingToken0 = UInt256.mulDiv(edge.starting, q128, sqrtPrice),
              let startingToken1 = UInt256.mulDivRoundingUp(edge.starting, sqrtPrice, q64),
              let endingToken0 = UInt256.mulDivRoundingUp(edge.ending, q128, sqrtPrice),
              let endingToken1 = UInt256.mulDiv(edge.ending, sqrtPrice, q64) else {
            throw Rejection(.balancesCover, "the liquidity starting (\(edge.starting)) or ending (\(edge.ending)) at tick \(tick) is past what the cover account holds")
        }
        edge.startingToken0 = startingToken0
        edge.startingToken1 = startingToken1
        edge.endingToken0 = endingToken0
        edge.endingToken1 = endingToken1
        if let info {
            edge.outside0 = info.feeGrowthOutside0X128
            edge.outside1 = info.feeGrowthOutside1X128
        }
    }

    /// Adds (or takes out) one edge's terms on its side of the tick.
    private mutating func contribute(_ edge: Edge, above: Bool, adding: Bool) {
        func apply(_ sum: inout UInt256, _ term: UInt256) { sum = adding ? sum &+ term : sum &- term }
        let net = edge.starting &- edge.ending
        let weighted0 = net &* edge.outside0, weighted1 = net &* edge.outside1
        if above {
            apply(&accounts.startingToken0Above, edge.startingToken0)
            apply(&accounts.endingToken0Above, edge.endingToken0)
            // Above the tick an edge's outside growth counts against the inside sum with the opposite sign.
            apply(&accounts.outsideWeighted0, UInt256.zero &- weighted0)
            apply(&accounts.outsideWeighted1, UInt256.zero &- weighted1)
        } else {
            apply(&accounts.startingToken1AtOrBelow, edge.startingToken1)
            apply(&accounts.endingToken1AtOrBelow, edge.endingToken1)
            apply(&accounts.outsideWeighted0, weighted0)
            apply(&accounts.outsideWeighted1, weighted1)
        }
    }

    /// The index of the first edge tick above `tick` (binary search).
    private func firstIndex(after tick: Int32) -> Int {
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] <= tick { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
