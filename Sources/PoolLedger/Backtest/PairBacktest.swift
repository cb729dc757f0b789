import PoolMath

/// Constant-product (V2) pools in a backtest: the recorded facts of what is
/// left in place, where they no longer hold in the changed pool, folded as
/// the commands they stand for.
///
/// - A swap, in `price-path`, is re-run as exact input of the most the
///   changed pool takes without its reserves' ratio passing the ratio the
///   recorded swap left (the price path kept, the volume adapting); in
///   `exact-input`, as the trader's order: exact input of what it paid, or
///   exact output of what it received where only that reproduces it in the
///   recorded pool (both: listed in `ambiguous`, run as exact input).
/// - A deposit, as the pair's mint of the same amounts (`exact_amounts`).
/// - A withdrawal or a transfer of shares, as the same fraction of what the
///   provider holds in the changed pool as the recorded one took of what it
///   held in the recorded pool.
extension Backtest {
    /// What a constant-product fact's re-decision needs of the recorded pool just before it.
    struct PairBefore {
        var reserve0: UInt256
        var reserve1: UInt256
        var feePPM: UInt32
        /// The shares the withdrawing provider, or the transfer's sender, held.
        var held: UInt256
    }

    /// A recorded fact of a constant-product pool refused in the changed pool (`refusal`), folded as the command it stands for.
    mutating func foldPairChanged(_ recorded: Fact, _ before: PairBefore, refusal: Rejection) throws(BacktestError) {
        let name = recorded.id ?? "#\(folded)"
        let body: CommandBody
        switch recorded.body {
        case .swap(let swap):
            try rerunPair(swap, recorded, before)
            return
        case .liquidityAdded(let f):
            body = .addLiquidity(AddLiquidity(pool: pool, provider: f.provider, amount0Desired: f.amount0, amount1Desired: f.amount1, exactAmounts: true))
        case .liquidityRemoved(let f):
            body = .removeLiquidity(RemoveLiquidity(pool: pool, provider: f.provider, shares: try sameFraction(f.shares, of: before.held, holder: f.provider, name)))
        case .sharesTransferred(let f):
            body = .transferShares(SharesTransferred(pool: pool, from: f.from, to: f.to, shares: try sameFraction(f.shares, of: before.held, holder: f.from, name)))
        default:
            throw BacktestError("fact \(name) (\(recorded.body.typeName)) no longer holds in the changed pool and has no command to stand for it yet: \(refusal)")
        }
        redecided += 1
        try foldDecided(recorded, body)
    }

    /// `shares` of `held` in the recorded pool, as a fraction of what `holder` holds in the changed one (rounded down).
    func sameFraction(_ shares: UInt256, of held: UInt256, holder: String, _ name: String) throws(BacktestError) -> UInt256 {
        guard case .constantProduct(let pair)? = changedFold.audit.pool?.body else { return .zero }
        let now = pair.shares(of: holder)
        guard !held.isZero, let part = UInt256.mulDiv(shares, now, held) else {
            throw BacktestError("fact \(name): \(holder) held no shares in the recorded pool to take \(shares) of")
        }
        return part
    }

    /// The command a recorded fact stands for, decided against the changed pool and folded there.
    mutating func foldDecided(_ recorded: Fact, _ body: CommandBody) throws(BacktestError) {
        let fact = try decided(recorded, body)
        do throws(Rejection) { try changedFold.fold(fact) } catch {
            throw BacktestError("fact \(recorded.id ?? "#\(folded)") re-run in the changed pool is refused: \(error)")
        }
    }

    /// A recorded constant-product swap re-run in the changed pool in the mode's way.
    mutating func rerunPair(_ swap: Swap, _ recorded: Fact, _ before: PairBefore) throws(BacktestError) {
        let name = recorded.id ?? "#\(folded)"
        let in0 = !swap.amount0In.isZero, in1 = !swap.amount1In.isZero
        guard in0 != in1, let state = changedFold.audit.pool, case .constantProduct(let pair) = state.body else {
            throw BacktestError("swap \(name) pays \(in0 ? "both tokens" : "no token") in: it has no one order to re-run")
        }
        let zeroForOne = in0
        let amountIn = zeroForOne ? swap.amount0In : swap.amount1In, amountOut = zeroForOne ? swap.amount1Out : swap.amount0Out
        /// The router's swap of `input` in, or of `output` out, as a fact (the fold checks it as any).
        func swapFact(input: UInt256?, output: UInt256?) throws(BacktestError) -> Fact {
            let paid: (UInt256, UInt256)
            do throws(PairRule) {
                let (reserveIn, reserveOut) = zeroForOne ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
                if let input {
                    paid = (input, try ConstantProduct.amountOut(amountIn: input, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: state.feePPM))
                } else {
                    paid = (try ConstantProduct.amountIn(amountOut: output!, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: state.feePPM), output!)
                }
            } catch {
                throw BacktestError("swap \(name) re-run in the changed pool (\(mode.rawValue)): \(error)")
            }
            let body = zeroForOne
                ? Swap(pool: pool, trader: swap.trader, amount0In: paid.0, amount1Out: paid.1)
                : Swap(pool: pool, trader: swap.trader, amount1In: paid.0, amount0Out: paid.1)
            return Fact(.swap(body), id: recorded.id, time: recorded.time, block: recorded.block)
        }
        let fact: Fact
        switch mode {
        case .pricePath:
            // The ratio the recorded swap left, in the swap's direction.
            let after0 = before.reserve0 + swap.amount0In - swap.amount0Out, after1 = before.reserve1 + swap.amount1In - swap.amount1Out
            let target = zeroForOne ? (after0, after1) : (after1, after0)
            let reserves = zeroForOne ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
            guard let input = Self.inputToRatio(reserveIn: reserves.0, reserveOut: reserves.1, targetIn: target.0, targetOut: target.1, feePPM: state.feePPM) else {
                // Already at (or past) that ratio: nothing to trade.
                skipped += 1
                return
            }
            fact = try swapFact(input: input, output: nil)
        case .exactInput:
            let (reserveIn, reserveOut) = zeroForOne ? (before.reserve0, before.reserve1) : (before.reserve1, before.reserve0)
            // Which order reproduces the recorded swap in the recorded pool (a form the router refuses there is not it).
            var byInput = false, byOutput = false
            do throws(PairRule) {
                byInput = try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: before.feePPM) == amountOut
            } catch {}
            do throws(PairRule) {
                byOutput = try ConstantProduct.amountIn(amountOut: amountOut, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: before.feePPM) == amountIn
            } catch {}
            if byInput && byOutput { noteAmbiguous(name) }
            fact = byOutput && !byInput ? try swapFact(input: nil, output: amountOut) : try swapFact(input: amountIn, output: nil)
        case .proRata:
            preconditionFailure("pro-rata leaves the recorded pool as it was")
        }
        repriced += 1
        do throws(Rejection) { try changedFold.fold(fact) } catch {
            throw BacktestError("swap \(name) re-run in the changed pool is refused: \(error)")
        }
    }

