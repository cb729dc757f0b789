import PoolMath

/// The compact binary form of a fact, as the durable log stores it.
///
///     byte 0    format version (1)
///     byte 1    type: 1 pool_created, 2 liquidity_added, 3 liquidity_removed,
///               4 swap, 5 shares_transferred, 6 fee_to_set, 7 reserves_synced,
///               8 position_minted, 9 position_burned, 10 fees_collected, 11 flash,
///               12 protocol_fee_set, 13 protocol_fees_collected, 14 nft_minted,
///               15 nft_liquidity_increased, 16 nft_liquidity_decreased,
///               17 nft_collected, 18 nft_transferred, 19 nft_burned
///     byte 2    flags: 1 id, 2 time, 4 block, 8 protocol_fee_shares, 16 fee_to (non-null;
///               on a swap: sqrt_price_limit_x96), 32/64/128 concentrated-pool fields
///               (on tags 14 to 17: 32 is pool_log)
///     fields    in the contract's order for the type
///     optional  id, time, block (as the flags say)
///
/// A string is a varint length then UTF-8; an amount is one byte n (0...32)
/// then n big-endian bytes without leading zeros; an integer is an unsigned
/// LEB128 varint of minimal length. Decoding refuses anything non-minimal or
/// left over, so every fact has exactly one encoding and the bytes can be
/// hashed and compared.
public enum BinaryCodec {
    static let version: UInt8 = 1

    static let ticks: ClosedRange<Int64> = -887_272...887_272

    enum Flag {
        static let id: UInt8 = 1
        static let time: UInt8 = 2
        static let block: UInt8 = 4
        static let protocolFee: UInt8 = 8
        /// fee_to on pool_created and fee_to_set; on a swap, its price limit.
        static let feeTo: UInt8 = 16
        static let priceLimit: UInt8 = 16
        /// Concentrated-pool fields: pool_created's tick spacing and price;
        /// a swap's price, tick and liquidity after.
        static let extra1: UInt8 = 32
        static let extra2: UInt8 = 64
        static let extra3: UInt8 = 128
    }

    // MARK: Encoding

