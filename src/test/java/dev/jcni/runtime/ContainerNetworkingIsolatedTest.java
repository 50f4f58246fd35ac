package dev.jcni.runtime;

import static dev.jcni.runtime.IsolatedHost.addressesIn;
import static dev.jcni.runtime.IsolatedHost.leases;
import static dev.jcni.runtime.IsolatedHost.routesIn;
import static dev.jcni.runtime.IsolatedHost.veths;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.CniClient;
import dev.jcni.GcReport;
import dev.jcni.PluginErrorException;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several networks per container on the reference plugins (/usr/lib/cni): a bridge network and a
 * ptp network in one container namespace, checked from inside it with iproute2, and torn down to
 * nothing. Runs only in the JVM of bin/isolated-java, whose network namespace is the throwaway
 * "host"; container namespaces live under its private /run/netns, host-local keeps its leases in a
 * temporary directory, addresses come from 198.18.0.0/15.
 */
@Tag("isolated")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerNetworkingIsolatedTest {
  @TempDir Path tmp;
  Path netD;
  Path leases;
  CniClient client;
  ContainerNetworking networking;
  List<NetworkNamespace> namespaces = new ArrayList<>();
  int vethsBefore;

  @BeforeAll
  static void isolated() throws Exception {
    IsolatedHost.require();
  }

  @BeforeEach
  void setUp() throws Exception {
    netD = Files.createDirectories(tmp.resolve("net.d"));
    leases = Files.createDirectories(tmp.resolve("ipam"));
    Files.writeString(
        netD.resolve("10-bridge.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"rt-bridge\",\"plugins\":[{\"type\":\"bridge\","
            + "\"bridge\":\"jcni-rtbr0\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{"
            + "\"type\":\"host-local\",\"dataDir\":\""
            + leases
            + "\","
            + "\"ranges\":[[{\"subnet\":\"198.18.4.0/24\",\"gateway\":\"198.18.4.1\"}]],"
            + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}");
    writePtp("");
    client =
        CniClient.builder()
            .pluginDirectories(List.of(IsolatedHost.PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .execOptions(ExecOptions.builder().deadline(Duration.ofSeconds(30)).build())
            .build();
    networking = ContainerNetworking.builder(client, netD).watch(false).build();
    vethsBefore = veths().size();
  }

  /** The ptp network, with more plugins after ptp. */
  void writePtp(String morePlugins) throws Exception {
    Files.writeString(
        netD.resolve("20-ptp.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"rt-ptp\",\"plugins\":[{\"type\":\"ptp\","
            + "\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
            + leases
            + "\","
            + "\"ranges\":[[{\"subnet\":\"198.18.5.0/24\"}]]}}"
            + morePlugins
            + "]}");
  }

  @AfterEach
  void tearDown() throws Exception {
    networking.close();
    for (NetworkNamespace ns : namespaces) {
      ns.close();
      NetworkNamespace.delete(ns.path().getFileName().toString());
    }
  }

  NetworkNamespace container(String name) throws Exception {
    NetworkNamespace ns = NetworkNamespace.create(name);
    namespaces.add(ns);
    return ns;
  }

  AttachRequest bridgeAndPtp(String containerId, NetworkNamespace ns) {
    return AttachRequest.builder(containerId, ns.path().toString())
        .defaultNetwork()
        .network("rt-ptp")
        .build();
  }

  @Test
  void aContainerOnABridgeAndAPtpNetworkHasBothInterfacesAndDetachLeavesNothing() throws Exception {
    NetworkNamespace ns = container("rt-c1");
    assertThat(networking.readiness().isReady()).isTrue();

    AttachedNetworks attached = networking.attach(bridgeAndPtp("c1", ns));

    assertThat(attached.networks())
        .extracting(n -> n.network() + " " + n.ifName() + " " + n.ips().get(0).address())
        .containsExactly("rt-bridge eth0 198.18.4.2/24", "rt-ptp net1 198.18.5.2/24");
    assertThat(attached.networks())
        .allSatisfy(
            n ->
                assertThat(n.containerInterface().orElseThrow().sandbox())
                    .isEqualTo(ns.path().toString()));
    // what the container sees, read by iproute2 from inside its namespace
    assertThat(addressesIn(ns.path()))
        .containsExactlyInAnyOrder("eth0 198.18.4.2/24", "net1 198.18.5.2/24");
    assertThat(routesIn(ns.path())).contains("default via 198.18.4.1 dev eth0");
    assertThat(veths()).hasSize(vethsBefore + 2);
    assertThat(leases(leases, "rt-bridge")).containsExactly("198.18.4.2");
    assertThat(leases(leases, "rt-ptp")).containsExactly("198.18.5.2");

    networking.detach(attached);

    assertThat(addressesIn(ns.path())).isEmpty();
    assertThat(veths()).hasSize(vethsBefore);
    assertThat(leases(leases, "rt-bridge")).isEmpty();
    assertThat(leases(leases, "rt-ptp")).isEmpty();
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
  }

  @Test
  void aSecondNetworkThatFailsTearsDownTheFirstOnTheRealPlugins() throws Exception {
    // ptp sets up its veth and takes a lease, then tuning fails: the failed network's own DEL
    // (the spec's DEL after a failed ADD) must undo ptp, and the bridge network is deleted after it
    writePtp(",{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.net1.no_such_sysctl\":\"1\"}}");
    networking.configs().reload();
    NetworkNamespace ns = container("rt-c2");

    assertThatThrownBy(() -> networking.attach(bridgeAndPtp("c2", ns)))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"rt-ptp\" (container c2, net1)")
        .hasMessageContaining("plugin type=\"tuning\"")
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());

    assertThat(addressesIn(ns.path())).isEmpty();
    assertThat(veths()).hasSize(vethsBefore);
    assertThat(leases(leases, "rt-bridge")).isEmpty();
    assertThat(leases(leases, "rt-ptp")).isEmpty();
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
  }

  @Test
  void gcAcrossBothNetworksReleasesWhatDeadContainersHeldAndKeepsTheLiveOne() throws Exception {
    NetworkNamespace keep = container("rt-keep");
    NetworkNamespace dead = container("rt-dead");
    AttachedNetworks kept = networking.attach(bridgeAndPtp("keep", keep));
    networking.attach(bridgeAndPtp("dead", dead));
    assertThat(veths()).hasSize(vethsBefore + 4);

    Map<String, GcReport> reports = networking.gc(List.of("keep"));

    assertThat(reports).containsOnlyKeys("rt-bridge", "rt-ptp");
    assertThat(reports.values())
        .allSatisfy(
            r -> {
              assertThat(r.errors()).isEmpty();
              assertThat(r.deleted())
                  .singleElement()
                  .satisfies(k -> assertThat(k.containerId()).isEqualTo("dead"));
            });
    assertThat(addressesIn(dead.path())).isEmpty();
    assertThat(addressesIn(keep.path()))
        .containsExactlyInAnyOrder("eth0 198.18.4.2/24", "net1 198.18.5.2/24");
    assertThat(veths()).hasSize(vethsBefore + 2);
    assertThat(leases(leases, "rt-bridge")).containsExactly("198.18.4.2");
    assertThat(leases(leases, "rt-ptp")).containsExactly("198.18.5.2");

    networking.detach(kept);
    assertThat(veths()).hasSize(vethsBefore);
    assertThat(leases(leases, "rt-bridge")).isEmpty();
  }
}
