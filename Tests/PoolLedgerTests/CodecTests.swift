import PoolLedger
import PoolMath
import Testing

/// The contract's JSON Lines, strictly: every failure names the field and the rule.
@Suite struct CodecTests {
    func rejection(_ line: String) -> Rejection? {
        do {
            _ = try ContractCodec.decodeLine(line)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEveryFactType() throws {
        let lines = [
            #"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":6,"decimals1":18,"fee_ppm":500,"fee_to":null}"#,
            #"{"type":"liquidity_added","pool":"p","provider":"lp","amount0":"1000","amount1":"2000","shares":"414","id":"0xaa:1","time":5,"block":7}"#,
            #"{"type":"liquidity_removed","pool":"p","provider":"lp","shares":"1","amount0":"2","amount1":"3","protocol_fee_shares":"4"}"#,
            #"{"type":"swap","pool":"p","trader":"t","amount0_in":"1","amount1_in":"0","amount0_out":"0","amount1_out":"115792089237316195423570985008687907853269984665640564039457584007913129639935"}"#,
            #"{"type":"shares_transferred","pool":"p","from":"a","to":"b","shares":"9"}"#,
            #"{"type":"fee_to_set","pool":"p","fee_to":"0xfee"}"#,
        ]
        for line in lines {
            guard case .fact(let fact) = try ContractCodec.decodeLine(line) else {
                Issue.record("not a fact: \(line)")
                continue
            }
            // Encoding then decoding gives the same fact back.
            #expect(try ContractCodec.decodeLine(ContractCodec.line(fact)) == .fact(fact))
        }
        guard case .fact(let fact) = try ContractCodec.decodeLine(lines[1]) else { return }
        #expect(fact == Fact(.liquidityAdded(LiquidityAdded(pool: "p", provider: "lp", amount0: 1000, amount1: 2000, shares: 414)), id: "0xaa:1", time: 5, block: 7))
        guard case .fact(let swap) = try ContractCodec.decodeLine(lines[3]), case .swap(let body) = swap.body else { return }
        #expect(body.amount1Out == .max)
    }

    @Test func readsEveryCommandType() throws {
        let lines = [
            #"{"cmd":"create_pool","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}"#,
            #"{"cmd":"add_liquidity","pool":"p","provider":"lp","amount0_desired":"1","amount1_desired":"2","amount0_min":"0"}"#,
            #"{"cmd":"remove_liquidity","pool":"p","provider":"lp","shares":"1","amount1_min":"1"}"#,
            #"{"cmd":"swap_exact_in","pool":"p","trader":"t","token_in":"A","amount_in":"5","min_amount_out":"1"}"#,
            #"{"cmd":"swap_exact_out","pool":"p","trader":"t","token_out":"B","amount_out":"5","max_amount_in":"9","time":3}"#,
            #"{"cmd":"transfer_shares","pool":"p","from":"a","to":"b","shares":"1"}"#,
            #"{"cmd":"set_fee_to","pool":"p","fee_to":null}"#,
        ]
        for line in lines {
            guard case .command = try ContractCodec.decodeLine(line) else {
                Issue.record("not a command: \(line)")
                continue
            }
        }
        #expect(try ContractCodec.decodeLine(lines[4]) == .command(Command(.swapExactOut(SwapExactOut(pool: "p", trader: "t", tokenOut: "B", amountOut: 5, maxAmountIn: 9)), time: 3)))
        // Encoding then decoding gives every command back.
        for line in lines {
            guard case .command(let command) = try ContractCodec.decodeLine(line) else { continue }
            #expect(try ContractCodec.decodeLine(ContractCodec.line(command)) == .command(command))
        }
    }

    @Test(arguments: [
        ("{\"type\":\"swap\"", InputRule.malformedJSON, "column"),
        ("[1,2]", .malformedJSON, "JSON object"),
        ("{\"type\":\"mint\",\"pool\":\"p\"}", .unknownType, "\"mint\""),
        ("{\"cmd\":\"mint\"}", .unknownType, "\"mint\""),
        ("{\"pool\":\"p\"}", .missingField, "\"type\""),
        ("{\"type\":\"swap\",\"cmd\":\"x\"}", .invalidField, "not both"),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\"}", .missingField, "\"shares\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":12}", .invalidAmount, "field \"shares\" must be a string"),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"-1\"}", .invalidAmount, "field \"shares\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"1.5\"}", .invalidAmount, "field \"shares\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"1e18\"}", .invalidAmount, "field \"shares\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"+1\"}", .invalidAmount, "field \"shares\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"007\"}", .invalidAmount, "leading zero"),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"115792089237316195423570985008687907853269984665640564039457584007913129639936\"}", .invalidAmount, "exceeds 2^256-1"),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"\"}", .invalidAmount, "is empty"),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"1\",\"extra\":1}", .unknownField, "\"extra\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"p\",\"pool\":\"q\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"1\"}", .duplicateField, "\"pool\""),
        ("{\"type\":\"shares_transferred\",\"pool\":\"\",\"from\":\"a\",\"to\":\"b\",\"shares\":\"1\"}", .invalidField, "\"pool\" must not be empty"),
        ("{\"type\":\"shares_transferred\",\"pool\":7,\"from\":\"a\",\"to\":\"b\",\"shares\":\"1\"}", .invalidField, "\"pool\" must be a string"),
        ("{\"type\":\"pool_created\",\"pool\":\"p\",\"token0\":\"A\",\"token1\":\"B\",\"decimals0\":18,\"decimals1\":18,\"fee_ppm\":1000000}", .invalidField, "\"fee_ppm\""),
        ("{\"type\":\"pool_created\",\"pool\":\"p\",\"token0\":\"A\",\"token1\":\"B\",\"decimals0\":18,\"decimals1\":18,\"fee_ppm\":30.5}", .invalidField, "\"fee_ppm\""),
        ("{\"type\":\"pool_created\",\"pool\":\"p\",\"token0\":\"A\",\"token1\":\"B\",\"decimals0\":256,\"decimals1\":18,\"fee_ppm\":3000}", .invalidField, "\"decimals0\""),
        ("{\"type\":\"swap\",\"pool\":\"p\",\"trader\":\"t\",\"amount0_in\":\"1\",\"amount1_in\":\"0\",\"amount0_out\":\"0\",\"amount1_out\":\"1\",\"time\":-5}", .invalidField, "\"time\""),
    ])
    func badLinesNameTheFieldAndTheRule(_ line: String, _ rule: InputRule, _ mention: String) {
        let found = rejection(line)
        #expect(found?.rule == .input(rule), "\(line) -> \(String(describing: found))")
        #expect(found?.detail.contains(mention) == true, "\(String(describing: found)) should mention \(mention)")
    }

    @Test func unsupportedModelIsNamed() {
        let found = rejection(#"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000,"model":"stable"}"#)
        #expect(found?.rule == .ledger(.unsupportedModel))
    }

    @Test func jsonStringsAreStrict() throws {
        #expect(try JSON.parse(#"{"a":"\u00e9\ud83d\ude00\n"}"#) == .object([("a", .string("é😀\n"))]))
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(#"{"a":"\ud83d"}"#) }
        #expect(throws: JSONSyntaxError.self) { try JSON.parse("{\"a\":\"tab\there\"}") }
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(#"{"a":01}"#) }
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(#"{"a":1} x"#) }
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) }
        // Writing escapes only what JSON requires; reading it back gives the same text.
        let text = "q\"b\\c\u{01}é"
        #expect(try JSON.parse(JSON.string(text).compact) == .string(text))
    }

    @Test func lineFoldNamesTheLine() {
        var fold = LineFold()
        let text = """
            {"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}

            {"type":"liquidity_added","pool":"p","provider":"lp","amount0":"1000000","amount1":"4000000","shares":"1999001"}
            """
        do {
            try fold.fold(text: text)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.description == "line 3: SHARES_MISMATCH: shares recorded 1999001, expected 1999000")
        }
        #expect(fold.ledger["p"]?.totalShares == 0, "the rejected line changed nothing")
    }

    @Test func invalidUTF8IsRejectedWithItsLine() {
        var fold = LineFold()
        let bytes = Array(#"{"type":"pool_created","pool":"p","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}"#.utf8) + [0x0A, 0x7B, 0xFF, 0x7D, 0x0A]
        do {
            try fold.fold(utf8: bytes)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.location == .line(2))
            #expect(error.rejection.rule == .input(.malformedJSON))
        }
    }
}

/// The ASCII fast path of UTF-8 validation agrees with the standard
/// library's strict validation, wherever in the 8-byte words a non-ASCII byte falls.
@Suite struct UTF8TextTests {
    @Test func agreesWithTheStrictValidation() {
        let insertions: [[UInt8]] = [
            Array("é".utf8), Array("😀".utf8), [0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80],
        ]
        for length in 0...20 {
            let ascii = Array(String(repeating: "a", count: length).utf8)
            #expect(UTF8Text.string(ascii) == String(decoding: ascii, as: UTF8.self))
            for position in 0...length {
                for insertion in insertions {
                    var bytes = ascii
                    bytes.insert(contentsOf: insertion, at: position)
                    let strict = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
                    #expect(UTF8Text.string(bytes) == strict, "\(bytes)")
                    #expect(bytes.withUnsafeBufferPointer { UTF8Text.isASCII($0) } == false)
                }
            }
        }
    }
}
