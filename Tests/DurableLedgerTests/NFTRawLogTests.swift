import DurableLedger
import Foundation
import PoolLedger
import PoolMath
import Testing
import TestSupport

/// NFT positions through raw chain logs: a history run as commands is
/// written as the logs the chain would hold (the V3 factory's PoolCreated,
/// the pool's Initialize, Mint, Burn, Collect and Swap, the position
/// manager's Transfer, IncreaseLiquidity, DecreaseLiquidity and Collect, in
/// the order the contracts emit them) by this file's own ABI encoder, then
/// imported: the audit per NFT is the commands' audit, figure for figure.
/// A manager log that disagrees with its pool log is refused naming both.
@Suite struct NFTRawLogTests {
    static let factory = ConcentratedPoolLog.mainnetFactory
    static let manager = mainnetPositionManager
    static let pool = "0x" + String(repeating: "5a", count: 20)
    static let token0 = "0x" + String(repeating: "11", count: 20)
    static let token1 = "0x" + String(repeating: "22", count: 20)
    static let alice = "0x" + String(repeating: "a1", count: 20)
    static let bob = "0x" + String(repeating: "b0", count: 20)
    static let carol = "0x" + String(repeating: "c0", count: 20)
    static let lp = "0x" + String(repeating: "1f", count: 20)
    static let trader = "0x" + String(repeating: "77", count: 20)

    static func e18(_ n: UInt64) -> UInt256 { UInt256(n) * UInt256.powerOfTen(18)! }

    /// The history: a direct position, three NFTs in shared and overlapping
    /// ranges, swaps through them, increases, decreases, collects (partial and
    /// whole), a transfer and a burn.
    static func commands() -> [CommandBody] {
        let p = pool
        func mint(_ holder: String, _ id: UInt64, _ lower: Int32, _ upper: Int32, _ liquidity: UInt256) -> CommandBody {
            .mintNFTPosition(MintNFTPosition(pool: p, holder: holder, tokenID: UInt256(id), tickLower: lower, tickUpper: upper, liquidity: liquidity))
        }
        func swap(_ token: String, _ amount: UInt256) -> CommandBody {
            .swapExactIn(SwapExactIn(pool: p, trader: trader, tokenIn: token, amountIn: amount))
        }
        return [
            .createPool(PoolCreated(pool: p, token0: token0, token1: token1, feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)),
            .mintPosition(MintPosition(pool: p, owner: lp, tickLower: -6000, tickUpper: 6000, liquidity: e18(1000))),
            mint(alice, 1, -600, 600, e18(300)),
            mint(bob, 2, -600, 600, e18(200)),
            mint(carol, 3, 0, 1200, e18(150)),
            swap(token0, e18(20)),
            .increaseLiquidity(ChangeNFTLiquidity(pool: p, tokenID: UInt256(1), liquidity: e18(50))),
            swap(token1, e18(45)),
            .decreaseLiquidity(ChangeNFTLiquidity(pool: p, tokenID: UInt256(2), liquidity: e18(80))),
            .collectNFT(CollectNFT(pool: p, tokenID: UInt256(2), amount0Max: UInt256(1_000_000))),
            .transferNFT(MoveNFT(pool: p, tokenID: UInt256(1), to: carol)),
            swap(token0, e18(10)),
            .collectNFT(CollectNFT(pool: p, tokenID: UInt256(3))),
            .decreaseLiquidity(ChangeNFTLiquidity(pool: p, tokenID: UInt256(2), liquidity: e18(120))),
            .collectNFT(CollectNFT(pool: p, tokenID: UInt256(2))),
            .burnNFT(MoveNFT(pool: p, tokenID: UInt256(2), to: zeroAddress)),
            swap(token1, e18(5)),
        ]
    }

    static func commandLedger() throws -> (Ledger, [Fact]) {
        var ledger = Ledger()
        var facts: [Fact] = []
        for body in commands() { facts += try ledger.execute(Command(body)) }
        return (ledger, facts)
    }

