import PoolMath

/// `pro-rata`: the recorded pool is left as it was, and each added position
/// earns, per recorded swap step while the step's tick is in its range, the
/// step's fee (after the protocol's cut) times its liquidity over the step's
/// active liquidity plus the added positions' in range (less the removed
/// positions' in range), with the contract's fee-growth rounding: the
/// growth `floor(fee * 2^128 / liquidity)` per step, the fees
/// `uint128(floor((growth - last) * L / 2^128))` at each touch. Its mints,
/// burns and collects take and release what the contract's would at the
/// recorded price, without moving the pool.
struct ProRataBook: Sendable {
    struct Position: Sendable {
        var liquidity: UInt128 = 0
        /// The fee growth inside its range so far (per unit of liquidity, X128, modulo 2^256), and at its last touch.
        var growth0 = UInt256.zero, growth1 = UInt256.zero
        var last0 = UInt256.zero, last1 = UInt256.zero
        var owed0: UInt128 = 0, owed1: UInt128 = 0
        var history: RangePosition
        /// Its range's prices (Q64.96): the recorded pool need not hold its ticks.
        var sqrtLower = UInt256.zero, sqrtUpper = UInt256.zero
    }

    private(set) var positions: [ConcentratedPool.PositionKey: Position] = [:]
    private(set) var order: [ConcentratedPool.PositionKey] = []
    /// The removed recorded positions' liquidity now, from their recorded facts.
    var removed: [ConcentratedPool.PositionKey: UInt128] = [:]
    var removedPrices: [ConcentratedPool.PositionKey: (UInt256, UInt256)] = [:]

    /// A recorded fact of a removed position: its liquidity leaves the steps' denominators (a range the recorded fold would refuse fails there).
    mutating func removedFact(_ body: FactBody) throws(V3MathError) {
        switch body {
        case .positionMinted(let f):
            removed[f.key, default: 0] &+= f.liquidity.low
            removedPrices[f.key] = (try TickMath.sqrtRatio(atTick: f.tickLower), try TickMath.sqrtRatio(atTick: f.tickUpper))
        case .positionBurned(let f): removed[f.key, default: 0] &-= f.liquidity.low
        default: break
        }
    }

    /// One step of a recorded swap, zero for one or not. An added position
    /// whose range holds only part of the step's price movement (its ends
    /// are no initialized ticks of the recorded pool, so the step does not
    /// stop there) takes that part of the step's fee, in proportion to the
    /// input that part took (the step's liquidity is constant within it).
    mutating func observe(_ step: ConcentratedPool.SwapStep, zeroForOne: Bool) throws(V3MathError) {
        guard !step.feeAmount.isZero, step.sqrtPriceStartX96 != step.sqrtPriceEndX96 else {
            // A step that did not move the price: whichever range holds its tick.
            share(step.feeAmount, of: step, zeroForOne: zeroForOne, where: { $0.tickLower <= step.tick && step.tick < $0.tickUpper })
            return
        }
        let low = min(step.sqrtPriceStartX96, step.sqrtPriceEndX96), high = max(step.sqrtPriceStartX96, step.sqrtPriceEndX96)
        // Ranges by their prices (the cached ones of their ticks are not the recorded pool's to give).
        for key in order where positions[key]!.liquidity > 0 {
            let from = max(low, positions[key]!.sqrtLower), to = min(high, positions[key]!.sqrtUpper)
            guard from < to else { continue }
            let fee: UInt256
            if from == low && to == high {
                fee = step.feeAmount
            } else {
                // The input is token0 (zero for one) or token1: its amount over a price span at one liquidity.
                func input(_ a: UInt256, _ b: UInt256) throws(V3MathError) -> UInt256 {
                    zeroForOne ? try SqrtPriceMath.amount0Delta(a, b, liquidity: step.liquidity, roundUp: false)
                               : try SqrtPriceMath.amount1Delta(a, b, liquidity: step.liquidity, roundUp: false)
                }
                let part = try input(from, to), whole = try input(low, high)
                // The part is within the whole, so the portion is at most the fee.
                guard !whole.isZero, let portion = UInt256.mulDiv(step.feeAmount, part, whole) else { continue }
                fee = portion
            }
            share(fee, of: step, zeroForOne: zeroForOne, where: { $0 == key }, overlapping: (from, to))
        }
    }

