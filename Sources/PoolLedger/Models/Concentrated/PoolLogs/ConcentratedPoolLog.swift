import PoolMath

/// The Uniswap V3 factory's and pool's logs, decoded from topics and data by
/// the ABI's rules (indexed arguments in topics, the rest in 32-byte data
/// words, int24 and int256 in two's complement), and the facts they stand for.
public enum ConcentratedPoolLog: Sendable, Equatable {
    /// UniswapV3Factory `PoolCreated(token0 indexed, token1 indexed, fee indexed, tickSpacing, pool)`.
    case poolCreated(token0: String, token1: String, fee: UInt32, tickSpacing: Int32, pool: String)
    /// `Initialize(sqrtPriceX96, tick)`.
    case initialize(sqrtPriceX96: UInt256, tick: Int32)
    /// `Mint(sender, owner indexed, tickLower indexed, tickUpper indexed, amount, amount0, amount1)`.
    case mint(sender: String, owner: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt256, amount0: UInt256, amount1: UInt256)
    /// `Burn(owner indexed, tickLower indexed, tickUpper indexed, amount, amount0, amount1)`.
    case burn(owner: String, tickLower: Int32, tickUpper: Int32, liquidity: UInt256, amount0: UInt256, amount1: UInt256)
    /// `Collect(owner indexed, recipient, tickLower indexed, tickUpper indexed, amount0, amount1)`.
    case collect(owner: String, recipient: String, tickLower: Int32, tickUpper: Int32, amount0: UInt256, amount1: UInt256)
    /// `Swap(sender indexed, recipient indexed, amount0, amount1, sqrtPriceX96, liquidity, tick)`: pool-side signed amounts.
    case swap(sender: String, recipient: String, amount0: SignedAmount, amount1: SignedAmount, sqrtPriceX96: UInt256, liquidity: UInt256, tick: Int32)
    /// `Flash(sender indexed, recipient indexed, amount0, amount1, paid0, paid1)`.
    case flash(sender: String, recipient: String, amount0: UInt256, amount1: UInt256, paid0: UInt256, paid1: UInt256)
    /// `SetFeeProtocol(feeProtocol0Old, feeProtocol1Old, feeProtocol0New, feeProtocol1New)`.
    case setFeeProtocol(old0: UInt8, old1: UInt8, new0: UInt8, new1: UInt8)
    /// `CollectProtocol(sender indexed, recipient indexed, amount0, amount1)`.
    case collectProtocol(sender: String, recipient: String, amount0: UInt256, amount1: UInt256)

    /// keccak256 of each event's signature (its topic 0).
    public enum Topic {
        public static let poolCreated: UInt256 = 0x783cca1c0412dd0d695e784568c96da2e9c22ff989357a2e8b1d9b2b4e6b7118
        public static let initialize: UInt256 = 0x98636036cb66a9c19a37435efc1e90142190214e8abeb821bdba3f2990dd4c95
        public static let mint: UInt256 = 0x7a53080ba414158be7ec69b987b5fb7d07dee101fe85488f0853ae16239d0bde
        public static let burn: UInt256 = 0x0c396cd989a39f4459b5fa1aed6a9a8dcdbc45908acfd67e028cd568da98982c
        public static let collect: UInt256 = 0x70935338e69775456a85ddef226c395fb668b63fa0115f5f20610b388e6ca9c0
        public static let swap: UInt256 = 0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67
        public static let flash: UInt256 = 0xbdbdb71d7860376ba52b25a5028beea23581364a40522f6bcfb86bb1f2dca633
        public static let setFeeProtocol: UInt256 = 0x973d8d92bb299f4af6ce49b52a8adb85ae46b9f214c4c4fc06ac77401237b133
        public static let collectProtocol: UInt256 = 0x596b573906218d3411850b26a6b437d6c4522fdb43d2d2386263f86d50b8b151
    }

    /// The Uniswap V3 factory on Ethereum mainnet.
    public static let mainnetFactory = "0x1f98431c8ad98523631ae4a59f267346ea31f984"

    /// Whether a factory log is the V3 factory's `PoolCreated`.
    public static func isPoolCreated(_ log: RawLog) -> Bool { log.topics.first == Topic.poolCreated }

