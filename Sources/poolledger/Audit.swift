import ArgumentParser
import DurableLedger
import PoolLedger
import PoolMath

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit every provider of a pool: claim, value against holding, impermanent loss, fees.",
        discussion: """
            Folds the pool's log from its creation (every fact re-checked) with each provider's \
            position: deposits, withdrawals and transfers, the cost basis still held (a withdrawal \
            or transfer takes its share of the basis pro rata) and the liquidity it bought.

            value       what the shares claim now (burn's payout), valued
            hodl_value  the basis still held, valued now
            il_value    the liquidity at deposit moved to today's price with no fees, minus hodl_value
            fee_value   value - hodl_value - il_value: what the fees paid back
            net_value   value - hodl_value; profitable when positive

            A concentrated (Uniswap V3) pool is audited per range position: range and its \
            prices, in range or not, liquidity, claimable amounts (burn all + collect), principal \
            and fees owed, uncollected and lifetime fees (collects count as principal first), and \
            value against holding: il_value = principal now - hodl_value (a V3 principal carries \
            no fees), fee_value = lifetime fees valued now, net_value = il_value + fee_value.

            Values are in token1 at the pool's price unless --price0 and --price1 give prices per \
            whole token in some numéraire. --json prints exact decimal strings (the README documents \
            the schema); the text form rounds them for reading.
            """)

    @Argument(help: "Pool id.") var pool: String
    @Option(help: "Audit as of the fact at this sequence number.") var at: UInt64?
    @Option(help: ArgumentHelp("Price of one whole token0 in the numéraire (with --price1).", valueName: "P")) var price0: String?
    @Option(help: ArgumentHelp("Price of one whole token1 in the numéraire (with --price0).", valueName: "P")) var price1: String?
    @Flag(help: "Also list providers who have left the pool (no shares now).") var all = false
    @Option(help: ArgumentHelp("Only this holder's positions: its direct positions and the NFTs it holds (V3), or its shares (V2).", valueName: "ADDR")) var holder: String?
    @Flag(help: "Print the audit as JSON.") var json = false
    @Flag(help: "Leave each position's entries (deposits, withdrawals, transfers) out of the JSON.") var noHistory = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (price0 == nil) == (price1 == nil) else { throw ValidationError("give both --price0 and --price1, or neither") }
    }

    func run() throws {
        let ledger = try database.open()
        let head = try ledger.head().seq
        if let at, at > head { throw Failure(message: "seq \(at) is beyond the end of the log (seq \(head))") }
        let fold = try ledger.auditFold(pool: pool, through: at)
        guard let state = fold.pool else {
            throw Failure(message: "UNKNOWN_POOL: no pool \"\(pool)\" at seq \(at ?? head)")
        }
        var valuation: Valuation?
        if let price0, let price1 {
            valuation = try Valuation.prices(price0: price0, price1: price1, pool: state)
        }
        switch state.body {
        case .constantProduct:
            guard var audit = try fold.audit(valuation: valuation, includeExited: all) else { return }
            if let holder { audit.providers = audit.providers.filter { $0.provider == holder } }
            Terminal.output(json ? AuditJSON.encode(audit, history: !noHistory).pretty + "\n" : AuditText.describe(audit))
        case .concentrated:
            guard var audit = try fold.concentratedAudit(valuation: valuation, includeExited: all) else { return }
            if let holder { audit = audit.holding(holder) }
            Terminal.output(json ? AuditJSON.encode(audit, history: !noHistory).pretty + "\n" : AuditText.describe(audit))
        }
    }
}

