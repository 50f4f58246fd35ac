#!/usr/bin/env bash
# jcni against Go's libcni, side by side in one run, on the same noop plugin binary:
#   invoke  one plugin invocation: jcni (each launcher, JMH) vs the C spawn floor   (bench/invoke.sh)
#   parse   conflist parsing: jcni (JMH) vs libcni ConfListFromBytes                (bench/parse.sh)
#   seq     3-plugin add+del pairs, sequential: jcni bench vs libcni-bench seq; jcni also with
#           --prestart (CniClient.Builder.prestartPlugins: two plugins started ahead) and
#           --prestart-ahead 1; and the 1-plugin list
#   conc    3-plugin add+del pairs, 8 workers: jcni bench vs libcni-bench conc
#   gc      one GC deleting 10,000 cached attachments (1 plugin), per attachment vs the floor
#   cli     jcni add + jcni del as processes vs cnitool add + del, 3-plugin list
# Rounds alternate the sides so all see the same machine load; medians are reported, and for
# add+del the median of each round's jcni/libcni ratio. Each side gets untimed warm-up pairs
# first: libcni 300 (40 with 8 workers), jcni until its JIT has settled (jcni bench --warmup
# auto; a runtime is a long-lived process, whose JIT has compiled the hot path long before its
# thousandth pod).
# Writes target/bench/results.jsonl and docs/benchmarks.svg (the chart of docs/benchmarks.md).
# Usage: bench/run.sh [ROUNDS]   (needs the reference tools: ../shared/ref/build-ref.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
R=${1:-5}
REF=${REF:-/tmp/cniref/bin}
[ -x "$REF/libcni-bench" ] || { echo "build the reference tools first: ../shared/ref/build-ref.sh" >&2; exit 2; }
out=target/bench
mkdir -p "$out"
: >"$out/results.jsonl"
mvn -B -q -ntp -Pbench -DskipTests package
linkage=$(build_noop "$out")
echo "{\"bench\":\"noop-plugin\",\"linkage\":\"$linkage\"}" | tee -a "$out/results.jsonl"
work=$(mktemp -d)
# The attachment caches live on tmpfs for both sides: on this VM's ext4 one file create takes
# anywhere from 15 us to 1 ms (journal commits), noise that would swamp what is compared.
caches=$(mktemp -d -p /dev/shm jcni-bench.XXXXXX)
trap 'rm -rf "$work" "$caches"' EXIT
mkdir -p "$work/conf" "$work/plugins" "$caches/libcni" "$caches/jcni"
cp "$out/noop-plugin" "$work/plugins/noop-plugin"
write_confs "$work/conf"
export NETCONFPATH="$work/conf" CNI_PATH="$work/plugins"
JCNI=(java -jar target/jcni-cli.jar)

echo "== invoke" >&2
PLUGIN="$work/plugins/noop-plugin" bench/invoke.sh "$R" | sed "s/\x1b\[[0-9;]*m//g" | grep "^{" | tee -a "$out/results.jsonl"
echo "== parse" >&2
bench/parse.sh "$R" | sed "s/\x1b\[[0-9;]*m//g" | grep "^{" | tee -a "$out/results.jsonl"

echo "== seq / conc / gc" >&2
for i in $(seq "$R"); do
  "$REF/libcni-bench" seq -dir "$work/conf" -path "$work/plugins" -cache "$caches/libcni" -net noop3 -n 500 -warmup 300 >>"$work/libcni-seq.jsonl"
  "${JCNI[@]}" bench --net noop3 --n 500 --cache-dir "$caches/jcni" >>"$work/jcni-seq.jsonl"
  "${JCNI[@]}" bench --net noop3 --n 500 --prestart --cache-dir "$caches/jcni" >>"$work/jcni-seq-prestart.jsonl"
  "${JCNI[@]}" bench --net noop3 --n 500 --prestart-ahead 1 --cache-dir "$caches/jcni" >>"$work/jcni-seq-prestart1.jsonl"
  "$REF/libcni-bench" seq -dir "$work/conf" -path "$work/plugins" -cache "$caches/libcni" -net noop1 -n 500 -warmup 300 >>"$work/libcni-seq1.jsonl"
  "${JCNI[@]}" bench --net noop1 --n 500 --cache-dir "$caches/jcni" >>"$work/jcni-seq1.jsonl"
  "$REF/libcni-bench" conc -dir "$work/conf" -path "$work/plugins" -cache "$caches/libcni" -net noop3 -m 8 -k 300 -warmup 40 >>"$work/libcni-conc.jsonl"
  "${JCNI[@]}" bench --net noop3 --threads 8 --n 300 --cache-dir "$caches/jcni" >>"$work/jcni-conc.jsonl"
  "${JCNI[@]}" bench --net noop1 --gc 10000 --cache-dir "$caches/jcni" >>"$work/jcni-gc.jsonl"
  "$REF/spawn-floor" -n 2000 "$work/plugins/noop-plugin" >>"$work/floor.jsonl"
