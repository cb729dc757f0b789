import PoolMath

/// A rule of the ledger itself: pool bookkeeping and fact checks that the pair
/// contract does not name.
public enum LedgerRule: String, Sendable, CaseIterable {
    case unknownPool = "UNKNOWN_POOL"
    case poolExists = "POOL_EXISTS"
    case identicalTokens = "IDENTICAL_TOKENS"
    case unsupportedModel = "UNSUPPORTED_MODEL"
    case unknownToken = "UNKNOWN_TOKEN"
    /// A `liquidity_added` fact records other shares than the rules mint.
    case sharesMismatch = "SHARES_MISMATCH"
    /// A `liquidity_removed` fact records another payout than pro rata.
    case payoutMismatch = "PAYOUT_MISMATCH"
    /// A fact's `protocol_fee_shares` differs from what `_mintFee` derives.
    case protocolFeeMismatch = "PROTOCOL_FEE_MISMATCH"
    case insufficientShares = "INSUFFICIENT_SHARES"
    /// Shares held by the zero address (the locked MINIMUM_LIQUIDITY) never move.
    case lockedShares = "LOCKED_SHARES"
    case timeDecreased = "TIME_DECREASED"
    /// An `id` already in the ledger with other content.
    case duplicateID = "DUPLICATE_ID"
    /// A `reserves_synced` below the reserves: a sync takes up balances, which never fall below them.
    case syncBelowReserves = "SYNC_BELOW_RESERVES"
    /// A recorded Sync log that differs from the reserves the ledger folded.
    case syncMismatch = "SYNC_MISMATCH"
    /// Pair logs that do not form the calls the pair emits (mint, burn, swap, sync, transfer).
    case logSequence = "LOG_SEQUENCE"
    /// A `position_minted` fact records other amounts than the mint takes.
    case amountMismatch = "AMOUNT_MISMATCH"
    /// A concentrated pool's `swap` fact that no input reproduces (amounts, price, tick or liquidity after).
    case swapMismatch = "SWAP_MISMATCH"
    /// An `nft_*` fact whose manager half disagrees with its pool half (range, token id, amounts).
    case managerLogMismatch = "MANAGER_LOG_MISMATCH"
}

/// What is wrong with a line of input before any rule is applied.
public enum InputRule: String, Sendable, CaseIterable {
    case malformedJSON = "MALFORMED_JSON"
    case unknownType = "UNKNOWN_TYPE"
    case missingField = "MISSING_FIELD"
    case unknownField = "UNKNOWN_FIELD"
    case duplicateField = "DUPLICATE_FIELD"
    case invalidField = "INVALID_FIELD"
    case invalidAmount = "INVALID_AMOUNT"
    /// A stored binary record that is not the canonical encoding of a fact.
    case malformedRecord = "MALFORMED_RECORD"
    /// The input could not be read (an I/O error part way through a file).
    case unreadableInput = "UNREADABLE_INPUT"
    /// A raw log whose first topic is no event of the contract at its address.
    case unknownEvent = "UNKNOWN_EVENT"
    /// A raw log from an address no factory log (or earlier import) created.
    case unknownAddress = "UNKNOWN_ADDRESS"
    /// Raw logs not in (block, log index) order.
    case logOrder = "LOG_ORDER"
}

/// A law that must hold after every fact; a failure means the state is wrong,
/// whatever the fact said.
public enum InvariantRule: String, Sendable, CaseIterable {
    case shareSum = "INVARIANT_SHARE_SUM"
    case reserveBound = "INVARIANT_RESERVE_BOUND"
    case kDecreased = "INVARIANT_K_DECREASED"
    case mintProRata = "INVARIANT_MINT_PRO_RATA"
    case burnProRata = "INVARIANT_BURN_PRO_RATA"
    case lockedSharesMoved = "INVARIANT_LOCKED_SHARES"
    /// Concentrated pools: the tick is the price's (getTickAtSqrtRatio), or one below after a downward crossing onto it.
    case tickMatchesPrice = "INVARIANT_TICK"
    /// Concentrated pools: the active liquidity is the sum of the positions whose range holds the tick.
    case activeLiquidity = "INVARIANT_ACTIVE_LIQUIDITY"
    /// Concentrated pools: the token balances cover every position's principal, owed and pending fees, and the protocol's fees.
    case balancesCover = "INVARIANT_BALANCES_COVER"
    /// A law's running account (kept fact by fact) differs from its full recomputation from the state.
    case runningSum = "INVARIANT_RUNNING_SUM"
    /// Concentrated pools: a position manager's position in each range holds exactly the liquidity of its NFTs there.
    case managerPositions = "INVARIANT_MANAGER_POSITIONS"
}

/// Every rule a fact, a command or a line can break.
public enum Rule: Sendable, Equatable, CustomStringConvertible {
    case pair(PairRule)
    case ledger(LedgerRule)
    case input(InputRule)
    case invariant(InvariantRule)
    /// A revert of Uniswap V3's contracts, by its reason string (`TLU`, `LO`, `SPL`, ...): `V3_` + the reason in capitals.
    case concentrated(String)

    public var name: String {
        switch self {
        case .pair(let rule): return rule.rawValue
        case .ledger(let rule): return rule.rawValue
        case .input(let rule): return rule.rawValue
        case .invariant(let rule): return rule.rawValue
        case .concentrated(let reason): return "V3_" + reason.uppercased()
        }
    }

    public var description: String { name }
}

/// A rejected fact, command or line: the rule it broke and what was found.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: Rule
    public var detail: String

    public init(_ rule: Rule, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public init(_ rule: PairRule, _ detail: String) { self.init(.pair(rule), detail) }
    public init(_ rule: LedgerRule, _ detail: String) { self.init(.ledger(rule), detail) }
    public init(_ rule: InputRule, _ detail: String) { self.init(.input(rule), detail) }
    public init(_ rule: InvariantRule, _ detail: String) { self.init(.invariant(rule), detail) }
    /// A V3 contract revert.
    public init(_ error: V3MathError) { self.init(.concentrated(error.reason), error.detail) }

    /// `RULE: detail`, the form the command line prints after `line N: `.
    public var description: String { "\(rule.name): \(detail)" }

    /// A recorded value that differs from the expected one.
    static func mismatch(_ rule: LedgerRule, field: String, recorded: UInt256, expected: UInt256) -> Rejection {
        Rejection(rule, "\(field) recorded \(recorded), expected \(expected)")
    }
}

/// A rejection at a position of the input: a line of a file or a sequence number of a log.
public struct LocatedRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Location: Sendable, Equatable {
        case line(Int)
        case seq(UInt64)
        /// A pair log: its block, transaction and log index.
        case log(block: UInt64, tx: String, logIndex: UInt64)
    }

    public var location: Location
    public var rejection: Rejection

    public init(_ location: Location, _ rejection: Rejection) {
        self.location = location
        self.rejection = rejection
    }

    public var description: String {
        switch location {
        case .line(let line): return "line \(line): \(rejection)"
        case .log(let block, let tx, let logIndex): return "block \(block) tx \(tx) log_index \(logIndex): \(rejection)"
        case .seq(let seq): return "seq \(seq): \(rejection)"
        }
    }
}
