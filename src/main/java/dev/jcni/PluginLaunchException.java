package dev.jcni;

import dev.jcni.invoke.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The plugin file was found but could not be started: the kernel refused to execute it (for example
 * "text file busy" that outlasted the retries, "permission denied" on a {@code noexec} mount, or
 * "exec format error"), or, with prestarted plugins, its process being started ahead was not there
 * by the call's deadline (the start hangs).
 */
public final class PluginLaunchException extends PluginExecutionException {
  private static final long serialVersionUID = 1L;

  private final Integer errno;

  /**
   * Creates the exception.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param problem what failed, naming the error
   * @param errno the operating system's error number, when known
   * @param elapsed how long the attempts took
   * @param cause the launcher's exception
   */
  public PluginLaunchException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      String problem,
      OptionalInt errno,
      Duration elapsed,
      Throwable cause) {
    super(pluginType, pluginPath, verb, null, null, elapsed, "", "cannot start: " + problem, cause);
    this.errno = boxed(errno);
  }

  /** The operating system's error number of the last attempt, when known. */
  public OptionalInt errno() {
    return errno == null ? OptionalInt.empty() : OptionalInt.of(errno);
  }
}