    /// The most input (exact input, the router's output for it) that leaves
    /// the reserves' ratio out/in not below `targetOut/targetIn`; nil when
    /// even one unit would pass it. The answer is the exact integer boundary
    /// of that comparison (a floating-point estimate only says where to start
    /// looking), so it is the same on every machine.
    static func inputToRatio(reserveIn: UInt256, reserveOut: UInt256, targetIn: UInt256, targetOut: UInt256, feePPM: UInt32) -> UInt256? {
        // Reserves stay within uint112: the largest input the pair can hold.
        let ceiling = (UInt256.one << 112) - 1
        guard reserveIn < ceiling, !targetIn.isZero else { return nil }
        let most = ceiling - reserveIn
        /// Whether input `a` leaves (out - paid) / (in + a) >= target.
        func holds(_ a: UInt256) -> Bool {
            guard !a.isZero else { return true }
            let paid: UInt256
            do throws(PairRule) {
                paid = try ConstantProduct.amountOut(amountIn: a, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: feePPM)
            } catch {
                return false
            }
            let (left, o1) = (reserveOut - paid).multipliedReportingOverflow(by: targetIn)
            let (right, o2) = (reserveIn + a).multipliedReportingOverflow(by: targetOut)
            return !o1 && !o2 && left >= right
        }
        // Already at the ratio, or past it: nothing to trade.
        guard holds(.zero) else { return nil }
        // Where the continuous curve meets the ratio, g the fee complement:
        // g a^2 + x (1 + g) a + x^2 - x y tIn / tOut = 0; then one Newton step
        // on the exact residual. Floats only say where to look.
        let x = Double(reserveIn), y = Double(reserveOut), tIn = Double(targetIn), tOut = Double(targetOut)
        let g = Double(1_000_000 - feePPM) / 1_000_000
        let root = ((x * (1 - g)) * (x * (1 - g)) + 4 * g * x * y * (tIn / tOut)).squareRoot()
        let estimate = (root - x * (1 + g)) / (2 * g)
        /// floor(value) as an integer, clamped to [0, most].
        func integer(_ value: Double) -> UInt256 {
            guard value.isFinite, value >= 1 else { return .zero }
            guard value < Double(most) else { return most }
            // Two words (the standard library's Double to UInt128 is generic, and slow here).
            let high = (value / 0x1p64).rounded(.down)
            return UInt256(high: 0, low: UInt128(UInt64(high)) << 64 | UInt128(UInt64(value - high * 0x1p64)))
        }
        var guess = max(.one, integer(estimate))
        // The estimate is a double, a few units in its last place off: one
        // Newton step from it, its residual exact and its correction (small)
        // added to the integer, lands within a unit of output of the boundary.
        if guess < most {
            do throws(PairRule) {
                let paid = try ConstantProduct.amountOut(amountIn: guess, reserveIn: reserveIn, reserveOut: reserveOut, feePPM: feePPM)
                let (left, o1) = (reserveOut - paid).multipliedReportingOverflow(by: targetIn)
                let (right, o2) = (reserveIn + guess).multipliedReportingOverflow(by: targetOut)
                if !o1 && !o2 {
                    let scaled = x + g * Double(guess)
                    let slope = tIn * g * y * x / (scaled * scaled) + tOut
                    if left >= right {
                        let step = integer(Double(left - right) / slope)
                        guess = most - guess > step ? guess + step : most
                    } else {
                        let step = integer(Double(right - left) / slope)
                        guess = guess > step ? guess - step : .one
                    }
                }
            } catch {
                // Past what the pair pays out: the search below starts from the estimate as it is.
            }
        }
        // From the guess (within a unit or two of the boundary but where a unit
        // of output is worth many of input), gallop to a bracket (good, bad)...
        var good: UInt256, bad: UInt256
        var step = UInt256.one
        if holds(guess) {
            good = guess
            while true {
                guard good < most else { return most }
                let next = most - good > step ? good + step : most
                if !holds(next) { bad = next; break }
                good = next
                step = step << 1
            }
        } else {
            bad = guess
            while true {
                let next = bad > step ? bad - step : .zero
                if holds(next) { good = next; break }
                bad = next
                step = step << 1
            }
        }
        // ... then halve it.
        while bad - good > 1 {
            let middle = good + (bad - good) / 2
            if holds(middle) { good = middle } else { bad = middle }
        }
        // Not even one unit keeps the ratio: nothing to trade.
        return good.isZero ? nil : good
    }
}
