package dev.jcni.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tools for the end-to-end tests: iproute2, iptables and tc run inside a network namespace of the
 * test's sandbox (its private "host" or a container), started from a thread inside it ({@link
 * NetworkNamespace#run}), as the sandbox starts the plugins.
 */
final class Host {
  private Host() {}

  /**
   * Checks that this JVM runs in the JVM of bin/isolated-java, its own network and mount
   * namespaces: the sandbox keeps the plugins off the machine's network by itself, and the isolated
   * JVM keeps the sandbox's own files and mounts off the machine as well.
   */
  static void requireIsolation() throws Exception {
    String self = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host)
        .as("the end-to-end tests must run in the JVM of bin/isolated-java, never on the host")
        .isNotBlank();
    assertThat(self).as("this JVM's network namespace differs from the host's").isNotEqualTo(host);
    assertThat(exec(List.of("ip", "-o", "link", "show")).output)
        .as("the isolated namespace starts with loopback only")
        .doesNotContain("eth0:");
  }

  /** Runs a command inside {@code ns}, fails the test on a non-zero exit, returns its output. */
  static String run(NetworkNamespace ns, String... argv) throws Exception {
    Result r = exec(ns, argv);
    assertThat(r.exit).as("%s failed: %s", String.join(" ", argv), r.output).isZero();
    return r.output;
  }

  /** Runs a command inside {@code ns}, returns its exit status and merged output. */
  static Result exec(NetworkNamespace ns, String... argv) throws Exception {
    return ns.<Result, Exception>run(() -> exec(List.of(argv)));
  }

  private static Result exec(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", argv));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** A command's exit status and merged output. */
  static final class Result {
    final int exit;
    final String output;

    Result(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }
  }
}