    // MARK: the tests' ABI encoder

    static func word(_ value: UInt256) -> String { value.hexDigits64 }
    static func word(address: String) -> String { String(repeating: "0", count: 24) + address.dropFirst(2) }
    static func word(signed value: Int64) -> String {
        value >= 0 ? word(UInt256(UInt64(value))) : word(UInt256.zero &- UInt256(UInt64(-value)))
    }
    static func word(signed amount: UInt256, negative: Bool) -> String { word(negative ? UInt256.zero &- amount : amount) }

    struct Encoder {
        var logs: [EncodedLog] = []
        var block: UInt64 = 12_400_000
        var index: UInt64 = 0
        var tx = 0
        /// Each NFT's liquidity, to know whether its collect pokes the pool first.
        var liquidity: [UInt256: UInt256] = [:]

        mutating func newTransaction() {
            tx += 1
            block += 1
            index = 0
        }

        mutating func log(_ address: String, _ signature: String, _ topics: [String], _ words: [String]) {
            logs.append(EncodedLog(
                blockNumber: block, transactionHash: "0x" + String(format: "%064x", tx), logIndex: index, address: address,
                topics: [Keccak256.topic(signature)] + topics.map { "0x" + $0 }, data: "0x" + words.joined()))
            index += 1
        }

        mutating func poolMint(_ owner: String, _ lower: Int32, _ upper: Int32, _ liquidity: UInt256, _ a0: UInt256, _ a1: UInt256) {
            log(pool, "Mint(address,address,int24,int24,uint128,uint256,uint256)",
                [word(address: owner), word(signed: Int64(lower)), word(signed: Int64(upper))],
                [word(address: NFTRawLogTests.manager), word(liquidity), word(a0), word(a1)])
        }

        mutating func poolBurn(_ owner: String, _ lower: Int32, _ upper: Int32, _ liquidity: UInt256, _ a0: UInt256, _ a1: UInt256) {
            log(pool, "Burn(address,int24,int24,uint128,uint256,uint256)",
                [word(address: owner), word(signed: Int64(lower)), word(signed: Int64(upper))], [word(liquidity), word(a0), word(a1)])
        }