/// The audit for reading: values rounded to 6 places, percentages to 4.
enum AuditText {
    static func describe(_ audit: PoolAudit) -> String {
        let pool = audit.pool
        let unit = audit.valuation.map { $0.numeraire ?? "(numéraire)" } ?? ""
        let decimals = audit.valuation?.decimals ?? 0
        func value(_ amount: UInt256) -> String { SignedAmount(amount).roundedString(decimals: decimals, places: 6) }
        func signed(_ amount: SignedAmount) -> String {
            (amount.isPositive ? "+" : "") + amount.roundedString(decimals: decimals, places: 6)
        }
        var text = "audit of pool \(pool.pool) (\(pool.token0)/\(pool.token1)) at seq \(pool.seq)\n"
        text += "  price  1 \(pool.token0) = \(price(pool)) \(pool.token1)"
        text += audit.valuation == nil ? "; nothing to value\n" : "; values in \(unit)\n"
        if audit.providers.isEmpty { text += "  no providers\n" }
        for provider in audit.providers {
            let share = SignedAmount(provider.sharePercent).roundedString(decimals: 18, places: 4)
            text += "\n  \(provider.provider)  \(provider.shares) shares (\(share) %)\n"
            text += "    claim        \(units(provider.amount0, decimals: pool.decimals0)) \(pool.token0) + \(units(provider.amount1, decimals: pool.decimals1)) \(pool.token1)\n"
            if provider.shares.isZero {
                let p = provider.position
                text += "    left the pool: deposited \(units(p.deposited0, decimals: pool.decimals0)) \(pool.token0) + \(units(p.deposited1, decimals: pool.decimals1)) \(pool.token1), "
                text += "withdrew \(units(p.withdrawn0, decimals: pool.decimals0)) \(pool.token0) + \(units(p.withdrawn1, decimals: pool.decimals1)) \(pool.token1)\n"
                continue
            }
            text += "    basis        \(units(provider.position.basis0, decimals: pool.decimals0)) \(pool.token0) + \(units(provider.position.basis1, decimals: pool.decimals1)) \(pool.token1)\n"
            text += "    value        \(value(provider.value))\n"
            text += "    hodl value   \(value(provider.hodlValue))\n"
            let percent = provider.ilPercent.map { " (\($0.roundedString(decimals: 18, places: 4)) %)" } ?? ""
            text += "    impermanent  \(signed(provider.ilValue))\(percent)\n"
            text += "    fees         \(signed(provider.feeValue))\n"
            text += "    net          \(signed(provider.netValue))  \(provider.profitable ? "profitable" : "not profitable") since deposit\n"
        }
        if !audit.donations.isEmpty {
            var total0 = UInt256.zero, total1 = UInt256.zero
            for donation in audit.donations { total0 += donation.amount0; total1 += donation.amount1 }
            text += "\n  sync() took up tokens sent to the pair \(audit.donations.count) time(s): "
            text += "\(units(total0, decimals: pool.decimals0)) \(pool.token0) + \(units(total1, decimals: pool.decimals1)) \(pool.token1) (seq \(audit.donations.map { String($0.seq) }.joined(separator: ", ")))\n"
        }
        let c = audit.conservation
        text += "\n  conservation\n"
        text += "    reserve0 \(c.reserve0), claimed \(c.claimed0), dust \(c.dust0)\n"
        text += "    reserve1 \(c.reserve1), claimed \(c.claimed1), dust \(c.dust1)\n"
        text += "    shares   sum \(c.sharesSum) \(c.sharesSum == c.totalShares ? "==" : "!=") total \(c.totalShares); locked \(c.lockedShares)\n"
        text += "    protocol fee shares minted \(c.protocolFeeSharesMinted)"
        text += c.feeTo.map { "; fee_to \($0) holds \(c.feeToShares)\n" } ?? "; protocol fee off\n"
        text += "    \(c.holds ? "holds: claims within reserves, shares sum to the total" : "BROKEN: claims exceed reserves or shares do not sum")\n"
        return text
    }
}

