import Testing

@Suite struct ILCommandTests {
    @Test func tablePrintsThePublishedLosses() throws {
        let run = try Tool.run(["il", "--table"])
        #expect(run.status == 0)
        for figure in ["-0.62 %", "-2.02 %", "-5.72 %", "-13.40 %", "-20.00 %", "-25.46 %", "-42.50 %", "-80.20 %"] {
            #expect(run.stdout.contains(figure), "\(figure) missing from\n\(run.stdout)")
        }
        let breakEven = try Tool.run(["il", "--ratio", "2", "--fee-apr", "10", "--days", "365"])
        #expect(breakEven.stdout.contains("impermanent loss -5.72 %"))
        #expect(breakEven.stdout.contains("break-even APR: 5.72 %"))
        #expect(try Tool.run(["il"]).status == 2)
        #expect(try Tool.run(["il", "--ratio", "-1"]).status == 2)
        // A concentrated range amplifies the loss: -5.72 % over the full range, -19.53 % over 0.5x-2x.
        let ranged = try Tool.run(["il", "--ratio", "2", "--range", "0.5:2"])
        #expect(ranged.stdout.contains("impermanent loss -19.53 % (full range: -5.72 %)"), "\(ranged.stdout)")
        #expect(try Tool.run(["il", "--ratio", "2", "--range", "2:3"]).status == 2)
    }
}
