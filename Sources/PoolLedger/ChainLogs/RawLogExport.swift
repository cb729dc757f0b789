import PoolMath

/// Writes a pool's facts back as the raw logs the chain would hold
/// (`export-logs --raw`): a V2 pair's as `PairLogExport` orders them, then
/// ABI-encoded; a V3 pool's as its factory's PoolCreated, the pool's
/// Initialize and one log per fact. The pool is folded alongside (every fact
/// re-checked), since logs carry what facts leave implicit (a V3 Swap's price,
/// liquidity and tick after; a SetFeeProtocol's old values). Names that are
/// not addresses are given addresses, recorded in `names` for `--tokens`.
public struct RawLogExport: Sendable {
    public let pool: String
    public private(set) var names = ChainNames()
    private var pairExport: PairLogExport?
    private var state: PoolState?
    private var block: UInt64 = 0
    private var nextIndex: UInt64 = 0
    let factoryV2: String
    let factoryV3: String

    /// PoolLedger's own log for the V2 factory's `setFeeTo` (which emits
    /// nothing): at the pair's address, topic keccak256("PoolLedgerFeeTo(address)"),
    /// data the new fee_to (zero: off).
    public static let feeToTopic: UInt256 = 0xd96e99307caa8f373e21e880cd64620932edc68d88e40a271a6fbb5faf045001

    public init(pool: String, factoryV2: String = PairRawLog.mainnetFactory, factoryV3: String = ConcentratedPoolLog.mainnetFactory) {
        self.pool = pool
        self.factoryV2 = factoryV2
        self.factoryV3 = factoryV3
    }

    /// The logs for the fact at `seq`.
    public mutating func logs(for fact: Fact, seq: UInt64) throws(Rejection) -> [RawLog] {
        if case .poolCreated(let created) = fact.body {
            return try opening(created, fact: fact, seq: seq)
        }
        guard let current = state else { throw Rejection(.unknownPool, "no pool_created before seq \(seq)") }
        switch current.body {
        case .constantProduct:
            return try pairLogs(fact, seq: seq)
        case .concentrated(let before):
            var next = state
            try Evolve.apply(fact, to: &next)
            state = next
            guard case .concentrated(let after) = next!.body else { preconditionFailure("a pool keeps its model") }
            return try concentratedLogs(fact, seq: seq, before: before, after: after)
        }
    }

    // MARK: placing logs

    private mutating func place(_ fact: Fact, seq: UInt64) throws(Rejection) -> (block: UInt64, tx: String) {
        let factBlock = fact.block ?? seq
        guard factBlock >= block else {
            throw Rejection(.invalidField, "block \(factBlock) is before the previous fact's block \(block): logs need blocks in order")
        }
        if factBlock != block { nextIndex = 0 }
        block = factBlock
        if let id = fact.id, let colon = id.lastIndex(of: ":"), colon != id.startIndex, Hex.isFixed(String(id[..<colon]), bytes: 32) {
            return (factBlock, String(id[..<colon]).lowercased())
        }
        let hex = String(seq, radix: 16)
        return (factBlock, "0x" + String(repeating: "0", count: 64 - hex.count) + hex)
    }

    private mutating func log(_ address: String, at place: (block: UInt64, tx: String), time: UInt64?, _ topics: [UInt256], _ words: [UInt256]) -> RawLog {
        defer { nextIndex += 1 }
        return RawLog(block: place.block, transactionHash: place.tx, logIndex: nextIndex, address: address, topics: topics, data: ABIWord.data(words), time: time)
    }

    private mutating func word(_ name: String, decimals: UInt8? = nil, feePPM: UInt32? = nil) -> UInt256 {
        Self.addressWord(names.address(for: name, decimals: decimals, feePPM: feePPM))
    }

    static func addressWord(_ address: String) -> UInt256 {
        var value = UInt256.zero
        for byte in address.utf8.dropFirst(2) { value = (value << 4) | UInt256(UInt64(Hex.nibble(byte)!)) }
        return value
    }

    static func signedWord(_ value: Int64) -> UInt256 {
        value < 0 ? UInt256.zero &- UInt256(UInt64(value.magnitude)) : UInt256(UInt64(value))
    }

    static func signedWord(_ amount: SignedAmount) -> UInt256 {
        amount.isNegative ? UInt256.zero &- amount.magnitude : amount.magnitude
    }

