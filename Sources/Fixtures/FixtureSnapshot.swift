import PoolLedger
import PoolMath

/// `Snapshots/NAME.json`: the expected states of the history `Events/NAME.jsonl`.
///
///     {
///       "fixture": NAME,
///       "generator": null | {"seed", "events", "pools", "price_path", "token0", ...},
///       "checkpoint_every": K,
///       "facts": N,
///       "checkpoints": [{"seq": K, "pools": {id: {reserve0, reserve1, total_shares, k_last, state_hash}}}, ...],
///       "final": {id: <the contract's state object>}
///     }
///
/// Checkpoints stand at every K-th fact and at the last one. The whole file
/// is rebuilt from the history and compared field by field, so a mismatch
/// names the first checkpoint that differs and every differing field.
public enum FixtureSnapshot {
    public static func defaultCheckpointEvery(facts: Int) -> Int { facts < 100 ? 1 : 1000 }

    /// Folds a JSON Lines history (facts and/or commands) and builds its snapshot.
    public static func build(
        name: String, history: [UInt8], checkpointEvery: Int, generator: JSON = .null
    ) throws(LocatedRejection) -> JSON {
        let folded = checkpoints(history: history, checkpointEvery: checkpointEvery)
        if let error = folded.error { throw error }
        return .object([
            ("fixture", .string(name)),
            ("generator", generator),
            ("checkpoint_every", .number(String(checkpointEvery))),
            ("facts", .number(String(folded.ledger.seq))),
            ("checkpoints", .array(folded.checkpoints)),
            ("final", StateJSON.encode(folded.ledger)),
        ])
    }

    /// The checkpoints of a history as far as it folds, the ledger there, and
    /// the rejection that stopped it, if one did (then the last checkpoint is
    /// the last one reached, not one at the end).
    public static func checkpoints(history: [UInt8], checkpointEvery: Int) -> (checkpoints: [JSON], ledger: Ledger, error: LocatedRejection?) {
        precondition(checkpointEvery > 0)
        var fold = LineFold()
        var checkpoints: [JSON] = []
        var reader = JSONLines.Reader(history)
        do {
            while let (line, number) = try reader.next() {
                let before = fold.ledger.seq
                try fold.fold(line: line, lineNumber: number)
                let seq = fold.ledger.seq
                if seq != before && seq % UInt64(checkpointEvery) == 0 {
                    checkpoints.append(checkpoint(fold.ledger))
                }
            }
        } catch {
            return (checkpoints, fold.ledger, error)
        }
        let ledger = fold.ledger
        if ledger.seq % UInt64(checkpointEvery) != 0 { checkpoints.append(checkpoint(ledger)) }
        return (checkpoints, ledger, nil)
    }

    /// The canonical state's fields a checkpoint shows beside its state hash, in the canonical order.
    static let checkpointFields: Set<String> = ["reserve0", "reserve1", "total_shares", "k_last", "sqrt_price_x96", "tick", "liquidity"]

    static func checkpoint(_ ledger: Ledger) -> JSON {
        .object([
            ("seq", .number(String(ledger.seq))),
            ("pools", .object(ledger.poolIDs.map { id in
                let pool = ledger[id]!
                // Read off the canonical state: the reserves and share totals of every model, and a
                // concentrated pool's price, tick and active liquidity, readable at each checkpoint.
                let canonical = StateHash.canonicalJSON(pool)
                guard case .object(let members) = canonical else { preconditionFailure("the canonical state is an object") }
                let shown = members.filter { Self.checkpointFields.contains($0.key) }
                return (id, .object(shown + [("state_hash", .string(StateHash.hash(canonical: canonical)))]))
            })),
        ])
    }

    /// How the expected and the rebuilt snapshot differ: the first differing
    /// checkpoint (its seq and fields), then the final states and counts.
    public static func compare(expected: JSON, actual: JSON) -> [String] {
        let actualCheckpoints = member(actual, "checkpoints").flatMap(elements) ?? []
        var report = firstBadCheckpoint(expected: expected, actual: actualCheckpoints, historyComplete: true)
        for key in ["facts", "final"] {
            let found = differences(member(expected, key) ?? .null, member(actual, key) ?? .null, path: key)
            if !found.isEmpty {
                report.append("\(key):")
                report += found.map { "  " + $0 }
            }
        }
        return report
    }

