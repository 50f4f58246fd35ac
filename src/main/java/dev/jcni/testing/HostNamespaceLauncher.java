package dev.jcni.testing;

import dev.jcni.NetnsException;
import dev.jcni.invoke.LaunchRequest;
import dev.jcni.invoke.LaunchResult;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PosixSpawnLauncher;
import dev.jcni.invoke.ProcessBuilderLauncher;
import dev.jcni.netns.NetworkNamespace;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;

/**
 * A launcher that starts every plugin from a thread inside the sandbox's host network namespace
 * ({@link NetworkNamespace#run}), whichever thread calls the client: the plugins then create their
 * host-side interfaces, routes and iptables rules there, never in the namespace of the JVM.
 */
final class HostNamespaceLauncher implements PluginLauncher {
  private final NetworkNamespace host;
  private final PluginLauncher delegate;

  HostNamespaceLauncher(NetworkNamespace host, PluginLauncher delegate) {
    this.host = Objects.requireNonNull(host, "host");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
    try {
      return host.<LaunchResult, Exception>run(() -> delegate.launch(request));
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (NetnsException e) {
      throw new IOException(
          "cannot start plugin "
              + request.executable()
              + " in the sandbox's host network namespace: "
              + e.getMessage(),
          e);
    } catch (Exception e) { // PluginLauncher.launch throws nothing else
      throw new IllegalStateException(e);
    }
  }

  /**
   * The launcher a client gets by default, chosen the same way: {@link ProcessBuilderLauncher} when
   * the system property {@value PluginExecutor#LAUNCHER_PROPERTY} says {@code processbuilder} or
   * posix_spawn is not supported here, {@link PosixSpawnLauncher} otherwise. One instance of each
   * is shared by every sandbox of the JVM.
   */
  static PluginLauncher systemLauncher() {
    String wanted =
        System.getProperty(PluginExecutor.LAUNCHER_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("processbuilder") || !PosixSpawnLauncher.isSupported()) {
      return ProcessBuilderHolder.INSTANCE;
    }
    return PosixSpawnHolder.INSTANCE;
  }

  @Override
  public String toString() {
    return delegate + " in " + host;
  }

  private static final class PosixSpawnHolder {
    static final PluginLauncher INSTANCE = new PosixSpawnLauncher();

    private PosixSpawnHolder() {}
  }

  private static final class ProcessBuilderHolder {
    static final PluginLauncher INSTANCE = new ProcessBuilderLauncher();

    private ProcessBuilderHolder() {}
  }
}