    // MARK: creation

    private mutating func opening(_ created: PoolCreated, fact: Fact, seq: UInt64) throws(Rejection) -> [RawLog] {
        guard state == nil else { throw Rejection(.poolExists, "pool \(quoted(created.pool)) is created twice") }
        var next: PoolState?
        try Evolve.apply(fact, to: &next)
        state = next
        let place = try place(fact, seq: seq)
        let token0 = word(created.token0, decimals: created.decimals0), token1 = word(created.token1, decimals: created.decimals1)
        switch created.model {
        case .constantProduct:
            let pair = names.address(for: created.pool, feePPM: created.feePPM == 3000 ? nil : created.feePPM)
            pairExport = PairLogExport(pair: created.pool)
            var logs = [log(factoryV2, at: place, time: fact.time, [PairRawLog.Topic.pairCreated, token0, token1], [Self.addressWord(pair), .one])]
            if let feeTo = created.feeTo { logs.append(log(pair, at: place, time: fact.time, [Self.feeToTopic], [word(feeTo)])) }
            // The pair export numbers its own logs: in step with ours.
            _ = try pairExport!.logs(for: fact, seq: seq)
            return logs
        case .concentrated:
            let address = names.address(for: created.pool)
            let price = created.sqrtPriceX96!
            let tick: Int32
            do { tick = try TickMath.tick(atSqrtRatio: price) } catch { throw Rejection(error) }
            return [
                log(factoryV3, at: place, time: fact.time, [ConcentratedPoolLog.Topic.poolCreated, token0, token1, UInt256(UInt64(created.feePPM))],
                    [Self.signedWord(Int64(created.tickSpacing!)), Self.addressWord(address)]),
                log(address, at: place, time: fact.time, [ConcentratedPoolLog.Topic.initialize], [price, Self.signedWord(Int64(tick))]),
            ]
        }
    }

    // MARK: V2

    private mutating func pairLogs(_ fact: Fact, seq: UInt64) throws(Rejection) -> [RawLog] {
        let pairLogs = try pairExport!.logs(for: fact, seq: seq)
        var next = state
        try Evolve.apply(fact, to: &next)
        state = next
        let pair = names.address(for: pool)
        var out: [RawLog] = []
        for pairLog in pairLogs {
            let place = try place(Fact(fact.body, id: "\(pairLog.tx):\(pairLog.logIndex)", time: fact.time, block: pairLog.block), seq: seq)
            switch pairLog.event {
            case .mint(let sender, let amount0, let amount1):
                out.append(log(pair, at: place, time: pairLog.time, [PairRawLog.Topic.mint, word(sender)], [amount0, amount1]))
            case .burn(let sender, let amount0, let amount1, let to):
                out.append(log(pair, at: place, time: pairLog.time, [PairRawLog.Topic.burn, word(sender), word(to)], [amount0, amount1]))
            case .swap(let sender, let in0, let in1, let out0, let out1, let to):
                out.append(log(pair, at: place, time: pairLog.time, [PairRawLog.Topic.swap, word(sender), word(to)], [in0, in1, out0, out1]))
            case .sync(let reserve0, let reserve1):
                out.append(log(pair, at: place, time: pairLog.time, [PairRawLog.Topic.sync], [reserve0, reserve1]))
            case .transfer(let from, let to, let value):
                out.append(log(pair, at: place, time: pairLog.time, [PairRawLog.Topic.transfer, word(from), word(to)], [value]))
            case .feeTo(let feeTo):
                out.append(log(pair, at: place, time: pairLog.time, [Self.feeToTopic], [feeTo.map { word($0) } ?? .zero]))
            }
        }
        return out
    }

    // MARK: V3

