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
 * @param stdout what the plugin wrote to stdout: all of it on {@link Ending#EXITED} unless {@code
 *     stdoutIncomplete}, at most {@code stdoutLimit + 1} bytes on {@link
 *     Ending#OUTPUT_LIMIT_EXCEEDED}
 * @param stderrTail the last bytes written to stderr, at most {@code stderrTail} of them
 * @param stderrBytes how many bytes were read from stderr in all
 * @param elapsed from just before the start to the end of the launch
 * @param outputAbandoned whether reading stopped at the end of the drain period because a process
 *     the plugin left behind still held stdout or stderr open
 * @param killed whether SIGKILL had to follow SIGTERM when the plugin was stopped
 * @param stdoutIncomplete whether {@code stdout} may lack bytes the plugin wrote before it ended:
 *     reading stopped (at the end of the drain period) before everything written up to the plugin's
 *     exit had been read, because the reading fell behind or a process the plugin left behind kept
 *     writing. False when stdout was read to its end or past the limit, and when the pipe was found
 *     empty after the exit (what a process left behind holding it open might still write does not
 *     count)
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
    boolean killed,
    boolean stdoutIncomplete) {

  /** Why the launcher stopped waiting for the plugin. */
  public enum Ending {
    /** The plugin exited on its own. */
    EXITED,
    /** The deadline passed; the plugin was stopped. */
    DEADLINE_EXCEEDED,
    /** The plugin wrote more than the stdout limit; it was stopped. */
    OUTPUT_LIMIT_EXCEEDED
  }

  /**
   * A result whose stdout holds everything the plugin wrote before it ended ({@code
   * stdoutIncomplete} false), for a launcher that keeps reading until it has.
   *
   * @param ending why the launcher stopped waiting
   * @param exitStatus the exit status, when the process was reaped
   * @param signal the signal that ended the process, when known for certain
   * @param stdout what the plugin wrote to stdout
   * @param stderrTail the last bytes written to stderr
   * @param stderrBytes how many bytes were read from stderr in all
   * @param elapsed from just before the start to the end of the launch
   * @param outputAbandoned whether reading stopped at the end of the drain period
   * @param killed whether SIGKILL had to follow SIGTERM
   */
  public LaunchResult(
      Ending ending,
      OptionalInt exitStatus,
      OptionalInt signal,
      byte[] stdout,
      byte[] stderrTail,
      long stderrBytes,
      Duration elapsed,
      boolean outputAbandoned,
      boolean killed) {
    this(
        ending,
        exitStatus,
        signal,
        stdout,
        stderrTail,
        stderrBytes,
        elapsed,
        outputAbandoned,
        killed,
        false);
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
        && killed == r.killed
        && stdoutIncomplete == r.stdoutIncomplete;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
            ending,
            exitStatus,
            signal,
            stderrBytes,
            elapsed,
            outputAbandoned,
            killed,
            stdoutIncomplete)
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
        + (stdoutIncomplete ? ", stdout incomplete" : "")
        + "]";
  }
}