    /// The first expected checkpoint that the rebuilt ones differ from, with
    /// its fields. For a history that stopped at a rejection
    /// (`historyComplete` false) only the checkpoints it reached are compared:
    /// an earlier difference is the first thing wrong, before the rejection.
    public static func firstBadCheckpoint(expected: JSON, actual actualCheckpoints: [JSON], historyComplete: Bool) -> [String] {
        var report: [String] = []
        let expectedCheckpoints = member(expected, "checkpoints").flatMap(elements) ?? []
        for (index, checkpoint) in expectedCheckpoints.enumerated() {
            let seq = member(checkpoint, "seq").map(text) ?? "?"
            guard index < actualCheckpoints.count else {
                if historyComplete {
                    report.append("checkpoint at seq \(seq): the history ends before it (\(actualCheckpoints.count) checkpoints)")
                }
                break
            }
            let found = differences(checkpoint, actualCheckpoints[index], path: "")
            if !found.isEmpty {
                report.append("first bad checkpoint at seq \(seq):")
                report += found.map { "  " + $0 }
                break
            }
        }
        if historyComplete && report.isEmpty && actualCheckpoints.count > expectedCheckpoints.count {
            report.append("the history has \(actualCheckpoints.count) checkpoints, the snapshot \(expectedCheckpoints.count)")
        }
        return report
    }

    /// Leaf-by-leaf differences, each `path: expected X, got Y`.
    public static func differences(_ expected: JSON, _ actual: JSON, path: String) -> [String] {
        switch (expected, actual) {
        case (.object(let a), .object(let b)):
            var found: [String] = []
            for (key, value) in a {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let other = b.first(where: { $0.key == key })?.value {
                    found += differences(value, other, path: child)
                } else {
                    found.append("\(child): expected \(value.compact), missing")
                }
            }
            for (key, value) in b where !a.contains(where: { $0.key == key }) {
                found.append("\(path.isEmpty ? key : "\(path).\(key)"): not expected, got \(value.compact)")
            }
            return found
        case (.array(let a), .array(let b)):
            var found: [String] = []
            for index in 0..<max(a.count, b.count) {
                let child = "\(path)[\(index)]"
                if index >= a.count { found.append("\(child): not expected, got \(b[index].compact)") }
                else if index >= b.count { found.append("\(child): expected \(a[index].compact), missing") }
                else { found += differences(a[index], b[index], path: child) }
            }
            return found
        default:
            return expected == actual ? [] : ["\(path): expected \(expected.compact), got \(actual.compact)"]
        }
    }

    static func member(_ json: JSON, _ key: String) -> JSON? {
        guard case .object(let members) = json else { return nil }
        return members.first { $0.key == key }?.value
    }

    static func elements(_ json: JSON) -> [JSON]? {
        guard case .array(let elements) = json else { return nil }
        return elements
    }

    static func text(_ json: JSON) -> String {
        switch json {
        case .number(let text), .string(let text): return text
        default: return json.compact
        }
    }

    // MARK: generator records

    public static func generatorJSON(_ settings: GeneratorSettings) -> JSON {
        let path: JSON
        switch settings.pricePath {
        case .gbm(let start, let sigma):
            path = .object([("kind", .string("gbm")), ("start_x128", .string(start.description)), ("sigma_ppb", .number(String(sigma)))])
        case .recorded:
            path = .object([("kind", .string("recorded")), ("file", .string(settings.pricePathName))])
        }
        return .object([
            ("seed", .number(String(settings.seed))),
            ("events", .number(String(settings.events))),
            ("pools", .number(String(settings.pools))),
            ("price_path", path),
            ("token0", .string(settings.token0)),
            ("token1", .string(settings.token1)),
            ("decimals0", .number(String(settings.decimals0))),
            ("decimals1", .number(String(settings.decimals1))),
        ])
    }

    /// The settings recorded in a snapshot; `readFile` reads a recorded price path.
    public static func settings(from generator: JSON, readFile: (String) throws -> String) throws -> GeneratorSettings {
        func number(_ key: String) throws -> UInt64 {
            guard case .number(let text)? = member(generator, key), let value = UInt64(text) else {
                throw PricePathError(message: "generator field \"\(key)\" must be an integer")
            }
            return value
        }
        func string(_ json: JSON, _ key: String) throws -> String {
            guard case .string(let text)? = member(json, key) else { throw PricePathError(message: "generator field \"\(key)\" must be a string") }
            return text
        }
        guard let pathJSON = member(generator, "price_path") else { throw PricePathError(message: "generator has no price_path") }
        let path: PricePath
        let pathName: String
        switch try string(pathJSON, "kind") {
        case "gbm":
            guard let start = UInt256(decimal: try string(pathJSON, "start_x128")),
                  case .number(let sigmaText)? = member(pathJSON, "sigma_ppb"), let sigma = UInt64(sigmaText) else {
                throw PricePathError(message: "gbm price_path needs start_x128 and sigma_ppb")
            }
            path = .gbm(startX128: start, sigmaPPB: sigma)
            pathName = "gbm"
        default:
            pathName = try string(pathJSON, "file")
            path = try PricePath.recorded(csv: try readFile(pathName), label: pathName)
        }
        return GeneratorSettings(
            seed: try number("seed"), events: Int(try number("events")), pools: Int(try number("pools")),
            pricePath: path, pricePathName: pathName,
            token0: try string(generator, "token0"), token1: try string(generator, "token1"),
            decimals0: UInt8(clamping: try number("decimals0")), decimals1: UInt8(clamping: try number("decimals1")))
    }
}
