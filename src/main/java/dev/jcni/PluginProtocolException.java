package dev.jcni;

import dev.jcni.invoke.Verb;
import dev.jcni.result.CniError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The plugin exited with status 0 but its output cannot be used: ADD or VERSION printed nothing,
 * stdout is not a valid result or VERSION reply, or the plugin printed a CNI error object while
 * reporting success.
 */
public final class PluginProtocolException extends PluginExecutionException {
  private static final long serialVersionUID = 1L;

  private final String errorVersion;
  private final Long errorCode;
  private final String errorMsg;
  private final String errorDetails;

  /**
   * Creates the exception for a result that does not decode, as the operations layer finds it.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param problem what is wrong with the output, for example {@code result is not valid: ...}
   * @param cause the decoding failure, or {@code null}
   */
  public PluginProtocolException(
      String pluginType, Path pluginPath, Verb verb, String problem, Throwable cause) {
    this(pluginType, pluginPath, verb, problem, null, "", null, cause);
  }

  /**
   * Creates the exception with everything the executor knows about the call.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param problem what is wrong with the output
   * @param elapsed how long the call took, or {@code null}
   * @param stderrTail the tail of the plugin's stderr, or {@code ""}
   * @param errorObject the CNI error object printed with exit status 0, or {@code null}
   * @param cause the decoding failure, or {@code null}
   */
  public PluginProtocolException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      String problem,
      Duration elapsed,
      String stderrTail,
      CniError errorObject,
      Throwable cause) {
    super(
        pluginType,
        pluginPath,
        verb,
        0,
        null,
        elapsed,
        stderrTail,
        "protocol error: " + problem,
        cause);
    this.errorVersion = errorObject == null ? null : errorObject.cniVersion();
    this.errorCode = errorObject == null ? null : errorObject.code();
    this.errorMsg = errorObject == null ? null : errorObject.msg();
    this.errorDetails = errorObject == null ? null : errorObject.details();
  }

  /** The CNI error object the plugin printed although it exited with status 0, if any. */
  public Optional<CniError> cniError() {
    return errorCode == null
        ? Optional.empty()
        : Optional.of(new CniError(errorVersion, errorCode, errorMsg, errorDetails));
  }
}
