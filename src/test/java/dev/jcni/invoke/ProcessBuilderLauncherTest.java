package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher contract for {@link ProcessBuilderLauncher}, and its reading of the JDK's text. */
class ProcessBuilderLauncherTest extends PluginLauncherContract {
  private static final ProcessBuilderLauncher LAUNCHER = new ProcessBuilderLauncher();

  @Override
  protected PluginLauncher launcher() {
    return LAUNCHER;
  }

  /** What {@link ProcessBuilder#start()} throws: the path quoted, then the cause's text. */
  private static IOException startFailure(Path program, String cause, boolean withCause) {
    String message = "Cannot run program \"" + program + "\": " + cause;
    return withCause ? new IOException(message, new IOException(cause)) : new IOException(message);
  }

  @Test
  void readsTheErrnoFromTheJdksTextNotFromThePathQuotedBeforeIt() {
    Path jdk17Name = Path.of("/opt/cni/bin/x error=26, Text file busy");
    Path laterName = Path.of("/opt/cni/bin/x error: 26 (Text file busy) y");
    for (boolean withCause : new boolean[] {true, false}) {
      SpawnException jdk17 =
          ProcessBuilderLauncher.spawnFailure(
              jdk17Name, startFailure(jdk17Name, "error=2, No such file or directory", withCause));
      assertThat(jdk17.errno()).as("JDK 17, cause %s", withCause).hasValue(2);
      assertThat(jdk17.isTextFileBusy()).isFalse();
      assertThat(jdk17.getMessage()).contains("No such file or directory");

      SpawnException later =
          ProcessBuilderLauncher.spawnFailure(
              laterName,
              startFailure(
                  laterName, "Exec failed, error: 2 (No such file or directory) ", withCause));
      assertThat(later.errno()).as("later JDKs, cause %s", withCause).hasValue(2);
      assertThat(later.isTextFileBusy()).isFalse();
    }
  }

  @Test
  void recognisesTextFileBusyInBothFormats() {
    Path plugin = Path.of("/opt/cni/bin/bridge");
    for (String cause :
        new String[] {"error=26, Text file busy", "Exec failed, error: 26 (Text file busy) "}) {
      SpawnException e =
          ProcessBuilderLauncher.spawnFailure(plugin, startFailure(plugin, cause, true));
      assertThat(e.errno()).as(cause).hasValue(SpawnException.ETXTBSY);
      assertThat(e.isTextFileBusy()).isTrue();
    }
  }

  @Test
  void aMessageWithoutAnErrnoGivesNone() {
    Path plugin = Path.of("/opt/cni/bin/error=26, x");
    SpawnException e =
        ProcessBuilderLauncher.spawnFailure(
            plugin, new IOException("something else went wrong", new IOException("no number")));
    assertThat(e.errno()).isEmpty();
    assertThat(e.getMessage()).contains("something else went wrong");
  }
}
