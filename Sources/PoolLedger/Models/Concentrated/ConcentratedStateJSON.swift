import PoolMath

/// The canonical form of a concentrated pool's state (and so of its
/// `state_hash` and snapshots). In the version-1 layout's place before
/// `time_last` (`StateHash`): the balances as `reserve0`, `reserve1`, then
/// `total_shares`, `k_last`, `price0_cumulative`, `price1_cumulative` as "0"
/// and `block_timestamp_last` 0 (a V3 pool has no shares and keeps no V2
/// accumulators); after it, an empty `shares` object and the V3 state, keys
/// in this order:
///
///     tick_spacing, sqrt_price_x96, tick, liquidity,
///     fee_growth_global0_x128, fee_growth_global1_x128, fee_protocol,
///     protocol_fees0, protocol_fees1, ticks, positions
///
/// `ticks` lists the initialized ticks in ascending order (`tick`,
/// `liquidity_gross`, `liquidity_net` (a signed decimal string),
/// `fee_growth_outside0_x128`, `fee_growth_outside1_x128`); `positions` lists
/// every position holding liquidity or owed tokens, by owner (UTF-8 bytes)
/// then range (`owner`, `tick_lower`, `tick_upper`, `liquidity`,
/// `fee_growth_inside0_last_x128`, `fee_growth_inside1_last_x128`,
/// `tokens_owed0`, `tokens_owed1`). The tick bitmap is not written: it is the
/// set of initialized ticks.
enum ConcentratedStateJSON {
    static func members(_ v3: ConcentratedPool) -> StateHash.ModelMembers {
        func amount(_ value: UInt256) -> JSON { .string(value.description) }
        func amount(_ value: UInt128) -> JSON { .string(value.description) }
        func integer<T: BinaryInteger>(_ value: T) -> JSON { .number(String(value)) }
        let ticks: [JSON] = v3.ticks.keys.sorted().map { index in
            let info = v3.ticks[index]!
            return .object([
                ("tick", integer(index)),
                ("liquidity_gross", amount(info.liquidityGross)),
                ("liquidity_net", .string(String(info.liquidityNet))),
                ("fee_growth_outside0_x128", amount(info.feeGrowthOutside0X128)),
                ("fee_growth_outside1_x128", amount(info.feeGrowthOutside1X128)),
            ])
        }
        let positions: [JSON] = v3.positions.keys.sorted().map { key in
            let position = v3.positions[key]!
            return .object([
                ("owner", .string(key.owner)),
                ("tick_lower", integer(key.tickLower)),
                ("tick_upper", integer(key.tickUpper)),
                ("liquidity", amount(position.liquidity)),
                ("fee_growth_inside0_last_x128", amount(position.feeGrowthInside0LastX128)),
                ("fee_growth_inside1_last_x128", amount(position.feeGrowthInside1LastX128)),
                ("tokens_owed0", amount(position.tokensOwed0)),
                ("tokens_owed1", amount(position.tokensOwed1)),
            ])
        }
        let zero = amount(UInt256.zero)
        let beforeTime: [(key: String, value: JSON)] = [
            ("reserve0", amount(v3.balance0)),
            ("reserve1", amount(v3.balance1)),
            ("total_shares", zero),
            ("k_last", zero),
            ("price0_cumulative", zero),
            ("price1_cumulative", zero),
            ("block_timestamp_last", integer(0)),
        ]
        var afterTime: [(key: String, value: JSON)] = [
            ("shares", .object([])),
            ("tick_spacing", integer(v3.tickSpacing)),
            ("sqrt_price_x96", amount(v3.sqrtPriceX96)),
            ("tick", integer(v3.tick)),
            ("liquidity", amount(v3.liquidity)),
            ("fee_growth_global0_x128", amount(v3.feeGrowthGlobal0X128)),
            ("fee_growth_global1_x128", amount(v3.feeGrowthGlobal1X128)),
            ("fee_protocol", integer(v3.feeProtocol)),
            ("protocol_fees0", amount(v3.protocolFees0)),
            ("protocol_fees1", amount(v3.protocolFees1)),
            ("ticks", .array(ticks)),
            ("positions", .array(positions)),
        ]
        // Written only for a pool with NFTs, so every other pool's hash is what it was.
        let nfts = nftList(v3)
        if !nfts.isEmpty { afterTime.append(("nfts", .array(nfts))) }
        return StateHash.ModelMembers(beforeTime: beforeTime, afterTime: afterTime)
    }

