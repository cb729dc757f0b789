import PoolLedger
import PoolMath
import Testing

/// The contract's extension for concentrated-liquidity pools: the facts parse,
/// print and store (JSON Lines and the binary log form) exactly; what a
/// constant-product pool cannot take is refused naming the rule.
@Suite struct ConcentratedFactsCodecTests {
    let price = UInt256(decimal: "2505290050365003892876723467")!

    var facts: [Fact] {
        [
            Fact(.poolCreated(PoolCreated(pool: "weth-ens", token0: "WETH", token1: "ENS", feePPM: 3000, model: .concentrated,
                                          tickSpacing: 60, sqrtPriceX96: price)), id: "0xinit:1", time: 1_636_415_673, block: 13_578_816),
            Fact(.positionMinted(PositionChanged(pool: "weth-ens", owner: "0xC364", tickLower: -49_800, tickUpper: 64_020,
                                                 liquidity: UInt256(decimal: "556973545490136947176")!, amount0: UInt256(decimal: "23500000000000000000")!, amount1: .zero))),
            Fact(.swap(Swap(pool: "weth-ens", trader: "t", amount0In: 5, amount1Out: 7,
                            sqrtPriceX96After: price, tickAfter: -887_272, liquidityAfter: UInt256(decimal: "27848677274506847359")!))),
            Fact(.swap(Swap(pool: "weth-ens", trader: "t", amount1In: 5, amount0Out: 7, tickAfter: 60_068))),
            Fact(.positionBurned(PositionChanged(pool: "weth-ens", owner: "0xC364", tickLower: 49_800, tickUpper: 887_220,
                                                 liquidity: .zero, amount0: .zero, amount1: .zero)), time: 1_636_416_956),
            Fact(.feesCollected(FeesCollected(pool: "weth-ens", owner: "0xC364", tickLower: -60, tickUpper: 60, amount0: 1, amount1: 2)), block: 7),
        ]
    }

    @Test func roundTripsThroughJSONAndBinary() throws {
        for fact in facts {
            let line = ContractCodec.line(fact)
            #expect(try ContractCodec.decodeLine(line) == .fact(fact), "\(line)")
            let bytes = BinaryCodec.encode(fact)
            let decoded = try BinaryCodec.decode(bytes)
            #expect(decoded == fact)
            #expect(BinaryCodec.encode(decoded) == bytes)
        }
        #expect(ContractCodec.line(facts[1]).contains("\"tick_lower\":-49800"))
        #expect(ContractCodec.line(facts[2]).contains("\"tick_after\":-887272"))
    }

