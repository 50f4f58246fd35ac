#!/usr/bin/env bash
# The sequential 3-plugin add+del comparison alone, in more rounds than bench/run.sh affords: each
# round runs libcni-bench seq, jcni bench and jcni bench --prestart one after the other on the same
# noop plugin, and prints the round's ratios; the last line has their medians and ranges. On a
# shared host single rounds move by a fifth or more either way, so the spread is part of the result.
# Usage: bench/seq.sh [ROUNDS] [PAIRS]   (needs the reference tools: ../shared/ref/build-ref.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
R=${1:-9}
N=${2:-500}
REF=${REF:-/tmp/cniref/bin}
[ -x "$REF/libcni-bench" ] || { echo "build the reference tools first: ../shared/ref/build-ref.sh" >&2; exit 2; }
mvn -B -q -ntp -DskipTests package
work=$(mktemp -d)
caches=$(mktemp -d -p /dev/shm jcni-seq.XXXXXX) # tmpfs for both sides, as in bench/run.sh
trap 'rm -rf "$work" "$caches"' EXIT
mkdir -p "$work/conf" "$work/plugins" "$caches/libcni" "$caches/jcni"
linkage=$(build_noop "$work/plugins")
write_confs "$work/conf"
export NETCONFPATH="$work/conf" CNI_PATH="$work/plugins"
us() { grep -o '"us_per_op":[0-9.]*' | cut -d: -f2; }
for i in $(seq "$R"); do
  l=$("$REF/libcni-bench" seq -dir "$work/conf" -path "$work/plugins" -cache "$caches/libcni" -net noop3 -n "$N" -warmup 300 | us)
  j=$(java -jar target/jcni-cli.jar bench --net noop3 --n "$N" --cache-dir "$caches/jcni" | us)
  p=$(java -jar target/jcni-cli.jar bench --net noop3 --n "$N" --prestart --cache-dir "$caches/jcni" | us)
  echo "{\"round\":$i,\"libcni_us\":$l,\"jcni_us\":$j,\"jcni_prestart_us\":$p}" | tee -a "$work/rounds.jsonl"
done
python3 - "$work/rounds.jsonl" "$linkage" "$N" <<'PY'
import json, statistics, sys
rounds = [json.loads(l) for l in open(sys.argv[1])]
out = {"bench": "seq-rounds-noop3", "linkage": sys.argv[2], "pairs": int(sys.argv[3]),
       "rounds": len(rounds)}
for key, name in (("jcni_us", "ratio"), ("jcni_prestart_us", "ratio_prestart")):
    rs = sorted(round(r[key] / r["libcni_us"], 3) for r in rounds)
    out[name + "_median"] = statistics.median(rs)
    out[name + "_range"] = [rs[0], rs[-1]]
    out[name + "_per_round"] = [round(r[key] / r["libcni_us"], 3) for r in rounds]
print(json.dumps(out))
PY