    public static func encode(_ fact: Fact) -> [UInt8] {
        var out: [UInt8] = []
        // Room for the longest common fact (a V3 swap with id, time and block, some 125 bytes) in one allocation.
        out.reserveCapacity(160)
        var flags: UInt8 = 0
        if fact.id != nil { flags |= Flag.id }
        if fact.time != nil { flags |= Flag.time }
        if fact.block != nil { flags |= Flag.block }
        let tag: UInt8
        switch fact.body {
        case .poolCreated(let f):
            tag = 1
            if f.feeTo != nil { flags |= Flag.feeTo }
            if f.tickSpacing != nil { flags |= Flag.extra1 }
            if f.sqrtPriceX96 != nil { flags |= Flag.extra2 }
        case .liquidityAdded(let f):
            tag = 2
            if f.protocolFeeShares != nil { flags |= Flag.protocolFee }
        case .liquidityRemoved(let f):
            tag = 3
            if f.protocolFeeShares != nil { flags |= Flag.protocolFee }
        case .swap(let f):
            tag = 4
            if f.sqrtPriceX96After != nil { flags |= Flag.extra1 }
            if f.tickAfter != nil { flags |= Flag.extra2 }
            if f.liquidityAfter != nil { flags |= Flag.extra3 }
            if f.sqrtPriceLimitX96 != nil { flags |= Flag.priceLimit }
        case .sharesTransferred: tag = 5
        case .feeToSet(let f):
            tag = 6
            if f.feeTo != nil { flags |= Flag.feeTo }
        case .reservesSynced: tag = 7
        case .positionMinted: tag = 8
        case .positionBurned: tag = 9
        case .feesCollected: tag = 10
        case .flash: tag = 11
        case .protocolFeeSet: tag = 12
        case .protocolFeesCollected: tag = 13
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
            if case .nftMinted = fact.body { tag = 14 } else if case .nftLiquidityIncreased = fact.body { tag = 15 } else { tag = 16 }
            if f.poolLog != nil { flags |= Flag.extra1 }
        case .nftCollected(let f):
            tag = 17
            if f.poolLog != nil { flags |= Flag.extra1 }
        case .nftTransferred: tag = 18
        case .nftBurned: tag = 19
        }
        out.append(version)
        out.append(tag)
        out.append(flags)
        switch fact.body {
        case .poolCreated(let f):
            put(f.pool, &out); put(f.token0, &out); put(f.token1, &out)
            put(UInt64(f.decimals0), &out); put(UInt64(f.decimals1), &out); put(UInt64(f.feePPM), &out)
            if let feeTo = f.feeTo { put(feeTo, &out) }
            put(f.model.rawValue, &out)
            if let spacing = f.tickSpacing { put(signed: Int64(spacing), &out) }
            if let price = f.sqrtPriceX96 { put(price, &out) }
        case .liquidityAdded(let f):
            put(f.pool, &out); put(f.provider, &out)
            put(f.amount0, &out); put(f.amount1, &out); put(f.shares, &out)
            if let fee = f.protocolFeeShares { put(fee, &out) }
        case .liquidityRemoved(let f):
            put(f.pool, &out); put(f.provider, &out)
            put(f.shares, &out); put(f.amount0, &out); put(f.amount1, &out)
            if let fee = f.protocolFeeShares { put(fee, &out) }
        case .swap(let f):
            put(f.pool, &out); put(f.trader, &out)
            put(f.amount0In, &out); put(f.amount1In, &out); put(f.amount0Out, &out); put(f.amount1Out, &out)
            if let price = f.sqrtPriceX96After { put(price, &out) }
            if let tick = f.tickAfter { put(signed: Int64(tick), &out) }
            if let liquidity = f.liquidityAfter { put(liquidity, &out) }
            if let limit = f.sqrtPriceLimitX96 { put(limit, &out) }
        case .sharesTransferred(let f):
            put(f.pool, &out); put(f.from, &out); put(f.to, &out); put(f.shares, &out)
        case .feeToSet(let f):
            put(f.pool, &out)
            if let feeTo = f.feeTo { put(feeTo, &out) }
        case .reservesSynced(let f):
            put(f.pool, &out); put(f.reserve0, &out); put(f.reserve1, &out)
        case .positionMinted(let f), .positionBurned(let f):
            put(f.pool, &out); put(f.owner, &out); put(signed: Int64(f.tickLower), &out); put(signed: Int64(f.tickUpper), &out)
            put(f.liquidity, &out); put(f.amount0, &out); put(f.amount1, &out)
        case .feesCollected(let f):
            put(f.pool, &out); put(f.owner, &out); put(signed: Int64(f.tickLower), &out); put(signed: Int64(f.tickUpper), &out)
            put(f.amount0, &out); put(f.amount1, &out)
        case .flash(let f):
            put(f.pool, &out); put(f.recipient, &out)
            put(f.amount0, &out); put(f.amount1, &out); put(f.paid0, &out); put(f.paid1, &out)
        case .protocolFeeSet(let f):
            put(f.pool, &out); put(UInt64(f.feeProtocol0), &out); put(UInt64(f.feeProtocol1), &out)
        case .protocolFeesCollected(let f):
            put(f.pool, &out); put(f.recipient, &out); put(f.amount0, &out); put(f.amount1, &out)
        case .nftMinted(let f), .nftLiquidityIncreased(let f), .nftLiquidityDecreased(let f):
            put(f.pool, &out); put(f.manager, &out); put(f.tokenID, &out)
            if let holder = f.holder { put(holder, &out) }
            put(signed: Int64(f.tickLower), &out); put(signed: Int64(f.tickUpper), &out)
            put(f.liquidity, &out); put(f.amount0, &out); put(f.amount1, &out)
            if let log = f.poolLog { put(log, &out) }
        case .nftCollected(let f):
            put(f.pool, &out); put(f.manager, &out); put(f.tokenID, &out)
            put(signed: Int64(f.tickLower), &out); put(signed: Int64(f.tickUpper), &out)
            put(f.recipient, &out); put(f.amount0, &out); put(f.amount1, &out); put(f.poolAmount0, &out); put(f.poolAmount1, &out)
            if let log = f.poolLog { put(log, &out) }
        case .nftTransferred(let f):
            put(f.pool, &out); put(f.manager, &out); put(f.tokenID, &out); put(f.from, &out); put(f.to, &out)
        case .nftBurned(let f):
            put(f.pool, &out); put(f.manager, &out); put(f.tokenID, &out); put(f.from, &out)
        }
        if let id = fact.id { put(id, &out) }
        if let time = fact.time { put(time, &out) }
        if let block = fact.block { put(block, &out) }
        return out
    }