        mutating func encode(_ fact: Fact) {
            newTransaction()
            let m = NFTRawLogTests.manager
            switch fact.body {
            case .poolCreated(let f):
                log(NFTRawLogTests.factory, "PoolCreated(address,address,uint24,int24,address)",
                    [word(address: f.token0), word(address: f.token1), word(UInt256(UInt64(f.feePPM)))],
                    [word(signed: Int64(f.tickSpacing!)), word(address: f.pool)])
                log(f.pool, "Initialize(uint160,int24)", [], [word(f.sqrtPriceX96!), word(signed: 0)])
            case .positionMinted(let f):
                poolMint(f.owner, f.tickLower, f.tickUpper, f.liquidity, f.amount0, f.amount1)
            case .swap(let f):
                let a0 = f.amount0In.isZero ? word(signed: f.amount0Out, negative: true) : word(f.amount0In)
                let a1 = f.amount1In.isZero ? word(signed: f.amount1Out, negative: true) : word(f.amount1In)
                log(pool, "Swap(address,address,int256,int256,uint160,uint128,int24)", [word(address: f.trader), word(address: f.trader)],
                    [a0, a1, word(f.sqrtPriceX96After!), word(f.liquidityAfter!), word(signed: Int64(f.tickAfter!))])
            case .nftMinted(let f):
                // NonfungiblePositionManager.mint: the pool's Mint, the ERC-721 mint, IncreaseLiquidity.
                poolMint(m, f.tickLower, f.tickUpper, f.liquidity, f.amount0, f.amount1)
                log(m, "Transfer(address,address,uint256)", [word(address: zeroAddress), word(address: f.holder!), word(f.tokenID)], [])
                log(m, "IncreaseLiquidity(uint256,uint128,uint256,uint256)", [word(f.tokenID)], [word(f.liquidity), word(f.amount0), word(f.amount1)])
                liquidity[f.tokenID] = f.liquidity
            case .nftLiquidityIncreased(let f):
                poolMint(m, f.tickLower, f.tickUpper, f.liquidity, f.amount0, f.amount1)
                log(m, "IncreaseLiquidity(uint256,uint128,uint256,uint256)", [word(f.tokenID)], [word(f.liquidity), word(f.amount0), word(f.amount1)])
                liquidity[f.tokenID, default: .zero] += f.liquidity
            case .nftLiquidityDecreased(let f):
                poolBurn(m, f.tickLower, f.tickUpper, f.liquidity, f.amount0, f.amount1)
                log(m, "DecreaseLiquidity(uint256,uint128,uint256,uint256)", [word(f.tokenID)], [word(f.liquidity), word(f.amount0), word(f.amount1)])
                liquidity[f.tokenID, default: .zero] -= f.liquidity
            case .nftCollected(let f):
                // NonfungiblePositionManager.collect: a poke while the NFT holds liquidity, the pool's Collect, the manager's.
                if !(liquidity[f.tokenID] ?? .zero).isZero { poolBurn(m, f.tickLower, f.tickUpper, .zero, .zero, .zero) }
                log(pool, "Collect(address,address,int24,int24,uint128,uint128)",
                    [word(address: m), word(signed: Int64(f.tickLower)), word(signed: Int64(f.tickUpper))],
                    [word(address: f.recipient), word(f.poolAmount0), word(f.poolAmount1)])
                log(m, "Collect(uint256,address,uint256,uint256)", [word(f.tokenID)], [word(address: f.recipient), word(f.amount0), word(f.amount1)])
            case .nftTransferred(let f):
                log(m, "Transfer(address,address,uint256)", [word(address: f.from), word(address: f.to), word(f.tokenID)], [])
            case .nftBurned(let f):
                log(m, "Transfer(address,address,uint256)", [word(address: f.from), word(address: zeroAddress), word(f.tokenID)], [])
            default:
                Issue.record("the test's encoder writes no \(fact.body.typeName)")
            }
        }
    }

    static func logs() throws -> [EncodedLog] {
        var encoder = Encoder()
        for fact in try commandLedger().1 { encoder.encode(fact) }
        return encoder.logs
    }

    func importing(_ logs: [EncodedLog]) throws -> DurableLedger {
        let ledger = try DurableLedger(path: temporaryDatabase())
        _ = try ledger.importRawLogs(JSONLines.Reader(Array(GenesisLogs.jsonArray(logs).utf8)), format: .jsonArray)
        return ledger
    }

    func rejection(_ logs: [EncodedLog]) -> (LocatedRejection?, DurableLedger?) {
        do {
            let ledger = try DurableLedger(path: temporaryDatabase())
            do { _ = try ledger.importRawLogs(JSONLines.Reader(Array(GenesisLogs.jsonArray(logs).utf8)), format: .jsonArray) } catch let located as LocatedRejection {
                return (located, ledger)
            }
        } catch { Issue.record("unexpected \(error)") }
        return (nil, nil)
    }

