@testable import PoolLedger
import PoolMath
import Testing

/// Each invariant catches a state that is wrong, whatever fact produced it:
/// the states here are tampered with by hand, as a bug in evolve would.
@Suite struct InvariantTests {
    func depositedPool() throws -> (PoolState, PoolState) {
        let ledger = try ledgerWithDeposit(e18, 4 * e18)
        let pool = try #require(ledger[pairID])
        return (pool, pool)
    }

    func violation(before: PoolState?, after: PoolState, fact: Fact) -> Rule? {
        do {
            try Invariants.check(before: before, after: after, fact: fact)
            return nil
        } catch {
            return error.rule
        }
    }

    @Test func honestStatePasses() throws {
        let (pool, before) = try depositedPool()
        #expect(violation(before: before, after: pool, fact: swapped()) == nil)
    }

    @Test func shareSumMustEqualTotal() throws {
        var (pool, before) = try depositedPool()
        pool.tamper { $0.shares["ghost"] = 1 }
        #expect(violation(before: before, after: pool, fact: swapped()) == .invariant(.shareSum))
    }

    @Test func reservesStayWithinUint112() throws {
        var (pool, before) = try depositedPool()
        pool.tamper { $0.reserve0 = ConstantProduct.maxReserve + 1 }
        #expect(violation(before: before, after: pool, fact: swapped()) == .invariant(.reserveBound))
    }

    @Test func aSwapNeverLowersK() throws {
        var (pool, before) = try depositedPool()
        pool.tamper { $0.reserve1 -= 1 }
        #expect(violation(before: before, after: pool, fact: swapped()) == .invariant(.kDecreased))
        // The same change is no swap's business when the fact is a transfer.
        #expect(violation(before: before, after: pool, fact: Fact(.sharesTransferred(SharesTransferred(pool: pairID, from: "a", to: "b", shares: 0)))) == nil)
    }

    @Test func aDepositNeverMintsMoreThanProRata() throws {
        var (pool, before) = try depositedPool()
        // 1e18 / 4e18 into a 1e18 / 4e18 pool with 2e18 shares is worth 2e18 shares; record 2e18 + 1.
        let minted = 2 * e18 + 1
        pool.tamper { $0.reserve0 += e18 }
        pool.tamper { $0.reserve1 += 4 * e18 }
        pool.tamper { $0.totalShares += minted }
        pool.tamper { $0.shares["lp"] = minted }
        let fact = added("lp", e18, 4 * e18, shares: minted)
        #expect(violation(before: before, after: pool, fact: fact) == .invariant(.mintProRata))
    }

    @Test func aWithdrawalNeverPaysMoreThanProRata() throws {
        var (pool, before) = try depositedPool()
        pool.tamper { $0.reserve0 -= e18 / 2 + 1 }  // half the shares are worth exactly half the reserves
        pool.tamper { $0.reserve1 -= 2 * e18 }
        pool.tamper { $0.totalShares -= e18 }
        pool.tamper { $0.shares["wallet"]! -= e18 }
        let fact = removed("wallet", shares: e18, e18 / 2 + 1, 2 * e18)
        #expect(violation(before: before, after: pool, fact: fact) == .invariant(.burnProRata))
    }

    @Test func theLockedSharesNeverMove() throws {
        var (pool, before) = try depositedPool()
        pool.tamper { $0.shares[zeroAddress] = 999 }
        pool.tamper { $0.shares["wallet"]! += 1 }
        #expect(violation(before: before, after: pool, fact: swapped()) == .invariant(.lockedSharesMoved))
    }
}

@Suite struct StateHashTests {
    func pool(ownersInOrder owners: [(String, UInt256)]) -> PoolState {
        var pool = try! PoolState(created: PoolCreated(pool: "p", token0: "A", token1: "B", decimals0: 6, decimals1: 18))
        pool.tamper { $0.reserve0 = 1_000_000 }
        pool.tamper { $0.reserve1 = 4_000_000 }
        pool.tamper { $0.totalShares = 2_000_000 }
        for (owner, shares) in owners { pool.tamper { $0.shares[owner] = shares } }
        return pool
    }

