package dev.jcni.netns;

import dev.jcni.NetnsException;
import dev.jcni.internal.linux.NativeCallException;
import dev.jcni.internal.linux.LibC;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open handle on a Linux network namespace: the namespace a CNI plugin is asked to configure
 * ({@code CNI_NETNS}), or the one it runs in.
 *
 * <p>Named namespaces are kept the way iproute2 keeps them: {@link #create(String)} makes a new
 * namespace and bind-mounts it on a file under {@code /run/netns}, so that it lives on without any
 * process in it, and {@link #delete(String)} unmounts and removes that file ({@code ip netns add}
 * and {@code ip netns delete}). Both accept another directory for callers that keep their
 * namespaces elsewhere. {@link #open(Path)} opens any namespace file ({@code /run/netns/NAME},
 * {@code /proc/PID/ns/net}, {@code /var/run/docker/netns/...}) and {@link #current()} the calling
 * thread's namespace.
 *
 * <p>A handle holds an open descriptor of the namespace, so the namespace it refers to cannot
 * change or disappear while the handle is open, even if its file is unmounted. Close it when done.
 * Handles are thread-safe.
 *
 * <h2>Threads</h2>
 *
 * <p>Linux keeps the network namespace per OS thread, so code that switches namespaces on a thread
 * it shares with other code leaks the namespace into that code (Go's plugins learned this the hard
 * way). {@link #run} never does: it enters the namespace on a fresh platform thread made for that
 * one call, returns the thread to its original namespace afterwards, and lets it end; if the return
 * fails the thread ends without running anything else. The calling thread's namespace never
 * changes, and no pooled or virtual thread is ever moved.
 *
 * <p>What the code given to {@link #run} does on its own thread happens in the namespace, including
 * processes it starts with {@link ProcessBuilder}: a plugin launched there runs in the namespace.
 * Threads that the code starts also begin in the namespace and stay there, because a new thread
 * inherits its creator's namespace; keep such code to the calling thread and do not hand work to
 * shared executors from it. One such thread is the JDK's own: starting a process may start a
 * "process reaper" thread (when none is idle), which then waits for processes of any thread from
 * inside the namespace, runs the {@link Process#onExit()} actions it completes there, and keeps the
 * namespace referenced until it has been idle for about a minute.
 *
 * <p>All operations except {@link #open} and {@link #current} need root or {@code CAP_SYS_ADMIN};
 * without it they fail with a {@link NetnsException} for which {@link
 * NetnsException#isPermissionDenied()} holds.
 */
public final class NetworkNamespace implements AutoCloseable {
  /** Where iproute2 ({@code ip netns}) and most container runtimes keep named namespaces. */
  public static final Path DEFAULT_ROOT = Path.of("/run/netns");

  private static final Logger LOG = LoggerFactory.getLogger(NetworkNamespace.class);

  /** The network namespace of the thread that opens it. */
  private static final Path THREAD_SELF_NET = Path.of("/proc/thread-self/ns/net");

  /** Longest file name Linux accepts (NAME_MAX), in bytes. */
  private static final int NAME_MAX = 255;

  /** Serialises the preparation of namespace directories within this JVM. */
  private static final Object ROOT_SETUP = new Object();

  private final Path path;
  private final long inode;
  private int fd; // -1 once closed; guarded by this

  private NetworkNamespace(Path path, int fd, long inode) {
    this.path = path;
    this.fd = fd;
    this.inode = inode;
  }

  /**
   * Creates a network namespace named {@code name} under {@link #DEFAULT_ROOT}, as {@code ip netns
   * add NAME} does.
   *
   * @param name the namespace's name: a file name (see {@link #create(Path, String)})
   * @return an open handle on the new namespace
   * @throws NetnsException if the namespace cannot be created: it exists already ({@link
   *     NetnsException#isAlreadyExists()}), or the caller lacks root or {@code CAP_SYS_ADMIN}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   */
  public static NetworkNamespace create(String name) throws NetnsException {
    return create(DEFAULT_ROOT, name);
  }

  /**
   * Creates a network namespace named {@code name} under {@code root}: a new, empty namespace (only
   * a loopback interface, down) bind-mounted on the file {@code root/name}.
   *
   * <p>As {@code ip netns add} does with {@code /run/netns}, this creates {@code root} if needed
   * (mode 0755) and makes it a shared mount point, bind-mounting it on itself if it is not a mount
   * point yet, so that a later unmount of the namespace file reaches every mount namespace that
   * holds a copy of it and the namespace is freed. The new namespace is made by a fresh thread that
   * leaves the caller's namespace for it, mounts it, returns and ends.
   *
   * @param root the directory of named namespaces
   * @param name the namespace's name: not empty, not {@code .} or {@code ..}, no {@code /} or NUL,
   *     at most 255 bytes
   * @return an open handle on the new namespace
   * @throws NetnsException if the namespace cannot be created: it exists already ({@link
   *     NetnsException#isAlreadyExists()}), or the caller lacks root or {@code CAP_SYS_ADMIN}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   */
  public static NetworkNamespace create(Path root, String name) throws NetnsException {
    Objects.requireNonNull(root, "root");
    checkName(name);
    Path dir = root.toAbsolutePath().normalize();
    Path file = dir.resolve(name);
    String what = "cannot create network namespace " + file;
    prepareRoot(dir, what);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of()));
    } catch (FileAlreadyExistsException e) {
      throw new NetnsException(what + ": it exists already", file, LibC.EEXIST, e);
    } catch (IOException e) {
      throw ioFailure(what, file, e);
    }
    try {
      mountNewNamespace(file, what);
      NetworkNamespace created = open(file);
      LOG.debug("created network namespace {}", created);
      return created;
    } catch (NetnsException | RuntimeException | Error e) {
      discard(file, e);
      throw e;
    }
  }

  /**
   * Opens the network namespace that the file {@code path} refers to: a namespace file under {@code
   * /run/netns}, {@code /proc/PID/ns/net}, {@code /proc/PID/task/TID/ns/net}, or any bind mount of
   * one.
   *
   * @param path the namespace file
   * @return an open handle; it keeps the namespace alive until closed
   * @throws NetnsException if the file cannot be opened ({@link NetnsException#isNotFound()} when
   *     it does not exist) or is not a network namespace
   */
  public static NetworkNamespace open(Path path) throws NetnsException {
    Objects.requireNonNull(path, "path");
    String what = "cannot open network namespace " + path;
    int fd;
    try {
      fd = LibC.openReadOnly(path);
    } catch (NativeCallException e) {
      throw failure(what, path, e);
    }
    try {
      return new NetworkNamespace(path, fd, namespaceInode(fd, path, what));
    } catch (NetnsException | RuntimeException e) {
      closeQuietly(fd);
      throw e;
    }
  }

  /**
   * Opens the network namespace of the calling thread, named by its {@code
   * /proc/PID/task/TID/ns/net} path.
   *
   * @return an open handle on the calling thread's namespace
   * @throws NetnsException if {@code /proc} cannot be read
   */
  public static NetworkNamespace current() throws NetnsException {
    Path threadSelf = Path.of("/proc/thread-self");
    Path path;
    try {
      // "PID/task/TID": a name for this thread's namespace that other threads can read too
      path = threadSelf.resolveSibling(Files.readSymbolicLink(threadSelf)).resolve("ns/net");
    } catch (IOException e) {
      throw ioFailure("cannot open the current network namespace", threadSelf, e);
    }
    return open(path);
  }

  /**
   * Deletes the network namespace named {@code name} under {@link #DEFAULT_ROOT}, as {@code ip
   * netns delete NAME} does.
   *
   * @param name the namespace's name
   * @throws NetnsException if it cannot be deleted ({@link NetnsException#isNotFound()} when it
   *     does not exist)
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @see #delete(Path, String)
   */
  public static void delete(String name) throws NetnsException {
    delete(DEFAULT_ROOT, name);
  }

  /**
   * Deletes the network namespace named {@code name} under {@code root}: detaches its bind mount
   * and removes the file. A file that is not mounted (left by a creation that failed half-way) is
   * removed too. The namespace itself disappears once no process, thread or open handle refers to
   * it any more.
   *
   * @param root the directory of named namespaces
   * @param name the namespace's name
   * @throws NetnsException if it cannot be deleted ({@link NetnsException#isNotFound()} when it
   *     does not exist, {@link NetnsException#isPermissionDenied()} without root or {@code
   *     CAP_SYS_ADMIN})
   * @throws IllegalArgumentException if {@code name} is not a valid name
   */
  public static void delete(Path root, String name) throws NetnsException {
    Objects.requireNonNull(root, "root");
    checkName(name);
    Path file = root.toAbsolutePath().normalize().resolve(name);
    String what = "cannot delete network namespace " + file;
    try {
      LibC.detach(file);
    } catch (NativeCallException e) {
      if (e.errno() != LibC.EINVAL) {
        throw failure(what, file, e);
      }
      // EINVAL: not a mount point, a file left by a failed creation; ip netns removes it too
      LOG.debug("{} was not mounted; removing the file", file);
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw ioFailure(what, file, e);
    }
    LOG.debug("deleted network namespace {}", file);
  }

  /** The file this handle was opened from (for {@link #current()}, the thread's proc file). */
  public Path path() {
    return path;
  }

  /**
   * The namespace's inode number, which identifies it: the number in {@code net:[N]} that {@code
   * readlink /proc/PID/ns/net} shows, and the inode that {@code stat -L} gives for its file.
   */
  public long inode() {
    return inode;
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return fd < 0;
  }

  /**
   * Runs {@code task} inside this namespace, on a fresh platform thread, and returns its result.
   *
   * <p>The thread is made for this call: it enters the namespace, runs the task, returns to its
   * original namespace and ends (if returning fails, it ends without running anything else). The
   * calling thread waits for it and never changes namespace; if interrupted while waiting, it
   * interrupts the task's thread, goes on waiting, and returns with its interrupt status set.
   * Processes the task starts run in the namespace; threads it starts stay in it (see the class
   * documentation).
   *
   * @param <T> the result type
   * @param <E> the checked exception the task may throw
   * @param task the code to run
   * @return what the task returned
   * @throws E what the task threw, unwrapped (unchecked exceptions and errors too)
   * @throws NetnsException if the namespace cannot be entered ({@link
   *     NetnsException#isPermissionDenied()} without root or {@code CAP_SYS_ADMIN})
   * @throws IllegalStateException if this handle is closed
   */
  public <T, E extends Exception> T run(NetnsCallable<T, E> task) throws E, NetnsException {
    Objects.requireNonNull(task, "task");
    String what = "cannot enter network namespace " + this;
    int taskFd = reopen(what);
    Entry<T, E> entry = new Entry<>(task, taskFd);
    Thread thread = new Thread(entry, "jcni-netns " + path);
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      closeQuietly(taskFd);
      throw e;
    }
    awaitEnd(thread);
    if (entry.enterFailure != null) {
      throw failure(what, path, entry.enterFailure);
    }
    return entry.result();
  }

  /** Closes the handle's descriptor; the namespace lives on if other references keep it. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      closeQuietly(fd);
      fd = -1;
    }
  }

  @Override
  public synchronized String toString() {
    return path + " (net:[" + inode + "]" + (fd < 0 ? ", closed" : "") + ")";
  }

  /**
   * Checks that {@code name} can name a namespace file: not empty, not {@code .} or {@code ..}, no
   * {@code /} or NUL, at most 255 bytes in the file-name encoding.
   */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    String problem = null;
    if (name.isEmpty()) {
      problem = "must not be empty";
    } else if (name.equals(".") || name.equals("..")) {
      problem = "must not be \".\" or \"..\"";
    } else if (name.indexOf('/') >= 0) {
      problem = "must not contain '/'";
    } else if (name.indexOf('\0') >= 0) {
      problem = "must not contain a NUL character";
    } else {
      try {
        ByteBuffer bytes = LibC.fileNameCharset().newEncoder().encode(CharBuffer.wrap(name));
        if (bytes.remaining() > NAME_MAX) {
          problem = "is " + bytes.remaining() + " bytes long, more than " + NAME_MAX;
        }
      } catch (CharacterCodingException e) {
        problem = "cannot be encoded as a file name in " + LibC.fileNameCharset();
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid network namespace name \""
              + UntrustedText.visible(name.replace("\0", "\\0"))
              + "\": "
              + problem);
    }
    return name;
  }

  /** Creates {@code dir} if needed and makes it a shared mount point, as iproute2 does. */
  private static void prepareRoot(Path dir, String what) throws NetnsException {
    synchronized (ROOT_SETUP) {
      try {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      } catch (IOException e) {
        throw ioFailure(what, dir, e);
      }
      try {
        LibC.makeSharedRecursive(dir);
      } catch (NativeCallException notMountPoint) {
        if (notMountPoint.errno() != LibC.EINVAL) {
          throw failure(what, dir, notMountPoint);
        }
        try {
          LibC.bindMount(dir, dir, true);
          LibC.makeSharedRecursive(dir);
        } catch (NativeCallException e) {
          throw failure(what, dir, e);
        }
        LOG.debug("made {} a shared mount point of itself", dir);
      }
    }
  }

  /**
   * Makes a new namespace on a thread of its own and bind-mounts it on {@code file}; the thread
   * then returns to its original namespace and ends.
   */
  private static void mountNewNamespace(Path file, String what) throws NetnsException {
    NativeCallException[] failure = new NativeCallException[1];
    Throwable[] crash = new Throwable[1];
    Thread thread =
        new Thread(
            () -> {
              int originalFd = -1;
              try {
                originalFd = LibC.openReadOnly(THREAD_SELF_NET);
                LibC.unshareNetwork();
                try {
                  LibC.bindMount(THREAD_SELF_NET, file, false);
                } finally {
                  // Not needed for correctness (the thread ends next), but an ended thread lingers
                  // briefly in /proc: it must not be seen holding the new namespace.
                  returnTo(originalFd);
                }
              } catch (NativeCallException e) {
                failure[0] = e;
              } catch (Throwable t) { // handed to the calling thread
                crash[0] = t;
              } finally {
                if (originalFd >= 0) {
                  closeQuietly(originalFd);
                }
              }
            },
            "jcni-netns create " + file.getFileName());
    thread.setDaemon(true);
    thread.start();
    awaitEnd(thread);
    rethrowUnchecked(crash[0]);
    if (failure[0] != null) {
      throw failure(what, file, failure[0]);
    }
  }

  /**
   * Moves the calling dedicated thread back to the namespace it came from. If that fails the thread
   * must end without running anything else, which its callers do: they return right after.
   */
  private static void returnTo(int originalFd) {
    try {
      LibC.setNetworkNamespace(originalFd);
    } catch (NativeCallException e) {
      LOG.error(
          "thread {} could not return from a network namespace ({}); it ends now",
          Thread.currentThread().getName(),
          e.getMessage());
    }
  }

  /** Undoes a creation that failed half-way; what goes wrong is added to {@code cause}. */
  private static void discard(Path file, Throwable cause) {
    try {
      LibC.detach(file);
    } catch (NativeCallException e) {
      if (e.errno() != LibC.EINVAL) {
        cause.addSuppressed(e);
      }
    } catch (RuntimeException | Error e) {
      cause.addSuppressed(e);
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** A fresh descriptor of this namespace for one {@link #run}, so that close() cannot race it. */
  private synchronized int reopen(String what) throws NetnsException {
    if (fd < 0) {
      throw new IllegalStateException("network namespace handle " + path + " is closed");
    }
    Path self = Path.of("/proc/self/fd/" + fd);
    try {
      return LibC.openReadOnly(self);
    } catch (NativeCallException e) {
      throw failure(what, path, e);
    }
  }

  /** Checks that {@code fd} is a network namespace and returns its inode number. */
  private static long namespaceInode(int fd, Path path, String what) throws NetnsException {
    int type;
    try {
      type = LibC.namespaceType(fd);
    } catch (NativeCallException e) {
      throw new NetnsException(
          what + ": not a namespace (" + e.getMessage() + ")", path, e.errno(), null);
    }
    if (type != LibC.CLONE_NEWNET) {
      throw new NetnsException(
          what + ": a " + LibC.namespaceTypeName(type) + " namespace, not a network namespace",
          path,
          0,
          null);
    }
    try {
      // stat through the descriptor, not the path: the path may have been remounted since
      return ((Number) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino")).longValue();
    } catch (IOException e) {
      throw ioFailure(what, path, e);
    }
  }

  /** Waits for {@code thread} to end, even if interrupted; the interrupt is passed on to it. */
  private static void awaitEnd(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        thread.interrupt();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rethrowUnchecked(Throwable t) {
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (NativeCallException e) {
      LOG.warn("could not close namespace descriptor: {}", e.getMessage());
    }
  }

  private static NetnsException failure(String what, Path path, NativeCallException e) {
    String hint = e.errno() == LibC.EPERM ? "; network namespaces need root or CAP_SYS_ADMIN" : "";
    return new NetnsException(what + ": " + e.getMessage() + hint, path, e.errno(), null);
  }

  private static NetnsException ioFailure(String what, Path path, IOException e) {
    int errno = 0;
    if (e instanceof NoSuchFileException) {
      errno = LibC.ENOENT;
    } else if (e instanceof AccessDeniedException) {
      errno = LibC.EACCES;
    } else if (e instanceof FileAlreadyExistsException) {
      errno = LibC.EEXIST;
    }
    return new NetnsException(what + ": " + e, path, errno, e);
  }

  /** The body of a {@link #run} thread: enter, run, return; what happened is read after join. */
  private static final class Entry<T, E extends Exception> implements Runnable {
    private final NetnsCallable<T, E> task;
    private final int targetFd;
    private NativeCallException enterFailure;
    private T value;
    private Throwable thrown;

    Entry(NetnsCallable<T, E> task, int targetFd) {
      this.task = task;
      this.targetFd = targetFd;
    }

    @Override
    public void run() {
      int originalFd = -1;
      try {
        try {
          originalFd = LibC.openReadOnly(THREAD_SELF_NET);
          LibC.setNetworkNamespace(targetFd);
        } catch (NativeCallException e) {
          enterFailure = e;
          return;
        } catch (Throwable t) { // such as the native library failing to load
          thrown = t;
          return;
        }
        try {
          value = task.call();
        } catch (Throwable t) { // handed to the calling thread
          thrown = t;
        }
        returnTo(originalFd);
      } finally {
        closeQuietly(targetFd);
        if (originalFd >= 0) {
          closeQuietly(originalFd);
        }
      }
    }

    @SuppressWarnings("unchecked")
    T result() throws E {
      if (thrown == null) {
        return value;
      }
      rethrowUnchecked(thrown);
      throw (E) thrown;
    }
  }
}