    @Test func rawPoolAndManagerLogsAuditAsTheCommandsDo() throws {
        let (commandLedger, facts) = try Self.commandLedger()
        var fold = AuditFold(pool: Self.pool)
        for (index, fact) in facts.enumerated() { try fold.fold(fact, seq: UInt64(index + 1)) }
        let expected = try #require(try fold.concentratedAudit())
        // NFT 2 was burned: it is listed only with the exited ones.
        #expect(expected.nfts.map(\.key.tokenID) == [UInt256(1), UInt256(3)] && expected.nfts[0].holder == Self.carol)
        #expect(try fold.concentratedAudit(includeExited: true)?.nfts.count == 3)

        let imported = try importing(try Self.logs())
        let importedFold = try imported.auditFold(pool: Self.pool, through: nil)
        let audit = try #require(try importedFold.concentratedAudit())
        // Figure for figure, NFT by NFT (the facts' ids differ: the import's are tx:log_index).
        #expect(AuditJSON.encode(audit).pretty == AuditJSON.encode(expected).pretty)
        let exited = try #require(try importedFold.concentratedAudit(includeExited: true))
        #expect(AuditJSON.encode(exited).pretty == AuditJSON.encode(try #require(try fold.concentratedAudit(includeExited: true))).pretty)
        #expect(try imported.ledger()[Self.pool] == commandLedger.pools[Self.pool])
        let types = try imported.facts(pool: Self.pool).map(\.fact.body.typeName)
        #expect(types.filter { $0.hasPrefix("nft_") }.count == facts.filter { $0.body.typeName.hasPrefix("nft_") }.count)
        _ = try imported.verify()
    }

