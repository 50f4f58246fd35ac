#!/bin/sh
# Regenerates the expected outputs under libcni-v1.1.2/ and libcni-main/ by running every input
# through every target version with the two result-convert oracles. Tests never run this script;
# they compare jcni with the committed outputs. See README.md for how the oracles were built.
#
#   testdata/results/generate.sh /tmp/cniref/bin/result-convert /tmp/cniref/bin/result-convert-upstream
set -eu
cd "$(dirname "$0")"
DEBIAN=$1
MAIN=$2

run() { # oracle outdir versions...
	oracle=$1
	out=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	for in in inputs/*.json; do
		name=$(basename "$in" .json)
		for to in "$@"; do
			if "$oracle" "$to" <"$in" >"$out/$name@$to.json" 2>"$out/$name@$to.err"; then
				rm "$out/$name@$to.err"
			else
				rm "$out/$name@$to.json"
			fi
		done
	done
}

run "$DEBIAN" libcni-v1.1.2 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0
run "$MAIN" libcni-main 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0
