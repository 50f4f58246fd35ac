package dev.jcni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginPath;
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

  PluginCalls(
      PluginPath path,
      PluginExecutor executor,
      ExecOptions options,
      CniListener listener,
      int maxConcurrentPlugins) {
    this.path = path;
    this.executor = executor;
    this.options = options;
    this.listener = listener;
    this.admission = maxConcurrentPlugins > 0 ? new Semaphore(maxConcurrentPlugins, true) : null;
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
    PluginEvent event = new PluginEvent(op, verb, index, plugin.type());
    notifyStarted(event);
    long start = System.nanoTime();
    CniException failure = null;
    try {
      LocatedPlugin located = path.find(plugin.type());
      PluginInvocation invocation = invocation(verb, attachment, Json.compact(stdin));
      if (admission != null) {
        admission.acquire();
      }
      try {
        return executor.execute(located, invocation, options.withDeadline(deadline));
      } finally {
        if (admission != null) {
          admission.release();
        }
      }
    } catch (CniException e) {
      failure = e;
      throw e;
    } finally {
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