    /// The same logs as an indexer's decoded rows (event and argument names), from this table of the events' ABIs.
    static func decodedRows(_ logs: [EncodedLog]) -> String {
        // (event, signature, arguments as (name, indexed, kind)): kind a address, u uint, i int.
        let events: [(String, String, [(String, Bool, Character)])] = [
            ("PoolCreated", "PoolCreated(address,address,uint24,int24,address)", [("token0", true, "a"), ("token1", true, "a"), ("fee", true, "u"), ("tickSpacing", false, "i"), ("pool", false, "a")]),
            ("Initialize", "Initialize(uint160,int24)", [("sqrtPriceX96", false, "u"), ("tick", false, "i")]),
            ("Mint", "Mint(address,address,int24,int24,uint128,uint256,uint256)", [("sender", false, "a"), ("owner", true, "a"), ("tickLower", true, "i"), ("tickUpper", true, "i"), ("amount", false, "u"), ("amount0", false, "u"), ("amount1", false, "u")]),
            ("Burn", "Burn(address,int24,int24,uint128,uint256,uint256)", [("owner", true, "a"), ("tickLower", true, "i"), ("tickUpper", true, "i"), ("amount", false, "u"), ("amount0", false, "u"), ("amount1", false, "u")]),
            ("Collect", "Collect(address,address,int24,int24,uint128,uint128)", [("owner", true, "a"), ("recipient", false, "a"), ("tickLower", true, "i"), ("tickUpper", true, "i"), ("amount0", false, "u"), ("amount1", false, "u")]),
            ("Swap", "Swap(address,address,int256,int256,uint160,uint128,int24)", [("sender", true, "a"), ("recipient", true, "a"), ("amount0", false, "i"), ("amount1", false, "i"), ("sqrtPriceX96", false, "u"), ("liquidity", false, "u"), ("tick", false, "i")]),
            ("Transfer", "Transfer(address,address,uint256)", [("from", true, "a"), ("to", true, "a"), ("tokenId", true, "u")]),
            ("IncreaseLiquidity", "IncreaseLiquidity(uint256,uint128,uint256,uint256)", [("tokenId", true, "u"), ("liquidity", false, "u"), ("amount0", false, "u"), ("amount1", false, "u")]),
            ("DecreaseLiquidity", "DecreaseLiquidity(uint256,uint128,uint256,uint256)", [("tokenId", true, "u"), ("liquidity", false, "u"), ("amount0", false, "u"), ("amount1", false, "u")]),
            ("Collect", "Collect(uint256,address,uint256,uint256)", [("tokenId", true, "u"), ("recipient", false, "a"), ("amount0", false, "u"), ("amount1", false, "u")]),
        ]
        var lines: [String] = []
        for log in logs {
            let (event, _, arguments) = events.first { Keccak256.topic($0.1) == log.topics[0] }!
            var fields = [("address", log.address), ("block", String(log.blockNumber)), ("tx", log.transactionHash), ("log_index", String(log.logIndex)), ("event", event)]
            var topic = 1, dataWord = 0
            let data = Array(log.data.dropFirst(2))
            for (name, indexed, kind) in arguments {
                let hex: String
                if indexed { hex = String(log.topics[topic].dropFirst(2)); topic += 1 } else { hex = String(data[(dataWord * 64)..<(dataWord * 64 + 64)]); dataWord += 1 }
                let value = UInt256(hexDigits: hex)!
                switch kind {
                case "a": fields.append((name, "0x" + String(hex.suffix(40))))
                case "i": fields.append((name, value >> 255 == .one ? "-" + (UInt256.zero &- value).description : value.description))
                default: fields.append((name, value.description))
                }
            }
            lines.append("{" + fields.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func decodedRowsOfThePoolAndTheManagerImportAsTheRawLogs() throws {
        let logs = try Self.logs()
        let raw = try importing(logs)
        let decoded = try DurableLedger(path: temporaryDatabase())
        _ = try decoded.importChainLogs(JSONLines.Reader(Array(Self.decodedRows(logs).utf8)), format: .decoded(.jsonLines))
        #expect(try decoded.ledger() == raw.ledger())
        #expect(try decoded.head().hash == raw.head().hash)
        #expect(try decoded.facts(pool: Self.pool).contains { $0.fact.body.typeName == "nft_collected" })
    }

    /// The index of the first log with this event signature (and topic 1, when given).
    static func find(_ logs: [EncodedLog], _ signature: String, after: Int = 0) -> Int {
        logs.indices.first { $0 >= after && logs[$0].topics.first == Keccak256.topic(signature) }!
    }

    static func addOne(_ data: String, word: Int) -> String {
        var digits = Array(data.dropFirst(2))
        let range = (word * 64)..<(word * 64 + 64)
        let value = UInt256(hexDigits: String(digits[range]))! + .one
        digits.replaceSubrange(range, with: Array(value.hexDigits64))
        return "0x" + String(digits)
    }

    @Test func aManagerLogThatDisagreesWithItsPoolLogIsRefusedNamingBoth() throws {
        let logs = try Self.logs()
        func refused(_ changed: [EncodedLog], _ rule: Rule, at index: Int, _ fragment: String) {
            let (failure, ledger) = rejection(changed)
            #expect(failure?.rejection.rule == rule, "\(String(describing: failure))")
            let log = changed[index]
            #expect(failure?.location == .log(block: log.blockNumber, tx: log.transactionHash, logIndex: log.logIndex), "\(String(describing: failure))")
            let detail = failure?.rejection.detail ?? ""
            #expect(detail.contains(fragment), "\(detail)")
            // Nothing of the batch is written.
            #expect((try? ledger?.head().seq) == 0)
        }
        let increase = Self.find(logs, "IncreaseLiquidity(uint256,uint128,uint256,uint256)")
        let poolMint = increase - 2
        let poolLogID = "\(logs[poolMint].transactionHash):\(logs[poolMint].logIndex)"
        let managerLogID = "\(logs[increase].transactionHash):\(logs[increase].logIndex)"

        // Liquidity and amounts: the manager's IncreaseLiquidity one unit off its pool Mint.
        for word in 0..<3 {
            var changed = logs
            changed[increase].data = Self.addOne(logs[increase].data, word: word)
            refused(changed, .ledger(.managerLogMismatch), at: increase, poolLogID)
            refused(changed, .ledger(.managerLogMismatch), at: increase, managerLogID)
        }
        // Token id: the mint's Transfer and its IncreaseLiquidity name different NFTs.
        var changed = logs
        changed[increase].topics[1] = "0x" + Self.word(UInt256(9))
        refused(changed, .ledger(.managerLogMismatch), at: increase, poolLogID)

        // Range: an increase of NFT 1 whose pool Mint is in another range.
        let secondIncrease = Self.find(logs, "IncreaseLiquidity(uint256,uint128,uint256,uint256)", after: Self.find(logs, "Swap(address,address,int256,int256,uint160,uint128,int24)"))
        changed = logs
        // NFT 3's range, 0...1200.
        changed[secondIncrease - 1].topics[2] = "0x" + Self.word(signed: 0)
        changed[secondIncrease - 1].topics[3] = "0x" + Self.word(signed: 1200)
        refused(changed, .ledger(.managerLogMismatch), at: secondIncrease, "\(logs[secondIncrease - 1].transactionHash):\(logs[secondIncrease - 1].logIndex)")

        // A Collect of more than the NFT is owed: the manager's Collect of all of NFT 3's fees, one wei more.
        let collect3 = logs.indices.first { logs[$0].topics.first == Keccak256.topic("Collect(uint256,address,uint256,uint256)") && logs[$0].topics[1] == "0x" + Self.word(UInt256(3)) }!
        changed = logs
        changed[collect3].data = Self.addOne(logs[collect3].data, word: 1)
        refused(changed, .concentrated("NPM_COLLECT_EXCEEDS_OWED"), at: collect3, "owed only")

        // A pool Collect paying more than the manager asked for.
        changed = logs
        changed[collect3 - 1].data = Self.addOne(logs[collect3 - 1].data, word: 1)
        refused(changed, .ledger(.managerLogMismatch), at: collect3, "\(logs[collect3 - 1].transactionHash):\(logs[collect3 - 1].logIndex)")

        // The manager's IncreaseLiquidity missing: the pool Mint stands alone, and the manager law refuses it.
        changed = logs
        changed.remove(at: secondIncrease)
        let (missing, _) = rejection(changed)
        #expect(missing?.rejection.rule == .invariant(.managerPositions), "\(String(describing: missing))")
    }

    /// Every manager log of a block range, beside one pool's: the manager's
    /// calls on pools the file does not hold are `UNKNOWN_POOL`, or with
    /// `--skip-unknown` counted and passed over.
    @Test func managerLogsOfPoolsNotImportedAreRefusedOrSkipped() throws {
        var logs = try Self.logs()
        let stray = EncodedLog(
            blockNumber: logs.last!.blockNumber + 1, transactionHash: "0x" + String(repeating: "9f", count: 32), logIndex: 0, address: Self.manager,
            topics: [Keccak256.topic("IncreaseLiquidity(uint256,uint128,uint256,uint256)"), "0x" + Self.word(UInt256(777))],
            data: "0x" + Self.word(UInt256(5)) + Self.word(UInt256(1)) + Self.word(UInt256(1)))
        logs.append(stray)
        let (failure, _) = rejection(logs)
        #expect(failure?.rejection.rule == .ledger(.unknownPool), "\(String(describing: failure))")
        #expect(failure?.location == .log(block: stray.blockNumber, tx: stray.transactionHash, logIndex: 0))
        let ledger = try DurableLedger(path: temporaryDatabase())
        let summary = try ledger.importRawLogs(JSONLines.Reader(Array(GenesisLogs.jsonArray(logs).utf8)), format: .jsonArray, skipUnknown: true)
        #expect(summary.unknownAddresses == 1)
        #expect(try ledger.ledger()[Self.pool] == (try Self.commandLedger().0).pools[Self.pool])
    }
}

extension UInt256 {
    /// 64 lower-case hex digits.
    var hexDigits64: String {
        var text = ""
        withBigEndianBytes { bytes in for byte in bytes { text += String(format: "%02x", byte) } }
        return text
    }

    init?(hexDigits: String) {
        var value = UInt256.zero
        for character in hexDigits {
            guard let digit = character.hexDigitValue else { return nil }
            value = (value << 4) | UInt256(UInt64(digit))
        }
        self = value
    }
}
