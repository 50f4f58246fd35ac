package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --least-privilege} on the operation commands, before or after the command word: the probe
 * plugin {@code privilege-probe} reports the capability bounding set and {@code no_new_privs} it
 * ran with. Needs root: runs only in the isolated JVM (bin/isolated-java).
 */
@Tag("isolated")
class LeastPrivilegeCliIsolatedTest {
  @TempDir Path tmp;

  @BeforeAll
  static void requireIsolation() throws Exception {
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host).as("must run in the JVM of bin/isolated-java").isNotBlank();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString()).isNotEqualTo(host);
  }

  private Map<String, String> addAndReport(List<String> args) throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    Path report = tmp.resolve("report");
    Files.deleteIfExists(report);
    Files.writeString(
        conf.resolve("10-probe.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"probe\",\"plugins\":[{\"type\":\"privilege-probe\","
            + "\"reportTo\":\""
            + report
            + "\"}]}\n");
    Map<String, String> env =
        Map.of(
            "NETCONFPATH", conf.toString(),
            "CNI_PATH", JcniRun.testdata().resolve("plugins").toString(),
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    JcniRun run = JcniRun.of(env, args.toArray(new String[0]));
    assertThat(run.exitCode).as("%s", run).isZero();
    Map<String, String> fields = new HashMap<>();
    for (String line : Files.readAllLines(report)) {
      int space = line.indexOf(' ');
      fields.put(line.substring(0, space), line.substring(space + 1));
    }
    return fields;
  }

  @Test
  void leastPrivilegeWorksBeforeAndAfterTheCommandWord() throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create("jcni-lp-cli")) {
      String netns = ns.path().toString();
      String cache = tmp.resolve("cache").toString();

      Map<String, String> plain =
          addAndReport(List.of("add", "probe", netns, "--cache-dir", cache, "--container-id", "a"));
      Map<String, String> before =
          addAndReport(
              List.of(
                  "--least-privilege", "add", "probe", netns, "--cache-dir", cache,
                  "--container-id", "b"));
      Map<String, String> after =
          addAndReport(
              List.of(
                  "add", "probe", netns, "--cache-dir", cache, "--container-id", "c",
                  "--least-privilege"));

      assertThat(plain.get("NoNewPrivs")).isEqualTo("0");
      assertThat(plain.get("CapBnd")).isNotEqualTo("0000000000203000");
      for (Map<String, String> r : List.of(before, after)) {
        assertThat(r.get("NoNewPrivs")).isEqualTo("1");
        assertThat(r.get("CapBnd")).isEqualTo("0000000000203000");
        assertThat(r.get("CapEff")).isEqualTo("0000000000203000");
      }
    } finally {
      NetworkNamespace.delete("jcni-lp-cli");
    }
  }
}
