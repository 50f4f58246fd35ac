package dev.jcni.runtime.example;

import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.GcReport;
import dev.jcni.netns.NetworkNamespace;
import dev.jcni.result.IpConfig;
import dev.jcni.runtime.AttachRequest;
import dev.jcni.runtime.AttachedNetwork;
import dev.jcni.runtime.AttachedNetworks;
import dev.jcni.runtime.ContainerNetworking;
import dev.jcni.runtime.LoadedNetwork;
import dev.jcni.runtime.NetworkReadiness;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A very small container runtime: it keeps its containers' network namespaces in a directory of its
 * own, attaches each container to the node's default network and to one more network, and cleans up
 * after itself.
 */
public final class MiniRuntime implements AutoCloseable {
  private final ContainerNetworking networking;
  private final Path namespaces;
  private final PrintStream out;

  /**
   * Starts the runtime's networking: one client and one watched configuration directory for the
   * life of the runtime.
   */
  public MiniRuntime(
      Path configDir, Path pluginDir, Path cacheDir, Path namespaces, PrintStream out)
      throws CniException {
    CniClient client =
        CniClient.builder().pluginDirectories(List.of(pluginDir)).cacheDirectory(cacheDir).build();
    // reads configDir now, then watches it (and pluginDir) from a background thread
    this.networking = ContainerNetworking.builder(client, configDir).build();
    this.namespaces = namespaces;
    this.out = out;
  }

  /** Creates a container, connects it to two networks, reports its addresses, and removes it. */
  public void runContainer(String id, String secondNetwork) throws Exception {
    // what the runtime reports to the kubelet as its NetworkReady condition
    NetworkReadiness readiness = networking.readiness();
    if (!readiness.isReady()) {
      out.println("NetworkReady=false " + readiness.reason() + ": " + readiness.message());
      return;
    }
    out.println("NetworkReady=true, networks: " + networkNames());

    // the container's network namespace, a file under our own directory, as `ip netns add` makes
    NetworkNamespace netns = NetworkNamespace.create(namespaces, id);
    try {
      AttachedNetworks attached =
          networking.attach(
              AttachRequest.builder(id, netns.path().toString())
                  .cniArg("IgnoreUnknown", "1")
                  .cniArg("K8S_POD_NAME", id)
                  .defaultNetwork() // eth0
                  .network(secondNetwork) // net1
                  .build());
      for (AttachedNetwork n : attached.networks()) {
        out.println(id + " " + n.ifName() + " on " + n.network() + ": " + addresses(n));
      }

      // ... the container runs ...

      networking.detach(attached); // in reverse order, with the configuration used to attach
      out.println(id + " detached");
    } finally {
      netns.close();
      NetworkNamespace.delete(namespaces, id);
    }

    // now and then a runtime collects what dead containers left: none of ours is alive now
    Map<String, GcReport> reports = networking.gc(List.of());
    reports.forEach(
        (network, report) ->
            out.println(
                "gc "
                    + network
                    + ": "
                    + report.deleted().size()
                    + " stale attachments, "
                    + report.errors().size()
                    + " errors"));
  }

  private String networkNames() {
    return networking.configs().snapshot().networks().stream()
        .map(LoadedNetwork::name)
        .collect(Collectors.joining(", "));
  }

  private static String addresses(AttachedNetwork n) {
    return n.ips().stream()
        .map(IpConfig::address)
        .map(Object::toString)
        .collect(Collectors.joining(" "));
  }

  /** Stops watching the configuration directory. */
  @Override
  public void close() {
    networking.close();
  }

  /** {@code MiniRuntime CONFIG_DIR PLUGIN_DIR CACHE_DIR NETNS_DIR SECOND_NETWORK}. */
  public static void main(String[] args) throws Exception {
    try (MiniRuntime runtime =
        new MiniRuntime(
            Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), System.out)) {
      runtime.runContainer("c1", args[4]);
    }
  }
}
