import PoolLedger
import PoolMath
import Testing

/// Every fact type and every command of one pool model, sent to a pool of the
/// other, is refused as `UNSUPPORTED_MODEL` at its own line, and nothing of it
/// is folded. The lines are the interchange format written out by hand, and
/// which model takes which type is the table below (from docs/format.md), not
/// read from the code under test.
@Suite struct UnsupportedModelTests {
    /// The opening lines: a constant-product pool "v2" and a concentrated pool
    /// "v3", each with liquidity, so that any refusal is the model's, not an empty pool's.
    static let opening = [
        #"{"type":"pool_created","pool":"v2","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000}"#,
        #"{"cmd":"add_liquidity","pool":"v2","provider":"lp","amount0_desired":"1000000000","amount1_desired":"1000000000"}"#,
        #"{"type":"pool_created","pool":"v3","token0":"A","token1":"B","decimals0":18,"decimals1":18,"fee_ppm":3000,"model":"concentrated","tick_spacing":60,"sqrt_price_x96":"79228162514264337593543950336"}"#,
        #"{"cmd":"mint_position","pool":"v3","owner":"lp","tick_lower":-600,"tick_upper":600,"liquidity":"1000000000"}"#,
    ]

    /// One line of every fact type but `pool_created`, for pool `P`, and the models that take it.
    typealias Entry = (name: String, models: Set<String>, line: String)

