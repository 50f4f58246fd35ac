package dev.jcni.invoke;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output pipe of a plugin on a pool thread, keeping either its head (stdout: at most
 * {@code limit + 1} bytes, then reading stops) or its tail (stderr: the last bytes, the rest is
 * read and dropped). Memory is bounded by the limit whatever the plugin writes.
 *
 * <p><b>Catching up with the exit.</b> While the plugin runs, only what the pipe holds ({@link
 * InputStream#available()}) is read, so the thread never waits inside a read: it looks again after
 * a short pause (at most {@value #MAX_PAUSE_MILLIS} ms), or at once when told that the plugin
 * exited ({@link #writerExited()}). Once told, a look that finds the pipe empty proves that
 * everything the plugin wrote has been read ({@link #complete()}): from then on the thread reads to
 * the end of the stream, and what comes later can only come from a process the plugin left behind.
 * A thread blocked in a read could not tell a pipe held open by such a process from output it has
 * not been scheduled to read yet. Not waiting inside a read also leaves the JDK free to take what
 * is left in the pipe when it reaps the plugin and to close it, which frees a pipe that a leftover
 * process holds open.
 *
 * <p>If the launcher gives up on the pipe ({@link #abandon()}, because a process the plugin left
 * behind keeps it open), the stream is closed and whatever is read afterwards is dropped.
 */
final class StreamCapture implements Runnable {
  private static final int CHUNK = 8192;

  /** The longest pause between two looks at an empty pipe while the plugin runs. */
  static final long MAX_PAUSE_MILLIS = 10;

  private final InputStream in;
  private final boolean head;
  private final int keep;
  private final Object lock = new Object();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch settled = new CountDownLatch(1);

  // guarded by lock
  private byte[] buf;
  private int len;
  private long total;
  private boolean overflow;
  private boolean abandoned;
  private boolean writerExited;
  private boolean caughtUp;
  private boolean atEnd;

  private StreamCapture(InputStream in, boolean head, int keep) {
    this.in = in;
    this.head = head;
    this.keep = keep;
    this.buf = head ? new byte[Math.min(keep + 1, CHUNK)] : new byte[keep];
  }

  /** Keeps the first bytes, at most {@code limit + 1}; more than {@code limit} is an overflow. */
  static StreamCapture head(InputStream in, int limit) {
    return new StreamCapture(in, true, limit);
  }

  /** Keeps the last {@code keep} bytes and counts the rest. */
  static StreamCapture tail(InputStream in, int keep) {
    return new StreamCapture(in, false, keep);
  }

  /**
   * Tells the reader that the process writing the pipe has exited (it was reaped): everything it
   * wrote is in the pipe (or already read).
   */
  void writerExited() {
    synchronized (lock) {
      writerExited = true;
      lock.notifyAll();
    }
  }

  @Override
  public void run() {
    byte[] chunk = new byte[CHUNK];
    long pause = 1;
    try {
      while (true) {
        int want = chunk.length;
        boolean exited;
        boolean blocking;
        synchronized (lock) {
          if (abandoned) {
            break;
          }
          if (head) {
            want = Math.min(want, keep + 1 - len);
          }
          exited = writerExited;
          blocking = caughtUp;
        }
        if (!blocking) {
          int available = in.available();
          if (available > 0) {
            want = Math.min(want, available);
            pause = 1;
          } else if (exited) {
            synchronized (lock) {
              if (abandoned) {
                break;
              }
              caughtUp = true;
            }
            settled.countDown();
          } else {
            synchronized (lock) {
              if (!writerExited && !abandoned) {
                lock.wait(pause);
              }
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
            continue;
          }
        }
        int n = in.read(chunk, 0, want);
        if (n < 0) {
          synchronized (lock) {
            atEnd = !abandoned;
          }
          break;
        }
        synchronized (lock) {
          if (abandoned) {
            break;
          }
          total += n;
          if (head) {
            appendHead(chunk, n);
            if (len > keep) {
              overflow = true;
              break;
            }
          } else {
            appendTail(chunk, n);
          }
        }
      }
    } catch (IOException e) {
      // The stream was closed under us: abandoned, or cleaned up after the process ended.
    } catch (InterruptedException e) {
      // The pool is shutting down: stop reading.
      Thread.currentThread().interrupt();
    } finally {
      settled.countDown();
      finished.countDown();
    }
  }

  private void appendHead(byte[] chunk, int n) {
    if (len + n > buf.length) {
      int size = Math.max(len + n, Math.min(keep + 1, buf.length * 2));
      buf = Arrays.copyOf(buf, size);
    }
    System.arraycopy(chunk, 0, buf, len, n);
    len += n;
  }

  private void appendTail(byte[] chunk, int n) {
    if (keep == 0) {
      return;
    }
    int from = Math.max(0, n - keep);
    for (int i = from; i < n; ) {
      int pos = len % keep;
      int k = Math.min(n - i, keep - pos);
      System.arraycopy(chunk, i, buf, pos, k);
      len = (pos + k) % keep;
      i += k;
    }
  }

  /** Waits until the pipe is at its end (or reading stopped at the limit). */
  boolean awaitFinished(long nanos) throws InterruptedException {
    return finished.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until everything the exited writer wrote has been read ({@link #complete()}), or reading
   * stopped (at the end, at the limit, or abandoned); {@link #writerExited()} must have been
   * called.
   */
  boolean awaitSettled(long nanos) throws InterruptedException {
    return settled.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Whether everything the writer wrote until it exited has been read (or was past the limit): the
   * end of the stream was reached, the limit was passed, or the pipe was found empty after the
   * writer exited. Once the capture is abandoned, this says how it was at that moment.
   */
  boolean complete() {
    synchronized (lock) {
      return atEnd || caughtUp || overflow;
    }
  }

  /** Whether more than the limit arrived (head mode). */
  boolean overflowed() {
    synchronized (lock) {
      return overflow;
    }
  }

  /** Stops keeping what arrives and closes the stream; returns what was kept so far. */
  byte[] abandon() {
    byte[] kept;
    synchronized (lock) {
      abandoned = true;
      kept = keptLocked();
      lock.notifyAll();
    }
    closeQuietly();
    return kept;
  }

  /** What was kept: the head, or the tail in order. */
  byte[] kept() {
    synchronized (lock) {
      return keptLocked();
    }
  }

  private byte[] keptLocked() {
    if (head) {
      return Arrays.copyOf(buf, len);
    }
    int size = (int) Math.min(total, keep);
    byte[] out = new byte[size];
    if (size == 0) {
      return out;
    }
    // len is the next write position; the oldest kept byte sits there once the ring is full.
    int start = total >= keep ? len : 0;
    for (int i = 0; i < size; i++) {
      out[i] = buf[(start + i) % keep];
    }
    return out;
  }

  /** Bytes read in all, dropped ones included. */
  long total() {
    synchronized (lock) {
      return total;
    }
  }

  void closeQuietly() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more to read from it either way
    }
  }
}
