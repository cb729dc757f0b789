import PoolLedger
import PoolMath

/// A Uniswap V3 pool's recorded history (Initialize, then Mint, Burn and Swap
/// logs with the chain's price, liquidity and tick after each swap), read from
/// the shared data's JSON and turned into ledger facts. The ledger's fold
/// checks every recorded field (a swap's input is reconstructed there, see
/// `ConcentratedPool.replaySwap`), naming the line of the first it does not reproduce.
public struct RecordedV3History: Sendable {
    public struct Event: Sendable, Equatable {
        public enum Kind: String, Sendable { case mint, burn, swap }
        public var kind: Kind
        public var sender: String
        public var owner: String
        public var block: UInt64
        public var logIndex: UInt64
        public var liquidity: UInt128
        public var tickLower: Int32
        public var tickUpper: Int32
        /// Pool-side amounts: positive paid in, negative paid out.
        public var amount0: SignedAmount
        public var amount1: SignedAmount
        public var sqrtPriceX96After: UInt256?
        public var liquidityAfter: UInt128?
        public var tickAfter: Int32?
    }

    public var feePips: UInt32
    public var tickSpacing: Int32
    public var initialSqrtPriceX96: UInt256
    public var events: [Event]

    public struct Mismatch: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based position of the event in the history.
        public var event: Int
        public var block: UInt64
        public var logIndex: UInt64
        public var detail: String
        public var description: String { "event \(event) (block \(block) log_index \(logIndex)): \(detail)" }
    }

    /// Parses the recorded JSON (the `../shared/data` shape: `fee`, `tickSpacing`,
    /// `initialize.sqrtPriceX96`, `events`).
    public init(json source: String) throws {
        let root = try JSON.parse(source)
        func member(_ object: JSON, _ key: String) throws -> JSON {
            guard case .object(let members) = object, let value = members.first(where: { $0.key == key })?.value else {
                throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "missing \(key)")
            }
            return value
        }
        func text(_ value: JSON) -> String? {
            switch value {
            case .string(let s): return s
            case .number(let s): return s
            default: return nil
            }
        }
        func integer<T: FixedWidthInteger>(_ object: JSON, _ key: String) throws -> T {
            guard let value = text(try member(object, key)).flatMap({ T($0) }) else {
                throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "\(key) is not an integer")
            }
            return value
        }
        func amount(_ object: JSON, _ key: String) throws -> UInt256 {
            guard let value = text(try member(object, key)).flatMap({ UInt256(decimal: $0) }) else {
                throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "\(key) is not an amount")
            }
            return value
        }
        func signed(_ object: JSON, _ key: String) throws -> SignedAmount {
            guard let raw = text(try member(object, key)) else { throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "\(key) is not an amount") }
            let negative = raw.hasPrefix("-")
            guard let magnitude = UInt256(decimal: negative ? String(raw.dropFirst()) : raw) else {
                throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "\(key): \(raw) is not a signed integer")
            }
            return SignedAmount(magnitude, negative: negative)
        }
        feePips = try integer(root, "fee")
        tickSpacing = try integer(root, "tickSpacing")
        initialSqrtPriceX96 = try amount(try member(root, "initialize"), "sqrtPriceX96")
        guard case .array(let list) = try member(root, "events") else { throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "events is not an array") }
        events = try list.map { object in
            guard let kind = text(try member(object, "kind")).flatMap(Event.Kind.init) else {
                throw Mismatch(event: 0, block: 0, logIndex: 0, detail: "unknown event kind")
            }
            let isSwap = kind == .swap
            return Event(
                kind: kind, sender: text(try member(object, "sender")) ?? "",
                owner: isSwap ? "" : text(try member(object, "owner_or_recipient")) ?? "",
                block: try integer(object, "block"), logIndex: try integer(object, "logIndex"),
                liquidity: isSwap ? 0 : try integer(object, "liquidity"),
                tickLower: isSwap ? 0 : try integer(object, "tickLower"), tickUpper: isSwap ? 0 : try integer(object, "tickUpper"),
                amount0: try signed(object, "amount0"), amount1: try signed(object, "amount1"),
                sqrtPriceX96After: isSwap ? try amount(object, "sqrtPriceX96_after") : nil,
                liquidityAfter: isSwap ? try integer(object, "liquidity_after") : nil,
                tickAfter: isSwap ? try integer(object, "tick_after") : nil)
        }
    }
}

extension RecordedV3History {
    /// The history as ledger facts, every field as the chain recorded it (the
    /// fold re-checks each one): `pool_created` at the initial price, then a
    /// `position_minted` / `position_burned` per Mint / Burn (the position's
    /// owner is the Mint's owner, the Burn's sender: the position manager for
    /// positions opened through it) and a `swap` per Swap with the price, tick
    /// and liquidity it left. Ids are `block:log_index`.
    /// A Mint or Burn whose recorded amounts are negative is refused (a mint pays
    /// in, a burn releases; the log's amounts are unsigned).
    public func facts(pool: String, token0: String, token1: String, decimals0: UInt8, decimals1: UInt8) throws -> [Fact] {
        var facts = [Fact(.poolCreated(PoolCreated(
            pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1,
            feePPM: feePips, model: .concentrated, tickSpacing: tickSpacing, sqrtPriceX96: initialSqrtPriceX96)))]
        for (index, event) in events.enumerated() {
            let body: FactBody
            switch event.kind {
            case .mint, .burn:
                guard !event.amount0.isNegative, !event.amount1.isNegative else {
                    throw Mismatch(event: index + 1, block: event.block, logIndex: event.logIndex,
                                   detail: "\(event.kind.rawValue) amounts \(event.amount0), \(event.amount1) are not both paid in")
                }
                let change = PositionChanged(
                    pool: pool, owner: event.kind == .mint ? event.owner : event.sender,
                    tickLower: event.tickLower, tickUpper: event.tickUpper, liquidity: UInt256(high: 0, low: event.liquidity),
                    amount0: event.amount0.magnitude, amount1: event.amount1.magnitude)
                body = event.kind == .mint ? .positionMinted(change) : .positionBurned(change)
            case .swap:
                // Pool-side signs: positive paid in, negative paid out.
                func paidIn(_ amount: SignedAmount) -> UInt256 { amount.isNegative ? .zero : amount.magnitude }
                func paidOut(_ amount: SignedAmount) -> UInt256 { amount.isNegative ? amount.magnitude : .zero }
                body = .swap(Swap(
                    pool: pool, trader: event.sender,
                    amount0In: paidIn(event.amount0), amount1In: paidIn(event.amount1),
                    amount0Out: paidOut(event.amount0), amount1Out: paidOut(event.amount1),
                    sqrtPriceX96After: event.sqrtPriceX96After, tickAfter: event.tickAfter,
                    liquidityAfter: event.liquidityAfter.map { UInt256(high: 0, low: $0) }))
            }
            facts.append(Fact(body, id: "\(event.block):\(event.logIndex)", block: event.block))
        }
        return facts
    }
}
