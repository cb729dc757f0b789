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
/// A concentrated pool's state goes on with its V3 fields (ticks and
/// positions in a fixed order: `ConcentratedStateJSON`); for it `reserve0`,
/// `reserve1` are its token balances and `shares` is empty.
/// `seq` (where the state sits in a log) and `k` (derived from the reserves)
/// are not part of it. `state_hash` is the lowercase hex SHA-256 of those
/// bytes, so it depends only on the state: not on dictionary order, nor on
/// whether it was reached by commands, facts, a snapshot or a replay.
public enum StateHash {
    public static func canonicalJSON(_ pool: PoolState) -> JSON {
        func amount(_ value: UInt256) -> JSON { .string(value.description) }
        let owners = pool.shares.keys.sorted(by: utf8Less)
        let concentrated = pool.concentrated.map(ConcentratedStateJSON.members) ?? []
        return .object([
            ("pool", .string(pool.pool)),
            ("model", .string(pool.model.rawValue)),
            ("token0", .string(pool.token0)),
            ("token1", .string(pool.token1)),
            ("decimals0", .number(String(pool.decimals0))),
            ("decimals1", .number(String(pool.decimals1))),
            ("fee_ppm", .number(String(pool.feePPM))),
            ("fee_to", pool.feeTo.map(JSON.string) ?? .null),
            ("reserve0", amount(pool.reserve0)),
            ("reserve1", amount(pool.reserve1)),
            ("total_shares", amount(pool.totalShares)),
            ("k_last", amount(pool.kLast)),
            ("price0_cumulative", amount(pool.price0Cumulative)),
            ("price1_cumulative", amount(pool.price1Cumulative)),
            ("block_timestamp_last", .number(String(pool.blockTimestampLast))),
            ("time_last", pool.timeLast.map { .number(String($0)) } ?? .null),
            ("shares", .object(owners.map { ($0, amount(pool.shares[$0]!)) })),
        ] + concentrated)
    }

    /// The canonical bytes (UTF-8 of the compact canonical JSON).
    public static func canonicalBytes(_ pool: PoolState) -> [UInt8] {
        Array(canonicalJSON(pool).compact.utf8)
    }

    /// Lowercase hex SHA-256 of the canonical bytes.
    public static func hash(_ pool: PoolState) -> String {
        let digest = SHA256.hash(data: canonicalBytes(pool))
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
