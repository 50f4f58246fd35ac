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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
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
    // Processes started ahead would be more than the cap allows.
    this.prestartAhead = admission == null ? prestartAhead : 0;
  }

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
   * successor still loading when its turn comes. On the 2-core machine of docs/benchmarks.md, one
   * and two ahead were level within the noise.
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

  /** What was prepared for a coming call: the located plugin, and maybe its waiting process. */
  private static final class Pending {
    final String type;
    final LocatedPlugin plugin;
    PrestartedPlugin process;

    Pending(String type, LocatedPlugin plugin) {
      this.type = type;
      this.plugin = plugin;
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
      Pending prepared = pending.remove(index);
      try {
        LocatedPlugin located;
        if (prepared != null && prepared.type.equals(plugin.type())) {
          located = prepared.plugin;
        } else {
          located = path.find(plugin.type());
        }
        PluginInvocation invocation = invocation(verb, attachment, Json.compact(stdin));
        Runnable prepareNext = () -> prepareAfter(index);
        if (admission != null) {
          admission.acquire();
        }
        try {
          PrestartedPlugin process = prepared == null ? null : prepared.process;
          if (prepared != null) {
            prepared.process = null; // the executor owns it now
          }
          return executor.execute(
              located,
              invocation,
              options.withDeadline(deadline),
              Deadline.after(deadline),
              process,
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
        if (prepared != null && prepared.process != null) {
          prepared.process.close();
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

    /** The position of the call {@code steps} calls after the one at {@code index}, or -1. */
    private int ahead(int index, int steps) {
      int next = reverse ? index - steps : index + steps;
      return next >= 0 && next < plugins.size() ? next : -1;
    }

    /**
     * Looks up the next plugin and, when the client prestarts plugins, starts the processes of the
     * next {@link #prestartAhead()}. Any failure here is left for the plugin's own call to find
     * and report.
     */
    private void prepareAfter(int index) {
      boolean prestart = prestartAhead > 0;
      int depth = Math.max(prestartAhead, 1);
      for (int steps = 1; steps <= depth; steps++) {
        int next = ahead(index, steps);
        if (next < 0) {
          return;
        }
        if (pending.containsKey(next)) {
          continue;
        }
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
          return; // its call reports it, and nothing after it may start before that
        }
        Pending p = new Pending(plugin.type(), located);
        pending.put(next, p);
        if (prestart) {
          try {
            p.process =
                executor
                    .prestart(located, invocation(verb, attachment, new byte[0]), options)
                    .orElse(null);
          } catch (InvalidAttachmentException e) {
            LOG.debug("{} plugin #{} not started ahead: {}", op.where(), next, e.getMessage());
          }
        }
      }
    }

    /** Kills the processes started ahead for calls that did not come. */
    @Override
    public void close() {
      for (Pending p : pending.values()) {
        if (p.process != null) {
          p.process.close();
          p.process = null;
        }
      }
      pending.clear();
    }
  }

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
