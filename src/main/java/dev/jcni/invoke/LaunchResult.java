package dev.jcni.invoke;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How one plugin process ended and what it wrote.
 *
 * @param ending why the launcher stopped waiting
 * @param exitStatus the exit status, when the process was reaped; a death by signal {@code n} is
 *     {@code 128 + n} (the JDK's and the shell's convention)
 * @param signal the signal that ended the process, when the launcher knows it for certain (for
 *     example because it sent it); empty otherwise
 * @param stdout what the plugin wrote to stdout: all of it on {@link Ending#EXITED}, at most {@code
 *     stdoutLimit + 1} bytes on {@link Ending#OUTPUT_LIMIT_EXCEEDED}
 * @param stderrTail the last bytes written to stderr, at most {@code stderrTail} of them
 * @param stderrBytes how many bytes were read from stderr in all
 * @param elapsed from just before the start to the end of the launch
 * @param outputAbandoned whether reading stopped at the end of the drain period because a process
 *     the plugin left behind still held stdout or stderr open
 * @param killed whether SIGKILL had to follow SIGTERM when the plugin was stopped
 */
public record LaunchResult(
    Ending ending,
    OptionalInt exitStatus,
    OptionalInt signal,
    byte[] stdout,
    byte[] stderrTail,
    long stderrBytes,
    Duration elapsed,
    boolean outputAbandoned,
    boolean killed) {

  /** Why the launcher stopped waiting for the plugin. */
  public enum Ending {
    /** The plugin exited on its own. */
    EXITED,
    /** The deadline passed; the plugin was stopped. */
    DEADLINE_EXCEEDED,
    /** The plugin wrote more than the stdout limit; it was stopped. */
    OUTPUT_LIMIT_EXCEEDED
  }

  /** Validates and copies. */
  public LaunchResult {
    Objects.requireNonNull(ending, "ending");
    Objects.requireNonNull(exitStatus, "exitStatus");
    Objects.requireNonNull(signal, "signal");
    stdout = stdout.clone();
    stderrTail = stderrTail.clone();
    Objects.requireNonNull(elapsed, "elapsed");
    if (ending == Ending.EXITED && exitStatus.isEmpty()) {
      throw new IllegalArgumentException("an exited plugin has an exit status");
    }
  }

  /** The stdout bytes, as a copy. */
  @Override
  public byte[] stdout() {
    return stdout.clone();
  }

  /** The stderr tail, as a copy. */
  @Override
  public byte[] stderrTail() {
    return stderrTail.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LaunchResult)) {
      return false;
    }
    LaunchResult r = (LaunchResult) o;
    return ending == r.ending
        && exitStatus.equals(r.exitStatus)
        && signal.equals(r.signal)
        && Arrays.equals(stdout, r.stdout)
        && Arrays.equals(stderrTail, r.stderrTail)
        && stderrBytes == r.stderrBytes
        && elapsed.equals(r.elapsed)
        && outputAbandoned == r.outputAbandoned
        && killed == r.killed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(ending, exitStatus, signal, stderrBytes, elapsed, outputAbandoned, killed)
        + 31 * Arrays.hashCode(stdout);
  }

  @Override
  public String toString() {
    return "LaunchResult["
        + ending
        + ", exitStatus="
        + exitStatus
        + ", signal="
        + signal
        + ", stdout="
        + stdout.length
        + " bytes, stderr="
        + stderrBytes
        + " bytes, elapsed="
        + elapsed
        + (outputAbandoned ? ", output abandoned" : "")
        + (killed ? ", killed" : "")
        + "]";
  }
}
