#!/usr/bin/env bash
# A 4-plugin chain of the real reference plugins (bridge with host-local, portmap, tuning,
# bandwidth), add+del pairs: jcni, jcni --prestart, and libcni side by side in one run.
# Everything runs in a private network and mount namespace (tmpfs over /run/netns and
# /var/lib/cni), with addresses from 198.18.0.0/24: the machine's own network is never touched.
# Usage: bench/real-chain.sh [ROUNDS] [PAIRS] [JCNI_WARMUP_PAIRS]   (root; needs the reference tools for libcni)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-3}
N=${2:-40}
W=${3:-150}
REF=${REF:-/tmp/cniref/bin}
PLUGINS=${PLUGINS:-/usr/lib/cni}
[ -x "$REF/libcni-bench" ] || { echo "build the reference tools first: ../shared/ref/build-ref.sh" >&2; exit 2; }
[ -x "$PLUGINS/bridge" ] || { echo "no reference plugins in $PLUGINS (bin/setup installs them)" >&2; exit 2; }
[ -f target/jcni-cli.jar ] || mvn -B -q -ntp -DskipTests package
exec unshare --net --mount --propagation private -- /bin/bash -c '
  set -euo pipefail
  R=$1 N=$2 REF=$3 PLUGINS=$4 W=$5
  mkdir -p /run/netns /var/lib/cni
  mount -t tmpfs -o mode=0755 bench-netns /run/netns
  mount -t tmpfs -o mode=0755 bench-cni /var/lib/cni
  ip link set lo up
  ip netns add jcni-bench-real
  work=$(mktemp -d -p /var/lib/cni)
  mkdir -p "$work/conf" "$work/jcni-cache" "$work/libcni-cache"
  cat >"$work/conf/real4.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "real4",
  "plugins": [
    {"type": "bridge", "bridge": "jcnibench0", "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "198.18.0.0/24"}]],
              "dataDir": "$work/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "tuning", "sysctl": {"net.ipv4.conf.eth0.rp_filter": "0"}},
    {"type": "bandwidth", "capabilities": {"bandwidth": true}}
  ]
}
JSON
  export NETCONFPATH="$work/conf" CNI_PATH="$PLUGINS"
  ns=/run/netns/jcni-bench-real
  for i in $(seq "$R"); do
    "$REF/libcni-bench" seq -dir "$work/conf" -path "$PLUGINS" -cache "$work/libcni-cache" \
      -net real4 -netns "$ns" -n "$N" -warmup 3
    java -jar target/jcni-cli.jar bench --net real4 --netns "$ns" --n "$N" --warmup "$W" \
      --cache-dir "$work/jcni-cache"
    java -jar target/jcni-cli.jar bench --net real4 --netns "$ns" --n "$N" --warmup "$W" \
      --cache-dir "$work/jcni-cache" --prestart
  done
' real-chain "$R" "$N" "$REF" "$PLUGINS" "$W"
