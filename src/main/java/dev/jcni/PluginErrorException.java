package dev.jcni;

import dev.jcni.invoke.Verb;
import dev.jcni.result.CniError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The plugin exited with a non-zero status (or was killed by a signal it did not get from jcni).
 *
 * <p>When its stdout holds a CNI error object (SPEC.md section "Error"), {@link #cniError()} gives
 * the decoded {@code code}, {@code msg} and {@code details}; the spec asks runtimes to retry on
 * code 11 ({@link CniError#isRetryable()}).
 */
public final class PluginErrorException extends PluginExecutionException {
  private static final long serialVersionUID = 1L;

  /** Longest excerpt of stdout or stderr quoted in the message, in characters. */
  private static final int EXCERPT = 200;

  private final String errorVersion;
  private final Long errorCode;
  private final String errorMsg;
  private final String errorDetails;

  /**
   * Creates the exception.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param verb the CNI_COMMAND
   * @param exitStatus the exit status ({@code 128 + n} for a death by signal {@code n})
   * @param signal the signal that ended the plugin when known for certain, or empty
   * @param elapsed how long the call took
   * @param stderrTail the tail of the plugin's stderr, or {@code ""}
   * @param error the CNI error decoded from stdout, or {@code null} when stdout holds none
   * @param stdout the plugin's stdout as text, quoted in the message when it is not a CNI error
   */
  public PluginErrorException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      int exitStatus,
      OptionalInt signal,
      Duration elapsed,
      String stderrTail,
      CniError error,
      String stdout) {
    super(
        pluginType,
        pluginPath,
        verb,
        exitStatus,
        boxed(signal),
        elapsed,
        stderrTail,
        problem(exitStatus, boxed(signal), error, stdout, stderrTail),
        null);
    this.errorVersion = error == null ? null : error.cniVersion();
    this.errorCode = error == null ? null : error.code();
    this.errorMsg = error == null ? null : error.msg();
    this.errorDetails = error == null ? null : error.details();
  }

  private static String problem(
      int exitStatus, Integer signal, CniError error, String stdout, String stderrTail) {
    StringBuilder sb = new StringBuilder(describeEnd(exitStatus, signal));
    if (error != null) {
      return sb.append(": CNI error code ")
          .append(error.code())
          .append(": ")
          .append(Quoted.excerpt(error.toString(), 4 * EXCERPT))
          .toString();
    }
    String out = stdout == null ? "" : stdout.strip();
    if (!out.isEmpty()) {
      sb.append("; stdout is not a CNI error object: ").append(Quoted.excerpt(out, EXCERPT));
    } else {
      sb.append(" with nothing on stdout");
    }
    if (stderrTail != null && !stderrTail.isBlank()) {
      sb.append("; stderr ends with ").append(lastLine(stderrTail, EXCERPT));
    }
    return sb.toString();
  }

  /** The CNI error object the plugin printed on stdout, if it printed a valid one. */
  public Optional<CniError> cniError() {
    return errorCode == null
        ? Optional.empty()
        : Optional.of(new CniError(errorVersion, errorCode, errorMsg, errorDetails));
  }
}