    /// Every NFT of the pool's managers, by manager (UTF-8 bytes) then token
    /// id, as the manager's `positions(tokenId)` returns it, with its holder.
    static func nftList(_ v3: ConcentratedPool) -> [JSON] {
        func amount(_ value: UInt256) -> JSON { .string(value.description) }
        func amount(_ value: UInt128) -> JSON { .string(value.description) }
        var list: [JSON] = []
        for manager in v3.managers.keys.sorted(by: utf8Less) {
            let book = v3.managers[manager]!
            for id in book.tokens.keys.sorted() {
                let token = book.tokens[id]!
                list.append(.object([
                    ("manager", .string(manager)),
                    ("token_id", amount(id)),
                    ("holder", .string(token.holder)),
                    ("tick_lower", .number(String(token.tickLower))),
                    ("tick_upper", .number(String(token.tickUpper))),
                    ("liquidity", amount(token.liquidity)),
                    ("fee_growth_inside0_last_x128", amount(token.feeGrowthInside0LastX128)),
                    ("fee_growth_inside1_last_x128", amount(token.feeGrowthInside1LastX128)),
                    ("tokens_owed0", amount(token.tokensOwed0)),
                    ("tokens_owed1", amount(token.tokensOwed1)),
                ]))
            }
        }
        return list
    }

