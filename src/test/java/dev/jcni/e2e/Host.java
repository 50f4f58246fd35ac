package dev.jcni.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test's "host": the private network namespace the isolated test JVM runs in (see
 * bin/isolated/java). Runs iproute2 and iptables there and in container namespaces created with
 * {@code ip netns add} (under a private /run/netns).
 */
final class Host {
  private Host() {}

  /** Checks that this JVM really is isolated, so that nothing below can reach the real host. */
  static void requireIsolation() throws Exception {
    String self = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host)
        .as("the end-to-end tests must run in the JVM of bin/isolated/java, never on the host")
        .isNotBlank();
    assertThat(self).as("this JVM's network namespace differs from the host's").isNotEqualTo(host);
    assertThat(run("ip", "-o", "link", "show"))
        .as("the isolated namespace starts with loopback only")
        .doesNotContain("eth0:");
  }

  /** Runs a command, fails the test on a non-zero exit, returns stdout and stderr. */
  static String run(String... argv) throws IOException, InterruptedException {
    Result r = exec(argv);
    assertThat(r.exit).as("%s failed: %s", String.join(" ", argv), r.output).isZero();
    return r.output;
  }

  /** Runs a command, returns its exit status and output. */
  static Result exec(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", argv));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Creates a container namespace; returns its path. */
  static String addNetns(String name) throws IOException, InterruptedException {
    run("ip", "netns", "add", name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    return "/run/netns/" + name;
  }

  /** Deletes a container namespace if it exists. */
  static void deleteNetns(String name) throws IOException, InterruptedException {
    exec("ip", "netns", "delete", name);
  }

  /** Runs {@code ip ARGS} inside a container namespace. */
  static String ipIn(String netns, String... args) throws IOException, InterruptedException {
    String[] argv = new String[args.length + 3];
    argv[0] = "ip";
    argv[1] = "-n";
    argv[2] = netns;
    System.arraycopy(args, 0, argv, 3, args.length);
    return run(argv);
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
