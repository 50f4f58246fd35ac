package dev.jcni.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.Attachment;
import dev.jcni.CniException;
import dev.jcni.GcReport;
import dev.jcni.NetworkStatus;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network configuration loaded into a {@link CniSandbox} ({@link CniSandbox#network}): ADD it to
 * the sandbox's container, and the sandbox runs DEL for it after the test. Every operation runs the
 * plugins in the sandbox's host namespace, through {@link CniSandbox#client()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CniNetwork {
  /** The bridge plugin's type, and its default bridge name. */
  private static final String BRIDGE = "bridge";

  private static final String DEFAULT_BRIDGE = "cni0";

  private final CniSandbox sandbox;
  private final NetworkConfigList config;

  CniNetwork(CniSandbox sandbox, NetworkConfigList config) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The configuration as the plugins receive it (host-local's {@code dataDir} already set). */
  public NetworkConfigList config() {
    return config;
  }

  /** The network's name. */
  public String name() {
    return config.name();
  }

  /**
   * Adds the network to the sandbox's container as {@code eth0} (CNI ADD).
   *
   * @return the attachment and its result
   * @throws CniException when a plugin fails; the sandbox still runs DEL for it after the test
   * @throws InterruptedException when the thread is interrupted
   */
  public CniAttachment add() throws CniException, InterruptedException {
    return add(CniSandbox.DEFAULT_IF_NAME);
  }

  /**
   * Adds the network to the sandbox's container under the interface name {@code ifName} (CNI ADD).
   *
   * @param ifName the interface name inside the container
   * @return the attachment and its result
   * @throws CniException when a plugin fails; the sandbox still runs DEL for it after the test
   * @throws InterruptedException when the thread is interrupted
   */
  public CniAttachment add(String ifName) throws CniException, InterruptedException {
    return add(sandbox.attachmentBuilder(ifName).build());
  }

  /**
   * Adds the network with the given parameters (CNI ADD): start them with {@link
   * CniSandbox#attachmentBuilder(String)}, or name a namespace of {@link
   * CniSandbox#createNamespace(String)}.
   *
   * <p>The sandbox remembers the attachment, even when ADD fails (the spec asks for a DEL after a
   * failed ADD too), and which interfaces the ADD created in the host namespace and in the sandbox
   * namespace it attached to; the teardown runs DEL unless the test did, then checks that those
   * interfaces are gone.
   *
   * @param attachment the attachment parameters
   * @return the attachment and its result
   * @throws CniException when a plugin fails
   * @throws InterruptedException when the thread is interrupted
   * @throws IllegalStateException after the sandbox's teardown
   */
  public CniAttachment add(Attachment attachment) throws CniException, InterruptedException {
    return sandbox.add(this, Objects.requireNonNull(attachment, "attachment"));
  }

  /**
   * Runs CHECK for an attachment of this network.
   *
   * @param attachment the parameters it was added with
   * @throws CniException when a plugin reports a problem
   * @throws InterruptedException when the thread is interrupted
   */
  public void check(Attachment attachment) throws CniException, InterruptedException {
    sandbox.client().check(config, attachment);
  }

  /**
   * Runs DEL for an attachment of this network, for example after a failed ADD. Once it succeeds
   * the teardown does not run it again.
   *
   * @param attachment the parameters it was added with
   * @throws CniException when a plugin fails
   * @throws InterruptedException when the thread is interrupted
   * @throws IllegalStateException after the sandbox's teardown
   */
  public void delete(Attachment attachment) throws CniException, InterruptedException {
    sandbox.delete(this, Objects.requireNonNull(attachment, "attachment"));
  }

  /**
   * Asks the plugins whether the network is ready (CNI STATUS).
   *
   * @return ready, or the first plugin that is not and why
   * @throws CniException when a plugin fails otherwise
   * @throws InterruptedException when the thread is interrupted
   */
  public NetworkStatus status() throws CniException, InterruptedException {
    return sandbox.client().status(config);
  }

  /**
   * Garbage-collects the network (CNI GC, see {@link dev.jcni.CniClient#gc}): DEL for every cached
   * attachment not in {@code valid}; the teardown does not run DEL again for those.
   *
   * @param valid the attachments still in use, as (container id, interface name)
   * @return what was deleted and every error
   * @throws CniException when the cache cannot be read
   * @throws InterruptedException when the thread is interrupted
   * @throws IllegalStateException after the sandbox's teardown
   */
  public GcReport gc(Collection<Map.Entry<String, String>> valid)
      throws CniException, InterruptedException {
    return sandbox.gc(this, valid);
  }

  /**
   * The bridges the network's bridge plugins make ({@code bridge}, default {@code cni0}): shared by
   * every attachment and left in place by DEL, as the bridge plugin does by design.
   */
  Set<String> bridgeNames() {
    Set<String> names = new TreeSet<>();
    for (PluginConfig plugin : config.plugins()) {
      if (BRIDGE.equals(plugin.type())) {
        JsonNode name = plugin.json().get(BRIDGE);
        names.add(name != null && name.isTextual() ? name.textValue() : DEFAULT_BRIDGE);
      }
    }
    return names;
  }

  @Override
  public String toString() {
    return "network \"" + name() + "\" in " + sandbox;
  }
}
