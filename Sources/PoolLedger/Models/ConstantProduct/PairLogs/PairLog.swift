import PoolMath

/// One log of a Uniswap V2 pair, as an indexer delivers it: where it sits
/// (block, transaction, log index) and the event with its Solidity arguments.
public struct PairLog: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case mint(sender: String, amount0: UInt256, amount1: UInt256)
        case burn(sender: String, amount0: UInt256, amount1: UInt256, to: String)
        case swap(sender: String, amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256, to: String)
        case sync(reserve0: UInt256, reserve1: UInt256)
        /// The LP token's own Transfer (the pair is the LP token).
        case transfer(from: String, to: String, value: UInt256)
        /// PoolLedger's own row, not a pair log: the factory's `setFeeTo`, which
        /// emits nothing, so that a history with the protocol fee switched
        /// survives `export-logs` and `import-logs`.
        case feeTo(String?)

        public var name: String {
            switch self {
            case .mint: return "Mint"
            case .burn: return "Burn"
            case .swap: return "Swap"
            case .sync: return "Sync"
            case .transfer: return "Transfer"
            case .feeTo: return "FeeTo"
            }
        }
    }

    public var address: String
    public var block: UInt64
    public var tx: String
    public var logIndex: UInt64
    /// The block's timestamp, when the indexer gives it (optional `time`).
    public var time: UInt64?
    public var event: Event

    public init(address: String, block: UInt64, tx: String, logIndex: UInt64, time: UInt64? = nil, event: Event) {
        self.address = address
        self.block = block
        self.tx = tx
        self.logIndex = logIndex
        self.time = time
        self.event = event
    }

    public var location: LocatedRejection.Location { .log(block: block, tx: tx, logIndex: logIndex) }
    /// The id of the fact this log defines: `tx:log_index`.
    public var factID: String { "\(tx):\(logIndex)" }
}

/// Addresses compare without regard to case (checksummed or not).
func sameAddress(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

extension PairLog {
    /// The columns of the JSON Lines and CSV forms, in the CSV's order.
    public static let columns = [
        "address", "block", "tx", "log_index", "time", "event", "sender", "to", "from", "amount0", "amount1",
        "amount0In", "amount1In", "amount0Out", "amount1Out", "reserve0", "reserve1", "value", "fee_to",
    ]

    /// The log as named fields (strings), for either form.
    public var fields: [(String, String)] {
        var fields: [(String, String)] = [
            ("address", address), ("block", String(block)), ("tx", tx), ("log_index", String(logIndex)),
        ]
        if let time { fields.append(("time", String(time))) }
        fields.append(("event", event.name))
        switch event {
        case .mint(let sender, let amount0, let amount1):
            fields += [("sender", sender), ("amount0", amount0.description), ("amount1", amount1.description)]
        case .burn(let sender, let amount0, let amount1, let to):
            fields += [("sender", sender), ("amount0", amount0.description), ("amount1", amount1.description), ("to", to)]
        case .swap(let sender, let in0, let in1, let out0, let out1, let to):
            fields += [("sender", sender), ("amount0In", in0.description), ("amount1In", in1.description),
                       ("amount0Out", out0.description), ("amount1Out", out1.description), ("to", to)]
        case .sync(let reserve0, let reserve1):
            fields += [("reserve0", reserve0.description), ("reserve1", reserve1.description)]
        case .transfer(let from, let to, let value):
            fields += [("from", from), ("to", to), ("value", value.description)]
        case .feeTo(let feeTo):
            fields.append(("fee_to", feeTo ?? ""))
        }
        return fields
    }

    /// One JSON Lines line.
    public var jsonLine: String {
        JSON.object(fields.map { key, value in
            switch key {
            case "block", "log_index", "time": return (key, .number(value))
            case "fee_to" where value.isEmpty: return (key, .null)
            default: return (key, .string(value))
            }
        }).compact
    }

    /// One CSV row in `columns` order (no field needs quoting: addresses, hashes and integers).
    public var csvRow: String {
        let values = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        return Self.columns.map { values[$0] ?? "" }.joined(separator: ",")
    }
}
