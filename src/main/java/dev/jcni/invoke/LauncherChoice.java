package dev.jcni.invoke;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link PluginLauncher} a {@link PluginExecutor} gets when none is given: {@link
 * PosixSpawnLauncher} where it is supported, {@link ProcessBuilderLauncher} elsewhere, unless the
 * system property {@value PluginExecutor#LAUNCHER_PROPERTY} says otherwise. One instance of each
 * launcher is shared by all such executors.
 */
final class LauncherChoice {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherChoice.class);

  /** The launchers, by the property's values. */
  enum Kind {
    /** {@link PosixSpawnLauncher}: property value {@code posix_spawn}. */
    POSIX_SPAWN("posix_spawn"),
    /** {@link ProcessBuilderLauncher}: property value {@code processbuilder}. */
    PROCESS_BUILDER("processbuilder");

    final String value;

    Kind(String value) {
      this.value = value;
    }
  }

  private LauncherChoice() {}

  private static final class PosixSpawn {
    static final PosixSpawnLauncher INSTANCE = new PosixSpawnLauncher();

    private PosixSpawn() {}
  }

  private static final class ProcessBuilderHolder {
    static final ProcessBuilderLauncher INSTANCE = new ProcessBuilderLauncher();

    private ProcessBuilderHolder() {}
  }

  /** The launcher chosen now, by the system property and what this system supports. */
  static PluginLauncher systemDefault() {
    Kind kind =
        choose(
            System.getProperty(PluginExecutor.LAUNCHER_PROPERTY),
            PosixSpawnLauncher.unsupportedReason());
    return kind == Kind.POSIX_SPAWN ? PosixSpawn.INSTANCE : ProcessBuilderHolder.INSTANCE;
  }

  /**
   * The choice, as plain logic: the property's value if it names a launcher that works here, else
   * the posix_spawn launcher if it works here, else the ProcessBuilder one. A value that cannot be
   * honoured is logged as a warning, never silently ignored.
   *
   * @param property the property's value, or {@code null} when it is not set
   * @param posixSpawnUnsupported why the posix_spawn launcher does not work here, if it does not
   */
  static Kind choose(String property, Optional<String> posixSpawnUnsupported) {
    Kind fallback = posixSpawnUnsupported.isEmpty() ? Kind.POSIX_SPAWN : Kind.PROCESS_BUILDER;
    if (property == null || property.isBlank()) {
      return fallback;
    }
    String wanted = property.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals(Kind.PROCESS_BUILDER.value)) {
      return Kind.PROCESS_BUILDER;
    }
    if (wanted.equals(Kind.POSIX_SPAWN.value)) {
      if (posixSpawnUnsupported.isEmpty()) {
        return Kind.POSIX_SPAWN;
      }
      LOG.warn(
          "{}={} but the posix_spawn launcher is unavailable here ({}); using ProcessBuilder",
          PluginExecutor.LAUNCHER_PROPERTY,
          property,
          posixSpawnUnsupported.get());
      return Kind.PROCESS_BUILDER;
    }
    LOG.warn(
        "{}={} is not a launcher (use {} or {}); using {}",
        PluginExecutor.LAUNCHER_PROPERTY,
        property,
        Kind.POSIX_SPAWN.value,
        Kind.PROCESS_BUILDER.value,
        fallback.value);
    return fallback;
  }
}