    /// Credits `fee` to the added positions `selected` picks (each a share of
    /// it: its liquidity over the step's plus the added positions' over the
    /// same span, less the removed positions').
    private mutating func share(_ fee: UInt256, of step: ConcentratedPool.SwapStep, zeroForOne: Bool,
                                where selected: (ConcentratedPool.PositionKey) -> Bool, overlapping span: (UInt256, UInt256)? = nil) {
        func overlaps(_ key: ConcentratedPool.PositionKey, lower: UInt256, upper: UInt256) -> Bool {
            guard let (from, to) = span else { return key.tickLower <= step.tick && step.tick < key.tickUpper }
            return lower < to && from < upper
        }
        let receiving = order.filter { selected($0) && positions[$0]!.liquidity > 0 }
        guard !receiving.isEmpty, !fee.isZero else { return }
        var denominator = UInt256(high: 0, low: step.liquidity)
        for (key, liquidity) in removed where overlaps(key, lower: removedPrices[key]!.0, upper: removedPrices[key]!.1) {
            denominator = denominator &- UInt256(high: 0, low: liquidity)
        }
        for key in order where overlaps(key, lower: positions[key]!.sqrtLower, upper: positions[key]!.sqrtUpper) {
            denominator = denominator &+ UInt256(high: 0, low: positions[key]!.liquidity)
        }
        guard let delta = UInt256.mulDivQ128(fee, denominator) else { return }
        for key in receiving {
            if zeroForOne { positions[key]!.growth0 = positions[key]!.growth0 &+ delta } else { positions[key]!.growth1 = positions[key]!.growth1 &+ delta }
        }
    }

    /// The fees since the last touch credited, as Position.update does.
    static func settle(_ position: inout Position) {
        let liquidity = UInt256(high: 0, low: position.liquidity)
        position.owed0 = position.owed0 &+ UInt256.mulDiv(position.growth0 &- position.last0, liquidity, UInt256.one << 128)!.low
        position.owed1 = position.owed1 &+ UInt256.mulDiv(position.growth1 &- position.last1, liquidity, UInt256.one << 128)!.low
        position.last0 = position.growth0
        position.last1 = position.growth1
    }

    /// What `liquidity` over the range amounts to at the pool's price (a mint rounds up, a burn down).
    static func amounts(_ key: ConcentratedPool.PositionKey, _ liquidity: UInt128, roundUp: Bool, pool: ConcentratedPool) throws(Rejection) -> (amount0: UInt256, amount1: UInt256) {
        do throws(V3MathError) {
            guard key.tickLower < key.tickUpper, key.tickLower >= TickMath.minTick, key.tickUpper <= TickMath.maxTick,
                  key.tickLower % pool.tickSpacing == 0, key.tickUpper % pool.tickSpacing == 0 else {
                throw V3MathError("TLU", "range \(key.tickLower)...\(key.tickUpper) is not an ordered range on the pool's tick spacing \(pool.tickSpacing)")
            }
            return try ConcentratedPool.amounts(
                liquidity: liquidity, roundUp: roundUp, tickLower: key.tickLower, tickUpper: key.tickUpper,
                sqrtLower: try TickMath.sqrtRatio(atTick: key.tickLower), sqrtUpper: try TickMath.sqrtRatio(atTick: key.tickUpper),
                sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick)
        } catch {
            throw Rejection(error)
        }
    }

