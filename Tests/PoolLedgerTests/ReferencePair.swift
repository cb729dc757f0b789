import BigInt

/// An independent model of a Uniswap V2 pair and its router, written here in
/// unbounded BigUInt arithmetic straight from UniswapV2Pair.sol,
/// UniswapV2Library.sol and UniswapV2Router02.sol (with fee_ppm for 997/1000).
/// It shares no code with PoolLedger: the differential test compares the two.
struct ReferencePair {
    static let minimumLiquidity = BigUInt(1000)
    static let maxReserve = (BigUInt(1) << 112) - 1
    static let F = BigUInt(1_000_000)
    static let zero = "0x0000000000000000000000000000000000000000"

    let fee: BigUInt
    var feeTo: String?
    var reserve0 = BigUInt(0)
    var reserve1 = BigUInt(0)
    var totalSupply = BigUInt(0)
    var kLast = BigUInt(0)
    var balanceOf: [String: BigUInt] = [:]

    init(feePPM: UInt32, feeTo: String?) {
        fee = BigUInt(feePPM)
        self.feeTo = feeTo
    }

    struct Revert: Error {}

    var G: BigUInt { ReferencePair.F - fee }

    func balance(_ owner: String) -> BigUInt { balanceOf[owner] ?? 0 }

    mutating func credit(_ owner: String, _ amount: BigUInt) { balanceOf[owner] = balance(owner) + amount }

    mutating func debit(_ owner: String, _ amount: BigUInt) throws {
        guard balance(owner) >= amount else { throw Revert() }
        balanceOf[owner] = balance(owner) - amount
    }

    /// UniswapV2Pair._mintFee; returns feeOn.
    mutating func mintFee() -> Bool {
        let feeOn = feeTo != nil
        if feeOn {
            if kLast != 0 {
                let rootK = (reserve0 * reserve1).squareRoot()
                let rootKLast = kLast.squareRoot()
                if rootK > rootKLast {
                    let liquidity = totalSupply * (rootK - rootKLast) / (rootK * 5 + rootKLast)
                    if liquidity > 0 {
                        credit(feeTo!, liquidity)
                        totalSupply += liquidity
                    }
                }
            }
        } else if kLast != 0 {
            kLast = 0
        }
        return feeOn
    }

    func update(_ balance0: BigUInt, _ balance1: BigUInt) throws {
        guard balance0 <= ReferencePair.maxReserve, balance1 <= ReferencePair.maxReserve else { throw Revert() }
    }

    mutating func mint(to: String, amount0: BigUInt, amount1: BigUInt) throws {
        let balance0 = reserve0 + amount0, balance1 = reserve1 + amount1
        try update(balance0, balance1)
        let feeOn = mintFee()
        let liquidity: BigUInt
        if totalSupply == 0 {
            let root = (amount0 * amount1).squareRoot()
            guard root > ReferencePair.minimumLiquidity else { throw Revert() }
            liquidity = root - ReferencePair.minimumLiquidity
            credit(ReferencePair.zero, ReferencePair.minimumLiquidity)
            totalSupply += ReferencePair.minimumLiquidity
        } else {
            liquidity = Swift.min(amount0 * totalSupply / reserve0, amount1 * totalSupply / reserve1)
        }
        guard liquidity > 0 else { throw Revert() }
        credit(to, liquidity)
        totalSupply += liquidity
        reserve0 = balance0
        reserve1 = balance1
        if feeOn { kLast = reserve0 * reserve1 }
    }

    mutating func burn(from: String, liquidity: BigUInt) throws -> (BigUInt, BigUInt) {
        guard from != ReferencePair.zero else { throw Revert() }
        try debit(from, liquidity)
        let feeOn = mintFee()
        let amount0 = liquidity * reserve0 / totalSupply
        let amount1 = liquidity * reserve1 / totalSupply
        guard amount0 > 0, amount1 > 0 else { throw Revert() }
        totalSupply -= liquidity
        reserve0 -= amount0
        reserve1 -= amount1
        if feeOn { kLast = reserve0 * reserve1 }
        return (amount0, amount1)
    }

