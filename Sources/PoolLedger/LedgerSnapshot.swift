import PoolMath

/// A ledger's whole state at a position, as bytes: compact JSON
/// `{"seq":N,"pools":[<canonical pool state + "seq" (+ "law_accounts")>, ...]}`,
/// pools in canonical order. A concentrated pool's laws' running accounts
/// follow as `law_accounts` (not part of the state or its hash; a snapshot
/// written before they were stored has none, and they are recomputed).
/// Decoding checks every field as strictly as facts are, and stored
/// accounts against their recomputation from the state.
public enum LedgerSnapshot {
    /// `lawAccounts: false` writes the form without the accounts (as earlier releases did).
    public static func encode(_ ledger: Ledger, lawAccounts: Bool = true) -> [UInt8] {
        let pools: [JSON] = ledger.poolIDs.map { id in
            let pool = ledger[id]!
            guard case .object(var members) = StateHash.canonicalJSON(pool) else { preconditionFailure() }
            members.append(("seq", .number(String(pool.seq))))
            if lawAccounts, case .concentrated(let v3) = pool.body {
                members.append(("law_accounts", ConcentratedStateJSON.accounts(v3.liquidityBook.accounts)))
            }
            return .object(members)
        }
        return JSON.object([("seq", .number(String(ledger.seq))), ("pools", .array(pools))]).compactBytes
    }

    public static func decode(_ bytes: [UInt8]) throws(Rejection) -> Ledger {
        guard let text = UTF8Text.string(bytes) else {
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
        var header = PoolHeader(created: created)
        if case .null? = fields.raw("time_last") {
        } else {
            header.timeLast = try fields.optionalInteger("time_last", in: ContractCodec.timeRange)
        }
        header.seq = try fields.integer("seq", in: 0...UInt64(Int64.max))
        let body: PoolBody
        switch created.model {
        case .constantProduct: body = .constantProduct(try ConstantProductStateJSON.decode(&fields))
        case .concentrated:
            var v3 = try ConcentratedStateJSON.decode(&fields, created: created)
            if let stored = fields.raw("law_accounts") {
                // Taken as stored; restoring the ledger compares them with their recomputation.
                v3.liquidityBook.restore(accounts: try ConcentratedStateJSON.accounts(stored))
            }
            body = .concentrated(v3)
        }
        try fields.finish("a snapshot pool")
        return PoolState(header: header, body: body)
    }
}
