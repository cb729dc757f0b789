import PoolMath

/// The NonfungiblePositionManager's logs, decoded by the ABI's rules. They
/// name no pool: an increase, decrease or collect belongs with the pool log
/// just before it in its transaction (the manager's Mint, Burn or Collect in
/// the pool), a Transfer with the pool its token id was minted in.
public enum ManagerLog: Sendable, Equatable {
    /// `IncreaseLiquidity(tokenId indexed, liquidity, amount0, amount1)`.
    case increaseLiquidity(tokenID: UInt256, liquidity: UInt256, amount0: UInt256, amount1: UInt256)
    /// `DecreaseLiquidity(tokenId indexed, liquidity, amount0, amount1)`.
    case decreaseLiquidity(tokenID: UInt256, liquidity: UInt256, amount0: UInt256, amount1: UInt256)
    /// `Collect(tokenId indexed, recipient, amount0, amount1)`.
    case collect(tokenID: UInt256, recipient: String, amount0: UInt256, amount1: UInt256)
    /// ERC-721 `Transfer(from indexed, to indexed, tokenId indexed)`: from the zero address a mint, to it a burn.
    case transfer(from: String, to: String, tokenID: UInt256)
    /// ERC-721 `Approval` and `ApprovalForAll`: they move no position.
    case approval

    public enum Topic {
        public static let increaseLiquidity: UInt256 = 0x3067048beee31b25b2f1681f88dac838c8bba36af25bfb2b7cf7473a5847e35f
        public static let decreaseLiquidity: UInt256 = 0x26f6a048ee9138f2c0ce266f322cb99228e8d619ae2bff30c67f8dcf9d2377b4
        public static let collect: UInt256 = 0x40d0efd1a53d60ecbf40971b9daf7dc90178c3aadc7aab1765632738fa8b8f01
        public static let transfer: UInt256 = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        public static let approval: UInt256 = 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925
        public static let approvalForAll: UInt256 = 0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31
    }

    /// Decodes one of the manager's logs.
    public static func decode(_ log: RawLog) throws(Rejection) -> ManagerLog {
        guard let topic = log.topics.first else { throw Rejection(.unknownEvent, "a log with no topics is no event of the position manager \(log.address)") }
        switch topic {
        case Topic.increaseLiquidity, Topic.decreaseLiquidity:
            let increase = topic == Topic.increaseLiquidity
            let name = increase ? "IncreaseLiquidity" : "DecreaseLiquidity"
            try log.requireShape(name, topics: 2, words: 3)
            let liquidity = try ABIWord.unsigned(log.word(0), bits: 128, "\(name) liquidity")
            return increase
                ? .increaseLiquidity(tokenID: log.topics[1], liquidity: liquidity, amount0: log.word(1), amount1: log.word(2))
                : .decreaseLiquidity(tokenID: log.topics[1], liquidity: liquidity, amount0: log.word(1), amount1: log.word(2))
        case Topic.collect:
            try log.requireShape("Collect", topics: 2, words: 3)
            return .collect(tokenID: log.topics[1], recipient: try ABIWord.address(log.word(0), "Collect recipient"),
                            amount0: try ABIWord.unsigned(log.word(1), bits: 128, "Collect amount0"),
                            amount1: try ABIWord.unsigned(log.word(2), bits: 128, "Collect amount1"))
        case Topic.transfer:
            try log.requireShape("Transfer", topics: 4, words: 0)
            return .transfer(from: try ABIWord.address(log.topics[1], "Transfer from"), to: try ABIWord.address(log.topics[2], "Transfer to"), tokenID: log.topics[3])
        case Topic.approval, Topic.approvalForAll:
            return .approval
        default:
            throw Rejection(.unknownEvent, "topic \(ConcentratedPoolLog.topicText(log)) is no event of the position manager \(log.address)")
        }
    }

    /// The manager's log as it would name it in an error.
    public var eventName: String {
        switch self {
        case .increaseLiquidity: "IncreaseLiquidity"
        case .decreaseLiquidity: "DecreaseLiquidity"
        case .collect: "Collect"
        case .transfer: "Transfer"
        case .approval: "Approval"
        }
    }
}

