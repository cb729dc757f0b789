import ArgumentParser
import DurableLedger
import Foundation
import PoolLedger
import PoolMath

/// `--db PATH`: the ledger database (default `./ledger.sqlite`, or `POOLLEDGER_DB`).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The ledger database (default: $POOLLEDGER_DB, else ./ledger.sqlite).", valueName: "PATH"))
    var path: String?

    var resolvedPath: String {
        path ?? ProcessInfo.processInfo.environment["POOLLEDGER_DB"] ?? "./ledger.sqlite"
    }

    func open() throws -> DurableLedger {
        try DurableLedger(path: resolvedPath)
    }
}

/// A pool's tokens and fees: `create-pool`, and `import-logs` (which creates the pool its logs fill).
struct PoolOptions: ParsableArguments {
    @Option(help: "Symbol of token0.") var token0: String
    @Option(help: "Symbol of token1.") var token1: String
    @Option(help: "Decimals of token0.") var decimals0: UInt8 = 18
    @Option(help: "Decimals of token1.") var decimals1: UInt8 = 18
    @Option(help: "Swap fee in parts per million (3000 = 0.30 %).") var feePpm: UInt32 = 3000
    @Option(help: ArgumentHelp("Protocol fee recipient (the factory's feeTo; switches the protocol fee on).", valueName: "ADDRESS"))
    var feeTo: String?

    func validate() throws {
        guard feePpm < 1_000_000 else { throw ValidationError("--fee-ppm must be below 1000000") }
    }

    func created(pool: String) -> PoolCreated {
        PoolCreated(pool: pool, token0: token0, token1: token1, decimals0: decimals0, decimals1: decimals1, feePPM: feePpm, feeTo: feeTo)
    }
}

/// `--time`, `--id` on single commands.
struct FactOptions: ParsableArguments {
    @Option(help: "Unix time (seconds) the fact carries; times never decrease within a pool.")
    var time: UInt64?

    @Option(help: "External id of the fact (e.g. 0xTXHASH:LOGINDEX); the same id again is a no-op.")
    var id: String?

    @Option(help: "Block number the fact carries.")
    var block: UInt64?
}

extension UInt256: ExpressibleByArgument {
    public init?(argument: String) {
        guard case .success(let value) = UInt256.parseDecimal(argument) else { return nil }
        self = value
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}

extension TypedAmount: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

/// A pool's two tokens, as amounts typed in token units are converted: read
/// from the ledger only when one of `amounts` carries a symbol (so a command
/// in base units reads nothing more than before).
struct PoolTokens {
    let token0: (symbol: String, decimals: UInt8)
    let token1: (symbol: String, decimals: UInt8)

    init?(pool: String, amounts: [TypedAmount?], database: DatabaseOptions) throws {
        guard amounts.contains(where: { $0?.symbol != nil }) else { return nil }
        guard let state = try database.open().ledger()[pool] else {
            throw Failure(message: "\(Rejection(.unknownPool, "no pool \"\(pool)\": an amount in token units needs the pool's tokens"))")
        }
        token0 = (state.token0, state.decimals0)
        token1 = (state.token1, state.decimals1)
    }

    /// Token 0 or 1 by its symbol.
    func token(_ symbol: String, field: String) throws -> (symbol: String, decimals: UInt8) {
        if symbol == token0.symbol { return token0 }
        if symbol == token1.symbol { return token1 }
        throw Failure(message: "\(Rejection(.unknownToken, "\(field): \(symbol) is not a token of the pool (its tokens: \(token0.symbol), \(token1.symbol))"))")
    }

    /// The other token than `token`.
    func other(than token: (symbol: String, decimals: UInt8)) -> (symbol: String, decimals: UInt8) {
        token.symbol == token0.symbol ? token1 : token0
    }
}

/// An amount in base units: as typed, or converted from token units with the
/// decimals of `token` (the token the amount is of; `tokens` is non-nil
/// whenever an amount has a symbol).
func baseUnits(_ amount: TypedAmount, field: String, of token: (symbol: String, decimals: UInt8)?, in tokens: PoolTokens?) throws -> UInt256 {
    if case .baseUnits(let value) = amount { return value }
    // (The command reads the pool's tokens whenever an amount has a symbol; an error, not a trap, should one not.)
    guard let tokens, let token else { throw Failure(message: "\(field): \(amount) needs the pool's tokens, which were not read") }
    do throws(Rejection) {
        return try amount.baseUnits(field: field, token: token, others: [tokens.other(than: token).symbol])
    } catch {
        throw Failure(message: error.description)
    }
}

/// Runs one command against the ledger and prints the fact it appended.
func appendSingle(_ command: CommandBody, options: FactOptions, database: DatabaseOptions) throws {
    let ledger = try database.open()
    do {
        let summary = try ledger.execute([Command(command, id: options.id, time: options.time, block: options.block)])
        if summary.appended.isEmpty {
            Terminal.output("no fact appended: id \"\(options.id ?? "")\" is already in the ledger\n")
        }
        for appended in summary.appended {
            Terminal.output(ContractCodec.line(appended.fact) + "\n")
        }
    } catch let rejected as LocatedRejection {
        // A single command has no line number: the rule and detail say it all.
        throw Failure(message: rejected.rejection.description)
    }
}

/// Amounts for people: `value / 10^decimals`, exact, trailing zeros trimmed.
func units(_ value: UInt256, decimals: UInt8) -> String {
    value.decimalString(decimals: Int(decimals))
}

/// Price of token0 in token1 for people, exact to 18 places.
func price(_ pool: PoolState) -> String { pool.priceText ?? "-" }
