package dev.jcni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.Deadline;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.PrestartedPlugin;
import dev.jcni.invoke.Verb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one plugin of an operation: locate it in CNI_PATH, run it with its derived stdin, tell the
 * listener, respect the client's cap on concurrent plugin calls.
 */
final class PluginCalls {
  private static final Logger LOG = LoggerFactory.getLogger(PluginCalls.class);

  private final PluginPath path;
  private final PluginExecutor executor;
  private final ExecOptions options;
  private final CniListener listener;
  private final Semaphore admission;
  /** How many plugins ahead of the running one have their process started; 0: none. */
  private final int prestartAhead;
  /** The threads that look up and start plugins ahead of their call; null when none are. */
  private final Executor prestarter;

  PluginCalls(
      PluginPath path,
      PluginExecutor executor,
      ExecOptions options,
      CniListener listener,
      int maxConcurrentPlugins,
      int prestartAhead) {
    this.path = path;
    this.executor = executor;
    this.options = options;
    this.listener = listener;
    this.admission = maxConcurrentPlugins > 0 ? new Semaphore(maxConcurrentPlugins, true) : null;
    // Processes started ahead would be more than the cap allows; a launcher may not start any.
    this.prestartAhead = admission == null && executor.startsAhead() ? prestartAhead : 0;
    this.prestarter = this.prestartAhead > 0 ? prestartThreads() : null;
  }

  /** The most threads starting plugins ahead at once; more concurrent starts run on the caller. */
  private static final int MAX_PRESTART_THREADS = 16;