/// Pairs the manager's logs with the pool logs of the same call, as a stream:
/// a V3 pool's Mint, Burn or Collect whose owner is a manager is held (with a
/// Burn of 0 before a Collect: the manager's poke) until the next log. If
/// that is the manager's log of the call, in the same transaction, the two
/// become one `nft_*` fact, checked against each other; otherwise the pool
/// logs stand alone as the positions of the manager's address (a history
/// read without the manager's logs folds as before; one that holds NFTs in
/// the range and misses a manager log breaks the manager law there).
public struct ManagerCallAssembler: Sendable {
    /// A held pool fact, its log's transaction and id.
    public struct Held: Sendable {
        public var fact: Fact
        public var location: LocatedRejection.Location
        public var transaction: String
    }

    /// The managers' addresses and the names their positions carry in facts.
    public let managers: [String: String]
    public private(set) var held: [Held] = []
    /// The Transfer from the zero address of a mint, waiting for its IncreaseLiquidity.
    private var minted: (tokenID: UInt256, holder: String, transaction: String)?

    public init(managers: [String: String]) { self.managers = managers }

    /// Whether a pool fact is one to hold: a position change owned by a manager.
    public func holds(_ fact: Fact) -> Bool {
        switch fact.body {
        case .positionMinted(let f), .positionBurned(let f): return isManager(f.owner)
        case .feesCollected(let f): return isManager(f.owner)
        default: return false
        }
    }

    func isManager(_ name: String) -> Bool { managers.values.contains(name) }

    /// Holds a pool fact (after `holds` said so); returns what was held before
    /// and must now fold alone (a poke Burn stays held with its Collect).
    public mutating func hold(_ fact: Fact, log: RawLog) -> [Held] {
        var released: [Held] = []
        let poke = held.count == 1 && held[0].transaction == log.transactionHash && Self.isPoke(held[0].fact)
        if case .feesCollected = fact.body, poke {} else { released = take() }
        held.append(Held(fact: fact, location: log.location, transaction: log.transactionHash))
        return released
    }

    /// Everything held, to fold alone (a log that is not the manager's call came next).
    public mutating func take() -> [Held] {
        defer { held = []; minted = nil }
        return held
    }

    /// A manager log with no pool log of its call before it: most likely a
    /// call on a pool this import does not hold (`UNKNOWN_POOL`, which
    /// `--skip-unknown` counts and skips, as the pool's own logs).
    static func unpaired(_ what: String, _ log: RawLog, _ poolEvent: String) -> Rejection {
        Rejection(.unknownPool, "the manager's \(what) (log \(log.factID)) follows no pool \(poolEvent) of the manager in its transaction (a call on a pool not in this import? --skip-unknown skips it)")
    }

    static func isPoke(_ fact: Fact) -> Bool {
        if case .positionBurned(let burn) = fact.body { return burn.liquidity.isZero && burn.amount0.isZero && burn.amount1.isZero }
        return false
    }

