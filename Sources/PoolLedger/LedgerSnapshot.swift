import PoolMath

/// A ledger's whole state at a position, as bytes: compact JSON
/// `{"seq":N,"pools":[<canonical pool state + "seq">, ...]}`, pools in
/// canonical order. Decoding checks every field as strictly as facts are.
public enum LedgerSnapshot {
    public static func encode(_ ledger: Ledger) -> [UInt8] {
        let pools: [JSON] = ledger.poolIDs.map { id in
            let pool = ledger[id]!
            guard case .object(var members) = StateHash.canonicalJSON(pool) else { preconditionFailure() }
            members.append(("seq", .number(String(pool.seq))))
            return .object(members)
        }
        return Array(JSON.object([("seq", .number(String(ledger.seq))), ("pools", .array(pools))]).compact.utf8)
    }

    public static func decode(_ bytes: [UInt8]) throws(Rejection) -> Ledger {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Rejection(.malformedJSON, "snapshot is not valid UTF-8")
        }
        let json: JSON
        do { json = try JSON.parse(text) } catch { throw Rejection(.malformedJSON, "snapshot: \(error)") }
        var fields = try FieldReader(json)
        let seq = try fields.integer("seq", in: 0...UInt64(Int64.max))
        guard case .array(let entries)? = fields.raw("pools") else {
            throw Rejection(.missingField, "snapshot field \"pools\" must be an array")
        }
        try fields.finish("a snapshot")
        var pools: [PoolState] = []
        for entry in entries { pools.append(try decodePool(entry)) }
        return try Ledger(pools: pools, seq: seq)
    }

    static func decodePool(_ json: JSON) throws(Rejection) -> PoolState {
        var fields = try FieldReader(json)
        let created = try ContractCodec.poolCreated(&fields)
        var pool = PoolState(created: created)
        pool.reserve0 = try fields.amount("reserve0")
        pool.reserve1 = try fields.amount("reserve1")
        pool.totalShares = try fields.amount("total_shares")
        pool.kLast = try fields.amount("k_last")
        pool.price0Cumulative = try fields.amount("price0_cumulative")
        pool.price1Cumulative = try fields.amount("price1_cumulative")
        pool.blockTimestampLast = UInt32(try fields.integer("block_timestamp_last", in: 0...UInt64(UInt32.max)))
        if case .null? = fields.raw("time_last") {
        } else {
            pool.timeLast = try fields.optionalInteger("time_last", in: ContractCodec.timeRange)
        }
        pool.seq = try fields.integer("seq", in: 0...UInt64(Int64.max))
        guard case .object(let owners)? = fields.raw("shares") else {
            throw Rejection(.missingField, "snapshot pool field \"shares\" must be an object")
        }
        // The share table can hold many owners: read it directly, not field by field.
        for (owner, value) in owners {
            guard case .string(let text) = value, case .success(let shares) = UInt256.parseDecimal(text), !shares.isZero else {
                throw Rejection(.invalidAmount, "snapshot shares of \(quoted(owner)) must be a non-zero amount string")
            }
            guard pool.shares.updateValue(shares, forKey: owner) == nil else {
                throw Rejection(.duplicateField, "snapshot owner \(quoted(owner)) appears twice")
            }
        }
        if created.model == .concentrated {
            pool.concentrated = try ConcentratedStateJSON.decode(&fields, created: created)
        }
        try fields.finish("a snapshot pool")
        return pool
    }
}