    static let facts: [Entry] = [
        ("liquidity_added", ["v2"], #"{"type":"liquidity_added","pool":"P","provider":"lp","amount0":"1000","amount1":"1000","shares":"1000"}"#),
        ("liquidity_removed", ["v2"], #"{"type":"liquidity_removed","pool":"P","provider":"lp","shares":"1000","amount0":"1000","amount1":"1000"}"#),
        ("shares_transferred", ["v2"], #"{"type":"shares_transferred","pool":"P","from":"lp","to":"x","shares":"1"}"#),
        ("fee_to_set", ["v2"], #"{"type":"fee_to_set","pool":"P","fee_to":"f"}"#),
        ("reserves_synced", ["v2"], #"{"type":"reserves_synced","pool":"P","reserve0":"2000000000","reserve1":"2000000000"}"#),
        ("position_minted", ["v3"], #"{"type":"position_minted","pool":"P","owner":"o","tick_lower":-60,"tick_upper":60,"liquidity":"1000","amount0":"3","amount1":"3"}"#),
        ("position_burned", ["v3"], #"{"type":"position_burned","pool":"P","owner":"lp","tick_lower":-600,"tick_upper":600,"liquidity":"1","amount0":"0","amount1":"0"}"#),
        ("fees_collected", ["v3"], #"{"type":"fees_collected","pool":"P","owner":"lp","tick_lower":-600,"tick_upper":600,"amount0":"0","amount1":"0"}"#),
        ("flash", ["v3"], #"{"type":"flash","pool":"P","recipient":"r","amount0":"1000","amount1":"0","paid0":"3","paid1":"0"}"#),
        ("protocol_fee_set", ["v3"], #"{"type":"protocol_fee_set","pool":"P","fee_protocol0":4,"fee_protocol1":0}"#),
        ("protocol_fees_collected", ["v3"], #"{"type":"protocol_fees_collected","pool":"P","recipient":"r","amount0":"0","amount1":"0"}"#),
        ("swap", ["v2", "v3"], #"{"type":"swap","pool":"P","trader":"t","amount0_in":"1000","amount1_in":"0","amount0_out":"0","amount1_out":"1"}"#),
    ]

    /// One line of every command but `create_pool`, for pool `P`, and the models that take it.
    static let commands: [Entry] = [
        ("add_liquidity", ["v2"], #"{"cmd":"add_liquidity","pool":"P","provider":"lp","amount0_desired":"1000","amount1_desired":"1000"}"#),
        ("remove_liquidity", ["v2"], #"{"cmd":"remove_liquidity","pool":"P","provider":"lp","shares":"1"}"#),
        ("transfer_shares", ["v2"], #"{"cmd":"transfer_shares","pool":"P","from":"lp","to":"x","shares":"1"}"#),
        ("set_fee_to", ["v2"], #"{"cmd":"set_fee_to","pool":"P","fee_to":"f"}"#),
        ("mint_position", ["v3"], #"{"cmd":"mint_position","pool":"P","owner":"o","tick_lower":-60,"tick_upper":60,"liquidity":"1000"}"#),
        ("burn_position", ["v3"], #"{"cmd":"burn_position","pool":"P","owner":"lp","tick_lower":-600,"tick_upper":600,"liquidity":"1"}"#),
        ("collect", ["v3"], #"{"cmd":"collect","pool":"P","owner":"lp","tick_lower":-600,"tick_upper":600}"#),
        ("flash", ["v3"], #"{"cmd":"flash","pool":"P","recipient":"r","amount0":"1000","amount1":"0"}"#),
        ("set_fee_protocol", ["v3"], #"{"cmd":"set_fee_protocol","pool":"P","fee_protocol0":4,"fee_protocol1":0}"#),
        ("collect_protocol", ["v3"], #"{"cmd":"collect_protocol","pool":"P","recipient":"r"}"#),
        ("swap_exact_in", ["v2", "v3"], #"{"cmd":"swap_exact_in","pool":"P","trader":"t","token_in":"A","amount_in":"1000"}"#),
        ("swap_exact_out", ["v2", "v3"], #"{"cmd":"swap_exact_out","pool":"P","trader":"t","token_out":"A","amount_out":"10"}"#),
    ]

    func opened() throws -> LineFold {
        var fold = LineFold()
        try fold.fold(text: Self.opening.joined(separator: "\n"))
        return fold
    }

    /// The table names every fact type and command of the contract and its extension.
    @Test func theTableCoversEveryFactTypeAndCommand() throws {
        var seen: Set<String> = []
        for entry in Self.facts {
            guard case .fact(let fact) = try ContractCodec.decodeLine(entry.line.replacingOccurrences(of: "\"P\"", with: "\"v2\"")) else {
                Issue.record("\(entry.name) is not a fact line"); continue
            }
            #expect(fact.body.typeName == entry.name)
            seen.insert(entry.name)
        }
        #expect(seen.count == Self.facts.count)
        #expect(Set(Self.commands.map(\.name)).count == Self.commands.count)
        for entry in Self.commands {
            guard case .command(let command) = try ContractCodec.decodeLine(entry.line.replacingOccurrences(of: "\"P\"", with: "\"v2\"")) else {
                Issue.record("\(entry.name) is not a command line"); continue
            }
            #expect(command.body.commandName == entry.name)
        }
        // Thirteen fact types with pool_created, thirteen commands with create_pool (docs/format.md).
        #expect(Self.facts.count + 1 == 13)
        #expect(Self.commands.count + 1 == 13)
    }

    /// Sends every entry to each pool whose model does not take it; returns how many were refused.
    func refuseOtherModels(_ entries: [Entry]) throws -> Int {
        var refusals = 0
        for pool in ["v2", "v3"] {
            for entry in entries where !entry.models.contains(pool) {
                var fold = try opened()
                let before = fold.ledger
                let line = entry.line.replacingOccurrences(of: "\"P\"", with: "\"\(pool)\"")
                do {
                    try fold.fold(line: line, lineNumber: 5)
                    Issue.record("pool \(pool) took \(entry.name)")
                } catch {
                    #expect(error.location == .line(5))
                    #expect(error.rejection.rule == .ledger(.unsupportedModel), "\(pool) \(entry.name): \(error)")
                    #expect(error.description.hasPrefix("line 5: UNSUPPORTED_MODEL: "), "\(error)")
                    #expect(error.rejection.detail.contains(entry.name) && error.rejection.detail.contains("\"\(pool)\""), "\(error)")
                    refusals += 1
                }
                #expect(fold.ledger == before)
            }
        }
        return refusals
    }

    @Test func aFactOfTheOtherModelIsRefusedNamingTheLine() throws {
        // 5 constant-product facts sent to the V3 pool, 6 concentrated facts to the pair.
        #expect(try refuseOtherModels(Self.facts) == 11)
    }

    @Test func aCommandOfTheOtherModelIsRefusedNamingTheLine() throws {
        // 4 constant-product commands sent to the V3 pool, 6 concentrated commands to the pair.
        #expect(try refuseOtherModels(Self.commands) == 10)
    }

    /// The lines each model does take fold (or fail on a rule of their own), so
    /// the refusals above are about the model and not about the lines.
    @Test func theSameLinesAreNotRefusedByTheirOwnModel() throws {
        for pool in ["v2", "v3"] {
            for line in Self.facts.filter({ $0.models.contains(pool) }).map(\.line) + Self.commands.filter({ $0.models.contains(pool) }).map(\.line) {
                var fold = try opened()
                do {
                    try fold.fold(line: line.replacingOccurrences(of: "\"P\"", with: "\"\(pool)\""), lineNumber: 5)
                } catch {
                    #expect(error.rejection.rule != .ledger(.unsupportedModel), "\(pool): \(error)")
                }
            }
        }
    }
}
