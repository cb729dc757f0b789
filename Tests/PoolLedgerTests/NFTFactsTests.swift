import PoolLedger
import PoolMath
import Testing
import TestSupport

/// The NFT facts and commands parse, print and store exactly (JSON Lines and
/// the binary form); a pool with NFTs snapshots and restores to the same
/// state and hash; a snapshot whose NFTs do not sum to the manager's
/// position is refused; without NFTs a pool's state has no `nfts`.
@Suite struct NFTFactsTests {
    static let manager = mainnetPositionManager

    var facts: [Fact] {
        let id = UInt256(decimal: "123456789012345678901234567890")!
        return [
            Fact(.nftMinted(NFTLiquidityChanged(pool: "p", manager: Self.manager, tokenID: id, holder: "alice", tickLower: -600, tickUpper: 600,
                                                liquidity: 1000, amount0: 5, amount1: 6, poolLog: "0xab:3")), id: "0xab:5", block: 9),
            Fact(.nftLiquidityIncreased(NFTLiquidityChanged(pool: "p", manager: Self.manager, tokenID: id, tickLower: -600, tickUpper: 600,
                                                            liquidity: 1, amount0: 0, amount1: 1))),
            Fact(.nftLiquidityDecreased(NFTLiquidityChanged(pool: "p", manager: Self.manager, tokenID: .one, tickLower: -887_220, tickUpper: 887_220,
                                                            liquidity: 7, amount0: 3, amount1: 2, poolLog: "0xcd:1")), time: 5),
            Fact(.nftCollected(NFTCollected(pool: "p", manager: Self.manager, tokenID: id, tickLower: -600, tickUpper: 600, recipient: "bob",
                                            amount0: 10, amount1: 11, poolAmount0: 9, poolAmount1: 11, poolLog: "0xef:2"))),
            Fact(.nftCollected(NFTCollected(pool: "p", manager: "m", tokenID: id, tickLower: -600, tickUpper: 600, recipient: "bob",
                                            amount0: 0, amount1: 0, poolAmount0: 0, poolAmount1: 0))),
            Fact(.nftTransferred(NFTTransferred(pool: "p", manager: Self.manager, tokenID: id, from: "alice", to: "bob"))),
            Fact(.nftBurned(NFTTransferred(pool: "p", manager: Self.manager, tokenID: id, from: "bob", to: zeroAddress)), id: "x"),
        ]
    }

    @Test func factsRoundTripThroughJSONAndBinary() throws {
        for fact in facts {
            let line = ContractCodec.line(fact)
            #expect(try ContractCodec.decodeLine(line) == .fact(fact), "\(line)")
            let bytes = BinaryCodec.encode(fact)
            #expect(try BinaryCodec.decode(bytes) == fact, "\(line)")
        }
        #expect(ContractCodec.line(facts[0]).contains(#""token_id":"123456789012345678901234567890","holder":"alice""#))
        #expect(ContractCodec.line(facts[6]) == #"{"type":"nft_burned","pool":"p","manager":"0xc36442b4a4522e871399cd717abdd847ab11fe88","token_id":"123456789012345678901234567890","holder":"bob","id":"x"}"#)
        // The pool_log flag belongs to the NFT liquidity and collect types only.
        var bytes = BinaryCodec.encode(facts[5])
        bytes[2] |= 32
        #expect(throws: Rejection.self) { try BinaryCodec.decode(bytes) }
    }

