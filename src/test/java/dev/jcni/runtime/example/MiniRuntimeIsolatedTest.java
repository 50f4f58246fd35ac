package dev.jcni.runtime.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.runtime.IsolatedHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example of docs/embedding.md, {@link MiniRuntime}, on the reference plugins, with the
 * configuration files the document shows (testdata/runtime/example), in the JVM of
 * bin/isolated-java: its namespaces live in a temporary directory, host-local's leases too.
 */
@Tag("isolated")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MiniRuntimeIsolatedTest {
  static final Path EXAMPLE =
      Path.of(System.getProperty("jcni.testdata", "testdata"), "runtime", "example");

  @TempDir Path tmp;

  @BeforeAll
  static void isolated() throws Exception {
    IsolatedHost.require();
  }

  @Test
  void theEmbeddingExampleAttachesAContainerToTwoNetworksAndLeavesNothingBehind() throws Exception {
    Path netD = Files.createDirectories(tmp.resolve("net.d"));
    Path leases = Files.createDirectories(tmp.resolve("leases"));
    try (Stream<Path> files = Files.list(EXAMPLE)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        // the document's files keep leases where host-local does by default; here, in tmp
        Files.writeString(
            netD.resolve(f.getFileName()),
            Files.readString(f).replace("/var/lib/cni/networks", leases.toString()));
      }
    }
    Path namespaces = tmp.resolve("netns");
    int vethsBefore = IsolatedHost.veths().size();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        MiniRuntime runtime =
            new MiniRuntime(netD, IsolatedHost.PLUGINS, tmp.resolve("cache"), namespaces, out)) {
      runtime.runContainer("c1", "mini-ptp");
    } finally {
      // like /run/netns, the runtime's namespace directory became a (shared) mount point of itself
      if (Files.isDirectory(namespaces)) {
        IsolatedHost.run("umount", namespaces.toString());
      }
    }

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "NetworkReady=true, networks: mini-bridge, mini-ptp",
            "c1 eth0 on mini-bridge: 198.18.8.2/24",
            "c1 net1 on mini-ptp: 198.18.9.2/24",
            "c1 detached",
            "gc mini-bridge: 0 stale attachments, 0 errors",
            "gc mini-ptp: 0 stale attachments, 0 errors");
    assertThat(namespaces.resolve("c1")).doesNotExist();
    assertThat(IsolatedHost.veths()).hasSize(vethsBefore);
    assertThat(IsolatedHost.leases(leases, "mini-bridge")).isEmpty();
    assertThat(IsolatedHost.leases(leases, "mini-ptp")).isEmpty();
    // the bridge network's host side is still there, as after any DEL: bridges outlive containers
    assertThat(IsolatedHost.run("ip", "-4", "addr", "show", "mini0")).contains("198.18.8.1/24");
  }
}