    /// Decodes a factory log.
    public static func factory(_ log: RawLog) throws(Rejection) -> ConcentratedPoolLog {
        guard log.topics.first == Topic.poolCreated else {
            throw Rejection(.unknownEvent, "topic \(Self.topicText(log)) is no event of the Uniswap V3 factory \(log.address)")
        }
        try log.requireShape("PoolCreated", topics: 4, words: 2)
        let fee = try ABIWord.unsigned(log.topics[3], bits: 24, "PoolCreated fee")
        return .poolCreated(
            token0: try ABIWord.address(log.topics[1], "PoolCreated token0"),
            token1: try ABIWord.address(log.topics[2], "PoolCreated token1"),
            fee: UInt32(truncatingIfNeeded: fee.low),
            tickSpacing: Int32(try ABIWord.signed(log.word(0), bits: 24, "PoolCreated tickSpacing")),
            pool: try ABIWord.address(log.word(1), "PoolCreated pool"))
    }

    /// Decodes a pool log.
    public static func pool(_ log: RawLog) throws(Rejection) -> ConcentratedPoolLog {
        guard let topic = log.topics.first else { throw Rejection(.unknownEvent, "a log with no topics is no event of a Uniswap V3 pool") }
        func tick(_ word: UInt256, _ name: String) throws(Rejection) -> Int32 { Int32(try ABIWord.signed(word, bits: 24, name)) }
        switch topic {
        case Topic.initialize:
            try log.requireShape("Initialize", topics: 1, words: 2)
            return .initialize(sqrtPriceX96: try ABIWord.unsigned(log.word(0), bits: 160, "Initialize sqrtPriceX96"), tick: try tick(log.word(1), "Initialize tick"))
        case Topic.mint:
            try log.requireShape("Mint", topics: 4, words: 4)
            return .mint(
                sender: try ABIWord.address(log.word(0), "Mint sender"), owner: try ABIWord.address(log.topics[1], "Mint owner"),
                tickLower: try tick(log.topics[2], "Mint tickLower"), tickUpper: try tick(log.topics[3], "Mint tickUpper"),
                liquidity: try ABIWord.unsigned(log.word(1), bits: 128, "Mint amount"),
                amount0: log.word(2), amount1: log.word(3))
        case Topic.burn:
            try log.requireShape("Burn", topics: 4, words: 3)
            return .burn(
                owner: try ABIWord.address(log.topics[1], "Burn owner"),
                tickLower: try tick(log.topics[2], "Burn tickLower"), tickUpper: try tick(log.topics[3], "Burn tickUpper"),
                liquidity: try ABIWord.unsigned(log.word(0), bits: 128, "Burn amount"),
                amount0: log.word(1), amount1: log.word(2))
        case Topic.collect:
            try log.requireShape("Collect", topics: 4, words: 3)
            return .collect(
                owner: try ABIWord.address(log.topics[1], "Collect owner"), recipient: try ABIWord.address(log.word(0), "Collect recipient"),
                tickLower: try tick(log.topics[2], "Collect tickLower"), tickUpper: try tick(log.topics[3], "Collect tickUpper"),
                amount0: try ABIWord.unsigned(log.word(1), bits: 128, "Collect amount0"),
                amount1: try ABIWord.unsigned(log.word(2), bits: 128, "Collect amount1"))
        case Topic.swap:
            try log.requireShape("Swap", topics: 3, words: 5)
            return .swap(
                sender: try ABIWord.address(log.topics[1], "Swap sender"), recipient: try ABIWord.address(log.topics[2], "Swap recipient"),
                amount0: ABIWord.int256(log.word(0)), amount1: ABIWord.int256(log.word(1)),
                sqrtPriceX96: try ABIWord.unsigned(log.word(2), bits: 160, "Swap sqrtPriceX96"),
                liquidity: try ABIWord.unsigned(log.word(3), bits: 128, "Swap liquidity"),
                tick: try tick(log.word(4), "Swap tick"))
        case Topic.flash:
            try log.requireShape("Flash", topics: 3, words: 4)
            return .flash(
                sender: try ABIWord.address(log.topics[1], "Flash sender"), recipient: try ABIWord.address(log.topics[2], "Flash recipient"),
                amount0: log.word(0), amount1: log.word(1), paid0: log.word(2), paid1: log.word(3))
        case Topic.setFeeProtocol:
            try log.requireShape("SetFeeProtocol", topics: 1, words: 4)
            func nibble(_ index: Int, _ name: String) throws(Rejection) -> UInt8 {
                UInt8(truncatingIfNeeded: try ABIWord.unsigned(log.word(index), bits: 8, "SetFeeProtocol \(name)").low)
            }
            return .setFeeProtocol(old0: try nibble(0, "feeProtocol0Old"), old1: try nibble(1, "feeProtocol1Old"),
                                   new0: try nibble(2, "feeProtocol0New"), new1: try nibble(3, "feeProtocol1New"))
        case Topic.collectProtocol:
            try log.requireShape("CollectProtocol", topics: 3, words: 2)
            return .collectProtocol(
                sender: try ABIWord.address(log.topics[1], "CollectProtocol sender"), recipient: try ABIWord.address(log.topics[2], "CollectProtocol recipient"),
                amount0: try ABIWord.unsigned(log.word(0), bits: 128, "CollectProtocol amount0"),
                amount1: try ABIWord.unsigned(log.word(1), bits: 128, "CollectProtocol amount1"))
        default:
            throw Rejection(.unknownEvent, "topic \(Self.topicText(log)) is no event of a Uniswap V3 pool")
        }
    }

