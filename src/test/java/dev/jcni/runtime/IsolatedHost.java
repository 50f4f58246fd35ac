package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The throwaway "host" of the runtime's real-plugin tests: the network and mount namespaces of the
 * JVM that {@code bin/isolated-java} starts. Checks that this JVM really is in them before anything
 * creates an interface, and runs iproute2 there. Public for the example's test in a sub-package.
 */
public final class IsolatedHost {
  /** Where the reference plugins are installed (Debian's containernetworking-plugins). */
  public static final Path PLUGINS = Path.of("/usr/lib/cni");

  private IsolatedHost() {}

  /**
   * Fails unless this JVM runs as root in bin/isolated-java's private namespaces (its own network
   * namespace, a private tmpfs on /run/netns) and the reference plugins are installed.
   */
  public static void require() throws IOException, InterruptedException {
    assertThat(Files.readString(Path.of("/proc/self/status")))
        .as("these tests need root (CI runs them as root)")
        .containsPattern("(?m)^Uid:\\s+0\\s");
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host)
        .as(
            "these tests must run in the JVM of bin/isolated-java, never on the machine's own"
                + " network")
        .isNotBlank();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString())
        .as("this JVM's network namespace is not the machine's")
        .isNotEqualTo(host);
    boolean privateNetns = false;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] halves = line.split(" - ", 2);
      String[] fields = halves[0].split(" ");
      String[] tail = halves[1].split(" ");
      if (fields[4].equals("/run/netns")) {
        privateNetns = tail[0].equals("tmpfs") && tail[1].equals("jcni-netns");
      }
    }
    assertThat(privateNetns).as("/run/netns is bin/isolated-java's private tmpfs").isTrue();
    assertThat(PLUGINS.resolve("bridge"))
        .as("bin/setup installs containernetworking-plugins")
        .isExecutable();
  }

  /** Runs a command, fails the test on a non-zero exit, returns its standard output. */
  public static String run(String... argv) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(List.of(argv))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(argv)).isTrue();
    String output = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s failed: %s", List.of(argv), output).isZero();
    return output;
  }

  /** The veth interfaces of this host namespace, one line each. */
  public static List<String> veths() throws IOException, InterruptedException {
    return run("ip", "-o", "link", "show", "type", "veth").lines().toList();
  }

  /** The IPv4 addresses inside a namespace given by its file, as {@code IFNAME ADDRESS} lines. */
  public static List<String> addressesIn(Path netns) throws IOException, InterruptedException {
    return run("nsenter", "--net=" + netns, "ip", "-4", "-o", "addr", "show")
        .lines()
        .map(l -> l.split("\\s+"))
        .filter(f -> !f[1].equals("lo"))
        .map(f -> f[1] + " " + f[3])
        .toList();
  }

  /** The IPv4 routes inside a namespace given by its file. */
  public static String routesIn(Path netns) throws IOException, InterruptedException {
    return run("nsenter", "--net=" + netns, "ip", "-4", "route", "show");
  }

  /** The address files host-local keeps for a network under its data directory. */
  public static List<String> leases(Path dataDir, String network) throws IOException {
    Path dir = dataDir.resolve(network);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("198."))
          .sorted()
          .toList();
    }
  }
}
