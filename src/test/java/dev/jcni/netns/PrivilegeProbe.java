package dev.jcni.netns;

import dev.jcni.NetnsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link NetnsWithoutPrivilegeIsolatedTest} in a JVM without capabilities: tries each
 * privileged operation and prints one tab-separated line per operation (name, errno,
 * isPermissionDenied, message) for the test to check.
 */
final class PrivilegeProbe {
  private PrivilegeProbe() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String existing = args[1];
    String effective =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("CapEff:"))
            .findFirst()
            .orElse("CapEff: unknown");
    System.out.println("caps\t" + effective.substring("CapEff:".length()).trim());
    report("create", () -> NetworkNamespace.create(root, "jcni-denied").close());
    report(
        "run",
        () -> {
          try (NetworkNamespace here = NetworkNamespace.current()) {
            here.run(() -> null);
          }
        });
    report("delete", () -> NetworkNamespace.delete(root, existing));
  }

  private interface Operation {
    void perform() throws NetnsException;
  }

  private static void report(String name, Operation operation) {
    try {
      operation.perform();
      System.out.println(name + "\tsucceeded");
    } catch (NetnsException e) {
      System.out.println(
          name + "\t" + e.errno() + "\t" + e.isPermissionDenied() + "\t" + e.getMessage());
    }
  }
}
