package dev.jcni;

import dev.jcni.invoke.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The plugin wrote more to stdout than the configured limit. jcni stopped reading at the limit and
 * stopped the plugin, so that a runaway plugin cannot exhaust the runtime's memory.
 */
public final class PluginOutputTooLargeException extends PluginExecutionException {
  private static final long serialVersionUID = 1L;

  private final long limitBytes;

  /**
   * Creates the exception.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param limitBytes the stdout limit that was exceeded
   * @param exitStatus the exit status after the plugin was stopped, when it was reaped
   * @param signal the signal that ended the plugin when known for certain, or empty
   * @param elapsed how long the call took
   * @param stderrTail the tail of the plugin's stderr, or {@code ""}
   */
  public PluginOutputTooLargeException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      long limitBytes,
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
        "wrote more than " + limitBytes + " bytes to stdout; the plugin was stopped",
        null);
    this.limitBytes = limitBytes;
  }

  /** The stdout limit, in bytes. */
  public long limitBytes() {
    return limitBytes;
  }
}
