package dev.jcni.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The C library calls that start a plugin process and supervise it, through JNA direct mapping:
 * {@code posix_spawn} with its file actions and attributes, pipes, {@code poll}, {@code read},
 * {@code write}, {@code close}, {@code waitpid}, {@code kill} and {@code pidfd_open}.
 *
 * <p>Every wrapper checks the call's result: the {@code posix_spawn} family returns its error
 * number, the other calls return -1 and leave it in {@code errno}, which JNA captures right after
 * the call ({@link Native#getLastError()}). A failure becomes a {@link NativeCallException} naming
 * the call; the few outcomes a caller must handle as normal ({@code EAGAIN}, {@code EINTR}, {@code
 * ESRCH}) are return values, documented per method.
 *
 * <p>The constants are those of Linux on x86-64 and aarch64 with glibc 2.34 or later ({@code
 * posix_spawn_file_actions_addclosefrom_np}); {@link #unsupportedReason()} says why another system
 * cannot use this class. glibc's {@code posix_spawn} creates the child with {@code
 * clone(CLONE_VM|CLONE_VFORK)}: the JVM is never forked.
 */
public final class Spawn {
  /** {@code poll}: data to read. */
  public static final short POLLIN = 0x1;

  /** {@code poll}: writing will not block. */
  public static final short POLLOUT = 0x4;

  /** {@code poll}: an error condition (for a pipe's write end: the read end is closed). */
  public static final short POLLERR = 0x8;

  /** {@code poll}: hang up (for a pipe's read end: every write end is closed). */
  public static final short POLLHUP = 0x10;

  /** {@code poll}: the descriptor is not open. */
  public static final short POLLNVAL = 0x20;

  /** The size of one {@code struct pollfd}: {@code int fd; short events; short revents;}. */
  public static final int POLLFD_SIZE = 8;

  /** {@code SIGKILL}. */
  public static final int SIGKILL = 9;

  /** {@code SIGTERM}. */
  public static final int SIGTERM = 15;

  /** {@code errno}: no such process (or process group). */
  public static final int ESRCH = 3;

  /** {@code errno}: the write end of a pipe whose read end is closed. */
  public static final int EPIPE = 32;

  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int ENOSYS = 38;

  private static final int O_NONBLOCK = 0x800;
  private static final int O_CLOEXEC = 0x80000;
  private static final int F_DUPFD_CLOEXEC = 1030;
  private static final int F_SETFL = 4;
  private static final int WNOHANG = 1;
  private static final long SYS_PIDFD_OPEN = 434; // the same number on every architecture

  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;

  // glibc's types are 80 (file actions), 336 (attributes) and 128 (sigset_t) bytes on 64-bit
  // Linux; the room here is generous so that a larger future layout cannot overrun.
  private static final int FILE_ACTIONS_SIZE = 256;
  private static final int ATTR_SIZE = 1024;
  private static final int SIGSET_SIZE = 128;

  private static volatile boolean pidfdUnavailable;

  private Spawn() {}

  /** The calls every use needs; registered on first use, which loads JNA. */
  private static final class Calls {
    static {
      Native.register(Calls.class, Platform.C_LIBRARY_NAME);
    }

    private Calls() {}

    static void link() {
      // class initialisation does the work
    }

    static native int pipe2(int[] fds, int flags);

    // fcntl is variadic; with one int argument the call is the same on x86-64 and aarch64 Linux.
    static native int fcntl(int fd, int cmd, int arg);

    static native int close(int fd);

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    static native int poll(Pointer fds, long nfds, int timeout);

    static native int waitpid(int pid, Pointer status, int options);

    static native int kill(int pid, int sig);

    static native int sigemptyset(Pointer set);

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    static native int posix_spawn(
        Pointer pid, Pointer path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

    static native String strerror(int errnum);
  }

  /** glibc 2.34: close every descriptor from a number up in the child (close_range). */
  private static final class CloseFrom {
    static final boolean LINKED = link(CloseFrom.class);

    private CloseFrom() {}

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);
  }

  /** glibc 2.36 wraps pidfd_open(2); older ones do not. */
  private static final class PidfdOpen {
    static final boolean LINKED = link(PidfdOpen.class);

    private PidfdOpen() {}

    static native int pidfd_open(int pid, int flags);
  }

  /**
   * {@code syscall(2)} for pidfd_open on a C library without the wrapper. It is variadic; whole
   * number arguments are passed as for a fixed signature on x86-64 and aarch64 Linux.
   */
  private static final class RawSyscall {
    static final boolean LINKED = link(RawSyscall.class);

    private RawSyscall() {}

    static native long syscall(long number, long arg1, long arg2);
  }

  private static boolean link(Class<?> calls) {
    try {
      Native.register(calls, Platform.C_LIBRARY_NAME);
      return true;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }

  /** Computed once, on the first question. */
  private static final class Support {
    static final String REASON = probe();

    private Support() {}

    private static String probe() {
      String os = System.getProperty("os.name", "");
      if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
        return "not Linux (" + os + ")";
      }
      String arch = System.getProperty("os.arch", "");
      if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
        return "the constants are those of x86-64 and aarch64, not " + arch;
      }
      try {
        Calls.link();
      } catch (LinkageError e) {
        return "JNA cannot call the C library: " + e;
      }
      if (!CloseFrom.LINKED) {
        return "the C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or"
            + " later is needed, so that plugins inherit no descriptor of the JVM)";
      }
      return null;
    }
  }

  /**
   * Why this class cannot be used on this system, if it cannot: not Linux on x86-64 or aarch64, JNA
   * not loadable, or a C library older than glibc 2.34.
   *
   * @return the reason, or empty when every call is available
   */
  public static Optional<String> unsupportedReason() {
    return Optional.ofNullable(Support.REASON);
  }

  private static void requireSupport() {
    String reason = Support.REASON;
    if (reason != null) {
      throw new UnsupportedOperationException("posix_spawn through JNA is unavailable: " + reason);
    }
  }

  /**
   * Creates a pipe whose two ends are close-on-exec and numbered 3 or more, so that the file
   * actions of {@link #spawn} can never overwrite one with another.
   *
   * @return the read end and the write end
   * @throws NativeCallException if {@code pipe2} or {@code fcntl} fails (for example {@code
   *     EMFILE})
   */
  public static int[] pipe() throws NativeCallException {
    requireSupport();
    int[] fds = new int[2];
    if (Calls.pipe2(fds, O_CLOEXEC) != 0) {
      throw new NativeCallException("pipe2(O_CLOEXEC)", Native.getLastError());
    }
    try {
      for (int i = 0; i < 2; i++) {
        if (fds[i] < 3) {
          // Only when the JVM runs with stdin, stdout or stderr closed.
          int moved = Calls.fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
          if (moved < 0) {
            throw new NativeCallException("fcntl(F_DUPFD_CLOEXEC, 3)", Native.getLastError());
          }
          int old = fds[i];
          fds[i] = moved;
          close(old);
        }
      }
    } catch (NativeCallException | RuntimeException e) {
      closeQuietly(fds[0]);
      closeQuietly(fds[1]);
      throw e;
    }
    return fds;
  }

  /**
   * Makes reads and writes on a descriptor return at once instead of blocking.
   *
   * @param fd a pipe end of this process (its other flags are cleared)
   * @throws NativeCallException if {@code fcntl} fails
   */
  public static void setNonBlocking(int fd) throws NativeCallException {
    if (Calls.fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
      throw new NativeCallException(
          "fcntl(" + fd + ", F_SETFL, O_NONBLOCK)", Native.getLastError());
    }
  }

  /**
   * Starts a program with {@code posix_spawn}, with the path alone as {@code argv}: {@link
   * #spawn(byte[], List, List, int, int, int)} without arguments.
   *
   * @param path the program's absolute path, encoded, without a terminating NUL
   * @param environment the {@code NAME=value} entries, encoded, without terminating NULs
   * @param stdin the descriptor that becomes the child's 0
   * @param stdout the descriptor that becomes the child's 1
   * @param stderr the descriptor that becomes the child's 2
   * @return the child's pid
   * @throws NativeCallException as the other overload
   */
  public static int spawn(byte[] path, List<byte[]> environment, int stdin, int stdout, int stderr)
      throws NativeCallException {
    return spawn(path, List.of(), environment, stdin, stdout, stderr);
  }

  /**
   * Starts a program with {@code posix_spawn}: {@code argv} is the path then the given arguments
   * (none for a plugin run directly), the environment is
   * exactly the given entries, descriptors 0, 1 and 2 are the given ones and every other descriptor
   * is closed, the child leads a process group of its own (its id is the child's pid), its signal
   * mask is empty and every signal has its default disposition (glibc's internal ones included).
   * The native memory for the path, {@code argv}, {@code envp} and the spawn structures is one
   * block, built once and freed before this method returns.
   *
   * @param path the program's absolute path, encoded, without a terminating NUL
   * @param arguments the arguments after {@code argv[0]}, encoded, without terminating NULs
   * @param environment the {@code NAME=value} entries, encoded, without terminating NULs
   * @param stdin the descriptor that becomes the child's 0
   * @param stdout the descriptor that becomes the child's 1
   * @param stderr the descriptor that becomes the child's 2
   * @return the child's pid
   * @throws NativeCallException if a call fails; for {@code posix_spawn} itself the error number is
   *     that of the failed {@code execve} (for example {@code ENOENT}, {@code EACCES}, {@code
   *     ETXTBSY}, {@code ENOEXEC})
   */
  public static int spawn(
      byte[] path,
      List<byte[]> arguments,
      List<byte[]> environment,
      int stdin,
      int stdout,
      int stderr)
      throws NativeCallException {
    requireSupport();
    long argvBytes = 8L * (1 + arguments.size() + 1);
    long vectors = argvBytes + 8L * (environment.size() + 1);
    long strings = path.length + 1L;
    for (byte[] argument : arguments) {
      strings += argument.length + 1L;
    }
    for (byte[] entry : environment) {
      strings += entry.length + 1L;
    }
    long actionsAt = 0;
    long attrAt = actionsAt + FILE_ACTIONS_SIZE;
    long maskAt = attrAt + ATTR_SIZE;
    long defaultAt = maskAt + SIGSET_SIZE;
    long pidAt = defaultAt + SIGSET_SIZE;
    long argvAt = pidAt + 8;
    long envpAt = argvAt + argvBytes;
    long stringsAt = argvAt + vectors;
    try (NativeBuffer block = NativeBuffer.allocate(stringsAt + strings)) {
      Pointer argv = block.at(argvAt, argvBytes);
      Pointer envp = block.at(envpAt, vectors - argvBytes);
      long at = stringsAt;
      Pointer pathC = cString(block, at, path);
      at += path.length + 1L;
      argv.setPointer(0, pathC);
      for (int i = 0; i < arguments.size(); i++) {
        byte[] argument = arguments.get(i);
        argv.setPointer(8L * (i + 1), cString(block, at, argument));
        at += argument.length + 1L;
      }
      argv.setPointer(8L * (arguments.size() + 1), null);
      for (int i = 0; i < environment.size(); i++) {
        byte[] entry = environment.get(i);
        envp.setPointer(8L * i, cString(block, at, entry));
        at += entry.length + 1L;
      }
      envp.setPointer(8L * environment.size(), null);

      Pointer actions = block.at(actionsAt, FILE_ACTIONS_SIZE);
      Pointer attr = block.at(attrAt, ATTR_SIZE);
      Pointer emptyMask = block.at(maskAt, SIGSET_SIZE);
      Pointer allSignals = block.at(defaultAt, SIGSET_SIZE);
      Pointer pid = block.at(pidAt, 8);
      spawnCheck(Calls.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
      try {
        spawnCheck(
            Calls.posix_spawn_file_actions_adddup2(actions, stdin, 0),
            "posix_spawn_file_actions_adddup2(" + stdin + ", 0)");
        spawnCheck(
            Calls.posix_spawn_file_actions_adddup2(actions, stdout, 1),
            "posix_spawn_file_actions_adddup2(" + stdout + ", 1)");
        spawnCheck(
            Calls.posix_spawn_file_actions_adddup2(actions, stderr, 2),
            "posix_spawn_file_actions_adddup2(" + stderr + ", 2)");
        // The JDK opens its files without O_CLOEXEC: close everything the plugin must not get.
        spawnCheck(
            CloseFrom.posix_spawn_file_actions_addclosefrom_np(actions, 3),
            "posix_spawn_file_actions_addclosefrom_np(3)");
        spawnCheck(Calls.posix_spawnattr_init(attr), "posix_spawnattr_init");
        try {
          errnoCheck(Calls.sigemptyset(emptyMask), "sigemptyset");
          // Every bit set, not sigfillset: that leaves out glibc's two internal real-time signals
          // (32, 33), which its posix_spawn would then set to SIG_IGN for the new program.
          allSignals.setMemory(0, SIGSET_SIZE, (byte) 0xff);
          spawnCheck(
              Calls.posix_spawnattr_setsigmask(attr, emptyMask), "posix_spawnattr_setsigmask");
          spawnCheck(
              Calls.posix_spawnattr_setsigdefault(attr, allSignals),
              "posix_spawnattr_setsigdefault");
          spawnCheck(Calls.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup(0)");
          spawnCheck(
              Calls.posix_spawnattr_setflags(
                  attr,
                  (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
              "posix_spawnattr_setflags");
          spawnCheck(Calls.posix_spawn(pid, pathC, actions, attr, argv, envp), "posix_spawn");
          return pid.getInt(0);
        } finally {
          Calls.posix_spawnattr_destroy(attr); // frees nothing in glibc; cannot fail there
        }
      } finally {
        Calls.posix_spawn_file_actions_destroy(actions); // frees the action list; returns 0
      }
    }
  }

  private static Pointer cString(NativeBuffer block, long at, byte[] bytes) {
    Pointer p = block.at(at, bytes.length + 1L);
    p.write(0, bytes, 0, bytes.length);
    p.setByte(bytes.length, (byte) 0);
    return p;
  }

  /**
   * Opens a descriptor that becomes readable when the child exits ({@code pidfd_open}, Linux 5.3),
   * so that {@code poll} can wait for the exit and for output at once. It is close-on-exec.
   *
   * @param pid a child of this process that has not been reaped
   * @return the descriptor, or -1 when the kernel or the C library cannot make one
   * @throws NativeCallException if the call fails for another reason (for example {@code EMFILE})
   */
  public static int pidfdOpen(int pid) throws NativeCallException {
    if (pidfdUnavailable) {
      return -1;
    }
    long fd;
    if (PidfdOpen.LINKED) {
      fd = PidfdOpen.pidfd_open(pid, 0);
    } else if (RawSyscall.LINKED) {
      fd = RawSyscall.syscall(SYS_PIDFD_OPEN, pid, 0);
    } else {
      pidfdUnavailable = true;
      return -1;
    }
    if (fd < 0) {
      int errno = Native.getLastError();
      if (errno == ENOSYS) {
        pidfdUnavailable = true;
        return -1;
      }
      throw new NativeCallException("pidfd_open(" + pid + ")", errno);
    }
    return (int) fd;
  }

  /**
   * Waits for events on descriptors.
   *
   * @param fds an array of {@code n} {@code struct pollfd} ({@link #POLLFD_SIZE} bytes each)
   * @param n how many
   * @param timeoutMillis the longest wait; 0 returns at once
   * @return how many descriptors have events; 0 on timeout or when a signal interrupted the wait
   *     ({@code EINTR}), in which case no {@code revents} was set
   * @throws NativeCallException if {@code poll} fails otherwise
   */
  public static int poll(Pointer fds, int n, int timeoutMillis) throws NativeCallException {
    int r = Calls.poll(fds, n, timeoutMillis);
    if (r < 0) {
      int errno = Native.getLastError();
      if (errno == EINTR) {
        return 0;
      }
      throw new NativeCallException("poll(" + n + " descriptors)", errno);
    }
    return r;
  }

  /**
   * Reads what is there, without blocking on a non-blocking descriptor.
   *
   * @param fd the descriptor
   * @param buf where to put the bytes
   * @param count the most to read
   * @return the number read; 0 at the end of the stream; -1 when nothing is there yet ({@code
   *     EAGAIN})
   * @throws NativeCallException if {@code read} fails otherwise
   */
  public static int read(int fd, Pointer buf, int count) throws NativeCallException {
    while (true) {
      long r = Calls.read(fd, buf, count);
      if (r >= 0) {
        return (int) r;
      }
      int errno = Native.getLastError();
      if (errno == EAGAIN) {
        return -1;
      }
      if (errno != EINTR) {
        throw new NativeCallException("read(" + fd + ")", errno);
      }
    }
  }

  /**
   * Writes what fits, without blocking on a non-blocking descriptor.
   *
   * @param fd the descriptor
   * @param buf the bytes
   * @param count how many
   * @return the number written; -1 when nothing fits yet ({@code EAGAIN})
   * @throws NativeCallException if {@code write} fails otherwise; {@link #EPIPE} when the reading
   *     end is closed (the JVM ignores {@code SIGPIPE})
   */
  public static int write(int fd, Pointer buf, int count) throws NativeCallException {
    while (true) {
      long r = Calls.write(fd, buf, count);
      if (r >= 0) {
        return (int) r;
      }
      int errno = Native.getLastError();
      if (errno == EAGAIN) {
        return -1;
      }
      if (errno != EINTR) {
        throw new NativeCallException("write(" + fd + ")", errno);
      }
    }
  }

  /**
   * Closes a descriptor. On Linux the descriptor is released even when {@code close} reports {@code
   * EINTR} or {@code EIO}, so a failure is never retried.
   *
   * @param fd the descriptor
   * @throws NativeCallException if {@code close} reports an error ({@code EBADF}: a bug)
   */
  public static void close(int fd) throws NativeCallException {
    if (Calls.close(fd) != 0) {
      int errno = Native.getLastError();
      if (errno != EINTR) {
        throw new NativeCallException("close(" + fd + ")", errno);
      }
    }
  }

  private static void closeQuietly(int fd) {
    Calls.close(fd); // on an error path already; the descriptor is released either way
  }

  /**
   * Reaps a child if it has exited.
   *
   * @param pid the child
   * @param status where the wait status goes (4 bytes)
   * @param block whether to wait for the exit
   * @return the pid once reaped; 0 when it has not exited ({@code WNOHANG})
   * @throws NativeCallException if {@code waitpid} fails ({@code ECHILD}: not a child of this
   *     process, or reaped already)
   */
  public static int waitpid(int pid, Pointer status, boolean block) throws NativeCallException {
    while (true) {
      int r = Calls.waitpid(pid, status, block ? 0 : WNOHANG);
      if (r >= 0) {
        return r;
      }
      int errno = Native.getLastError();
      if (errno != EINTR) {
        throw new NativeCallException("waitpid(" + pid + ")", errno);
      }
    }
  }

  /**
   * Sends a signal ({@code kill(2)}); a negative pid names a process group.
   *
   * @param pid the process, or minus the process group
   * @param signal the signal; 0 only checks that the target exists
   * @return {@code true} when sent; {@code false} when no such process or group exists ({@code
   *     ESRCH})
   * @throws NativeCallException if {@code kill} fails otherwise ({@code EPERM})
   */
  public static boolean kill(int pid, int signal) throws NativeCallException {
    if (Calls.kill(pid, signal) == 0) {
      return true;
    }
    int errno = Native.getLastError();
    if (errno == ESRCH) {
      return false;
    }
    throw new NativeCallException("kill(" + pid + ", " + signal + ")", errno);
  }

  /**
   * Describes an error number: the C library's text and the symbolic name, such as {@code Text file
   * busy (ETXTBSY)}.
   *
   * @param errno an error number
   * @return the description
   */
  public static String describe(int errno) {
    return strerror(errno) + " (" + ErrnoNames.name(errno) + ")";
  }

  /**
   * The C library's text for an error number, such as {@code Text file busy}.
   *
   * @param errno an error number
   * @return the text
   */
  public static String strerror(int errno) {
    String text = null;
    try {
      text = Calls.strerror(errno);
    } catch (LinkageError e) {
      // JNA unavailable: the number alone has to do
    }
    return text == null || text.isEmpty() ? "error " + errno : text;
  }

  private static void spawnCheck(int result, String call) throws NativeCallException {
    if (result != 0) {
      throw new NativeCallException(call, result);
    }
  }

  private static void errnoCheck(int result, String call) throws NativeCallException {
    if (result != 0) {
      throw new NativeCallException(call, Native.getLastError());
    }
  }
}
