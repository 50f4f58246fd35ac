package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.InvalidNameException;
import dev.jcni.PluginNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary binary outside CNI_PATH must never run, whatever {@code type} or CNI_PATH is tried
 * (CVE-2021-20206, and libcni's search of the working directory for an empty CNI_PATH entry).
 */
@Timeout(20)
class CanaryTest {
  private static final PluginExecutor EXECUTOR = new PluginExecutor();

  @TempDir Path tmp;

  private Path plugins;
  private final List<Path> canaries = new ArrayList<>();
  private final List<Path> cleanup = new ArrayList<>();
  private String cwdCanary;
  private String relativeDir;

  @BeforeEach
  void layOutCanaries() throws Exception {
    Path root = tmp.resolve("root");
    plugins = Files.createDirectories(root.resolve("plugins"));
    Plugins.copy(Plugins.dir().resolve("echo-plugin"), plugins.resolve("echo-plugin"));
    canaries.add(Plugins.copy(Plugins.canary(), root.resolve("canary")));
    canaries.add(Plugins.copy(Plugins.canary(), root.resolve("canarydir/canary")));
    Files.createSymbolicLink(plugins.resolve("sub"), root.resolve("canarydir"));

    // In the working directory of the JVM, where libcni looks for an empty CNI_PATH entry.
    Path cwd = Path.of("").toAbsolutePath();
    cwdCanary = "jcni-canary-" + UUID.randomUUID();
    canaries.add(Plugins.copy(Plugins.canary(), cwd.resolve(cwdCanary)));
    relativeDir = "target/jcni-canary-" + UUID.randomUUID();
    canaries.add(Plugins.copy(Plugins.canary(), cwd.resolve(relativeDir).resolve("canary")));
    canaries.add(Plugins.copy(Plugins.canary(), cwd.resolve(relativeDir).resolve(cwdCanary)));
    cleanup.add(cwd.resolve(cwdCanary));
    cleanup.add(cwd.resolve(relativeDir).resolve("canary"));
    cleanup.add(cwd.resolve(relativeDir).resolve(cwdCanary));
    cleanup.add(cwd.resolve(relativeDir).resolve("canary-ran"));
    cleanup.add(cwd.resolve("canary-ran"));
    cleanup.add(cwd.resolve(relativeDir));
  }

  @AfterEach
  void removeCanaries() throws Exception {
    for (Path p : cleanup) {
      Files.deleteIfExists(p);
    }
  }

  private void assertNoCanaryRan() {
    for (Path canary : canaries) {
      assertThat(canary.resolveSibling("canary-ran")).as("canary at %s ran", canary).doesNotExist();
    }
  }

  /** Locates and, if that ever succeeded, runs the plugin: the whole path a runtime takes. */
  private static void attempt(String cniPath, String type) throws Exception {
    LocatedPlugin found = PluginPath.parse(cniPath).find(type);
    EXECUTOR.execute(
        found, PluginInvocation.of(Verb.ADD, "c1", "", "eth0", "", cniPath, "{}".getBytes()));
  }

  @Test
  void typesThatAreNotPlainFileNamesAreRejectedBeforeTheFileSystemIsTouched() {
    String abs = plugins.getParent().resolve("canary").toString();
    for (String type :
        List.of(
            "../canary",
            abs,
            "sub/canary",
            "./canary",
            "..\\canary",
            "..",
            ".",
            "canary\0",
            "canary\n",
            "-canary",
            "",
            "sub/../../canary")) {
      assertThatThrownBy(() -> attempt(plugins.toString(), type))
          .as("type %s", type)
          .isInstanceOf(InvalidNameException.class);
    }
    assertNoCanaryRan();
  }

  @Test
  void aSymbolicLinkToADirectoryIsNotAPlugin() {
    assertThatThrownBy(() -> attempt(plugins.toString(), "sub"))
        .isInstanceOfSatisfying(
            PluginNotFoundException.class,
            e ->
                assertThat(e.skipped())
                    .extracting(s -> s.reason())
                    .containsExactly("is a directory"));
    assertNoCanaryRan();
  }

  @Test
  void emptyAndRelativeCniPathEntriesNeverReachTheWorkingDirectory() {
    for (String cniPath :
        List.of(
            "",
            ":",
            "::",
            ":" + plugins,
            plugins + ":",
            ".",
            "./",
            "..",
            relativeDir,
            "./" + relativeDir,
            plugins + ":" + relativeDir)) {
      for (String type : List.of(cwdCanary, "canary")) {
        assertThatThrownBy(() -> attempt(cniPath, type))
            .as("CNI_PATH=%s type=%s", cniPath, type)
            .isInstanceOf(PluginNotFoundException.class);
      }
    }
    assertNoCanaryRan();
  }

  @Test
  void aCanaryInsideCniPathDoesRunSoTheMarkerIsAFairWitness() throws Exception {
    // The control experiment: the same canary, legitimately on CNI_PATH, leaves its marker.
    Path dir = Files.createDirectories(tmp.resolve("legit"));
    Path canary = Plugins.copy(Plugins.canary(), dir.resolve("canary"));
    attempt(dir.toString(), "canary");
    assertThat(canary.resolveSibling("canary-ran")).exists();
    assertNoCanaryRan();
  }
}
