import PoolMath

/// Decoded rows of many pools (an indexer's output: `address`, `block`, `tx`,
/// `log_index`, optional `time`, `event` and the event's arguments by their
/// Solidity names), as JSON Lines or CSV with a header. Each row is encoded
/// back into the raw log it was decoded from (the ABI's rules), so that
/// decoded rows and raw logs take one path: the same routing, the same checks.
///
/// Events: Uniswap V3 factory `PoolCreated` (token0, token1, fee,
/// tickSpacing, pool) and pool `Initialize` (sqrtPriceX96, tick), `Mint`
/// (sender, owner, tickLower, tickUpper, amount, amount0, amount1), `Burn`
/// (owner, tickLower, tickUpper, amount, amount0, amount1), `Collect` (owner,
/// recipient, tickLower, tickUpper, amount0, amount1), `Swap` (sender,
/// recipient, amount0, amount1 signed, sqrtPriceX96, liquidity, tick),
/// `Flash` (sender, recipient, amount0, amount1, paid0, paid1),
/// `SetFeeProtocol` (feeProtocol0Old, feeProtocol1Old, feeProtocol0New,
/// feeProtocol1New), `CollectProtocol` (sender, recipient, amount0, amount1);
/// Uniswap V2 factory `PairCreated` (token0, token1, pair) and pair `Mint`
/// (sender, amount0, amount1), `Burn` (sender, amount0, amount1, to), `Swap`
/// (sender, amount0In, amount1In, amount0Out, amount1Out, to), `Sync`,
/// `Transfer` (from, to, value); the V3 NonfungiblePositionManager's
/// `IncreaseLiquidity` and `DecreaseLiquidity` (tokenId, liquidity, amount0,
/// amount1), `Collect` (tokenId, recipient, amount0, amount1) and ERC-721
/// `Transfer` (from, to, tokenId). A manager's `Collect` and `Transfer` are
/// told from the pool's and the pair's by their `tokenId`. A V3 `Mint`, `Burn` or `Swap` is told from
/// the V2 one by its arguments (tickLower; sqrtPriceX96).
public enum DecodedLogReader {
    public enum Format: Sendable { case jsonLines, csv }

    public static func forEach(_ lines: JSONLines.Reader, format: Format, _ body: (RawLog) throws -> Void) throws {
        var reader = lines
        var columns: [String]?
        while let (text, number) = try reader.next() {
            var fields: [String: String] = [:]
            do throws(Rejection) {
                switch format {
                case .jsonLines:
                    if JSONLines.isBlank(text) { continue }
                    let json: JSON
                    do throws(JSONSyntaxError) { json = try JSON.parse(text) } catch { throw Rejection(.malformedJSON, error.description) }
                    guard case .object(let members) = json else { throw Rejection(.malformedJSON, "a log is a JSON object, not \(json.kind)") }
                    for (key, value) in members {
                        switch value {
                        case .string(let string): fields[key] = string
                        case .number(let string): fields[key] = string
                        default: break
                        }
                    }
                case .csv:
                    let line = text.hasSuffix("\r") ? Substring(text.dropLast()) : Substring(text)
                    if line.isEmpty { continue }
                    let cells = try PairLogReader.cells(line)
                    guard let names = columns else {
                        columns = cells
                        continue
                    }
                    for (index, name) in names.enumerated() where index < cells.count && !cells[index].isEmpty { fields[name] = cells[index] }
                }
            } catch {
                throw LocatedRejection(.line(number), error)
            }
            let log: RawLog
            do throws(Rejection) { log = try Self.log(fields, row: number) } catch { throw LocatedRejection(.line(number), error) }
            try body(log)
        }
    }