    /// The managers' NFTs read back (`nfts`, absent for a pool with none).
    static func decodeNFTs(_ json: JSON?) throws(Rejection) -> [String: PositionManager] {
        guard let json else { return [:] }
        guard case .array(let list) = json else { throw Rejection(.invalidField, "snapshot pool field \"nfts\" must be an array") }
        var tokens: [String: [UInt256: PositionManager.Token]] = [:]
        for entry in list {
            var fields = try FieldReader(entry)
            let manager = try fields.string("manager")
            let id = try fields.amount("token_id")
            let token = PositionManager.Token(
                holder: try fields.string("holder"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: ContractCodec.tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: ContractCodec.tickRange)),
                liquidity: try uint128(try fields.amount("liquidity"), "liquidity"),
                feeGrowthInside0LastX128: try fields.amount("fee_growth_inside0_last_x128"),
                feeGrowthInside1LastX128: try fields.amount("fee_growth_inside1_last_x128"),
                tokensOwed0: try uint128(try fields.amount("tokens_owed0"), "tokens_owed0"),
                tokensOwed1: try uint128(try fields.amount("tokens_owed1"), "tokens_owed1"))
            try fields.finish("a snapshot NFT")
            guard token.tickLower < token.tickUpper else {
                throw Rejection(.invalidField, "snapshot NFT \(id) of \(quoted(manager)) has range \(token.tickLower)...\(token.tickUpper)")
            }
            guard tokens[manager, default: [:]].updateValue(token, forKey: id) == nil else {
                throw Rejection(.duplicateField, "snapshot NFT \(id) of \(quoted(manager)) appears twice")
            }
        }
        return tokens.mapValues { PositionManager(tokens: $0) }
    }

    /// Reads the V3 state back (the pool_created fields `tick_spacing` and
    /// `sqrt_price_x96` were read with the pool), as strictly as facts.
    static func decode(_ fields: inout FieldReader, created: PoolCreated) throws(Rejection) -> ConcentratedPool {
        let balance0 = try fields.amount("reserve0")
        let balance1 = try fields.amount("reserve1")
        // The constant-product fields of the layout are always zero (and `shares` empty) for a V3 pool.
        for name in ["total_shares", "k_last", "price0_cumulative", "price1_cumulative"] {
            guard try fields.amount(name).isZero else {
                throw Rejection(.invalidField, "snapshot field \(quoted(name)) of a concentrated pool must be \"0\"")
            }
        }
        guard try fields.integer("block_timestamp_last", in: 0...UInt64(UInt32.max)) == 0 else {
            throw Rejection(.invalidField, "snapshot field \"block_timestamp_last\" of a concentrated pool must be 0")
        }
        guard case .object(let owners)? = fields.raw("shares"), owners.isEmpty else {
            throw Rejection(.invalidField, "snapshot field \"shares\" of a concentrated pool must be an empty object")
        }
        let tick = Int32(try fields.signedInteger("tick", in: ContractCodec.tickRange))
        let liquidity = try uint128(try fields.amount("liquidity"), "liquidity")
        let growth0 = try fields.amount("fee_growth_global0_x128")
        let growth1 = try fields.amount("fee_growth_global1_x128")
        let feeProtocol = UInt8(try fields.integer("fee_protocol", in: 0...255))
        let protocolFees0 = try uint128(try fields.amount("protocol_fees0"), "protocol_fees0")
        let protocolFees1 = try uint128(try fields.amount("protocol_fees1"), "protocol_fees1")
        guard case .array(let tickList)? = fields.raw("ticks") else {
            throw Rejection(.missingField, "snapshot pool field \"ticks\" must be an array")
        }
        guard case .array(let positionList)? = fields.raw("positions") else {
            throw Rejection(.missingField, "snapshot pool field \"positions\" must be an array")
        }
        let managers = try decodeNFTs(fields.raw("nfts"))
        var ticks: [Int32: ConcentratedPool.TickInfo] = [:]
        ticks.reserveCapacity(tickList.count)
        for entry in tickList {
            var tickFields = try FieldReader(entry)
            let index = Int32(try tickFields.signedInteger("tick", in: ContractCodec.tickRange))
            var info = ConcentratedPool.TickInfo()
            info.liquidityGross = try uint128(try tickFields.amount("liquidity_gross"), "liquidity_gross")
            guard case .string(let net)? = tickFields.raw("liquidity_net"), let liquidityNet = Int128(net),
                  String(liquidityNet) == net else {
                throw Rejection(.invalidAmount, "tick \(index): liquidity_net must be a signed decimal string within int128")
            }
            info.liquidityNet = liquidityNet
            info.feeGrowthOutside0X128 = try tickFields.amount("fee_growth_outside0_x128")
            info.feeGrowthOutside1X128 = try tickFields.amount("fee_growth_outside1_x128")
            try tickFields.finish("a snapshot tick")
            guard ticks.updateValue(info, forKey: index) == nil else {
                throw Rejection(.duplicateField, "snapshot tick \(index) appears twice")
            }
        }
        var positions: [ConcentratedPool.PositionKey: ConcentratedPool.PositionInfo] = [:]
        positions.reserveCapacity(positionList.count)
        for entry in positionList {
            var positionFields = try FieldReader(entry)
            let key = ConcentratedPool.PositionKey(
                owner: try positionFields.string("owner"),
                tickLower: Int32(try positionFields.signedInteger("tick_lower", in: ContractCodec.tickRange)),
                tickUpper: Int32(try positionFields.signedInteger("tick_upper", in: ContractCodec.tickRange)))
            var position = ConcentratedPool.PositionInfo()
            position.liquidity = try uint128(try positionFields.amount("liquidity"), "liquidity")
            position.feeGrowthInside0LastX128 = try positionFields.amount("fee_growth_inside0_last_x128")
            position.feeGrowthInside1LastX128 = try positionFields.amount("fee_growth_inside1_last_x128")
            position.tokensOwed0 = try uint128(try positionFields.amount("tokens_owed0"), "tokens_owed0")
            position.tokensOwed1 = try uint128(try positionFields.amount("tokens_owed1"), "tokens_owed1")
            try positionFields.finish("a snapshot position")
            guard positions.updateValue(position, forKey: key) == nil else {
                throw Rejection(.duplicateField, "snapshot position \(quoted(key.owner)) \(key.tickLower)...\(key.tickUpper) appears twice")
            }
        }
        do {
            var pool = try ConcentratedPool(
                feePips: created.feePPM, tickSpacing: created.tickSpacing!, sqrtPriceX96: created.sqrtPriceX96!,
                tick: tick, liquidity: liquidity, feeGrowthGlobal0X128: growth0, feeGrowthGlobal1X128: growth1,
                feeProtocol: feeProtocol, protocolFees0: protocolFees0, protocolFees1: protocolFees1,
                ticks: ticks, positions: positions)
            pool.balance0 = balance0
            pool.balance1 = balance1
            pool.restoreManagers(managers)
            return pool
        } catch {
            throw Rejection(error)
        }
    }

    /// The laws' running accounts as a snapshot stores them (`law_accounts`), decimal strings.
    static let accountNames = [
        "active_liquidity", "token0_starting_above_x32", "token0_ending_above_x32",
        "token1_starting_at_or_below_x32", "token1_ending_at_or_below_x32",
        "outside_weighted_growth0", "outside_weighted_growth1", "fee_basis0", "fee_basis1", "owed0", "owed1",
    ]

    static func accountValues(_ a: LiquidityBook.Accounts) -> [UInt256] {
        [a.active, a.startingToken0Above, a.endingToken0Above, a.startingToken1AtOrBelow, a.endingToken1AtOrBelow,
         a.outsideWeighted0, a.outsideWeighted1, a.basis0, a.basis1, a.owed0, a.owed1]
    }

    static func accounts(_ accounts: LiquidityBook.Accounts) -> JSON {
        .object(zip(accountNames, accountValues(accounts)).map { ($0.0, JSON.string($0.1.description)) })
    }

    static func accounts(_ json: JSON) throws(Rejection) -> LiquidityBook.Accounts {
        var fields = try FieldReader(json)
        var values: [UInt256] = []
        for name in accountNames { values.append(try fields.amount(name)) }
        try fields.finish("a snapshot's law_accounts")
        var a = LiquidityBook.Accounts()
        (a.active, a.startingToken0Above, a.endingToken0Above, a.startingToken1AtOrBelow, a.endingToken1AtOrBelow) = (values[0], values[1], values[2], values[3], values[4])
        (a.outsideWeighted0, a.outsideWeighted1, a.basis0, a.basis1, a.owed0, a.owed1) = (values[5], values[6], values[7], values[8], values[9], values[10])
        return a
    }

    static func uint128(_ value: UInt256, _ name: String) throws(Rejection) -> UInt128 {
        guard value.high == 0 else { throw Rejection(.invalidAmount, "field \(quoted(name)) must fit in 128 bits") }
        return value.low
    }
}
