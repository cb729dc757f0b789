import PoolLedger
import PoolMath
import Testing

/// Amounts typed in token units: converted with the token's decimals exactly, never rounded.
@Suite struct TypedAmountTests {
    let weth = (symbol: "WETH", decimals: UInt8(18)), dai = (symbol: "DAI", decimals: UInt8(18)), usdc = (symbol: "USDC", decimals: UInt8(6))

    func value(_ text: String, _ token: (symbol: String, decimals: UInt8), others: [String] = []) throws -> UInt256 {
        let amount = try #require(TypedAmount(text), "\(text) is not read as an amount")
        return try amount.baseUnits(field: "amount", token: token, others: others)
    }

    func refusal(_ text: String, _ token: (symbol: String, decimals: UInt8), others: [String] = []) -> Rejection? {
        guard let amount = TypedAmount(text) else { return nil }
        do { _ = try amount.baseUnits(field: "amount", token: token, others: others) } catch { return error }
        return nil
    }

    @Test func decimalsAndSymbolsBecomeExactBaseUnits() throws {
        // The issue's own vector: 1000.5 DAI on an 18-decimal token.
        #expect(try value("1000.5DAI", dai) == UInt256.parseDecimal("1000500000000000000000").get())
        #expect(try value("10WETH", weth) == UInt256.parseDecimal("10000000000000000000").get())
        #expect(try value("0.5DAI", dai) == UInt256.parseDecimal("500000000000000000").get())
        #expect(try value("0.000001USDC", usdc) == 1)
        #expect(try value("0USDC", usdc) == 0)
        #expect(try value("123.456789USDC", usdc) == 123_456_789)
        // Base units pass unchanged, whatever the token.
        #expect(try value("1000500000000000000000", usdc) == UInt256.parseDecimal("1000500000000000000000").get())
    }

    @Test func moreDecimalsThanTheTokenHasAreRefusedNotRounded() throws {
        let refused = try #require(refusal("0.0000001USDC", usdc))
        #expect(refused.rule == .input(.invalidAmount))
        #expect(refused.detail.contains("7 decimals") && refused.detail.contains("USDC has 6"), "\(refused.detail)")
        // Even when the extra digit is a zero: what is typed is what is converted.
        #expect(refusal("1.0000000USDC", usdc)?.rule == .input(.invalidAmount))
    }

    @Test func aSymbolThatIsNotTheAmountsTokenIsRefused() throws {
        let other = try #require(refusal("20000DAI", weth, others: ["DAI"]))
        #expect(other.rule == .ledger(.unknownToken))
        #expect(other.detail.contains("an amount of WETH") && other.detail.contains("20000DAI"), "\(other.detail)")
        let unknown = try #require(refusal("5ETH", weth, others: ["DAI"]))
        #expect(unknown.detail.contains("ETH is not a token of the pool (its tokens: WETH, DAI)"), "\(unknown.detail)")
        // Symbols are compared as typed.
        #expect(refusal("5weth", weth, others: ["DAI"])?.rule == .ledger(.unknownToken))
    }

    @Test func whatIsNeitherFormIsNotAnAmount() {
        for text in ["", "DAI", ".5DAI", "1.DAI", "1.5", "12 DAI", "-1DAI", "1,5DAI", "0x10", "1.2.3DAI", "007"] {
            #expect(TypedAmount(text) == nil, "\(text)")
        }
        // "1e18" reads as 1 of a token named e18: refused by name, never taken for 10^18.
        #expect(TypedAmount("1e18") == .units(whole: "1", fraction: "", symbol: "e18"))
    }

    @Test func pastTwoToThe256IsRefused() throws {
        // 2^256 / 10^18 is about 1.158e59: 60 digits of whole tokens pass it.
        let refused = try #require(refusal(String(repeating: "9", count: 60) + "WETH", weth))
        #expect(refused.rule == .input(.invalidAmount) && refused.detail.contains("2^256"))
        // The largest that fits: (2^256 - 1) base units, typed with 18 decimals.
        let max = "115792089237316195423570985008687907853269984665640564039457.584007913129639935WETH"
        #expect(try value(max, weth) == UInt256.max)
    }

    /// Any base-unit value written as whole.fraction of a token (by plain digit
    /// arithmetic, here) reads back as the same value.
    @Test(arguments: [UInt8(0), 1, 6, 8, 18, 24])
    func writtenInTokenUnitsReadsBack(decimals: UInt8) throws {
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15 &* UInt64(decimals + 1)
        for _ in 0..<200 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let digits = String(seed) + String(seed >> 7)
            let value = try UInt256.parseDecimal(String(digits.drop { $0 == "0" }.isEmpty ? "0" : digits.drop { $0 == "0" })).get()
            var text = "\(value)"
            if text.count <= Int(decimals) { text = String(repeating: "0", count: Int(decimals) - text.count + 1) + text }
            let whole = text.dropLast(Int(decimals)), fraction = text.suffix(Int(decimals))
            let typed = fraction.isEmpty ? "\(whole)TKN" : "\(whole).\(fraction)TKN"
            #expect(try self.value(typed, (symbol: "TKN", decimals: decimals)) == value, "\(typed)")
        }
    }
}
