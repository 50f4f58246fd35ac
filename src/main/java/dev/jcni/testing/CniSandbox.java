package dev.jcni.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.GcReport;
import dev.jcni.NetnsException;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.linux.LibC;
import dev.jcni.netns.NetworkNamespace;
import dev.jcni.result.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test's private piece of CNI networking: a "host" network namespace where the plugins run, a
 * container network namespace to attach networks to, and a {@link CniClient} with a cache directory
 * of its own and the plugin directories of the test's {@link CniTest}.
 *
 * <p>{@link CniExtension} makes one before each test and tears it down after it, even when the test
 * failed: DEL for every attachment still attached, then the namespaces and the sandbox's directory
 * are deleted, and the teardown verifies that nothing is left — no namespace file, no mount, no
 * interface that an ADD created and its DEL should have removed. What it finds fails the test.
 *
 * <h2>Where things run</h2>
 *
 * <p>Every plugin that {@link #client()} starts runs in {@link #host()}, whichever thread calls the
 * client: the host-side ends of veth pairs, bridges, routes and iptables rules are made there,
 * never in the namespace of the JVM. Both namespaces start as new namespaces do, with only a
 * loopback interface, down. Code of the test runs in a namespace through {@link
 * NetworkNamespace#run}: a socket belongs to the namespace of the thread that creates it, so a
 * server socket created in {@code container().run(...)} listens inside the container. Mind the
 * caveat of {@code run}: threads started inside it stay in the namespace.
 *
 * <h2>Files</h2>
 *
 * <p>The sandbox lives in one directory, {@link #directory()}, under the sandbox root ({@value
 * CniExtension#ROOT_PARAMETER}, default {@code /run/jcni-testing}): the namespace files, the
 * client's cache, and the leases of host-local, whose {@code ipam.dataDir} is pointed at {@link
 * #ipamDataDir()} in every network loaded through {@link #network}.
 *
 * <p>A sandbox is thread-safe. The namespaces it hands out belong to it: do not close or delete
 * them.
 */
public final class CniSandbox {
  private static final Logger LOG = LoggerFactory.getLogger(CniSandbox.class);

  /** The name of the host namespace's file. */
  static final String HOST = "host";

  /** The name of the container namespace's file. */
  static final String CONTAINER = "container";

  /** The interface a plugin attaches when the test does not name one. */
  static final String DEFAULT_IF_NAME = "eth0";

  private final Path directory;
  private final Path namespaceRoot;
  private final Path ipamDataDir;
  private final NetworkNamespace host;
  private final NetworkNamespace container;
  private final String containerId;
  private final CniClient client;
  private final Map<String, NetworkNamespace> namespaces = new LinkedHashMap<>(); // guarded
  private final Map<Key, Attached> attached = new LinkedHashMap<>(); // guarded
  private boolean tornDown; // guarded by this

  private CniSandbox(
      Path directory,
      NetworkNamespace host,
      NetworkNamespace container,
      Path ipamDataDir,
      CniClient client) {
    this.directory = directory;
    this.namespaceRoot = directory.resolve(SandboxDirectories.NAMESPACES);
    this.ipamDataDir = ipamDataDir;
    this.host = host;
    this.container = container;
    this.containerId = "jcni-" + directory.getFileName();
    this.client = client;
    namespaces.put(HOST, host);
    namespaces.put(CONTAINER, container);
  }

  /**
   * Makes a sandbox: its directory, the two namespaces, the client. What was made is removed again
   * when a step fails.
   */
  static CniSandbox open(SandboxSettings settings) throws IOException, CniException {
    Path directory = SandboxDirectories.create(settings.root());
    NetworkNamespace host = null;
    NetworkNamespace container = null;
    try {
      Path namespaceRoot = directory.resolve(SandboxDirectories.NAMESPACES);
      host = NetworkNamespace.create(namespaceRoot, HOST);
      container = NetworkNamespace.create(namespaceRoot, CONTAINER);
      Path cache = Files.createDirectory(directory.resolve("cache"));
      Path ipam = Files.createDirectory(directory.resolve("ipam"));
      List<Path> pluginDirectories = new ArrayList<>();
      for (Path dir : settings.cniPath()) {
        if (Files.isDirectory(dir)) {
          pluginDirectories.add(dir);
        }
      }
      CniClient client =
          CniClient.builder()
              .pluginDirectories(pluginDirectories)
              .cacheDirectory(cache)
              .launcher(new HostNamespaceLauncher(host, HostNamespaceLauncher.systemLauncher()))
              .build();
      CniSandbox sandbox = new CniSandbox(directory, host, container, ipam, client);
      LOG.debug("made {}", sandbox);
      return sandbox;
    } catch (IOException | CniException | RuntimeException | Error e) {
      if (host != null) {
        host.close();
      }
      if (container != null) {
        container.close();
      }
      Leftovers left = new Leftovers();
      SandboxDirectories.remove(directory, left);
      left.attachTo(e);
      throw e;
    }
  }

  /**
   * The private "host" network namespace: every plugin of {@link #client()} runs here. Owned by the
   * sandbox; do not close it.
   */
  public NetworkNamespace host() {
    return host;
  }

  /**
   * The container network namespace that {@link #attachmentBuilder(String)} and {@link
   * CniNetwork#add()} attach to ({@code CNI_NETNS}). Owned by the sandbox; do not close it.
   */
  public NetworkNamespace container() {
    return container;
  }

  /** The container id ({@code CNI_CONTAINERID}) of attachments to {@link #container()}. */
  public String containerId() {
    return containerId;
  }

  /**
   * The client: its cache is in the sandbox's directory, its plugin directories are the test's, and
   * every plugin it starts runs in {@link #host()}. Attachments made directly through it are not
   * torn down by the sandbox (but vanish with its namespaces); use {@link #network} for those that
   * must be.
   */
  public CniClient client() {
    return client;
  }

  /** The sandbox's directory: namespace files, cache and leases; deleted by the teardown. */
  public Path directory() {
    return directory;
  }

  /** Where host-local keeps the leases of networks loaded through {@link #network}. */
  public Path ipamDataDir() {
    return ipamDataDir;
  }

  /**
   * Creates another network namespace, for a second container; it is deleted by the teardown.
   *
   * @param name its file name in the sandbox's namespace directory (not {@code host} or {@code
   *     container})
   * @return the namespace, owned by the sandbox: do not close it
   * @throws NetnsException when it cannot be created, or the name is taken
   * @throws IllegalArgumentException when the name is not a valid file name
   * @throws IllegalStateException after the teardown
   */
  public NetworkNamespace createNamespace(String name) throws NetnsException {
    synchronized (this) {
      requireOpen();
      if (namespaces.containsKey(name)) {
        throw new NetnsException(
            "cannot create network namespace "
                + namespaceRoot.resolve(name)
                + ": it exists already",
            namespaceRoot.resolve(name),
            LibC.EEXIST,
            null);
      }
      NetworkNamespace created = NetworkNamespace.create(namespaceRoot, name);
      namespaces.put(name, created);
      return created;
    }
  }

  /**
   * Starts the parameters of an attachment to {@link #container()}: its container id and namespace
   * are set; add capability arguments, {@code CNI_ARGS} and the like, then build.
   *
   * @param ifName the interface name inside the container ({@code CNI_IFNAME})
   * @return a builder
   */
  public Attachment.Builder attachmentBuilder(String ifName) {
    return Attachment.builder(containerId, ifName).netns(container.path().toString());
  }

  /**
   * Loads a network configuration from text: a list ({@code .conflist} contents, with {@code
   * plugins}) or a single plugin ({@code .conf} contents).
   *
   * @param configuration the JSON
   * @return the network, with host-local's {@code dataDir} set to {@link #ipamDataDir()}
   * @throws ConfigException when the JSON is not a valid network configuration
   */
  public CniNetwork network(String configuration) throws ConfigException {
    byte[] bytes = configuration.getBytes(StandardCharsets.UTF_8);
    NetworkConfigList list;
    if (isSinglePlugin(bytes)) {
      list = NetworkConfigList.fromConf(PluginConfig.parse(bytes));
    } else {
      list = NetworkConfigList.parse(bytes);
    }
    return network(list);
  }

  /**
   * Loads a network configuration file as libcni does: a {@code .conflist} with its drop-in
   * plugins, any other file as a single-plugin {@code .conf}.
   *
   * @param file the file
   * @return the network, with host-local's {@code dataDir} set to {@link #ipamDataDir()}
   * @throws ConfigException when the file cannot be read or is not valid
   */
  public CniNetwork network(Path file) throws ConfigException {
    if (file.getFileName() != null && file.getFileName().toString().endsWith(".conflist")) {
      return network(NetworkConfigList.fromFile(file));
    }
    return network(NetworkConfigList.fromConf(PluginConfig.fromFile(file)));
  }

  /**
   * Takes a network configuration loaded elsewhere.
   *
   * @param list the network
   * @return the network, with host-local's {@code dataDir} set to {@link #ipamDataDir()}
   * @throws ConfigException when the changed configuration does not parse (it always should)
   */
  public CniNetwork network(NetworkConfigList list) throws ConfigException {
    Objects.requireNonNull(list, "list");
    ObjectNode json = list.toJson();
    if (!IpamDataDir.redirect(json, ipamDataDir)) {
      return new CniNetwork(this, list);
    }
    return new CniNetwork(
        this, NetworkConfigList.parse(Json.compact(json), list.source().orElse(null)));
  }

  private static boolean isSinglePlugin(byte[] bytes) {
    try {
      JsonNode tree = Json.parse(bytes);
      return tree.isObject() && !tree.has("plugins");
    } catch (IOException e) {
      return false; // the list parser reports it, with position
    }
  }

  // ---------------------------------------------------------------- operations of CniNetwork

  CniAttachment add(CniNetwork network, Attachment attachment)
      throws CniException, InterruptedException {
    Attached record;
    NetworkNamespace target;
    synchronized (this) {
      requireOpen();
      target = sandboxNamespace(attachment.netns());
      Key key = Key.of(network, attachment);
      record = attached.get(key);
      if (record == null) {
        record = new Attached(network, attachment, target);
        attached.put(key, record);
      } else {
        record.reattached(network, attachment, target);
      }
    }
    Set<String> hostBefore = linksOrNull(host);
    Set<String> targetBefore = target == null ? null : linksOrNull(target);
    boolean added = false;
    try {
      Result result = client.add(network.config(), attachment);
      added = true;
      return new CniAttachment(network, attachment, result);
    } finally {
      Set<String> hostCreated = created(hostBefore, linksOrNull(host));
      Set<String> targetCreated =
          target == null ? Set.of() : created(targetBefore, linksOrNull(target));
      synchronized (this) {
        record.addFinished(added, hostCreated, targetCreated);
      }
    }
  }

  void delete(CniNetwork network, Attachment attachment) throws CniException, InterruptedException {
    synchronized (this) {
      requireOpen();
    }
    client.delete(network.config(), attachment);
    synchronized (this) {
      Attached record = attached.get(Key.of(network, attachment));
      if (record != null) {
        record.deleted = true;
      }
    }
  }

  GcReport gc(CniNetwork network, Collection<Map.Entry<String, String>> valid)
      throws CniException, InterruptedException {
    synchronized (this) {
      requireOpen();
    }
    GcReport report = client.gc(network.config(), valid);
    synchronized (this) {
      for (AttachmentKey key : report.deleted()) {
        Attached record = attached.get(new Key(key.networkName(), key.containerId(), key.ifName()));
        if (record != null) {
          record.deleted = true;
        }
      }
    }
    return report;
  }

  // ---------------------------------------------------------------- teardown

  /**
   * Tears the sandbox down: DEL for every attachment not deleted yet (newest first), checks that
   * the interfaces each ADD created are gone, deletes the namespaces and the directory, and checks
   * that no namespace file and no mount is left. Runs once; later calls find nothing.
   *
   * @return what was wrong or left
   */
  Leftovers tearDown() {
    List<Attached> records;
    List<NetworkNamespace> owned;
    synchronized (this) {
      if (tornDown) {
        return new Leftovers();
      }
      tornDown = true;
      records = new ArrayList<>(attached.values());
      owned = new ArrayList<>(namespaces.values());
    }
    Leftovers found = new Leftovers();
    boolean interrupted = Thread.interrupted();
    Collections.reverse(records);
    for (Attached record : records) {
      if (!record.deleted && !interrupted) {
        interrupted = deleteForTeardown(record, found);
      }
    }
    checkCreatedLinksAreGone(records, found);
    for (NetworkNamespace ns : owned) {
      ns.close();
    }
    SandboxDirectories.remove(directory, found);
    SandboxDirectories.removeRootIfEmpty(directory.getParent());
    if (interrupted) {
      found.add("the teardown was interrupted; DEL was not run for every attachment");
      Thread.currentThread().interrupt();
    }
    LOG.debug("tore down {}: {}", this, found.isEmpty() ? "nothing left" : found.problems());
    return found;
  }

  /** Runs DEL for the teardown; returns whether the thread was interrupted. */
  private boolean deleteForTeardown(Attached record, Leftovers found) {
    try {
      client.delete(record.network.config(), record.attachment);
      record.deleted = true;
    } catch (CniException e) {
      if (record.addSucceeded) {
        found.add("DEL of " + record + " failed: " + e.getMessage(), e);
      } else {
        // The spec asks for DEL after a failed ADD, but a configuration that made ADD fail often
        // makes DEL fail too; what the ADD left behind goes with the namespaces.
        LOG.info("DEL after the failed ADD of {} failed too: {}", record, e.getMessage());
      }
    } catch (InterruptedException e) {
      return true;
    }
    return false;
  }

  /**
   * For every attachment whose DEL succeeded: the interfaces its ADD created in the host namespace
   * and in the sandbox namespace it attached to are gone, except the bridge of a bridge plugin,
   * which is shared by the network's attachments and kept by design.
   */
  private void checkCreatedLinksAreGone(List<Attached> records, Leftovers found) {
    Map<NetworkNamespace, Set<String>> now = new HashMap<>();
    for (Attached record : records) {
      if (!record.deleted) {
        continue;
      }
      Set<String> kept = record.network.bridgeNames();
      checkGone(record, "the host namespace", host, record.hostCreated, kept, now, found);
      if (record.namespace != null) {
        checkGone(
            record,
            "its namespace " + record.namespace.path(),
            record.namespace,
            record.namespaceCreated,
            Set.of(),
            now,
            found);
      }
    }
  }

  private static void checkGone(
      Attached record,
      String where,
      NetworkNamespace ns,
      Set<String> created,
      Set<String> kept,
      Map<NetworkNamespace, Set<String>> now,
      Leftovers found) {
    if (created.isEmpty()) {
      return;
    }
    Set<String> present = now.get(ns);
    if (present == null) {
      try {
        present = Links.in(ns);
      } catch (NetnsException | IOException | RuntimeException e) {
        found.add("cannot list the interfaces of " + ns + ": " + e.getMessage(), e);
        present = Set.of();
      }
      now.put(ns, present);
    }
    for (String link : created) {
      if (present.contains(link) && !kept.contains(link)) {
        found.add(
            "interface "
                + link
                + ", created in "
                + where
                + " by the ADD of "
                + record
                + ", is still there after its DEL");
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void requireOpen() {
    if (tornDown) {
      throw new IllegalStateException(this + " has been torn down");
    }
  }

  /** The sandbox's namespace whose file is {@code netns}, or {@code null}. */
  private NetworkNamespace sandboxNamespace(String netns) {
    for (NetworkNamespace ns : namespaces.values()) {
      if (ns.path().toString().equals(netns)) {
        return ns;
      }
    }
    return null;
  }

  private static Set<String> linksOrNull(NetworkNamespace ns) {
    try {
      return Links.in(ns);
    } catch (NetnsException | IOException | RuntimeException e) {
      LOG.debug("cannot list the interfaces of {}: {}", ns, e.toString());
      return null;
    }
  }

  private static Set<String> created(Set<String> before, Set<String> after) {
    if (before == null || after == null) {
      return Set.of();
    }
    Set<String> created = new TreeSet<>(after);
    created.removeAll(before);
    return created;
  }

  @Override
  public String toString() {
    return "CNI sandbox " + directory;
  }

  /** What identifies an attachment: network, container id, interface. */
  private record Key(String network, String containerId, String ifName) {
    static Key of(CniNetwork network, Attachment attachment) {
      return new Key(network.name(), attachment.containerId(), attachment.ifName());
    }
  }

  /** An attachment made through the sandbox, and what its ADD created. Guarded by the sandbox. */
  private static final class Attached {
    CniNetwork network;
    Attachment attachment;
    NetworkNamespace namespace;
    boolean addSucceeded;
    boolean deleted;
    final Set<String> hostCreated = new TreeSet<>();
    final Set<String> namespaceCreated = new TreeSet<>();

    Attached(CniNetwork network, Attachment attachment, NetworkNamespace namespace) {
      this.network = network;
      this.attachment = attachment;
      this.namespace = namespace;
    }

    void reattached(CniNetwork network, Attachment attachment, NetworkNamespace namespace) {
      this.network = network;
      this.attachment = attachment;
      this.namespace = namespace;
      this.deleted = false;
    }

    void addFinished(boolean succeeded, Set<String> host, Set<String> inNamespace) {
      addSucceeded |= succeeded;
      hostCreated.addAll(host);
      namespaceCreated.addAll(inNamespace);
    }

    @Override
    public String toString() {
      return "network \""
          + network.name()
          + "\" (container "
          + attachment.containerId()
          + ", "
          + attachment.ifName()
          + ")";
    }
  }
}
