import PoolMath

/// One row of the timeline export: a pool just after one of its facts, and
/// every position's figures at that point, all exact decimal strings (token
/// amounts in whole tokens, values in the valuation's unit, as `audit --json`
/// writes them), for notebooks to plot and join.
///
/// Per position: `value` (what it holds now), `hodl_value` (its basis held
/// instead), `il_value`, `fee_value` (lifetime fees, collected or not) and
/// `collected_fee_value` (the part of `fee_value` a V3 position has already
/// collected, so no longer in `value`; always 0 for a V2 share, whose fees
/// stay in its value). So `value + collected_fee_value == hodl_value +
/// il_value + fee_value` exactly, in every row.
public struct TimelineRow: Sendable, Equatable {
    public struct Position: Sendable, Equatable {
        /// The provider (V2), the position's owner or the NFT's holder (V3).
        public var holder: String
        /// An NFT's token id (its manager's position's share); nil for a position held directly.
        public var tokenID: String? = nil
        /// V3 ranges; nil for a V2 share.
        public var tickLower: Int32?
        public var tickUpper: Int32?
        /// V3 liquidity, or a V2 provider's shares.
        public var liquidity: String
        /// Nil while the pool has no price to value at.
        public var figures: Figures?
    }

    /// A position's values, in the valuation's unit.
    public struct Figures: Sendable, Equatable {
        public var value: String
        public var hodlValue: String
        public var ilValue: String
        public var feeValue: String
        public var collectedFeeValue: String
        public var netValue: String

        init(decimals: Int, value: UInt256, hodlValue: UInt256, ilValue: SignedAmount, feeValue: SignedAmount, collectedFeeValue: SignedAmount, netValue: SignedAmount) {
            self.value = value.decimalString(decimals: decimals)
            self.hodlValue = hodlValue.decimalString(decimals: decimals)
            self.ilValue = ilValue.decimalString(decimals: decimals)
            self.feeValue = feeValue.decimalString(decimals: decimals)
            self.collectedFeeValue = collectedFeeValue.decimalString(decimals: decimals)
            self.netValue = netValue.decimalString(decimals: decimals)
        }
    }

    public var seq: UInt64
    public var block: UInt64?
    public var time: UInt64?
    public var fact: String
    public var price: String?
    public var tick: Int32?
    /// Reserves (V2) or balances (V3), in whole tokens.
    public var reserve0: String
    public var reserve1: String
    public var positions: [Position]

    /// The row for the audit fold just after `fact` (folded), valued with
    /// `valuation` (nil: token1 at the pool's price at that point); only
    /// `holder`'s positions when given.
    public init(fold: AuditFold, fact: Fact, valuation: Valuation? = nil, holder: String? = nil) throws(AuditError) {
        guard let pool = fold.pool else { throw AuditError("the timeline of pool \(fold.poolID) starts before its creation") }
        seq = pool.seq
        block = fact.block
        time = fact.time
        self.fact = fact.body.typeName
        price = pool.priceText
        reserve0 = pool.reserve0.decimalString(decimals: Int(pool.decimals0))
        reserve1 = pool.reserve1.decimalString(decimals: Int(pool.decimals1))
        positions = []
        switch pool.body {
        case .constantProduct:
            tick = nil
            guard let audit = try fold.audit(valuation: valuation) else { return }
            for provider in audit.providers where holder == nil || provider.provider == holder {
                positions.append(Position(
                    holder: provider.provider, tickLower: nil, tickUpper: nil, liquidity: provider.shares.description,
                    figures: audit.valuation.map { valuation in
                        Figures(decimals: valuation.decimals, value: provider.value, hodlValue: provider.hodlValue, ilValue: provider.ilValue,
                                feeValue: provider.feeValue, collectedFeeValue: .zero, netValue: provider.netValue)
                    }))
            }
        case .concentrated(let v3):
            tick = v3.tick
            guard let audit = try fold.concentratedAudit(valuation: valuation) else { return }
            for position in audit.positions where holder == nil || position.position.key.owner == holder {
                let key = position.position.key
                positions.append(Position(
                    holder: key.owner, tickLower: key.tickLower, tickUpper: key.tickUpper, liquidity: position.liquidity.description,
                    figures: audit.valuation.map { valuation in
                        // The lifetime fees' value less the uncollected fees' (which `value` holds): exact by construction.
                        let collected = SignedAmount(position.feeValue) - (SignedAmount(position.value) - SignedAmount(position.principalValue))
                        return Figures(decimals: valuation.decimals, value: position.value, hodlValue: position.hodlValue, ilValue: position.ilValue,
                                       feeValue: SignedAmount(position.feeValue), collectedFeeValue: collected, netValue: position.netValue)
                    }))
            }
            for nft in audit.nfts where holder == nil || nft.holder == holder {
                let row = nft.audit, key = row.position.key
                positions.append(Position(
                    holder: nft.holder ?? zeroAddress, tokenID: nft.key.tokenID.description, tickLower: key.tickLower, tickUpper: key.tickUpper,
                    liquidity: row.liquidity.description,
                    figures: audit.valuation.map { valuation in
                        let collected = SignedAmount(row.feeValue) - (SignedAmount(row.value) - SignedAmount(row.principalValue))
                        return Figures(decimals: valuation.decimals, value: row.value, hodlValue: row.hodlValue, ilValue: row.ilValue,
                                       feeValue: SignedAmount(row.feeValue), collectedFeeValue: collected, netValue: row.netValue)
                    }))
            }
        }
    }

