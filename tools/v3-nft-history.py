#!/usr/bin/env python3
"""A V3 command history of N lines with NFT positions, for measuring
(timeline's memory, raw-log import speed): two positions held directly,
five NFTs in shared and overlapping ranges, a mean-reverting walk of swaps
and an NFT collect every 5,000 lines. Deterministic (seeded).

    tools/v3-nft-history.py 1000000 > v3-nft-1m.commands.jsonl
    poolledger run v3-nft-1m.commands.jsonl --db v3.sqlite
    /usr/bin/time -v poolledger timeline eth-dai-v3 --csv --db v3.sqlite > /dev/null
"""
import json, random, sys

n = int(sys.argv[1])
r = random.Random(7)
P, E = "eth-dai-v3", 10**18
out = sys.stdout
def c(**k): out.write(json.dumps(k, separators=(",", ":")) + "\n")
c(cmd="create_pool", pool=P, token0="ETH", token1="DAI", decimals0=18, decimals1=18, fee_ppm=3000, model="concentrated",
  tick_spacing=60, sqrt_price_x96="3544462429523745744168060715008")
c(cmd="mint_position", pool=P, owner="alice", tick_lower=73140, tick_upper=79020, liquidity=str(10000 * E))
c(cmd="mint_position", pool=P, owner="bob", tick_lower=69060, tick_upper=82920, liquidity=str(5000 * E))
for holder, lower, upper in [("carol", 73140, 79020), ("dave", 75000, 77040), ("erin", 74400, 76200), ("frank", 69060, 82920), ("gina", 73140, 79020)]:
    c(cmd="mint_nft_position", pool=P, holder=holder, tick_lower=lower, tick_upper=upper, liquidity=str(2000 * E))
drift = 0
for step in range(n - 8):
    if step % 5000 == 4999:
        c(cmd="collect_nft", pool=P, token_id=str(1 + (step // 5000) % 5))
        continue
    # Mean-reverting: sell DAI more often after ETH sales, and the other way round.
    up = r.random() < 0.5 - drift * 0.08
    amount = r.uniform(0.1, 2.0)
    if up:
        c(cmd="swap_exact_in", pool=P, trader="t", token_in="DAI", amount_in=str(int(amount * 2000) * E))
        drift += 1
    else:
        c(cmd="swap_exact_in", pool=P, trader="t", token_in="ETH", amount_in=str(int(amount * 1000) * E // 1000))
        drift -= 1
