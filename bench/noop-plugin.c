/*
 * A minimal CNI plugin for benchmarks: as little work per call as a real plugin can do.
 * Reads all of stdin, then answers CNI_COMMAND:
 *   VERSION -> the supported versions; ADD -> a small result in the config's cniVersion;
 *   DEL, CHECK, GC, STATUS -> nothing, exit 0; anything else -> a CNI error (code 4), exit 1.
 * Build: cc -O2 -o noop-plugin noop-plugin.c   (bench/run.sh does it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char in[1 << 20];

/* Copies the value of the first "cniVersion" in the input into out, or "1.0.0". */
static void config_version(const char *json, char *out, size_t cap) {
  const char *p = strstr(json, "\"cniVersion\"");
  strcpy(out, "1.0.0");
  if (!p) return;
  p = strchr(p + 12, '"');
  if (!p) return;
  const char *end = strchr(p + 1, '"');
  if (!end || (size_t)(end - p - 1) >= cap || end == p + 1) return;
  memcpy(out, p + 1, end - p - 1);
  out[end - p - 1] = 0;
}

int main(void) {
  size_t n = 0;
  ssize_t r;
  while (n < sizeof in - 1 && (r = read(0, in + n, sizeof in - 1 - n)) > 0) n += (size_t)r;
  in[n] = 0;
  const char *cmd = getenv("CNI_COMMAND");
  if (!cmd) cmd = "";
  if (!strcmp(cmd, "VERSION")) {
    fputs("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":"
          "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}", stdout);
    return 0;
  }
  if (!strcmp(cmd, "ADD")) {
    char v[32];
    const char *ifname = getenv("CNI_IFNAME");
    config_version(in, v, sizeof v);
    printf("{\"cniVersion\":\"%s\",\"interfaces\":[{\"name\":\"%s\"}],"
           "\"ips\":[{%s\"address\":\"198.18.0.2/24\",\"gateway\":\"198.18.0.1\",\"interface\":0}],"
           "\"dns\":{}}",
           v, ifname ? ifname : "eth0", v[0] == '0' ? "\"version\":\"4\"," : "");
    return 0;
  }
  if (!strcmp(cmd, "DEL") || !strcmp(cmd, "CHECK") || !strcmp(cmd, "GC") || !strcmp(cmd, "STATUS"))
    return 0;
  printf("{\"cniVersion\":\"1.0.0\",\"code\":4,\"msg\":\"unknown CNI_COMMAND: %s\"}", cmd);
  return 1;
}