    private mutating func concentratedLogs(_ fact: Fact, seq: UInt64, before: ConcentratedPool, after: ConcentratedPool) throws(Rejection) -> [RawLog] {
        let address = names.address(for: pool)
        let place = try place(fact, seq: seq)
        let time = fact.time
        switch fact.body {
        case .positionMinted(let mint):
            let owner = word(mint.owner)
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.mint, owner, Self.signedWord(Int64(mint.tickLower)), Self.signedWord(Int64(mint.tickUpper))],
                        [owner, mint.liquidity, mint.amount0, mint.amount1])]
        case .positionBurned(let burn):
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.burn, word(burn.owner), Self.signedWord(Int64(burn.tickLower)), Self.signedWord(Int64(burn.tickUpper))],
                        [burn.liquidity, burn.amount0, burn.amount1])]
        case .feesCollected(let collect):
            let owner = word(collect.owner)
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.collect, owner, Self.signedWord(Int64(collect.tickLower)), Self.signedWord(Int64(collect.tickUpper))],
                        [owner, collect.amount0, collect.amount1])]
        case .swap(let swap):
            let trader = word(swap.trader)
            let amount0 = swap.amount0In.isZero ? SignedAmount(swap.amount0Out, negative: true) : SignedAmount(swap.amount0In)
            let amount1 = swap.amount1In.isZero ? SignedAmount(swap.amount1Out, negative: true) : SignedAmount(swap.amount1In)
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.swap, trader, trader],
                        [Self.signedWord(amount0), Self.signedWord(amount1), after.sqrtPriceX96, UInt256(high: 0, low: after.liquidity), Self.signedWord(Int64(after.tick))])]
        case .flash(let flash):
            let recipient = word(flash.recipient)
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.flash, recipient, recipient], [flash.amount0, flash.amount1, flash.paid0, flash.paid1])]
        case .protocolFeeSet(let set):
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.setFeeProtocol],
                        [UInt256(UInt64(before.feeProtocol % 16)), UInt256(UInt64(before.feeProtocol >> 4)), UInt256(UInt64(set.feeProtocol0)), UInt256(UInt64(set.feeProtocol1))])]
        case .protocolFeesCollected(let collect):
            let recipient = word(collect.recipient)
            return [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.collectProtocol, recipient, recipient], [collect.amount0, collect.amount1])]
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
            // The manager's call: the pool's Mint or Burn of its position, then its own logs.
            let manager = names.address(for: f.manager), managerWord = Self.addressWord(manager)
            let ticks = [Self.signedWord(Int64(f.tickLower)), Self.signedWord(Int64(f.tickUpper))]
            if case .nftLiquidityDecreased = fact.body {
                return [
                    log(address, at: place, time: time, [ConcentratedPoolLog.Topic.burn, managerWord] + ticks, [f.liquidity, f.amount0, f.amount1]),
                    log(manager, at: place, time: time, [ManagerLog.Topic.decreaseLiquidity, f.tokenID], [f.liquidity, f.amount0, f.amount1]),
                ]
            }
            var logs = [log(address, at: place, time: time, [ConcentratedPoolLog.Topic.mint, managerWord] + ticks, [managerWord, f.liquidity, f.amount0, f.amount1])]
            if let holder = f.holder {
                logs.append(log(manager, at: place, time: time, [ManagerLog.Topic.transfer, .zero, word(holder), f.tokenID], []))
            }
            logs.append(log(manager, at: place, time: time, [ManagerLog.Topic.increaseLiquidity, f.tokenID], [f.liquidity, f.amount0, f.amount1]))
            return logs
        case .nftCollected(let f):
            let manager = names.address(for: f.manager), managerWord = Self.addressWord(manager)
            let ticks = [Self.signedWord(Int64(f.tickLower)), Self.signedWord(Int64(f.tickUpper))]
            var logs: [RawLog] = []
            // The manager pokes its pool position first while the NFT holds liquidity.
            if (before.managers[f.manager]?.tokens[f.tokenID]?.liquidity ?? 0) > 0 {
                logs.append(log(address, at: place, time: time, [ConcentratedPoolLog.Topic.burn, managerWord] + ticks, [.zero, .zero, .zero]))
            }
            let recipient = word(f.recipient)
            logs.append(log(address, at: place, time: time, [ConcentratedPoolLog.Topic.collect, managerWord] + ticks, [recipient, f.poolAmount0, f.poolAmount1]))
            logs.append(log(manager, at: place, time: time, [ManagerLog.Topic.collect, f.tokenID], [recipient, f.amount0, f.amount1]))
            return logs
        case .nftTransferred(let f), .nftBurned(let f):
            let manager = names.address(for: f.manager)
            let to: UInt256
            if case .nftBurned = fact.body { to = .zero } else { to = word(f.to) }
            return [log(manager, at: place, time: time, [ManagerLog.Topic.transfer, word(f.from), to, f.tokenID], [])]
        default:
            throw Rejection(.unsupportedModel, "a \(fact.body.typeName) fact has no V3 log")
        }
    }
}
