package dev.jcni.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link SandboxWithoutPrivilegeIsolatedTest} in a JVM without capabilities: tries to make a
 * sandbox as the extension does, once as a normal run and once in strict mode, and prints one
 * tab-separated line per attempt: the mode, what was thrown (or {@code made}) and its message.
 */
final class SandboxProbe {
  private SandboxProbe() {}

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    List<Path> plugins = List.of(Path.of(args[1]));
    for (boolean strict : new boolean[] {false, true}) {
      String mode = strict ? "strict" : "normal";
      try {
        CniSandbox sandbox =
            CniExtension.start(new SandboxSettings(root, plugins, List.of(), strict));
        sandbox.tearDown();
        System.out.println(mode + "\tmade");
      } catch (Throwable t) { // reported to the test, whatever it is
        System.out.println(mode + "\t" + t.getClass().getName() + "\t" + t.getMessage());
      }
    }
  }
}
