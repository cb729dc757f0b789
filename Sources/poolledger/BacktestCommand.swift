import ArgumentParser
import DurableLedger
import LedgerReport
import PoolLedger
import PoolMath

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Fold a pool's recorded history again with positions added or removed (V3: price-path, exact-input), beside the history as recorded.",
        discussion: """
            The recorded facts of --pool come from the ledger (--db) or a JSON Lines file of facts \
            (--history). --add FILE holds JSON Lines of the usual commands (mint_position, \
            burn_position, collect, ...), each with a placement: "at_block": B (after every recorded \
            fact of block B and earlier) or "after": "ID" (right after the recorded fact with that id; \
            several in file order); a placed command takes that fact's time and block unless it gives \
            its own. --remove OWNER:TICK_LOWER:TICK_UPPER leaves a recorded position out: its mints, \
            burns and collects.

            price-path: each recorded swap keeps the price it ended at. Where the recorded swap still \
            reproduces in the changed pool it folds as recorded; else it is re-run to that price as its \
            limit, paying what input that takes. Other positions' facts fold as recorded where they \
            still hold, else as the commands they stand for. Every fact of both histories is checked \
            as any fact is. Prints both state hashes and, for each position the additions touched, the \
            audit's figures in the changed history.

            exact-input: each recorded swap that no longer reproduces is re-run as the trader's order: \
            exact input of what it paid, or exact output of what it received where only that form \
            reproduces it in the recorded pool; where both do the facts do not say which it was, and \
            the swap runs as exact input and is listed as ambiguous.

            pro-rata: the recorded pool is left as it was (removed positions stay in it: their liquidity \
            only leaves the shares' denominators); each added position earns, per recorded swap step \
            while in its range, the step's fee times its liquidity over the step's active liquidity \
            plus its own, with the contract's fee-growth rounding, and mints and burns at the recorded \
            price.

            --fee-ppm F runs the same order flow at fee tier F (the pool's tick spacing kept), in \
            price-path or exact-input: each swap then re-runs in that mode's way.

            Constant-product (V2) pools: --remove PROVIDER; price-path re-runs a swap as the most \
            exact input that does not carry the reserves' ratio past the recorded one; others' \
            deposits re-run as the pair's mint of the same amounts, withdrawals and transfers as the \
            same fraction of what the provider holds. Pro-rata takes V3 pools only.

            --strategy recenter --width W --capital AMOUNT_TOKEN (V3, price-path or exact-input): a \
            range of W ticks centred on the price, opened once the pool has liquidity in range and \
            moved when the price leaves it (burned, collected, swapped toward the new range's ratio, \
            minted with what that allows), starting with the capital (such as 10WETH). hold (the \
            default) is the --add file as given.

            For each position the additions (or the strategy) are about, and for the same positions \
            in the recorded history: time and blocks held and in range, capital (deposits valued at \
            the price then), fee APR over the time held, and the worst drawdown of net value against \
            HODL (sampled along the history). (Grids and gas are the next steps of this command.)
            """)

    @Option(help: "The pool.") var pool: String
    @Option(help: ArgumentHelp("Recorded facts (JSON Lines) instead of the ledger's.", valueName: "FILE")) var history: String?
    @Option(help: ArgumentHelp("Commands to add, each with \"at_block\" or \"after\" (JSON Lines).", valueName: "FILE")) var add: String?
    @Option(help: ArgumentHelp("A recorded position to leave out (repeatable).", valueName: "OWNER:TICK_LOWER:TICK_UPPER")) var remove: [String] = []
    @Option(help: "all (the three side by side, with their spread), price-path, exact-input or pro-rata.") var mode: String = "all"
    @Option(help: ArgumentHelp("Run the same order flow at this fee tier (ppm; V3 pips): price-path and exact-input.", valueName: "F")) var feePpm: UInt32?
    @Option(help: ArgumentHelp("V3: run at this tick spacing; every range, recorded or added, is snapped out to it (price-path, exact-input).", valueName: "S")) var tickSpacing: Int32?
    @Option(help: ArgumentHelp("Gas price for the added commands, in gwei (such as 25.5).", valueName: "GWEI")) var gasPrice: String?
    @Option(help: ArgumentHelp("Gas prices by block: CSV lines BLOCK,GWEI (each from that block on).", valueName: "FILE")) var gasPrices: String?
    @Option(help: "hold (the --add file as given) or recenter.") var strategy: String = "hold"
    @Option(help: ArgumentHelp("recenter: the range's width in ticks (snapped to the tick spacing).", valueName: "TICKS")) var width: Int32?
    @Option(help: ArgumentHelp("recenter: what it starts with, an amount and a token of the pool (10WETH).", valueName: "AMOUNT_TOKEN")) var capital: String?
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Variants, one per combination: NAME=V1,V2,... for mode, fee-ppm, width (recenter).", valueName: "NAME=VALUES"))
    var grid: [String] = []
    @Option(help: ArgumentHelp("Also write an HTML page: each added position's value against holding in every run, the runs' spread as a band.", valueName: "FILE.html"))
    var report: String?
    @Flag(help: "Print the result as JSON (exact decimal strings).") var json = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard mode == "all" || Backtest.Mode(rawValue: mode) != nil else {
            throw ValidationError("--mode \(mode): all, or one of \(Backtest.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch strategy {
        case "hold":
            guard width == nil, capital == nil else { throw ValidationError("--width and --capital go with --strategy recenter") }
            guard add != nil || !remove.isEmpty || feePpm != nil || tickSpacing != nil || !grid.isEmpty else { throw ValidationError("give --add FILE, --remove SPEC, --fee-ppm F, --grid or --strategy recenter") }
        case "recenter":
            guard grid.contains(where: { $0.hasPrefix("width=") }) || (width ?? 0) > 0 else { throw ValidationError("--strategy recenter needs --width TICKS (above 0), or a --grid of widths") }
            guard capital != nil else { throw ValidationError("--strategy recenter needs --capital AMOUNT_TOKEN, such as 10WETH") }
        default:
            throw ValidationError("--strategy \(strategy): hold or recenter")
        }
        if let feePpm { guard feePpm < 1_000_000 else { throw ValidationError("--fee-ppm must be below 1000000") } }
        if let tickSpacing { guard tickSpacing > 0 && tickSpacing < 16_384 else { throw ValidationError("--tick-spacing must be in 1...16383") } }
        guard gasPrice == nil || gasPrices == nil else { throw ValidationError("give --gas-price or --gas-prices, not both") }
        if let gasPrice { guard GasSchedule.wei(gwei: gasPrice) != nil else { throw ValidationError("--gas-price \(gasPrice): a number of gwei, at most 9 decimal places") } }
    }

    /// The grid's axes, each checked.
    func axes() throws -> [(name: String, values: [String])] {
        try grid.map { spec in
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[1].isEmpty else { throw ValidationError("--grid \(spec): expected NAME=V1,V2,... (mode, fee-ppm, width)") }
            let name = String(parts[0]), values = parts[1].split(separator: ",").map(String.init)
            for value in values {
                switch name {
                case "mode": guard Backtest.Mode(rawValue: value) != nil else { throw ValidationError("--grid mode=\(value): price-path, exact-input or pro-rata") }
                case "fee-ppm": guard let fee = UInt32(value), fee < 1_000_000 else { throw ValidationError("--grid fee-ppm=\(value): a fee below 1000000 ppm") }
                case "width":
                    guard strategy == "recenter" else { throw ValidationError("--grid width=...: the width of --strategy recenter") }
                    guard let width = Int32(value), width > 0 else { throw ValidationError("--grid width=\(value): a number of ticks above 0") }
                default: throw ValidationError("--grid \(name): the grid varies mode, fee-ppm and width")
                }
            }
            return (name, values)
        }
    }

    /// The gas schedule the options give (none without a price).
    func gasSchedule() throws -> GasSchedule? {
        if let gasPrice { return GasSchedule(prices: [(0, GasSchedule.wei(gwei: gasPrice)!)]) }
        guard let gasPrices else { return nil }
        let text = String(decoding: try Terminal.read(gasPrices), as: UTF8.self)
        do throws(BacktestError) { return GasSchedule(prices: try GasSchedule.prices(csv: text)) } catch {
            throw Failure(message: "\(gasPrices): \(error.message)")
        }
    }

    func run() throws {
        if !grid.isEmpty || mode == "all" { return try runGrid() }
        let additions = try add.map(Self.additions) ?? []
        var removals: [Backtest.Removal] = []
        do throws(BacktestError) {
            for spec in remove { removals.append(try Backtest.Removal(spec)) }
        } catch { throw Failure(message: error.message) }
        let chosen: (any Strategy)? = strategy == "recenter" ? Recenter(pool: pool, width: width!, capital: capital!) : nil
        var backtest = Backtest(pool: pool, mode: Backtest.Mode(rawValue: mode)!, additions: additions, removals: removals, feePPM: feePpm, tickSpacing: tickSpacing, strategy: chosen, gas: try gasSchedule())
        var count = 0
        func feed(_ fact: Fact) throws {
            count += 1
            if count % 10_000 == 0 { Terminal.progress("backtest \(pool): \(count) facts") }
            do throws(BacktestError) { try backtest.feed(fact) } catch { throw Failure(message: error.message) }
        }
        if let history {
            var lines = try Terminal.lines(history)
            while let (line, number) = try lines.next() {
                if JSONLines.isBlank(line) { continue }
                let entry: ContractCodec.Entry
                do throws(Rejection) { entry = try ContractCodec.decodeLine(line) } catch { throw LocatedRejection(.line(number), error) }
                guard case .fact(let fact) = entry else {
                    throw Failure(message: "line \(number) of \(history): a command; the history is recorded facts")
                }
                try feed(fact)
            }
        } else {
            try database.open().forEachFact(pool: pool) { _, fact in try feed(fact) }
        }
        Terminal.endProgress()
        do throws(BacktestError) { try backtest.finish() } catch { throw Failure(message: error.message) }
        let outcome = try backtest.outcome()
        if let report { try Terminal.write(BacktestReport.html([(backtest.mode.rawValue, backtest, outcome)]), to: report) }
        Terminal.output(json ? Self.json(outcome, backtest).pretty + "\n" : Self.text(outcome, backtest))
    }

    /// One backtest per combination of the grid, as many at once as the machine has cores; one table.
    func runGrid() throws {
        var axes = try axes()
        var allModes = false
        if mode == "all" && !axes.contains(where: { $0.name == "mode" }) {
            // Pro-rata leaves the recorded pool as it was: no other fee tier, no strategy trading in it.
            let proRata = feePpm == nil && tickSpacing == nil && strategy == "hold" && !axes.contains { $0.name == "fee-ppm" }
            axes.insert(("mode", ["price-path", "exact-input"] + (proRata ? ["pro-rata"] : [])), at: 0)
            allModes = true
        }
        do {
            try runGrid(axes, allModes: allModes)
        } catch let failure as Failure where allModes && failure.message.contains("pro-rata backtests concentrated pools") {
            // A constant-product pool: its providers earn by their shares, and the two modes that re-run swaps are all there is.
            axes[0].values.removeAll { $0 == "pro-rata" }
            try runGrid(axes, allModes: true)
        }
    }

    func runGrid(_ axes: [(name: String, values: [String])], allModes: Bool) throws {
        let additions = try add.map(Self.additions) ?? []
        var removals: [Backtest.Removal] = []
        do throws(BacktestError) {
            for spec in remove { removals.append(try Backtest.Removal(spec)) }
        } catch { throw Failure(message: error.message) }
        let combinations = BacktestGrid.combinations(axes)
        let gas = try gasSchedule()
        let variants = combinations.map { combination in
            func value(_ name: String) -> String? { combination.first { $0.name == name }?.value }
            let chosen: (any Strategy)? = strategy == "recenter" ? Recenter(pool: pool, width: value("width").flatMap { Int32($0) } ?? width!, capital: capital!) : nil
            return Backtest(pool: pool, mode: Backtest.Mode(rawValue: value("mode") ?? mode)!, additions: additions, removals: removals,
                            feePPM: value("fee-ppm").flatMap { UInt32($0) } ?? feePpm, tickSpacing: tickSpacing, strategy: chosen, gas: gas)
        }
        Terminal.progress("backtest \(pool): \(variants.count) variants")
        let results: [Backtest]
        do {
            let history = history, database = database, pool = pool
            results = try BacktestGrid.run(variants) { feed in
                if let history {
                    var lines = try Terminal.lines(history)
                    while let (line, number) = try lines.next() {
                        if JSONLines.isBlank(line) { continue }
                        let entry: ContractCodec.Entry
                        do throws(Rejection) { entry = try ContractCodec.decodeLine(line) } catch { throw LocatedRejection(.line(number), error) }
                        guard case .fact(let fact) = entry else { throw Failure(message: "line \(number) of \(history): a command; the history is recorded facts") }
                        try feed(fact)
                    }
                } else {
                    // Each variant its own connection: readers of one SQLite file run side by side.
                    try database.open().forEachFact(pool: pool) { _, fact in try feed(fact) }
                }
            }
        } catch let error as BacktestError {
            throw Failure(message: error.message)
        }
        Terminal.endProgress()
        let outcomes = try results.map { try $0.outcome() }
        if let report {
            let runs = zip(combinations, zip(results, outcomes)).map { combination, run in
                // One axis: its values name the runs (price-path, ...); several: name and value each.
                (label: combination.count == 1 ? combination[0].value : combination.map { "\($0.name) \($0.value)" }.joined(separator: ", "), backtest: run.0, outcome: run.1)
            }
            try Terminal.write(BacktestReport.html(runs), to: report)
        }
        if json {
            let rows: [JSON] = zip(combinations, zip(results, outcomes)).map { combination, run in
                guard case .object(let members) = Self.json(run.1, run.0) else { return .null }
                return .object([("variant", .object(combination.map { ($0.name, JSON.string($0.value)) }))] + members)
            }
            Terminal.output(JSON.object([("pool", .string(pool)), ("variants", .array(rows))]).pretty + "\n")
            return
        }
        var text = Self.table(combinations, outcomes)
        if allModes { text += Self.spread(combinations, outcomes) }
        Terminal.output(text)
    }

    /// For the modes side by side: each added position's fees and net in every mode, and their spread (most less least).
    static func spread(_ combinations: [[(name: String, value: String)]], _ outcomes: [Backtest.Outcome]) -> String {
        let decimals = (outcomes[0].audit?.valuation ?? outcomes[0].pairAudit?.valuation)?.decimals ?? 0
        func value(_ amount: SignedAmount) -> String { amount.roundedString(decimals: decimals, places: 6) }
        var text = ""
        // Positions by name, each mode's (fees, net).
        var names: [String] = []
        var figures: [String: [(SignedAmount, SignedAmount)]] = [:]
        for outcome in outcomes {
            for row in outcome.added {
                let name = "\(row.position.key.owner) \(row.position.key.tickLower)...\(row.position.key.tickUpper)"
                if figures[name] == nil { names.append(name) }
                figures[name, default: []].append((SignedAmount(row.feeValue), row.netValue))
            }
            for row in outcome.addedProviders {
                if figures[row.provider] == nil { names.append(row.provider) }
                figures[row.provider, default: []].append((row.feeValue, row.netValue))
            }
        }
        let modes = combinations.map { $0.first { $0.name == "mode" }?.value ?? "" }
        for name in names {
            let rows = figures[name]!
            guard rows.count == modes.count else { continue }
            let fees = rows.map(\.0), nets = rows.map(\.1)
            func most(_ values: [SignedAmount]) -> SignedAmount { values.dropFirst().reduce(values[0]) { $1 > $0 ? $1 : $0 } }
            func least(_ values: [SignedAmount]) -> SignedAmount { values.dropFirst().reduce(values[0]) { $1 > $0 ? $0 : $1 } }
            text += "  \(name): fees " + zip(modes, fees).map { "\($0) \(value($1))" }.joined(separator: ", ")
            text += "; spread fees \(value(most(fees) - least(fees))), net \(value(most(nets) - least(nets)))\n"
        }
        return text
    }

    /// One line per variant: its settings, and the added positions' values summed.
    static func table(_ combinations: [[(name: String, value: String)]], _ outcomes: [Backtest.Outcome]) -> String {
        let first = outcomes[0]
        let valuation = first.audit?.valuation ?? first.pairAudit?.valuation
        let decimals = valuation?.decimals ?? 0
        func value(_ amount: SignedAmount) -> String { amount.roundedString(decimals: decimals, places: 6) }
        var text = "backtest grid of \(first.changed.pool): \(outcomes.count) variants (values in \(valuation.map { $0.numeraire ?? "(numéraire)" } ?? "token units"), summed over the added positions)\n"
        let names = combinations[0].map(\.name)
        let header = names + ["value", "hodl", "fees", "net", "state_hash"]
        var rows: [[String]] = [header]
        for (combination, outcome) in zip(combinations, outcomes) {
            var total = (value: SignedAmount.zero, hodl: SignedAmount.zero, fees: SignedAmount.zero, net: SignedAmount.zero)
            for row in outcome.added {
                total.value = total.value + SignedAmount(row.value); total.hodl = total.hodl + SignedAmount(row.hodlValue)
                total.fees = total.fees + SignedAmount(row.feeValue); total.net = total.net + row.netValue
            }
            for row in outcome.addedProviders {
                total.value = total.value + SignedAmount(row.value); total.hodl = total.hodl + SignedAmount(row.hodlValue)
                total.fees = total.fees + row.feeValue; total.net = total.net + row.netValue
            }
            rows.append(combination.map(\.value) + [value(total.value), value(total.hodl), value(total.fees), value(total.net), String(outcome.changedHash.prefix(16))])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            text += "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
        }
        return text
    }

    /// The additions file: each line a command with its placement.
    static func additions(_ path: String) throws -> [Backtest.Addition] {
        var lines = try Terminal.lines(path)
        var additions: [Backtest.Addition] = []
        while let (line, number) = try lines.next() {
            if JSONLines.isBlank(line) { continue }
            do throws(Rejection) {
                let json: JSON
                do throws(JSONSyntaxError) { json = try JSON.parse(line) } catch { throw Rejection(.malformedJSON, error.description) }
                guard case .object(let members) = json else { throw Rejection(.malformedJSON, "a placed command is a JSON object") }
                let atBlock = members.first { $0.key == "at_block" }?.value, after = members.first { $0.key == "after" }?.value
                let place: Backtest.Place
                switch (atBlock, after) {
                case (.number(let text)?, nil):
                    guard let block = UInt64(text) else { throw Rejection(.invalidField, "field \"at_block\" must be a block number, not \(text)") }
                    place = .atBlock(block)
                case (nil, .string(let id)?):
                    place = .after(id)
                case (nil, nil):
                    throw Rejection(.missingField, "field \"at_block\" (a block number) or \"after\" (a recorded fact's id) is required")
                case (.some, .some):
                    throw Rejection(.invalidField, "give \"at_block\" or \"after\", not both")
                default:
                    throw Rejection(.invalidField, "\"at_block\" is a block number, \"after\" a fact id string")
                }
                let rest = JSON.object(members.filter { $0.key != "at_block" && $0.key != "after" })
                guard case .command(let command) = try ContractCodec.decode(rest) else {
                    throw Rejection(.invalidField, "a placed line is a command (\"cmd\"), not a fact")
                }
                additions.append(Backtest.Addition(place: place, command: command, line: number))
            } catch {
                throw LocatedRejection(.line(number), error)
            }
        }
        return additions
    }

    static func text(_ outcome: Backtest.Outcome, _ backtest: Backtest) -> String {
        let pool = outcome.changed
        let valuation = outcome.audit?.valuation ?? outcome.pairAudit?.valuation
        let decimals = valuation?.decimals ?? 0
        func value(_ amount: UInt256) -> String { SignedAmount(amount).roundedString(decimals: decimals, places: 6) }
        func signed(_ amount: SignedAmount) -> String { (amount.isPositive ? "+" : "") + amount.roundedString(decimals: decimals, places: 6) }
        var text = "backtest of \(pool.pool) (\(pool.token0)/\(pool.token1)), \(backtest.mode.rawValue): \(backtest.folded) recorded facts"
        text += backtest.feePPM.map { " at fee tier \($0) ppm (recorded: \(outcome.baseline.feePPM))" } ?? ""
        if let spacing = backtest.tickSpacing, case .concentrated(let recorded) = outcome.baseline.body {
            text += " at tick spacing \(spacing) (recorded: \(recorded.tickSpacing)); ranges snapped out to it: \(backtest.snappedRecorded) recorded facts, \(backtest.snappedAdded) added commands"
        }
        text += "\n"
        text += "  recorded  state_hash \(outcome.baselineHash)\n"
        text += "  changed   state_hash \(outcome.changedHash)\(outcome.changedHash == outcome.baselineHash ? "  (the same)" : "")\n"
        text += "  swaps re-run \(backtest.repriced) (\(backtest.mode == .pricePath ? "to their price" : "as the trader's order")), with nothing to trade \(backtest.skipped); other facts re-decided \(backtest.redecided)\n"
        if backtest.ambiguousCount > 0 {
            text += "  ambiguous: \(backtest.ambiguousCount) re-run swaps reproduce as exact input and as exact output; run as exact input: \(backtest.ambiguous.prefix(5).joined(separator: ", "))\(backtest.ambiguousCount > 5 ? ", ..." : "")\n"
        }
        for (removal, facts) in zip(backtest.removals, backtest.removedFacts) { text += "  left out \(removal): \(facts) facts\n" }
        if let recenter = backtest.strategy as? Recenter {
            let token0 = recenter.idle0.decimalString(decimals: Int(pool.decimals0)), token1 = recenter.idle1.decimalString(decimals: Int(pool.decimals1))
            text += "  recenter width \(recenter.width): \(recenter.moves) moves, \(backtest.addedKeys.count) ranges; idle \(token0) \(pool.token0), \(token1) \(pool.token1)\n"
        }
        let unit = valuation.map { $0.numeraire ?? "(numéraire)" } ?? ""
        func figures(_ figures: PositionFigures?, fees: SignedAmount, net: SignedAmount, rangeKind: Bool) -> String {
            guard let figures else { return "" }
            // By time where the facts carry it, else by blocks.
            var line: String
            if figures.heldSeconds > 0 || figures.heldBlocks == 0 {
                line = "    held \(duration(figures.heldSeconds))"
                if rangeKind { line += ", in range \(share(figures.inRangeSeconds, of: figures.heldSeconds))" }
            } else {
                line = "    held \(figures.heldBlocks) blocks"
                if rangeKind { line += ", in range \(share(figures.inRangeBlocks, of: figures.heldBlocks))" }
            }
            line += ", capital \(value(figures.capital)), fee APR \(figures.feeAPR(fees: fees).map { $0.roundedString(decimals: 6, places: 2) + " %" } ?? "n/a (no capital or no time held)")"
            line += ", worst drawdown against HODL \(value(figures.maxDrawdown)) (\(figures.samples) samples)\n"
            if backtest.gas != nil {
                line += "    gas \(figures.gasUnits) units, \(figures.gasWei.decimalString(decimals: 18)) ETH"
                if let gas = Self.gasValue(figures.gasWei, pool: pool, valuation: valuation) {
                    line += " (\(value(gas)) \(unit)), net after gas \(signed(net - SignedAmount(gas)))\n"
                } else {
                    line += "; net after gas: no ETH in the pool to price it\n"
                }
            }
            return line
        }
        for provider in outcome.addedProviders {
            text += "\n  added \(provider.provider)  shares \(provider.shares)  (values in \(unit))\n"
            text += "    value \(value(provider.value))  hodl \(value(provider.hodlValue))  il \(signed(provider.ilValue))  fees \(signed(provider.feeValue))  net \(signed(provider.netValue))  \(provider.profitable ? "profitable" : "not profitable")\n"
            text += figures(backtest.changedFigures[.provider(provider.provider)], fees: provider.feeValue, net: provider.netValue, rangeKind: false)
            if let recorded = outcome.baselineProviders.first(where: { $0.provider == provider.provider }) {
                text += "    recorded: value \(value(recorded.value))  hodl \(value(recorded.hodlValue))  fees \(signed(recorded.feeValue))  net \(signed(recorded.netValue))\n"
                text += "  " + figures(backtest.baselineFigures[.provider(provider.provider)], fees: recorded.feeValue, net: recorded.netValue, rangeKind: false)
            }
        }
        for position in outcome.added {
            let key = position.position.key
            text += "\n  added \(key.owner) ticks \(key.tickLower)...\(key.tickUpper)  liquidity \(position.liquidity)  \(position.inRange ? "in range" : "out of range")  (values in \(unit))\n"
            text += "    value \(value(position.value))  hodl \(value(position.hodlValue))  il \(signed(position.ilValue))  fees \(signed(SignedAmount(position.feeValue)))  net \(signed(position.netValue))  \(position.profitable ? "profitable" : "not profitable")\n"
            text += figures(backtest.changedFigures[.range(key)], fees: SignedAmount(position.feeValue), net: position.netValue, rangeKind: true)
            if let recorded = outcome.baselineAdded.first(where: { $0.position.key == key }) {
                text += "    recorded: value \(value(recorded.value))  hodl \(value(recorded.hodlValue))  fees \(signed(SignedAmount(recorded.feeValue)))  net \(signed(recorded.netValue))\n"
                text += "  " + figures(backtest.baselineFigures[.range(key)], fees: SignedAmount(recorded.feeValue), net: recorded.netValue, rangeKind: true)
            }
        }
        return text
    }

    /// Gas in wei valued as the pool's WETH (or ETH) token, if it has one (its base units then are wei).
    static func gasValue(_ wei: UInt256, pool: PoolState, valuation: Valuation?) -> UInt256? {
        guard let valuation else { return nil }
        let eth: Set<String> = ["WETH", "ETH"]
        do throws(AuditError) {
            if eth.contains(pool.token0.uppercased()) && pool.decimals0 == 18 { return try valuation.value(wei, .zero) }
            if eth.contains(pool.token1.uppercased()) && pool.decimals1 == 18 { return try valuation.value(.zero, wei) }
        } catch {
            return nil
        }
        return nil
    }

    static func spacing(_ pool: PoolState) -> Int32? {
        guard case .concentrated(let v3) = pool.body else { return nil }
        return v3.tickSpacing
    }

    /// Seconds as days and hours.
    static func duration(_ seconds: UInt64) -> String {
        "\(seconds / 86_400) d \(seconds % 86_400 / 3_600) h"
    }

    /// `part` of `whole` as a percent with two places.
    static func share(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "n/a" }
        let hundredths = UInt64((UInt128(part) * 10_000 / UInt128(whole)))
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) %"
    }

    /// A position's figures as JSON: seconds, and values in the audit's value units.
    static func figuresJSON(_ figures: PositionFigures?, fees: SignedAmount, decimals: Int) -> JSON {
        let figures = figures ?? PositionFigures()
        return .object([
            ("held_seconds", .number(String(figures.heldSeconds))),
            ("in_range_seconds", .number(String(figures.inRangeSeconds))),
            ("held_blocks", .number(String(figures.heldBlocks))),
            ("in_range_blocks", .number(String(figures.inRangeBlocks))),
            ("capital", .string(figures.capital.decimalString(decimals: decimals))),
            // Percent, six places.
            ("fee_apr_pct", figures.feeAPR(fees: fees).map { .string($0.decimalString(decimals: 6)) } ?? .null),
            ("max_drawdown", .string(figures.maxDrawdown.decimalString(decimals: decimals))),
            ("drawdown_samples", .number(String(figures.samples))),
            ("gas_units", .number(String(figures.gasUnits))),
            ("gas_wei", .string(figures.gasWei.description)),
        ])
    }

    static func json(_ outcome: Backtest.Outcome, _ backtest: Backtest) -> JSON {
        let pool = outcome.changed
        // The added positions (or providers) as `audit --json` writes them, each with its figures.
        let decimals = (outcome.audit?.valuation ?? outcome.pairAudit?.valuation)?.decimals ?? 0
        func rows(recorded: Bool) -> JSON {
            var rows: [JSON] = []
            let figures = recorded ? backtest.baselineFigures : backtest.changedFigures
            if var audit = recorded ? outcome.baselineAudit : outcome.audit {
                let positions = recorded ? outcome.baselineAdded : outcome.added
                audit.positions = positions
                audit.nfts = []
                if case .object(let members) = AuditJSON.encode(audit, history: false), case .array(let encoded)? = members.first(where: { $0.key == "positions" })?.value {
                    for (row, position) in zip(encoded, positions) {
                        guard case .object(let fields) = row else { continue }
                        rows.append(.object(fields + [("figures", figuresJSON(figures[.range(position.position.key)], fees: SignedAmount(position.feeValue), decimals: decimals))]))
                    }
                }
            } else if var audit = recorded ? outcome.baselinePairAudit : outcome.pairAudit {
                let providers = recorded ? outcome.baselineProviders : outcome.addedProviders
                audit.providers = providers
                if case .object(let members) = AuditJSON.encode(audit, history: false), case .array(let encoded)? = members.first(where: { $0.key == "providers" })?.value {
                    for (row, provider) in zip(encoded, providers) {
                        guard case .object(let fields) = row else { continue }
                        rows.append(.object(fields + [("figures", figuresJSON(figures[.provider(provider.provider)], fees: provider.feeValue, decimals: decimals))]))
                    }
                }
            }
            return .array(rows)
        }
        let spacings: [(key: String, value: JSON)] = [
            ("tick_spacing", Self.spacing(outcome.changed).map { .number(String($0)) } ?? .null),
            ("recorded_tick_spacing", Self.spacing(outcome.baseline).map { .number(String($0)) } ?? .null),
            ("snapped_recorded_facts", .number(String(backtest.snappedRecorded))),
            ("snapped_added_commands", .number(String(backtest.snappedAdded))),
        ]
        let head: [(key: String, value: JSON)] = [
            ("pool", .string(outcome.changed.pool)),
            ("mode", .string(backtest.mode.rawValue)),
            ("fee_ppm", .number(String(pool.feePPM))),
            ("recorded_fee_ppm", .number(String(outcome.baseline.feePPM))),
        ]
        let rest: [(key: String, value: JSON)] = [
            ("recorded_facts", .number(String(backtest.folded))),
            ("state_hash", .string(outcome.changedHash)),
            ("recorded_state_hash", .string(outcome.baselineHash)),
            ("repriced_swaps", .number(String(backtest.repriced))),
            ("swaps_with_nothing_to_trade", .number(String(backtest.skipped))),
            ("redecided_facts", .number(String(backtest.redecided))),
            ("ambiguous_swap_count", .number(String(backtest.ambiguousCount))),
            // The first `Backtest.ambiguousListed` of them.
            ("ambiguous_swaps", .array(backtest.ambiguous.map(JSON.string))),
            ("removed", .array(zip(backtest.removals, backtest.removedFacts).map { .object([("spec", .string($0.0.description)), ("facts", .number(String($0.1)))]) })),
            ("added", rows(recorded: false)),
            // The same positions in the recorded history (those it has), with their figures.
            ("baseline", rows(recorded: true)),
        ]
        return .object(head + spacings + rest)
    }
}
