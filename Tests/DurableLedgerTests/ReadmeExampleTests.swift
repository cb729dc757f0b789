import DurableLedger
import Foundation
import PoolLedger
import PoolMath
import Testing

/// The README's "Use as a library" example, compiled and run here. The
/// region between the markers is the README's code block line for line (the
/// test below compares them), so the README cannot drift from code that builds.
func readmeLibraryExample(databasePath: String) throws {
    // README: begin
    // In memory: a command is decided into facts; every fact is re-checked as it folds.
    var ledger = Ledger()
    var facts = try ledger.execute(Command(.createPool(PoolCreated(pool: "ETH-DAI", token0: "WETH", token1: "DAI"))))
    facts += try ledger.execute(Command(.addLiquidity(AddLiquidity(
        pool: "ETH-DAI", provider: "alice",
        amount0Desired: 10_000_000_000_000_000_000, amount1Desired: 20_000_000_000_000_000_000_000))))
    facts += try ledger.execute(Command(.swapExactIn(SwapExactIn(
        pool: "ETH-DAI", trader: "bob", tokenIn: "DAI", amountIn: 1_000_000_000_000_000_000_000))))
    print(ContractCodec.line(facts[2]))  // {"type":"swap","pool":"ETH-DAI","trader":"bob",...,"amount0_out":"474829737581559270",...}

    // A pool is the header every model shares plus the body of its own model.
    let pool = ledger["ETH-DAI"]!
    switch pool.body {
    case .constantProduct(let pair): print("reserves", pair.reserve0, pair.reserve1, "alice holds", pair.shares(of: "alice"))
    case .concentrated(let v3): print("price", v3.sqrtPriceX96, "tick", v3.tick)
    }
    print("state_hash", StateHash.hash(pool))

    // A fact the rules would not have produced is refused, naming its rule; the ledger stays as it was.
    var forged = facts[2]
    if case .swap(var swap) = forged.body { swap.amount0Out += 1; forged.body = .swap(swap) }
    do { try ledger.fold(forged) } catch { print(error) }  // K: in 0, 1000000000000000000000 out ...

    // On disk (SQLite): one atomic, hash-chained batch; verify re-folds it all.
    let durable = try DurableLedger(path: databasePath)
    try durable.append(facts: facts)
    let report = try durable.verify()
    print("head", report.head.seq, "same state:", report.ledger["ETH-DAI"] == pool)

    // Every provider's claim, value against holding, impermanent loss and fees.
    if let audit = try durable.auditFold(pool: "ETH-DAI").audit() {
        for provider in audit.providers { print(provider.provider, provider.shares, "profitable:", provider.profitable) }
    }
    // README: end
}

@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theLibraryExampleRunsAndLeavesAVerifiedLedger() throws {
        let path = temporaryDatabase()
        try readmeLibraryExample(databasePath: path)
        let ledger = try DurableLedger(path: path)
        let report = try ledger.verify()
        #expect(report.head.seq == 3)
        guard case .constantProduct(let pair)? = report.ledger["ETH-DAI"]?.body else {
            Issue.record("no constant-product pool ETH-DAI"); return
        }
        // 1000 DAI sold into 10 WETH / 20,000 DAI at 0.3 %: getAmountOut, written out.
        let amountIn: UInt256 = 1_000_000_000_000_000_000_000
        let expectedOut = (amountIn * 997 * 10_000_000_000_000_000_000) / (20_000_000_000_000_000_000_000 * 1000 + amountIn * 997)
        #expect(pair.reserve0 == 10_000_000_000_000_000_000 - expectedOut)
        #expect(pair.reserve1 == 21_000_000_000_000_000_000_000)
    }

    @Test func theReadmeShowsTheCompiledExample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let section = try #require(readme.range(of: "## Use as a library"))
        let afterHeading = readme[section.upperBound...]
        let open = try #require(afterHeading.range(of: "```swift\n"))
        let close = try #require(afterHeading[open.upperBound...].range(of: "```"))
        let shown = afterHeading[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let imports = shown.prefix { $0.hasPrefix("import ") }
        #expect(!imports.isEmpty && imports.allSatisfy { source.contains($0 + "\n") }, "the README's imports are this file's")
        let body = Array(shown.dropFirst(imports.count).drop { $0.isEmpty }).dropLast(while: { $0.isEmpty })

        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let begin = try #require(lines.firstIndex(of: "    // README: begin"))
        let end = try #require(lines.firstIndex(of: "    // README: end"))
        let compiled = lines[(begin + 1)..<end].map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : $0 }
        #expect(Array(body) == Array(compiled))
    }
}

extension Array {
    fileprivate func dropLast(while predicate: (Element) -> Bool) -> ArraySlice<Element> {
        var end = endIndex
        while end > startIndex && predicate(self[end - 1]) { end -= 1 }
        return self[startIndex..<end]
    }
}
