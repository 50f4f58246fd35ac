package dev.jcni.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One block of C heap memory with a deterministic lifetime: allocated with {@code malloc}, freed by
 * {@link #close()} (once; later calls do nothing), never left to a garbage-collector cleaner. The
 * number of blocks not yet freed is counted process-wide, so that tests can show that every path
 * frees what it allocated.
 *
 * <p>Not thread-safe: a block belongs to the call that allocated it.
 */
public final class NativeBuffer implements AutoCloseable {
  private static final AtomicLong LIVE = new AtomicLong();

  private final long size;
  private long peer;

  private NativeBuffer(long peer, long size) {
    this.peer = peer;
    this.size = size;
  }

  /**
   * Allocates a block.
   *
   * @param size its size in bytes; positive
   * @return the block, not zeroed
   * @throws OutOfMemoryError when {@code malloc} fails
   */
  public static NativeBuffer allocate(long size) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    long peer = Native.malloc(size);
    if (peer == 0) {
      throw new OutOfMemoryError("malloc(" + size + ") failed");
    }
    LIVE.incrementAndGet();
    return new NativeBuffer(peer, size);
  }

  /** How many blocks are allocated and not yet closed, in the whole process. */
  public static long live() {
    return LIVE.get();
  }

  /** The size in bytes. */
  public long size() {
    return size;
  }

  /**
   * A pointer into the block.
   *
   * @param offset from the start of the block
   * @param length how many bytes the pointer's user may touch from there
   * @return the pointer
   */
  public Pointer at(long offset, long length) {
    if (peer == 0) {
      throw new IllegalStateException("native buffer already freed");
    }
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IndexOutOfBoundsException(
          "[" + offset + ", " + (offset + length) + ") outside a block of " + size + " bytes");
    }
    return new Pointer(peer + offset);
  }

  /** Frees the block; pointers into it must no longer be used. */
  @Override
  public void close() {
    if (peer != 0) {
      Native.free(peer);
      peer = 0;
      LIVE.decrementAndGet();
    }
  }
}
