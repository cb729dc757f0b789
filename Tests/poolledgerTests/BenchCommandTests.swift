import Foundation
import Testing

/// `bench v3-contract`: a generated pool's swaps run by the pool model alone
/// must reproduce every swap fact's price (else it names the swap), and the
/// steps it counts grow with the initialized ticks in the swaps' way.
@Suite struct BenchCommandTests {
    func workload(positions: Int, swaps: Int, in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("v3-\(positions).jsonl").path
        let generated = try Tool.run(["bench", "v3-workload", "--positions", "\(positions)", "--swaps", "\(swaps)", file])
        #expect(generated.status == 0, "\(generated.stderr)")
        return file
    }

    func figure(_ name: String, _ output: String) -> Double? {
        guard let range = output.range(of: "\(name)=") else { return nil }
        return Double(output[range.upperBound...].prefix { !$0.isWhitespace })
    }

    @Test func contractAloneReproducesTheSwapFactsAndCountsTheirSteps() throws {
        let directory = try Tool.temporaryDirectory()
        let few = try Tool.run(["bench", "v3-contract", try workload(positions: 3, swaps: 400, in: directory)])
        let many = try Tool.run(["bench", "v3-contract", try workload(positions: 400, swaps: 400, in: directory)])
        #expect(few.status == 0, "\(few.stderr)")
        #expect(many.status == 0, "\(many.stderr)")
        #expect(figure("swaps", few.stdout) == 400)
        #expect(figure("positions", many.stdout) == 400)
        // Every swap takes a step; more ranges put more initialized ticks in the way.
        let fewSteps = try #require(figure("steps_per_swap", few.stdout))
        let manySteps = try #require(figure("steps_per_swap", many.stdout))
        #expect(fewSteps >= 1)
        #expect(manySteps > fewSteps)
    }

    @Test func aSwapFactTheModelDoesNotReproduceIsNamed() throws {
        let directory = try Tool.temporaryDirectory()
        let file = try workload(positions: 5, swaps: 20, in: directory)
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        // The 7th swap's price after, one unit off (up, or down from a 9) (the pool's creation and 5 positions come first).
        let index = lines.firstIndex { $0.contains("\"type\":\"swap\"") }! + 6
        let price = try #require(lines[index].range(of: #"(?<="sqrt_price_x96_after":")[0-9]+"#, options: .regularExpression))
        let digits = lines[index][price]
        let last = digits.last!.wholeNumberValue!
        lines[index].replaceSubrange(price, with: digits.dropLast() + String(last == 9 ? 8 : last + 1))
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try Tool.run(["bench", "v3-contract", file])
        #expect(run.status != 0)
        #expect(run.stderr.contains("swap 7:"), "\(run.stderr)")
    }
}
