package dev.jcni.hardening;

import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PosixSpawnLauncher;
import dev.jcni.invoke.ProcessBuilderLauncher;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Every launcher jcni ships. Each hardening test that depends on how plugins are started runs once
 * per launcher here ({@code @MethodSource("dev.jcni.hardening.Launchers#all")}), as the launcher
 * contract does; a new launcher joins by being added to {@link #LAUNCHERS}.
 *
 * <p>The posix_spawn launcher is not optional where the tests run (Linux, x86-64, glibc 2.34 or
 * later): if it cannot be built, every test that uses this list fails rather than skipping it.
 */
final class Launchers {
  private static final List<Named<PluginLauncher>> LAUNCHERS =
      List.of(
          Named.of("ProcessBuilderLauncher", new ProcessBuilderLauncher()),
          Named.of("PosixSpawnLauncher", new PosixSpawnLauncher()));

  private Launchers() {}

  /** The launchers, named for test reports. */
  static Stream<Named<PluginLauncher>> all() {
    return LAUNCHERS.stream();
  }

  /** A launcher's name for messages and figures. */
  static String name(PluginLauncher launcher) {
    return launcher.getClass().getSimpleName();
  }

  /** The launchers themselves, for generators that pick one per try. */
  static List<PluginLauncher> list() {
    return LAUNCHERS.stream().map(Named::getPayload).toList();
  }
}
