package dev.jcni.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.GcReport;
import dev.jcni.NetworkStatus;
import dev.jcni.PluginErrorException;
import dev.jcni.internal.json.Json;
import dev.jcni.netns.NetworkNamespace;
import dev.jcni.result.CniError;
import dev.jcni.result.CniVersion;
import dev.jcni.result.Result;
import dev.jcni.result.VersionInfo;
import dev.jcni.testing.CniAttachment;
import dev.jcni.testing.CniNetwork;
import dev.jcni.testing.CniSandbox;
import dev.jcni.testing.CniTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end: the reference plugins of the Debian package containernetworking-plugins
 * (/usr/lib/cni) creating real interfaces, driven through {@link dev.jcni.CniClient}, each test in
 * a {@link CniSandbox}: the plugins run in the sandbox's private "host" namespace, containers are
 * the sandbox's namespaces, host-local keeps its leases in the sandbox's directory, and the
 * teardown runs DEL for whatever a test left attached and checks that nothing is left.
 *
 * <p>Needs root, and runs in the isolated JVM (bin/isolated-java) as well, so that the sandboxes'
 * own mounts stay off the machine. Addresses come from 198.18.0.0/15. jcni's build sets strict
 * mode: a machine that cannot run these tests fails them, never skips them.
 */
@Tag("isolated")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@CniTest(
    cniPath = "/usr/lib/cni",
    requiredPlugins = {
      "bridge",
      "host-local",
      "ptp",
      "macvlan",
      "loopback",
      "portmap",
      "firewall",
      "tuning",
      "bandwidth"
    })
class RealPluginsIsolatedTest {
  private static final Path PLUGINS = Path.of("/usr/lib/cni");

  @BeforeAll
  static void isolated() throws Exception {
    Host.requireIsolation();
  }

  private static String hostLocal(String subnet, String gateway) {
    // no dataDir: the sandbox points it at its own directory
    return "{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\""
        + subnet
        + "\",\"gateway\":\""
        + gateway
        + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\""
        + gateway
        + "\"}]}";
  }

  private static CniNetwork bridgeList(
      CniSandbox sandbox, String name, String bridge, String extraPlugins) throws Exception {
    return sandbox.network(
        "{\"cniVersion\":\"1.0.0\",\"name\":\""
            + name
            + "\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\""
            + bridge
            + "\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":"
            + hostLocal("198.18.0.0/24", "198.18.0.1")
            + "}"
            + extraPlugins
            + "]}");
  }