  /**
   * Threads for starting plugins ahead. posix_spawn returns only once the new process has called
   * exec, about 0.1-0.3 ms of kernel work for a small plugin: done on the operation's own thread,
   * that wait would delay its reading of the running plugin's answer. The threads are daemons and
   * end after 10 s without work, so a client needs no closing. They inherit no thread-locals and
   * no context class loader.
   */
  private static Executor prestartThreads() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            MAX_PRESTART_THREADS,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> new PrestartThread(task, "jcni-prestart-" + count.incrementAndGet()),
            new ThreadPoolExecutor.CallerRunsPolicy());
    return pool;
  }

  /**
   * A prestart thread, which knows the namespaces it was born in. A new process takes its
   * namespaces from the thread that creates it, and a thread from the thread that created it: a
   * prestart thread created by an operation that ran inside a container's network namespace
   * would start later plugins there, and keep that namespace alive. So only operations in the
   * process's own namespaces use the prestart threads (the others start their processes ahead on
   * their own thread), and a prestart thread still starts a process only when its namespaces are
   * the operation thread's.
   */
  private static final class PrestartThread extends Thread {
    private String namespaces;

    PrestartThread(Runnable task, String name) {
      super(null, task, name, 0, false);
      setDaemon(true);
      setContextClassLoader(null);
    }

    /** This thread's namespaces, read once: nothing in a prestart thread changes them. */
    String namespaces() {
      if (namespaces == null) {
        namespaces = namespacesOfThisThread();
      }
      return namespaces;
    }
  }

  /**
   * The namespaces a process started by the calling thread would be in ({@code time_for_children}
   * is missing before Linux 5.6, and read as absent there).
   */
  static final List<String> NAMESPACES =
      List.of(
          "net", "mnt", "user", "pid_for_children", "uts", "ipc", "cgroup", "time_for_children");

  /**
   * The identities of the calling thread's namespaces ({@code /proc/thread-self/ns}), or the empty
   * string when they cannot be read (then the operation starts its processes ahead on its own
   * thread, and a prestart thread starts none).
   */
  static String namespacesOfThisThread() {
    return namespacesIn(Path.of("/proc/thread-self/ns"));
  }

  /**
   * The identities of the namespaces listed in {@code dir}, one missing link (a kind of namespace
   * this kernel does not have) read as {@code -}, or "" when they cannot be read.
   */
  static String namespacesIn(Path dir) {
    StringBuilder ids = new StringBuilder();
    try {
      for (String ns : NAMESPACES) {
        Path link = dir.resolve(ns);
        try {
          ids.append(Files.readSymbolicLink(link)).append(' ');
        } catch (NoSuchFileException e) {
          if (!Files.isDirectory(dir)) {
            throw e;
          }
          ids.append("- ");
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the namespaces in {}: {}", dir, e.toString());
      return "";
    }
    return ids.toString();
  }

  /**
   * The namespaces of the process's main thread ({@code /proc/self/ns}), read once. Only an
   * operation whose thread is in these hands its starts to the prestart threads: every prestart
   * thread is then created by a thread in them, so none lives on in a container's namespace
   * (keeping it alive) after an operation that ran inside it.
   */
  private static String processNamespaces() {
    String ids = processNamespaces;
    if (ids == null) {
      ids = namespacesIn(Path.of("/proc/self/ns"));
      processNamespaces = ids;
    }
    return ids;
  }

  private static volatile String processNamespaces;

  PluginPath path() {
    return path;
  }

  PluginExecutor executor() {
    return executor;
  }

  ExecOptions options() {
    return options;
  }

  /** The most plugins that may be started ahead of the running one (said in CniClient too). */
  static final int MAX_PRESTART_AHEAD = 4;

  /**
   * How many plugins ahead of the running one have their process started when the client
   * prestarts plugins and was not told a number. Two hide the start of a small plugin (about 0.3
   * ms of loading here) behind the two calls before it, where one would leave a fast plugin's
   * successor still loading when its turn comes. On the 2-core machine of docs/benchmarks.md, two
   * ahead led one by a few percent once the starts moved to the prestart threads (before, the two
   * were level within the noise).
   */
  static final int DEFAULT_PRESTART_AHEAD = 2;

  /** How many plugins ahead of the running one have their process started; 0: none. */
  int prestartAhead() {
    return prestartAhead;
  }

  /**
   * Runs one plugin on its own (GC and STATUS, which the spec does not chain).
   *
   * @param op the operation, for messages and the listener
   * @param verb the CNI_COMMAND
   * @param index the plugin's position in the list
   * @param plugin the plugin's configuration (its type is looked up in CNI_PATH)
   * @param stdin the derived request configuration
   * @param attachment the attachment parameters, or {@code null} for GC and STATUS
   * @param deadline the per-call deadline
   * @return the plugin's stdout
   */
  byte[] run(
      OperationEvent op,
      Verb verb,
      int index,
      PluginConfig plugin,
      ObjectNode stdin,
      Attachment attachment,
      Duration deadline)
      throws CniException, InterruptedException {
    try (Sequence one = new Sequence(op, verb, attachment, List.of(), false)) {
      return one.run(index, plugin, stdin, deadline);
    }
  }

  /**
   * The plugin calls of one operation on a list, one after the other in list order (or in
   * reverse, for DEL). While a plugin runs (once it has its stdin), the next plugin is looked up
   * in CNI_PATH and, when the client prestarts plugins, the processes of the next {@link
   * #prestartAhead()} plugins are started; they wait for their stdin. Close the sequence when the
   * operation ends: a process started for a call that does not come is killed.
   *
   * @param op the operation
   * @param verb the CNI_COMMAND of every call
   * @param attachment the attachment parameters
   * @param plugins the list's plugins, in list order
   * @param reverse whether the calls go from the last plugin to the first
   */
  Sequence sequence(
      OperationEvent op,
      Verb verb,
      Attachment attachment,
      List<PluginConfig> plugins,
      boolean reverse) {
    return new Sequence(op, verb, attachment, plugins, reverse);
  }

  /**
   * What was prepared for a coming call: the plugin as located in CNI_PATH, and maybe its waiting
   * process; or, when {@link #plugin} is null, nothing, and no later call may be prepared either.
   */
  private static final class Prepared {
    static final Prepared NOTHING = new Prepared(null, null);

    final LocatedPlugin plugin;
    final PrestartedPlugin process;

    Prepared(LocatedPlugin plugin, PrestartedPlugin process) {
      this.plugin = plugin;
      this.process = process;
    }

    /** Kills the waiting process, if any (its call will not come). */
    void discard() {
      if (process != null) {
        process.close();
      }
    }
  }

  /** A coming call being prepared: the plugin type asked for, and what the preparation gives. */
  private static final class Pending {
    final String type;
    final CompletableFuture<Prepared> ready;

    Pending(String type, CompletableFuture<Prepared> ready) {
      this.type = type;
      this.ready = ready;
    }
  }

  /** See {@link #sequence}. Not thread-safe: the thread running the operation owns it. */
  final class Sequence implements AutoCloseable {
    private final OperationEvent op;
    private final Verb verb;
    private final Attachment attachment;
    private final List<PluginConfig> plugins;
    private final boolean reverse;
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** The plugins looked up ahead, by position, as soon as found (written by prestart threads). */
    private final Map<Integer, LocatedPlugin> foundAhead = new ConcurrentHashMap<>();
    /** The preparation started last: the next one starts after it, in call order. */
    private CompletableFuture<Prepared> lastPrepared = CompletableFuture.completedFuture(null);
    /** Set when the operation ends: preparations not yet begun then do nothing. */
    private volatile boolean closed;
    /** The killing of processes whose call was abandoned while their start was under way. */
    private final List<CompletableFuture<Void>> discards = new ArrayList<>();
    /** The namespaces of the operation's thread, read when the first start ahead is asked. */
    private String namespaces;
    /** The plugin the latest {@link #run} ran (or tried to), as located in CNI_PATH. */
    private LocatedPlugin lastRan;

    private Sequence(
        OperationEvent op,
        Verb verb,
        Attachment attachment,
        List<PluginConfig> plugins,
        boolean reverse) {
      this.op = op;
      this.verb = verb;
      this.attachment = attachment;
      this.plugins = plugins;
      this.reverse = reverse;
    }

    /**
     * Runs one plugin of the list; while it runs, prepares the ones after it.
     *
     * @param index the plugin's position in the list
     * @param plugin the plugin's configuration
     * @param stdin the derived request configuration
     * @param deadline the per-call deadline
     * @return the plugin's stdout
     */
    byte[] run(int index, PluginConfig plugin, ObjectNode stdin, Duration deadline)
        throws CniException, InterruptedException {
      PluginEvent event = new PluginEvent(op, verb, index, plugin.type());
      notifyStarted(event);
      long start = System.nanoTime();
      CniException failure = null;
      Pending pendingCall = pending.remove(index);
      PrestartedPlugin process = null;
      try {
        LocatedPlugin located = null;
        // A wait for the call's process being started ahead on a prestart thread is part of the
        // call, as a posix_spawn inside it would be: it ends by the call's deadline, and the
        // plugin runs for what is left of it. (A start on the operation's own thread, when the
        // prestart threads are all busy or the operation is in other namespaces, blocks like any
        // posix_spawn.)
        Deadline callDeadline = Deadline.after(deadline);
        if (pendingCall != null) {
          Prepared prepared = await(pendingCall.ready, callDeadline);
          if (prepared == null) {
            throw startAheadNotThere(index, plugin, deadline, start);
          }
          if (pendingCall.type.equals(plugin.type())) {
            located = prepared.plugin;
            process = prepared.process;
          } else {
            prepared.discard();
          }
        }
        if (located == null) {
          located = path.find(plugin.type());
          if (pendingCall != null) {
            resumeAfterFailedLookAhead();
          }
        }
        PluginInvocation invocation = invocation(verb, attachment, Json.compact(stdin));
        Runnable prepareNext = () -> prepareAfter(index);
        if (admission != null) {
          // the plugin's time counts from its turn: a wait for a place is not part of it
          long queued = System.nanoTime();
          admission.acquire();
          callDeadline = callDeadline.postponedBy(Duration.ofNanos(System.nanoTime() - queued));
        }
        try {
          PrestartedPlugin owned = process;
          process = null; // the executor owns it now
          lastRan = located;
          return executor.execute(
              located,
              invocation,
              options.withDeadline(deadline),
              callDeadline,
              owned,
              prepareNext);
        } finally {
          if (admission != null) {
            admission.release();
          }
        }
      } catch (CniException e) {
        failure = e;
        throw e;
      } finally {
        if (process != null) {
          process.close();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "{} plugin #{} type={} {} in {} ms: {}",
              op.where(),
              index,
              Quoted.plainOrQuoted(plugin.type()),
              verb,
              elapsed.toMillis(),
              failure == null ? "ok" : failure.getMessage());
        }
        notifyFinished(event, elapsed, failure);
      }
    }

    /**
     * The plugin the latest {@link #run} ran (or tried to run), as located in CNI_PATH: the file
     * its output came from. {@code null} before a plugin was found.
     */
    LocatedPlugin lastRan() {
      return lastRan;
    }

    /**
     * The plugin whose look-up ahead failed was found at its own call (installed meanwhile, say):
     * the look-ups and starts after it, which that failure stopped, may be prepared again.
     */
    private void resumeAfterFailedLookAhead() {
      // Every preparation after the failed one is chained behind it, so gives nothing; those
      // still under way are dropped too (and anything they would hold is killed).
      for (Pending p : pending.values()) {
        discardWhenReady(p.ready);
      }
      pending.clear();
      lastPrepared = CompletableFuture.completedFuture(null);
    }

    /**
     * The call's process, started ahead, was not there by the call's deadline: the start hangs
     * (an exec from a file system that does not answer, say). The file system is not asked again:
     * the plugin is named by the path its look-up ahead found, or by its type when that look-up
     * itself did not return.
     */
    private PluginLaunchException startAheadNotThere(
        int index, PluginConfig plugin, Duration deadline, long start) {
      LocatedPlugin found = foundAhead.get(index);
      return new PluginLaunchException(
          plugin.type(),
          found != null ? found.path() : Path.of(plugin.type()),
          verb,
          "its process, started ahead while the plugin before it ran, was still not there when"
              + " the call's "
              + PluginExecutionException.format(deadline)
              + " deadline passed",
          OptionalInt.empty(),
          Duration.ofNanos(System.nanoTime() - start),
          null);
    }

    /**
     * Kills what a preparation holds once it is over (at once when it is); {@link #close} waits
     * for these.
     */
    private void discardWhenReady(CompletableFuture<Prepared> ready) {
      discards.add(ready.thenAccept(Prepared::discard));
    }

    /** Whether a preparation is over and gave {@link Prepared#NOTHING}. */
    private boolean gaveNothing(CompletableFuture<Prepared> ready) {
      return ready.isDone()
          && !ready.isCompletedExceptionally()
          && ready.join() == Prepared.NOTHING;
    }

    /** The position of the call {@code steps} calls after the one at {@code index}, or -1. */
    private int ahead(int index, int steps) {
      int next = reverse ? index - steps : index + steps;
      return next >= 0 && next < plugins.size() ? next : -1;
    }

    /**
     * What a preparation gave, waiting for it if it is still under way (a process start, well
     * under a millisecond), at most until the call's deadline; {@code null} when it was not over
     * by then. When the wait is interrupted or runs out, the process is killed once it is there.
     */
    private Prepared await(CompletableFuture<Prepared> ready, Deadline deadline)
        throws InterruptedException {
      try {
        return ready.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        discardWhenReady(ready);
        throw e;
      } catch (TimeoutException e) {
        discardWhenReady(ready);
        return null;
      } catch (ExecutionException e) {
        LOG.debug("{} preparation failed", op.where(), e.getCause());
        return Prepared.NOTHING;
      }
    }

    /**
     * Looks up the next plugin and, when the client prestarts plugins, starts the processes of the
     * next {@link #prestartAhead()}, on the prestart threads, one after the other in call order.
     * Any failure here is left for the plugin's own call to find and report.
     */
    private void prepareAfter(int index) {
      if (prestarter == null) {
        int next = ahead(index, 1);
        if (next >= 0 && !pending.containsKey(next)) {
          Prepared prepared = prepare(next, false);
          if (prepared.plugin != null) {
            String type = plugins.get(next).type();
            pending.put(next, new Pending(type, CompletableFuture.completedFuture(prepared)));
          }
        }
        return;
      }
      for (int steps = 1; steps <= prestartAhead; steps++) {
        int next = ahead(index, steps);
        if (next < 0) {
          return;
        }
        if (pending.containsKey(next)) {
          continue;
        }
        if (namespaces == null) {
          namespaces = namespacesOfThisThread();
        }
        String wanted = namespaces;
        CompletableFuture<Prepared> ready;
        if (wanted.isEmpty() || !wanted.equals(processNamespaces())) {
          // An operation in other namespaces (or whose own cannot be read) starts its processes
          // ahead itself, on its own thread, where they get its namespaces as its calls do.
          ready =
              CompletableFuture.completedFuture(
                  gaveNothing(lastPrepared) ? Prepared.NOTHING : prepare(next, true));
        } else {
          ready =
              lastPrepared.handleAsync(
                  (before, failed) ->
                      before == Prepared.NOTHING || failed != null || closed
                          ? Prepared.NOTHING
                          : prepare(next, wanted.equals(startersNamespaces())),
                  prestarter);
        }
        lastPrepared = ready;
        pending.put(next, new Pending(plugins.get(next).type(), ready));
      }
    }

    /**
     * The namespaces of the thread running a preparation: a prestart thread's own, or, when the
     * pool was full and the preparation runs on the thread that handed it on, that thread's now.
     */
    private String startersNamespaces() {
      Thread t = Thread.currentThread();
      return t instanceof PrestartThread
          ? ((PrestartThread) t).namespaces()
          : namespacesOfThisThread();
    }

    /**
     * Looks up the plugin at {@code next} and maybe starts its process; {@link Prepared#NOTHING}
     * when the lookup failed, as nothing after it may start before its call reports that.
     */
    private Prepared prepare(int next, boolean prestart) {
      PluginConfig plugin = plugins.get(next);
      LocatedPlugin located;
      try {
        located = path.find(plugin.type());
      } catch (CniException | RuntimeException e) {
        LOG.debug(
            "{} plugin #{} not looked up ahead: {}",
            op.where(),
            next,
            UntrustedText.visible(e.getMessage()));
        return Prepared.NOTHING;
      }
      foundAhead.put(next, located);
      PrestartedPlugin process = null;
      if (prestart && !closed) { // closed: the operation ended during the lookup
        try {
          process =
              executor
                  .prestart(located, invocation(verb, attachment, new byte[0]), options)
                  .orElse(null);
        } catch (InvalidAttachmentException e) {
          LOG.debug("{} plugin #{} not started ahead: {}", op.where(), next, e.getMessage());
        }
      }
      return new Prepared(located, process);
    }

    /**
     * Kills the processes started ahead for calls that did not come. A start still under way is
     * waited for, with the killing of its process, at most {@link #CLOSE_WAIT_MILLIS}, so that the
     * operation does not return with a process of its own alive; one that ends later is killed
     * then. An interrupt does not cut the wait short; it is set again afterwards.
     */
    @Override
    public void close() {
      closed = true;
      for (Pending p : pending.values()) {
        discardWhenReady(p.ready);
      }
      pending.clear();
      CompletableFuture<Void> all =
          CompletableFuture.allOf(discards.toArray(new CompletableFuture<?>[0]));
      boolean interrupted = false;
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
      while (!all.isDone()) {
        try {
          all.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true; // a start under way is short: finish waiting, then pass it on
        } catch (ExecutionException e) {
          break; // every start is over; a failed one has nothing to kill
        } catch (TimeoutException e) {
          LOG.debug("{} a plugin start ahead was not over when the operation ended", op.where());
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How long an ending operation waits for a plugin start of its own that is under way. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private PluginInvocation invocation(Verb verb, Attachment a, byte[] stdin)
      throws InvalidAttachmentException {
    String cniPath = path.toCniPath();
    try {
      if (a == null) {
        return new PluginInvocation(verb, "", "", "", "", cniPath, Map.of(), stdin);
      }
      Map<String, String> extra = new TreeMap<>();
      if (!a.traceParent().isEmpty()) {
        extra.put("TRACEPARENT", a.traceParent());
        if (!a.traceState().isEmpty()) {
          extra.put("TRACESTATE", a.traceState());
        }
      }
      return new PluginInvocation(
          verb, a.containerId(), a.netns(), a.ifName(), a.cniArgsString(), cniPath, extra, stdin);
    } catch (IllegalArgumentException e) {
      throw new InvalidAttachmentException(e.getMessage());
    }
  }

  void notifyStarted(PluginEvent event) {
    try {
      listener.pluginStarted(event);
    } catch (RuntimeException e) {
      LOG.warn("listener failed in pluginStarted", e);
    }
  }

  void notifyFinished(PluginEvent event, Duration elapsed, CniException failure) {
    try {
      listener.pluginFinished(event, elapsed, failure);
    } catch (RuntimeException e) {
      LOG.warn("listener failed in pluginFinished", e);
    }
  }
}
