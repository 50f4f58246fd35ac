package dev.jcni.invoke;

import dev.jcni.internal.linux.ProcStat;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.LaunchResult.Ending;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PluginLauncher} built on the JDK's {@link ProcessBuilder}.
 *
 * <p><b>Stopping a plugin and what it started.</b> The JDK cannot put the child in a process group
 * of its own ({@code setpgid} between fork and exec), and wrapping the plugin in {@code setsid}
 * would change its {@code argv[0]} and add a program to trust. So SIGTERM goes to the plugin and to
 * every descendant found through {@link ProcessHandle#descendants()} at that moment; after the
 * grace period SIGKILL goes to everything of that set still alive, plus the descendants found again
 * if the plugin is still alive. A descendant that was re-parented before the snapshot (its parent
 * exited) is no longer found this way; it cannot hold the call, because reading stops at the end of
 * the drain period and the pipes are closed, so its next write fails. The JDK checks each process's
 * start time before signalling it, so a recycled pid is never hit.
 *
 * <p><b>Threads.</b> stdout and stderr are read by two threads of a cached pool owned by the
 * launcher (daemon threads, idle ones end after 60 s). While the plugin runs they read only what
 * the pipes hold, looking again every few milliseconds, and never wait inside a read; once the
 * plugin has exited, a look that finds stdout empty proves that everything the plugin wrote has
 * been read (see {@link StreamCapture}). A stdout not read that far by the end of the drain period
 * (at least 100 ms, even when the request gives less) is reported as incomplete ({@link
 * LaunchResult#stdoutIncomplete()}), never as the plugin's whole output. Because the readers do not
 * wait inside a read while the plugin runs, the JDK can take what is left in a pipe when it reaps
 * the plugin and close it (it does so when no reader is inside a read at that moment, a race): a
 * process the plugin left behind holding stdout or stderr open then holds nothing, and its next
 * write fails. When the reader, having caught up, was inside its read first, reading stops at the
 * end of the drain period instead, and that thread stays blocked until the process writes or exits
 * (the JDK cannot wake a blocked pipe read); the call itself is not held.
 *
 * <p>stdin is written by the calling thread when it fits a pipe's guaranteed capacity ({@code
 * PIPE_BUF}, 4 KiB) and by a pool thread otherwise; that thread alone closes it. A process the
 * plugin left behind that holds stdin open without reading it blocks that thread, and the JDK's
 * reaper thread of the plugin, which waits for the same lock, until it reads or exits (the JDK
 * cannot wake a blocked pipe write either): two blocked threads per call whose stdin such a process
 * holds, for as long as it does; the call logs a warning. The call itself is not held: it never
 * touches the stream once a pool thread writes it. The calling thread waits for the exit, polling
 * every 20 ms for an overflow of stdout.
 *
 * <p>Death by signal {@code n} is reported by the JDK as exit status {@code 128 + n}; the signal is
 * reported as certain only when this launcher sent it.
 */
public final class ProcessBuilderLauncher implements PluginLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessBuilderLauncher.class);

  /** A write of at most this many bytes to a fresh pipe never blocks (POSIX {@code PIPE_BUF}). */
  private static final int PIPE_BUF = 4096;

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * The shortest drain period: what the plugin left in its pipes is read even when the request
   * gives less (zero included), and a write to stdin still blocked this long after the exit is
   * held by a process the plugin left behind.
   */
  private static final long MIN_DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final long REAP_AFTER_KILL_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  /**
   * The JDK reports the errno of a failed exec only in text: {@code error=26, Text file busy} (JDK
   * 17) or {@code Exec failed, error: 26 (Text file busy)} (later JDKs), in the message of the
   * cause, which the message of the exception thrown repeats after the program's path, quoted
   * as-is. A path can hold such text too, so the last occurrence is the JDK's.
   */
  private static final List<Pattern> ERRNO =
      List.of(
          Pattern.compile("(?s).*error=(\\d{1,9}), ([^\\n]*)"),
          Pattern.compile("(?s).*error: (\\d{1,9}) \\(([^)\\n]*)\\)"));

  private final ExecutorService io;

  /** Creates a launcher with its own pool of I/O threads. */
  public ProcessBuilderLauncher() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "jcni-plugin-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.io = Executors.newCachedThreadPool(factory);
  }

  @Override
  public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
    long started = System.nanoTime();
    List<String> command = new ArrayList<>(1 + request.arguments().size());
    command.add(request.executable().toString());
    command.addAll(request.arguments());
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.clear();
    for (String entry : request.environment()) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw spawnFailure(request, e);
    }
    return supervise(process, request, started);
  }

  /** The failure of {@link ProcessBuilder#start()}, with the errno the JDK's message reports. */
  private static SpawnException spawnFailure(LaunchRequest request, IOException e) {
    return spawnFailure(request.executable(), e);
  }

  /**
   * The failure of {@link ProcessBuilder#start()} for {@code executable}, with the errno the JDK's
   * message reports: read from the cause's message when there is one (it does not hold the path),
   * else from the last occurrence in the message.
   */
  static SpawnException spawnFailure(Path executable, IOException e) {
    List<String> texts = new ArrayList<>(2);
    if (e.getCause() instanceof IOException && e.getCause().getMessage() != null) {
      texts.add(e.getCause().getMessage());
    }
    String text = String.valueOf(e.getMessage());
    texts.add(text);
    for (String t : texts) {
      for (Pattern p : ERRNO) {
        Matcher m = p.matcher(t);
        if (m.lookingAt()) {
          return new SpawnException(
              executable,
              UntrustedText.visible(m.group(2)),
              OptionalInt.of(Integer.parseInt(m.group(1))),
              e);
        }
      }
    }
    return new SpawnException(executable, UntrustedText.visible(text), OptionalInt.empty(), e);
  }

  private LaunchResult supervise(Process process, LaunchRequest request, long started)
      throws InterruptedException {
    StreamCapture out = StreamCapture.head(process.getInputStream(), request.stdoutLimit());
    StreamCapture err = StreamCapture.tail(process.getErrorStream(), request.stderrTail());
    boolean completed = false;
    boolean abandoned = false;
    StdinFeed stdin = null;
    try {
      io.execute(out);
      io.execute(err);
      stdin = feedStdin(process, request.stdin());

      Ending ending = null;
      boolean interrupted = false;
      while (ending == null) {
        if (out.overflowed()) {
          ending = Ending.OUTPUT_LIMIT_EXCEEDED;
          break;
        }
        long remaining = request.deadline().remainingNanos();
        if (remaining == 0) {
          ending = Ending.DEADLINE_EXCEEDED;
          break;
        }
        try {
          if (process.waitFor(Math.min(remaining, POLL_NANOS), TimeUnit.NANOSECONDS)) {
            ending = Ending.EXITED;
          }
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }

      Termination termination = Termination.NONE;
      if (ending != Ending.EXITED) {
        termination = terminate(process, request.terminateGrace());
        interrupted |= termination.interrupted;
      }
      if (!process.isAlive()) {
        out.writerExited();
        err.writerExited();
      }

      long drain = Math.max(request.drainAfterExit().toNanos(), MIN_DRAIN_NANOS);
      long drainStart = System.nanoTime();
      long drainEnd = drainStart + drain;
      byte[] stdout = null;
      byte[] stderr = null;
      try {
        // What the plugin wrote before it exited is read first, then the pipe to its end.
        out.awaitSettled(drainEnd - System.nanoTime());
        if (!out.awaitFinished(drainEnd - System.nanoTime())) {
          stdout = out.abandon();
          abandoned = true;
        }
        if (!err.awaitFinished(drainEnd - System.nanoTime())) {
          stderr = err.abandon();
          abandoned = true;
        }
        // Once the plugin is gone, a write still blocked after a moment is held by a process it
        // left behind: only whether to warn depends on this wait, so it is short.
        stdin.awaitDone(drainStart + MIN_DRAIN_NANOS - System.nanoTime());
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (stdout == null) {
        stdout = out.kept();
      }
      if (stderr == null) {
        stderr = err.kept();
      }
      boolean stdoutIncomplete = !out.complete();
      if (abandoned) {
        LOG.warn(
            "{} exited but a process it started still holds its stdout or stderr open; stopped"
                + " reading after the {} ms drain period",
            UntrustedText.plainOrQuoted(request.executable()),
            TimeUnit.NANOSECONDS.toMillis(drain));
      }
      if (stdoutIncomplete && ending == Ending.EXITED) {
        LOG.warn(
            "{} exited, but its stdout was not read up to where it left it within the {} ms drain"
                + " period; {} bytes were read",
            UntrustedText.plainOrQuoted(request.executable()),
            TimeUnit.NANOSECONDS.toMillis(drain),
            stdout.length);
      }
      if (!stdin.done() && !process.isAlive()) {
        LOG.warn(
            "{} has ended, but a process it started holds its stdin open without reading it; a"
                + " thread stays blocked writing the remaining stdin until that process reads or"
                + " exits",
            UntrustedText.plainOrQuoted(request.executable()));
      }
      if (ending == Ending.EXITED && out.overflowed()) {
        ending = Ending.OUTPUT_LIMIT_EXCEEDED;
      }
      completed = true;
      if (interrupted) {
        throw new InterruptedException(
            "plugin call interrupted; "
                + UntrustedText.plainOrQuoted(request.executable())
                + " was stopped");
      }
      OptionalInt status =
          process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
      OptionalInt signal = OptionalInt.empty();
      if (status.isPresent() && termination.sentTerm && status.getAsInt() == 128 + SIGTERM) {
        signal = OptionalInt.of(SIGTERM);
      } else if (status.isPresent() && termination.killed && status.getAsInt() == 128 + SIGKILL) {
        signal = OptionalInt.of(SIGKILL);
      }
      return new LaunchResult(
          ending,
          status,
          signal,
          stdout,
          stderr,
          err.total(),
          Duration.ofNanos(System.nanoTime() - started),
          abandoned,
          termination.killed,
          stdoutIncomplete);
    } finally {
      if (!completed) {
        // An unexpected failure of our own: never leave the plugin running behind it.
        killTree(process);
      }
      if (stdin == null) {
        // never handed to a writer: nothing else uses the stream
        closeQuietly(process.getOutputStream());
      }
      if (!abandoned) {
        out.closeQuietly();
        err.closeQuietly();
      }
    }
  }

  /**
   * Writes stdin and closes it: on the calling thread when it fits an empty pipe ({@code PIPE_BUF},
   * so the write cannot block), on a pool thread otherwise. Once handed over, the stream is the
   * writer's alone: the JDK's streams hold a lock while they write, and a write can block for as
   * long as a process holds the pipe's other end without reading it; closing or flushing the stream
   * from another thread would block with it.
   */
  private StdinFeed feedStdin(Process process, byte[] data) {
    OutputStream os = process.getOutputStream();
    StdinFeed feed = new StdinFeed();
    if (data.length <= PIPE_BUF) {
      feed.writeAndClose(os, data);
    } else {
      try {
        io.execute(() -> feed.writeAndClose(os, data));
      } catch (RuntimeException e) {
        feed.writeAndCloseFailed(os);
        throw e;
      }
    }
    return feed;
  }

  /** The writing of one plugin's stdin; {@link #done()} once the stream is closed. */
  private static final class StdinFeed {
    private final CountDownLatch done = new CountDownLatch(1);

    void writeAndClose(OutputStream os, byte[] data) {
      try {
        os.write(data);
        os.flush();
      } catch (IOException e) {
        // The plugin exited or closed stdin without reading it all: not an error in itself.
        LOG.debug("plugin did not read all of its stdin: {}", e.toString());
      } finally {
        closeQuietly(os);
        done.countDown();
      }
    }

    /** The writer could not be started: nothing writes, so the stream can be closed here. */
    void writeAndCloseFailed(OutputStream os) {
      closeQuietly(os);
      done.countDown();
    }

    boolean done() {
      return done.getCount() == 0;
    }

    void awaitDone(long nanos) throws InterruptedException {
      done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
  }

  private static void closeQuietly(OutputStream os) {
    try {
      os.close();
    } catch (IOException e) {
      // broken pipe on the final flush: the plugin is gone, nothing to report
    }
  }

  /** How a stop went: which signals were sent, whether the calling thread was interrupted. */
  private static final class Termination {
    static final Termination NONE = new Termination(false, false, false);

    final boolean sentTerm;
    final boolean killed;
    final boolean interrupted;

    Termination(boolean sentTerm, boolean killed, boolean interrupted) {
      this.sentTerm = sentTerm;
      this.killed = killed;
      this.interrupted = interrupted;
    }
  }

  /**
   * SIGTERM to the plugin and its descendants, wait up to the grace period for all of them, then
   * SIGKILL to what is left. Not interruptible: an interrupt is remembered and reported.
   */
  private static Termination terminate(Process process, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    for (ProcessHandle h : tree) {
      h.destroy();
    }
    boolean interrupted = false;
    long graceEnd = System.nanoTime() + grace.toNanos();
    interrupted |= waitForExit(process, graceEnd);
    for (ProcessHandle h : tree) {
      while (running(h) && System.nanoTime() < graceEnd) {
        interrupted |= pause(10);
      }
    }
    List<ProcessHandle> survivors = new ArrayList<>(tree);
    if (process.isAlive()) {
      process.descendants().forEach(survivors::add);
    }
    boolean killed = false;
    for (ProcessHandle h : survivors) {
      if (running(h)) {
        killed |= h.destroyForcibly();
      }
    }
    if (killed) {
      LOG.debug("{} outlived SIGTERM by {} ms; sent SIGKILL", process.pid(), grace.toMillis());
    }
    interrupted |= waitForExit(process, System.nanoTime() + REAP_AFTER_KILL_NANOS);
    return new Termination(true, killed, interrupted);
  }

  /**
   * Whether a process still runs. {@link ProcessHandle#isAlive()} is true for a zombie, and an
   * orphaned descendant stays a zombie until init reaps it, which some inits do lazily; a zombie
   * has already exited, so it neither needs a grace period nor SIGKILL.
   */
  private static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    // unreadable (gone since isAlive(), or no /proc on this system): trust isAlive()
    return ProcStat.of(h.pid()).map(s -> !s.isZombie()).orElseGet(h::isAlive);
  }

  /** SIGKILL at once to the plugin and its descendants. */
  private static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    process.destroyForcibly();
    for (ProcessHandle h : tree) {
      h.destroyForcibly();
    }
  }

  /** Waits for the process until {@code end}; returns whether an interrupt arrived meanwhile. */
  private static boolean waitForExit(Process process, long end) {
    boolean interrupted = false;
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return interrupted;
      }
      try {
        if (process.waitFor(left, TimeUnit.NANOSECONDS)) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }
}
