# Shared by bench/run.sh and bench/seq.sh (sourced, not run).

# build_noop OUT: compiles bench/noop-plugin.c to OUT/noop-plugin and prints its linkage. Linked
# statically, as ../shared/ref builds its noop plugin (the figures of the issue and of
# ref/README.md are on that one) and as upstream's Go plugins ship; Debian's plugins are dynamic.
# A dynamic noop costs about 150 us more per call (the loader), the same on both sides.
build_noop() {
  if cc -O2 -static -o "$1/noop-plugin" bench/noop-plugin.c 2>/dev/null; then
    echo static
  else
    cc -O2 -o "$1/noop-plugin" bench/noop-plugin.c && echo dynamic # no static libc here
  fi
}

# write_confs DIR: the two lists both sides run, noop1 (1 plugin) and noop3 (3 plugins).
write_confs() {
  printf '{"cniVersion": "1.0.0", "name": "noop1", "plugins": [{"type": "noop-plugin"}]}\n' >"$1/noop1.conflist"
  printf '{\n  "cniVersion": "1.0.0",\n  "name": "noop3",\n  "plugins": [\n    {"type": "noop-plugin"},\n    {"type": "noop-plugin", "capabilities": {"portMappings": true}},\n    {"type": "noop-plugin", "someKey": {"a": [1, 2, 3]}}\n  ]\n}\n' >"$1/noop3.conflist"
}
