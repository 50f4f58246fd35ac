package dev.jcni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.Deadline;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.PrestartedPlugin;
import dev.jcni.invoke.Verb;
import java.time.Duration;
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
  private final boolean prestart;

  PluginCalls(
      PluginPath path,
      PluginExecutor executor,
      ExecOptions options,
      CniListener listener,
      int maxConcurrentPlugins,
      boolean prestart) {
    this.path = path;
    this.executor = executor;
    this.options = options;
    this.listener = listener;
    this.admission = maxConcurrentPlugins > 0 ? new Semaphore(maxConcurrentPlugins, true) : null;
    // A process started ahead would be one more than the cap allows.
    this.prestart = prestart && admission == null;
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

  /**
   * Runs one plugin.
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
    try (Sequence one = sequence(op, verb, attachment)) {
      return one.run(index, plugin, stdin, deadline, -1, null);
    }
  }

  /**
   * A sequence of plugin calls of one operation, one after the other, in which each call prepares
   * the next while its plugin runs: the next plugin is looked up in CNI_PATH and, when the client
   * prestarts plugins, its process is started (it waits for its stdin). Close it when the operation
   * ends, so that a process started for a call that does not come is killed.
   *
   * @param op the operation
   * @param verb the CNI_COMMAND of every call
   * @param attachment the attachment parameters, or {@code null} for GC and STATUS
   */
  Sequence sequence(OperationEvent op, Verb verb, Attachment attachment) {
    return new Sequence(op, verb, attachment);
  }

  /** See {@link #sequence}. Not thread-safe: the thread running the operation owns it. */
  final class Sequence implements AutoCloseable {
    private final OperationEvent op;
    private final Verb verb;
    private final Attachment attachment;

    // What the previous call prepared for the plugin at pendingIndex.
    private int pendingIndex = -1;
    private String pendingType;
    private LocatedPlugin pendingPlugin;
    private PrestartedPlugin pendingProcess;

    private Sequence(OperationEvent op, Verb verb, Attachment attachment) {
      this.op = op;
      this.verb = verb;
      this.attachment = attachment;
    }

    /**
     * Runs one plugin; while it runs, prepares the plugin at {@code nextIndex}, if any.
     *
     * @param index the plugin's position in the list
     * @param plugin the plugin's configuration
     * @param stdin the derived request configuration
     * @param deadline the per-call deadline
     * @param nextIndex the position of the plugin that runs next, or -1
     * @param next its configuration, or {@code null} when this is the last call
     * @return the plugin's stdout
     */
    byte[] run(
        int index,
        PluginConfig plugin,
        ObjectNode stdin,
        Duration deadline,
        int nextIndex,
        PluginConfig next)
        throws CniException, InterruptedException {
      PluginEvent event = new PluginEvent(op, verb, index, plugin.type());
      notifyStarted(event);
      long start = System.nanoTime();
      CniException failure = null;
      PrestartedPlugin prestarted = null;
      try {
        LocatedPlugin located = null;
        if (pendingIndex == index && plugin.type().equals(pendingType)) {
          located = pendingPlugin;
          prestarted = pendingProcess;
          pendingProcess = null;
        }
        clearPending();
        if (located == null) {
          located = path.find(plugin.type());
        }
        PluginInvocation invocation = invocation(verb, attachment, Json.compact(stdin));
        Runnable prepareNext = next == null ? () -> {} : () -> prepare(nextIndex, next);
        if (admission != null) {
          admission.acquire();
        }
        try {
          PrestartedPlugin owned = prestarted;
          prestarted = null;
          return executor.execute(
              located,
              invocation,
              options.withDeadline(deadline),
              Deadline.after(deadline),
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
        if (prestarted != null) {
          prestarted.close();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug(
            "{} plugin #{} type={} {} in {} ms: {}",
            op.where(),
            index,
            plugin.type(),
            verb,
            elapsed.toMillis(),
            failure == null ? "ok" : failure.getMessage());
        notifyFinished(event, elapsed, failure);
      }
    }

    /**
     * Looks the next plugin up and, when the client prestarts plugins, starts its process. Any
     * failure here is left for the plugin's own call to find and report.
     */
    private void prepare(int index, PluginConfig plugin) {
      LocatedPlugin located;
      try {
        located = path.find(plugin.type());
      } catch (CniException | RuntimeException e) {
        LOG.debug("{} plugin #{} not looked up ahead: {}", op.where(), index, e.getMessage());
        return;
      }
      pendingIndex = index;
      pendingType = plugin.type();
      pendingPlugin = located;
      if (prestart) {
        try {
          pendingProcess =
              executor
                  .prestart(located, invocation(verb, attachment, new byte[0]), options)
                  .orElse(null);
        } catch (InvalidAttachmentException e) {
          LOG.debug("{} plugin #{} not started ahead: {}", op.where(), index, e.getMessage());
        }
      }
    }

    private void clearPending() {
      pendingIndex = -1;
      pendingType = null;
      pendingPlugin = null;
      if (pendingProcess != null) {
        PrestartedPlugin p = pendingProcess;
        pendingProcess = null;
        p.close();
      }
    }

    /** Kills a process started ahead for a call that did not come. */
    @Override
    public void close() {
      clearPending();
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
