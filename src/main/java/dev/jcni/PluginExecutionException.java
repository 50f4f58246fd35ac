package dev.jcni;

import dev.jcni.invoke.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A plugin was located but the call did not produce a usable answer: it could not be started, it
 * failed, it ran past its deadline, it wrote too much, or its output broke the protocol.
 *
 * <p>Every subtype carries what an operator needs to act: the plugin type and its resolved path,
 * the verb, the exit status or signal, the time the call took and the tail of the plugin's stderr.
 * The message reads like libcni's ({@code plugin type="bridge" failed (add): ...}) with the path
 * added.
 */
public abstract sealed class PluginExecutionException extends CniException
    permits PluginErrorException,
        PluginTimeoutException,
        PluginOutputTooLargeException,
        PluginProtocolException,
        PluginLaunchException {
  private static final long serialVersionUID = 1L;

  private final String pluginType;
  private final String pluginPath;
  private final Verb verb;
  private final Integer exitStatus;
  private final Integer signal;
  private final Duration elapsed;
  private final String stderrTail;

  PluginExecutionException(
      String pluginType,
      Path pluginPath,
      Verb verb,
      Integer exitStatus,
      Integer signal,
      Duration elapsed,
      String stderrTail,
      String problem,
      Throwable cause) {
    super(message(pluginType, pluginPath, verb, elapsed, problem), cause);
    this.pluginType = Objects.requireNonNull(pluginType, "pluginType");
    this.pluginPath = pluginPath.toString();
    this.verb = Objects.requireNonNull(verb, "verb");
    this.exitStatus = exitStatus;
    this.signal = signal;
    this.elapsed = elapsed;
    this.stderrTail = Objects.requireNonNullElse(stderrTail, "");
  }

  private static String message(
      String pluginType, Path pluginPath, Verb verb, Duration elapsed, String problem) {
    String text =
        "plugin type="
            + Quoted.of(pluginType)
            + " ("
            + Quoted.plainOrQuoted(pluginPath)
            + ") failed ("
            + verb.toString().toLowerCase(java.util.Locale.ROOT)
            + "): "
            + problem;
    return elapsed == null ? text : text + " [after " + format(elapsed) + "]";
  }

  /** The plugin type, as named in the configuration. */
  public String pluginType() {
    return pluginType;
  }

  /** The resolved (real) path of the plugin file that was executed. */
  public Path pluginPath() {
    return Path.of(pluginPath);
  }

  /** The CNI_COMMAND of the call. */
  public Verb verb() {
    return verb;
  }

  /**
   * The plugin's exit status, when it was reaped. A death by signal {@code n} is reported as {@code
   * 128 + n}, the JDK's and the shell's convention.
   */
  public OptionalInt exitStatus() {
    return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
  }

  /** The signal that ended the plugin, when the launcher knows it for certain. */
  public OptionalInt signal() {
    return signal == null ? OptionalInt.empty() : OptionalInt.of(signal);
  }

  /** How long the call took, when known. */
  public Optional<Duration> elapsed() {
    return Optional.ofNullable(elapsed);
  }

  /** The last bytes the plugin wrote to stderr (decoded as UTF-8), or {@code ""}. */
  public String stderrTail() {
    return stderrTail;
  }

  /** A duration for people: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
  }

  /**
   * How the plugin ended, in words: {@code exit status 1}, {@code killed by signal 9 (SIGKILL)}.
   */
  static String describeEnd(Integer exitStatus, Integer signal) {
    if (signal != null) {
      return "killed by signal " + signal + signalName(signal);
    }
    if (exitStatus == null) {
      return "no exit status";
    }
    int status = exitStatus;
    if (status > 128 && status <= 128 + 64) {
      // The JDK (and the shell) report a death by signal n as 128 + n; a launcher that cannot
      // see the wait status cannot tell it from exit(128 + n).
      int n = status - 128;
      return "exit status "
          + status
          + " (128+"
          + n
          + ": a death by signal "
          + n
          + signalName(n)
          + " is reported this way)";
    }
    return "exit status " + status;
  }

  private static String signalName(int n) {
    switch (n) {
      case 1:
        return " (SIGHUP)";
      case 2:
        return " (SIGINT)";
      case 3:
        return " (SIGQUIT)";
      case 4:
        return " (SIGILL)";
      case 6:
        return " (SIGABRT)";
      case 7:
        return " (SIGBUS)";
      case 8:
        return " (SIGFPE)";
      case 9:
        return " (SIGKILL)";
      case 11:
        return " (SIGSEGV)";
      case 13:
        return " (SIGPIPE)";
      case 14:
        return " (SIGALRM)";
      case 15:
        return " (SIGTERM)";
      default:
        return "";
    }
  }

  /** The last non-blank line of the stderr tail, cut to {@code max} characters and quoted. */
  static String lastLine(String stderrTail, int max) {
    String s = stderrTail.strip();
    int nl = s.lastIndexOf('\n');
    return Quoted.excerpt(nl < 0 ? s : s.substring(nl + 1).strip(), max);
  }

  static Integer boxed(OptionalInt value) {
    return value.isPresent() ? Integer.valueOf(value.getAsInt()) : null;
  }
}
