import PoolMath

/// The active-liquidity law's own account, kept from the positions alone and
/// never from what the swap loop reads (the ticks' `liquidity_net`, the
/// pool's `liquidity`): for each tick where a range starts or ends, the
/// liquidity of the positions starting and ending there, in tick order, and
/// the running sum of the positions whose range holds the pool's tick.
///
/// The ledger's fold keeps it (apart from the contract's code): a position
/// change adds its liquidity to its two edges (and to the sum when its range
/// holds the tick); a swap from tick t0 to t1 moves the sum by the edges in
/// between. So the law costs what the fact touched, O(log n + ticks
/// crossed), and `INVARIANT_ACTIVE_LIQUIDITY` compares the sum with the
/// pool's liquidity. The book is derived: rebuilt from the positions when a
/// pool is restored, and compared with that full recomputation at every
/// snapshot, in `verify` and in `replay` (`INVARIANT_RUNNING_SUM`).
public struct LiquidityBook: Sendable, Equatable {
    public struct Edge: Sendable, Equatable {
        /// Liquidity of the positions whose range starts at this tick.
        public var starting: UInt256 = .zero
        /// Liquidity of the positions whose range ends at this tick.
        public var ending: UInt256 = .zero
        var isEmpty: Bool { starting.isZero && ending.isZero }
    }

    public private(set) var edges: [Int32: Edge] = [:]
    /// The edge ticks, ascending.
    public private(set) var order: [Int32] = []
    /// The liquidity of the positions whose range holds the tick (wrapping, so
    /// that an account gone wrong shows as a difference, never as a trap).
    public private(set) var active: UInt256 = .zero

    public init() {}

    /// The book of `positions` at `tick`, computed in full.
    init(positions: [ConcentratedPool.PositionKey: ConcentratedPool.PositionInfo], tick: Int32) {
        for (key, position) in positions where position.liquidity > 0 {
            let liquidity = UInt256(high: 0, low: position.liquidity)
            add(liquidity, to: key.tickLower, starting: true)
            add(liquidity, to: key.tickUpper, starting: false)
            if key.tickLower <= tick && tick < key.tickUpper { active = active &+ liquidity }
        }
    }

    /// A position's liquidity changed by `delta` over `lower..<upper`, with the pool at `tick`.
    mutating func change(lower: Int32, upper: Int32, delta: Int128, tick: Int32) {
        let amount = UInt256(high: 0, low: delta.magnitude)
        if delta > 0 {
            add(amount, to: lower, starting: true)
            add(amount, to: upper, starting: false)
            if lower <= tick && tick < upper { active = active &+ amount }
        } else if delta < 0 {
            remove(amount, from: lower, starting: true)
            remove(amount, from: upper, starting: false)
            if lower <= tick && tick < upper { active = active &- amount }
        }
    }

    /// The pool's tick moved from `from` to `to`: the ranges starting in
    /// between came into range (or left it), the ranges ending there left (or came in).
    mutating func move(from: Int32, to: Int32) {
        guard from != to else { return }
        let (low, high) = from < to ? (from, to) : (to, from)
        // Edges e with low < e <= high.
        var index = firstIndex(after: low)
        while index < order.count && order[index] <= high {
            let edge = edges[order[index]]!
            if from < to {
                active = (active &+ edge.starting) &- edge.ending
            } else {
                active = (active &- edge.starting) &+ edge.ending
            }
            index += 1
        }
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

    mutating func restore(active: UInt256) { self.active = active }

    private mutating func add(_ amount: UInt256, to tick: Int32, starting: Bool) {
        var edge = edges[tick] ?? Edge()
        if edge.isEmpty { order.insert(tick, at: firstIndex(after: tick - 1)) }
        if starting { edge.starting = edge.starting &+ amount } else { edge.ending = edge.ending &+ amount }
        edges[tick] = edge
    }

    private mutating func remove(_ amount: UInt256, from tick: Int32, starting: Bool) {
        var edge = edges[tick] ?? Edge()
        let wasEmpty = edge.isEmpty
        if starting { edge.starting = edge.starting &- amount } else { edge.ending = edge.ending &- amount }
        if edge.isEmpty {
            edges[tick] = nil
            if !wasEmpty { order.remove(at: firstIndex(after: tick - 1)) }
        } else {
            if wasEmpty { order.insert(tick, at: firstIndex(after: tick - 1)) }
            edges[tick] = edge
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
