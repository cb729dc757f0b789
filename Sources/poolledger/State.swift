import ArgumentParser
import DurableLedger
import PoolLedger
import PoolMath

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a pool's state now, or at any point of the log.",
        discussion: """
            --at SEQ shows the state after the fact at sequence number SEQ; --at-time T \
            after the last fact whose time is at or before T (unix seconds). --json prints \
            the contract's state object.
            """)

    @Argument(help: "Pool id.") var pool: String
    @Option(help: "Sequence number to show the state at.") var at: UInt64?
    @Option(help: "Unix time to show the state at.") var atTime: UInt64?
    @Flag(help: "Print the contract's state object (JSON).") var json = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard at == nil || atTime == nil else { throw ValidationError("give --at or --at-time, not both") }
    }

    func run() throws {
        let ledger = try database.open()
        var position = at
        if let atTime {
            guard let seq = try ledger.seq(atTime: atTime) else {
                throw Failure(message: "no fact has a time at or before \(atTime)")
            }
            position = seq
        }
        let head = try ledger.head().seq
        if let position, position > head {
            throw Failure(message: "seq \(position) is beyond the end of the log (seq \(head))")
        }
        guard let state = try ledger.ledger(at: position)[pool] else {
            throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" at seq \(position ?? head)")
        }
        if json {
            Terminal.output(StateJSON.encode(state).pretty + "\n")
        } else {
            Terminal.output(describe(state))
        }
    }

    func describe(_ pool: PoolState) -> String {
        switch pool.body {
        case .constantProduct(let pair): return describe(pool, pair)
        case .concentrated(let v3): return describe(pool, v3)
        }
    }

    func describe(_ pool: PoolState, _ pair: ConstantProductPool) -> String {
        var text = "pool \(pool.pool): \(pool.token0)/\(pool.token1), fee \(pool.feePPM) ppm, at seq \(pool.seq)\n"
        text += "  reserve0      \(pool.reserve0)  (\(units(pool.reserve0, decimals: pool.decimals0)) \(pool.token0))\n"
        text += "  reserve1      \(pool.reserve1)  (\(units(pool.reserve1, decimals: pool.decimals1)) \(pool.token1))\n"
        text += "  price         1 \(pool.token0) = \(price(pool)) \(pool.token1)\n"
        text += "  k             \(pool.k)\n"
        text += "  k_last        \(pair.kLast)\n"
        text += "  total_shares  \(pair.totalShares)\n"
        text += "  fee_to        \(pool.feeTo ?? "(protocol fee off)")\n"
        text += "  shares\n"
        let owners = pair.shares.keys.sorted(by: utf8Less)
        let width = owners.map(\.count).max() ?? 0
        for owner in owners {
            let held = pair.shares[owner]!
            let percent = UInt256.mulDiv(held, 100_000_000, pair.totalShares).map { units($0, decimals: 6) } ?? "-"
            text += "    \(owner.padding(toLength: width, withPad: " ", startingAt: 0))  \(held)  (\(percent) %)\n"
        }
        text += "  state_hash    \(StateHash.hash(pool))\n"
        return text
    }
}

extension State {
    func describe(_ pool: PoolState, _ v3: ConcentratedPool) -> String {
        var text = "pool \(pool.pool): \(pool.token0)/\(pool.token1), concentrated, fee \(pool.feePPM) ppm, tick spacing \(v3.tickSpacing), at seq \(pool.seq)\n"
        text += "  balance0      \(pool.reserve0)  (\(units(pool.reserve0, decimals: pool.decimals0)) \(pool.token0))\n"
        text += "  balance1      \(pool.reserve1)  (\(units(pool.reserve1, decimals: pool.decimals1)) \(pool.token1))\n"
        text += "  price         1 \(pool.token0) = \(price(pool)) \(pool.token1)\n"
        text += "  sqrt_price    \(v3.sqrtPriceX96)  (Q64.96)\n"
        text += "  tick          \(v3.tick)\n"
        text += "  liquidity     \(v3.liquidity)  (active)\n"
        text += "  fee growth    \(v3.feeGrowthGlobal0X128), \(v3.feeGrowthGlobal1X128)  (X128, global)\n"
        text += "  ticks         \(v3.ticks.count) initialized\n"
        text += "  positions\n"
        for key in v3.positions.keys.sorted() {
            let position = v3.positions[key]!
            let range = key.tickLower <= v3.tick && v3.tick < key.tickUpper ? "in range" : "out of range"
            text += "    \(key.owner)  \(key.tickLower)...\(key.tickUpper)  liquidity \(position.liquidity)  owed \(position.tokensOwed0), \(position.tokensOwed1)  \(range)\n"
        }
        for manager in v3.managers.keys.sorted(by: utf8Less) {
            let book = v3.managers[manager]!
            text += "  NFTs of manager \(manager)\n"
            for id in book.tokens.keys.sorted() {
                let token = book.tokens[id]!
                text += "    #\(id)  \(token.holder)  \(token.tickLower)...\(token.tickUpper)  liquidity \(token.liquidity)  owed \(token.tokensOwed0), \(token.tokensOwed1)\n"
            }
        }
        text += "  state_hash    \(StateHash.hash(pool))\n"
        return text
    }
}

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a snapshot of the state now, or set the automatic snapshot interval.")

    @Option(help: "Take a snapshot every N facts from now on (0: off); without it, take one now.")
    var interval: UInt64?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        if let interval {
            try ledger.setSnapshotInterval(interval)
            Terminal.output(interval == 0 ? "automatic snapshots off\n" : "a snapshot every \(interval) facts\n")
            return
        }
        guard let seq = try ledger.snapshot() else { throw Failure(message: "the log is empty: nothing to snapshot") }
        Terminal.output("snapshot at seq \(seq)\n")
    }
}
