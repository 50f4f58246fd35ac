package dev.jcni.invoke;

import static dev.jcni.invoke.LauncherChoice.choose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.invoke.LauncherChoice.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LauncherChoiceTest {
  private static final Optional<String> SUPPORTED = Optional.empty();
  private static final Optional<String> UNSUPPORTED = Optional.of("not Linux (Windows 11)");

  @Test
  void thePosixSpawnLauncherIsSupportedOnThisLinuxMachine() {
    // The build machines are Linux with glibc 2.36: a failure here means the native launcher
    // silently stopped being the default, which the rest of the suite would not notice.
    assertThat(PosixSpawnLauncher.unsupportedReason()).isEmpty();
    assertThat(PosixSpawnLauncher.isSupported()).isTrue();
  }

  @Test
  void withoutThePropertyThePosixSpawnLauncherIsTheDefaultWhereItIsSupported() {
    assertThat(choose(null, SUPPORTED)).isEqualTo(Kind.POSIX_SPAWN);
    assertThat(choose("", SUPPORTED)).isEqualTo(Kind.POSIX_SPAWN);
    assertThat(choose(null, UNSUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
  }

  @Test
  void thePropertyChoosesEitherLauncherWhateverItsCase() {
    assertThat(choose("processbuilder", SUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
    assertThat(choose(" ProcessBuilder ", SUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
    assertThat(choose("processbuilder", UNSUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
    assertThat(choose("posix_spawn", SUPPORTED)).isEqualTo(Kind.POSIX_SPAWN);
    assertThat(choose("POSIX_SPAWN", SUPPORTED)).isEqualTo(Kind.POSIX_SPAWN);
  }

  @Test
  void askingForAnUnsupportedOrUnknownLauncherFallsBackToTheDefault() {
    assertThat(choose("posix_spawn", UNSUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
    assertThat(choose("fork", SUPPORTED)).isEqualTo(Kind.POSIX_SPAWN);
    assertThat(choose("fork", UNSUPPORTED)).isEqualTo(Kind.PROCESS_BUILDER);
  }

  @Test
  void theSystemDefaultFollowsTheProperty() {
    String saved = System.getProperty(PluginExecutor.LAUNCHER_PROPERTY);
    try {
      System.clearProperty(PluginExecutor.LAUNCHER_PROPERTY);
      assertThat(LauncherChoice.systemDefault()).isInstanceOf(PosixSpawnLauncher.class);
      assertThat(PluginExecutor.defaultLauncher()).isSameAs(LauncherChoice.systemDefault());
      System.setProperty(PluginExecutor.LAUNCHER_PROPERTY, "processbuilder");
      assertThat(LauncherChoice.systemDefault()).isInstanceOf(ProcessBuilderLauncher.class);
      assertThat(PluginExecutor.defaultLauncher()).isInstanceOf(ProcessBuilderLauncher.class);
      System.setProperty(PluginExecutor.LAUNCHER_PROPERTY, "posix_spawn");
      assertThat(LauncherChoice.systemDefault()).isInstanceOf(PosixSpawnLauncher.class);
    } finally {
      if (saved == null) {
        System.clearProperty(PluginExecutor.LAUNCHER_PROPERTY);
      } else {
        System.setProperty(PluginExecutor.LAUNCHER_PROPERTY, saved);
      }
    }
  }
}
