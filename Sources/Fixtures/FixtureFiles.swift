import Foundation
import PoolLedger

/// Fixtures on disk: `Events/NAME.jsonl` (the history; facts, or commands and
/// facts), `Events/NAME.commands.jsonl` (a generated history's intents) and
/// `Snapshots/NAME.json` (its expected states), under one directory.
public struct FixtureFiles {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var eventsDirectory: URL { directory.appendingPathComponent("Events") }
    public var snapshotsDirectory: URL { directory.appendingPathComponent("Snapshots") }

    public func eventsURL(_ name: String) -> URL { eventsDirectory.appendingPathComponent("\(name).jsonl") }
    public func commandsURL(_ name: String) -> URL { eventsDirectory.appendingPathComponent("\(name).commands.jsonl") }
    public func snapshotURL(_ name: String) -> URL { snapshotsDirectory.appendingPathComponent("\(name).json") }

    /// Names of every fixture: every snapshot, and every history without one.
    public func names() throws -> (withSnapshot: [String], withoutSnapshot: [String]) {
        func stems(_ url: URL, suffix: String) -> [String] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return files.filter { $0.hasSuffix(suffix) && !$0.hasSuffix(".commands.jsonl") }.map { String($0.dropLast(suffix.count)) }
        }
        let snapshots = Set(stems(snapshotsDirectory, suffix: ".json"))
        let histories = Set(stems(eventsDirectory, suffix: ".jsonl"))
        return (snapshots.sorted(by: utf8Less), histories.subtracting(snapshots).sorted(by: utf8Less))
    }

    func read(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureError(message: "cannot read \(url.path)")
        }
        return Array(data)
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8)) else {
            throw FixtureError(message: "cannot write \(url.path)")
        }
    }

    func readText(relativePath: String) throws -> String {
        String(decoding: try read(directory.appendingPathComponent(relativePath)), as: UTF8.self)
    }

    // MARK: generate

    /// Writes a generated fixture: its commands, its facts (unless `snapshotOnly`) and its snapshot.
    @discardableResult
    public func generate(name: String, settings: GeneratorSettings, checkpointEvery: Int? = nil, snapshotOnly: Bool = false) throws -> JSON {
        let history = Generator.generate(settings)
        let facts = history.facts.map { ContractCodec.line($0) + "\n" }.joined()
        if !snapshotOnly {
            try write(history.commands.map { ContractCodec.line($0) + "\n" }.joined(), to: commandsURL(name))
            try write(facts, to: eventsURL(name))
        }
        let snapshot = try FixtureSnapshot.build(
            name: name, history: Array(facts.utf8),
            checkpointEvery: checkpointEvery ?? FixtureSnapshot.defaultCheckpointEvery(facts: history.facts.count),
            generator: FixtureSnapshot.generatorJSON(settings))
        try write(snapshot.pretty + "\n", to: snapshotURL(name))
        return snapshot
    }

    // MARK: check

    public struct CheckResult: Sendable {
        public var name: String
        /// Empty when the fixture holds.
        public var problems: [String]
        public var facts: String
        public var regenerated: Bool
    }

    /// Rebuilds every fixture's snapshot from its history (or, for a generated
    /// fixture whose history is not committed, from its generator) and compares.
    public func check() throws -> [CheckResult] {
        let (names, orphans) = try names()
        var results: [CheckResult] = []
        for name in names {
            results.append(try check(name))
        }
        for name in orphans {
            results.append(CheckResult(name: name, problems: ["Events/\(name).jsonl has no Snapshots/\(name).json (run `poolledger fixtures regenerate`)"], facts: "?", regenerated: false))
        }
        return results
    }

    public func check(_ name: String) throws -> CheckResult {
        let expected: JSON
        do { expected = try JSON.parse(String(decoding: try read(snapshotURL(name)), as: UTF8.self)) } catch let error as JSONSyntaxError {
            return CheckResult(name: name, problems: ["Snapshots/\(name).json is not valid JSON: \(error)"], facts: "?", regenerated: false)
        }
        let generator = FixtureSnapshot.member(expected, "generator") ?? .null
        guard case .number(let everyText)? = FixtureSnapshot.member(expected, "checkpoint_every"), let every = Int(everyText), every > 0 else {
            return CheckResult(name: name, problems: ["Snapshots/\(name).json has no valid checkpoint_every"], facts: "?", regenerated: false)
        }
        let history: [UInt8]
        var regenerated = false
        if FileManager.default.fileExists(atPath: eventsURL(name).path) {
            history = try read(eventsURL(name))
        } else if generator != .null {
            let settings = try FixtureSnapshot.settings(from: generator, readFile: readText)
            history = Array(Generator.generate(settings).facts.map { ContractCodec.line($0) + "\n" }.joined().utf8)
            regenerated = true
        } else {
            return CheckResult(name: name, problems: ["no Events/\(name).jsonl and no generator to rebuild it"], facts: "?", regenerated: false)
        }
        let actual: JSON
        do {
            actual = try FixtureSnapshot.build(name: name, history: history, checkpointEvery: every, generator: generator)
        } catch {
            // A checkpoint before the rejected line that already differs is the first thing wrong.
            let reached = FixtureSnapshot.checkpoints(history: history, checkpointEvery: every).checkpoints
            let earlier = FixtureSnapshot.firstBadCheckpoint(expected: expected, actual: reached, historyComplete: false)
            return CheckResult(name: name, problems: earlier + ["Events/\(name).jsonl \(error)"], facts: "?", regenerated: regenerated)
        }
        let facts = FixtureSnapshot.member(actual, "facts").map(FixtureSnapshot.text) ?? "?"
        return CheckResult(name: name, problems: FixtureSnapshot.compare(expected: expected, actual: actual), facts: facts, regenerated: regenerated)
    }

    // MARK: regenerate

    /// Rewrites snapshots (and generated histories) for intended changes; returns the names written.
    public func regenerate(only: Set<String>? = nil) throws -> [String] {
        let (names, orphans) = try names()
        var written: [String] = []
        for name in names + orphans where only?.contains(name) ?? true {
            let existing = try? JSON.parse(String(decoding: try read(snapshotURL(name)), as: UTF8.self))
            let generator = existing.flatMap { FixtureSnapshot.member($0, "generator") } ?? .null
            let every = existing.flatMap { FixtureSnapshot.member($0, "checkpoint_every") }.flatMap { Int(FixtureSnapshot.text($0)) }
            if generator != .null {
                let settings = try FixtureSnapshot.settings(from: generator, readFile: readText)
                let committed = FileManager.default.fileExists(atPath: eventsURL(name).path)
                try generate(name: name, settings: settings, checkpointEvery: every, snapshotOnly: !committed)
            } else {
                let history = try read(eventsURL(name))
                let lines = history.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                let snapshot = try FixtureSnapshot.build(
                    name: name, history: history, checkpointEvery: every ?? FixtureSnapshot.defaultCheckpointEvery(facts: lines))
                try write(snapshot.pretty + "\n", to: snapshotURL(name))
            }
            written.append(name)
        }
        return written
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