  private static List<String> leaseFiles(CniSandbox sandbox, String network) throws Exception {
    Path dir = sandbox.ipamDataDir().resolve(network);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("198."))
          .sorted()
          .toList();
    }
  }

  /** veth interfaces in the sandbox's host namespace, besides the macvlan test's parent. */
  private static long veths(CniSandbox sandbox) throws Exception {
    return Host.run(sandbox.host(), "ip", "-o", "link", "show", "type", "veth")
        .lines()
        .filter(l -> !l.contains("jcni-mv"))
        .count();
  }

  @Test
  void bridgeAndHostLocalAddCheckDel(CniSandbox sandbox) throws Exception {
    NetworkNamespace ns = sandbox.container();
    CniNetwork list = bridgeList(sandbox, "e2e-br", "jcni-br0", "");

    CniAttachment eth0 = list.add();

    Result result = eth0.result();
    assertThat(result.cniVersion()).isEqualTo(CniVersion.V1_0_0);
    assertThat(result.ips())
        .singleElement()
        .satisfies(ip -> assertThat(ip.address().toString()).isEqualTo("198.18.0.2/24"));
    assertThat(Host.run(ns, "ip", "-4", "addr", "show", "eth0")).contains("inet 198.18.0.2/24");
    assertThat(Host.run(ns, "ip", "route")).contains("default via 198.18.0.1 dev eth0");
    assertThat(Host.run(sandbox.host(), "ip", "-4", "addr", "show", "jcni-br0"))
        .contains("inet 198.18.0.1/24");
    assertThat(leaseFiles(sandbox, "e2e-br")).containsExactly("198.18.0.2");
    assertThat(Path.of("/var/lib/cni/networks/e2e-br"))
        .as("host-local kept its lease in the sandbox, not in its default directory")
        .doesNotExist();
    assertThat(veths(sandbox)).isEqualTo(1);
    try (NetworkNamespace jvm = NetworkNamespace.current()) {
      assertThat(Host.exec(jvm, "ip", "link", "show", "jcni-br0").exit)
          .as("the bridge is in the sandbox's host namespace, not in the JVM's")
          .isNotZero();
    }

    eth0.check();

    eth0.delete();

    assertThat(leaseFiles(sandbox, "e2e-br")).as("host-local released the address").isEmpty();
    assertThat(veths(sandbox)).as("no veth left").isZero();
    assertThat(Host.exec(ns, "ip", "link", "show", "eth0").exit).isNotZero();
    assertThat(sandbox.client().cachedAttachment("e2e-br", sandbox.containerId(), "eth0"))
        .isEmpty();
  }

  @Test
  void ptpAndHostLocal(CniSandbox sandbox) throws Exception {
    CniNetwork list =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-ptp\",\"plugins\":[{\"type\":\"ptp\","
                + "\"ipMasq\":false,\"ipam\":"
                + hostLocal("198.18.1.0/24", "198.18.1.1")
                + "}]}");
    CniAttachment eth0 = list.add();
    assertThat(eth0.result().ips().get(0).address().toString()).isEqualTo("198.18.1.2/24");
    assertThat(Host.run(sandbox.container(), "ip", "-4", "addr", "show", "eth0"))
        .contains("inet 198.18.1.2/24");
    eth0.check();
    eth0.delete();
    assertThat(leaseFiles(sandbox, "e2e-ptp")).isEmpty();
    assertThat(veths(sandbox)).isZero();
  }

  /**
   * macvlan over a parent made for the test. The issue asks for a dummy parent, but the kernel of
   * this machine kind has no dummy driver ("Unknown device type"), so the parent is one end of a
   * veth pair: any Ethernet device serves macvlan the same way. The pair lives in the sandbox's
   * host namespace and goes with it.
   */
  @Test
  void macvlanOverATestParent(CniSandbox sandbox) throws Exception {
    NetworkNamespace host = sandbox.host();
    Host.run(host, "ip", "link", "add", "jcni-mv0", "type", "veth", "peer", "name", "jcni-mv1");
    Host.run(host, "ip", "link", "set", "jcni-mv0", "up");
    Host.run(host, "ip", "link", "set", "jcni-mv1", "up");
    CniNetwork list =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-mv\",\"plugins\":[{\"type\":\"macvlan\","
                + "\"master\":\"jcni-mv0\",\"mode\":\"bridge\",\"ipam\":"
                + hostLocal("198.18.2.0/24", "198.18.2.1")
                + "}]}");
    CniAttachment eth0 = list.add();
    String link = Host.run(sandbox.container(), "ip", "-d", "link", "show", "eth0");
    assertThat(link).contains("macvlan");
    assertThat(Host.run(sandbox.container(), "ip", "-4", "addr", "show", "eth0"))
        .contains("inet 198.18.2.2/24");
    eth0.delete();
    assertThat(Host.exec(sandbox.container(), "ip", "link", "show", "eth0").exit).isNotZero();
    assertThat(leaseFiles(sandbox, "e2e-mv")).isEmpty();
  }

  @Test
  void loopbackBringsLoUp(CniSandbox sandbox) throws Exception {
    NetworkNamespace ns = sandbox.container(); // a new namespace: lo is down
    assertThat(Host.run(ns, "ip", "link", "show", "lo")).doesNotContain("UP,LOWER_UP");
    CniNetwork list =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-lo\",\"plugins\":[{\"type\":\"loopback\"}]}");
    CniAttachment lo = list.add("lo");
    assertThat(Host.run(ns, "ip", "link", "show", "lo")).contains("UP,LOWER_UP");
    lo.delete();
  }

  @Test
  void chainWithPortmapFirewallTuningAndBandwidthUsesCapabilityArgs(CniSandbox sandbox)
      throws Exception {
    NetworkNamespace host = sandbox.host();
    CniNetwork list =
        bridgeList(
            sandbox,
            "e2e-chain",
            "jcni-br1",
            ",{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"snat\":false}"
                + ",{\"type\":\"firewall\",\"backend\":\"iptables\"}"
                + ",{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.accept_redirects\":\"0\"}}"
                + ",{\"type\":\"bandwidth\",\"capabilities\":{\"bandwidth\":true}}");
    ObjectNode caps =
        (ObjectNode)
            Json.parse(
                ("{\"portMappings\":[{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"}],"
                     + "\"bandwidth\":{\"ingressRate\":1000000,\"ingressBurst\":100000,"
                     + "\"egressRate\":1000000,\"egressBurst\":100000}}")
                    .getBytes(StandardCharsets.UTF_8));
    Attachment a = sandbox.attachmentBuilder("eth0").capabilityArgs(caps).build();

    CniAttachment eth0 = list.add(a);

    assertThat(Host.run(host, "iptables", "-t", "nat", "-S"))
        .contains("18080")
        .contains("CNI-HOSTPORT-DNAT");
    assertThat(Host.run(host, "iptables", "-S")).contains("CNI-FORWARD");
    assertThat(
            Host.run(sandbox.container(), "cat", "/proc/sys/net/ipv4/conf/eth0/accept_redirects"))
        .as("tuning set the sysctl inside the container")
        .isEqualTo("0\n");
    assertThat(Host.run(host, "tc", "qdisc", "show"))
        .as("bandwidth shaped the host veth")
        .contains("tbf");

    // portmap 1.1.1's CHECK looks for its IPv6 chain even on an IPv4-only attachment and fails:
    // a plugin bug, recorded in docs/conformance.md; the reference cnitool fails the same way.
    assertThatThrownBy(eth0::check)
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("portmap");

    eth0.delete();
    assertThat(Host.run(host, "iptables", "-t", "nat", "-S")).doesNotContain("18080");
    assertThat(veths(sandbox)).isZero();
  }

  @Test
  void gcDeletesTheStaleAttachmentAndKeepsTheValidOne(CniSandbox sandbox) throws Exception {
    NetworkNamespace keep = sandbox.createNamespace("gc-keep");
    NetworkNamespace stale = sandbox.createNamespace("gc-stale");
    CniNetwork list = bridgeList(sandbox, "e2e-gc", "jcni-br2", "");
    CniAttachment kept =
        list.add(Attachment.builder("keep", "eth0").netns(keep.path().toString()).build());
    list.add(Attachment.builder("stale", "eth0").netns(stale.path().toString()).build());
    assertThat(leaseFiles(sandbox, "e2e-gc")).hasSize(2);

    GcReport report = list.gc(List.of(Map.entry("keep", "eth0")));

    assertThat(report.succeeded()).isTrue();
    assertThat(report.deleted()).extracting(k -> k.containerId()).containsExactly("stale");
    assertThat(leaseFiles(sandbox, "e2e-gc")).containsExactly("198.18.0.2");
    assertThat(Host.exec(stale, "ip", "link", "show", "eth0").exit).isNotZero();
    assertThat(Host.run(keep, "ip", "-4", "addr", "show", "eth0")).contains("198.18.0.2/24");
    kept.delete();
  }

  @Test
  void statusOfA100ListIsReadyAndEveryPluginAnswersVersion(CniSandbox sandbox) throws Exception {
    assertThat(bridgeList(sandbox, "e2e-st", "jcni-br3", "").status())
        .isEqualTo(NetworkStatus.READY);
    List<String> types;
    try (Stream<Path> s = Files.list(PLUGINS)) {
      types = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(types).contains("bridge", "host-local", "loopback", "ptp", "macvlan", "portmap");
    for (String type : types) {
      VersionInfo info = sandbox.client().versionInfo(type);
      assertThat(info.supports(CniVersion.V1_0_0)).as(type).isTrue();
    }
  }

  @Test
  void aBadSubnetFailsAddWithTheCniErrorCode(CniSandbox sandbox) throws Exception {
    CniNetwork list =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-bad\",\"plugins\":[{\"type\":\"bridge\","
                + "\"bridge\":\"jcni-br4\",\"ipam\":"
                + hostLocal("198.18.3.0/33", "198.18.3.1")
                + "}]}");
    assertThatThrownBy(list::add)
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"e2e-bad\" (container " + sandbox.containerId() + ", eth0)")
        .hasMessageContaining("plugin type=\"bridge\"")
        .hasMessageContaining("invalid CIDR address")
        .satisfies(
            e ->
                assertThat(((PluginErrorException) e).cniError().map(CniError::code))
                    .contains((long) CniError.INTERNAL));
    assertThat(sandbox.client().cachedAttachment("e2e-bad", sandbox.containerId(), "eth0"))
        .isEmpty();
  }

  @Test
  void delAfterAPartialAddCleansUpWhatTheFirstPluginsDid(CniSandbox sandbox) throws Exception {
    CniNetwork list =
        bridgeList(
            sandbox,
            "e2e-part",
            "jcni-br5",
            ",{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.no_such_sysctl\":\"1\"}}");
    assertThatThrownBy(list::add)
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("plugin type=\"tuning\"");
    // bridge ran: its veth and lease exist, but nothing is cached
    assertThat(veths(sandbox)).isEqualTo(1);
    assertThat(leaseFiles(sandbox, "e2e-part")).hasSize(1);
    assertThat(sandbox.client().cachedAttachment("e2e-part", sandbox.containerId(), "eth0"))
        .isEmpty();

    // the spec: a DEL must follow even a failed ADD
    list.delete(sandbox.attachmentBuilder("eth0").build());
    assertThat(veths(sandbox)).isZero();
    assertThat(leaseFiles(sandbox, "e2e-part")).isEmpty();
  }
}