    static func topicText(_ log: RawLog) -> String {
        guard let topic = log.topics.first else { return "(none)" }
        return ABIWord.hex(topic, digits: 64, prefixed: true)
    }

    /// The fact a pool log stands for, in pool `pool`; an `initialize` needs
    /// the factory's `created` (tokens, fee, spacing) and its tick must be the
    /// price's. Ids are `tx:log_index`; the block is the log's.
    public func fact(pool: String, log: RawLog, created: (token0: String, token1: String, fee: UInt32, tickSpacing: Int32)?, names: ChainNames = ChainNames()) throws(Rejection) -> Fact {
        let body: FactBody
        switch self {
        case .poolCreated:
            throw Rejection(.unknownEvent, "PoolCreated is the factory's event, not a pool's")
        case .flash(_, let recipient, let amount0, let amount1, let paid0, let paid1):
            body = .flash(Flash(pool: pool, recipient: names.name(recipient), amount0: amount0, amount1: amount1, paid0: paid0, paid1: paid1))
        case .setFeeProtocol(_, _, let new0, let new1):
            body = .protocolFeeSet(ProtocolFeeSet(pool: pool, feeProtocol0: new0, feeProtocol1: new1))
        case .collectProtocol(_, let recipient, let amount0, let amount1):
            body = .protocolFeesCollected(ProtocolFeesCollected(pool: pool, recipient: names.name(recipient), amount0: amount0, amount1: amount1))
        case .initialize(let price, let tick):
            guard let created else { throw Rejection(.unknownPool, "Initialize of \(pool), whose PoolCreated the factory logs read so far do not hold") }
            let expected: Int32
            do { expected = try TickMath.tick(atSqrtRatio: price) } catch { throw Rejection(error) }
            guard expected == tick else {
                throw Rejection(.swapMismatch, "Initialize tick \(tick), but the price \(price) is at tick \(expected)")
            }
            body = .poolCreated(PoolCreated(
                pool: pool, token0: names.name(created.token0), token1: names.name(created.token1),
                decimals0: names.decimals(created.token0), decimals1: names.decimals(created.token1), feePPM: created.fee, model: .concentrated,
                tickSpacing: created.tickSpacing, sqrtPriceX96: price))
        case .mint(_, let owner, let lower, let upper, let liquidity, let amount0, let amount1):
            body = .positionMinted(PositionChanged(pool: pool, owner: names.name(owner), tickLower: lower, tickUpper: upper, liquidity: liquidity, amount0: amount0, amount1: amount1))
        case .burn(let owner, let lower, let upper, let liquidity, let amount0, let amount1):
            body = .positionBurned(PositionChanged(pool: pool, owner: names.name(owner), tickLower: lower, tickUpper: upper, liquidity: liquidity, amount0: amount0, amount1: amount1))
        case .collect(let owner, _, let lower, let upper, let amount0, let amount1):
            body = .feesCollected(FeesCollected(pool: pool, owner: names.name(owner), tickLower: lower, tickUpper: upper, amount0: amount0, amount1: amount1))
        case .swap(let sender, _, let amount0, let amount1, let price, let liquidity, let tick):
            // Positive: paid into the pool.
            body = .swap(Swap(
                pool: pool, trader: names.name(sender),
                amount0In: amount0.isNegative ? .zero : amount0.magnitude, amount1In: amount1.isNegative ? .zero : amount1.magnitude,
                amount0Out: amount0.isNegative ? amount0.magnitude : .zero, amount1Out: amount1.isNegative ? amount1.magnitude : .zero,
                sqrtPriceX96After: price, tickAfter: tick, liquidityAfter: liquidity))
        }
        return Fact(body, id: log.factID, time: log.time, block: log.block)
    }
}
