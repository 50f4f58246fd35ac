package dev.jcni.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per container id, so that the several operations of one attach (or detach) of a
 * container are not interleaved with those of another attach or detach of it in this JVM. The
 * client serialises single operations already; this keeps whole sequences together. A container's
 * entry lives only while someone holds or waits for its lock.
 */
final class ContainerLocks {
  /** A held lock; close it on the thread that took it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock(true);
    int refs; // changed only inside the map's compute
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * Takes the lock of a container, waiting as long as needed.
   *
   * @throws InterruptedException when interrupted while waiting (nothing is held)
   */
  Held lock(String containerId) throws InterruptedException {
    Entry entry =
        entries.compute(
            containerId,
            (id, e) -> {
              Entry held = e == null ? new Entry() : e;
              held.refs++;
              return held;
            });
    try {
      entry.lock.lockInterruptibly();
    } catch (InterruptedException e) {
      unref(containerId);
      throw e;
    }
    return () -> {
      entry.lock.unlock();
      unref(containerId);
    };
  }

  private void unref(String containerId) {
    entries.computeIfPresent(containerId, (id, e) -> --e.refs == 0 ? null : e);
  }

  /** How many containers have an entry; for tests. */
  int size() {
    return entries.size();
  }
}
