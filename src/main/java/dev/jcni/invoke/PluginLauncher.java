package dev.jcni.invoke;

import java.io.IOException;

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
 *       so that a process it left behind holding a pipe open cannot hold the call;
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
}
