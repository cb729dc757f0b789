import ArgumentParser
import PoolLedger

struct Fold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold a JSON Lines file of facts and/or commands in memory and print every pool's state.",
        discussion: """
            Each line is a fact (it has "type") or a command (it has "cmd"). Commands are \
            decided against the state at that point into facts; every fact, recorded or \
            decided, is re-checked by the constant-product rules and the invariants.

            Prints one JSON object mapping each pool id to its state in the contract's \
            state format, with its state_hash. On the first bad line: exits 1 and prints \
            `line N: RULE: detail` on stderr.

            Example:
              poolledger fold Events/quickstart.jsonl
              poolledger fold history.jsonl --events facts.jsonl
            """
    )

    @Argument(help: "JSON Lines file of facts and/or commands ('-' for standard input).")
    var file: String

    @Option(name: .customLong("events"), help: ArgumentHelp("Also write every fact (for commands: the decided facts) as JSON Lines to OUT.", valueName: "OUT"))
    var eventsOut: String?

    @Flag(help: "Print the states as compact JSON on one line.")
    var compact = false

    func run() throws {
        let bytes = try Terminal.read(file)
        var fold = LineFold(keepFacts: eventsOut != nil)
        do {
            try fold.fold(utf8: bytes, progressEvery: 100_000) { Terminal.progress("folded \($0) lines") }
        } catch {
            Terminal.endProgress()
            throw Failure(message: error.description)
        }
        Terminal.endProgress()
        if let eventsOut {
            var text = ""
            for fact in fold.facts {
                text += ContractCodec.line(fact)
                text += "\n"
            }
            try Terminal.write(text, to: eventsOut)
        }
        let states = StateJSON.encode(fold.ledger)
        Terminal.output((compact ? states.compact : states.pretty) + "\n")
    }
}