    mutating func swap(in0: BigUInt, in1: BigUInt, out0: BigUInt, out1: BigUInt) throws {
        guard out0 > 0 || out1 > 0 else { throw Revert() }
        guard out0 < reserve0, out1 < reserve1 else { throw Revert() }
        guard in0 > 0 || in1 > 0 else { throw Revert() }
        let balance0 = reserve0 + in0 - out0, balance1 = reserve1 + in1 - out1
        try update(balance0, balance1)
        let adjusted0 = balance0 * ReferencePair.F - in0 * fee
        let adjusted1 = balance1 * ReferencePair.F - in1 * fee
        guard adjusted0 * adjusted1 >= reserve0 * reserve1 * ReferencePair.F * ReferencePair.F else { throw Revert() }
        reserve0 = balance0
        reserve1 = balance1
    }

    // MARK: router

    func quote(_ amountA: BigUInt, _ reserveA: BigUInt, _ reserveB: BigUInt) throws -> BigUInt {
        guard amountA > 0, reserveA > 0, reserveB > 0 else { throw Revert() }
        return amountA * reserveB / reserveA
    }

    mutating func addLiquidity(provider: String, desired0: BigUInt, desired1: BigUInt, min0: BigUInt, min1: BigUInt) throws {
        var amounts = (desired0, desired1)
        if !(reserve0 == 0 && reserve1 == 0) {
            let optimal1 = try quote(desired0, reserve0, reserve1)
            if optimal1 <= desired1 {
                guard optimal1 >= min1 else { throw Revert() }
                amounts = (desired0, optimal1)
            } else {
                let optimal0 = try quote(desired1, reserve1, reserve0)
                guard optimal0 <= desired0, optimal0 >= min0 else { throw Revert() }
                amounts = (optimal0, desired1)
            }
        }
        try mint(to: provider, amount0: amounts.0, amount1: amounts.1)
    }

    mutating func removeLiquidity(provider: String, liquidity: BigUInt, min0: BigUInt, min1: BigUInt) throws {
        var trial = self
        let (amount0, amount1) = try trial.burn(from: provider, liquidity: liquidity)
        guard amount0 >= min0, amount1 >= min1 else { throw Revert() }
        self = trial
    }

    mutating func swapExactIn(zeroForOne: Bool, amountIn: BigUInt, minOut: BigUInt) throws {
        let (reserveIn, reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0)
        guard amountIn > 0, reserveIn > 0, reserveOut > 0 else { throw Revert() }
        let inWithFee = amountIn * G
        let out = inWithFee * reserveOut / (reserveIn * ReferencePair.F + inWithFee)
        guard out >= minOut else { throw Revert() }
        if zeroForOne {
            try swap(in0: amountIn, in1: 0, out0: 0, out1: out)
        } else {
            try swap(in0: 0, in1: amountIn, out0: out, out1: 0)
        }
    }

    mutating func swapExactOut(oneForZero: Bool, amountOut: BigUInt, maxIn: BigUInt?) throws {
        let (reserveIn, reserveOut) = oneForZero ? (reserve1, reserve0) : (reserve0, reserve1)
        guard amountOut > 0, reserveIn > 0, reserveOut > 0, amountOut < reserveOut else { throw Revert() }
        let amountIn = reserveIn * amountOut * ReferencePair.F / ((reserveOut - amountOut) * G) + 1
        if let maxIn, amountIn > maxIn { throw Revert() }
        if oneForZero {
            try swap(in0: 0, in1: amountIn, out0: amountOut, out1: 0)
        } else {
            try swap(in0: amountIn, in1: 0, out0: 0, out1: amountOut)
        }
    }

    mutating func transfer(from: String, to: String, amount: BigUInt) throws {
        guard from != ReferencePair.zero else { throw Revert() }
        try debit(from, amount)
        credit(to, amount)
    }
}
