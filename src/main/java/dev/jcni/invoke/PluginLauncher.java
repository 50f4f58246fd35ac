package dev.jcni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The process layer under {@link PluginExecutor}: starts one plugin process and supervises it.
 * Implementations must be thread-safe and must all pass the same contract tests: {@link
 * PosixSpawnLauncher} (the default on Linux) and {@link ProcessBuilderLauncher}.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>no shell: {@code argv} is the executable path then the request's arguments (none unless a
 *       {@link PrivilegeProfile} wraps the plugin); the environment is exactly the request's;
 *   <li>stdin receives the request's bytes and is then closed; a plugin that exits or closes stdin
 *       without reading is not an error (the broken pipe is ignored);
 *   <li>at most {@code stdoutLimit + 1} stdout bytes are ever held; once more than the limit has
 *       arrived, reading stops and the plugin is stopped ({@link
 *       LaunchResult.Ending#OUTPUT_LIMIT_EXCEEDED}); stderr is read to the end but only its last
 *       {@code stderrTail} bytes are kept;
 *   <li>at the deadline the plugin is stopped ({@link LaunchResult.Ending#DEADLINE_EXCEEDED});
 *       stopping means SIGTERM to the plugin and the processes it started, the grace period, then
 *       SIGKILL to whatever is left;
 *   <li>once the plugin has exited (or been stopped), output is read for at most the drain period,
 *       so that a process it left behind holding a pipe open cannot hold the call; a stdout not
 *       read up to where the plugin left it by then is reported as such ({@link
 *       LaunchResult#stdoutIncomplete()}), never as the plugin's whole output;
 *   <li>a process the plugin left behind holding stdin open without reading it cannot hold the call
 *       either;
 *   <li>interruption of the calling thread stops the plugin the same way, then {@link
 *       InterruptedException} is thrown.
 * </ul>
 */
public interface PluginLauncher {
  /**
   * Runs the plugin and waits for it within the request's bounds.
   *
   * @param request what to run and the bounds
   * @return how the plugin ended and what it wrote
   * @throws SpawnException when the operating system refused to start the plugin
   * @throws IOException when the process could not be set up for another reason
   * @throws InterruptedException when the calling thread was interrupted; the plugin has been
   *     stopped
   */
  LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException;

  /**
   * Runs the plugin as {@link #launch(LaunchRequest)} does, and calls {@code whileRunning} once
   * the plugin has been started and given its stdin, before waiting for it: work that can overlap
   * with the plugin's run, such as starting the next plugin of a list ahead of its call. The hook
   * runs once, on the calling thread; a {@link RuntimeException} from it stops the plugin and is
   * rethrown. The default calls the hook first, then {@link #launch(LaunchRequest)}.
   *
   * @param request what to run and the bounds
   * @param whileRunning the work to overlap with the plugin's run
   * @return how the plugin ended and what it wrote
   * @throws SpawnException when the operating system refused to start the plugin
   * @throws IOException when the process could not be set up for another reason
   * @throws InterruptedException when the calling thread was interrupted; the plugin has been
   *     stopped
   */
  default LaunchResult launch(LaunchRequest request, Runnable whileRunning)
      throws IOException, InterruptedException {
    whileRunning.run();
    return launch(request);
  }

  /**
   * Starts a plugin process ahead of its call: the process is created and runs until it reads its
   * stdin, which it gets only when {@link PrestartedPlugin#launch} gives it the call. Closing the
   * returned process without a call kills it (with its process group) and reaps it. The default
   * starts nothing and returns empty: this launcher cannot start processes ahead. A launcher that
   * implements it also says so in {@link #startsAhead()}; otherwise it is never called.
   *
   * @param executable {@code argv[0]}, as in {@link LaunchRequest#executable()}
   * @param arguments the arguments after it, as in {@link LaunchRequest#arguments()}
   * @param environment the complete environment, as in {@link LaunchRequest#environment()}
   * @return the waiting process, or empty when this launcher does not start processes ahead
   * @throws SpawnException when the operating system refused to start the plugin
   * @throws IOException when the process could not be set up for another reason
   */
  default Optional<PrestartedPlugin> prestart(
      Path executable, List<String> arguments, List<String> environment) throws IOException {
    return Optional.empty();
  }

  /**
   * Whether {@link #prestart} can start processes ahead. A client whose launcher cannot treats
   * prestarting as off. The default says no, as the default {@code prestart} starts nothing.
   *
   * @return {@code true} when {@link #prestart} is implemented
   */
  default boolean startsAhead() {
    return false;
  }
}
