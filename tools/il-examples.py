#!/usr/bin/env python3
"""Writes the impermanent-loss worked examples as command files.

The commands are inputs: this script only picks swap sizes (by bisection on
Uniswap V2's own getAmountOut, exact integers) that bring each pool's price
to the example's target. Every number the audit reports is then computed by
the ledger: `poolledger run FILE && poolledger audit POOL`.

    python3 tools/il-examples.py        # rewrites Events/examples/il-*.commands.jsonl
"""
import json
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Events", "examples")
PPM = 1_000_000


def amount_out(amount_in, reserve_in, reserve_out, fee_ppm):
    with_fee = amount_in * (PPM - fee_ppm)
    return with_fee * reserve_out // (reserve_in * PPM + with_fee)


class Pool:
    def __init__(self, r0, r1, fee_ppm, d0, d1):
        self.r0, self.r1, self.fee, self.d0, self.d1 = r0, r1, fee_ppm, d0, d1

    def price(self):  # whole token1 per whole token0
        return (self.r1 / 10**self.d1) / (self.r0 / 10**self.d0)

    def swap(self, token_in, amount):
        if token_in == 1:
            out = amount_out(amount, self.r1, self.r0, self.fee)
            self.r1 += amount
            self.r0 -= out
        else:
            out = amount_out(amount, self.r0, self.r1, self.fee)
            self.r0 += amount
            self.r1 -= out
        return out

    def amount_to_price(self, token_in, target):
        """The smallest input that takes the price to the target or past it."""
        low, high = 0, 1
        moved = lambda a: self._after(token_in, a)
        past = (lambda p: p >= target) if token_in == 1 else (lambda p: p <= target)
        while not past(moved(high)):
            high *= 2
        while high - low > 1:
            mid = (low + high) // 2
            if past(moved(mid)):
                high = mid
            else:
                low = mid
        # whichever of low/high lands closer
        return min((low, high), key=lambda a: abs(moved(a) - target))

    def _after(self, token_in, amount):
        trial = Pool(self.r0, self.r1, self.fee, self.d0, self.d1)
        trial.swap(token_in, amount)
        return trial.price()


def write(name, commands):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        for command in commands:
            f.write(json.dumps(command, separators=(",", ":")) + "\n")
    print("wrote", os.path.relpath(path))


def create(pool, token0, token1, d0, d1, fee, time):
    return {"cmd": "create_pool", "pool": pool, "token0": token0, "token1": token1,
            "decimals0": d0, "decimals1": d1, "fee_ppm": fee, "time": time}


def deposit(pool, provider, a0, a1, time):
    return {"cmd": "add_liquidity", "pool": pool, "provider": provider,
            "amount0_desired": str(a0), "amount1_desired": str(a1), "time": time}


def swap(pool, trader, token, amount, time):
    return {"cmd": "swap_exact_in", "pool": pool, "trader": trader, "token_in": token,
            "amount_in": str(amount), "time": time}


E18, E6 = 10**18, 10**6
T0 = 1_700_000_000

# (a) 50 ETH / 50,000 USDT, bob owns 20 %, ETH goes to 2,000 USDT (no fee).
pool = Pool(50 * E18, 50_000 * E6, 0, 18, 6)
amount = pool.amount_to_price(1, 2000)
write("il-a-eth-usdt-2000.commands.jsonl", [
    create("ETH-USDT", "ETH", "USDT", 18, 6, 0, T0),
    deposit("ETH-USDT", "alice", 40 * E18, 40_000 * E6, T0),
    deposit("ETH-USDT", "bob", 10 * E18, 10_000 * E6, T0 + 60),
    swap("ETH-USDT", "arbitrageur", "USDT", amount, T0 + 3600),
])

# (b) 1 ETH + 3,000 USDC, ETH goes to 6,000 (no fee).
pool = Pool(1 * E18, 3_000 * E6, 0, 18, 6)
amount = pool.amount_to_price(1, 6000)
write("il-b-eth-usdc-6000.commands.jsonl", [
    create("ETH-USDC", "ETH", "USDC", 18, 6, 0, T0),
    deposit("ETH-USDC", "carol", 1 * E18, 3_000 * E6, T0),
    swap("ETH-USDC", "arbitrageur", "USDC", amount, T0 + 3600),
])

# (c) 0.3 % fee; dana owns 1 % (1 ETH + 3,200 USDC); the price goes to 3,700
# and back to 3,200 over two round trips with 80,000 USDC of volume in all.
commands = [
    create("ETH-USDC-30", "ETH", "USDC", 18, 6, 3000, T0),
    deposit("ETH-USDC-30", "lp", 99 * E18, 316_800 * E6, T0),
    deposit("ETH-USDC-30", "dana", 1 * E18, 3_200 * E6, T0 + 60),
]
pool = Pool(100 * E18, 320_000 * E6, 3000, 18, 6)
volume = 0
up = pool.amount_to_price(1, 3700)
pool.swap(1, up)
volume += up
down = pool.amount_to_price(0, 3200)
volume += pool.swap(0, down)
commands += [swap("ETH-USDC-30", "trader", "USDC", up, T0 + 3600),
             swap("ETH-USDC-30", "trader", "ETH", down, T0 + 7200)]
# The second round trip: USDC in, then ETH in back to 3,200, sized so that
# the four USDC legs add up to 80,000 USDC (bisection on the first leg).
def second_trip(usdc_in):
    trial = Pool(pool.r0, pool.r1, pool.fee, 18, 6)
    trial.swap(1, usdc_in)
    back = trial.amount_to_price(0, 3200)
    return trial.swap(0, back), back
low, high = 0, 80_000 * E6
while high - low > 1:
    mid = (low + high) // 2
    if volume + mid + second_trip(mid)[0] >= 80_000 * E6:
        high = mid
    else:
        low = mid
usdc_in = high
_, back = second_trip(usdc_in)
commands += [swap("ETH-USDC-30", "trader", "USDC", usdc_in, T0 + 10800),
             swap("ETH-USDC-30", "trader", "ETH", back, T0 + 14400)]
write("il-c-round-trip-fees.commands.jsonl", commands)

# (d) a 2x move, here ETH halving from 3,000 to 1,500 (no fee): 5.72 %.
pool = Pool(10 * E18, 30_000 * E6, 0, 18, 6)
amount = pool.amount_to_price(0, 1500)
write("il-d-halving.commands.jsonl", [
    create("ETH-USDC-D", "ETH", "USDC", 18, 6, 0, T0),
    deposit("ETH-USDC-D", "erin", 10 * E18, 30_000 * E6, T0),
    swap("ETH-USDC-D", "arbitrageur", "ETH", amount, T0 + 3600),
])
