package dev.jcni.invoke;

import com.sun.jna.Pointer;
import dev.jcni.internal.linux.NativeBuffer;
import dev.jcni.internal.linux.NativeCallException;
import dev.jcni.internal.linux.ProcStat;
import dev.jcni.internal.linux.Spawn;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.LaunchResult.Ending;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin process started by {@link PosixSpawnLauncher}, and its supervision by the calling
 * thread alone: a {@code poll} loop over the stdin, stdout and stderr pipes and a pidfd that
 * becomes readable when the plugin exits.
 *
 * <p>{@link #close()} is the one place that releases everything, on every path: the plugin is
 * reaped (killed first, with its process group, if it is still running because supervision failed
 * or never started), every descriptor is closed and the native buffer is freed.
 */
final class SpawnedPlugin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpawnedPlugin.class);

  /** The longest single wait, so that an interrupt is noticed within it. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Without a pidfd the exit is found by {@code waitpid(WNOHANG)}: how often, once output ends. */
  private static final long EXIT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How often, during the grace period, whether processes of the group still run is checked. */
  private static final long GROUP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final long REAP_AFTER_KILL_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** One pipe's default capacity on Linux: a read of this size empties a full pipe. */
  private static final int READ_CHUNK = 64 * 1024;

  /**
   * How much output is still taken, without waiting, once the drain period is over: what a plugin
   * wrote before it exited is in its two pipes, at most their capacity (1 MiB each at Linux's
   * default {@code pipe-max-size}). More than that comes from a process it left behind.
   */
  private static final long AFTER_DRAIN_BYTES = 2L << 20;

  /** A write of at most this many bytes to a pipe with room never blocks (POSIX). */
  private static final int PIPE_BUF = 4096;

  private static final int POLLFDS_AT = 0;
  private static final int MAX_POLLFDS = 4;
  private static final int STATUS_AT = POLLFDS_AT + MAX_POLLFDS * Spawn.POLLFD_SIZE;
  private static final int READ_AT = STATUS_AT + 8;

  private static final short READABLE = Spawn.POLLIN | Spawn.POLLHUP | Spawn.POLLERR;
  private static final short WRITABLE = Spawn.POLLOUT | Spawn.POLLHUP | Spawn.POLLERR;

  private final Path executable;
  private final int pid;
  private final NativeBuffer io;
  private final Pointer pollfds;
  private final Pointer status;
  private final Pointer readBuffer;

  // Set by feed(): the call this process serves, its stdin and what is kept of its output.
  private LaunchRequest request;
  private NativeBuffer stdinBuffer;
  private Pointer stdin;
  private int stdinLength;
  private Head stdout;
  private Tail stderr;

  // Descriptors of this process; -1 once closed.
  private int stdinFd;
  private int stdoutFd;
  private int stderrFd;
  private int pidfd = -1;

  private int stdinWritten;
  private boolean reaped;
  private int waitStatus;

  private SpawnedPlugin(Path executable, int pid, int stdinFd, int stdoutFd, int stderrFd) {
    this.executable = executable;
    this.pid = pid;
    this.stdinFd = stdinFd;
    this.stdoutFd = stdoutFd;
    this.stderrFd = stderrFd;
    this.io = NativeBuffer.allocate(READ_AT + READ_CHUNK);
    this.pollfds = io.at(POLLFDS_AT, MAX_POLLFDS * Spawn.POLLFD_SIZE);
    this.status = io.at(STATUS_AT, 8);
    this.readBuffer = io.at(READ_AT, READ_CHUNK);
  }

  /**
   * Starts the plugin: three close-on-exec pipes, {@code posix_spawn}, then the child's ends closed
   * and a pidfd opened. The process waits for its stdin, which {@link #feed} gives it.
   *
   * @param executable {@code argv[0]}, an absolute path
   * @param argumentList the arguments after it
   * @param environmentList the complete environment
   * @throws SpawnException when {@code posix_spawn} (or the setting up of its arguments) fails
   * @throws IOException when the pipes or the pidfd cannot be made
   */
  static SpawnedPlugin start(
      Path executable, List<String> argumentList, List<String> environmentList)
      throws IOException {
    Charset fileNames = fileNameCharset();
    byte[] path = executable.toString().getBytes(fileNames);
    List<byte[]> arguments = new ArrayList<>(argumentList.size());
    for (String argument : argumentList) {
      // an argument may be a path too (the plugin's, after a privilege tool such as setpriv): it
      // must name the file that the look-up checked
      arguments.add(argument.getBytes(fileNames));
    }
    List<byte[]> environment = new ArrayList<>(environmentList.size());
    for (String entry : environmentList) {
      environment.add(entry.getBytes(StandardCharsets.UTF_8));
    }
    List<Integer> open = new ArrayList<>(6);
    SpawnedPlugin plugin = null;
    try {
      int[] in = pipe(open);
      int[] out = pipe(open);
      int[] err = pipe(open);
      int pid;
      try {
        pid = Spawn.spawn(path, arguments, environment, in[0], out[1], err[1]);
      } catch (NativeCallException e) {
        throw new SpawnException(
            executable, Spawn.strerror(e.errno()), OptionalInt.of(e.errno()), e);
      }
      open.removeAll(List.of(in[1], out[0], err[0]));
      try {
        plugin = new SpawnedPlugin(executable, pid, in[1], out[0], err[0]);
      } finally {
        if (plugin == null) {
          // Cannot even allocate the supervision buffer: do not leave the child behind.
          killAndReapAbandoned(pid);
          for (int fd : List.of(in[1], out[0], err[0])) {
            closeQuietly(fd);
          }
        }
      }
      for (int fd : List.of(in[0], out[1], err[1])) {
        open.remove(Integer.valueOf(fd));
        Spawn.close(fd); // the child has its copies; EOF on our ends needs these closed
      }
      plugin.pidfd = Spawn.pidfdOpen(pid);
      SpawnedPlugin started = plugin;
      plugin = null;
      return started;
    } finally {
      for (int fd : open) {
        closeQuietly(fd);
      }
      if (plugin != null) {
        plugin.close();
      }
    }
  }

  private static int[] pipe(List<Integer> open) throws NativeCallException {
    int[] fds = Spawn.pipe();
    open.add(fds[0]);
    open.add(fds[1]);
    return fds;
  }

  /** How the JDK encodes file names, so that a path names the same file as in {@code Files}. */
  private static Charset fileNameCharset() {
    String jnu = System.getProperty("sun.jnu.encoding");
    if (jnu != null && Charset.isSupported(jnu)) {
      return Charset.forName(jnu);
    }
    return Charset.defaultCharset();
  }

  /** The program this process runs. */
  Path executable() {
    return executable;
  }

  /**
   * Gives the process its call: the bounds of {@code request} apply from now on, and as much of
   * its stdin as the pipe takes without blocking is written. Up to {@code PIPE_BUF} bytes go into
   * the empty pipe at once; for more, stdin is made non-blocking and {@link #supervise} writes the
   * rest as the plugin reads. Called once.
   *
   * @param request the call; its executable is this process's
   * @throws IOException when stdin cannot be written for another reason than a closed pipe
   */
  void feed(LaunchRequest request) throws IOException {
    if (this.request != null) {
      throw new IllegalStateException("the plugin process was already given its call");
    }
    this.request = request;
    byte[] data = request.stdin();
    this.stdinLength = data.length;
    this.stdinBuffer = NativeBuffer.allocate(Math.max(1, stdinLength));
    this.stdin = stdinBuffer.at(0, Math.max(1, stdinLength));
    stdin.write(0, data, 0, stdinLength);
    this.stdout = new Head(request.stdoutLimit());
    this.stderr = new Tail(request.stderrTail());
    if (stdinLength > PIPE_BUF) {
      Spawn.setNonBlocking(stdinFd);
    }
    writeStdin();
  }

  /**
   * Reads the output within the bounds of the call given by {@link #feed}, writes what is left of
   * stdin, stops the plugin when a bound is hit and reaps it.
   *
   * @param started when the launch began, for {@link LaunchResult#elapsed()}
   */
  LaunchResult supervise(long started) throws IOException, InterruptedException {
    if (request == null) {
      throw new IllegalStateException("the plugin process has not been given its call");
    }
    boolean interrupted = false;
    Ending ending;
    while (true) {
      if (stdout.overflowed()) {
        ending = Ending.OUTPUT_LIMIT_EXCEEDED;
        break;
      }
      if (reaped) {
        ending = Ending.EXITED;
        break;
      }
      long remaining = request.deadline().remainingNanos();
      if (remaining == 0) {
        ending = Ending.DEADLINE_EXCEEDED;
        break;
      }
      if (Thread.interrupted()) {
        interrupted = true;
        ending = Ending.DEADLINE_EXCEEDED; // not reported: InterruptedException is thrown
        break;
      }
      pollOnce(Math.min(remaining, SLICE_NANOS));
    }

    closeStdin();
    boolean killed = false;
    boolean sentTerm = false;
    if (!reaped) {
      sentTerm = true;
      Stop stop = stop();
      killed = stop.killed;
      interrupted |= stop.interrupted;
    }

    boolean abandoned = false;
    long drainEnd = System.nanoTime() + request.drainAfterExit().toNanos();
    long afterDrain = 0;
    while (!interrupted && outputOpen()) {
      if (Thread.interrupted()) {
        interrupted = true;
        break;
      }
      long left = drainEnd - System.nanoTime();
      if (left > 0) {
        pollOnce(Math.min(left, SLICE_NANOS));
        continue;
      }
      // Out of time, but what is in the pipes already is taken without waiting (a drain period of
      // zero, or this thread not run for all of it). Only a pipe that is still open and empty
      // once that is read, or that keeps filling, shows a process holding it.
      long before = outputBytes();
      pollOnce(0);
      long got = outputBytes() - before;
      afterDrain += got;
      if (outputOpen() && (got == 0 || afterDrain > AFTER_DRAIN_BYTES)) {
        abandoned = true;
        break;
      }
    }
    if (abandoned) {
      LOG.warn(
          "{} exited but a process it started still holds its stdout or stderr open; stopped"
              + " reading after the {} ms drain period",
          UntrustedText.plainOrQuoted(request.executable()),
          request.drainAfterExit().toMillis());
    }
    if (ending == Ending.EXITED && stdout.overflowed()) {
      ending = Ending.OUTPUT_LIMIT_EXCEEDED;
    }
    if (interrupted) {
      throw new InterruptedException(
          "plugin call interrupted; "
              + UntrustedText.plainOrQuoted(request.executable())
              + " was stopped");
    }

    OptionalInt exitStatus = OptionalInt.empty();
    OptionalInt signal = OptionalInt.empty();
    if (reaped) {
      int termsig = waitStatus & 0x7f;
      if (termsig == 0) {
        exitStatus = OptionalInt.of((waitStatus >> 8) & 0xff);
      } else {
        // The wait status says it for certain; 128 + n is the JDK's and the shell's convention.
        signal = OptionalInt.of(termsig);
        exitStatus = OptionalInt.of(128 + termsig);
      }
    }
    if (sentTerm && !reaped) {
      LOG.warn(
          "{} (pid {}) did not exit within 2 s of SIGKILL",
          UntrustedText.plainOrQuoted(request.executable()),
          pid);
    }
    return new LaunchResult(
        ending,
        exitStatus,
        signal,
        stdout.kept(),
        stderr.kept(),
        stderr.total(),
        Duration.ofNanos(System.nanoTime() - started),
        abandoned,
        killed);
  }

  /** How a stop went. */
  private static final class Stop {
    final boolean killed;
    final boolean interrupted;

    Stop(boolean killed, boolean interrupted) {
      this.killed = killed;
      this.interrupted = interrupted;
    }
  }

  /**
   * SIGTERM to the plugin's process group; the grace period for every process of the group to exit,
   * output still being read; SIGKILL to the group if any is left. Not interruptible: an interrupt
   * is remembered and reported.
   */
  private Stop stop() throws IOException {
    boolean interrupted = false;
    // The plugin is not reaped yet, so its pid, and with it the group id, cannot be reused.
    signal(Spawn.SIGTERM);
    long graceEnd = System.nanoTime() + request.terminateGrace().toNanos();
    while (!reaped && System.nanoTime() < graceEnd) {
      interrupted |= Thread.interrupted();
      pollOnce(Math.min(graceEnd - System.nanoTime(), SLICE_NANOS));
    }
    boolean groupLeft = !reaped || groupRunning();
    while (groupLeft && System.nanoTime() < graceEnd) {
      interrupted |= Thread.interrupted();
      pollOnce(Math.min(graceEnd - System.nanoTime(), GROUP_CHECK_NANOS));
      groupLeft = !reaped || groupRunning();
    }
    boolean killed = false;
    if (groupLeft) {
      killed = signal(Spawn.SIGKILL);
      LOG.debug(
          "{} (pid {}) or a process it started outlived SIGTERM by {} ms; sent SIGKILL",
          UntrustedText.plainOrQuoted(request.executable()),
          pid,
          request.terminateGrace().toMillis());
    }
    long reapEnd = System.nanoTime() + REAP_AFTER_KILL_NANOS;
    while (!reaped && System.nanoTime() < reapEnd) {
      interrupted |= Thread.interrupted();
      pollOnce(Math.min(reapEnd - System.nanoTime(), SLICE_NANOS));
    }
    return new Stop(killed, interrupted);
  }

  /**
   * Sends {@code signal} to the plugin's process group, and to the plugin itself when it has moved
   * to another group (nothing else may then be in its group). Only while the plugin is not reaped:
   * its pid cannot be reused before.
   *
   * @return whether the signal reached a process
   */
  private boolean signal(int signal) throws NativeCallException {
    boolean sent = Spawn.kill(-pid, signal);
    if (!reaped && ProcStat.of(pid).map(s -> s.processGroup().orElse(-1)).orElse(-1L) != pid) {
      sent |= Spawn.kill(pid, signal);
    }
    return sent;
  }

  /**
   * Whether a process of the plugin's group still runs. The group's id is the plugin's pid. A
   * zombie does not count: it has exited, and whether it is reaped is up to its new parent.
   */
  private boolean groupRunning() {
    try {
      if (!Spawn.kill(-pid, 0)) {
        return false;
      }
    } catch (NativeCallException e) {
      // EPERM: some member runs as another user; look in /proc instead
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path proc : procs) {
        String name = proc.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        // unreadable: exited meanwhile
        Optional<ProcStat> stat = ProcStat.read(proc.resolve("stat"));
        if (stat.isPresent()
            && !stat.get().isZombie()
            && stat.get().processGroup().orElse(-1) == pid) {
          return true;
        }
      }
    } catch (IOException e) {
      return true; // cannot tell: let the grace period run out and SIGKILL the group
    }
    return false;
  }

  /** How many bytes stdout and stderr have given so far. */
  private long outputBytes() {
    return stdout.size() + stderr.total();
  }

  /** Whether output is still to be read: a pipe not at its end, stdout not past its limit. */
  private boolean outputOpen() {
    return (stdoutFd >= 0 && !stdout.overflowed()) || stderrFd >= 0;
  }

  /** One {@code poll} over what is still open, then the work it reports. */
  private void pollOnce(long timeoutNanos) throws IOException {
    // Before feed() nothing is read or written: only the exit is watched (see close()).
    boolean fed = request != null;
    boolean writeIn = fed && stdinFd >= 0;
    boolean readOut = fed && stdoutFd >= 0 && !stdout.overflowed();
    boolean readErr = fed && stderrFd >= 0;
    boolean watchExit = !reaped && pidfd >= 0;
    int n = 0;
    int inAt = writeIn ? n++ : -1;
    int outAt = readOut ? n++ : -1;
    int errAt = readErr ? n++ : -1;
    int exitAt = watchExit ? n++ : -1;
    setPollfd(inAt, stdinFd, Spawn.POLLOUT);
    setPollfd(outAt, stdoutFd, Spawn.POLLIN);
    setPollfd(errAt, stderrFd, Spawn.POLLIN);
    setPollfd(exitAt, pidfd, Spawn.POLLIN);
    long timeout = timeoutNanos;
    if (!reaped && pidfd < 0 && !readOut && !readErr) {
      timeout = Math.min(timeout, EXIT_CHECK_NANOS);
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, (Math.max(0, timeout) + 999_999) / 1_000_000);
    int ready = Spawn.poll(pollfds, n, millis);
    if (ready > 0) {
      if ((revents(inAt) & WRITABLE) != 0) {
        writeStdin();
      }
      if ((revents(outAt) & READABLE) != 0) {
        readStdout();
      }
      if ((revents(errAt) & READABLE) != 0) {
        readStderr();
      }
      if ((revents(exitAt) & Spawn.POLLIN) != 0) {
        tryReap();
      }
    }
    if (!reaped && pidfd < 0) {
      tryReap();
    }
  }

  private void setPollfd(int index, int fd, short events) {
    if (index >= 0) {
      long at = (long) index * Spawn.POLLFD_SIZE;
      pollfds.setInt(at, fd);
      pollfds.setShort(at + 4, events);
      pollfds.setShort(at + 6, (short) 0);
    }
  }

  private short revents(int index) {
    if (index < 0) {
      return 0;
    }
    short revents = pollfds.getShort((long) index * Spawn.POLLFD_SIZE + 6);
    if ((revents & Spawn.POLLNVAL) != 0) {
      throw new IllegalStateException("poll: descriptor not open (a bug in the launcher)");
    }
    return revents;
  }

  /**
   * Writes what fits; closes stdin at its end, or when the plugin has closed its end. Up to {@code
   * PIPE_BUF} bytes are written at once into the fresh pipe; more go through a non-blocking
   * descriptor, as {@code poll} makes room.
   */
  private void writeStdin() throws IOException {
    while (stdinFd >= 0 && stdinWritten < stdinLength) {
      int n;
      try {
        n = Spawn.write(stdinFd, stdin.share(stdinWritten), stdinLength - stdinWritten);
      } catch (NativeCallException e) {
        if (e.errno() != Spawn.EPIPE) {
          throw e;
        }
        // The plugin exited or closed stdin without reading it all: not an error in itself.
        LOG.debug("plugin did not read all of its stdin: {}", e.getMessage());
        break;
      }
      if (n < 0) {
        return; // full: poll says when it drains
      }
      stdinWritten += n;
    }
    closeStdin();
  }

  private void closeStdin() throws NativeCallException {
    if (stdinFd >= 0) {
      int fd = stdinFd;
      stdinFd = -1;
      Spawn.close(fd);
    }
  }

  /**
   * One read, after {@code poll} reported stdout readable: the descriptor is blocking (one {@code
   * fcntl} less per call), and only the first read after such a report is sure not to block.
   */
  private void readStdout() throws IOException {
    int n = Spawn.read(stdoutFd, readBuffer, Math.min(READ_CHUNK, stdout.room()));
    if (n == 0) {
      int fd = stdoutFd;
      stdoutFd = -1;
      Spawn.close(fd);
    } else if (n > 0) {
      stdout.append(readBuffer, n);
    }
  }

  /** One read, after {@code poll} reported stderr readable (see {@link #readStdout()}). */
  private void readStderr() throws IOException {
    int n = Spawn.read(stderrFd, readBuffer, READ_CHUNK);
    if (n == 0) {
      int fd = stderrFd;
      stderrFd = -1;
      Spawn.close(fd);
    } else if (n > 0) {
      stderr.append(readBuffer, n);
    }
  }

  private void tryReap() throws IOException {
    int r;
    try {
      r = Spawn.waitpid(pid, status, false);
    } catch (NativeCallException e) {
      // ECHILD: someone else reaped it (SIGCHLD ignored, or a waitpid(-1) elsewhere in the JVM).
      // Its pid may be reused already: never signal it again.
      reaped = true;
      waitStatus = -1;
      throw new IOException(
          "lost track of "
              + UntrustedText.plainOrQuoted(executable)
              + " (pid "
              + pid
              + "): "
              + e.getMessage(),
          e);
    }
    if (r == pid) {
      reaped = true;
      waitStatus = status.getInt(0);
    }
  }

  /**
   * Releases everything: if the plugin has not been reaped (supervision failed), SIGKILL to its
   * group and a bounded wait for it; a plugin that cannot be reaped even then is handed to a thread
   * that waits for it, so that it never stays a zombie. Then every descriptor is closed and the
   * native buffer freed.
   */
  @Override
  public void close() {
    try {
      if (!reaped) {
        try {
          signal(Spawn.SIGKILL);
          long end = System.nanoTime() + REAP_AFTER_KILL_NANOS;
          while (!reaped && System.nanoTime() < end) {
            closeStdin();
            pollOnce(Math.min(end - System.nanoTime(), SLICE_NANOS));
          }
        } catch (IOException | RuntimeException e) {
          LOG.debug(
              "while stopping {} (pid {}): {}",
              UntrustedText.plainOrQuoted(executable),
              pid,
              e.toString());
        }
        if (!reaped) {
          reapLater(pid);
        }
      }
    } finally {
      closeQuietly(stdinFd);
      closeQuietly(stdoutFd);
      closeQuietly(stderrFd);
      closeQuietly(pidfd);
      stdinFd = stdoutFd = stderrFd = pidfd = -1;
      io.close();
      if (stdinBuffer != null) {
        stdinBuffer.close();
      }
    }
  }

  /** On a path where the plugin was started but nothing else could be set up. */
  private static void killAndReapAbandoned(int pid) {
    try {
      Spawn.kill(-pid, Spawn.SIGKILL);
      Spawn.kill(pid, Spawn.SIGKILL); // not reaped: the pid is still the plugin's
    } catch (NativeCallException e) {
      LOG.debug("kill({}) failed: {}", pid, e.getMessage());
    }
    reapLater(pid);
  }

  /** A thread that blocks in {@code waitpid} until the process exits: never a zombie. */
  private static void reapLater(int pid) {
    LOG.warn("plugin process {} could not be reaped yet; a thread waits for it", pid);
    Thread reaper =
        new Thread(
            () -> {
              try (NativeBuffer status = NativeBuffer.allocate(8)) {
                Spawn.waitpid(pid, status.at(0, 8), true);
              } catch (NativeCallException e) {
                LOG.debug("waitpid({}) failed: {}", pid, e.getMessage());
              }
            },
            "jcni-reaper-" + pid);
    reaper.setDaemon(true);
    reaper.start();
  }

  private static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        Spawn.close(fd);
      } catch (NativeCallException e) {
        LOG.debug("{}", e.getMessage());
      }
    }
  }

  /** The first bytes of stdout: at most {@code limit + 1}; more than {@code limit} is overflow. */
  private static final class Head {
    private final int limit;
    private byte[] buf;
    private int len;

    Head(int limit) {
      this.limit = limit;
      this.buf = new byte[Math.min(limit + 1, 8192)];
    }

    int room() {
      return limit + 1 - len;
    }

    boolean overflowed() {
      return len > limit;
    }

    int size() {
      return len;
    }

    void append(Pointer from, int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(len + n, Math.min(limit + 1, buf.length * 2)));
      }
      from.read(0, buf, len, n);
      len += n;
    }

    byte[] kept() {
      return Arrays.copyOf(buf, len);
    }
  }

  /**
   * The last {@code keep} bytes of stderr in a ring, and the count of all bytes. The ring is
   * allocated when the first byte arrives: most plugins write nothing to stderr.
   */
  private static final class Tail {
    private final int keep;
    private byte[] ring;
    private int next;
    private long total;

    Tail(int keep) {
      this.keep = keep;
    }

    void append(Pointer from, int n) {
      total += n;
      if (keep == 0) {
        return;
      }
      if (ring == null) {
        ring = new byte[keep];
      }
      if (n >= keep) {
        from.read(n - keep, ring, 0, keep);
        next = 0;
        return;
      }
      int first = Math.min(n, keep - next);
      from.read(0, ring, next, first);
      from.read(first, ring, 0, n - first);
      next = (next + n) % keep;
    }

    long total() {
      return total;
    }

    byte[] kept() {
      int size = (int) Math.min(total, keep);
      byte[] out = new byte[size];
      if (size == 0) {
        return out;
      }
      if (total <= keep) {
        System.arraycopy(ring, 0, out, 0, size);
      } else {
        System.arraycopy(ring, next, out, 0, keep - next);
        System.arraycopy(ring, 0, out, keep - next, next);
      }
      return out;
    }
  }
}
