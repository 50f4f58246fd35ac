package dev.jcni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.AttachmentLocks;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.Durability;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.Verb;
import dev.jcni.result.CniError;
import dev.jcni.result.CniVersion;
import dev.jcni.result.MalformedResultException;
import dev.jcni.result.Result;
import dev.jcni.result.ResultConversionException;
import dev.jcni.result.VersionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point a container runtime holds: runs ADD, CHECK, DEL, GC and STATUS of network
 * configurations, validates them, and keeps the result cache, as Go's libcni {@code CNIConfig}
 * does, on the same cache directory and in the same format.
 *
 * <p>Build one client with {@link #builder()} and share it: it is immutable and thread-safe.
 * Operations on one container are serialised (across all its attachments and, through a file lock
 * in the cache directory, across jcni processes); different containers run in parallel; GC of a
 * network waits for the ADDs and DELs in flight on it and holds new ones until it ends (SPEC.md
 * section 3, "Lifecycle and Ordering").
 *
 * <p>Where libcni is weak, jcni is stricter: results are converted to the list's version before
 * they reach the next plugin or the cache; CHECK of an attachment that was never added is an
 * error; GC deletes only what the caller says is stale; the cache entry of a DEL is removed only
 * after every plugin succeeded; the cached configuration holds drop-in plugins too, so teardown
 * from the cache ({@link #deleteFromCache}) runs every plugin that ADD ran.
 */
public final class CniClient {
  private static final Logger LOG = LoggerFactory.getLogger(CniClient.class);

  /** libcni's default cache directory. */
  public static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/cni");

  private final PluginCalls calls;
  private final ResultCache cache;
  private final AttachmentLocks locks;
  private final CniListener listener;
  private final boolean rollbackOnFailure;
  private final Duration rollbackDeadline;
  private final Duration lockTimeout;

  private CniClient(Builder b) throws CacheException {
    ExecOptions options = b.options;
    PluginExecutor executor =
        b.launcher == null ? new PluginExecutor(options) : new PluginExecutor(b.launcher, options);
    this.listener = b.listener;
    this.calls =
        new PluginCalls(
            b.path, executor, options, listener, b.maxConcurrentPlugins, b.prestartAhead);
    this.cache = ResultCache.open(b.cacheDir, b.durability);
    this.locks = AttachmentLocks.open(b.cacheDir);
    this.rollbackOnFailure = b.rollbackOnFailure;
    this.rollbackDeadline = b.rollbackDeadline == null ? options.deadline() : b.rollbackDeadline;
    this.lockTimeout = b.lockTimeout;
  }

  /** Starts a client with libcni's defaults: no plugin directories yet, cache in /var/lib/cni. */
  public static Builder builder() {
    return new Builder();
  }

  /** The directories searched for plugins. */
  public PluginPath pluginPath() {
    return calls.path();
  }

  /** The cache this client reads and writes. */
  public ResultCache cache() {
    return cache;
  }

  /**
   * How many plugins ahead of the running one have their process started ({@link
   * Builder#prestartPlugins(boolean)}); 0 when plugins are not prestarted, including under {@link
   * Builder#maxConcurrentPlugins(int)} and with a launcher that cannot start processes ahead
   * ({@link dev.jcni.invoke.PluginLauncher#startsAhead()}: {@link
   * dev.jcni.invoke.ProcessBuilderLauncher}).
   */
  public int prestartAhead() {
    return calls.prestartAhead();
  }

  // ---------------------------------------------------------------- ADD

  /**
   * Adds an attachment: runs every plugin of the list with ADD, in order, each given the previous
   * plugin's result (converted to the list's version) as {@code prevResult}, then caches the final
   * result.
   *
   * <p>On failure nothing is cached. With {@link Builder#rollbackOnFailure(boolean)} the client
   * runs DEL for the attachment before it throws (each DEL call on its own deadline); a failure to
   * write the cache always rolls back, since an attachment the cache does not know could not be
   * torn down from it.
   *
   * @param list the network configuration
   * @param attachment the attachment parameters
   * @return the final result, in the list's version
   * @throws CniException when a plugin fails, its output is unusable, or the cache cannot be
   *     written; the message names the network, attachment, plugin and verb
   * @throws InterruptedException when the thread is interrupted (the running plugin is stopped)
   */
  public Result add(NetworkConfigList list, Attachment attachment)
      throws CniException, InterruptedException {
    OperationEvent op = operation(Verb.ADD, list, attachment);
    AttachmentKey key = key(list, attachment);
    return operate(
        op,
        () -> {
          try (AttachmentLocks.Held held = lockFor(list, attachment)) {
            Result result;
            try {
              result = runAdd(op, list, attachment);
            } catch (CniException e) {
              if (rollbackOnFailure) {
                rollback(op, list, attachment, e);
              }
              throw e;
            }
            try {
              cache.put(
                  new CachedAttachment(
                      key,
                      attachment.netns(),
                      list.selfContainedBytes(),
                      attachment.cniArgs(),
                      attachment.capabilityArgs(),
                      Optional.of(result.toJson())));
            } catch (CacheException e) {
              rollback(op, list, attachment, e);
              throw e;
            }
            return result;
          }
        });
  }

  /**
   * Adds an attachment of a single-plugin configuration ({@code .conf}), as libcni's {@code
   * AddNetwork}: the configuration is lifted to a one-plugin list.
   *
   * @param conf the plugin configuration, with a {@code name}
   * @param attachment the attachment parameters
   * @return the result
   * @throws CniException as {@link #add(NetworkConfigList, Attachment)}
   * @throws InterruptedException when the thread is interrupted
   */
  public Result add(PluginConfig conf, Attachment attachment)
      throws CniException, InterruptedException {
    return add(NetworkConfigList.fromConf(conf), attachment);
  }

  private Result runAdd(OperationEvent op, NetworkConfigList list, Attachment attachment)
      throws CniException, InterruptedException {
    CniVersion version = list.version();
    Result result = null;
    List<PluginConfig> plugins = list.plugins();
    try (PluginCalls.Sequence sequence =
        calls.sequence(op, Verb.ADD, attachment, plugins, false)) {
      for (int i = 0; i < plugins.size(); i++) {
        PluginConfig plugin = plugins.get(i);
        JsonNode prev = result == null ? null : result.toJson();
        ObjectNode stdin = stdin(list, plugin, prev, attachment);
        byte[] stdout = sequence.run(i, plugin, stdin, deadline());
        result = decodeResult(plugin, sequence.lastRan().realPath(), stdout, version);
      }
    }
    return result;
  }

  /** The stdin of one plugin of an attachment's operation (SPEC.md section 3). */
  private static ObjectNode stdin(
      NetworkConfigList list, PluginConfig plugin, JsonNode prev, Attachment attachment) {
    return RequestConfig.forAttachment(
        plugin.json(), list.name(), list.cniVersion(), plugin.capabilities(), prev, attachment);
  }

  private Duration deadline() {
    return calls.options().deadline();
  }

  /** Decodes the ADD result that the plugin at {@code where} (its resolved path) printed. */
  private static Result decodeResult(
      PluginConfig plugin, Path where, byte[] stdout, CniVersion version) throws CniException {
    try {
      return Result.decode(stdout, version).convertTo(version);
    } catch (MalformedResultException e) {
      throw new PluginProtocolException(
          plugin.type(), where, Verb.ADD, "its result is not valid: " + e.getMessage(), e);
    } catch (ResultConversionException e) {
      throw new PluginProtocolException(
          plugin.type(),
          where,
          Verb.ADD,
          "its result cannot be converted to the list's version " + version + ": " + e.getMessage(),
          e);
    }
  }

  private void rollback(
      OperationEvent op, NetworkConfigList list, Attachment attachment, CniException cause)
      throws InterruptedException {
    LOG.info("{}: ADD failed, rolling back with DEL: {}", op.where(), cause.getMessage());
    try {
      runDel(op, list, attachment, null, rollbackDeadline);
    } catch (CniException e) {
      LOG.warn("{}: rollback DEL failed: {}", op.where(), e.getMessage());
      cause.addSuppressed(e);
    }
  }

  // ---------------------------------------------------------------- DEL

  /**
   * Deletes an attachment: runs every plugin of the list with DEL, in reverse order, each given the
   * cached result of the ADD (version 0.4.0 and later; converted to the list's version) as {@code
   * prevResult}. The cache entry is removed only after every plugin succeeded, so a failed DEL can
   * be retried with the same {@code prevResult}. An empty or corrupt cache entry is moved aside by
   * the cache, logged, and treated as absent: DEL still runs, without {@code prevResult}.
   *
   * @param list the network configuration (the one the attachment was added with)
   * @param attachment the attachment parameters (the ones it was added with)
   * @throws CniException when a plugin fails; the cache entry is then kept
   * @throws InterruptedException when the thread is interrupted
   */
  public void delete(NetworkConfigList list, Attachment attachment)
      throws CniException, InterruptedException {
    OperationEvent op = operation(Verb.DEL, list, attachment);
    AttachmentKey key = key(list, attachment);
    operate(
        op,
        () -> {
          try (AttachmentLocks.Held held = lockFor(list, attachment)) {
            deleteLocked(op, list, attachment, key);
            return null;
          }
        });
  }

  /**
   * Deletes an attachment of a single-plugin configuration, as libcni's {@code DelNetwork}.
   *
   * @param conf the plugin configuration
   * @param attachment the attachment parameters
   * @throws CniException as {@link #delete(NetworkConfigList, Attachment)}
   * @throws InterruptedException when the thread is interrupted
   */
  public void delete(PluginConfig conf, Attachment attachment)
      throws CniException, InterruptedException {
    delete(NetworkConfigList.fromConf(conf), attachment);
  }

  private void deleteLocked(
      OperationEvent op, NetworkConfigList list, Attachment attachment, AttachmentKey key)
      throws CniException, InterruptedException {
    JsonNode prev = null;
    if (list.version().atLeast(CniVersion.V0_4_0)) {
      prev = cachedPrevResult(op, list, key).orElse(null);
    }
    runDel(op, list, attachment, prev, calls.options().deadline());
    cache.remove(key);
  }

  private void runDel(
      OperationEvent op,
      NetworkConfigList list,
      Attachment attachment,
      JsonNode prev,
      Duration deadline)
      throws CniException, InterruptedException {
    List<PluginConfig> plugins = list.plugins();
    try (PluginCalls.Sequence sequence =
        calls.sequence(op, Verb.DEL, attachment, plugins, true)) {
      for (int i = plugins.size() - 1; i >= 0; i--) {
        PluginConfig plugin = plugins.get(i);
        ObjectNode stdin = stdin(list, plugin, prev, attachment);
        sequence.run(i, plugin, stdin, deadline);
      }
    }
  }

  /**
   * Deletes an attachment with the configuration and parameters cached at ADD time, as CRI-O's
   * ocicni does: teardown works even after the configuration file changed or was removed. The
   * cached configuration includes drop-in plugins (see {@link
   * NetworkConfigList#selfContainedBytes()}), so every plugin that ADD ran gets its DEL.
   *
   * @param network the network name
   * @param containerId the container id
   * @param ifName the interface name
   * @return {@code false} when the cache holds no usable entry for the attachment (nothing ran)
   * @throws ConfigException when the cached configuration cannot be used: it is neither a network
   *     configuration list nor a single plugin configuration (nothing ran, the entry is kept)
   * @throws CniException when a plugin fails
   * @throws InterruptedException when the thread is interrupted
   */
  public boolean deleteFromCache(String network, String containerId, String ifName)
      throws CniException, InterruptedException {
    AttachmentKey key = key(network, containerId, ifName);
    Optional<CachedAttachment> cached = cache.get(key);
    if (cached.isEmpty()) {
      return false;
    }
    NetworkConfigList list = cachedList(cached.get());
    delete(list, cached.get().attachment());
    return true;
  }

  // ---------------------------------------------------------------- CHECK

  /**
   * Checks an attachment: runs every plugin of the list with CHECK, in order, each given the cached
   * result of the ADD as {@code prevResult}. Does nothing when the list sets {@code disableCheck}.
   *
   * @param list the network configuration
   * @param attachment the attachment parameters (the ones it was added with)
   * @throws CniException when the list's version is below 0.4.0 (CHECK does not exist there), when
   *     the attachment has no cached result (the spec forbids CHECK of an attachment that was not
   *     added), or when a plugin reports a problem
   * @throws InterruptedException when the thread is interrupted
   */
  public void check(NetworkConfigList list, Attachment attachment)
      throws CniException, InterruptedException {
    OperationEvent op = operation(Verb.CHECK, list, attachment);
    AttachmentKey key = key(list, attachment);
    operate(
        op,
        () -> {
          if (!list.version().atLeast(CniVersion.V0_4_0)) {
            throw new CniException(
                "configuration version \""
                    + list.cniVersion()
                    + "\" does not support the CHECK command (0.4.0 or later)");
          }
          if (list.disableCheck()) {
            LOG.debug("{}: disableCheck is set, CHECK skipped", op.where());
            return null;
          }
          try (AttachmentLocks.Held held = lockFor(list, attachment)) {
            JsonNode prev =
                cachedPrevResult(op, list, key)
                    .orElseThrow(
                        () ->
                            new CniException(
                                "no cached result for this attachment: CHECK needs a previous"
                                    + " ADD (" + cache.entryPath(key) + ")"));
            List<PluginConfig> plugins = list.plugins();
            try (PluginCalls.Sequence sequence =
                calls.sequence(op, Verb.CHECK, attachment, plugins, false)) {
              for (int i = 0; i < plugins.size(); i++) {
                PluginConfig plugin = plugins.get(i);
                ObjectNode stdin = stdin(list, plugin, prev, attachment);
                sequence.run(i, plugin, stdin, deadline());
              }
            }
            return null;
          }
        });
  }

  /**
   * Checks an attachment of a single-plugin configuration, as libcni's {@code CheckNetwork}.
   *
   * @param conf the plugin configuration
   * @param attachment the attachment parameters
   * @throws CniException as {@link #check(NetworkConfigList, Attachment)}
   * @throws InterruptedException when the thread is interrupted
   */
  public void check(PluginConfig conf, Attachment attachment)
      throws CniException, InterruptedException {
    check(NetworkConfigList.fromConf(conf), attachment);
  }

  /**
   * Checks an attachment with the configuration and parameters cached at ADD time.
   *
   * @param network the network name
   * @param containerId the container id
   * @param ifName the interface name
   * @throws CniException when there is no cached entry, or as {@link #check(NetworkConfigList,
   *     Attachment)}
   * @throws InterruptedException when the thread is interrupted
   */
  public void checkFromCache(String network, String containerId, String ifName)
      throws CniException, InterruptedException {
    AttachmentKey key = key(network, containerId, ifName);
    CachedAttachment cached =
        cache
            .get(key)
            .orElseThrow(
                () ->
                    new CniException(
                        "network \""
                            + network
                            + "\" (container "
                            + containerId
                            + ", "
                            + ifName
                            + "): no cached attachment to check"));
    check(cachedList(cached), cached.attachment());
  }

  // ---------------------------------------------------------------- GC

  /**
   * Garbage-collects a network (SPEC.md "Garbage-collecting a network"): runs DEL for every cached
   * attachment of the network that is not in {@code valid}, then, for version 1.1.0 and later,
   * sends GC with {@code cni.dev/valid-attachments} to every plugin. Continues past errors and
   * returns all of them. Does nothing when the list sets {@code disableGC}.
   *
   * <p>The list of valid attachments is required: there is no implicit "no list means delete
   * everything" as in libcni; {@link #gcAll} says that explicitly.
   *
   * @param list the network configuration
   * @param valid the attachments (container id, interface name) that are still in use
   * @return what was deleted and every error
   * @throws CniException when the cache cannot be listed or the GC lock not taken
   * @throws InterruptedException when the thread is interrupted
   */
  public GcReport gc(NetworkConfigList list, Collection<Map.Entry<String, String>> valid)
      throws CniException, InterruptedException {
    Objects.requireNonNull(valid, "valid");
    OperationEvent op = new OperationEvent(Verb.GC, list.name(), "", "");
    return operate(
        op,
        () -> {
          if (list.disableGC()) {
            LOG.debug("{}: disableGC is set, GC skipped", op.where());
            return new GcReport(true, List.of(), List.of());
          }
          List<Map.Entry<String, String>> keep = new ArrayList<>();
          Set<Map.Entry<String, String>> keepSet = new HashSet<>();
          for (Map.Entry<String, String> e : valid) {
            Map.Entry<String, String> pair =
                new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue());
            if (keepSet.add(pair)) {
              keep.add(pair);
            }
          }
          List<AttachmentKey> deleted = new ArrayList<>();
          List<CniException> errors = new ArrayList<>();
          try (AttachmentLocks.Held gcLock = gcLockFor(list)) {
            for (CachedAttachment stale : cache.listForNetwork(list.name())) {
              AttachmentKey key = stale.key();
              if (keepSet.contains(Map.entry(key.containerId(), key.ifName()))) {
                continue;
              }
              Attachment attachment = stale.attachment();
              OperationEvent del = operation(Verb.DEL, list, attachment);
              try (AttachmentLocks.Held held = lockFor(list, attachment)) {
                deleteLocked(del, list, attachment, key);
                deleted.add(key);
              } catch (CniException e) {
                errors.add(e.withContext("GC: stale " + del.where()));
              }
            }
            if (list.version().atLeast(CniVersion.V1_1_0)) {
              List<PluginConfig> plugins = list.plugins();
              for (int i = 0; i < plugins.size(); i++) {
                PluginConfig plugin = plugins.get(i);
                ObjectNode stdin =
                    RequestConfig.forGc(plugin.json(), list.name(), list.cniVersion(), keep);
                try {
                  calls.run(op, Verb.GC, i, plugin, stdin, null, calls.options().deadline());
                } catch (CniException e) {
                  errors.add(e.withContext(op.where()));
                }
              }
            }
          }
          return new GcReport(false, deleted, errors);
        });
  }

  /**
   * Garbage-collects a network treating every cached attachment as stale: cnitool's {@code gc}
   * without a list. Said explicitly, since it tears down every container on the network.
   *
   * @param list the network configuration
   * @return what was deleted and every error
   * @throws CniException as {@link #gc}
   * @throws InterruptedException when the thread is interrupted
   */
  public GcReport gcAll(NetworkConfigList list) throws CniException, InterruptedException {
    return gc(list, List.of());
  }

  // ---------------------------------------------------------------- STATUS

  /**
   * Asks every plugin whether it can serve ADD (SPEC.md "STATUS"), in order, stopping at the first
   * that cannot. Below version 1.1.0, STATUS does not exist and the network is ready.
   *
   * @param list the network configuration
   * @return ready, or the first plugin that answered 50 (not available) or 51 (not available,
   *     existing containers may have limited connectivity) and its error
   * @throws CniException when a plugin cannot be found or run, or fails otherwise (another error
   *     code is a failure of STATUS itself, not an answer)
   * @throws InterruptedException when the thread is interrupted
   */
  public NetworkStatus status(NetworkConfigList list) throws CniException, InterruptedException {
    OperationEvent op = new OperationEvent(Verb.STATUS, list.name(), "", "");
    return operate(
        op,
        () -> {
          if (!list.version().atLeast(CniVersion.V1_1_0)) {
            return NetworkStatus.READY;
          }
          List<PluginConfig> plugins = list.plugins();
          for (int i = 0; i < plugins.size(); i++) {
            PluginConfig plugin = plugins.get(i);
            ObjectNode stdin = RequestConfig.forStatus(plugin.json(), list.name(), list.cniVersion());
            try {
              calls.run(op, Verb.STATUS, i, plugin, stdin, null, calls.options().deadline());
            } catch (PluginErrorException e) {
              Optional<CniError> error = e.cniError();
              if (error.isPresent() && error.get().isUnavailable()) {
                return NetworkStatus.notReady(plugin.type(), error.get());
              }
              throw e;
            }
          }
          return NetworkStatus.READY;
        });
  }

  // ---------------------------------------------------------------- validation and versions

  /**
   * Validates a network as libcni's {@code ValidateNetworkList}: every plugin exists in CNI_PATH and
   * supports the list's version (asked with VERSION; replies are cached per plugin file), and the
   * union of the capabilities the plugins declare.
   *
   * @param list the network configuration
   * @return the capabilities and one problem per failing plugin
   * @throws InterruptedException when the thread is interrupted
   */
  public ValidationReport validate(NetworkConfigList list) throws InterruptedException {
    Set<String> capabilities = new LinkedHashSet<>();
    List<CniException> problems = new ArrayList<>();
    CniVersion version = list.version();
    for (PluginConfig plugin : list.plugins()) {
      capabilities.addAll(plugin.capabilities());
      try {
        LocatedPlugin located = calls.path().find(plugin.type());
        calls.executor().requireSupport(located, version);
      } catch (CniException e) {
        problems.add(e.withContext("network \"" + list.name() + "\""));
      }
    }
    return new ValidationReport(List.copyOf(capabilities), problems);
  }

  /**
   * The VERSION reply of a plugin type (libcni's {@code GetVersionInfo}).
   *
   * @param pluginType the plugin's type, looked up in CNI_PATH
   * @return the plugin's reply; a plugin that predates VERSION supports 0.1.0
   * @throws CniException when the plugin is not found or its reply is unusable
   * @throws InterruptedException when the thread is interrupted
   */
  public VersionInfo versionInfo(String pluginType) throws CniException, InterruptedException {
    return calls.executor().version(calls.path().find(pluginType));
  }

  // ---------------------------------------------------------------- cache access

  /**
   * The cached result of an attachment, converted to the list's version (libcni's {@code
   * GetNetworkListCachedResult}).
   *
   * @param list the network configuration
   * @param containerId the container id
   * @param ifName the interface name
   * @return the result, or empty when nothing usable is cached
   * @throws CniException when the cache cannot be read or the result converted
   */
  public Optional<Result> cachedResult(NetworkConfigList list, String containerId, String ifName)
      throws CniException {
    AttachmentKey key = key(list.name(), containerId, ifName);
    Optional<CachedAttachment> cached = cache.get(key);
    if (cached.isEmpty() || cached.get().result().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Result.decode(cached.get().result().get(), list.version()).convertTo(list.version()));
  }

  /**
   * The cached entry of an attachment: configuration bytes, parameters and raw result (libcni's
   * {@code GetNetworkListCachedConfig}).
   *
   * @param network the network name
   * @param containerId the container id
   * @param ifName the interface name
   * @return the entry, or empty
   * @throws CniException when the names are invalid or the cache cannot be read
   */
  public Optional<CachedAttachment> cachedAttachment(
      String network, String containerId, String ifName) throws CniException {
    return cache.get(key(network, containerId, ifName));
  }

  /**
   * Every cached attachment, or those of one container (libcni's {@code GetCachedAttachments}).
   *
   * @param containerId a container id, or empty for all
   * @return the entries, sorted by file name as libcni lists them
   * @throws CniException when the cache directory cannot be listed
   */
  public List<CachedAttachment> cachedAttachments(Optional<String> containerId)
      throws CniException {
    return containerId.isPresent() ? cache.listForContainer(containerId.get()) : cache.list();
  }

  // ---------------------------------------------------------------- plumbing

  private interface Body<T> {
    T run() throws CniException, InterruptedException;
  }

  private <T> T operate(OperationEvent op, Body<T> body)
      throws CniException, InterruptedException {
    notifyStarted(op);
    long start = System.nanoTime();
    CniException failure = null;
    try {
      return body.run();
    } catch (CniException e) {
      failure = e.withContext(op.where());
      throw failure;
    } finally {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (failure == null) {
        if (LOG.isDebugEnabled()) {
          LOG.debug("{}: {} ok in {} ms", op.where(), op.verb(), elapsed.toMillis());
        }
      } else {
        LOG.info("{}: {} failed in {} ms: {}", op.where(), op.verb(), elapsed.toMillis(),
            failure.getMessage());
      }
      notifyFinished(op, elapsed, failure);
    }
  }

  private Optional<JsonNode> cachedPrevResult(
      OperationEvent op, NetworkConfigList list, AttachmentKey key) throws CacheException {
    Optional<CachedAttachment> cached = cache.get(key);
    if (cached.isEmpty() || cached.get().result().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Result.decode(cached.get().result().get(), list.version())
              .convertTo(list.version())
              .toJson());
    } catch (MalformedResultException | ResultConversionException e) {
      // libcni drops such an entry and carries on without prevResult; we keep the file (the cache
      // only removes it after a successful DEL) and say so.
      LOG.warn(
          "{}: cached result in {} is unusable, carrying on without prevResult: {}",
          op.where(),
          Quoted.plainOrQuoted(cache.entryPath(key)),
          e.getMessage());
      return Optional.empty();
    }
  }

  private AttachmentLocks.Held lockFor(NetworkConfigList list, Attachment attachment)
      throws CacheException, InterruptedException {
    return lockTimeout == null
        ? locks.forOperation(list.name(), attachment.containerId())
        : locks.forOperation(list.name(), attachment.containerId(), lockTimeout);
  }

  private AttachmentLocks.Held gcLockFor(NetworkConfigList list)
      throws CacheException, InterruptedException {
    return lockTimeout == null ? locks.forGc(list.name()) : locks.forGc(list.name(), lockTimeout);
  }

  /**
   * The configuration cached with an attachment: a list, or a single plugin configuration (a {@code
   * type} and no {@code plugins}) lifted to a one-plugin list, which is what Go's libcni caches for
   * {@code AddNetwork}; ocicni reads such entries the same way.
   */
  private NetworkConfigList cachedList(CachedAttachment cached) throws ConfigException {
    byte[] config = cached.config();
    try {
      return NetworkConfigList.parse(config);
    } catch (ConfigException notAList) {
      try {
        PluginConfig conf = PluginConfig.parse(config);
        // a list whose plugins are broken is not taken for its top-level object
        if (!conf.json().has("plugins")) {
          return NetworkConfigList.fromConf(conf);
        }
      } catch (ConfigException notAConfEither) {
        notAList.addSuppressed(notAConfEither);
      }
      throw new ConfigException(
          "the configuration cached for network "
              + Quoted.of(cached.key().networkName())
              + " in "
              + Quoted.plainOrQuoted(cache.entryPath(cached.key()))
              + " is neither a network configuration list nor a plugin configuration: "
              + notAList.getMessage(),
          ConfigException.Context.NONE,
          notAList);
    }
  }

  private static OperationEvent operation(Verb verb, NetworkConfigList list, Attachment a) {
    return new OperationEvent(verb, list.name(), a.containerId(), a.ifName());
  }

  private static AttachmentKey key(NetworkConfigList list, Attachment a)
      throws InvalidAttachmentException {
    AttachmentKey key = key(list.name(), a.containerId(), a.ifName());
    // Everything that becomes environment: a NUL would silently cut the value in the plugin.
    checkNoNul("netns", a.netns());
    checkNoNul("CNI_ARGS", a.cniArgsString());
    checkNoNul("traceparent", a.traceParent());
    checkNoNul("tracestate", a.traceState());
    return key;
  }

  private static void checkNoNul(String what, String value) throws InvalidAttachmentException {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidAttachmentException(what + " contains a NUL character");
    }
  }

  private static AttachmentKey key(String network, String containerId, String ifName)
      throws InvalidAttachmentException {
    try {
      return AttachmentKey.of(network, containerId, ifName);
    } catch (IllegalArgumentException e) {
      throw new InvalidAttachmentException(e.getMessage());
    }
  }

  private void notifyStarted(OperationEvent op) {
    try {
      listener.operationStarted(op);
    } catch (RuntimeException e) {
      LOG.warn("listener failed in operationStarted", e);
    }
  }

  private void notifyFinished(OperationEvent op, Duration elapsed, CniException failure) {
    try {
      listener.operationFinished(op, elapsed, failure);
    } catch (RuntimeException e) {
      LOG.warn("listener failed in operationFinished", e);
    }
  }

  /** Builds a {@link CniClient}. Not thread-safe; the client it builds is. */
  public static final class Builder {
    private PluginPath path = PluginPath.of(List.of());
    private Path cacheDir = DEFAULT_CACHE_DIR;
    private ExecOptions options = ExecOptions.defaults();
    private PluginLauncher launcher;
    private CniListener listener = CniListener.NONE;
    private boolean rollbackOnFailure;
    private Duration rollbackDeadline;
    private Duration lockTimeout = Duration.ofMinutes(10);
    private int maxConcurrentPlugins;
    private int prestartAhead;
    private Durability durability = Durability.ATOMIC;

    private Builder() {}

    /**
     * Sets how hard the cache works to keep entries (default {@link Durability#ATOMIC}: atomic
     * writes that survive any process crash; {@link Durability#SYNCED} also survives a power loss,
     * at two fsyncs per ADD).
     *
     * @param durability the durability
     * @return this builder
     */
    public Builder cacheDurability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /**
     * Sets the plugin directories (CNI_PATH).
     *
     * @param path the directories, searched in order
     * @return this builder
     */
    public Builder pluginPath(PluginPath path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the plugin directories from a list of paths.
     *
     * @param directories absolute directories, searched in order
     * @return this builder
     */
    public Builder pluginDirectories(List<Path> directories) {
      return pluginPath(PluginPath.of(directories));
    }

    /**
     * Sets the cache directory (default {@code /var/lib/cni}, as libcni).
     *
     * @param cacheDir the directory holding {@code results/}
     * @return this builder
     */
    public Builder cacheDirectory(Path cacheDir) {
      this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
      return this;
    }

    /**
     * Sets how plugins are run: per-call deadline, output caps, environment policy.
     *
     * @param options the options
     * @return this builder
     */
    public Builder execOptions(ExecOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets the process launcher (default: the best one for the platform).
     *
     * @param launcher the launcher
     * @return this builder
     */
    public Builder launcher(PluginLauncher launcher) {
      this.launcher = Objects.requireNonNull(launcher, "launcher");
      return this;
    }

    /**
     * Sets the listener told of every operation and plugin call.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CniListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Whether a failed ADD runs DEL for the attachment before it throws (default off, as libcni;
     * the spec leaves the DEL after a failed ADD to the runtime).
     *
     * @param rollback {@code true} to roll back
     * @return this builder
     */
    public Builder rollbackOnFailure(boolean rollback) {
      this.rollbackOnFailure = rollback;
      return this;
    }

    /**
     * Sets the deadline of each DEL call of a rollback (default: the per-call deadline). A rollback
     * never runs on what is left of an expired deadline.
     *
     * @param deadline the per-call deadline of rollback calls
     * @return this builder
     */
    public Builder rollbackDeadline(Duration deadline) {
      this.rollbackDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Sets how long an operation waits for the locks of its container or network (default 10
     * minutes); {@code null} waits without bound.
     *
     * @param timeout the longest wait
     * @return this builder
     */
    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = timeout;
      return this;
    }

    /**
     * Caps the plugin calls running at once in this client (0, the default, for no cap): admission
     * control for nodes that start hundreds of pods at once.
     *
     * @param max the most concurrent plugin calls
     * @return this builder
     */
    public Builder maxConcurrentPlugins(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxConcurrentPlugins must be 0 or more: " + max);
      }
      this.maxConcurrentPlugins = max;
      return this;
    }

    /**
     * Whether plugins of a list are started while the plugin before them runs (default off).
     * Once a plugin has its stdin, the next two plugins are looked up in CNI_PATH and their
     * processes created, one after the other, with their final program, arguments and environment,
     * on a daemon thread of the client ({@code jcni-prestart-N}, ending after 10 s without work),
     * so that the operation's own thread goes on watching the running plugin. The processes load
     * while it works; each waits in its first read of stdin and is given its configuration only
     * when its turn comes, after the plugins before it succeeded. When a plugin fails, or the
     * operation ends otherwise, the waiting processes are killed with {@code SIGKILL} before they
     * were given anything. Plugins still act strictly one after the other; what overlaps is process
     * creation and program loading, which is most of a plugin call's cost (see {@code
     * docs/benchmarks.md}).
     *
     * <p>{@link #prestartPlugins(int)} sets another number of plugins started ahead.
     *
     * <p>Use it with plugins that read their stdin before they act, as every plugin built on the
     * CNI library's {@code skel} does. A plugin that acts on its environment alone, before reading
     * stdin, would act ahead of its turn, and even when a plugin before it failed. It has no
     * effect with {@link #maxConcurrentPlugins(int)} (waiting processes would exceed the cap) or
     * with a launcher that cannot start processes ahead ({@link
     * dev.jcni.invoke.ProcessBuilderLauncher}): the client then prestarts nothing and {@link
     * CniClient#prestartAhead()} is 0.
     *
     * <p>A process takes per-thread attributes from the thread that creates it, and a thread from
     * the thread that created it. Only an operation whose thread is in the process's own
     * namespaces (network, mount, user, PID and time for children, UTS, IPC, cgroup) uses the
     * prestart threads, so every prestart thread is born in those; an operation run inside another
     * namespace (a container's, through {@link dev.jcni.netns.NetworkNamespace#run}, say) starts
     * its processes ahead on its own thread. Other per-thread attributes (nice value, CPU
     * affinity, capabilities, no_new_privs, seccomp filters) of a process started ahead come from
     * the prestart thread, created by an earlier operation of this client: do not prestart from
     * threads that change those.
     *
     * @param prestart {@code true} to start plugins ahead of their call
     * @return this builder
     */
    public Builder prestartPlugins(boolean prestart) {
      this.prestartAhead = prestart ? PluginCalls.DEFAULT_PRESTART_AHEAD : 0;
      return this;
    }

    /**
     * Like {@link #prestartPlugins(boolean)}, with the number of plugins started ahead of the
     * running one given: 0 turns prestarting off.
     *
     * @param ahead how many of the next plugins have their process started, 0 to 4
     * @return this builder
     */
    public Builder prestartPlugins(int ahead) {
      if (ahead < 0 || ahead > PluginCalls.MAX_PRESTART_AHEAD) {
        throw new IllegalArgumentException(
            "prestartPlugins must be 0 to " + PluginCalls.MAX_PRESTART_AHEAD + ": " + ahead);
      }
      this.prestartAhead = ahead;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     * @throws CacheException when the cache directory is unusable
     * @throws dev.jcni.invoke.PrivilegeProfileException when the options' least-privilege profile
     *     cannot be applied on this machine
     */
    public CniClient build() throws CniException {
      if (options.privilegeProfile().isPresent()) {
        options.privilegeProfile().get().requireApplicable();
      }
      return new CniClient(this);
    }
  }
}
