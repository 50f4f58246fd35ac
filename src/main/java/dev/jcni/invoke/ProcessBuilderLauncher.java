package dev.jcni.invoke;

import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.LaunchResult.Ending;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
 * launcher (daemon threads, idle ones end after 60 s); stdin is written by the calling thread when
 * it fits a pipe's guaranteed capacity ({@code PIPE_BUF}, 4 KiB) and by a pool thread otherwise.
 * The calling thread waits for the exit, polling every 20 ms for an overflow of stdout. If a
 * process the plugin left behind keeps a pipe open, its reader thread stays blocked until that
 * process writes or exits (the JDK cannot wake a blocked pipe read); the call itself is not held.
 *
 * <p>Death by signal {@code n} is reported by the JDK as exit status {@code 128 + n}; the signal is
 * reported as certain only when this launcher sent it.
 */
public final class ProcessBuilderLauncher implements PluginLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessBuilderLauncher.class);

  /** A write of at most this many bytes to a fresh pipe never blocks (POSIX {@code PIPE_BUF}). */
  private static final int PIPE_BUF = 4096;

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
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
    try {
      io.execute(out);
      io.execute(err);
      feedStdin(process, request.stdin());

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

      long drainEnd = System.nanoTime() + request.drainAfterExit().toNanos();
      byte[] stdout = null;
      byte[] stderr = null;
      try {
        if (!out.awaitFinished(drainEnd - System.nanoTime())) {
          stdout = out.abandon();
          abandoned = true;
        }
        if (!err.awaitFinished(drainEnd - System.nanoTime())) {
          stderr = err.abandon();
          abandoned = true;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (stdout == null) {
        stdout = out.kept();
      }
      if (stderr == null) {
        stderr = err.kept();
      }
      if (abandoned) {
        LOG.warn(
            "{} exited but a process it started still holds its stdout or stderr open; stopped"
                + " reading after the {} ms drain period",
            UntrustedText.plainOrQuoted(request.executable()),
            request.drainAfterExit().toMillis());
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
          termination.killed);
    } finally {
      if (!completed) {
        // An unexpected failure of our own: never leave the plugin running behind it.
        killTree(process);
      }
      closeQuietly(process.getOutputStream());
      if (!abandoned) {
        out.closeQuietly();
        err.closeQuietly();
      }
    }
  }

  private void feedStdin(Process process, byte[] data) {
    OutputStream os = process.getOutputStream();
    if (data.length <= PIPE_BUF) {
      writeAndClose(os, data);
    } else {
      io.execute(() -> writeAndClose(os, data));
    }
  }

  private static void writeAndClose(OutputStream os, byte[] data) {
    try {
      os.write(data);
      os.flush();
    } catch (IOException e) {
      // The plugin exited or closed stdin without reading it all: not an error in itself.
      LOG.debug("plugin did not read all of its stdin: {}", e.toString());
    } finally {
      closeQuietly(os);
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
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
    } catch (IOException | RuntimeException e) {
      // gone since isAlive(), or no /proc on this system: trust isAlive()
      return h.isAlive();
    }
    // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
    int close = stat.lastIndexOf(')');
    return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
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
