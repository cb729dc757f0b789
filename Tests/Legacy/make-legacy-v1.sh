#!/usr/bin/env bash
# Writes a small ledger database with the release binary of the code *before* the
# model-folder change (commit 9833e91), with the states and export that release
# printed for it, for Tests/DurableLedgerTests/LegacyDatabaseTests. It was run with
# the release build of 9833e91; to redo that from a clean tree:
#
#   git worktree add /tmp/old 9833e91 && (cd /tmp/old && swift build -c release)
#   Tests/Legacy/make-legacy-v1.sh /tmp/old/.build/release/poolledger Tests/Legacy .
#
# Do not rerun it with a newer binary: the files are the old release's word.
set -euo pipefail
BIN=$1; OUT=$2; ROOT=$3
rm -f "$OUT"/legacy-v1.sqlite*
DB="$OUT/legacy-v1.sqlite"
P() { "$BIN" "$@" --db "$DB"; }
P snapshot --interval 4
"$BIN" fold "$ROOT/Events/quickstart.jsonl" --events "$OUT/quickstart.facts.jsonl" > /dev/null
P import "$OUT/quickstart.facts.jsonl"; rm "$OUT/quickstart.facts.jsonl"
P run "$ROOT/Events/examples/v3-range.commands.jsonl"
P run "$ROOT/Events/examples/il-c-round-trip-fees.commands.jsonl"
P set-fee-to TKA-TKB feeto --time 1700000100
P transfer TKA-TKB carol frank 1000000000 --time 1700000200
P swap TKA-TKB dave --in TKA 1000000000000000 --time 1700000300
P snapshot
P swap eth-dai-v3 carol --in ETH 100000000000000000
P withdraw TKA-TKB frank 1000000000
for pool in TKA-TKB WETH-DAI eth-dai-v3 ETH-USDC-30; do P state "$pool" --json; done > "$OUT/legacy-v1.states.json"
P verify
P export > "$OUT/legacy-v1.export.jsonl"
python3 - "$BIN" "$DB" "$OUT/legacy-v1.states.json" <<'PY'
import json, subprocess, sys
bin, db, out = sys.argv[1:]
def state(pool, at=None):
    args = [bin, "state", pool, "--json", "--db", db] + (["--at", str(at)] if at else [])
    p = subprocess.run(args, capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else None
pools = ["ETH-USDC-30", "TKA-TKB", "WETH-DAI", "eth-dai-v3"]
result = {"head": {p: state(p) for p in pools}, "at_seq_13": {p: s for p in pools if (s := state(p, 13))}}
open(out, "w").write(json.dumps(result, indent=1) + "\n")
PY