    /// What a manager log makes with the held pool logs: the `nft_*` fact (and
    /// any held logs it does not take, to fold first), or a refusal naming both logs.
    /// `pool(tokenID)` finds the pool an NFT was minted in (for a Transfer).
    public mutating func managerLog(
        _ log: RawLog, manager: String, names: ChainNames, pool lookUp: (UInt256) -> String?
    ) throws(Rejection) -> (alone: [Held], nft: Fact?) {
        let event = try ManagerLog.decode(log)
        let sameTransaction = held.last?.transaction == log.transactionHash
        func fact(_ body: FactBody) -> Fact { Fact(body, id: log.factID, time: log.time, block: log.block) }
        func poolLogID(_ held: Held) -> String? { held.fact.id }
        func mismatch(_ detail: String, _ poolLog: Held) -> Rejection {
            Rejection(.managerLogMismatch, "the manager's \(event.eventName) (log \(log.factID)) does not match the pool's log \(poolLog.fact.id ?? "?") (\(poolLog.fact.body.typeName) of \(poolLog.fact.pool)): \(detail)")
        }
        switch event {
        case .approval:
            return ([], nil)
        case .transfer(let from, let to, let tokenID):
            if from == zeroAddress {
                // A mint's: its IncreaseLiquidity follows, with the pool's Mint held before it.
                guard sameTransaction, let last = held.last, case .positionMinted = last.fact.body else {
                    throw Self.unpaired("Transfer of token id \(tokenID) from the zero address", log, "Mint")
                }
                minted = (tokenID, names.name(to), log.transactionHash)
                return ([], nil)
            }
            let alone = take()
            guard let pool = lookUp(tokenID) else {
                throw Rejection(.unknownPool, "the manager's Transfer of token id \(tokenID) (log \(log.factID)): no pool holds that NFT (its mint is not in the ledger; --skip-unknown skips the logs of pools not imported)")
            }
            let body: FactBody = to == zeroAddress
                ? .nftBurned(NFTTransferred(pool: pool, manager: manager, tokenID: tokenID, from: names.name(from), to: zeroAddress))
                : .nftTransferred(NFTTransferred(pool: pool, manager: manager, tokenID: tokenID, from: names.name(from), to: names.name(to)))
            return (alone, fact(body))
        case .increaseLiquidity(let tokenID, let liquidity, let amount0, let amount1),
             .decreaseLiquidity(let tokenID, let liquidity, let amount0, let amount1):
            let increase: Bool
            if case .increaseLiquidity = event { increase = true } else { increase = false }
            guard sameTransaction, held.count == 1, let poolLog = held.last else {
                throw Self.unpaired("\(event.eventName) of token id \(tokenID)", log, increase ? "Mint" : "Burn")
            }
            let change: PositionChanged
            switch poolLog.fact.body {
            case .positionMinted(let f) where increase: change = f
            case .positionBurned(let f) where !increase: change = f
            default: throw mismatch("the manager's \(event.eventName) goes with the pool's \(increase ? "Mint" : "Burn")", poolLog)
            }
            guard change.owner == manager else { throw mismatch("the pool log's owner is \(change.owner), not the manager \(manager)", poolLog) }
            guard change.liquidity == liquidity else { throw mismatch("liquidity \(liquidity), the pool's \(change.liquidity)", poolLog) }
            guard change.amount0 == amount0, change.amount1 == amount1 else {
                throw mismatch("amounts \(amount0), \(amount1), the pool's \(change.amount0), \(change.amount1)", poolLog)
            }
            var holder: String?
            if increase, let mint = minted, mint.transaction == log.transactionHash {
                guard mint.tokenID == tokenID else {
                    throw mismatch("token id \(tokenID), but the Transfer from the zero address minted token id \(mint.tokenID)", poolLog)
                }
                holder = mint.holder
            }
            held = []
            minted = nil
            let nft = NFTLiquidityChanged(
                pool: change.pool, manager: manager, tokenID: tokenID, holder: holder, tickLower: change.tickLower, tickUpper: change.tickUpper,
                liquidity: liquidity, amount0: amount0, amount1: amount1, poolLog: poolLogID(poolLog))
            return ([], fact(increase ? (holder != nil ? .nftMinted(nft) : .nftLiquidityIncreased(nft)) : .nftLiquidityDecreased(nft)))
        case .collect(let tokenID, let recipient, let amount0, let amount1):
            guard sameTransaction, let poolLog = held.last, case .feesCollected(let collect) = poolLog.fact.body else {
                throw Self.unpaired("Collect of token id \(tokenID)", log, "Collect")
            }
            guard collect.owner == manager else { throw mismatch("the pool log's owner is \(collect.owner), not the manager \(manager)", poolLog) }
            // The manager asks for what it emits; the pool pays at most that.
            guard collect.amount0 <= amount0, collect.amount1 <= amount1 else {
                throw mismatch("the pool paid \(collect.amount0), \(collect.amount1), more than the manager's \(amount0), \(amount1)", poolLog)
            }
            // The poke, if any, is the fold's to redo: it follows from the NFT's liquidity.
            let alone = held.count == 2 && !Self.isPoke(held[0].fact) ? [held[0]] : []
            held = []
            minted = nil
            return (alone, fact(.nftCollected(NFTCollected(
                pool: collect.pool, manager: manager, tokenID: tokenID, tickLower: collect.tickLower, tickUpper: collect.tickUpper,
                recipient: names.name(recipient), amount0: amount0, amount1: amount1, poolAmount0: collect.amount0, poolAmount1: collect.amount1,
                poolLog: poolLogID(poolLog)))))
        }
    }
}
