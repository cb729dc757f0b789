#!/usr/bin/env python3
"""The simplest alternative: an exact Python-int port of the Uniswap V2 pair,
folding the benchmark workload's facts with the same checks (minted shares,
pro-rata payouts, the fee-adjusted K check). Parsing is done first and not
timed; the fold is. One pool's facts are folded by one call of `fold`
(facts are grouped by pool while loading). Prints `events=N ... fold_per_second=R`."""
import json, math, sys, time

F = 1_000_000
MINIMUM_LIQUIDITY = 1000

def load(path):
    """Facts grouped by pool, in order (a pool's facts are folded by one call)."""
    groups = {}
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            t = e["type"]
            facts = groups.setdefault(e["pool"], [])
            if t == "swap":
                facts.append((0, int(e["amount0_in"]), int(e["amount1_in"]), int(e["amount0_out"]), int(e["amount1_out"])))
            elif t == "liquidity_added":
                facts.append((1, e["provider"], int(e["amount0"]), int(e["amount1"]), int(e["shares"])))
            elif t == "liquidity_removed":
                facts.append((2, e["provider"], int(e["shares"]), int(e["amount0"]), int(e["amount1"])))
            elif t == "pool_created":
                facts.append((3, e["fee_ppm"]))
            else:
                raise SystemExit("unsupported fact type " + t)
    return list(groups.values())

def fold(facts):
    r0 = r1 = total = 0
    fee = 3000
    shares = {}
    for f in facts:
        kind = f[0]
        if kind == 0:
            _, i0, i1, o0, o1 = f
            if o0 == 0 and o1 == 0: raise ValueError("INSUFFICIENT_OUTPUT_AMOUNT")
            if o0 >= r0 or o1 >= r1: raise ValueError("INSUFFICIENT_LIQUIDITY")
            b0 = r0 + i0 - o0
            b1 = r1 + i1 - o1
            if (b0 * F - i0 * fee) * (b1 * F - i1 * fee) < r0 * r1 * F * F: raise ValueError("K")
            if b0 >= 2**112 or b1 >= 2**112: raise ValueError("OVERFLOW")
            r0, r1 = b0, b1
        elif kind == 1:
            _, who, a0, a1, s = f
            if total == 0:
                minted = math.isqrt(a0 * a1) - MINIMUM_LIQUIDITY
                shares["0x0"] = MINIMUM_LIQUIDITY
                total = MINIMUM_LIQUIDITY
            else:
                minted = min(a0 * total // r0, a1 * total // r1)
            if minted <= 0 or minted != s: raise ValueError("SHARES_MISMATCH")
            shares[who] = shares.get(who, 0) + minted
            total += minted
            r0 += a0
            r1 += a1
        elif kind == 2:
            _, who, s, a0, a1 = f
            if shares.get(who, 0) < s: raise ValueError("INSUFFICIENT_SHARES")
            if s * r0 // total != a0 or s * r1 // total != a1: raise ValueError("PAYOUT_MISMATCH")
            shares[who] -= s
            total -= s
            r0 -= a0
            r1 -= a1
        else:
            fee = f[1]
    return r0, r1, total

if __name__ == "__main__":
    groups = load(sys.argv[1])
    events = sum(len(g) for g in groups)
    start = time.perf_counter()
    results = [fold(g) for g in groups]
    seconds = time.perf_counter() - start
    r0, r1, total = results[0]
    print(f"events={events} pools={len(groups)} fold_seconds={seconds} fold_per_second={int(events / seconds)} reserve0={r0} reserve1={r1}")
