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
 * <p>If the launcher gives up on the pipe ({@link #abandon()}, because a process the plugin left
 * behind keeps it open), the stream is closed and whatever is read afterwards is dropped.
 */
final class StreamCapture implements Runnable {
  private static final int CHUNK = 8192;

  private final InputStream in;
  private final boolean head;
  private final int keep;
  private final Object lock = new Object();
  private final CountDownLatch finished = new CountDownLatch(1);

  // guarded by lock
  private byte[] buf;
  private int len;
  private long total;
  private boolean overflow;
  private boolean abandoned;

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

  @Override
  public void run() {
    byte[] chunk = new byte[CHUNK];
    try {
      while (true) {
        int want = chunk.length;
        if (head) {
          synchronized (lock) {
            want = Math.min(want, keep + 1 - len);
          }
        }
        int n = in.read(chunk, 0, want);
        if (n < 0) {
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
    } finally {
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
