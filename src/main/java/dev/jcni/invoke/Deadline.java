package dev.jcni.invoke;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in time by which a plugin call must be over, on the monotonic clock ({@link
 * System#nanoTime()}), so that wall-clock changes cannot shorten or stretch it. One deadline can
 * span several calls (for example every plugin of a list).
 */
public final class Deadline {
  private final long atNanos;
  private final Duration budget;

  private Deadline(long atNanos, Duration budget) {
    this.atNanos = atNanos;
    this.budget = budget;
  }

  /**
   * A deadline the given time from now.
   *
   * @param budget how long from now; positive
   * @return the deadline
   */
  public static Deadline after(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("a deadline needs a positive duration, not " + budget);
    }
    long nanos = saturatedNanos(budget);
    return new Deadline(System.nanoTime() + nanos, budget);
  }

  private static long saturatedNanos(Duration d) {
    try {
      // Keep well away from overflow of nanoTime() + nanos.
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /**
   * This deadline moved later by {@code pause}, for time that does not count against it (such as a
   * wait for a place among the plugins allowed to run at once).
   *
   * @param pause not negative
   * @return the later deadline, with the same budget
   */
  public Deadline postponedBy(Duration pause) {
    Objects.requireNonNull(pause, "pause");
    if (pause.isNegative()) {
      throw new IllegalArgumentException("a pause cannot be negative: " + pause);
    }
    return new Deadline(atNanos + saturatedNanos(pause), budget);
  }

  /** The duration the deadline was created with, for messages. */
  public Duration budget() {
    return budget;
  }

  /** The time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /** Whether the deadline has passed. */
  public boolean expired() {
    return remainingNanos() == 0;
  }

  long remainingNanos() {
    return Math.max(0, atNanos - System.nanoTime());
  }

  @Override
  public String toString() {
    return "deadline of " + budget + ", " + remaining() + " left";
  }
}