    static let owners: [(String, UInt256)] = [(zeroAddress, 1000), ("alice", 1_998_999), ("Zed", 1)]

    /// The documented canonical form, hashed by an outside SHA-256 (Python's hashlib).
    @Test func hashIsSHA256OfTheDocumentedCanonicalJSON() {
        let state = pool(ownersInOrder: Self.owners)
        let canonical = #"{"pool":"p","model":"constant_product","token0":"A","token1":"B","decimals0":6,"decimals1":18,"fee_ppm":3000,"fee_to":null,"reserve0":"1000000","reserve1":"4000000","total_shares":"2000000","k_last":"0","price0_cumulative":"0","price1_cumulative":"0","block_timestamp_last":0,"time_last":null,"shares":{"0x0000000000000000000000000000000000000000":"1000","Zed":"1","alice":"1998999"}}"#
        #expect(String(decoding: StateHash.canonicalBytes(state), as: UTF8.self) == canonical)
        #expect(StateHash.hash(state) == "5177c63c3b3f5b14649532cf6b36c6e78e12cd9952ab2456bc6a0d665eef15bf")
    }

    @Test func hashIgnoresInsertionOrderAndSeq() {
        var a = pool(ownersInOrder: Self.owners)
        let b = pool(ownersInOrder: Self.owners.reversed())
        a.seq = 42
        #expect(StateHash.hash(a) == StateHash.hash(b))
    }

    @Test func hashChangesWithEveryField() {
        let base = pool(ownersInOrder: Self.owners)
        let baseHash = StateHash.hash(base)
        var variants: [PoolState] = []
        var v = base; v.tamper { $0.reserve0 += 1 }; variants.append(v)
        v = base; v.tamper { $0.reserve1 += 1 }; variants.append(v)
        v = base; v.tamper { $0.totalShares += 1 }; variants.append(v)
        v = base; v.tamper { $0.kLast = 1 }; variants.append(v)
        v = base; v.feeTo = "x"; variants.append(v)
        v = base; v.feePPM = 500; variants.append(v)
        v = base; v.tamper { $0.shares["alice"] = 1_998_998 }; variants.append(v)
        v = base; v.tamper { $0.shares["bob"] = 1 }; variants.append(v)
        v = base; v.tamper { $0.price0Cumulative = 1 }; variants.append(v)
        v = base; v.tamper { $0.price1Cumulative = 1 }; variants.append(v)
        v = base; v.tamper { $0.blockTimestampLast = 1 }; variants.append(v)
        v = base; v.timeLast = 0; variants.append(v)
        v = base; v.token0 = "C"; variants.append(v)
        v = base; v.decimals1 = 6; variants.append(v)
        let hashes = Set(variants.map(StateHash.hash))
        #expect(hashes.count == variants.count)
        #expect(!hashes.contains(baseHash))
    }

    @Test func stateJSONCarriesTheContractFields() throws {
        var ledger = try ledgerWithDeposit(e18, 4 * e18)
        try ledger.fold(swapped(in0: e18, out1: e18))
        guard case .object(let members) = StateJSON.encode(ledger[pairID]!) else { Issue.record("not an object"); return }
        let keys = members.map(\.key)
        #expect(Array(keys.prefix(11)) == ["pool", "seq", "reserve0", "reserve1", "total_shares", "k", "k_last", "fee_ppm", "fee_to", "shares", "state_hash"])
        let value = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        #expect(value["seq"] == .number("3"))
        #expect(value["k"] == .string((2 * e18 * 3 * e18).description))
    }
}

extension PoolState {
    /// Changes the pair's state by hand, as a bug in evolve would.
    mutating func tamper(_ change: (inout ConstantProductPool) -> Void) {
        guard case .constantProduct(var pair) = body else { preconditionFailure("not a constant-product pool") }
        change(&pair)
        body = .constantProduct(pair)
    }
}
