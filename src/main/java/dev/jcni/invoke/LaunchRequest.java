package dev.jcni.invoke;

import dev.jcni.internal.text.UntrustedText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link PluginLauncher} needs to run one plugin process.
 *
 * @param executable the absolute path of the program started: the plugin, or the fixed wrapper of a
 *     {@link PrivilegeProfile}; it is {@code argv[0]}
 * @param environment the complete environment, {@code NAME=value} entries in the order the plugin
 *     should see them
 * @param stdin the bytes to write to the plugin's stdin before closing it
 * @param deadline when the plugin must have exited
 * @param terminateGrace the time between SIGTERM and SIGKILL
 * @param drainAfterExit how long output is still read once the plugin has exited
 * @param stdoutLimit the most stdout bytes accepted
 * @param stderrTail how many of the last stderr bytes to keep
 * @param arguments the arguments after {@code argv[0]}: none for a plugin run directly (the CNI
 *     protocol passes nothing on the command line); a wrapper's options ending with the plugin path
 */
public record LaunchRequest(
    Path executable,
    List<String> environment,
    byte[] stdin,
    Deadline deadline,
    Duration terminateGrace,
    Duration drainAfterExit,
    int stdoutLimit,
    int stderrTail,
    List<String> arguments) {

  /**
   * A request that runs the executable with no arguments, as plugins are run without a profile.
   *
   * @param executable the absolute path of the plugin
   * @param environment the complete environment
   * @param stdin the bytes for stdin
   * @param deadline when the plugin must have exited
   * @param terminateGrace the time between SIGTERM and SIGKILL
   * @param drainAfterExit how long output is still read once the plugin has exited
   * @param stdoutLimit the most stdout bytes accepted
   * @param stderrTail how many of the last stderr bytes to keep
   */
  public LaunchRequest(
      Path executable,
      List<String> environment,
      byte[] stdin,
      Deadline deadline,
      Duration terminateGrace,
      Duration drainAfterExit,
      int stdoutLimit,
      int stderrTail) {
    this(
        executable,
        environment,
        stdin,
        deadline,
        terminateGrace,
        drainAfterExit,
        stdoutLimit,
        stderrTail,
        List.of());
  }

  /** Validates and copies. */
  public LaunchRequest {
    Objects.requireNonNull(executable, "executable");
    if (!executable.isAbsolute()) {
      throw new IllegalArgumentException("the plugin path must be absolute: " + executable);
    }
    if (executable.toString().indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the plugin path must not contain NUL");
    }
    environment = List.copyOf(environment);
    for (String entry : environment) {
      if (entry.indexOf('=') <= 0 || entry.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "not a NAME=value environment entry without NUL: \""
                + UntrustedText.visible(entry.replace("\0", "\\0"))
                + "\"");
      }
    }
    stdin = stdin == null ? new byte[0] : stdin.clone();
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(terminateGrace, "terminateGrace");
    Objects.requireNonNull(drainAfterExit, "drainAfterExit");
    if (terminateGrace.isNegative() || drainAfterExit.isNegative()) {
      throw new IllegalArgumentException("grace and drain periods must not be negative");
    }
    if (stdoutLimit < 1 || stdoutLimit > ExecOptions.MAX_STDOUT_LIMIT) {
      throw new IllegalArgumentException("stdoutLimit out of range: " + stdoutLimit);
    }
    if (stderrTail < 0 || stderrTail > ExecOptions.MAX_STDOUT_LIMIT) {
      throw new IllegalArgumentException("stderrTail out of range: " + stderrTail);
    }
    arguments = List.copyOf(arguments);
    for (String argument : arguments) {
      if (argument.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("an argument must not contain NUL");
      }
    }
  }

  /** The stdin bytes, as a copy. */
  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LaunchRequest)) {
      return false;
    }
    LaunchRequest r = (LaunchRequest) o;
    return executable.equals(r.executable)
        && environment.equals(r.environment)
        && java.util.Arrays.equals(stdin, r.stdin)
        && deadline.equals(r.deadline)
        && terminateGrace.equals(r.terminateGrace)
        && drainAfterExit.equals(r.drainAfterExit)
        && stdoutLimit == r.stdoutLimit
        && stderrTail == r.stderrTail
        && arguments.equals(r.arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(executable, environment, deadline, stdoutLimit)
        + 31 * java.util.Arrays.hashCode(stdin);
  }

  @Override
  public String toString() {
    return "LaunchRequest["
        + executable
        + (arguments.isEmpty() ? "" : " " + arguments)
        + ", "
        + environment.size()
        + " variables, "
        + stdin.length
        + " stdin bytes, "
        + deadline
        + "]";
  }
}