    @inline(__always)
    static func put(_ value: UInt64, _ out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// Zigzag: small magnitudes of either sign stay short.
    static func put(signed value: Int64, _ out: inout [UInt8]) {
        put(UInt64(bitPattern: (value << 1) ^ (value >> 63)), &out)
    }

    @inline(__always)
    static func put(_ text: String, _ out: inout [UInt8]) {
        put(UInt64(text.utf8.count), &out)
        out.append(contentsOf: text.utf8)
    }

    @inline(__always)
    static func put(_ value: UInt256, _ out: inout [UInt8]) {
        let count = (value.significantBitCount + 7) / 8
        out.append(UInt8(count))
        // The last `count` of the value's 32 big-endian bytes.
        value.withBigEndianBytes { bytes in out.append(contentsOf: bytes[(32 - count)...]) }
    }

    // MARK: Decoding

    public static func decode(_ bytes: [UInt8]) throws(Rejection) -> Fact {
        var reader = Reader(bytes: bytes)
        guard try reader.byte() == version else { throw Rejection(.malformedRecord, "unknown binary format version") }
        let tag = try reader.byte()
        let flags = try reader.byte()

        let body: FactBody
        switch tag {
        case 1:
            let pool = try reader.string(), token0 = try reader.string(), token1 = try reader.string()
            let decimals0 = try reader.integer(max: 255), decimals1 = try reader.integer(max: 255)
            let fee = try reader.integer(max: 999_999)
            let feeTo = flags & Flag.feeTo != 0 ? try reader.string() : nil
            guard let model = PoolModel(rawValue: try reader.string()) else { throw Rejection(.malformedRecord, "unknown model") }
            let spacing = flags & Flag.extra1 != 0 ? Int32(try reader.signed(in: 1...16_383)) : nil
            let price = flags & Flag.extra2 != 0 ? try reader.amount() : nil
            body = .poolCreated(PoolCreated(pool: pool, token0: token0, token1: token1, decimals0: UInt8(decimals0),
                                            decimals1: UInt8(decimals1), feePPM: UInt32(fee), feeTo: feeTo, model: model,
                                            tickSpacing: spacing, sqrtPriceX96: price))
        case 2:
            let pool = try reader.string(), provider = try reader.string()
            let amount0 = try reader.amount(), amount1 = try reader.amount(), shares = try reader.amount()
            let fee = flags & Flag.protocolFee != 0 ? try reader.amount() : nil
            body = .liquidityAdded(LiquidityAdded(pool: pool, provider: provider, amount0: amount0, amount1: amount1, shares: shares, protocolFeeShares: fee))
        case 3:
            let pool = try reader.string(), provider = try reader.string()
            let shares = try reader.amount(), amount0 = try reader.amount(), amount1 = try reader.amount()
            let fee = flags & Flag.protocolFee != 0 ? try reader.amount() : nil
            body = .liquidityRemoved(LiquidityRemoved(pool: pool, provider: provider, shares: shares, amount0: amount0, amount1: amount1, protocolFeeShares: fee))
        case 4:
            let pool = try reader.string(), trader = try reader.string()
            let in0 = try reader.amount(), in1 = try reader.amount(), out0 = try reader.amount(), out1 = try reader.amount()
            let price = flags & Flag.extra1 != 0 ? try reader.amount() : nil
            let tick = flags & Flag.extra2 != 0 ? Int32(try reader.signed(in: Self.ticks)) : nil
            let liquidity = flags & Flag.extra3 != 0 ? try reader.amount() : nil
            let limit = flags & Flag.priceLimit != 0 ? try reader.amount() : nil
            body = .swap(Swap(pool: pool, trader: trader, amount0In: in0, amount1In: in1, amount0Out: out0, amount1Out: out1,
                              sqrtPriceX96After: price, tickAfter: tick, liquidityAfter: liquidity, sqrtPriceLimitX96: limit))
        case 5:
            let pool = try reader.string(), from = try reader.string(), to = try reader.string()
            body = .sharesTransferred(SharesTransferred(pool: pool, from: from, to: to, shares: try reader.amount()))
        case 6:
            let pool = try reader.string()
            body = .feeToSet(FeeToSet(pool: pool, feeTo: flags & Flag.feeTo != 0 ? try reader.string() : nil))
        case 7:
            let pool = try reader.string()
            body = .reservesSynced(ReservesSynced(pool: pool, reserve0: try reader.amount(), reserve1: try reader.amount()))
        case 8, 9:
            let pool = try reader.string(), owner = try reader.string()
            let lower = Int32(try reader.signed(in: Self.ticks)), upper = Int32(try reader.signed(in: Self.ticks))
            let change = PositionChanged(pool: pool, owner: owner, tickLower: lower, tickUpper: upper,
                                         liquidity: try reader.amount(), amount0: try reader.amount(), amount1: try reader.amount())
            body = tag == 8 ? .positionMinted(change) : .positionBurned(change)
        case 10:
            let pool = try reader.string(), owner = try reader.string()
            let lower = Int32(try reader.signed(in: Self.ticks)), upper = Int32(try reader.signed(in: Self.ticks))
            body = .feesCollected(FeesCollected(pool: pool, owner: owner, tickLower: lower, tickUpper: upper,
                                                amount0: try reader.amount(), amount1: try reader.amount()))
        case 11:
            let pool = try reader.string(), recipient = try reader.string()
            body = .flash(Flash(pool: pool, recipient: recipient, amount0: try reader.amount(), amount1: try reader.amount(),
                                paid0: try reader.amount(), paid1: try reader.amount()))
        case 12:
            let pool = try reader.string()
            let feeProtocol0 = UInt8(try reader.integer(max: 255)), feeProtocol1 = UInt8(try reader.integer(max: 255))
            body = .protocolFeeSet(ProtocolFeeSet(pool: pool, feeProtocol0: feeProtocol0, feeProtocol1: feeProtocol1))
        case 13:
            let pool = try reader.string(), recipient = try reader.string()
            body = .protocolFeesCollected(ProtocolFeesCollected(pool: pool, recipient: recipient, amount0: try reader.amount(), amount1: try reader.amount()))
        case 14, 15, 16:
            let pool = try reader.string(), manager = try reader.string(), tokenID = try reader.amount()
            let holder = tag == 14 ? try reader.string() : nil
            let lower = Int32(try reader.signed(in: Self.ticks)), upper = Int32(try reader.signed(in: Self.ticks))
            let liquidity = try reader.amount(), amount0 = try reader.amount(), amount1 = try reader.amount()
            let change = NFTLiquidityChanged(
                pool: pool, manager: manager, tokenID: tokenID, holder: holder, tickLower: lower, tickUpper: upper,
                liquidity: liquidity, amount0: amount0, amount1: amount1, poolLog: flags & Flag.extra1 != 0 ? try reader.string() : nil)
            body = tag == 14 ? .nftMinted(change) : tag == 15 ? .nftLiquidityIncreased(change) : .nftLiquidityDecreased(change)
        case 17:
            let pool = try reader.string(), manager = try reader.string(), tokenID = try reader.amount()
            let lower = Int32(try reader.signed(in: Self.ticks)), upper = Int32(try reader.signed(in: Self.ticks))
            let recipient = try reader.string()
            let amount0 = try reader.amount(), amount1 = try reader.amount(), pool0 = try reader.amount(), pool1 = try reader.amount()
            body = .nftCollected(NFTCollected(
                pool: pool, manager: manager, tokenID: tokenID, tickLower: lower, tickUpper: upper, recipient: recipient,
                amount0: amount0, amount1: amount1, poolAmount0: pool0, poolAmount1: pool1,
                poolLog: flags & Flag.extra1 != 0 ? try reader.string() : nil))
        case 18:
            let pool = try reader.string(), manager = try reader.string(), tokenID = try reader.amount()
            body = .nftTransferred(NFTTransferred(pool: pool, manager: manager, tokenID: tokenID, from: try reader.string(), to: try reader.string()))
        case 19:
            let pool = try reader.string(), manager = try reader.string(), tokenID = try reader.amount()
            body = .nftBurned(NFTTransferred(pool: pool, manager: manager, tokenID: tokenID, from: try reader.string(), to: zeroAddress))
        default:
            throw Rejection(.malformedRecord, "unknown fact type tag \(tag)")
        }
        let extras = Flag.extra1 | Flag.extra2 | Flag.extra3
        let poolLogTag = (14...17).contains(tag)
        if tag != 1 && tag != 4 && tag != 6 && flags & Flag.feeTo != 0 || tag != 2 && tag != 3 && flags & Flag.protocolFee != 0
            || tag != 1 && tag != 4 && !poolLogTag && flags & extras != 0 || tag == 1 && flags & Flag.extra3 != 0
            || poolLogTag && flags & (Flag.extra2 | Flag.extra3) != 0 {
            throw Rejection(.malformedRecord, "flags \(flags) do not fit fact type \(tag)")
        }
        let id = flags & Flag.id != 0 ? try reader.string() : nil
        let time = flags & Flag.time != 0 ? try reader.integer(max: UInt64(Int64.max)) : nil
        let block = flags & Flag.block != 0 ? try reader.integer(max: UInt64(Int64.max)) : nil
        guard reader.index == bytes.count else { throw Rejection(.malformedRecord, "\(bytes.count - reader.index) bytes left over") }
        return Fact(body, id: id, time: time, block: block)
    }


    struct Reader {
        let bytes: [UInt8]
        var index = 0

        func truncated() -> Rejection { Rejection(.malformedRecord, "truncated at byte \(index)") }

        @inline(__always)
        mutating func byte() throws(Rejection) -> UInt8 {
            guard index < bytes.count else { throw truncated() }
            defer { index += 1 }
            return bytes[index]
        }

        /// A zigzag-encoded signed integer within `range`.
        mutating func signed(in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
            let raw = try integer(max: .max)
            let value = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
            guard range.contains(value) else { throw Rejection(.malformedRecord, "integer \(value) outside \(range)") }
            return value
        }

        mutating func integer(max: UInt64) throws(Rejection) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try self.byte()
                guard shift < 64, shift < 63 || byte <= 1 else { throw Rejection(.malformedRecord, "integer too large") }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 {
                    guard byte != 0 || shift == 0 else { throw Rejection(.malformedRecord, "non-minimal integer") }
                    break
                }
                shift += 7
            }
            guard value <= max else { throw Rejection(.malformedRecord, "integer \(value) above \(max)") }
            return value
        }

        mutating func string() throws(Rejection) -> String {
            let count = Int(try integer(max: UInt64(bytes.count)))
            guard count > 0 else { throw Rejection(.malformedRecord, "empty string") }
            guard index + count <= bytes.count else { throw truncated() }
            let start = index
            let text = bytes.withUnsafeBufferPointer { buffer in
                UTF8Text.string(UnsafeBufferPointer(rebasing: buffer[start..<(start + count)]))
            }
            guard let text else {
                throw Rejection(.malformedRecord, "invalid UTF-8")
            }
            index += count
            return text
        }

        mutating func amount() throws(Rejection) -> UInt256 {
            let count = Int(try byte())
            guard count <= 32 else { throw Rejection(.malformedRecord, "amount longer than 32 bytes") }
            guard index + count <= bytes.count else { throw truncated() }
            guard count == 0 || bytes[index] != 0 else { throw Rejection(.malformedRecord, "amount with a leading zero byte") }
            let start = index
            index += count
            return bytes.withUnsafeBytes { all in UInt256(bigEndian: UnsafeRawBufferPointer(rebasing: all[start..<(start + count)])) }
        }
    }
}