    @Test func malformedExtensionFieldsNameTheRule() {
        let cases: [(String, String)] = [
            (#"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000,"model":"concentrated","sqrt_price_x96":"79228162514264337593543950336"}"#, "MISSING_FIELD"),
            (#"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000,"tick_spacing":60}"#, "INVALID_FIELD"),
            (#"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000,"model":"concentrated","tick_spacing":0,"sqrt_price_x96":"1"}"#, "INVALID_FIELD"),
            (#"{"type":"position_minted","pool":"p","owner":"o","tick_lower":1.5,"tick_upper":60,"liquidity":"1","amount0":"1","amount1":"0"}"#, "INVALID_FIELD"),
            (#"{"type":"position_minted","pool":"p","owner":"o","tick_lower":-887273,"tick_upper":60,"liquidity":"1","amount0":"1","amount1":"0"}"#, "INVALID_FIELD"),
            (#"{"type":"fees_collected","pool":"p","owner":"o","tick_lower":"-60","tick_upper":60,"amount0":"1","amount1":"0"}"#, "INVALID_FIELD"),
            (#"{"type":"fees_collected","pool":"p","owner":"o","tick_lower":-60,"tick_upper":60,"amount0":"1"}"#, "MISSING_FIELD"),
            (#"{"type":"swap","pool":"p","trader":"t","amount0_in":"1","amount1_in":"0","amount0_out":"0","amount1_out":"1","tick_after":"-"}"#, "INVALID_FIELD"),
            (#"{"type":"swap","pool":"p","trader":"t","amount0_in":"1","amount1_in":"0","amount0_out":"0","amount1_out":"1","tick_after":-}"#, "MALFORMED_JSON"),
        ]
        for (line, rule) in cases {
            do {
                _ = try ContractCodec.decodeLine(line)
                Issue.record("accepted: \(line)")
            } catch {
                #expect(error.rule.name == rule, "\(line): \(error)")
            }
        }
        // A binary record whose flags do not fit its type is refused.
        var bytes = BinaryCodec.encode(Fact(.sharesTransferred(SharesTransferred(pool: "p", from: "a", to: "b", shares: 1))))
        bytes[2] |= 32
        #expect(throws: Rejection.self) { try BinaryCodec.decode(bytes) }
    }

    @Test func eachModelRefusesTheOthersFactsAndCommands() throws {
        var ledger = Ledger()
        try ledger.fold(Fact(.poolCreated(PoolCreated(pool: "v2", token0: "WETH", token1: "ENS"))))
        try ledger.execute(Command(.addLiquidity(AddLiquidity(pool: "v2", provider: "lp", amount0Desired: 1_000_000, amount1Desired: 1_000_000))))
        for fact in facts.dropFirst() {
            var moved = fact
            moved.body = Self.retarget(fact.body, to: "v2")
            do {
                try ledger.fold(moved)
                Issue.record("a constant-product pool took \(ContractCodec.line(moved))")
            } catch {
                #expect(["UNSUPPORTED_MODEL", "INVALID_FIELD"].contains(error.rule.name), "\(error)")
            }
        }
        let v2Commands: [CommandBody] = [
            .mintPosition(MintPosition(pool: "v2", owner: "o", tickLower: -60, tickUpper: 60, liquidity: 1000)),
            .burnPosition(BurnPosition(pool: "v2", owner: "o", tickLower: -60, tickUpper: 60, liquidity: 0)),
            .collect(CollectFees(pool: "v2", owner: "o", tickLower: -60, tickUpper: 60)),
            .swapExactIn(SwapExactIn(pool: "v2", trader: "t", tokenIn: "WETH", amountIn: 10, sqrtPriceLimitX96: price)),
        ]
        for command in v2Commands {
            #expect(throws: Rejection.self) { try ledger.execute(Command(command)) }
        }

        try ledger.fold(facts[0])
        try ledger.execute(Command(.mintPosition(MintPosition(pool: "weth-ens", owner: "o", tickLower: 0, tickUpper: 60_000, liquidity: 1_000_000_000))))
        let before = ledger
        let v3Commands: [CommandBody] = [
            .addLiquidity(AddLiquidity(pool: "weth-ens", provider: "lp", amount0Desired: 1000, amount1Desired: 1000)),
            .removeLiquidity(RemoveLiquidity(pool: "weth-ens", provider: "lp", shares: 1)),
            .transferShares(SharesTransferred(pool: "weth-ens", from: "o", to: "p", shares: 1)),
            .setFeeTo(FeeToSet(pool: "weth-ens", feeTo: "f")),
        ]
        for command in v3Commands {
            do {
                try ledger.execute(Command(command))
                Issue.record("a concentrated pool took \(command.commandName)")
            } catch {
                #expect(error.rule.name == "UNSUPPORTED_MODEL", "\(error)")
            }
        }
        for body in [FactBody.reservesSynced(ReservesSynced(pool: "weth-ens", reserve0: 1, reserve1: 1)),
                     .liquidityAdded(LiquidityAdded(pool: "weth-ens", provider: "lp", amount0: 1, amount1: 1, shares: 1))] {
            #expect(throws: Rejection.self) { try ledger.fold(Fact(body)) }
        }
        #expect(ledger == before)
    }

    static func retarget(_ body: FactBody, to pool: String) -> FactBody {
        switch body {
        case .swap(var f): f.pool = pool; return .swap(f)
        case .positionMinted(var f): f.pool = pool; return .positionMinted(f)
        case .positionBurned(var f): f.pool = pool; return .positionBurned(f)
        case .feesCollected(var f): f.pool = pool; return .feesCollected(f)
        default: return body
        }
    }
}
