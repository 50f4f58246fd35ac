#!/usr/bin/env bash
# Conflist parsing, jcni (JMH) against libcni (libcni-bench parse from ../shared/ref), in one run.
# Usage: bench/parse.sh [RUNS]   (needs /tmp/cniref/bin/libcni-bench: ../shared/ref/build-ref.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
R=${1:-5}
REF=${REF:-/tmp/cniref/bin}
mvn -B -q -Pbench -DskipTests package
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
write_confs "$conf" # parsing reads noop3 only
for i in $(seq "$R"); do
  "$REF/libcni-bench" parse -file "$conf/noop3.conflist" -n 100000
done | sed -n 's/.*"us_per_op":\([0-9.]*\).*/\1/p' | sort -n >"$conf/libcni"
java -jar target/benchmarks.jar ConfigParseBenchmark -f "$R" -wi 3 -w 1 -i 3 -r 1 -rf csv -rff "$conf/jmh.csv" >/dev/null
jcni=$(awk -F, 'NR>1 {gsub(/"/,"",$5); print $5}' "$conf/jmh.csv")
libcni=$(awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' "$conf/libcni")
awk -v j="$jcni" -v l="$libcni" 'BEGIN { printf "{\"bench\":\"parse-noop3\",\"libcni_median_us\":%s,\"jcni_us\":%.3f,\"ratio\":%.3f}\n", l, j, j / l }'
