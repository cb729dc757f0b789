import ArgumentParser
import Fixtures
import Foundation
import PoolLedger

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a deterministic history and its expected snapshot (a regression fixture).",
        discussion: """
            Writes, under the current directory, Events/NAME.commands.jsonl (the intents), \
            Events/NAME.jsonl (the facts) and Snapshots/NAME.json (every pool's final state \
            with its state_hash, and checkpoints). The same seed and arguments give the same \
            bytes on any machine: the generator uses integers only, from a documented \
            SplitMix64 stream.

            The scenario: a price path (geometric Brownian motion from the seed, or the \
            prices of a block,reserve0,reserve1 CSV); an arbitrageur who trades each pool to \
            the path's price with the optimal trade, fee included; noise traders; providers \
            who join, add, withdraw in part or in full and transfer shares; pools at fee \
            tiers 100/500/3000/10000 ppm; the protocol fee switched on and off.

            Example:
              poolledger generate --seed 1 --events 10000 --out gbm-seed1
            """)

    @Option(help: "Seed of the generator.") var seed: UInt64
    @Option(help: "Number of facts to generate.") var events: Int
    @Option(help: "Number of pools (fee tiers 100/500/3000/10000 in turn).") var pools: Int = 4
    @Option(help: ArgumentHelp("'gbm', or a CSV of block,reserve0,reserve1 whose reserve1/reserve0 gives the price.", valueName: "gbm|FILE"))
    var pricePath: String = "gbm"
    @Option(help: "Symbol of token0 (default WETH for gbm, USDC for a CSV path).") var token0: String?
    @Option(help: "Symbol of token1 (default USDC for gbm, WETH for a CSV path).") var token1: String?
    @Option(help: "Decimals of token0 (default 18 for gbm, 6 for a CSV path).") var decimals0: UInt8?
    @Option(help: "Decimals of token1 (default 6 for gbm, 18 for a CSV path).") var decimals1: UInt8?
    @Option(help: "A checkpoint every K facts (default 1000; 1 below 100 facts).") var checkpointEvery: Int?
    @Option(help: "Fixture name: the files are Events/NAME.jsonl, Events/NAME.commands.jsonl, Snapshots/NAME.json.")
    var out: String

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be positive") }
        guard pools > 0 else { throw ValidationError("--pools must be positive") }
        if let checkpointEvery { guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be positive") } }
        guard !out.isEmpty, !out.contains("/") else { throw ValidationError("--out is a name, not a path") }
    }

    func run() throws {
        var settings = GeneratorSettings(seed: seed, events: events, pools: pools)
        if pricePath != "gbm" {
            guard let data = FileManager.default.contents(atPath: pricePath) else { throw Failure(message: "cannot read \(pricePath)") }
            settings.pricePath = try PricePath.recorded(csv: String(decoding: data, as: UTF8.self), label: pricePath)
            settings.pricePathName = pricePath
            (settings.token0, settings.token1, settings.decimals0, settings.decimals1) = ("USDC", "WETH", 6, 18)
        }
        if let token0 { settings.token0 = token0 }
        if let token1 { settings.token1 = token1 }
        if let decimals0 { settings.decimals0 = decimals0 }
        if let decimals1 { settings.decimals1 = decimals1 }
        let files = FixtureFiles(directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try files.generate(name: out, settings: settings, checkpointEvery: checkpointEvery)
        Terminal.output("wrote Events/\(out).commands.jsonl, Events/\(out).jsonl, Snapshots/\(out).json (\(events) facts)\n")
    }
}

struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Check regression fixtures against their expected snapshots, or regenerate them.",
        subcommands: [Check.self, Regenerate.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay every Events/*.jsonl of DIR and compare with Snapshots/*.json at every checkpoint.",
            discussion: """
                A mismatch prints the fixture, the first bad checkpoint's seq and each differing \
                field with both values, and exits 1. A generated fixture whose history is not \
                committed is regenerated from the generator recorded in its snapshot.
                """)

        @Argument(help: "Directory holding Events/ and Snapshots/ (default: the current directory).")
        var directory: String = "."

        func run() throws {
            let files = FixtureFiles(directory: URL(fileURLWithPath: directory))
            let results = try files.check()
            guard !results.isEmpty else { throw Failure(message: "no fixtures under \(directory)/Snapshots") }
            var failed = 0
            for result in results {
                if result.problems.isEmpty {
                    Terminal.output("ok  \(result.name) (\(result.facts) facts\(result.regenerated ? ", history regenerated" : ""))\n")
                } else {
                    failed += 1
                    Terminal.error("FAIL  \(result.name):\n" + result.problems.map { "  " + $0 }.joined(separator: "\n"))
                }
            }
            if failed > 0 { throw Failure(message: "\(failed) of \(results.count) fixtures differ") }
        }
    }

    struct Regenerate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite the snapshots (and generated histories) of DIR, for intended changes.")

        @Argument(help: "Directory holding Events/ and Snapshots/ (default: the current directory).")
        var directory: String = "."

        @Option(help: "Only these fixtures (repeatable).") var only: [String] = []

        func run() throws {
            let files = FixtureFiles(directory: URL(fileURLWithPath: directory))
            let written = try files.regenerate(only: only.isEmpty ? nil : Set(only))
            for name in written { Terminal.output("wrote Snapshots/\(name).json\n") }
        }
    }
}
