import PoolMath

/// A constant-product pool's part of the canonical state (and so of its
/// `state_hash` and snapshots), in the two places the version-1 layout has
/// for a model (`StateHash`):
///
///     reserve0, reserve1, total_shares, k_last, price0_cumulative,
///     price1_cumulative, block_timestamp_last   (before time_last)
///     shares                                    (after it)
///
/// `shares` is an object of owner -> shares with zero holders left out,
/// owners sorted by the bytes of their UTF-8 encoding.
enum ConstantProductStateJSON {
    static func members(_ pair: ConstantProductPool) -> StateHash.ModelMembers {
        func amount(_ value: UInt256) -> JSON { .string(value.description) }
        let owners = pair.shares.keys.sorted(by: utf8Less)
        return StateHash.ModelMembers(
            beforeTime: [
                ("reserve0", amount(pair.reserve0)),
                ("reserve1", amount(pair.reserve1)),
                ("total_shares", amount(pair.totalShares)),
                ("k_last", amount(pair.kLast)),
                ("price0_cumulative", amount(pair.price0Cumulative)),
                ("price1_cumulative", amount(pair.price1Cumulative)),
                ("block_timestamp_last", .number(String(pair.blockTimestampLast))),
            ],
            afterTime: [
                ("shares", .object(owners.map { ($0, amount(pair.shares[$0]!)) })),
            ])
    }

    /// Reads the pair back from a snapshot's pool object, as strictly as facts.
    static func decode(_ fields: inout FieldReader) throws(Rejection) -> ConstantProductPool {
        let reserve0 = try fields.amount("reserve0")
        let reserve1 = try fields.amount("reserve1")
        let totalShares = try fields.amount("total_shares")
        let kLast = try fields.amount("k_last")
        let price0Cumulative = try fields.amount("price0_cumulative")
        let price1Cumulative = try fields.amount("price1_cumulative")
        let blockTimestampLast = UInt32(try fields.integer("block_timestamp_last", in: 0...UInt64(UInt32.max)))
        guard case .object(let owners)? = fields.raw("shares") else {
            throw Rejection(.missingField, "snapshot pool field \"shares\" must be an object")
        }
        // The share table can hold many owners: read it directly, not field by field.
        var shares: [String: UInt256] = [:]
        shares.reserveCapacity(owners.count)
        for (owner, value) in owners {
            guard case .string(let text) = value, case .success(let held) = UInt256.parseDecimal(text), !held.isZero else {
                throw Rejection(.invalidAmount, "snapshot shares of \(quoted(owner)) must be a non-zero amount string")
            }
            guard shares.updateValue(held, forKey: owner) == nil else {
                throw Rejection(.duplicateField, "snapshot owner \(quoted(owner)) appears twice")
            }
        }
        return ConstantProductPool(
            reserve0: reserve0, reserve1: reserve1, totalShares: totalShares, kLast: kLast, shares: shares,
            price0Cumulative: price0Cumulative, price1Cumulative: price1Cumulative, blockTimestampLast: blockTimestampLast)
    }
}
