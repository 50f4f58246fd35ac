#!/usr/bin/env bash
# By hand, once: jcni and the reference cnitool (libcni 1.1.2, built by ../shared/ref/build-ref.sh)
# on the same lists and the same cache directory, with the real plugins, in a private network and
# mount namespace (tmpfs over /var/lib so cnitool's fixed /var/lib/cni is private too).
#   1. both ADD the same list in twin namespaces: the results must match (but for MACs/veth names);
#   2. jcni ADD, cnitool CHECK + DEL of that attachment; then cnitool ADD, jcni CHECK + DEL.
# Not part of the test suite (the project must not depend on ../shared); the outcome is recorded in
# docs/conformance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${REF:-/tmp/cniref/bin}
if [ "${1:-}" != "--inside" ]; then
  [ -x "$REF/cnitool" ] || { echo "build the reference tools first: ../shared/ref/build-ref.sh" >&2; exit 2; }
  [ -f target/jcni-cli.jar ] || mvn -B -q -ntp package -DskipTests
  exec unshare --net --mount --propagation private -- "$0" --inside
fi
mount -t tmpfs interop-varlib /var/lib
mkdir -p /var/lib/cni /run/netns
mount -t tmpfs interop-netns /run/netns
ip link set lo up
conf=$(mktemp -d)
sed "s#@DATADIR@#/var/lib/cni/networks#" demo/net.d/10-jcni-demo.conflist >"$conf/10-jcni-demo.conflist"
export NETCONFPATH=$conf CNI_PATH=/usr/lib/cni
J() { java -jar target/jcni-cli.jar "$@"; }
norm() { python3 -c 'import json,sys,re; r=json.load(sys.stdin); [i.pop("mac",None) for i in r.get("interfaces",[])]; [i.update(name=re.sub(r"^veth.*","veth*",i["name"])) for i in r.get("interfaces",[])]; [i.update(sandbox=re.sub(r"/run/netns/.*","NS",i["sandbox"])) for i in r.get("interfaces",[]) if "sandbox" in i]; r["ips"]=[{k:(re.sub(r"\.\d+/24$",".N/24",v) if k=="address" else v) for k,v in ip.items()} for ip in r["ips"]]; print(json.dumps(r,sort_keys=True))'; }
ip netns add a; ip netns add b
echo "== 1. same list, both tools"
J add jcni-demo /run/netns/a | norm >"$conf/jcni.json"
"$REF/cnitool" add jcni-demo /run/netns/b | norm >"$conf/cnitool.json"
diff "$conf/jcni.json" "$conf/cnitool.json" && echo "results match: $(cat "$conf/jcni.json")"
echo "== 2a. cnitool CHECK + DEL of jcni's attachment (a)"
"$REF/cnitool" check jcni-demo /run/netns/a && echo "cnitool check of jcni's attachment: ok"
"$REF/cnitool" del jcni-demo /run/netns/a && echo "cnitool del of jcni's attachment: ok"
ls /var/lib/cni/results
echo "== 2b. jcni CHECK + DEL of cnitool's attachment (b)"
J check jcni-demo /run/netns/b && echo "jcni check of cnitool's attachment: ok"
J del jcni-demo /run/netns/b && echo "jcni del of cnitool's attachment: ok"
echo "cache after both DELs: $(ls -A /var/lib/cni/results | wc -l) entries; leases: $(ls /var/lib/cni/networks/jcni-demo | grep -c '^198' || true)"
echo "== 3. known plugin bugs, both tools"
cat >"$conf/20-pm.conflist" <<J
{"cniVersion":"1.0.0","name":"pm","plugins":[{"type":"bridge","bridge":"pm0","isGateway":true,
 "ipam":{"type":"host-local","ranges":[[{"subnet":"198.18.11.0/24"}]]}},
 {"type":"portmap","capabilities":{"portMappings":true}}]}
J
cat >"$conf/30-nogw.conflist" <<J
{"cniVersion":"1.0.0","name":"nogw","plugins":[{"type":"bridge","bridge":"ng0","isGateway":true,
 "ipam":{"type":"host-local","ranges":[[{"subnet":"198.18.12.0/24"}]],"routes":[{"dst":"198.19.100.0/24"}]}}]}
J
export CAP_ARGS='{"portMappings":[{"hostPort":18081,"containerPort":80,"protocol":"tcp"}]}'
for net in pm nogw; do
  ip netns add "$net-j"; ip netns add "$net-c"
  J add "$net" "/run/netns/$net-j" >/dev/null
  "$REF/cnitool" add "$net" "/run/netns/$net-c" >/dev/null
  echo "-- $net: jcni check:";    J check "$net" "/run/netns/$net-j" 2>&1 | sed 's/^/   /' || true
  echo "-- $net: cnitool check:"; "$REF/cnitool" check "$net" "/run/netns/$net-c" 2>&1 | sed 's/^/   /' || true
  J del "$net" "/run/netns/$net-j"; "$REF/cnitool" del "$net" "/run/netns/$net-c"
done
