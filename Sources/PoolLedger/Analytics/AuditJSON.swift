import PoolMath

/// `audit --json`: the schema the README documents. Values and token amounts
/// are decimal strings in whole units (exact: every digit the audit computed,
/// trailing zeros trimmed), so `value == hodl_value + il_value + fee_value`
/// holds on the printed strings; shares and the conservation section are
/// base-unit integers, as in the contract.
public enum AuditJSON {
    public static func encode(_ audit: PoolAudit, history: Bool = true) -> JSON {
        let pool = audit.pool
        let decimals = audit.valuation?.decimals ?? 0
        func value(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: decimals)) }
        func signed(_ amount: SignedAmount) -> JSON { .string(amount.decimalString(decimals: decimals)) }
        func token0(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: Int(pool.decimals0))) }
        func token1(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: Int(pool.decimals1))) }
        func percent(_ amount: SignedAmount?) -> JSON { amount.map { .string($0.decimalString(decimals: 18)) } ?? .null }

        var members: [(key: String, value: JSON)] = [
            ("pool", .string(pool.pool)),
            ("seq", .number(String(pool.seq))),
            ("token0", .string(pool.token0)),
            ("token1", .string(pool.token1)),
            ("price", pool.priceText.map { .string($0) } ?? .null),
            ("numeraire", audit.valuation.map { $0.numeraire.map(JSON.string) ?? .string("given prices") } ?? .null),
        ]
        if let valuation = audit.valuation, valuation.numeraire == nil {
            members.append(("price0", .string(wholeTokenPrice(valuation.price0, decimals: pool.decimals0, valueDecimals: decimals))))
            members.append(("price1", .string(wholeTokenPrice(valuation.price1, decimals: pool.decimals1, valueDecimals: decimals))))
        }
        members.append(("providers", .array(audit.providers.map { provider in
            var fields: [(key: String, value: JSON)] = [
                ("provider", .string(provider.provider)),
                ("shares", .string(provider.shares.description)),
                ("share_pct", .string(provider.sharePercent.decimalString(decimals: 18))),
                ("amount0", token0(provider.amount0)),
                ("amount1", token1(provider.amount1)),
                ("value", value(provider.value)),
                ("hodl_value", value(provider.hodlValue)),
                ("il_value", signed(provider.ilValue)),
                ("il_pct", percent(provider.ilPercent)),
                ("fee_value", signed(provider.feeValue)),
                ("net_value", signed(provider.netValue)),
                ("profitable", .bool(provider.profitable)),
            ]
            let position = provider.position
            var detail: [(key: String, value: JSON)] = [
                ("basis0", .string(position.scaledBasis0.decimalString(decimals: Int(pool.decimals0) + 18))),
                ("basis1", .string(position.scaledBasis1.decimalString(decimals: Int(pool.decimals1) + 18))),
                ("liquidity", .string(position.liquidity.decimalString(decimals: 18))),
                ("feeless_value", value(provider.feelessValue)),
                ("deposited0", token0(position.deposited0)),
                ("deposited1", token1(position.deposited1)),
                ("withdrawn0", token0(position.withdrawn0)),
                ("withdrawn1", token1(position.withdrawn1)),
            ]
            if history {
                detail.append(("entries", .array(position.entries.map { entry in
                    var members: [(key: String, value: JSON)] = [
                        ("kind", .string(entry.kind.rawValue)),
                        ("seq", .number(String(entry.seq))),
                        ("time", entry.time.map { .number(String($0)) } ?? .null),
                        ("shares", .string(entry.shares.description)),
                        ("amount0", token0(entry.amount0)),
                        ("amount1", token1(entry.amount1)),
                    ]
                    if let counterparty = entry.counterparty { members.append(("counterparty", .string(counterparty))) }
                    return .object(members)
                })))
            }
            fields.append(("position", .object(detail)))
            return .object(fields)
        })))
        members.append(("donations", .array(audit.donations.map { donation in
            .object([
                ("seq", .number(String(donation.seq))),
                ("time", donation.time.map { .number(String($0)) } ?? .null),
                ("amount0", token0(donation.amount0)),
                ("amount1", token1(donation.amount1)),
            ])
        })))
        let conservation = audit.conservation
        members.append(("conservation", .object([
            ("reserve0", .string(conservation.reserve0.description)),
            ("reserve1", .string(conservation.reserve1.description)),
            ("claimed0", .string(conservation.claimed0.description)),
            ("claimed1", .string(conservation.claimed1.description)),
            ("dust0", .string(conservation.dust0.description)),
            ("dust1", .string(conservation.dust1.description)),
            ("total_shares", .string(conservation.totalShares.description)),
            ("shares_sum", .string(conservation.sharesSum.description)),
            ("locked_shares", .string(conservation.lockedShares.description)),
            ("protocol_fee_shares_minted", .string(conservation.protocolFeeSharesMinted.description)),
            ("fee_to", conservation.feeTo.map(JSON.string) ?? .null),
            ("fee_to_shares", .string(conservation.feeToShares.description)),
            ("holds", .bool(conservation.holds)),
        ])))
        return .object(members)
    }

    /// A per-base-unit price back per whole token, in whole numéraire units.
    static func wholeTokenPrice(_ price: Ratio, decimals: UInt8, valueDecimals: Int) -> String {
        guard let unit = UInt256.powerOfTen(Int(decimals)),
              let perToken = UInt256.mulDiv(unit, price.numerator, price.denominator) else { return "-" }
        return perToken.decimalString(decimals: valueDecimals)
    }
}

extension PoolState {
    /// Price of one whole token0 in whole token1, exact to 18 places, trimmed:
    /// (reserve1 / 10^decimals1) / (reserve0 / 10^decimals0); nil while empty.
    public var priceText: String? {
        guard !reserve0.isZero,
              let scale = UInt256.powerOfTen(18 + Int(decimals0)),
              let unit1 = UInt256.powerOfTen(Int(decimals1)),
              let denominator = UInt256.mulDiv(reserve0, unit1, .one),
              let scaled = UInt256.mulDiv(reserve1, scale, denominator) else { return nil }
        return scaled.decimalString(decimals: 18)
    }
}
