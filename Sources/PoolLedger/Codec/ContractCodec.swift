import PoolMath

/// Facts and commands as the interchange contract's JSON Lines
/// (`../shared/spec/ledger-format.md`), strict in both directions.
public enum ContractCodec {
    /// A line is either a fact (`type`) or a command (`cmd`).
    public enum Entry: Sendable, Equatable {
        case fact(Fact)
        case command(Command)
    }

    static let feeRange: ClosedRange<UInt64> = 0...999_999
    static let decimalsRange: ClosedRange<UInt64> = 0...255
    static let timeRange: ClosedRange<UInt64> = 0...UInt64(Int64.max)
    static let tickRange: ClosedRange<Int64> = -887_272...887_272
    static let tickSpacingRange: ClosedRange<Int64> = 1...16_383

    /// Decodes one line of JSON Lines.
    public static func decodeLine(_ line: String) throws(Rejection) -> Entry {
        let json: JSON
        do {
            json = try JSON.parse(line)
        } catch {
            throw Rejection(.malformedJSON, error.description)
        }
        return try decode(json)
    }

    public static func decode(_ json: JSON) throws(Rejection) -> Entry {
        var fields = try FieldReader(json)
        switch (fields.has("type"), fields.has("cmd")) {
        case (true, true):
            throw Rejection(.invalidField, "a line has either \"type\" (a fact) or \"cmd\" (a command), not both")
        case (true, false):
            return .fact(try decodeFact(&fields))
        case (false, true):
            return .command(try decodeCommand(&fields))
        case (false, false):
            throw Rejection(.missingField, "field \"type\" (a fact) or \"cmd\" (a command) is required")
        }
    }

    public static func decodeFact(_ json: JSON) throws(Rejection) -> Fact {
        var fields = try FieldReader(json)
        return try decodeFact(&fields)
    }