done

echo "== cli" >&2
cycles() { # cycles LABEL N CMD...: N x (CMD add; CMD del) as processes, one JSON line
  local label=$1 n=$2
  shift 2
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq "$n"); do
    "$@" add noop3 /var/run/netns/jcni-bench-cli >/dev/null
    "$@" del noop3 /var/run/netns/jcni-bench-cli
  done
  t1=$(date +%s%N)
  echo "{\"tool\":\"$label\",\"cycles\":$n,\"us_per_op\":$(((t1 - t0) / 1000 / n))}"
}
# cnitool always uses /var/lib/cni: run both in a private mount namespace with a tmpfs there.
unshare --mount --propagation private -- bash -c "
  set -e
  mount -t tmpfs bench-varlib /var/lib && mkdir -p /var/lib/cni
  $(declare -f cycles)
  for i in \$(seq $R); do
    cycles cnitool 50 $REF/cnitool
    cycles jcni 50 ${JCNI[*]}
    cycles jcni-cds 50 bin/jcni
  done" >"$work/cli.jsonl"

python3 - "$work" "$out/results.jsonl" <<'PY'
import json, statistics, sys
work, results = sys.argv[1], sys.argv[2]
def load(name): return [json.loads(l) for l in open(f"{work}/{name}")]
med = lambda xs: round(statistics.median(xs), 2)
lines = []
for bench, jname, lname in (("seq-noop3", "seq", "seq"), ("seq-prestart-noop3", "seq-prestart", "seq"),
                            ("seq-prestart1-noop3", "seq-prestart1", "seq"),
                            ("seq-noop1", "seq1", "seq1"), ("conc-noop3", "conc", "conc")):
    lib, jc = load(f"libcni-{lname}.jsonl"), load(f"jcni-{jname}.jsonl")
    l, j = med([r["us_per_op"] for r in lib]), med([r["us_per_op"] for r in jc])
    per_round = [round(a["us_per_op"] / b["us_per_op"], 3) for a, b in zip(jc, lib)]
    lines.append({"bench": bench, "libcni_us_per_pair": l, "jcni_us_per_pair": j,
                  "ratio": round(j / l, 3), "ratio_per_round": per_round,
                  "median_round_ratio": round(statistics.median(per_round), 3),
                  "jcni_mean_add_us": med([r["mean_add_us"] for r in jc]),
                  "jcni_mean_del_us": med([r["mean_del_us"] for r in jc]),
                  "libcni_mean_add_us": med([r["mean_add_us"] for r in lib]),
                  "libcni_mean_del_us": med([r["mean_del_us"] for r in lib]),
                  "jcni_prestart_ahead": jc[0].get("prestart_ahead", 0),
                  "jcni_alloc_bytes_per_pair": [r.get("alloc_bytes_per_pair") for r in jc],
                  "jcni_warmup_pairs": [r.get("warmup_pairs") for r in jc],
                  "jcni_jit_settled": [r.get("jit_settled") for r in jc],
                  "jcni_jit_ms_while_timed": [r.get("jit_ms") for r in jc]})
gc, floor = load("jcni-gc.jsonl"), load("floor.jsonl")
g, f = med([r["us_per_attachment"] for r in gc]), med([r["us_per_op"] for r in floor])
lines.append({"bench": "gc-10000", "jcni_us_per_attachment": g, "floor_us_per_invocation": f,
              "ratio_to_floor": round(g / f, 3), "deleted": [r["deleted"] for r in gc]})
cli = load("cli.jsonl")
by = {t: med([r["us_per_op"] for r in cli if r["tool"] == t]) for t in ("cnitool", "jcni", "jcni-cds")}
lines.append({"bench": "cli-add-del-noop3", "cnitool_us_per_cycle": by["cnitool"],
              "jcni_us_per_cycle": by["jcni"], "jcni_cds_us_per_cycle": by["jcni-cds"],
              "ratio": round(by["jcni"] / by["cnitool"], 3),
              "ratio_cds": round(by["jcni-cds"] / by["cnitool"], 3)})
with open(results, "a") as fh:
    for l in lines:
        print(json.dumps(l)); fh.write(json.dumps(l) + "\n")
PY
python3 bench/chart.py "$out/results.jsonl" docs/benchmarks.svg
echo "results: $out/results.jsonl, chart: docs/benchmarks.svg" >&2
