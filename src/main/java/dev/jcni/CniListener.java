package dev.jcni;

import java.time.Duration;

/**
 * Observes a {@link CniClient}: the start and end of each operation and of each plugin call, for
 * metrics and tracing. Methods are called on the thread that runs the operation; they must be
 * quick and must not throw (an exception is logged and otherwise ignored).
 */
public interface CniListener {
  /** A listener that does nothing. */
  CniListener NONE = new CniListener() {};

  /**
   * An operation (ADD, CHECK, DEL, GC, STATUS, validate) starts.
   *
   * @param operation what starts
   */
  default void operationStarted(OperationEvent operation) {}

  /**
   * An operation ended.
   *
   * @param operation what ended
   * @param elapsed how long it took, locks included
   * @param failure the failure, or {@code null} on success
   */
  default void operationFinished(
      OperationEvent operation, Duration elapsed, CniException failure) {}

  /**
   * A plugin call starts.
   *
   * @param call which plugin of which operation
   */
  default void pluginStarted(PluginEvent call) {}

  /**
   * A plugin call ended.
   *
   * @param call which plugin of which operation
   * @param elapsed how long the plugin ran
   * @param failure the failure, or {@code null} on success
   */
  default void pluginFinished(PluginEvent call, Duration elapsed, CniException failure) {}
}
