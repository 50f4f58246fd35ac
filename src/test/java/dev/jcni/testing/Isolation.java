package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guard of this package's {@code *IsolatedTest} classes: they make namespaces and mounts as
 * root, so they run only in the JVM of {@code bin/isolated-java} (its own network and mount
 * namespaces), and fail anywhere else.
 */
final class Isolation {
  private Isolation() {}

  static void require() throws Exception {
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host).as("these tests run in the JVM of bin/isolated-java").isNotBlank();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString())
        .as("this JVM has a network namespace of its own")
        .isNotEqualTo(host);
    assertThat(Files.readString(Path.of("/proc/self/status")))
        .as("these tests need root (CI runs them as root)")
        .containsPattern("(?m)^Uid:\\s+0\\s");
  }
}
