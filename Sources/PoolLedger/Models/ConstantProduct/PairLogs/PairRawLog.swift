import PoolMath

/// Uniswap V2's factory and pair logs as raw logs: decoded from topics and
/// data into `PairLog`s (which `PairCall` groups into the pair's calls), and
/// encoded back (`export-logs --raw`).
public enum PairRawLog {
    /// keccak256 of each event's signature (its topic 0).
    public enum Topic {
        public static let pairCreated: UInt256 = 0x0d3648bd0f6ba80134a33ba9275ac585d9d315f0ad8355cddefde31afa28d0e9
        public static let mint: UInt256 = 0x4c209b5fc8ad50758f13e2e1088ba56a560dff690a1c6fef26394f4c03821c4f
        public static let burn: UInt256 = 0xdccd412f0b1252819cb1fd330b93224ca42612892bb3f4f789976e6d81936496
        public static let swap: UInt256 = 0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822
        public static let sync: UInt256 = 0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1
        public static let transfer: UInt256 = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
    }

    /// The Uniswap V2 factory on Ethereum mainnet.
    public static let mainnetFactory = "0x5c69bee701ef814a2b6a3edd4b1652cb9cc5aa6f"

    public static func isPairCreated(_ log: RawLog) -> Bool { log.topics.first == Topic.pairCreated }

    /// `PairCreated(token0 indexed, token1 indexed, pair, allPairsLength)`: the pair and its tokens.
    public static func pairCreated(_ log: RawLog) throws(Rejection) -> (token0: String, token1: String, pair: String) {
        guard isPairCreated(log) else { throw Rejection(.unknownEvent, "topic \(ConcentratedPoolLog.topicText(log)) is no event of the Uniswap V2 factory \(log.address)") }
        try log.requireShape("PairCreated", topics: 3, words: 2)
        return (try ABIWord.address(log.topics[1], "PairCreated token0"), try ABIWord.address(log.topics[2], "PairCreated token1"),
                try ABIWord.address(log.word(0), "PairCreated pair"))
    }

    /// A pair's log as the `PairLog` an indexer would have decoded.
    public static func pairLog(_ log: RawLog) throws(Rejection) -> PairLog {
        guard let topic = log.topics.first else { throw Rejection(.unknownEvent, "a log with no topics is no event of a Uniswap V2 pair") }
        let event: PairLog.Event
        switch topic {
        case Topic.mint:
            try log.requireShape("Mint", topics: 2, words: 2)
            event = .mint(sender: try ABIWord.address(log.topics[1], "Mint sender"), amount0: log.word(0), amount1: log.word(1))
        case Topic.burn:
            try log.requireShape("Burn", topics: 3, words: 2)
            event = .burn(sender: try ABIWord.address(log.topics[1], "Burn sender"), amount0: log.word(0), amount1: log.word(1),
                          to: try ABIWord.address(log.topics[2], "Burn to"))
        case Topic.swap:
            try log.requireShape("Swap", topics: 3, words: 4)
            event = .swap(sender: try ABIWord.address(log.topics[1], "Swap sender"), amount0In: log.word(0), amount1In: log.word(1),
                          amount0Out: log.word(2), amount1Out: log.word(3), to: try ABIWord.address(log.topics[2], "Swap to"))
        case Topic.sync:
            try log.requireShape("Sync", topics: 1, words: 2)
            event = .sync(reserve0: try ABIWord.unsigned(log.word(0), bits: 112, "Sync reserve0"),
                          reserve1: try ABIWord.unsigned(log.word(1), bits: 112, "Sync reserve1"))
        case Topic.transfer:
            try log.requireShape("Transfer", topics: 3, words: 1)
            event = .transfer(from: try ABIWord.address(log.topics[1], "Transfer from"), to: try ABIWord.address(log.topics[2], "Transfer to"), value: log.word(0))
        case RawLogExport.feeToTopic:
            // PoolLedger's own log of the factory's setFeeTo (which emits nothing).
            try log.requireShape("PoolLedgerFeeTo", topics: 1, words: 1)
            let feeTo = try ABIWord.address(log.word(0), "PoolLedgerFeeTo feeTo")
            event = .feeTo(feeTo == zeroAddress ? nil : feeTo)
        default:
            throw Rejection(.unknownEvent, "topic \(ConcentratedPoolLog.topicText(log)) is no event of a Uniswap V2 pair")
        }
        return PairLog(address: log.address, block: log.block, tx: log.transactionHash, logIndex: log.logIndex, time: log.time, event: event)
    }
}

extension PairLog {
    /// The log with every address (the pair's, the event's) replaced by its name.
    public func named(_ names: ChainNames) -> PairLog {
        guard !names.isEmpty else { return self }
        var named = self
        named.address = names.name(address)
        switch event {
        case .mint(let sender, let amount0, let amount1):
            named.event = .mint(sender: names.name(sender), amount0: amount0, amount1: amount1)
        case .burn(let sender, let amount0, let amount1, let to):
            named.event = .burn(sender: names.name(sender), amount0: amount0, amount1: amount1, to: names.name(to))
        case .swap(let sender, let in0, let in1, let out0, let out1, let to):
            named.event = .swap(sender: names.name(sender), amount0In: in0, amount1In: in1, amount0Out: out0, amount1Out: out1, to: names.name(to))
        case .sync:
            break
        case .transfer(let from, let to, let value):
            named.event = .transfer(from: names.name(from), to: names.name(to), value: value)
        case .feeTo(let feeTo):
            named.event = .feeTo(feeTo.map { names.name($0) })
        }
        return named
    }
}
