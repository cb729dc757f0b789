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
        let reserve0: UInt256, reserve1: UInt256
        switch body {
        case .constantProduct(let pair): (reserve0, reserve1) = (pair.reserve0, pair.reserve1)
        case .concentrated(let v3): return priceText(sqrtPriceX96: v3.sqrtPriceX96)
        }
        guard !reserve0.isZero,
              let scale = UInt256.powerOfTen(18 + Int(header.decimals0)),
              let unit1 = UInt256.powerOfTen(Int(header.decimals1)),
              let denominator = UInt256.mulDiv(reserve0, unit1, .one),
              let scaled = UInt256.mulDiv(reserve1, scale, denominator) else { return nil }
        return scaled.decimalString(decimals: 18)
    }

    /// Price of one whole token0 in whole token1 at a Q64.96 square-root price, to 18 places.
    public func priceText(sqrtPriceX96: UInt256) -> String? {
        guard let scale = UInt256.powerOfTen(18 + Int(header.decimals0)), let unit1 = UInt256.powerOfTen(Int(header.decimals1)),
              let ratio = Valuation.concentratedPrice(sqrtPriceX96: sqrtPriceX96, scale: scale),
              let scaled = UInt256.mulDiv(ratio.numerator, .one, ratio.denominator) else { return nil }
        return (scaled / unit1).decimalString(decimals: 18)
    }
}

extension AuditJSON {
    /// `audit --json` of a concentrated pool: one entry per range position.
    public static func encode(_ audit: ConcentratedPoolAudit, history: Bool = true) -> JSON {
        let pool = audit.pool, v3 = audit.v3
        let decimals = audit.valuation?.decimals ?? 0
        func value(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: decimals)) }
        func signed(_ amount: SignedAmount) -> JSON { .string(amount.decimalString(decimals: decimals)) }
        func token0(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: Int(pool.decimals0))) }
        func token1(_ amount: UInt256) -> JSON { .string(amount.decimalString(decimals: Int(pool.decimals1))) }
        func tickPrice(_ tick: Int32) -> JSON {
            guard let sqrt = try? TickMath.sqrtRatio(atTick: tick), let text = pool.priceText(sqrtPriceX96: sqrt) else { return .null }
            return .string(text)
        }
        var members: [(key: String, value: JSON)] = [
            ("pool", .string(pool.pool)),
            ("seq", .number(String(pool.seq))),
            ("model", .string(pool.model.rawValue)),
            ("token0", .string(pool.token0)),
            ("token1", .string(pool.token1)),
            ("price", pool.priceText.map { .string($0) } ?? .null),
            ("tick", .number(String(v3.tick))),
            ("sqrt_price_x96", .string(v3.sqrtPriceX96.description)),
            ("liquidity", .string(v3.liquidity.description)),
            ("numeraire", audit.valuation.map { $0.numeraire.map(JSON.string) ?? .string("given prices") } ?? .null),
        ]
        func rowFields(_ position: RangePositionAudit) -> [(key: String, value: JSON)] {
            let key = position.position.key
            var fields: [(key: String, value: JSON)] = [
                ("tick_lower", .number(String(key.tickLower))),
                ("tick_upper", .number(String(key.tickUpper))),
                ("price_lower", tickPrice(key.tickLower)),
                ("price_upper", tickPrice(key.tickUpper)),
                ("in_range", .bool(position.inRange)),
                ("liquidity", .string(position.liquidity.description)),
                ("amount0", token0(position.principal0)),
                ("amount1", token1(position.principal1)),
                ("claimable0", token0(position.claimable0)),
                ("claimable1", token1(position.claimable1)),
                ("principal_owed0", token0(position.principalOwed0)),
                ("principal_owed1", token1(position.principalOwed1)),
                ("uncollected_fees0", token0(position.uncollectedFees0)),
                ("uncollected_fees1", token1(position.uncollectedFees1)),
                ("lifetime_fees0", token0(position.lifetimeFees0)),
                ("lifetime_fees1", token1(position.lifetimeFees1)),
                ("basis0", .string(position.position.scaledBasis0.decimalString(decimals: Int(pool.decimals0) + 18))),
                ("basis1", .string(position.position.scaledBasis1.decimalString(decimals: Int(pool.decimals1) + 18))),
                ("value", value(position.value)),
                ("principal_value", value(position.principalValue)),
                ("hodl_value", value(position.hodlValue)),
                ("il_value", signed(position.ilValue)),
                ("il_pct", position.ilPercent.map { .string($0.decimalString(decimals: 18)) } ?? .null),
                ("fee_value", value(position.feeValue)),
                ("net_value", signed(position.netValue)),
                ("profitable", .bool(position.profitable)),
                ("deposited0", token0(position.position.deposited0)),
                ("deposited1", token1(position.position.deposited1)),
                ("collected0", token0(position.position.collected0)),
                ("collected1", token1(position.position.collected1)),
            ]
            if history {
                fields.append(("entries", .array(position.position.entries.map { entry in
                    .object([
                        ("kind", .string(entry.kind.rawValue)),
                        ("seq", .number(String(entry.seq))),
                        ("time", entry.time.map { .number(String($0)) } ?? .null),
                        ("liquidity", .string(entry.liquidity.description)),
                        ("amount0", token0(entry.amount0)),
                        ("amount1", token1(entry.amount1)),
                    ])
                })))
            }
            return fields
        }
        members.append(("positions", .array(audit.positions.map { position in
            .object([("owner", .string(position.position.key.owner))] + rowFields(position))
        })))
        // Per NFT: the row fields, and in base units what the manager's positions() returns and the lifetime fees.
        members.append(("nfts", .array(audit.nfts.map { nft in
            let head: [(key: String, value: JSON)] = [
                ("token_id", .string(nft.key.tokenID.description)),
                ("manager", .string(nft.key.manager)),
                ("holder", nft.holder.map(JSON.string) ?? .null),
            ]
            let owed: [(key: String, value: JSON)] = [
                ("tokens_owed0", .string(nft.tokensOwed0.description)),
                ("tokens_owed1", .string(nft.tokensOwed1.description)),
                ("fees0", .string(nft.audit.lifetimeFees0.description)),
                ("fees1", .string(nft.audit.lifetimeFees1.description)),
            ]
            return .object(head + rowFields(nft.audit) + owed)
        })))
        members.append(("conservation", .object([
            ("balance0", .string(pool.reserve0.description)),
            ("balance1", .string(pool.reserve1.description)),
            ("owed0", .string(audit.owed0.description)),
            ("owed1", .string(audit.owed1.description)),
            ("holds", .bool(audit.holds)),
            ("managers", .array(audit.managerRanges.map { range in
                .object([
                    ("manager", .string(range.key.owner)),
                    ("tick_lower", .number(String(range.key.tickLower))),
                    ("tick_upper", .number(String(range.key.tickUpper))),
                    ("pool_liquidity", .string(range.poolLiquidity.description)),
                    ("nft_liquidity", .string(range.nftLiquidity.description)),
                    ("holds", .bool(range.holds)),
                ])
            })),
        ])))
        return .object(members)
    }
}
