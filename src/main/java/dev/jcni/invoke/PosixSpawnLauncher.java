package dev.jcni.invoke;

import dev.jcni.internal.linux.Spawn;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@link PluginLauncher} that calls the C library's {@code posix_spawn} through JNA: the plugin
 * is the only program executed (the JDK's {@link ProcessBuilder} first executes its {@code
 * jspawnhelper}), and the calling thread is the only thread involved. It is the default launcher of
 * {@link PluginExecutor} where it is supported (see {@link PluginExecutor#LAUNCHER_PROPERTY}).
 *
 * <p><b>The child.</b> {@code argv} is the plugin path alone and the environment exactly the
 * request's, both encoded once per start into one block of native memory that is freed before
 * {@code launch} goes on. stdin, stdout and stderr are pipes created close-on-exec and put in place
 * by the spawn's file actions; every other descriptor is closed in the child (the JDK opens its own
 * files without close-on-exec). The child leads a process group of its own, with an empty signal
 * mask and every signal at its default disposition, whatever the calling thread blocks or the JVM
 * ignores. glibc creates it with {@code clone(CLONE_VM|CLONE_VFORK)}: the JVM is never forked. A
 * file that is not a valid executable fails with {@code ENOEXEC} (as with Go's {@code os/exec});
 * the JDK would run it with {@code /bin/sh} instead.
 *
 * <p><b>Supervision.</b> The calling thread writes stdin, reads stdout and stderr and waits for the
 * exit in one {@code poll} loop (the exit through a pidfd, Linux 5.3; on older kernels by checking
 * {@code waitpid} every millisecond once the output has ended). Each wait lasts at most 100 ms, so
 * an interrupt is acted on within that time. The plugin is reaped with {@code waitpid}; the exit
 * status is exact, and a death by signal is reported with its signal for certain.
 *
 * <p><b>Stopping.</b> At the deadline, past the stdout limit, or on interruption, SIGTERM goes to
 * the whole process group ({@code kill(-pgid, SIGTERM)}); output is still read during the grace
 * period; if a process of the group still runs at its end, SIGKILL goes to the group. The group is
 * signalled only while the plugin, its leader, is not yet reaped, or while some process of the
 * group still runs, so that its id cannot belong to anyone else. A process that leaves the group
 * ({@code setsid}, {@code setpgid}) escapes the signals, as it would a shell's job control; it
 * cannot hold the call, because reading stops at the end of the drain period.
 *
 * <p><b>Resources.</b> Every path, exceptions and interruption included, closes every descriptor,
 * frees the native memory and reaps the plugin (SIGKILL to its group first, if it still runs when
 * supervision fails). A plugin that cannot be reaped within 2 s of SIGKILL (stuck in the kernel) is
 * handed to a daemon thread that waits for it, so that it never stays a zombie.
 *
 * <p>Supported on Linux on x86-64 and aarch64 with glibc 2.34 or later, when JNA loads; {@link
 * #unsupportedReason()} says why not elsewhere. Stateless and thread-safe: one instance can serve
 * any number of concurrent calls. A virtual thread calling it pins its carrier thread while it
 * waits in {@code poll}.
 */
public final class PosixSpawnLauncher implements PluginLauncher {

  /**
   * Creates the launcher.
   *
   * @throws UnsupportedOperationException when {@link #unsupportedReason()} is not empty
   */
  public PosixSpawnLauncher() {
    Optional<String> reason = unsupportedReason();
    if (reason.isPresent()) {
      throw new UnsupportedOperationException(
          "the posix_spawn launcher is unavailable here: " + reason.get());
    }
  }

  /**
   * Whether this launcher works on this system.
   *
   * @return {@code true} on Linux on x86-64 or aarch64 with glibc 2.34 or later, when JNA loads
   */
  public static boolean isSupported() {
    return unsupportedReason().isEmpty();
  }

  /**
   * Why this launcher does not work on this system, if it does not.
   *
   * @return the reason (not Linux, another architecture, JNA not loadable, an older C library), or
   *     empty when it works
   */
  public static Optional<String> unsupportedReason() {
    return Spawn.unsupportedReason();
  }

  @Override
  public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
    return launch(request, () -> {});
  }

  @Override
  public LaunchResult launch(LaunchRequest request, Runnable whileRunning)
      throws IOException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException(
          "plugin call interrupted before "
              + UntrustedText.plainOrQuoted(request.executable())
              + " was started");
    }
    long started = System.nanoTime();
    try (SpawnedPlugin plugin =
        SpawnedPlugin.start(request.executable(), request.arguments(), request.environment())) {
      return run(plugin, request, whileRunning, started);
    }
  }

  /** Yes: {@link #prestart} starts the process at once. */
  @Override
  public boolean startsAhead() {
    return true;
  }

  /**
   * Starts the process now; it waits in its first read of stdin until its call. With {@code
   * posix_spawn} the process exists, and has replaced its program, when this returns.
   */
  @Override
  public Optional<PrestartedPlugin> prestart(
      Path executable, List<String> arguments, List<String> environment) throws IOException {
    List<String> args = List.copyOf(arguments);
    List<String> env = List.copyOf(environment);
    return Optional.of(new Prestarted(SpawnedPlugin.start(executable, args, env), args, env));
  }

  private static LaunchResult run(
      SpawnedPlugin plugin, LaunchRequest request, Runnable whileRunning, long started)
      throws IOException, InterruptedException {
    plugin.feed(request);
    whileRunning.run();
    return plugin.supervise(started);
  }

  /** A process of {@link #prestart}, and the one call it serves. */
  private static final class Prestarted implements PrestartedPlugin {
    private final SpawnedPlugin plugin;
    private final List<String> arguments;
    private final List<String> environment;
    private boolean used;

    Prestarted(SpawnedPlugin plugin, List<String> arguments, List<String> environment) {
      this.plugin = plugin;
      this.arguments = arguments;
      this.environment = environment;
    }

    @Override
    public Path executable() {
      return plugin.executable();
    }

    @Override
    public List<String> arguments() {
      return arguments;
    }

    @Override
    public List<String> environment() {
      return environment;
    }

    @Override
    public LaunchResult launch(LaunchRequest request, Runnable whileRunning)
        throws IOException, InterruptedException {
      if (used) {
        throw new IllegalStateException("the prestarted plugin was already used or closed");
      }
      used = true;
      try (SpawnedPlugin p = plugin) {
        if (!serves(request)) {
          throw new IllegalArgumentException(
              "the prestarted process of "
                  + UntrustedText.plainOrQuoted(plugin.executable())
                  + " was started for another program, arguments or environment than the call"
                  + " of "
                  + UntrustedText.plainOrQuoted(request.executable()));
        }
        if (Thread.interrupted()) {
          throw new InterruptedException(
              "plugin call interrupted before "
                  + UntrustedText.plainOrQuoted(request.executable())
                  + " was given its call");
        }
        return run(p, request, whileRunning, System.nanoTime());
      }
    }

    @Override
    public void close() {
      if (!used) {
        used = true;
        plugin.close();
      }
    }

    @Override
    public String toString() {
      return "PrestartedPlugin[" + plugin.executable() + "]";
    }
  }

  @Override
  public String toString() {
    return "PosixSpawnLauncher";
  }
}
