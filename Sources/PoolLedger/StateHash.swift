import Crypto
import PoolMath

/// The canonical encoding of a pool's state and its `state_hash`.
///
/// The canonical state is a compact JSON object (no whitespace, only the
/// escapes JSON requires, UTF-8) with exactly these keys in this order:
///
///     pool, model, token0, token1, decimals0, decimals1, fee_ppm, fee_to,
///     reserve0, reserve1, total_shares, k_last, price0_cumulative,
///     price1_cumulative, block_timestamp_last, time_last, shares
///
/// Amounts are decimal strings as in the contract; `decimals*`, `fee_ppm`,
/// `block_timestamp_last` are JSON integers; `fee_to` and `time_last` are a
/// string/integer or null; `shares` is an object of owner -> shares with zero
/// holders left out, owners sorted by the bytes of their UTF-8 encoding.
/// The header's members are written here, the model's by its own
/// `<Model>StateJSON` (`ConstantProductStateJSON` writes the pair's fields
/// above; a concentrated pool writes its balances as `reserve0`, `reserve1`,
/// zeros for the pair's other fields, an empty `shares`, then its V3 fields:
/// `ConcentratedStateJSON`).
/// `seq` (where the state sits in a log) and `k` (derived from the reserves)
/// are not part of it. `state_hash` is the lowercase hex SHA-256 of those
/// bytes, so it depends only on the state: not on dictionary order, nor on
/// whether it was reached by commands, facts, a snapshot or a replay.
public enum StateHash {
    /// A model's members of the canonical state, in the two places the
    /// version-1 layout has for them: before `time_last` and after it.
    /// (The layout was the constant-product pool's; every model fills both
    /// places so that no state hash of an existing history changes.)
    struct ModelMembers {
        var beforeTime: [(key: String, value: JSON)]
        var afterTime: [(key: String, value: JSON)]
    }

    static func members(_ body: PoolBody) -> ModelMembers {
        switch body {
        case .constantProduct(let pair): return ConstantProductStateJSON.members(pair)
        case .concentrated(let v3): return ConcentratedStateJSON.members(v3)
        }
    }

    public static func canonicalJSON(_ pool: PoolState) -> JSON {
        let model = members(pool.body)
        let header: [(key: String, value: JSON)] = [
            ("pool", .string(pool.pool)),
            ("model", .string(pool.model.rawValue)),
            ("token0", .string(pool.token0)),
            ("token1", .string(pool.token1)),
            ("decimals0", .number(String(pool.decimals0))),
            ("decimals1", .number(String(pool.decimals1))),
            ("fee_ppm", .number(String(pool.feePPM))),
            ("fee_to", pool.feeTo.map(JSON.string) ?? .null),
        ]
        let time: (key: String, value: JSON) = ("time_last", pool.timeLast.map { .number(String($0)) } ?? .null)
        return .object(header + model.beforeTime + [time] + model.afterTime)
    }

    /// The canonical bytes (UTF-8 of the compact canonical JSON).
    public static func canonicalBytes(_ pool: PoolState) -> [UInt8] {
        canonicalJSON(pool).compactBytes
    }

    /// Lowercase hex SHA-256 of the canonical bytes.
    public static func hash(_ pool: PoolState) -> String {
        hash(canonical: canonicalJSON(pool))
    }

    /// The hash of a canonical state already built (`canonicalJSON`), for a
    /// caller that reads its fields too.
    package static func hash(canonical: JSON) -> String {
        let digest = SHA256.hash(data: canonical.compactBytes)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The contract's state object (`poolledger state POOL --json`, `poolledger fold`).
public enum StateJSON {
    /// The contract's fields first (`pool`, `seq`, `reserve0`, `reserve1`,
    /// `total_shares`, `k`, `k_last`, `fee_ppm`, `fee_to`, `shares`,
    /// `state_hash`), then the rest of the canonical state.
    public static func encode(_ pool: PoolState) -> JSON {
        guard case .object(let canonical) = StateHash.canonicalJSON(pool) else { preconditionFailure() }
        let contractKeys = ["pool", "reserve0", "reserve1", "total_shares", "k_last", "fee_ppm", "fee_to", "shares"]
        func field(_ key: String) -> JSON { canonical.first { $0.key == key }!.value }
        var members: [(key: String, value: JSON)] = [
            ("pool", field("pool")),
            ("seq", .number(String(pool.seq))),
            ("reserve0", field("reserve0")),
            ("reserve1", field("reserve1")),
            ("total_shares", field("total_shares")),
            ("k", .string(pool.k.description)),
            ("k_last", field("k_last")),
            ("fee_ppm", field("fee_ppm")),
            ("fee_to", field("fee_to")),
            ("shares", field("shares")),
            ("state_hash", .string(StateHash.hash(pool))),
        ]
        members += canonical.filter { !contractKeys.contains($0.key) }
        return .object(members)
    }

    /// Every pool of a ledger: an object of pool id -> state, pools in canonical order.
    public static func encode(_ ledger: Ledger) -> JSON {
        .object(ledger.poolIDs.map { ($0, encode(ledger[$0]!)) })
    }
}
