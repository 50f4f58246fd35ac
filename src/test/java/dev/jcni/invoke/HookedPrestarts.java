package dev.jcni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The posix_spawn launcher with a hook that runs on the thread of each start ahead, before the
 * start: for tests that watch, or hold, the starts of prestarted plugins.
 */
public abstract class HookedPrestarts implements PluginLauncher {
  private final PosixSpawnLauncher real = new PosixSpawnLauncher();

  /** A launcher whose starts ahead go through {@link #beforePrestart()} first. */
  protected HookedPrestarts() {}

  /** Runs on the starting thread before each process is started ahead. */
  protected abstract void beforePrestart() throws IOException;

  @Override
  public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
    return real.launch(request);
  }

  @Override
  public LaunchResult launch(LaunchRequest request, Runnable whileRunning)
      throws IOException, InterruptedException {
    return real.launch(request, whileRunning);
  }

  @Override
  public boolean startsAhead() {
    return true;
  }

  @Override
  public Optional<PrestartedPlugin> prestart(
      Path executable, List<String> arguments, List<String> environment) throws IOException {
    beforePrestart();
    return real.prestart(executable, arguments, environment);
  }
}
