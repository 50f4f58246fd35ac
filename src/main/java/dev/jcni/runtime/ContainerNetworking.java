package dev.jcni.runtime;

import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.GcReport;
import dev.jcni.NetworkStatus;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.CniError;
import dev.jcni.result.Result;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networking side of a container runtime, over a watched configuration directory and a {@link
 * CniClient}: what containerd's go-cni and CRI-O's ocicni give a Go runtime. A runtime builds one
 * and holds it for its lifetime; it is thread-safe.
 *
 * <ul>
 *   <li>{@link #attach} adds a container to the default network and any other networks, each with
 *       its own interface, one network after the other (the spec forbids parallel operations on one
 *       container), and returns every result in attachment order. When one network fails, the
 *       networks already added are deleted again, in reverse order, and the original error is
 *       thrown with any teardown failure attached as suppressed.
 *   <li>{@link #detach(AttachedNetworks)} deletes the attachments in reverse order, each with the
 *       configuration cached when it was added ({@link CniClient#deleteFromCache}), so that a
 *       configuration changed or removed since does not get in the way of teardown. When the cache
 *       cannot serve (no entry, or a configuration in it that cannot be read), the network's
 *       current configuration is used, as ocicni falls back to the files on disk.
 *   <li>{@link #gc} collects the garbage of every usable network, given the containers that are
 *       still alive; each dead container's networks are deleted in the reverse of its attach.
 *   <li>{@link #readiness()} says whether the runtime may report {@code NetworkReady}: a default
 *       network is loaded and its STATUS says it can serve ADD.
 * </ul>
 *
 * <p>One attach or detach of a container runs at a time in this object, so that the operations of
 * two of them are never interleaved; different containers proceed in parallel. A GC waits for the
 * attaches and detaches in progress and holds new ones until it ends, as ocicni does: the runtime's
 * list of live containers must include every container whose attach has started.
 */
public final class ContainerNetworking implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerNetworking.class);

  private final CniClient client;
  private final NetworkConfigs configs;
  private final ContainerLocks containers = new ContainerLocks();
  private final ReentrantReadWriteLock gcLock = new ReentrantReadWriteLock(true);
  private volatile boolean closed;

  private ContainerNetworking(CniClient client, NetworkConfigs configs) {
    this.client = client;
    this.configs = configs;
  }

  /**
   * Starts building over a configuration directory with the default reading rules.
   *
   * @param client the client that runs the plugins; its plugin path is also the one searched to
   *     decide whether a network is usable
   * @param configDirectory the configuration directory, such as {@code /etc/cni/net.d}
   * @return a builder
   */
  public static Builder builder(CniClient client, Path configDirectory) {
    return builder(client, NetworkConfigs.builder(configDirectory));
  }

  /**
   * Starts building over a configuration directory described by the caller (a fixed default
   * network, other debounce or rescan times). The builder's plugin locator and plugin directories
   * are replaced by the client's plugin path when this builder builds.
   *
   * @param client the client that runs the plugins
   * @param configs the description of the configuration directory
   * @return a builder
   */
  public static Builder builder(CniClient client, NetworkConfigs.Builder configs) {
    return new Builder(client, configs);
  }

  /** The client that runs the plugins. */
  public CniClient client() {
    return client;
  }

  /** The watched configuration directory. */
  public NetworkConfigs configs() {
    return configs;
  }

  // ---------------------------------------------------------------- attach

  /**
   * Attaches a container to the networks of a request, in order, one at a time. The networks are
   * looked up in one snapshot of the configuration directory before anything runs.
   *
   * <p>When a network fails, what was set up is torn down before the error is thrown: DEL of the
   * network that failed, with the configuration and parameters its ADD had (the spec's DEL after a
   * failed ADD), then DEL of each network already added, in reverse order, with its cached
   * configuration. Every DEL has the client's full per-call deadline, not what the failed ADD left
   * of it. Teardown failures are added to the original exception as suppressed exceptions. An
   * interrupt during the ADDs is handled the same way, then the {@link InterruptedException} is
   * thrown; an interrupt during teardown stops it, and what is left is for {@link #gc} to collect.
   *
   * @param request the container and its networks
   * @return every attachment, in the request's order
   * @throws NetworkUnavailableException when a network is not loaded or cannot be used (nothing
   *     ran)
   * @throws CniException when a plugin fails, or any other failure of the client; the message names
   *     the network, container and interface
   * @throws InterruptedException when the thread is interrupted
   * @throws IllegalStateException when closed
   */
  public AttachedNetworks attach(AttachRequest request) throws CniException, InterruptedException {
    Objects.requireNonNull(request, "request");
    checkOpen();
    NetworkConfigs.Snapshot snapshot = configs.snapshot();
    List<NetworkConfigList> lists = resolve(snapshot, request);
    Lock shared = gcLock.readLock();
    shared.lockInterruptibly();
    try (ContainerLocks.Held held = containers.lock(request.containerId())) {
      List<NetworkSelection> selections = request.networks();
      List<AttachedNetwork> attached = new ArrayList<>(selections.size());
      for (int i = 0; i < selections.size(); i++) {
        NetworkSelection selection = selections.get(i);
        NetworkConfigList list = lists.get(i);
        Attachment attachment = request.attachmentFor(selection);
        Result result;
        try {
          result = client.add(list, attachment);
        } catch (Exception e) {
          LOG.info(
              "attaching container {}: network \"{}\" ({}) failed, tearing down {} network(s): {}",
              UntrustedText.plainOrQuoted(request.containerId()),
              list.name(),
              UntrustedText.plainOrQuoted(attachment.ifName()),
              i + 1,
              e.getMessage());
          tearDownAfterFailure(request, lists, i, e);
          throw e;
        }
        attached.add(new AttachedNetwork(list.name(), attachment, result));
        LOG.debug(
            "container {} attached to network \"{}\" as {}",
            UntrustedText.plainOrQuoted(request.containerId()),
            list.name(),
            UntrustedText.plainOrQuoted(attachment.ifName()));
      }
      return new AttachedNetworks(request.containerId(), request.netns(), attached);
    } finally {
      shared.unlock();
    }
  }

  /** The network of each selection, from one snapshot; fails before anything runs. */
  private static List<NetworkConfigList> resolve(
      NetworkConfigs.Snapshot snapshot, AttachRequest request) throws NetworkUnavailableException {
    List<NetworkConfigList> lists = new ArrayList<>();
    for (NetworkSelection selection : request.networks()) {
      LoadedNetwork network;
      if (selection.isDefaultNetwork()) {
        Optional<LoadedNetwork> found = snapshot.defaultNetwork();
        if (found.isEmpty()) {
          throw new NetworkUnavailableException(
              null,
              "cannot attach container "
                  + request.containerId()
                  + " to the default network: "
                  + snapshot.readiness().message());
        }
        network = found.get();
      } else {
        String name = selection.network().get();
        Optional<LoadedNetwork> found = snapshot.network(name);
        if (found.isEmpty()) {
          throw new NetworkUnavailableException(
              name,
              "cannot attach container "
                  + request.containerId()
                  + " to network \""
                  + name
                  + "\": no configuration file in "
                  + snapshot.directory()
                  + " defines it");
        }
        network = found.get();
        if (!network.isUsable()) {
          LoadedNetwork.MissingPlugin missing = network.missingPlugins().get(0);
          throw new NetworkUnavailableException(
              name,
              "cannot attach container "
                  + request.containerId()
                  + " to network \""
                  + name
                  + "\" ("
                  + network.file()
                  + "): "
                  + missing.problem());
        }
      }
      lists.add(network.config());
    }
    return lists;
  }

  /**
   * Tears down after the ADD of network {@code failed} went wrong: that network with the
   * configuration its ADD had, then the ones before it in reverse order, from the cache.
   */
  private void tearDownAfterFailure(
      AttachRequest request, List<NetworkConfigList> lists, int failed, Exception cause) {
    // the interrupt (if any) asked to stop the ADDs; teardown still has to run, then it is restored
    boolean interrupted = Thread.interrupted() || cause instanceof InterruptedException;
    List<NetworkSelection> selections = request.networks();
    for (int i = failed; i >= 0; i--) {
      NetworkConfigList list = lists.get(i);
      Attachment attachment = request.attachmentFor(selections.get(i));
      try {
        if (i == failed) {
          client.delete(list, attachment);
        } else {
          deleteAttachment(
              request.containerId(), list.name(), attachment.ifName(), list, attachment);
        }
      } catch (CniException | RuntimeException e) {
        LOG.warn(
            "teardown of container {} on network \"{}\" ({}) failed: {}",
            UntrustedText.plainOrQuoted(request.containerId()),
            list.name(),
            UntrustedText.plainOrQuoted(attachment.ifName()),
            e.getMessage());
        cause.addSuppressed(e);
      } catch (InterruptedException e) {
        CniException left =
            new CniException(
                "teardown of container "
                    + UntrustedText.plainOrQuoted(request.containerId())
                    + " interrupted; not torn down: "
                    + describe(lists, selections, i));
        left.addSuppressed(e);
        cause.addSuppressed(left);
        interrupted = true;
        break;
      }
    }
    if (interrupted && !(cause instanceof InterruptedException)) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(
      List<NetworkConfigList> lists, List<NetworkSelection> selections, int last) {
    List<String> parts = new ArrayList<>();
    for (int i = last; i >= 0; i--) {
      parts.add(describe(lists.get(i).name(), selections.get(i).ifName().get()));
    }
    return String.join(", ", parts);
  }

  /**
   * DEL of one attachment with the configuration and parameters cached at its ADD ({@link
   * CniClient#deleteFromCache}). Falls back to the network's current configuration, as ocicni falls
   * back to the files on disk, when the cache has no entry for the attachment (a cache directory
   * wiped since) or the configuration in its entry cannot be used (neither a list nor a plugin
   * configuration); failures of the plugins themselves are thrown as they are.
   *
   * @param current the network's configuration now, or {@code null} when it is no longer configured
   * @param known the parameters of the attachment's ADD, or {@code null} when only the cache holds
   *     them; without them, an attachment the cache has no entry for is left alone
   * @return whether a DEL ran
   */
  private boolean deleteAttachment(
      String containerId,
      String network,
      String ifName,
      NetworkConfigList current,
      Attachment known)
      throws CniException, InterruptedException {
    ConfigException unusable = null;
    try {
      if (client.deleteFromCache(network, containerId, ifName)) {
        return true;
      }
    } catch (ConfigException e) {
      unusable = e;
    }
    String which =
        "container "
            + UntrustedText.plainOrQuoted(containerId)
            + " on network \""
            + network
            + "\" ("
            + UntrustedText.plainOrQuoted(ifName)
            + ")";
    if (unusable == null) {
      if (known == null) {
        // the entry this came from is gone since it was listed: nothing is left to delete
        return false;
      }
      if (current == null) {
        LOG.warn(
            "{}: nothing cached and the network is no longer configured; nothing to run DEL with",
            which);
        return false;
      }
      LOG.warn("{}: nothing cached; running DEL with the current configuration", which);
      client.delete(current, forDel(known));
      return true;
    }
    String entry =
        UntrustedText.plainOrQuoted(
            client.cache().entryPath(AttachmentKey.of(network, containerId, ifName)));
    if (current == null) {
      LOG.warn(
          "{}: the configuration cached in {} cannot be used and the network is no longer"
              + " configured; nothing to run DEL with",
          which,
          entry);
      throw unusable;
    }
    Attachment parameters = known;
    if (parameters == null) {
      Optional<CachedAttachment> cached = client.cachedAttachment(network, containerId, ifName);
      if (cached.isEmpty()) {
        return false;
      }
      parameters = cached.get().attachment();
    }
    LOG.warn(
        "{}: the configuration cached in {} cannot be used, falling back to the current"
            + " configuration of the network: {}",
        which,
        entry,
        unusable.getMessage());
    client.delete(current, forDel(parameters));
    return true;
  }

  /** The parameters of an ADD for a DEL: the same, without the ADD's trace context. */
  private static Attachment forDel(Attachment add) {
    return new Attachment(
        add.containerId(),
        add.netns(),
        add.ifName(),
        add.cniArgs(),
        add.capabilityArgs(),
        add.args(),
        "",
        "");
  }

  // ---------------------------------------------------------------- detach

  /**
   * Detaches a container from the networks of an {@link #attach}, in reverse order, each with the
   * configuration and parameters cached when it was added. When the cache has no entry for a
   * network, or the configuration in its entry cannot be used, the network's current configuration
   * is used instead, if it still has one, with the parameters its ADD had ({@link
   * AttachedNetwork#attachment()}, without the trace context). Every network is tried even when one
   * fails, with a {@link CniException} or an unchecked exception.
   *
   * @param attached what {@link #attach} returned
   * @throws CniException when a DEL fails: the first failure, with the others suppressed (the first
   *     failure is thrown whatever its type, so it may be unchecked)
   * @throws InterruptedException when the thread is interrupted (the remaining networks are not
   *     torn down); the failures before it are attached as suppressed
   * @throws IllegalStateException when closed
   */
  public void detach(AttachedNetworks attached) throws CniException, InterruptedException {
    Objects.requireNonNull(attached, "attached");
    checkOpen();
    Lock shared = gcLock.readLock();
    shared.lockInterruptibly();
    try (ContainerLocks.Held held = containers.lock(attached.containerId())) {
      NetworkConfigs.Snapshot snapshot = configs.snapshot();
      List<Exception> failures = new ArrayList<>();
      List<AttachedNetwork> networks = attached.networks();
      for (int i = networks.size() - 1; i >= 0; i--) {
        AttachedNetwork n = networks.get(i);
        NetworkConfigList current =
            snapshot.network(n.network()).map(LoadedNetwork::config).orElse(null);
        try {
          deleteAttachment(
              attached.containerId(), n.network(), n.ifName(), current, n.attachment());
        } catch (CniException | RuntimeException e) {
          failures.add(e);
        } catch (InterruptedException e) {
          List<String> left = new ArrayList<>();
          for (int j = i; j >= 0; j--) {
            left.add(describe(networks.get(j).network(), networks.get(j).ifName()));
          }
          throw interrupted(e, attached.containerId(), String.join(", ", left), failures);
        }
      }
      throwFirst(failures);
    } finally {
      shared.unlock();
    }
  }

  /**
   * Detaches a container from every network the cache holds an attachment of it for, each with its
   * cached configuration: for a runtime that lost its own record (after a restart). The order is
   * the reverse of the names {@link AttachRequest} assigns ({@code netN} from the highest N down,
   * then {@code eth0}), with other interface names first, in reverse name order; for interface
   * names of its own choosing, a runtime that needs a strict order uses {@link
   * #detach(AttachedNetworks)}. An entry whose configuration cannot be used is deleted with the
   * network's current configuration, if it still has one, and the parameters the entry recorded.
   *
   * @param containerId the container id
   * @return the attachments whose DEL ran, in the order they ran
   * @throws CniException when the cache cannot be listed, or a DEL fails (the first failure,
   *     whatever its type, with the others suppressed; every attachment is tried)
   * @throws InterruptedException when the thread is interrupted; the failures before it are
   *     attached as suppressed
   * @throws IllegalStateException when closed
   */
  public List<AttachmentKey> detach(String containerId) throws CniException, InterruptedException {
    Objects.requireNonNull(containerId, "containerId");
    checkOpen();
    Lock shared = gcLock.readLock();
    shared.lockInterruptibly();
    try (ContainerLocks.Held held = containers.lock(containerId)) {
      NetworkConfigs.Snapshot snapshot = configs.snapshot();
      List<AttachmentKey> keys = new ArrayList<>();
      for (CachedAttachment c : client.cachedAttachments(Optional.of(containerId))) {
        keys.add(c.key());
      }
      inDetachOrder(keys);
      List<AttachmentKey> deleted = new ArrayList<>();
      List<Exception> failures = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        AttachmentKey key = keys.get(i);
        NetworkConfigList current =
            snapshot.network(key.networkName()).map(LoadedNetwork::config).orElse(null);
        try {
          if (deleteAttachment(key.containerId(), key.networkName(), key.ifName(), current, null)) {
            deleted.add(key);
          }
        } catch (CniException | RuntimeException e) {
          failures.add(e);
        } catch (InterruptedException e) {
          List<String> left = new ArrayList<>();
          for (AttachmentKey k : keys.subList(i, keys.size())) {
            left.add(describe(k.networkName(), k.ifName()));
          }
          throw interrupted(e, containerId, String.join(", ", left), failures);
        }
      }
      throwFirst(failures);
      return List.copyOf(deleted);
    } finally {
      shared.unlock();
    }
  }

  /** Sorts one container's attachments into the order they are torn down without a record. */
  private static void inDetachOrder(List<AttachmentKey> keys) {
    keys.sort(Comparator.comparing(AttachmentKey::ifName, ContainerNetworking::compareInterfaces));
    Collections.reverse(keys);
  }

  private static String describe(String network, String ifName) {
    return "network \"" + network + "\" (" + UntrustedText.plainOrQuoted(ifName) + ")";
  }

  /** The interrupt of a detach, with the failures before it suppressed on it; logs what is left. */
  private static InterruptedException interrupted(
      InterruptedException e, String containerId, String left, List<Exception> failures) {
    LOG.warn(
        "detach of container {} interrupted after {} failure(s); not torn down: {}",
        UntrustedText.plainOrQuoted(containerId),
        failures.size(),
        left);
    for (Exception f : failures) {
      e.addSuppressed(f);
    }
    return e;
  }

  /** The order of assigned interface names: eth0, net1, net2, ..., then any other name. */
  static int compareInterfaces(String a, String b) {
    long ra = rank(a);
    long rb = rank(b);
    if (ra != rb) {
      return Long.compare(ra, rb);
    }
    return a.compareTo(b);
  }

  private static long rank(String ifName) {
    if (ifName.equals(AttachRequest.FIRST_INTERFACE)) {
      return 0;
    }
    String prefix = AttachRequest.OTHER_INTERFACE_PREFIX;
    if (ifName.length() > prefix.length()
        && ifName.length() <= prefix.length() + 9
        && ifName.startsWith(prefix)
        && ifName.substring(prefix.length()).chars().allMatch(c -> c >= '0' && c <= '9')
        && ifName.charAt(prefix.length()) != '0') {
      return Long.parseLong(ifName.substring(prefix.length()));
    }
    return Long.MAX_VALUE;
  }

  /** Throws the first failure, whatever its type, with the others suppressed on it. */
  private static void throwFirst(List<Exception> failures) throws CniException {
    if (failures.isEmpty()) {
      return;
    }
    Exception first = failures.get(0);
    for (int i = 1; i < failures.size(); i++) {
      first.addSuppressed(failures.get(i));
    }
    if (first instanceof CniException) {
      throw (CniException) first;
    }
    throw (RuntimeException) first;
  }

  // ---------------------------------------------------------------- GC

  /**
   * Garbage-collects every usable network of the configuration directory (SPEC.md section 3,
   * "Garbage-collecting a network"). The cached attachments of containers that are not in {@code
   * liveContainerIds} are stale: each gets DEL with the configuration cached when it was added (the
   * network's current configuration when the cached one cannot be used), one dead container after
   * the other, each container's networks in the order {@link #detach(String)} uses (the reverse of
   * the order {@link AttachRequest} assigns interface names in). Then the client's GC sends each
   * network's plugins the cached attachments of live containers as {@code
   * cni.dev/valid-attachments} (version 1.1.0 and later). A stale attachment whose DEL failed is
   * reported and also sent as valid, so that no plugin reclaims what is still set up; the next GC
   * tries it again. A network that sets {@code disableGC} is skipped entirely. Attachments of
   * networks that are no longer configured are left alone.
   *
   * <p>Waits for the attaches and detaches in progress and holds new ones until it ends.
   *
   * @param liveContainerIds the containers that exist, including those being created
   * @return one report per network, in the order of the configuration directory; a network whose GC
   *     could not run has a report with that error
   * @throws CniException when the cache cannot be listed
   * @throws InterruptedException when the thread is interrupted; what the GC did before is logged
   *     and the failures so far are attached as suppressed
   * @throws IllegalStateException when closed
   */
  public Map<String, GcReport> gc(Collection<String> liveContainerIds)
      throws CniException, InterruptedException {
    Set<String> live = Set.copyOf(liveContainerIds);
    checkOpen();
    Lock exclusive = gcLock.writeLock();
    exclusive.lockInterruptibly();
    try {
      NetworkConfigs.Snapshot snapshot = configs.snapshot();
      List<CachedAttachment> cached = client.cachedAttachments(Optional.empty());
      Map<String, GcProgress> networks = new LinkedHashMap<>();
      for (LoadedNetwork network : snapshot.networks()) {
        if (!network.isUsable()) {
          LOG.debug("GC: network \"{}\" is not usable, skipped", network.name());
          continue;
        }
        networks.putIfAbsent(network.name(), new GcProgress(network.config()));
      }
      Map<String, List<AttachmentKey>> staleByContainer = new LinkedHashMap<>();
      for (CachedAttachment c : cached) {
        AttachmentKey key = c.key();
        GcProgress network = networks.get(key.networkName());
        if (network == null) {
          continue;
        }
        if (live.contains(key.containerId())) {
          network.valid.add(validEntry(key));
        } else if (!network.list.disableGC()) {
          staleByContainer.computeIfAbsent(key.containerId(), id -> new ArrayList<>()).add(key);
        }
      }
      try {
        for (List<AttachmentKey> stale : staleByContainer.values()) {
          inDetachOrder(stale);
          for (AttachmentKey key : stale) {
            deleteStale(key, networks.get(key.networkName()));
          }
        }
        Map<String, GcReport> reports = new LinkedHashMap<>();
        for (GcProgress network : networks.values()) {
          reports.put(network.list.name(), network.collect(client));
        }
        return Collections.unmodifiableMap(reports);
      } catch (InterruptedException | RuntimeException e) {
        keepVisible(e, networks.values());
        throw e;
      }
    } finally {
      exclusive.unlock();
    }
  }

  /** DEL of one stale attachment during GC; a failure is recorded on its network. */
  private void deleteStale(AttachmentKey key, GcProgress network) throws InterruptedException {
    try {
      if (deleteAttachment(
          key.containerId(), key.networkName(), key.ifName(), network.list, null)) {
        network.deleted.add(key);
      }
    } catch (CniException e) {
      LOG.warn("GC: DEL of stale {} failed: {}", key, e.getMessage());
      network.errors.add(e);
      network.valid.add(validEntry(key));
    }
  }

  private static Map.Entry<String, String> validEntry(AttachmentKey key) {
    return new AbstractMap.SimpleImmutableEntry<>(key.containerId(), key.ifName());
  }

  /** Logs what a GC that is cut short did, and attaches its failures to the exception. */
  private static void keepVisible(Exception cut, Collection<GcProgress> networks) {
    List<String> done = new ArrayList<>();
    for (GcProgress network : networks) {
      if (!network.deleted.isEmpty() || !network.errors.isEmpty() || network.collected) {
        done.add(
            "network \""
                + network.list.name()
                + "\": "
                + network.deleted.size()
                + " stale attachment(s) deleted "
                + network.deleted
                + ", "
                + network.errors.size()
                + " failure(s)"
                + (network.collected ? ", plugin GC done" : ""));
      }
      for (CniException e : network.errors) {
        cut.addSuppressed(e);
      }
    }
    LOG.warn(
        "GC cut short by {}; done before: {}",
        cut.getClass().getSimpleName(),
        done.isEmpty() ? "nothing" : String.join("; ", done));
  }

  /** What GC has done on one network so far. */
  private static final class GcProgress {
    final NetworkConfigList list;
    final List<Map.Entry<String, String>> valid = new ArrayList<>();
    final List<AttachmentKey> deleted = new ArrayList<>();
    final List<CniException> errors = new ArrayList<>();
    boolean collected;

    GcProgress(NetworkConfigList list) {
      this.list = list;
    }

    /** Runs the client's GC of the network, with what is valid now, and reports it all. */
    GcReport collect(CniClient client) throws InterruptedException {
      try {
        GcReport plugins = client.gc(list, valid);
        collected = true;
        if (plugins.skipped()) {
          return plugins;
        }
        deleted.addAll(plugins.deleted());
        errors.addAll(plugins.errors());
      } catch (CniException e) {
        collected = true;
        errors.add(e);
      }
      return new GcReport(false, deleted, errors);
    }
  }

  // ---------------------------------------------------------------- readiness

  /**
   * Whether the runtime may report its {@code NetworkReady} condition true, as containerd and CRI-O
   * decide it: the configuration directory has a usable default network ({@link
   * NetworkConfigs.Snapshot#readiness()}) and that network's STATUS ({@link CniClient#status}) says
   * its plugins can serve ADD. STATUS runs the plugins (for version 1.1.0 and later), so call this
   * at the pace a runtime reports its status, not per container.
   *
   * @return ready, or {@link NetworkReadiness#NOT_READY_REASON} with a message naming the network,
   *     its file and what is wrong ({@link NetworkReadiness.Status#STATUS_FAILED} when STATUS said
   *     no or failed)
   * @throws InterruptedException when the thread is interrupted
   * @throws IllegalStateException when closed
   */
  public NetworkReadiness readiness() throws InterruptedException {
    checkOpen();
    NetworkConfigs.Snapshot snapshot = configs.snapshot();
    NetworkReadiness fromConfig = snapshot.readiness();
    Optional<LoadedNetwork> network = snapshot.defaultNetwork();
    if (!fromConfig.isReady() || network.isEmpty()) {
      return fromConfig;
    }
    LoadedNetwork n = network.get();
    String which = "network \"" + n.name() + "\" (" + UntrustedText.plainOrQuoted(n.file()) + ")";
    NetworkStatus status;
    try {
      status = client.status(n.config());
    } catch (CniException e) {
      return new NetworkReadiness(
          NetworkReadiness.Status.STATUS_FAILED,
          "STATUS of the default " + which + " failed: " + e.getMessage());
    }
    if (status.ready()) {
      return fromConfig;
    }
    CniError error = status.error().orElseThrow();
    return new NetworkReadiness(
        NetworkReadiness.Status.STATUS_FAILED,
        "the default "
            + which
            + " is not ready: plugin type=\""
            + status.pluginType()
            + "\" answered STATUS with code "
            + error.code()
            + ": "
            + error);
  }

  // ---------------------------------------------------------------- lifecycle

  /** How many containers have an attach or detach in progress or waiting; for tests. */
  int containersInProgress() {
    return containers.size();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
  }

  /**
   * Stops watching the configuration directory. Operations in progress finish; new ones are
   * refused. The client is the caller's and stays usable. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    configs.close();
  }

  @Override
  public String toString() {
    return "ContainerNetworking[" + configs.directory() + "]";
  }

  /** Builds a {@link ContainerNetworking}. Not thread-safe. */
  public static final class Builder {
    private final CniClient client;
    private final NetworkConfigs.Builder configs;
    private boolean watch = true;

    private Builder(CniClient client, NetworkConfigs.Builder configs) {
      this.client = Objects.requireNonNull(client, "client");
      this.configs = Objects.requireNonNull(configs, "configs");
    }

    /**
     * Whether the configuration directory and the plugin directories are watched from a background
     * thread (the default); without it the directory is read once, and again on {@link
     * NetworkConfigs#reload()}.
     *
     * @param enabled {@code false} to start no thread
     * @return this builder
     */
    public Builder watch(boolean enabled) {
      this.watch = enabled;
      return this;
    }

    /**
     * Reads the configuration directory, checking each network's plugins with the client's plugin
     * path ({@link dev.jcni.invoke.PluginPath#find}), and starts watching it unless told not to.
     *
     * @return the runtime's networking
     */
    public ContainerNetworking build() {
      configs
          .pluginLocator(type -> client.pluginPath().find(type).path())
          .pluginDirectories(client.pluginPath().directories());
      NetworkConfigs opened = configs.open();
      if (watch) {
        opened.startWatching();
      }
      return new ContainerNetworking(client, opened);
    }
  }
}