    /// An added command, at the recorded pool as it is now.
    mutating func apply(_ command: Command, pool: ConcentratedPool, seq: UInt64) throws(Rejection) {
        func change(_ key: ConcentratedPool.PositionKey, _ liquidity: UInt256, mint: Bool) throws(Rejection) {
            guard liquidity.high == 0 else { throw Rejection(.invalidAmount, "liquidity \(liquidity) exceeds uint128") }
            if positions[key] == nil {
                // The amounts below check the range first.
                _ = try Self.amounts(key, 0, roundUp: false, pool: pool)
                var new = Position(history: RangePosition(key: key))
                do throws(V3MathError) {
                    new.sqrtLower = try TickMath.sqrtRatio(atTick: key.tickLower)
                    new.sqrtUpper = try TickMath.sqrtRatio(atTick: key.tickUpper)
                } catch { throw Rejection(error) }
                positions[key] = new
                order.append(key)
            }
            var position = positions[key]!
            guard mint || position.liquidity >= liquidity.low else {
                throw Rejection(.concentrated("V3_LS"), "burning \(liquidity) of a position holding \(position.liquidity)")
            }
            let owedBefore = (UInt256(high: 0, low: position.owed0), UInt256(high: 0, low: position.owed1))
            let held = UInt256(high: 0, low: position.liquidity)
            Self.settle(&position)
            let amounts = try Self.amounts(key, liquidity.low, roundUp: mint, pool: pool)
            if mint {
                position.liquidity += liquidity.low
            } else {
                position.liquidity -= liquidity.low
                position.owed0 = position.owed0 &+ amounts.amount0.low
                position.owed1 = position.owed1 &+ amounts.amount1.low
            }
            let fact = PositionChanged(pool: command.pool, owner: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper,
                                       liquidity: liquidity, amount0: amounts.amount0, amount1: amounts.amount1)
            ConcentratedBook.change(&position.history, fact, minted: mint, seq: seq, time: command.time, held: held, owedBefore: owedBefore,
                                    owedAfter: (UInt256(high: 0, low: position.owed0), UInt256(high: 0, low: position.owed1)), keep: false)
            positions[key] = position
        }
        switch command.body {
        case .mintPosition(let mint):
            guard !mint.liquidity.isZero else { throw Rejection(.concentrated("V3_AS"), "a mint of 0 liquidity") }
            try change(ConcentratedPool.PositionKey(owner: mint.owner, tickLower: mint.tickLower, tickUpper: mint.tickUpper), mint.liquidity, mint: true)
        case .burnPosition(let burn):
            try change(ConcentratedPool.PositionKey(owner: burn.owner, tickLower: burn.tickLower, tickUpper: burn.tickUpper), burn.liquidity, mint: false)
        case .collect(let collect):
            let key = ConcentratedPool.PositionKey(owner: collect.owner, tickLower: collect.tickLower, tickUpper: collect.tickUpper)
            guard var position = positions[key] else { throw Rejection(.concentrated("V3_NP"), "no added position \(collect.owner) \(collect.tickLower)...\(collect.tickUpper) to collect from") }
            let owedBefore = (UInt256(high: 0, low: position.owed0), UInt256(high: 0, low: position.owed1))
            // A collect does not poke the position: what is owed is what the last touch credited.
            let pay0 = min(collect.amount0Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max, position.owed0)
            let pay1 = min(collect.amount1Max.map { $0.high == 0 ? $0.low : UInt128.max } ?? UInt128.max, position.owed1)
            position.owed0 -= pay0
            position.owed1 -= pay1
            let paid = (UInt256(high: 0, low: pay0), UInt256(high: 0, low: pay1))
            ConcentratedBook.collect(&position.history, taken: paid, paid: paid, seq: seq, time: command.time, owedBefore: owedBefore,
                                     owedAfter: (UInt256(high: 0, low: position.owed0), UInt256(high: 0, low: position.owed1)), keep: false)
            positions[key] = position
        default:
            throw Rejection(.unsupportedModel, "pro-rata adds mint_position, burn_position and collect, not \(command.body.commandName)")
        }
    }

    /// Each added position's audit row at the recorded pool as it is now.
    func rows(pool: ConcentratedPool, valuation: Valuation?) throws(AuditError) -> [RangePositionAudit] {
        var rows: [RangePositionAudit] = []
        for key in order {
            var position = positions[key]!
            let pendingFrom = position
            Self.settle(&position)
            let pending = (amount0: UInt256(high: 0, low: position.owed0 &- pendingFrom.owed0), amount1: UInt256(high: 0, low: position.owed1 &- pendingFrom.owed1))
            let principal: (amount0: UInt256, amount1: UInt256)
            do throws(Rejection) { principal = try Self.amounts(key, pendingFrom.liquidity, roundUp: false, pool: pool) } catch {
                throw AuditError("pro-rata position \(key.owner) \(key.tickLower)...\(key.tickUpper): \(error)")
            }
            var info = ConcentratedPool.PositionInfo()
            info.liquidity = pendingFrom.liquidity
            info.tokensOwed0 = pendingFrom.owed0
            info.tokensOwed1 = pendingFrom.owed1
            rows.append(try ConcentratedPoolAudit.row(pendingFrom.history, info, principal: principal, pending: pending, tick: pool.tick, valuation: valuation))
        }
        return rows
    }
}
