package dev.jcni.runtime;

/**
 * When the watcher reloads: a change is acted on once the directory has been quiet for the debounce
 * time (so that a file written in several steps is read once, whole), but never later than the
 * maximum delay after the first change (so that a directory that never stays quiet is still read);
 * without changes, the directory is read again every rescan interval, which catches what the file
 * system did not report.
 *
 * <p>Times are {@link System#nanoTime()} values passed in by the caller, so that the rules can be
 * checked without waiting. Not thread-safe: the watcher thread owns it.
 */
final class ReloadSchedule {
  private final long debounce;
  private final long maxDelay;
  private final long rescan;
  private boolean pending;
  private long firstChange;
  private long lastChange;
  private long lastReload;

  /**
   * @param debounceNanos quiet time after the last change
   * @param maxDelayNanos longest wait after the first change
   * @param rescanNanos time between reads when nothing changed
   * @param now the current time; counts as the last reload
   */
  ReloadSchedule(long debounceNanos, long maxDelayNanos, long rescanNanos, long now) {
    if (debounceNanos < 0 || maxDelayNanos < debounceNanos || rescanNanos <= 0) {
      throw new IllegalArgumentException(
          "need 0 <= debounce <= maximum delay and a positive rescan interval");
    }
    this.debounce = debounceNanos;
    this.maxDelay = maxDelayNanos;
    this.rescan = rescanNanos;
    this.lastReload = now;
  }

  /** Records a reported change. */
  void onChange(long now) {
    if (!pending) {
      pending = true;
      firstChange = now;
    }
    lastChange = now;
  }

  /** Whether a change is waiting to be read. */
  boolean isPending() {
    return pending;
  }

  /** The time of the next reload. */
  long dueAt() {
    if (pending) {
      long quiet = lastChange + debounce;
      long latest = firstChange + maxDelay;
      return quiet - latest < 0 ? quiet : latest;
    }
    return lastReload + rescan;
  }

  /** Nanoseconds until the next reload; zero or less when it is due. */
  long nanosUntilDue(long now) {
    return dueAt() - now;
  }

  /** Whether a reload is due. */
  boolean isDue(long now) {
    return nanosUntilDue(now) <= 0;
  }

  /** Records a reload that read every change reported until {@code now}. */
  void onReloaded(long now) {
    pending = false;
    lastReload = now;
  }
}