    // MARK: CSV: one line per position (one with empty position fields when there is none)

    /// `token_id` last, so that the columns before it read as they always have.
    public static let csvHeader = "seq,block,time,fact,price,tick,reserve0,reserve1,holder,tick_lower,tick_upper,liquidity,value,hodl_value,il_value,fee_value,collected_fee_value,net_value,token_id"

    public var csvLines: [String] {
        let pool = [String(seq), block.map(String.init) ?? "", time.map(String.init) ?? "", fact, price ?? "", tick.map(String.init) ?? "", reserve0, reserve1]
        let rows: [[String]] = positions.isEmpty ? [Array(repeating: "", count: 11)] : positions.map { position in
            let figures = position.figures
            return [position.holder, position.tickLower.map(String.init) ?? "", position.tickUpper.map(String.init) ?? "", position.liquidity,
                    figures?.value ?? "", figures?.hodlValue ?? "", figures?.ilValue ?? "", figures?.feeValue ?? "",
                    figures?.collectedFeeValue ?? "", figures?.netValue ?? "", position.tokenID ?? ""]
        }
        return rows.map { (pool + $0).map(Self.csvField).joined(separator: ",") }
    }

    /// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: JSON Lines: one object per fact

    public var json: JSON {
        func string(_ text: String?) -> JSON { text.map(JSON.string) ?? .null }
        return .object([
            ("seq", .number(String(seq))),
            ("block", block.map { .number(String($0)) } ?? .null),
            ("time", time.map { .number(String($0)) } ?? .null),
            ("fact", .string(fact)),
            ("price", string(price)),
            ("tick", tick.map { .number(String($0)) } ?? .null),
            ("reserve0", .string(reserve0)),
            ("reserve1", .string(reserve1)),
            ("positions", .array(positions.map { position in
                var members: [(key: String, value: JSON)] = [("holder", .string(position.holder))]
                if let id = position.tokenID { members.append(("token_id", .string(id))) }
                if let lower = position.tickLower, let upper = position.tickUpper {
                    members += [("tick_lower", .number(String(lower))), ("tick_upper", .number(String(upper)))]
                }
                members += [
                    ("liquidity", .string(position.liquidity)),
                    ("value", string(position.figures?.value)), ("hodl_value", string(position.figures?.hodlValue)),
                    ("il_value", string(position.figures?.ilValue)), ("fee_value", string(position.figures?.feeValue)),
                    ("collected_fee_value", string(position.figures?.collectedFeeValue)), ("net_value", string(position.figures?.netValue)),
                ]
                return .object(members)
            })),
        ])
    }
}