    /// The raw log a decoded row was decoded from.
    static func log(_ fields: [String: String], row: Int) throws(Rejection) -> RawLog {
        func text(_ key: String) throws(Rejection) -> String {
            guard let value = fields[key], !value.isEmpty else { throw Rejection(.missingField, "field \(quoted(key)) is missing") }
            return value
        }
        func integer(_ key: String) throws(Rejection) -> UInt64 { try RawLogReader.integer(try text(key), key) }
        func amount(_ key: String) throws(Rejection) -> UInt256 {
            let value = try text(key)
            switch UInt256.parseDecimal(value) {
            case .success(let amount): return amount
            case .failure(let failure): throw Rejection(.invalidAmount, "field \(quoted(key)): \(failure)")
            }
        }
        func bounded(_ key: String, bits: Int) throws(Rejection) -> UInt256 {
            let value = try amount(key)
            guard value >> bits == .zero else { throw Rejection(.invalidAmount, "field \(quoted(key)): \(value) does not fit uint\(bits)") }
            return value
        }
        /// A signed decimal (int24, int256) as its two's complement word.
        func signed(_ key: String, bits: Int) throws(Rejection) -> UInt256 {
            let value = try text(key)
            let negative = value.hasPrefix("-")
            let digits = negative ? String(value.dropFirst()) : value
            let magnitude: UInt256
            switch UInt256.parseDecimal(digits) {
            case .success(let parsed): magnitude = parsed
            case .failure(let failure): throw Rejection(.invalidAmount, "field \(quoted(key)): \(failure)")
            }
            let limit = UInt256.one << (bits - 1)
            guard negative ? magnitude <= limit && !magnitude.isZero : magnitude < limit else {
                throw Rejection(.invalidAmount, "field \(quoted(key)): \(value) does not fit int\(bits)")
            }
            return RawLogExport.signedWord(SignedAmount(magnitude, negative: negative))
        }
        func address(_ key: String) throws(Rejection) -> UInt256 {
            let value = try text(key)
            guard ChainNames.isAddress(value) else { throw Rejection(.invalidField, "field \(quoted(key)) must be an address (0x and 40 hex digits), not \(quoted(value))") }
            return RawLogExport.addressWord(value.lowercased())
        }
        let event = try text("event")
        let topics: [UInt256], words: [UInt256]
        switch event {
        case "PoolCreated":
            topics = [ConcentratedPoolLog.Topic.poolCreated, try address("token0"), try address("token1"), try bounded("fee", bits: 24)]
            words = [try signed("tickSpacing", bits: 24), try address("pool")]
        case "Initialize":
            topics = [ConcentratedPoolLog.Topic.initialize]
            words = [try bounded("sqrtPriceX96", bits: 160), try signed("tick", bits: 24)]
        case "Mint" where fields["tickLower"] != nil:
            topics = [ConcentratedPoolLog.Topic.mint, try address("owner"), try signed("tickLower", bits: 24), try signed("tickUpper", bits: 24)]
            words = [try address("sender"), try bounded("amount", bits: 128), try amount("amount0"), try amount("amount1")]
        case "Burn" where fields["tickLower"] != nil:
            topics = [ConcentratedPoolLog.Topic.burn, try address("owner"), try signed("tickLower", bits: 24), try signed("tickUpper", bits: 24)]
            words = [try bounded("amount", bits: 128), try amount("amount0"), try amount("amount1")]
        case "IncreaseLiquidity", "DecreaseLiquidity":
            topics = [event == "IncreaseLiquidity" ? ManagerLog.Topic.increaseLiquidity : ManagerLog.Topic.decreaseLiquidity, try amount("tokenId")]
            words = [try bounded("liquidity", bits: 128), try amount("amount0"), try amount("amount1")]
        case "Collect" where fields["tokenId"] != nil:
            topics = [ManagerLog.Topic.collect, try amount("tokenId")]
            words = [try address("recipient"), try bounded("amount0", bits: 128), try bounded("amount1", bits: 128)]
        case "Transfer" where fields["tokenId"] != nil:
            topics = [ManagerLog.Topic.transfer, try address("from"), try address("to"), try amount("tokenId")]
            words = []
        case "Collect":
            topics = [ConcentratedPoolLog.Topic.collect, try address("owner"), try signed("tickLower", bits: 24), try signed("tickUpper", bits: 24)]
            words = [try address("recipient"), try bounded("amount0", bits: 128), try bounded("amount1", bits: 128)]
        case "Swap" where fields["sqrtPriceX96"] != nil:
            topics = [ConcentratedPoolLog.Topic.swap, try address("sender"), try address("recipient")]
            words = [try signed("amount0", bits: 256), try signed("amount1", bits: 256), try bounded("sqrtPriceX96", bits: 160),
                     try bounded("liquidity", bits: 128), try signed("tick", bits: 24)]
        case "Flash":
            topics = [ConcentratedPoolLog.Topic.flash, try address("sender"), try address("recipient")]
            words = [try amount("amount0"), try amount("amount1"), try amount("paid0"), try amount("paid1")]
        case "SetFeeProtocol":
            topics = [ConcentratedPoolLog.Topic.setFeeProtocol]
            words = [try bounded("feeProtocol0Old", bits: 8), try bounded("feeProtocol1Old", bits: 8),
                     try bounded("feeProtocol0New", bits: 8), try bounded("feeProtocol1New", bits: 8)]
        case "CollectProtocol":
            topics = [ConcentratedPoolLog.Topic.collectProtocol, try address("sender"), try address("recipient")]
            words = [try bounded("amount0", bits: 128), try bounded("amount1", bits: 128)]
        case "PairCreated":
            topics = [PairRawLog.Topic.pairCreated, try address("token0"), try address("token1")]
            words = [try address("pair"), fields["allPairsLength"] == nil ? .one : try amount("allPairsLength")]
        case "Mint":
            topics = [PairRawLog.Topic.mint, try address("sender")]
            words = [try amount("amount0"), try amount("amount1")]
        case "Burn":
            topics = [PairRawLog.Topic.burn, try address("sender"), try address("to")]
            words = [try amount("amount0"), try amount("amount1")]
        case "Swap":
            topics = [PairRawLog.Topic.swap, try address("sender"), try address("to")]
            words = [try amount("amount0In"), try amount("amount1In"), try amount("amount0Out"), try amount("amount1Out")]
        case "Sync":
            topics = [PairRawLog.Topic.sync]
            words = [try bounded("reserve0", bits: 112), try bounded("reserve1", bits: 112)]
        case "Transfer":
            topics = [PairRawLog.Topic.transfer, try address("from"), try address("to")]
            words = [try amount("value")]
        default:
            throw Rejection(.unknownEvent, "event \(quoted(event)) is no Uniswap V2 or V3 factory or pool event")
        }
        return RawLog(
            block: try integer("block"), transactionHash: try Hex.fixed(try text("tx"), bytes: 32, "tx"), logIndex: try integer("log_index"),
            address: try Hex.fixed(try text("address"), bytes: 20, "address"), topics: topics, data: ABIWord.data(words), row: row,
            time: fields["time"] == nil ? nil : try integer("time"))
    }
}
