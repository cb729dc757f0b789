import Foundation
import Testing

@Suite struct FixturesCommandTests {
    @Test func fixturesCheckPassesOnTheRepositoryAndFailsOnAChangedField() throws {
        let ok = try Tool.run(["fixtures", "check"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("ok  v2-core-fee-to-on (4 facts)"))

        let directory = try Tool.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Events"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Snapshots"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Tool.packageRoot.appendingPathComponent("Events/v2-core-burn.jsonl"), to: directory.appendingPathComponent("Events/v2-core-burn.jsonl"))
        let snapshot = try String(contentsOf: Tool.packageRoot.appendingPathComponent("Snapshots/v2-core-burn.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"total_shares\": \"1000\"", with: "\"total_shares\": \"1001\"")
        try snapshot.write(to: directory.appendingPathComponent("Snapshots/v2-core-burn.json"), atomically: true, encoding: .utf8)

        let failed = try Tool.run(["fixtures", "check", directory.path])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("FAIL  v2-core-burn"), "\(failed.stderr)")
        #expect(failed.stderr.contains("first bad checkpoint at seq 3:"), "\(failed.stderr)")
        #expect(failed.stderr.contains("pools.pair.total_shares: expected \"1001\", got \"1000\""), "\(failed.stderr)")
    }
}
