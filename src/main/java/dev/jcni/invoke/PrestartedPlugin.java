package dev.jcni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A plugin process started ahead of its call by {@link PluginLauncher#prestart}: it has been
 * created with its final program, arguments and environment, and waits for its stdin. Either
 * {@link #launch} gives it its call, once, or {@link #close()} kills it unused. Not thread-safe:
 * one thread owns it.
 *
 * <p>What runs ahead is only the process's start (the {@code exec}, the loading of the program and
 * whatever the program does before it reads stdin); every plugin built on the CNI library's {@code
 * skel} reads its stdin before it acts. A plugin whose call never comes is killed with {@code
 * SIGKILL} before it has been given a configuration.
 */
public interface PrestartedPlugin extends AutoCloseable {

  /** The program the process runs ({@code argv[0]}). */
  Path executable();

  /** The arguments it was started with. */
  List<String> arguments();

  /** The environment it was started with. */
  List<String> environment();

  /**
   * Gives the process its call, as {@link PluginLauncher#launch(LaunchRequest, Runnable)} would run
   * it: stdin, then {@code whileRunning}, then the supervision within the request's bounds, which
   * count from now. The process is released (reaped, its descriptors closed) before this returns
   * or throws.
   *
   * @param request the call; its executable, arguments and environment must be this process's
   * @param whileRunning the work to overlap with the plugin's run
   * @return how the plugin ended and what it wrote
   * @throws IllegalArgumentException when the request is for another program, arguments or
   *     environment (the process is then killed)
   * @throws IllegalStateException when the process was already given a call or closed
   * @throws IOException when the process could not be supervised
   * @throws InterruptedException when the calling thread was interrupted; the plugin has been
   *     stopped
   */
  LaunchResult launch(LaunchRequest request, Runnable whileRunning)
      throws IOException, InterruptedException;

  /**
   * Kills the process with its process group and reaps it, if it was never given its call;
   * otherwise does nothing. Idempotent.
   */
  @Override
  void close();

  /**
   * Whether the request is for this process: the same executable, arguments and environment.
   *
   * @param request a call
   * @return {@code true} when this process can serve it
   */
  default boolean serves(LaunchRequest request) {
    return executable().equals(request.executable())
        && arguments().equals(request.arguments())
        && environment().equals(request.environment());
  }
}
