package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guard of every {@code *IsolatedTest}: they create namespaces and mounts as root, so they must
 * run in the JVM that {@code bin/isolated-java} starts (its own network and mount namespaces, a
 * private tmpfs on {@code /run/netns}), never on the machine's own. Anything else fails the test —
 * including a run without root, which CI must never mistake for a pass.
 */
final class IsolatedEnvironment {
  private IsolatedEnvironment() {}

  static void require() throws IOException {
    assertThat(Files.readString(Path.of("/proc/self/status")))
        .as("these tests need root (CI runs them as root)")
        .containsPattern("(?m)^Uid:\\s+0\\s");
    assertThat(MountInfo.at(Path.of("/run/netns")))
        .as(
            "/run/netns must be the private tmpfs of bin/isolated-java: this JVM must run"
                + " through bin/isolated-java (mvn verify does; -Dtest=...IsolatedTest also runs"
                + " the class in the default execution, where it fails here)")
        .extracting(m -> m.fsType() + " " + m.source())
        .last()
        .isEqualTo("tmpfs jcni-netns");
    // bin/isolated-java execs the JVM: its parent is the Maven JVM, in the machine's namespace
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
    assertThat(Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino"))
        .as("this JVM must have a network namespace of its own (bin/isolated-java)")
        .isNotEqualTo(Files.getAttribute(Path.of("/proc/" + parent.pid() + "/ns/net"), "unix:ino"));
  }
}