extension AuditText {
    static func describe(_ audit: ConcentratedPoolAudit) -> String {
        let pool = audit.pool, v3 = audit.v3
        let unit = audit.valuation.map { $0.numeraire ?? "(numéraire)" } ?? ""
        let decimals = audit.valuation?.decimals ?? 0
        func value(_ amount: UInt256) -> String { SignedAmount(amount).roundedString(decimals: decimals, places: 6) }
        func signed(_ amount: SignedAmount) -> String { (amount.isPositive ? "+" : "") + amount.roundedString(decimals: decimals, places: 6) }
        func pair(_ a0: UInt256, _ a1: UInt256) -> String {
            "\(units(a0, decimals: pool.decimals0)) \(pool.token0) + \(units(a1, decimals: pool.decimals1)) \(pool.token1)"
        }
        func tickPrice(_ tick: Int32) -> String {
            guard let sqrt = try? TickMath.sqrtRatio(atTick: tick), let text = pool.priceText(sqrtPriceX96: sqrt) else { return "?" }
            return text
        }
        var text = "audit of concentrated pool \(pool.pool) (\(pool.token0)/\(pool.token1)) at seq \(pool.seq)\n"
        text += "  price  1 \(pool.token0) = \(pool.priceText ?? "?") \(pool.token1) (tick \(v3.tick), active liquidity \(v3.liquidity))"
        text += audit.valuation == nil ? "; nothing to value\n" : "; values in \(unit)\n"
        if audit.positions.isEmpty && audit.nfts.isEmpty { text += "  no positions\n" }
        func describe(_ position: RangePositionAudit, title: String) {
            let key = position.position.key
            text += "\n  \(title)  ticks \(key.tickLower)...\(key.tickUpper) (price \(tickPrice(key.tickLower))...\(tickPrice(key.tickUpper)))  \(position.inRange ? "in range" : "out of range")  liquidity \(position.liquidity)\n"
            text += "    principal    \(pair(position.principal0, position.principal1))\n"
            text += "    claimable    \(pair(position.claimable0, position.claimable1))  (burn all + collect)\n"
            text += "    fees         uncollected \(pair(position.uncollectedFees0, position.uncollectedFees1)); lifetime \(pair(position.lifetimeFees0, position.lifetimeFees1))\n"
            text += "    basis        \(pair(position.position.scaledBasis0 / Positions.liquidityScale, position.position.scaledBasis1 / Positions.liquidityScale))\n"
            guard audit.valuation != nil else { return }
            text += "    value        \(value(position.value))  (principal \(value(position.principalValue)))\n"
            text += "    hodl value   \(value(position.hodlValue))\n"
            let percent = position.ilPercent.map { " (\($0.roundedString(decimals: 18, places: 4)) %)" } ?? ""
            text += "    impermanent  \(signed(position.ilValue))\(percent)\n"
            text += "    fees value   +\(value(position.feeValue))\n"
            text += "    net          \(signed(position.netValue))  \(position.profitable ? "profitable" : "not profitable") since deposit\n"
        }
        for position in audit.positions {
            let owner = position.position.key.owner
            let manager = audit.v3.managers[owner] != nil
            describe(position, title: manager ? "\(owner) (position manager: the sum of its NFTs below)" : owner)
        }
        for nft in audit.nfts {
            describe(nft.audit, title: "NFT \(nft.key.tokenID) of \(nft.holder ?? "(burned)") (manager \(nft.key.manager))")
            text += "    tokens owed  \(pair(nft.tokensOwed0, nft.tokensOwed1))  (as the manager's positions() returns them)\n"
        }
        text += "\n  conservation\n"
        text += "    balance0 \(pool.reserve0), owed to positions and protocol \(audit.owed0)\n"
        text += "    balance1 \(pool.reserve1), owed to positions and protocol \(audit.owed1)\n"
        text += "    \(audit.holds ? "holds: the balances cover everything owed" : "BROKEN: the balances do not cover what is owed")\n"
        for range in audit.managerRanges {
            text += "    manager \(range.key.owner) ticks \(range.key.tickLower)...\(range.key.tickUpper): pool position \(range.poolLiquidity), NFTs \(range.nftLiquidity) \(range.holds ? "(holds)" : "(BROKEN)")\n"
        }
        return text
    }
}
