package dev.jcni.cache;

import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks that the spec asks of a runtime (SPEC.md section 2, "the container runtime must not
 * invoke parallel operations for the same container", and GC's exclusion of ADD and DEL), for one
 * cache directory.
 *
 * <ul>
 *   <li>{@link #forOperation} (ADD, CHECK, DEL, and the reads and writes of their cache entries):
 *       operations on one container id are serialised, across all its networks and interfaces;
 *       operations on different containers run in parallel. The operation also holds its network
 *       shared.
 *   <li>{@link #forGc}: holds the network exclusively. A GC waits for the operations in flight on
 *       that network, and operations that arrive meanwhile wait for the GC. Queuing is fair, in
 *       arrival order, so neither side starves. The thread holding a GC lock may take {@link
 *       #forOperation} on the same network (to DEL stale attachments), and a thread holding an
 *       operation may nest more on its network, even while a GC of another process waits for it.
 * </ul>
 *
 * <p>Across processes (two runtimes, or a runtime and the {@code jcni} tool on one cache directory)
 * the same rules hold through POSIX record locks on one file, {@code <cacheDir>/locks/jcni.lock}:
 * one byte per container and one per network, at an offset derived from a SHA-256 of the name (two
 * names sharing an offset only serialise needlessly). One file rather than one per container,
 * because a lock file cannot be deleted safely while another process may be waiting on it, so
 * per-container files would pile up forever. The in-process lock is always taken before the file
 * lock: the JVM holds file locks for the whole process. Go's libcni takes no locks at all, so none
 * of this protects against it. Between processes the queuing is not fair in arrival order, but a
 * waiting GC closes a gate that keeps new operations out, so it cannot be starved.
 *
 * <p>Locks are taken in one order (network, then container), so there is no deadlock between
 * operations and GC. One instance exists per cache directory in a JVM ({@link #open}); its state
 * per container or network lives only while someone holds or waits for it.
 *
 * <p>Usage: {@code try (AttachmentLocks.Held held = locks.forOperation(network, containerId)) { ...
 * }}. A {@link Held} must be closed by the thread that took it.
 */
public final class AttachmentLocks {
  private static final Logger LOG = LoggerFactory.getLogger(AttachmentLocks.class);

  /** The directory under the cache directory holding the lock file. */
  public static final String LOCKS_DIR = "locks";

  /** The lock file's name. */
  public static final String LOCK_FILE = "jcni.lock";

  private static final ConcurrentHashMap<Path, AttachmentLocks> OPEN = new ConcurrentHashMap<>();

  private static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

  private final Path cacheDir;
  private final Path locksDir;
  private final Path lockFile;
  private final ConcurrentHashMap<String, ContainerEntry> containers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NetworkEntry> networks = new ConcurrentHashMap<>();
  private final Object channelGuard = new Object();
  private FileChannel channel; // guarded by channelGuard; open for the life of the JVM

  private AttachmentLocks(Path cacheDir) {
    this.cacheDir = cacheDir;
    this.locksDir = cacheDir.resolve(LOCKS_DIR);
    this.lockFile = locksDir.resolve(LOCK_FILE);
  }

  /**
   * The locks of one cache directory, shared by every caller in this JVM (file locks belong to the
   * process, so two instances for one directory would not exclude each other). Nothing is created
   * on disk until a lock is first taken.
   *
   * @param cacheDir the cache directory, as given to {@link ResultCache#open}
   * @return the instance for that directory
   */
  public static AttachmentLocks open(Path cacheDir) {
    return OPEN.computeIfAbsent(cacheDir.toAbsolutePath().normalize(), AttachmentLocks::new);
  }

  /** The cache directory (absolute). */
  public Path directory() {
    return cacheDir;
  }

  /**
   * Takes the locks of one operation on one attachment, waiting as long as needed.
   *
   * @param networkName the network (list) name
   * @param containerId the container id
   * @return the held locks; close them when the operation ends
   * @throws CacheException if the lock file cannot be created or locked
   * @throws InterruptedException if the thread is interrupted while waiting (nothing is held)
   * @throws IllegalArgumentException if a name is not valid (see {@link AttachmentKey})
   */
  public Held forOperation(String networkName, String containerId)
      throws CacheException, InterruptedException {
    return forOperation(networkName, containerId, null);
  }

  /**
   * Takes the locks of one operation on one attachment, waiting at most {@code timeout}.
   *
   * @param networkName the network (list) name
   * @param containerId the container id
   * @param timeout the longest wait for all the locks together, or {@code null} for no limit
   * @return the held locks; close them when the operation ends
   * @throws CacheException {@link Reason#LOCK_TIMEOUT} when the time is up (nothing is held), or if
   *     the lock file cannot be created or locked
   * @throws InterruptedException if the thread is interrupted while waiting (nothing is held)
   * @throws IllegalArgumentException if a name is not valid (see {@link AttachmentKey})
   */
  public Held forOperation(String networkName, String containerId, Duration timeout)
      throws CacheException, InterruptedException {
    AttachmentKey.checkName("network name", networkName);
    AttachmentKey.checkName("container id", containerId);
    long deadline = deadline(timeout);
    Held held = new Held();
    boolean done = false;
    try {
      NetworkEntry network = refNetwork(networkName);
      held.onClose(() -> unrefNetwork(networkName));
      ReentrantReadWriteLock.ReadLock read = network.rw.readLock();
      acquire(read, deadline, timeout, "network \"" + networkName + "\" (a GC holds it)");
      held.onClose(read::unlock);
      if (!network.rw.isWriteLockedByCurrentThread()) {
        // a GC's own DELs are already covered by its exclusive file lock
        if (network.rw.getReadHoldCount() > 1) {
          // this thread nests operations on the network, so the outer one already holds it in the
          // file: the gate is not for it (another process's GC waiting there waits for this
          // thread, which would wait for that GC)
          joinSharedFile(network);
        } else {
          acquireSharedFile(network, networkName, deadline, timeout);
        }
        held.onClose(() -> releaseSharedFile(network));
      }
      ContainerEntry container = refContainer(containerId);
      held.onClose(() -> unrefContainer(containerId));
      acquire(
          container.lock,
          deadline,
          timeout,
          "container \"" + containerId + "\" (another operation on it is running)");
      held.onClose(container.lock::unlock);
      if (container.lock.getHoldCount() == 1) {
        container.fileLock =
            lockRange(
                containerOffset(containerId),
                false,
                deadline,
                timeout,
                "container \"" + containerId + "\" (another process operates on it)");
        held.onClose(() -> release(container.fileLock, "container " + containerId));
      }
      done = true;
      return held;
    } finally {
      if (!done) {
        held.close();
      }
    }
  }

  /**
   * Takes a network exclusively for GC, waiting as long as needed.
   *
   * @param networkName the network (list) name
   * @return the held locks; close them when the GC ends
   * @throws CacheException if the lock file cannot be created or locked
   * @throws InterruptedException if the thread is interrupted while waiting (nothing is held)
   * @throws IllegalArgumentException if the name is not valid
   * @throws IllegalStateException if this thread holds an operation lock on the same network (a
   *     shared hold cannot be upgraded)
   */
  public Held forGc(String networkName) throws CacheException, InterruptedException {
    return forGc(networkName, null);
  }

  /**
   * Takes a network exclusively for GC, waiting at most {@code timeout}.
   *
   * @param networkName the network (list) name
   * @param timeout the longest wait, or {@code null} for no limit
   * @return the held locks; close them when the GC ends
   * @throws CacheException {@link Reason#LOCK_TIMEOUT} when the time is up (nothing is held), or if
   *     the lock file cannot be created or locked
   * @throws InterruptedException if the thread is interrupted while waiting (nothing is held)
   * @throws IllegalArgumentException if the name is not valid
   * @throws IllegalStateException if this thread holds an operation lock on the same network
   */
  public Held forGc(String networkName, Duration timeout)
      throws CacheException, InterruptedException {
    AttachmentKey.checkName("network name", networkName);
    long deadline = deadline(timeout);
    Held held = new Held();
    boolean done = false;
    try {
      NetworkEntry network = refNetwork(networkName);
      held.onClose(() -> unrefNetwork(networkName));
      if (network.rw.getReadHoldCount() > 0) {
        throw new IllegalStateException(
            "this thread holds an operation on network \""
                + networkName
                + "\"; it cannot also take it for GC");
      }
      ReentrantReadWriteLock.WriteLock write = network.rw.writeLock();
      acquire(
          write, deadline, timeout, "network \"" + networkName + "\" (operations or a GC hold it)");
      held.onClose(write::unlock);
      if (network.rw.getWriteHoldCount() == 1) {
        String what = "network \"" + networkName + "\" (another process uses it)";
        // close the gate first so that other processes' new operations cannot keep the network
        // shared for ever, then wait for the ones in flight
        FileLock gate = lockRange(gateOffset(networkName), false, deadline, timeout, what);
        try {
          network.fileLock = lockRange(networkOffset(networkName), false, deadline, timeout, what);
        } finally {
          release(gate, "gate of network " + networkName);
        }
        held.onClose(
            () -> {
              release(network.fileLock, "network " + networkName);
              network.fileLock = null;
            });
      }
      done = true;
      return held;
    } finally {
      if (!done) {
        held.close();
      }
    }
  }

  /** How many containers and networks have lock state now: zero when nobody holds or waits. */
  int trackedEntries() {
    return containers.size() + networks.size();
  }

  /** How many threads of this JVM wait for {@code network} (for tests). */
  int queueLength(String network) {
    NetworkEntry entry = networks.get(network);
    return entry == null ? 0 : entry.rw.getQueueLength();
  }

  // ---- in-process state ----

  private static final class ContainerEntry {
    final ReentrantLock lock = new ReentrantLock(true);
    int refs; // changed only inside the map's compute
    FileLock fileLock; // guarded by lock
  }

  private static final class NetworkEntry {
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock(true);
    int refs; // changed only inside the map's compute
    final ReentrantLock fileGuard = new ReentrantLock();
    int sharedHolders; // guarded by fileGuard
    FileLock fileLock; // shared for operations, exclusive for GC; guarded by fileGuard or rw write
  }

  private ContainerEntry refContainer(String id) {
    return containers.compute(
        id,
        (k, e) -> {
          ContainerEntry entry = e == null ? new ContainerEntry() : e;
          entry.refs++;
          return entry;
        });
  }

  private void unrefContainer(String id) {
    containers.computeIfPresent(id, (k, e) -> --e.refs == 0 ? null : e);
  }

  private NetworkEntry refNetwork(String name) {
    return networks.compute(
        name,
        (k, e) -> {
          NetworkEntry entry = e == null ? new NetworkEntry() : e;
          entry.refs++;
          return entry;
        });
  }

  private void unrefNetwork(String name) {
    networks.computeIfPresent(name, (k, e) -> --e.refs == 0 ? null : e);
  }

  /**
   * Holds the network shared in the lock file on behalf of this JVM's operations: the first one
   * takes the file lock, later ones join it. Every newcomer checks the gate first: when another
   * process's GC waits there, newcomers stay out until the operations in flight here have finished
   * and that GC has run, so a busy JVM cannot starve it.
   */
  private void acquireSharedFile(
      NetworkEntry network, String networkName, long deadline, Duration timeout)
      throws CacheException, InterruptedException {
    String what = "network \"" + networkName + "\" (another process runs GC on it)";
    while (true) {
      acquire(network.fileGuard, deadline, timeout, "network \"" + networkName + "\"");
      try {
        if (network.sharedHolders == 0) {
          // nothing of this JVM holds the network, so nobody needs fileGuard to release: waiting
          // here while holding it is safe
          FileLock gate = lockRange(gateOffset(networkName), true, deadline, timeout, what);
          try {
            network.fileLock = lockRange(networkOffset(networkName), true, deadline, timeout, what);
          } finally {
            release(gate, "gate of network " + networkName);
          }
          network.sharedHolders = 1;
          return;
        }
        if (gateIsOpen(networkName)) {
          network.sharedHolders++;
          return;
        }
      } finally {
        network.fileGuard.unlock();
      }
      // wait, without fileGuard (the operations in flight need it to finish), for the gate
      release(
          lockRange(gateOffset(networkName), true, deadline, timeout, what),
          "gate of network " + networkName);
    }
  }

  /** Counts one more holder of a network that this JVM already holds shared in the file. */
  private static void joinSharedFile(NetworkEntry network) {
    // fileGuard is held for long only while taking the file lock for a first holder, and there is
    // none: the calling thread's outer operation is a holder
    network.fileGuard.lock();
    try {
      network.sharedHolders++;
    } finally {
      network.fileGuard.unlock();
    }
  }

  /** Whether no other process's GC waits at the network's gate (a non-blocking probe). */
  private boolean gateIsOpen(String networkName) throws CacheException {
    FileLock probe;
    try {
      probe = channel().tryLock(gateOffset(networkName), 1, true);
    } catch (OverlappingFileLockException e) {
      return true; // another thread of this JVM is passing it, so it is open
    } catch (IOException e) {
      throw new CacheException(
          lockFile, Reason.IO_ERROR, "cannot lock network \"" + networkName + "\": " + e, e);
    }
    if (probe == null) {
      return false;
    }
    release(probe, "gate of network " + networkName);
    return true;
  }

  private void releaseSharedFile(NetworkEntry network) {
    network.fileGuard.lock();
    try {
      if (--network.sharedHolders == 0) {
        release(network.fileLock, "network");
        network.fileLock = null;
      }
    } finally {
      network.fileGuard.unlock();
    }
  }

  private void acquire(Lock lock, long deadline, Duration timeout, String what)
      throws CacheException, InterruptedException {
    if (timeout == null) {
      lock.lockInterruptibly();
      return;
    }
    if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      throw timedOut(what, timeout);
    }
  }

  // ---- the lock file ----

  private FileChannel channel() throws CacheException {
    synchronized (channelGuard) {
      if (channel == null) {
        ResultCache.ensureDirectory(locksDir);
        try {
          channel =
              FileChannel.open(
                  lockFile,
                  Set.of(
                      StandardOpenOption.CREATE,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE,
                      LinkOption.NOFOLLOW_LINKS),
                  PosixFilePermissions.asFileAttribute(ResultCache.FILE_MODE));
        } catch (IOException e) {
          throw new CacheException(lockFile, Reason.IO_ERROR, "cannot open: " + e, e);
        }
      }
      return channel;
    }
  }

  /**
   * Locks one byte of the lock file. Polls with {@code tryLock}, which (unlike {@code lock}) does
   * not close the shared channel when the thread is interrupted.
   */
  private FileLock lockRange(
      long offset, boolean shared, long deadline, Duration timeout, String what)
      throws CacheException, InterruptedException {
    FileChannel ch = channel();
    long pause = FIRST_POLL_NANOS;
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for the lock of " + what);
      }
      FileLock lock;
      try {
        lock = ch.tryLock(offset, 1, shared);
      } catch (OverlappingFileLockException e) {
        // held in this JVM through another path to the same file, or a name with the same offset
        lock = null;
      } catch (IOException e) {
        throw new CacheException(lockFile, Reason.IO_ERROR, "cannot lock " + what + ": " + e, e);
      }
      if (lock != null) {
        return lock;
      }
      long wait = pause;
      if (timeout != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw timedOut(what, timeout);
        }
        wait = Math.min(wait, left);
      }
      TimeUnit.NANOSECONDS.sleep(wait);
      pause = Math.min(pause * 2, MAX_POLL_NANOS);
    }
  }

  private static void release(FileLock lock, String what) {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel stays open, so this cannot happen short of a kernel failure; the lock then
      // lingers until the JVM exits, which only makes other processes wait
      LOG.warn("cannot release the file lock of {}: {}", what, UntrustedText.visible(e.toString()));
    }
  }

  private CacheException timedOut(String what, Duration timeout) {
    return new CacheException(
        lockFile,
        Reason.LOCK_TIMEOUT,
        "timed out after " + timeout + " waiting for the lock of " + what);
  }

  private static long deadline(Duration timeout) {
    if (timeout == null) {
      return 0;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout " + timeout);
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    return System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
  }

  static long containerOffset(String containerId) {
    return offset("container", containerId);
  }

  static long networkOffset(String networkName) {
    return offset("network", networkName);
  }

  static long gateOffset(String networkName) {
    return offset("gc-gate", networkName);
  }

  /** A byte offset in [0, 2^62) from a SHA-256 of the kind and the name. */
  private static long offset(String kind, String name) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    sha.update(kind.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(sha.digest()).getLong() >>> 2;
  }

  /**
   * Locks held for one operation or GC; {@link #close()} releases them in the reverse order.
   * Closing twice does nothing.
   */
  public static final class Held implements AutoCloseable {
    private final Thread owner = Thread.currentThread();
    private final Deque<Runnable> releases = new ArrayDeque<>();
    private boolean closed;

    private Held() {}

    private void onClose(Runnable release) {
      releases.push(release);
    }

    /**
     * Releases every lock, the last taken first.
     *
     * @throws IllegalStateException if called by another thread than the one that took the locks
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException(
            "locks taken by thread " + owner.getName() + " must be released by it");
      }
      closed = true;
      while (!releases.isEmpty()) {
        releases.pop().run();
      }
    }
  }

  @Override
  public String toString() {
    return "AttachmentLocks[" + cacheDir + "]";
  }
}
