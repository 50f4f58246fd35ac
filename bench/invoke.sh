#!/usr/bin/env bash
# One plugin invocation, jcni's PluginExecutor with each launcher (JMH, PluginInvocationBenchmark)
# against the C floor (spawn-floor from ../shared/ref), on the same noop plugin binary, in one run.
# Rounds alternate the C floor and the JMH run so that both see the same machine load. A last JMH
# run with the GC profiler gives the bytes allocated per invocation (JMH's gc.alloc.rate.norm).
# Usage: bench/invoke.sh [ROUNDS]   (needs /tmp/cniref/bin: ../shared/ref/build-ref.sh)
# PLUGIN=/path/to/noop-plugin overrides the plugin (default: the reference one, static C).
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-5}
REF=${REF:-/tmp/cniref/bin}
PLUGIN=${PLUGIN:-$REF/noop-plugin}
[ -x "$REF/spawn-floor" ] && [ -x "$PLUGIN" ] || { echo "run ../shared/ref/build-ref.sh first" >&2; exit 1; }
mvn -B -q -Pbench -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$R"); do
  "$REF/spawn-floor" -n 2000 "$PLUGIN" >>"$work/floor.jsonl"
  java -jar target/benchmarks.jar PluginInvocationBenchmark -p plugin="$PLUGIN" \
    -f 1 -wi 3 -w 1 -i 3 -r 2 -rf json -rff "$work/jmh-$i.json" >/dev/null
done
# Allocation per invocation: one more JMH run with the GC profiler (kept out of the timed rounds).
java -jar target/benchmarks.jar PluginInvocationBenchmark -p plugin="$PLUGIN" -prof gc \
  -f 1 -wi 3 -w 1 -i 3 -r 2 -rf json -rff "$work/alloc.json" >/dev/null
python3 - "$work" "$R" <<'PY'
import glob, json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
floor = [json.loads(l) for l in open(f"{work}/floor.jsonl")]
runs = {}
for f in sorted(glob.glob(f"{work}/jmh-*.json"), key=lambda f: int(f.rsplit("-", 1)[1][:-5])):
    for b in json.load(open(f)):
        m = b["primaryMetric"]
        runs.setdefault(b["params"]["launcher"], []).append(
            (m["scorePercentiles"]["50.0"], m["score"]))
floor_median = statistics.median(r["median_us"] for r in floor)
floor_mean = statistics.median(r["us_per_op"] for r in floor)
print(json.dumps({"bench": "invoke-floor", "rounds": rounds, "median_us": floor_median,
                  "mean_us": floor_mean, "per_round_median_us": [r["median_us"] for r in floor]}))
for launcher, values in sorted(runs.items()):
    median = statistics.median(v[0] for v in values)
    mean = statistics.median(v[1] for v in values)
    # each round's JMH median against the floor measured just before it (same machine load)
    per_round = [round(v[0] / r["median_us"], 3) for v, r in zip(values, floor)]
    print(json.dumps({"bench": "invoke-jcni", "launcher": launcher, "rounds": rounds,
                      "median_us": round(median, 1), "mean_us": round(mean, 1),
                      "ratio_median_to_floor": round(median / floor_median, 3),
                      "ratio_mean_to_floor": round(mean / floor_mean, 3),
                      "ratio_per_round": per_round,
                      "median_round_ratio": round(statistics.median(per_round), 3),
                      "per_round_median_us": [round(v[0], 1) for v in values]}))
for b in json.load(open(f"{work}/alloc.json")):
    norm = next(v for k, v in b["secondaryMetrics"].items() if k.endswith("gc.alloc.rate.norm"))
    print(json.dumps({"bench": "invoke-alloc", "launcher": b["params"]["launcher"],
                      "bytes_per_invocation": round(norm["score"])}))
PY
