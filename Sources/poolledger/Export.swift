import ArgumentParser
import DurableLedger
import Foundation
import PoolLedger
import PoolMath

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the log as contract JSON Lines (all pools, or one).")

    @Option(help: "Only this pool's facts.") var pool: String?
    @Argument(help: "Output file (default: standard output).") var file: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        try Terminal.writeLines(to: file) { emit in
            try ledger.forEachFactLine(pool: pool, emit)
        }
    }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the log as a person would: one line per fact, amounts in token units.")

    @Option(help: "Only this pool's facts.") var pool: String?
    @Option(help: "Start at this sequence number.") var from: UInt64 = 1
    @Option(help: "Show at most N facts.") var limit: Int = 50
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        let pools = try ledger.ledger().pools
        for (record, fact) in try ledger.facts(pool: pool, from: from, limit: limit) {
            let pool = pools[fact.pool]
            func amount(_ value: UInt256, _ token: Int) -> String {
                guard let pool else { return value.description }
                return token == 0 ? "\(units(value, decimals: pool.decimals0)) \(pool.token0)" : "\(units(value, decimals: pool.decimals1)) \(pool.token1)"
            }
            let what: String
            switch fact.body {
            case .poolCreated(let f):
                what = "\(f.token0)/\(f.token1), fee \(f.feePPM) ppm" + (f.feeTo.map { ", protocol fee to \($0)" } ?? "")
            case .liquidityAdded(let f):
                what = "\(f.provider) deposits \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) for \(f.shares) shares"
                    + (f.protocolFeeShares.map { " (protocol fee \($0) shares)" } ?? "")
            case .liquidityRemoved(let f):
                what = "\(f.provider) burns \(f.shares) shares for \(amount(f.amount0, 0)) + \(amount(f.amount1, 1))"
                    + (f.protocolFeeShares.map { " (protocol fee \($0) shares)" } ?? "")
            case .swap(let f):
                var ins: [String] = [], outs: [String] = []
                if !f.amount0In.isZero { ins.append(amount(f.amount0In, 0)) }
                if !f.amount1In.isZero { ins.append(amount(f.amount1In, 1)) }
                if !f.amount0Out.isZero { outs.append(amount(f.amount0Out, 0)) }
                if !f.amount1Out.isZero { outs.append(amount(f.amount1Out, 1)) }
                what = "\(f.trader) swaps \(ins.joined(separator: " + ")) for \(outs.joined(separator: " + "))"
            case .sharesTransferred(let f):
                what = "\(f.from) transfers \(f.shares) shares to \(f.to)"
            case .feeToSet(let f):
                what = f.feeTo.map { "protocol fee to \($0)" } ?? "protocol fee off"
            case .reservesSynced(let f):
                what = "sync: reserves become \(amount(f.reserve0, 0)) + \(amount(f.reserve1, 1))"
            case .positionMinted(let f):
                what = "\(f.owner) adds \(f.liquidity) liquidity in ticks \(f.tickLower)...\(f.tickUpper) for \(amount(f.amount0, 0)) + \(amount(f.amount1, 1))"
            case .positionBurned(let f):
                what = "\(f.owner) removes \(f.liquidity) liquidity in ticks \(f.tickLower)...\(f.tickUpper), owed \(amount(f.amount0, 0)) + \(amount(f.amount1, 1))"
            case .feesCollected(let f):
                what = "\(f.owner) collects \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) from ticks \(f.tickLower)...\(f.tickUpper)"
            case .flash(let f):
                what = "\(f.recipient) borrows \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) in a flash, paying \(amount(f.paid0, 0)) + \(amount(f.paid1, 1))"
            case .protocolFeeSet(let f):
                what = "protocol fee 1/\(f.feeProtocol0) of token0's swap fees, 1/\(f.feeProtocol1) of token1's (0: none)"
            case .protocolFeesCollected(let f):
                what = "protocol collects \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) to \(f.recipient)"
            case .nftMinted(let f):
                what = "NFT \(f.tokenID) minted to \(f.holder ?? "?") with \(f.liquidity) liquidity in ticks \(f.tickLower)...\(f.tickUpper) for \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) (manager \(f.manager))"
            case .nftLiquidityIncreased(let f):
                what = "NFT \(f.tokenID) adds \(f.liquidity) liquidity in ticks \(f.tickLower)...\(f.tickUpper) for \(amount(f.amount0, 0)) + \(amount(f.amount1, 1))"
            case .nftLiquidityDecreased(let f):
                what = "NFT \(f.tokenID) removes \(f.liquidity) liquidity in ticks \(f.tickLower)...\(f.tickUpper), owed \(amount(f.amount0, 0)) + \(amount(f.amount1, 1))"
            case .nftCollected(let f):
                what = "NFT \(f.tokenID) collects \(amount(f.amount0, 0)) + \(amount(f.amount1, 1)) to \(f.recipient) (the pool pays \(amount(f.poolAmount0, 0)) + \(amount(f.poolAmount1, 1)))"
            case .nftTransferred(let f):
                what = "NFT \(f.tokenID) moves from \(f.from) to \(f.to)"
            case .nftBurned(let f):
                what = "NFT \(f.tokenID) of \(f.from) burned"
            }
            var extras: [String] = []
            if let time = fact.time { extras.append("t=\(time)") }
            if let id = fact.id { extras.append("id=\(id)") }
            let suffix = extras.isEmpty ? "" : "  [\(extras.joined(separator: " "))]"
            Terminal.output("#\(record.seq)  \(fact.pool) v\(record.version)  \(fact.body.typeName)  \(what)\(suffix)\n")
        }
    }
}
