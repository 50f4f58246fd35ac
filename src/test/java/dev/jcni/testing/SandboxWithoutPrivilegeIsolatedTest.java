package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without root's capabilities a test gets no sandbox: it is skipped with the reason, or fails in
 * strict mode, and nothing is made. A JVM started through {@code setpriv} with an empty capability
 * bounding set (still uid 0, so it can read the class path) runs {@link SandboxProbe}.
 */
@Tag("isolated")
class SandboxWithoutPrivilegeIsolatedTest {
  private static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;

  @BeforeAll
  static void isolated() throws Exception {
    Isolation.require();
  }

  @Test
  void withoutCapabilitiesTheTestIsSkippedWithTheReasonOrFailsInStrictMode() throws Exception {
    Path root = tmp.resolve("root");
    List<String> lines =
        run(
            "setpriv",
            "--bounding-set=-all",
            "--inh-caps=-all",
            "--",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            SandboxProbe.class.getName(),
            root.toString(),
            PLUGINS.toString());

    String reason =
        "no CNI sandbox: needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN are not effective"
            + " (uid 0, CapEff 0000000000000000)";
    assertThat(lines)
        .containsExactly(
            "normal\torg.opentest4j.TestAbortedException\t" + reason,
            "strict\tjava.lang.AssertionError\t"
                + reason
                + " (jcni.testing.strict is set: failing, not skipping)");
    assertThat(root).as("nothing was made").doesNotExist();
  }

  private static List<String> run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("probe output: %s", out).isZero();
    return out.lines().toList();
  }
}
