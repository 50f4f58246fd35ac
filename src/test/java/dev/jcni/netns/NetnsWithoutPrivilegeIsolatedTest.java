package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without root's capabilities every privileged operation fails with a clear error: a JVM started
 * through {@code setpriv} with an empty capability bounding set (still uid 0, so it can read the
 * class path) runs {@link PrivilegeProbe}.
 */
@org.junit.jupiter.api.Tag("isolated")
class NetnsWithoutPrivilegeIsolatedTest {
  @BeforeAll
  static void requireIsolation() throws Exception {
    IsolatedEnvironment.require();
  }

  @Test
  void privilegedOperationsFailWithEpermNamingPathAndCapability() throws Exception {
    try (NetworkNamespace kept = NetworkNamespace.create("jcni-kept")) {
      Map<String, String[]> lines;
      try {
        Shell.Result probe =
            Shell.run(
                List.of(
                    "setpriv",
                    "--bounding-set=-all",
                    "--inh-caps=-all",
                    "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    PrivilegeProbe.class.getName(),
                    "/run/netns",
                    "jcni-kept"));
        assertThat(probe.exitCode()).as("probe stderr: %s", probe.stderr()).isZero();
        lines = new HashMap<>();
        for (String line : probe.stdout().split("\n")) {
          String[] fields = line.split("\t");
          lines.put(fields[0], fields);
        }
      } finally {
        assertThat(Path.of("/run/netns/jcni-denied")).doesNotExist();
        assertThat(MountInfo.at(kept.path()))
            .as("the existing namespace is still mounted")
            .hasSize(1);
        NetworkNamespace.delete("jcni-kept");
      }

      assertThat(lines.get("caps"))
          .as("the probe really had no capability")
          .containsExactly("caps", "0000000000000000");
      // strerror's text follows the locale; the rest of each message is jcni's own
      assertThat(lines.get("create")).startsWith("create", "1", "true");
      assertThat(lines.get("create")[3])
          .startsWith(
              "cannot create network namespace /run/netns/jcni-denied: "
                  + "mount(\"/run/netns\", MS_SHARED|MS_REC): ")
          .endsWith(" (EPERM); network namespaces need root or CAP_SYS_ADMIN");
      assertThat(lines.get("run")).startsWith("run", "1", "true");
      assertThat(lines.get("run")[3])
          .matches(
              "cannot enter network namespace /proc/\\d+/task/\\d+/ns/net \\(net:\\[\\d+\\]\\): "
                  + "setns\\(\\d+, CLONE_NEWNET\\): .* \\(EPERM\\); "
                  + "network namespaces need root or CAP_SYS_ADMIN");
      assertThat(lines.get("delete")).startsWith("delete", "1", "true");
      assertThat(lines.get("delete")[3])
          .startsWith(
              "cannot delete network namespace /run/netns/jcni-kept: "
                  + "umount2(\"/run/netns/jcni-kept\", MNT_DETACH|UMOUNT_NOFOLLOW): ")
          .endsWith(" (EPERM); network namespaces need root or CAP_SYS_ADMIN");
    }
  }
}
