import Foundation
import PoolLedger
import Testing

/// Amounts typed in token units on the command line: deposit, swap and
/// withdraw bounds converted with the pool's decimals; a refused amount
/// exits 1, names the field and the rule, and appends nothing.
@Suite(.serialized) struct TokenUnitsCommandTests {
    func head(_ database: String) throws -> String {
        let run = try Tool.run(["verify", "--db", database])
        return String(run.stdout.split(separator: "\n").last { $0.contains("head") } ?? "")
    }

    @Test func depositAndSwapInTokenUnits() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let created = try Tool.run(["create-pool", "WETH-USDC", "--token0", "WETH", "--token1", "USDC", "--decimals1", "6", "--db", database])
        #expect(created.status == 0, "\(created.stderr)")

        let deposit = try Tool.run(["deposit", "WETH-USDC", "alice", "10WETH", "20000.5USDC", "--db", database])
        #expect(deposit.status == 0, "\(deposit.stderr)")
        #expect(deposit.stdout.contains(#""amount0":"10000000000000000000""#) && deposit.stdout.contains(#""amount1":"20000500000""#), "\(deposit.stdout)")

        let swap = try Tool.run(["swap", "WETH-USDC", "bob", "--in", "USDC", "1000.5USDC", "--min-out", "0.1WETH", "--db", database])
        #expect(swap.status == 0, "\(swap.stderr)")
        #expect(swap.stdout.contains(#""amount1_in":"1000500000""#), "\(swap.stdout)")

        // Base units still work as before, mixed with token units.
        let exactOut = try Tool.run(["swap", "WETH-USDC", "bob", "--out", "WETH", "100000000000000000", "--max-in", "1000USDC", "--db", database])
        #expect(exactOut.status == 0, "\(exactOut.stderr)")
        #expect(exactOut.stdout.contains(#""amount0_out":"100000000000000000""#), "\(exactOut.stdout)")
    }

    @Test func refusedAmountsNameTheFieldAndWriteNothing() throws {
        let directory = try Tool.temporaryDirectory()
        let database = directory.appendingPathComponent("ledger.sqlite").path
        #expect(try Tool.run(["create-pool", "WETH-USDC", "--token0", "WETH", "--token1", "USDC", "--decimals1", "6", "--db", database]).status == 0)
        #expect(try Tool.run(["deposit", "WETH-USDC", "alice", "10WETH", "20000USDC", "--db", database]).status == 0)
        let before = try head(database)

        let tooFine = try Tool.run(["swap", "WETH-USDC", "bob", "--in", "USDC", "0.0000001USDC", "--db", database])
        #expect(tooFine.status == 1)
        #expect(tooFine.stderr.contains("INVALID_AMOUNT") && tooFine.stderr.contains("amount: 0.0000001USDC has 7 decimals, but USDC has 6"), "\(tooFine.stderr)")

        let wrongToken = try Tool.run(["deposit", "WETH-USDC", "alice", "20000USDC", "10WETH", "--db", database])
        #expect(wrongToken.status == 1)
        #expect(wrongToken.stderr.contains("UNKNOWN_TOKEN") && wrongToken.stderr.contains("amount0 is an amount of WETH, but 20000USDC is of USDC"), "\(wrongToken.stderr)")

        let bound = try Tool.run(["swap", "WETH-USDC", "bob", "--in", "USDC", "5USDC", "--min-out", "1DAI", "--db", database])
        #expect(bound.status == 1)
        #expect(bound.stderr.contains("--min-out: DAI is not a token of the pool (its tokens: WETH, USDC)"), "\(bound.stderr)")

        let noPool = try Tool.run(["deposit", "ETH-DAI", "alice", "1WETH", "1DAI", "--db", database])
        #expect(noPool.status == 1)
        #expect(noPool.stderr.contains("UNKNOWN_POOL"), "\(noPool.stderr)")

        #expect(try head(database) == before)
    }
}
