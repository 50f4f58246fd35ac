package dev.jcni;

import dev.jcni.invoke.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The plugin did not exit before its deadline. jcni sent SIGTERM to the plugin and the processes it
 * started, waited the grace period, then sent SIGKILL to whatever was left.
 */
public final class PluginTimeoutException extends PluginExecutionException {
  private static final long serialVersionUID = 1L;

  private final Duration deadline;
  private final boolean killed;

  /**
   * Creates the exception.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param deadline the time the call was allowed
   * @param killed whether SIGKILL had to follow SIGTERM
   * @param exitStatus the exit status after the plugin was stopped, when it was reaped
   * @param signal the signal that ended the plugin when known for certain, or empty
   * @param elapsed how long the call took, termination included
   * @param stderrTail the tail of the plugin's stderr, or {@code ""}
   */
  public PluginTimeoutException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      Duration deadline,
      boolean killed,
      OptionalInt exitStatus,
      OptionalInt signal,
      Duration elapsed,
      String stderrTail) {
    super(
        pluginType,
        pluginPath,
        verb,
        boxed(exitStatus),
        boxed(signal),
        elapsed,
        stderrTail,
        "did not finish within its "
            + format(deadline)
            + " deadline; stopped with SIGTERM"
            + (killed ? ", then SIGKILL after the grace period" : ""),
        null);
    this.deadline = deadline;
    this.killed = killed;
  }

  /** The time the call was allowed. */
  public Duration deadline() {
    return deadline;
  }

  /** Whether the plugin (or a process it started) outlived SIGTERM and had to be killed. */
  public boolean killed() {
    return killed;
  }
}
