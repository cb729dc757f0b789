import PoolMath

/// Writes a pool's facts back as the logs its pair would have emitted, in the
/// order the pair emits them (see `PairCall`). The pool is folded alongside
/// (every fact re-checked), since the logs carry what the facts leave
/// implicit: the reserves after each call (Sync), the protocol-fee mint and
/// the 1000 shares the first deposit locks.
public struct PairLogExport: Sendable {
    public let pair: String
    public private(set) var pool: PoolState?
    private var block: UInt64 = 0
    private var nextIndex: UInt64 = 0

    public init(pair: String) { self.pair = pair }

    /// The logs for the fact at `seq`. Blocks are the facts' own (`block`), or
    /// their sequence numbers when they have none; transactions are the part
    /// of a `tx:log_index` id before the colon, else one made from `seq`.
    public mutating func logs(for fact: Fact, seq: UInt64) throws(Rejection) -> [PairLog] {
        if case .poolCreated(let created) = fact.body, created.model != .constantProduct {
            throw Rejection(.unsupportedModel, "pair logs are Uniswap V2's; pool \(quoted(created.pool)) is \(created.model.rawValue)")
        }
        let before = pool
        var beforePair: ConstantProductPool?
        if case .constantProduct(let pair)? = before?.body { beforePair = pair }
        try Evolve.apply(fact, to: &pool)
        let after = pool!
        let factBlock = fact.block ?? seq
        guard factBlock >= block else {
            throw Rejection(.invalidField, "block \(factBlock) is before the previous fact's block \(block): logs need blocks in order")
        }
        if factBlock != block { nextIndex = 0 }
        block = factBlock
        let tx: String
        if let id = fact.id, let colon = id.lastIndex(of: ":"), colon != id.startIndex {
            tx = String(id[..<colon])
        } else {
            let hex = String(seq, radix: 16)
            tx = "0x" + String(repeating: "0", count: 64 - hex.count) + hex
        }
        var logs: [PairLog] = []
        func emit(_ event: PairLog.Event) {
            logs.append(PairLog(address: pair, block: factBlock, tx: tx, logIndex: nextIndex, time: fact.time, event: event))
            nextIndex += 1
        }
        func sync() { emit(.sync(reserve0: after.reserve0, reserve1: after.reserve1)) }
        func protocolFee() {
            guard let feeTo = before?.feeTo, let beforePair else { return }
            let minted = beforePair.protocolFeeShares(feeOn: true)
            if !minted.isZero { emit(.transfer(from: zeroAddress, to: feeTo, value: minted)) }
        }
        switch fact.body {
        case .poolCreated:
            break
        case .liquidityAdded(let deposit):
            protocolFee()
            if beforePair?.totalShares.isZero ?? true {
                emit(.transfer(from: zeroAddress, to: zeroAddress, value: ConstantProduct.minimumLiquidity))
            }
            emit(.transfer(from: zeroAddress, to: deposit.provider, value: deposit.shares))
            sync()
            emit(.mint(sender: deposit.provider, amount0: deposit.amount0, amount1: deposit.amount1))
        case .liquidityRemoved(let withdrawal):
            emit(.transfer(from: withdrawal.provider, to: pair, value: withdrawal.shares))
            protocolFee()
            emit(.transfer(from: pair, to: zeroAddress, value: withdrawal.shares))
            sync()
            emit(.burn(sender: withdrawal.provider, amount0: withdrawal.amount0, amount1: withdrawal.amount1, to: withdrawal.provider))
        case .swap(let swap):
            sync()
            emit(.swap(sender: swap.trader, amount0In: swap.amount0In, amount1In: swap.amount1In,
                       amount0Out: swap.amount0Out, amount1Out: swap.amount1Out, to: swap.trader))
        case .sharesTransferred(let transfer):
            emit(.transfer(from: transfer.from, to: transfer.to, value: transfer.shares))
        case .feeToSet(let change):
            emit(.feeTo(change.feeTo))
        case .reservesSynced:
            sync()
        default:
            // Refused by the fold above: not a fact of a pair.
            break
        }
        return logs
    }
}
