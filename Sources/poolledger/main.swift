import ArgumentParser
import DurableLedger
import Fixtures
import Foundation
import LedgerStore
import PoolLedger

/// The command line: parse, call the library, print. Exit codes follow the
/// interchange contract: 0 success, 1 input rejected or a check failed, 2 usage error.
struct PoolLedgerTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poolledger",
        abstract: "An exact, event-sourced ledger for AMM liquidity pools (Uniswap V2 constant product, Uniswap V3 concentrated liquidity).",
        discussion: """
            Facts and commands are JSON Lines as fixed by the PoolLedger interchange contract: \
            every amount is a string holding a base-10 integer in base units (wei).
            """,
        subcommands: [
            Fold.self, Import.self, Run.self, CreatePool.self, Deposit.self, SwapCommand.self, Withdraw.self,
            Transfer.self, SetFeeTo.self, State.self, Snapshot.self, Replay.self, Verify.self, Export.self, Log.self,
            Generate.self, FixturesCommand.self, RecordedHistoryCommand.self, RecordedV3Command.self, Bench.self, IL.self, Audit.self, Report.self, Timeline.self, BacktestCommand.self, ImportLogs.self, ExportLogs.self,
        ]
    )
}

/// Runs the tool and maps every outcome to the contract's exit codes.
func runTool() -> Never {
    do {
        var command = try PoolLedgerTool.parseAsRoot()
        try command.run()
        Foundation.exit(0)
    } catch let failure as any ReportedError {
        Terminal.error(failure.description)
        Foundation.exit(1)
    } catch {
        let code = PoolLedgerTool.exitCode(for: error)
        if code == .success {
            // --help, --version
            PoolLedgerTool.exit(withError: error)
        }
        Terminal.error(PoolLedgerTool.fullMessage(for: error))
        // ArgumentParser reports usage errors as EX_USAGE (64); the contract says 2.
        Foundation.exit(code == .validationFailure ? 2 : code.rawValue == 64 ? 2 : 1)
    }
}

/// Errors already phrased for the user (they name the line or sequence number
/// and the rule): printed as they are, exit 1.
protocol ReportedError: Error, CustomStringConvertible {}

extension Failure: ReportedError {
    var description: String { message }
}
extension LocatedRejection: ReportedError {}
extension VerificationFailure: ReportedError {}
extension StoreError: ReportedError {}
extension PricePathError: ReportedError {}
extension FixtureError: ReportedError {}
extension AuditError: ReportedError {}

runTool()
