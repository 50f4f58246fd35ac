package dev.jcni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole launcher contract (deadlines, output caps, the grandchild holding a pipe, signals,
 * interruption, every failure-mode plugin) run on processes started ahead of their call: each
 * launch is a {@link PosixSpawnLauncher#prestart} followed by {@link PrestartedPlugin#launch}.
 */
class PosixSpawnPrestartContractTest extends PluginLauncherContract {
  private static final PluginLauncher PRESTARTING = new Prestarting(new PosixSpawnLauncher());

  @Override
  protected PluginLauncher launcher() {
    return PRESTARTING;
  }

  /** Starts every process ahead, then gives it its call. */
  private static final class Prestarting implements PluginLauncher {
    private final PluginLauncher delegate;

    Prestarting(PluginLauncher delegate) {
      this.delegate = delegate;
    }

    @Override
    public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
      return launch(request, () -> {});
    }

    @Override
    public LaunchResult launch(LaunchRequest request, Runnable whileRunning)
        throws IOException, InterruptedException {
      Optional<PrestartedPlugin> early =
          delegate.prestart(request.executable(), request.arguments(), request.environment());
      try (PrestartedPlugin plugin = early.orElseThrow()) {
        return plugin.launch(request, whileRunning);
      }
    }

    @Override
    public boolean startsAhead() {
      return delegate.startsAhead();
    }

    @Override
    public Optional<PrestartedPlugin> prestart(
        Path executable, List<String> arguments, List<String> environment) throws IOException {
      return delegate.prestart(executable, arguments, environment);
    }
  }
}