    @Test func commandsRoundTripAndNameTheirRules() throws {
        let lines = [
            #"{"cmd":"mint_nft_position","pool":"p","manager":"m","holder":"alice","token_id":"7","tick_lower":-60,"tick_upper":60,"liquidity":"5","amount0_max":"9"}"#,
            #"{"cmd":"increase_liquidity","pool":"p","token_id":"7","liquidity":"5","amount1_max":"9"}"#,
            #"{"cmd":"decrease_liquidity","pool":"p","manager":"m","token_id":"7","liquidity":"5","amount0_min":"1"}"#,
            #"{"cmd":"collect_nft","pool":"p","token_id":"7","recipient":"carol","amount0_max":"1"}"#,
            #"{"cmd":"transfer_nft","pool":"p","token_id":"7","from":"alice","to":"bob"}"#,
            #"{"cmd":"burn_nft","pool":"p","token_id":"7"}"#,
        ]
        for line in lines {
            guard case .command(let command) = try ContractCodec.decodeLine(line) else { Issue.record("not a command: \(line)"); continue }
            #expect(ContractCodec.line(command) == line)
        }
        for (line, rule) in [
            (#"{"cmd":"mint_nft_position","pool":"p","tick_lower":-60,"tick_upper":60,"liquidity":"5"}"#, "MISSING_FIELD"),
            (#"{"cmd":"collect_nft","pool":"p","token_id":"-7"}"#, "INVALID_AMOUNT"),
            (#"{"type":"nft_collected","pool":"p","manager":"m","token_id":"1","tick_lower":-60,"tick_upper":60,"recipient":"r","amount0":"1","amount1":"1","pool_amount0":"1"}"#, "MISSING_FIELD"),
        ] {
            do {
                _ = try ContractCodec.decodeLine(line)
                Issue.record("accepted: \(line)")
            } catch {
                #expect(error.rule.name == rule, "\(line): \(error)")
            }
        }
    }

    static func ledgerWithNFTs() throws -> Ledger {
        var ledger = Ledger()
        let pool = "p"
        for body: CommandBody in [
            .createPool(PoolCreated(pool: pool, token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)),
            .mintPosition(MintPosition(pool: pool, owner: "lp", tickLower: -1200, tickUpper: 1200, liquidity: UInt256.powerOfTen(21)!)),
            .mintNFTPosition(MintNFTPosition(pool: pool, holder: "alice", tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(20)!)),
            .mintNFTPosition(MintNFTPosition(pool: pool, holder: "bob", tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(19)!)),
            .swapExactIn(SwapExactIn(pool: pool, trader: "t", tokenIn: "A", amountIn: UInt256.powerOfTen(18)!)),
            .decreaseLiquidity(ChangeNFTLiquidity(pool: pool, tokenID: .one, liquidity: UInt256.powerOfTen(19)!)),
        ] { try ledger.execute(Command(body)) }
        return ledger
    }

    @Test func aPoolWithNFTsSnapshotsExactly() throws {
        let ledger = try Self.ledgerWithNFTs()
        let v3 = try #require(ledger.pools["p"]?.concentrated)
        #expect(v3.managers[Self.manager]?.tokens.count == 2)
        let encoded = LedgerSnapshot.encode(ledger)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""nfts":[{"manager":"0xc36442b4a4522e871399cd717abdd847ab11fe88","token_id":"1","holder":"alice""#))
        let decoded = try LedgerSnapshot.decode(encoded)
        #expect(decoded == ledger)
        #expect(LedgerSnapshot.encode(decoded) == encoded)

        // An NFT with one unit more liquidity than the manager's position: the manager law refuses the snapshot.
        let broken = text.replacingOccurrences(of: #""token_id":"2","holder":"bob","tick_lower":-600,"tick_upper":600,"liquidity":"10000000000000000000""#,
                                               with: #""token_id":"2","holder":"bob","tick_lower":-600,"tick_upper":600,"liquidity":"10000000000000000001""#)
        #expect(broken != text)
        #expect {
            _ = try LedgerSnapshot.decode(Array(broken.utf8))
        } throws: { error in
            (error as? Rejection)?.rule == .invariant(.managerPositions)
        }
    }

    @Test func aPoolWithoutNFTsWritesNoNFTs() throws {
        var ledger = Ledger()
        try ledger.execute(Command(.createPool(PoolCreated(pool: "q", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        #expect(!String(decoding: LedgerSnapshot.encode(ledger), as: UTF8.self).contains("nfts"))
    }

    @Test func theManagersOwnMintWithoutAnNFTBreaksItsLawWhereItHoldsNFTs() throws {
        var ledger = try Self.ledgerWithNFTs()
        let before = ledger
        #expect {
            try ledger.execute(Command(.mintPosition(MintPosition(pool: "p", owner: Self.manager, tickLower: -600, tickUpper: 600, liquidity: 5))))
        } throws: { error in
            (error as? Rejection)?.rule == .invariant(.managerPositions)
        }
        #expect(ledger == before)
        // Once it holds NFTs in a pool, every position of its own there is refused: each must be some NFTs' share.
        #expect(throws: Rejection.self) {
            try ledger.execute(Command(.mintPosition(MintPosition(pool: "p", owner: Self.manager, tickLower: -60, tickUpper: 60, liquidity: 5))))
        }
        // Before it holds any, the address's positions are its own (a history imported without the manager's logs).
        var plain = Ledger()
        try plain.execute(Command(.createPool(PoolCreated(pool: "q", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one))))
        try plain.execute(Command(.mintPosition(MintPosition(pool: "q", owner: Self.manager, tickLower: -60, tickUpper: 60, liquidity: 5))))
    }
}

/// A fold without history (what `timeline` streams with) lists no entries
/// and keeps no donations, and gives every figure the audit gives.
@Suite struct HistoryFreeAuditFoldTests {
    @Test func figuresWithoutEntries() throws {
        var ledger = Ledger()
        var facts: [Fact] = []
        func run(_ body: CommandBody) throws { facts += try ledger.execute(Command(body)) }
        try run(.createPool(PoolCreated(pool: "v2", token0: "A", token1: "B")))
        try run(.addLiquidity(AddLiquidity(pool: "v2", provider: "alice", amount0Desired: UInt256.powerOfTen(21)!, amount1Desired: UInt256.powerOfTen(21)!)))
        try run(.swapExactIn(SwapExactIn(pool: "v2", trader: "t", tokenIn: "A", amountIn: UInt256.powerOfTen(19)!)))
        try run(.transferShares(SharesTransferred(pool: "v2", from: "alice", to: "bob", shares: UInt256.powerOfTen(20)!)))
        facts.append(Fact(.reservesSynced(ReservesSynced(pool: "v2", reserve0: ledger.pools["v2"]!.reserve0 + 5, reserve1: ledger.pools["v2"]!.reserve1))))
        var full = AuditFold(pool: "v2"), lean = AuditFold(pool: "v2", keepsHistory: false)
        for (index, fact) in facts.enumerated() {
            try full.fold(fact, seq: UInt64(index + 1))
            try lean.fold(fact, seq: UInt64(index + 1))
        }
        let a = try #require(try full.audit()), b = try #require(try lean.audit())
        #expect(a.providers.allSatisfy { !$0.position.entries.isEmpty } && !a.donations.isEmpty)
        #expect(b.providers.allSatisfy { $0.position.entries.isEmpty } && b.donations.isEmpty)
        #expect(a.providers.map(\.value) == b.providers.map(\.value) && a.providers.map(\.netValue) == b.providers.map(\.netValue))

        var v3Full = AuditFold(pool: "p"), v3Lean = AuditFold(pool: "p", keepsHistory: false)
        var replay = Ledger()
        var v3Facts: [Fact] = []
        for body: CommandBody in [
            .createPool(PoolCreated(pool: "p", token0: "A", token1: "B", feePPM: 3000, model: .concentrated, tickSpacing: 60, sqrtPriceX96: Q96.one)),
            .mintNFTPosition(MintNFTPosition(pool: "p", holder: "alice", tickLower: -600, tickUpper: 600, liquidity: UInt256.powerOfTen(20)!)),
            .swapExactIn(SwapExactIn(pool: "p", trader: "t", tokenIn: "A", amountIn: UInt256.powerOfTen(18)!)),
            .collectNFT(CollectNFT(pool: "p", tokenID: .one)),
        ] { v3Facts += try replay.execute(Command(body)) }
        for (index, fact) in v3Facts.enumerated() {
            try v3Full.fold(fact, seq: UInt64(index + 1))
            try v3Lean.fold(fact, seq: UInt64(index + 1))
        }
        let c = try #require(try v3Full.concentratedAudit()), d = try #require(try v3Lean.concentratedAudit())
        #expect(c.nfts.first?.audit.position.entries.count == 2 && d.nfts.first?.audit.position.entries.isEmpty == true)
        #expect(c.nfts.map(\.audit.value) == d.nfts.map(\.audit.value) && c.nfts.map(\.audit.lifetimeFees0) == d.nfts.map(\.audit.lifetimeFees0))
    }
}
