package dev.jcni.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A plugin directory and the canaries around it ({@code testdata/canary/canary}: it leaves {@code
 * canary-ran} beside its real location when it runs). None of them may ever run:
 *
 * <ul>
 *   <li>{@code ROOT/canary}, one level above the plugin directory ({@code ../canary});
 *   <li>{@code ROOT/outside/canary}, also reachable through the link {@code PLUGINS/sub} ({@code
 *       sub/canary}) and by its absolute path;
 *   <li>one in the JVM's working directory and one in a directory named relative to it, where an
 *       empty or relative CNI_PATH entry would look ({@link #cwdName()}, {@link #relativeDir()}).
 * </ul>
 *
 * <p>The plugin directory holds {@code ok} (the well-behaved echo plugin) and {@code trap}, a
 * canary that may run only when asked for by exactly that name: it witnesses any normalisation (NUL
 * truncation, trimming, case or Unicode folding) that would turn another string into a name that
 * exists.
 */
final class Canaries implements AutoCloseable {
  private final Path root;
  private final Path plugins;
  private final Path trap;
  private final List<Path> canaries = new ArrayList<>();
  private final List<Path> cleanup = new ArrayList<>();
  private final String cwdName;
  private final String relativeDir;

  Canaries(Path root) throws IOException {
    this.root = root;
    plugins = Files.createDirectories(root.resolve("plugins"));
    Testdata.copyExecutable(Testdata.plugins().resolve("echo-plugin"), plugins.resolve("ok"));
    trap = Testdata.copyExecutable(Testdata.canary(), plugins.resolve("trap"));
    canaries.add(Testdata.copyExecutable(Testdata.canary(), root.resolve("canary")));
    canaries.add(Testdata.copyExecutable(Testdata.canary(), root.resolve("outside/canary")));
    Files.createSymbolicLink(plugins.resolve("sub"), root.resolve("outside"));

    Path cwd = Path.of("").toAbsolutePath();
    cwdName = "jcni-canary-" + UUID.randomUUID();
    relativeDir = "target/jcni-canary-" + UUID.randomUUID();
    canaries.add(Testdata.copyExecutable(Testdata.canary(), cwd.resolve(cwdName)));
    canaries.add(
        Testdata.copyExecutable(Testdata.canary(), cwd.resolve(relativeDir).resolve("canary")));
    canaries.add(
        Testdata.copyExecutable(Testdata.canary(), cwd.resolve(relativeDir).resolve(cwdName)));
    cleanup.add(cwd.resolve(cwdName));
    cleanup.add(cwd.resolve("canary-ran"));
    cleanup.add(cwd.resolve(relativeDir));
  }

  /**
   * The directory searched for plugins; it holds {@code ok}, {@code trap} and the link {@code sub}.
   */
  Path plugins() {
    return plugins;
  }

  /** The directory above the plugin directory. */
  Path root() {
    return root;
  }

  /** The name of the canary in the working directory. */
  String cwdName() {
    return cwdName;
  }

  /**
   * A directory relative to the working directory, holding canaries named {@code canary} and {@link
   * #cwdName()}.
   */
  String relativeDir() {
    return relativeDir;
  }

  /** The names an attack would aim at: the canaries' names and absolute paths. */
  List<String> targets() {
    List<String> names = new ArrayList<>(List.of("canary", "trap", "ok", "sub", cwdName));
    names.add(root.resolve("canary").toString());
    names.add(root.resolve("outside/canary").toString());
    names.add(relativeDir);
    return names;
  }

  /** The canaries that ran (never the trap). */
  List<Path> ran() {
    List<Path> ran = new ArrayList<>();
    for (Path canary : canaries) {
      if (Files.exists(canary.resolveSibling("canary-ran"))) {
        ran.add(canary);
      }
    }
    return ran;
  }

  /** Whether the trap ran since the last call, which forgets it. */
  boolean trapRanAndReset() throws IOException {
    return Files.deleteIfExists(trap.resolveSibling("canary-ran"));
  }

  @Override
  public void close() throws IOException {
    for (Path p : cleanup) {
      Testdata.deleteTree(p);
    }
    Testdata.deleteTree(root);
  }
}