    static func decodeFact(_ fields: inout FieldReader) throws(Rejection) -> Fact {
        let type = try fields.string("type")
        let body: FactBody
        switch type {
        case "pool_created":
            body = .poolCreated(try poolCreated(&fields))
        case "liquidity_added":
            body = .liquidityAdded(LiquidityAdded(
                pool: try fields.string("pool"), provider: try fields.string("provider"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                shares: try fields.amount("shares"), protocolFeeShares: try fields.optionalAmount("protocol_fee_shares")))
        case "liquidity_removed":
            body = .liquidityRemoved(LiquidityRemoved(
                pool: try fields.string("pool"), provider: try fields.string("provider"),
                shares: try fields.amount("shares"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                protocolFeeShares: try fields.optionalAmount("protocol_fee_shares")))
        case "swap":
            body = .swap(Swap(
                pool: try fields.string("pool"), trader: try fields.string("trader"),
                amount0In: try fields.amount("amount0_in"), amount1In: try fields.amount("amount1_in"),
                amount0Out: try fields.amount("amount0_out"), amount1Out: try fields.amount("amount1_out"),
                sqrtPriceX96After: try fields.optionalAmount("sqrt_price_x96_after"),
                tickAfter: try fields.optionalSignedInteger("tick_after", in: tickRange).map(Int32.init),
                liquidityAfter: try fields.optionalAmount("liquidity_after"),
                sqrtPriceLimitX96: try fields.optionalAmount("sqrt_price_limit_x96")))
        case "shares_transferred":
            body = .sharesTransferred(try sharesTransferred(&fields))
        case "position_minted", "position_burned":
            let change = PositionChanged(
                pool: try fields.string("pool"), owner: try fields.string("owner"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                liquidity: try fields.amount("liquidity"), amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"))
            body = type == "position_minted" ? .positionMinted(change) : .positionBurned(change)
        case "fees_collected":
            body = .feesCollected(FeesCollected(
                pool: try fields.string("pool"), owner: try fields.string("owner"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1")))
        case "fee_to_set":
            body = .feeToSet(FeeToSet(pool: try fields.string("pool"), feeTo: try fields.nullableString("fee_to", required: true)))
        case "flash":
            body = .flash(Flash(
                pool: try fields.string("pool"), recipient: try fields.string("recipient"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                paid0: try fields.amount("paid0"), paid1: try fields.amount("paid1")))
        case "protocol_fee_set":
            body = .protocolFeeSet(try protocolFeeSet(&fields))
        case "protocol_fees_collected":
            body = .protocolFeesCollected(ProtocolFeesCollected(
                pool: try fields.string("pool"), recipient: try fields.string("recipient"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1")))
        case "nft_minted", "nft_liquidity_increased", "nft_liquidity_decreased":
            let change = NFTLiquidityChanged(
                pool: try fields.string("pool"), manager: try fields.string("manager"), tokenID: try fields.amount("token_id"),
                holder: type == "nft_minted" ? try fields.string("holder") : nil,
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                liquidity: try fields.amount("liquidity"), amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                poolLog: try fields.optionalString("pool_log"))
            body = type == "nft_minted" ? .nftMinted(change) : type == "nft_liquidity_increased" ? .nftLiquidityIncreased(change) : .nftLiquidityDecreased(change)
        case "nft_collected":
            body = .nftCollected(NFTCollected(
                pool: try fields.string("pool"), manager: try fields.string("manager"), tokenID: try fields.amount("token_id"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                recipient: try fields.string("recipient"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                poolAmount0: try fields.amount("pool_amount0"), poolAmount1: try fields.amount("pool_amount1"),
                poolLog: try fields.optionalString("pool_log")))
        case "nft_transferred":
            body = .nftTransferred(NFTTransferred(
                pool: try fields.string("pool"), manager: try fields.string("manager"), tokenID: try fields.amount("token_id"),
                from: try fields.string("from"), to: try fields.string("to")))
        case "nft_burned":
            body = .nftBurned(NFTTransferred(
                pool: try fields.string("pool"), manager: try fields.string("manager"), tokenID: try fields.amount("token_id"),
                from: try fields.string("holder"), to: zeroAddress))
        case "reserves_synced":
            body = .reservesSynced(ReservesSynced(
                pool: try fields.string("pool"), reserve0: try fields.amount("reserve0"), reserve1: try fields.amount("reserve1")))
        default:
            throw Rejection(.unknownType, "type \(quoted(type)) is not a fact type (pool_created, liquidity_added, liquidity_removed, swap, shares_transferred, fee_to_set, reserves_synced, position_minted, position_burned, fees_collected, flash, protocol_fee_set, protocol_fees_collected, nft_minted, nft_liquidity_increased, nft_liquidity_decreased, nft_collected, nft_transferred, nft_burned)")
        }
        let fact = Fact(body, id: try fields.optionalString("id"), time: try fields.optionalInteger("time", in: timeRange),
                        block: try fields.optionalInteger("block", in: timeRange))
        try fields.finish("a \(type) fact")
        return fact
    }

    static func poolCreated(_ fields: inout FieldReader) throws(Rejection) -> PoolCreated {
        let created = PoolCreated(
            pool: try fields.string("pool"), token0: try fields.string("token0"), token1: try fields.string("token1"),
            decimals0: UInt8(try fields.integer("decimals0", in: decimalsRange)),
            decimals1: UInt8(try fields.integer("decimals1", in: decimalsRange)),
            feePPM: UInt32(try fields.integer("fee_ppm", in: feeRange)),
            feeTo: try fields.nullableString("fee_to", required: false),
            model: try model(&fields),
            tickSpacing: try fields.optionalSignedInteger("tick_spacing", in: tickSpacingRange).map(Int32.init),
            sqrtPriceX96: try fields.optionalAmount("sqrt_price_x96"))
        // The extension's fields come with the concentrated model, and only with it.
        let concentratedFields = created.tickSpacing != nil || created.sqrtPriceX96 != nil
        switch created.model {
        case .concentrated:
            guard created.tickSpacing != nil else { throw Rejection(.missingField, "field \"tick_spacing\" is required for a concentrated pool") }
            guard created.sqrtPriceX96 != nil else { throw Rejection(.missingField, "field \"sqrt_price_x96\" is required for a concentrated pool") }
        case .constantProduct:
            if concentratedFields {
                throw Rejection(.invalidField, "tick_spacing and sqrt_price_x96 belong to concentrated pools (model \"concentrated\")")
            }
        }
        return created
    }

    static func model(_ fields: inout FieldReader) throws(Rejection) -> PoolModel {
        guard let name = try fields.optionalString("model") else { return .constantProduct }
        guard let model = PoolModel(rawValue: name) else {
            throw Rejection(.unsupportedModel, "model \(quoted(name)) is not supported (constant_product, concentrated)")
        }
        return model
    }

    static func protocolFeeSet(_ fields: inout FieldReader) throws(Rejection) -> ProtocolFeeSet {
        ProtocolFeeSet(
            pool: try fields.string("pool"),
            feeProtocol0: UInt8(try fields.integer("fee_protocol0", in: 0...255)),
            feeProtocol1: UInt8(try fields.integer("fee_protocol1", in: 0...255)))
    }

    static func sharesTransferred(_ fields: inout FieldReader) throws(Rejection) -> SharesTransferred {
        SharesTransferred(
            pool: try fields.string("pool"), from: try fields.string("from"), to: try fields.string("to"),
            shares: try fields.amount("shares"))
    }

    static func decodeCommand(_ fields: inout FieldReader) throws(Rejection) -> Command {
        let name = try fields.string("cmd")
        let body: CommandBody
        switch name {
        case "create_pool":
            body = .createPool(try poolCreated(&fields))
        case "add_liquidity":
            body = .addLiquidity(AddLiquidity(
                pool: try fields.string("pool"), provider: try fields.string("provider"),
                amount0Desired: try fields.amount("amount0_desired"), amount1Desired: try fields.amount("amount1_desired"),
                amount0Min: try fields.optionalAmount("amount0_min") ?? .zero,
                amount1Min: try fields.optionalAmount("amount1_min") ?? .zero,
                exactAmounts: try fields.optionalBool("exact_amounts") ?? false))
        case "remove_liquidity":
            body = .removeLiquidity(RemoveLiquidity(
                pool: try fields.string("pool"), provider: try fields.string("provider"), shares: try fields.amount("shares"),
                amount0Min: try fields.optionalAmount("amount0_min") ?? .zero,
                amount1Min: try fields.optionalAmount("amount1_min") ?? .zero))
        case "swap_exact_in":
            body = .swapExactIn(SwapExactIn(
                pool: try fields.string("pool"), trader: try fields.string("trader"), tokenIn: try fields.string("token_in"),
                amountIn: try fields.amount("amount_in"), minAmountOut: try fields.optionalAmount("min_amount_out") ?? .zero,
                sqrtPriceLimitX96: try fields.optionalAmount("sqrt_price_limit_x96")))
        case "swap_exact_out":
            body = .swapExactOut(SwapExactOut(
                pool: try fields.string("pool"), trader: try fields.string("trader"), tokenOut: try fields.string("token_out"),
                amountOut: try fields.amount("amount_out"), maxAmountIn: try fields.optionalAmount("max_amount_in"),
                sqrtPriceLimitX96: try fields.optionalAmount("sqrt_price_limit_x96")))
        case "transfer_shares":
            body = .transferShares(try sharesTransferred(&fields))
        case "set_fee_to":
            body = .setFeeTo(FeeToSet(pool: try fields.string("pool"), feeTo: try fields.nullableString("fee_to", required: true)))
        case "mint_position":
            body = .mintPosition(MintPosition(
                pool: try fields.string("pool"), owner: try fields.string("owner"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                liquidity: try fields.amount("liquidity"),
                amount0Max: try fields.optionalAmount("amount0_max"), amount1Max: try fields.optionalAmount("amount1_max")))
        case "burn_position":
            body = .burnPosition(BurnPosition(
                pool: try fields.string("pool"), owner: try fields.string("owner"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                liquidity: try fields.amount("liquidity"),
                amount0Min: try fields.optionalAmount("amount0_min") ?? .zero,
                amount1Min: try fields.optionalAmount("amount1_min") ?? .zero))
        case "collect":
            body = .collect(CollectFees(
                pool: try fields.string("pool"), owner: try fields.string("owner"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                amount0Max: try fields.optionalAmount("amount0_max"), amount1Max: try fields.optionalAmount("amount1_max")))
        case "flash":
            body = .flash(FlashLoan(
                pool: try fields.string("pool"), recipient: try fields.string("recipient"),
                amount0: try fields.amount("amount0"), amount1: try fields.amount("amount1"),
                paid0: try fields.optionalAmount("paid0"), paid1: try fields.optionalAmount("paid1")))
        case "set_fee_protocol":
            body = .setFeeProtocol(try protocolFeeSet(&fields))
        case "collect_protocol":
            body = .collectProtocol(CollectProtocol(
                pool: try fields.string("pool"), recipient: try fields.string("recipient"),
                amount0Requested: try fields.optionalAmount("amount0_requested"), amount1Requested: try fields.optionalAmount("amount1_requested")))
        case "mint_nft_position":
            body = .mintNFTPosition(MintNFTPosition(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager") ?? mainnetPositionManager,
                holder: try fields.string("holder"), tokenID: try fields.optionalAmount("token_id"),
                tickLower: Int32(try fields.signedInteger("tick_lower", in: tickRange)),
                tickUpper: Int32(try fields.signedInteger("tick_upper", in: tickRange)),
                liquidity: try fields.amount("liquidity"),
                amount0Max: try fields.optionalAmount("amount0_max"), amount1Max: try fields.optionalAmount("amount1_max")))
        case "increase_liquidity":
            body = .increaseLiquidity(ChangeNFTLiquidity(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager"), tokenID: try fields.amount("token_id"),
                liquidity: try fields.amount("liquidity"),
                amount0Limit: try fields.optionalAmount("amount0_max"), amount1Limit: try fields.optionalAmount("amount1_max")))
        case "decrease_liquidity":
            body = .decreaseLiquidity(ChangeNFTLiquidity(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager"), tokenID: try fields.amount("token_id"),
                liquidity: try fields.amount("liquidity"),
                amount0Limit: try fields.optionalAmount("amount0_min"), amount1Limit: try fields.optionalAmount("amount1_min")))
        case "collect_nft":
            body = .collectNFT(CollectNFT(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager"), tokenID: try fields.amount("token_id"),
                recipient: try fields.optionalString("recipient"),
                amount0Max: try fields.optionalAmount("amount0_max"), amount1Max: try fields.optionalAmount("amount1_max")))
        case "transfer_nft":
            body = .transferNFT(MoveNFT(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager"), tokenID: try fields.amount("token_id"),
                from: try fields.optionalString("from"), to: try fields.string("to")))
        case "burn_nft":
            body = .burnNFT(MoveNFT(
                pool: try fields.string("pool"), manager: try fields.optionalString("manager"), tokenID: try fields.amount("token_id"),
                to: zeroAddress))
        default:
            throw Rejection(.unknownType, "cmd \(quoted(name)) is not a command (create_pool, add_liquidity, remove_liquidity, swap_exact_in, swap_exact_out, transfer_shares, set_fee_to, mint_position, burn_position, collect, flash, set_fee_protocol, collect_protocol, mint_nft_position, increase_liquidity, decrease_liquidity, collect_nft, transfer_nft, burn_nft)")
        }
        let command = Command(body, id: try fields.optionalString("id"), time: try fields.optionalInteger("time", in: timeRange),
                              block: try fields.optionalInteger("block", in: timeRange))
        try fields.finish("a \(name) command")
        return command
    }

    // MARK: Encoding

    /// The fact as one contract JSON object: `type`, the type's fields in the
    /// contract's order, then `protocol_fee_shares`, `id`, `time`, `block` when present.
    public static func encode(_ fact: Fact) -> JSON {
        var members: [(key: String, value: JSON)] = [("type", .string(fact.body.typeName))]
        func add(_ key: String, _ value: String) { members.append((key, .string(value))) }
        func add(_ key: String, _ value: UInt256) { members.append((key, .string(value.description))) }
        switch fact.body {
        case .poolCreated(let f):
            add("pool", f.pool); add("token0", f.token0); add("token1", f.token1)
            members.append(("decimals0", .number(String(f.decimals0))))
            members.append(("decimals1", .number(String(f.decimals1))))
            members.append(("fee_ppm", .number(String(f.feePPM))))
            members.append(("fee_to", f.feeTo.map(JSON.string) ?? .null))
            add("model", f.model.rawValue)
            if let spacing = f.tickSpacing { members.append(("tick_spacing", .number(String(spacing)))) }
            if let price = f.sqrtPriceX96 { add("sqrt_price_x96", price) }
        case .liquidityAdded(let f):
            add("pool", f.pool); add("provider", f.provider)
            add("amount0", f.amount0); add("amount1", f.amount1); add("shares", f.shares)
            if let fee = f.protocolFeeShares { add("protocol_fee_shares", fee) }
        case .liquidityRemoved(let f):
            add("pool", f.pool); add("provider", f.provider); add("shares", f.shares)
            add("amount0", f.amount0); add("amount1", f.amount1)
            if let fee = f.protocolFeeShares { add("protocol_fee_shares", fee) }
        case .swap(let f):
            add("pool", f.pool); add("trader", f.trader)
            add("amount0_in", f.amount0In); add("amount1_in", f.amount1In)
            add("amount0_out", f.amount0Out); add("amount1_out", f.amount1Out)
            if let price = f.sqrtPriceX96After { add("sqrt_price_x96_after", price) }
            if let tick = f.tickAfter { members.append(("tick_after", .number(String(tick)))) }
            if let liquidity = f.liquidityAfter { add("liquidity_after", liquidity) }
            if let limit = f.sqrtPriceLimitX96 { add("sqrt_price_limit_x96", limit) }
        case .sharesTransferred(let f):
            add("pool", f.pool); add("from", f.from); add("to", f.to); add("shares", f.shares)
        case .feeToSet(let f):
            add("pool", f.pool)
            members.append(("fee_to", f.feeTo.map(JSON.string) ?? .null))
        case .reservesSynced(let f):
            add("pool", f.pool); add("reserve0", f.reserve0); add("reserve1", f.reserve1)
        case .positionMinted(let f), .positionBurned(let f):
            add("pool", f.pool); add("owner", f.owner)
            members.append(("tick_lower", .number(String(f.tickLower))))
            members.append(("tick_upper", .number(String(f.tickUpper))))
            add("liquidity", f.liquidity); add("amount0", f.amount0); add("amount1", f.amount1)
        case .feesCollected(let f):
            add("pool", f.pool); add("owner", f.owner)
            members.append(("tick_lower", .number(String(f.tickLower))))
            members.append(("tick_upper", .number(String(f.tickUpper))))
            add("amount0", f.amount0); add("amount1", f.amount1)
        case .flash(let f):
            add("pool", f.pool); add("recipient", f.recipient)
            add("amount0", f.amount0); add("amount1", f.amount1); add("paid0", f.paid0); add("paid1", f.paid1)
        case .protocolFeeSet(let f):
            add("pool", f.pool)
            members.append(("fee_protocol0", .number(String(f.feeProtocol0))))
            members.append(("fee_protocol1", .number(String(f.feeProtocol1))))
        case .protocolFeesCollected(let f):
            add("pool", f.pool); add("recipient", f.recipient); add("amount0", f.amount0); add("amount1", f.amount1)
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
            add("pool", f.pool); add("manager", f.manager); add("token_id", f.tokenID)
            if let holder = f.holder { add("holder", holder) }
            members.append(("tick_lower", .number(String(f.tickLower))))
            members.append(("tick_upper", .number(String(f.tickUpper))))
            add("liquidity", f.liquidity); add("amount0", f.amount0); add("amount1", f.amount1)
            if let log = f.poolLog { add("pool_log", log) }
        case .nftCollected(let f):
            add("pool", f.pool); add("manager", f.manager); add("token_id", f.tokenID)
            members.append(("tick_lower", .number(String(f.tickLower))))
            members.append(("tick_upper", .number(String(f.tickUpper))))
            add("recipient", f.recipient); add("amount0", f.amount0); add("amount1", f.amount1)
            add("pool_amount0", f.poolAmount0); add("pool_amount1", f.poolAmount1)
            if let log = f.poolLog { add("pool_log", log) }
        case .nftTransferred(let f):
            add("pool", f.pool); add("manager", f.manager); add("token_id", f.tokenID); add("from", f.from); add("to", f.to)
        case .nftBurned(let f):
            add("pool", f.pool); add("manager", f.manager); add("token_id", f.tokenID); add("holder", f.from)
        }
        if let id = fact.id { add("id", id) }
        if let time = fact.time { members.append(("time", .number(String(time)))) }
        if let block = fact.block { members.append(("block", .number(String(block)))) }
        return .object(members)
    }

    /// One JSON Lines line (no trailing newline).
    public static func line(_ fact: Fact) -> String { encode(fact).compact }

    /// The command as one contract JSON object: `cmd`, its fields in the
    /// contract's order (optional minimums only when non-zero), then `id`, `time`, `block`.
    public static func encode(_ command: Command) -> JSON {
        var members: [(key: String, value: JSON)] = [("cmd", .string(command.body.commandName))]
        func add(_ key: String, _ value: String) { members.append((key, .string(value))) }
        func add(_ key: String, _ value: UInt256) { members.append((key, .string(value.description))) }
        func addNonZero(_ key: String, _ value: UInt256) { if !value.isZero { add(key, value) } }
        func addTicks(_ lower: Int32, _ upper: Int32) {
            members.append(("tick_lower", .number(String(lower))))
            members.append(("tick_upper", .number(String(upper))))
        }
        switch command.body {
        case .createPool(let c):
            guard case .object(let fields) = encode(Fact(.poolCreated(c))) else { preconditionFailure() }
            members += fields.dropFirst()
        case .addLiquidity(let c):
            add("pool", c.pool); add("provider", c.provider)
            add("amount0_desired", c.amount0Desired); add("amount1_desired", c.amount1Desired)
            addNonZero("amount0_min", c.amount0Min); addNonZero("amount1_min", c.amount1Min)
            if c.exactAmounts { members.append(("exact_amounts", .bool(true))) }
        case .removeLiquidity(let c):
            add("pool", c.pool); add("provider", c.provider); add("shares", c.shares)
            addNonZero("amount0_min", c.amount0Min); addNonZero("amount1_min", c.amount1Min)
        case .swapExactIn(let c):
            add("pool", c.pool); add("trader", c.trader); add("token_in", c.tokenIn); add("amount_in", c.amountIn)
            addNonZero("min_amount_out", c.minAmountOut)
            if let limit = c.sqrtPriceLimitX96 { add("sqrt_price_limit_x96", limit) }
        case .swapExactOut(let c):
            add("pool", c.pool); add("trader", c.trader); add("token_out", c.tokenOut); add("amount_out", c.amountOut)
            if let max = c.maxAmountIn { add("max_amount_in", max) }
            if let limit = c.sqrtPriceLimitX96 { add("sqrt_price_limit_x96", limit) }
        case .transferShares(let c):
            add("pool", c.pool); add("from", c.from); add("to", c.to); add("shares", c.shares)
        case .setFeeTo(let c):
            add("pool", c.pool)
            members.append(("fee_to", c.feeTo.map(JSON.string) ?? .null))
        case .mintPosition(let c):
            add("pool", c.pool); add("owner", c.owner); addTicks(c.tickLower, c.tickUpper); add("liquidity", c.liquidity)
            if let max = c.amount0Max { add("amount0_max", max) }
            if let max = c.amount1Max { add("amount1_max", max) }
        case .burnPosition(let c):
            add("pool", c.pool); add("owner", c.owner); addTicks(c.tickLower, c.tickUpper); add("liquidity", c.liquidity)
            addNonZero("amount0_min", c.amount0Min); addNonZero("amount1_min", c.amount1Min)
        case .collect(let c):
            add("pool", c.pool); add("owner", c.owner); addTicks(c.tickLower, c.tickUpper)
            if let max = c.amount0Max { add("amount0_max", max) }
            if let max = c.amount1Max { add("amount1_max", max) }
        case .flash(let c):
            add("pool", c.pool); add("recipient", c.recipient); add("amount0", c.amount0); add("amount1", c.amount1)
            if let paid = c.paid0 { add("paid0", paid) }
            if let paid = c.paid1 { add("paid1", paid) }
        case .setFeeProtocol(let c):
            add("pool", c.pool)
            members.append(("fee_protocol0", .number(String(c.feeProtocol0))))
            members.append(("fee_protocol1", .number(String(c.feeProtocol1))))
        case .collectProtocol(let c):
            add("pool", c.pool); add("recipient", c.recipient)
            if let requested = c.amount0Requested { add("amount0_requested", requested) }
            if let requested = c.amount1Requested { add("amount1_requested", requested) }
        case .mintNFTPosition(let c):
            add("pool", c.pool); add("manager", c.manager); add("holder", c.holder)
            if let id = c.tokenID { add("token_id", id) }
            addTicks(c.tickLower, c.tickUpper); add("liquidity", c.liquidity)
            if let max = c.amount0Max { add("amount0_max", max) }
            if let max = c.amount1Max { add("amount1_max", max) }
        case .increaseLiquidity(let c), .decreaseLiquidity(let c):
            let limit: String
            if case .increaseLiquidity = command.body { limit = "max" } else { limit = "min" }
            add("pool", c.pool)
            if let manager = c.manager { add("manager", manager) }
            add("token_id", c.tokenID); add("liquidity", c.liquidity)
            if let value = c.amount0Limit { add("amount0_\(limit)", value) }
            if let value = c.amount1Limit { add("amount1_\(limit)", value) }
        case .collectNFT(let c):
            add("pool", c.pool)
            if let manager = c.manager { add("manager", manager) }
            add("token_id", c.tokenID)
            if let recipient = c.recipient { add("recipient", recipient) }
            if let max = c.amount0Max { add("amount0_max", max) }
            if let max = c.amount1Max { add("amount1_max", max) }
        case .transferNFT(let c):
            add("pool", c.pool)
            if let manager = c.manager { add("manager", manager) }
            add("token_id", c.tokenID)
            if let from = c.from { add("from", from) }
            add("to", c.to)
        case .burnNFT(let c):
            add("pool", c.pool)
            if let manager = c.manager { add("manager", manager) }
            add("token_id", c.tokenID)
        }
        if let id = command.id { add("id", id) }
        if let time = command.time { members.append(("time", .number(String(time)))) }
        if let block = command.block { members.append(("block", .number(String(block)))) }
        return .object(members)
    }

    public static func line(_ command: Command) -> String { encode(command).compact }
}
