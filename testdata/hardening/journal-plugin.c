/*
 * A fast CNI test plugin for the load tests of src/test/java/dev/jcni/hardening: it behaves like
 * bench/noop-plugin.c (ADD prints a small 1.0.0 result, DEL, CHECK, GC and STATUS print nothing)
 * and, when the configuration has "journal":"/path", first appends one line per call there:
 *
 *   COMMAND CONTAINERID IFNAME\n
 *
 * with a single write(2) on a descriptor opened with O_APPEND, so that lines of concurrent calls
 * never interleave. The journal is the plugins' own record of the order in which calls on each
 * attachment happened, independent of jcni. Build: cc -O2 -o journal-plugin journal-plugin.c
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char in[1 << 20];

/* Copies the string value of "key" (the first occurrence) into out; empty when absent. */
static void string_field(const char *json, const char *key, char *out, size_t cap) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = 0;
  const char *p = strstr(json, pattern);
  if (!p) return;
  p += strlen(pattern);
  const char *end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= cap) return;
  memcpy(out, p, end - p);
  out[end - p] = 0;
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v ? v : "";
}

int main(void) {
  size_t n = 0;
  ssize_t r;
  while (n < sizeof in - 1 && (r = read(0, in + n, sizeof in - 1 - n)) > 0) n += (size_t)r;
  in[n] = 0;
  const char *cmd = env("CNI_COMMAND");

  char journal[4096];
  string_field(in, "journal", journal, sizeof journal);
  if (journal[0] && strcmp(cmd, "VERSION") != 0) {
    char line[1024];
    int len = snprintf(line, sizeof line, "%s %s %s\n", cmd, env("CNI_CONTAINERID"),
                       env("CNI_IFNAME"));
    int fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || len <= 0 || len >= (int)sizeof line || write(fd, line, (size_t)len) != len) {
      printf("{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"cannot write the journal\"}");
      return 1;
    }
    close(fd);
  }

  if (!strcmp(cmd, "VERSION")) {
    fputs("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":"
          "[\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}", stdout);
    return 0;
  }
  if (!strcmp(cmd, "ADD")) {
    printf("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"%s\",\"sandbox\":\"%s\"}],"
           "\"ips\":[{\"address\":\"198.18.0.2/24\",\"interface\":0}],\"dns\":{}}",
           env("CNI_IFNAME"), env("CNI_NETNS"));
    return 0;
  }
  if (!strcmp(cmd, "DEL") || !strcmp(cmd, "CHECK") || !strcmp(cmd, "GC") || !strcmp(cmd, "STATUS"))
    return 0;
  printf("{\"cniVersion\":\"1.0.0\",\"code\":4,\"msg\":\"unknown CNI_COMMAND: %s\"}", cmd);
  return 1;
}
