package dev.jcni.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.GcReport;
import dev.jcni.NetworkStatus;
import dev.jcni.PluginErrorException;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.result.CniError;
import dev.jcni.result.CniVersion;
import dev.jcni.result.Result;
import dev.jcni.result.VersionInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: the reference plugins of the Debian package containernetworking-plugins
 * (/usr/lib/cni) creating real interfaces, driven through {@link CniClient}.
 *
 * <p>Needs root and runs only in the isolated JVM (bin/isolated/java): the JVM's own network
 * namespace is a throwaway "host", container namespaces are made with {@code ip netns add} under a
 * private /run/netns, and host-local keeps its leases in a temporary directory. Addresses come from
 * 198.18.0.0/15. These tests fail, never skip, when that environment is missing.
 */
@Tag("isolated")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealPluginsIsolatedTest {
  private static final Path PLUGINS = Path.of("/usr/lib/cni");

  @TempDir Path tmp;
  private Path leases;
  private CniClient client;
  private final List<String> namespaces = new ArrayList<>();

  @BeforeAll
  static void isolated() throws Exception {
    Host.requireIsolation();
    assertThat(PLUGINS.resolve("bridge")).as("bin/setup installs containernetworking-plugins").isExecutable();
  }

  @BeforeEach
  void setUp() throws Exception {
    leases = Files.createDirectories(tmp.resolve("ipam"));
    client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .execOptions(ExecOptions.builder().deadline(Duration.ofSeconds(30)).build())
            .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String ns : namespaces) {
      Host.deleteNetns(ns);
    }
  }

  private String netns(String name) throws Exception {
    namespaces.add(name);
    return Host.addNetns(name);
  }

  private NetworkConfigList list(String json) throws Exception {
    return NetworkConfigList.parse(
        json.replace("@LEASES@", leases.toString()).getBytes(StandardCharsets.UTF_8));
  }

  private static String hostLocal(String subnet, String gateway) {
    return "{\"type\":\"host-local\",\"dataDir\":\"@LEASES@\",\"ranges\":[[{\"subnet\":\""
        + subnet
        + "\",\"gateway\":\""
        + gateway
        + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\""
        + gateway
        + "\"}]}";
  }

  private NetworkConfigList bridgeList(String name, String bridge, String extraPlugins)
      throws Exception {
    return list(
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

  private static Attachment attachment(String containerId, String netns) {
    return Attachment.builder(containerId, "eth0").netns(netns).build();
  }

  private List<String> leaseFiles(String network) throws Exception {
    Path dir = leases.resolve(network);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("198.")).sorted().toList();
    }
  }

  private static long veths() throws Exception {
    return Host.run("ip", "-o", "link", "show", "type", "veth").lines()
        .filter(l -> !l.contains("jcni-mv"))
        .count();
  }

  @Test
  void bridgeAndHostLocalAddCheckDel() throws Exception {
    String ns = netns("br-c1");
    NetworkConfigList list = bridgeList("e2e-br", "jcni-br0", "");

    Result result = client.add(list, attachment("c1", ns));

    assertThat(result.cniVersion()).isEqualTo(CniVersion.V1_0_0);
    assertThat(result.ips()).singleElement().satisfies(ip -> assertThat(ip.address().toString()).isEqualTo("198.18.0.2/24"));
    assertThat(Host.ipIn("br-c1", "-4", "addr", "show", "eth0")).contains("inet 198.18.0.2/24");
    assertThat(Host.ipIn("br-c1", "route")).contains("default via 198.18.0.1 dev eth0");
    assertThat(Host.run("ip", "-4", "addr", "show", "jcni-br0")).contains("inet 198.18.0.1/24");
    assertThat(leaseFiles("e2e-br")).containsExactly("198.18.0.2");
    assertThat(veths()).isEqualTo(1);

    client.check(list, attachment("c1", ns));

    client.delete(list, attachment("c1", ns));

    assertThat(leaseFiles("e2e-br")).as("host-local released the address").isEmpty();
    assertThat(veths()).as("no veth left").isZero();
    assertThat(Host.exec("ip", "-n", "br-c1", "link", "show", "eth0").exit).isNotZero();
    assertThat(client.cachedAttachment("e2e-br", "c1", "eth0")).isEmpty();
  }

  @Test
  void ptpAndHostLocal() throws Exception {
    String ns = netns("ptp-c1");
    NetworkConfigList list =
        list(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-ptp\",\"plugins\":[{\"type\":\"ptp\",\"ipMasq\":false,"
                + "\"ipam\":"
                + hostLocal("198.18.1.0/24", "198.18.1.1")
                + "}]}");
    Result result = client.add(list, attachment("c1", ns));
    assertThat(result.ips().get(0).address().toString()).isEqualTo("198.18.1.2/24");
    assertThat(Host.ipIn("ptp-c1", "-4", "addr", "show", "eth0")).contains("inet 198.18.1.2/24");
    client.check(list, attachment("c1", ns));
    client.delete(list, attachment("c1", ns));
    assertThat(leaseFiles("e2e-ptp")).isEmpty();
    assertThat(veths()).isZero();
  }

  /**
   * macvlan over a parent made for the test. The issue asks for a dummy parent, but the kernel of
   * this machine kind has no dummy driver ("Unknown device type"), so the parent is one end of a
   * veth pair: any Ethernet device serves macvlan the same way.
   */
  @Test
  void macvlanOverATestParent() throws Exception {
    Host.run("ip", "link", "add", "jcni-mv0", "type", "veth", "peer", "name", "jcni-mv1");
    try {
      Host.run("ip", "link", "set", "jcni-mv0", "up");
      Host.run("ip", "link", "set", "jcni-mv1", "up");
      String ns = netns("mv-c1");
      NetworkConfigList list =
          list(
              "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-mv\",\"plugins\":[{\"type\":\"macvlan\","
                  + "\"master\":\"jcni-mv0\",\"mode\":\"bridge\",\"ipam\":"
                  + hostLocal("198.18.2.0/24", "198.18.2.1")
                  + "}]}");
      client.add(list, attachment("c1", ns));
      String link = Host.ipIn("mv-c1", "-d", "link", "show", "eth0");
      assertThat(link).contains("macvlan");
      assertThat(Host.ipIn("mv-c1", "-4", "addr", "show", "eth0")).contains("inet 198.18.2.2/24");
      client.delete(list, attachment("c1", ns));
      assertThat(Host.exec("ip", "-n", "mv-c1", "link", "show", "eth0").exit).isNotZero();
      assertThat(leaseFiles("e2e-mv")).isEmpty();
    } finally {
      Host.exec("ip", "link", "delete", "jcni-mv0");
    }
  }

  @Test
  void loopbackBringsLoUp() throws Exception {
    String ns = "lo-c1";
    namespaces.add(ns);
    Host.run("ip", "netns", "add", ns); // lo left down on purpose
    assertThat(Host.ipIn(ns, "link", "show", "lo")).doesNotContain("UP,LOWER_UP");
    NetworkConfigList list =
        list("{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-lo\",\"plugins\":[{\"type\":\"loopback\"}]}");
    Attachment a = Attachment.builder("c1", "lo").netns("/run/netns/" + ns).build();
    client.add(list, a);
    assertThat(Host.ipIn(ns, "link", "show", "lo")).contains("UP,LOWER_UP");
    client.delete(list, a);
  }

  @Test
  void chainWithPortmapFirewallTuningAndBandwidthUsesCapabilityArgs() throws Exception {
    String ns = netns("chain-c1");
    NetworkConfigList list =
        bridgeList(
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
    Attachment a = Attachment.builder("c1", "eth0").netns(ns).capabilityArgs(caps).build();

    client.add(list, a);

    assertThat(Host.run("iptables", "-t", "nat", "-S")).contains("18080").contains("CNI-HOSTPORT-DNAT");
    assertThat(Host.run("iptables", "-S")).contains("CNI-FORWARD");
    assertThat(
            Host.run(
                "ip", "netns", "exec", "chain-c1", "cat", "/proc/sys/net/ipv4/conf/eth0/accept_redirects"))
        .as("tuning set the sysctl inside the container")
        .isEqualTo("0\n");
    assertThat(Host.run("tc", "qdisc", "show")).as("bandwidth shaped the host veth").contains("tbf");

    // portmap 1.1.1's CHECK looks for its IPv6 chain even on an IPv4-only attachment and fails:
    // a plugin bug, recorded in docs/conformance.md; the reference cnitool fails the same way.
    assertThatThrownBy(() -> client.check(list, a))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("portmap");

    client.delete(list, a);
    assertThat(Host.run("iptables", "-t", "nat", "-S")).doesNotContain("18080");
    assertThat(veths()).isZero();
  }

  @Test
  void gcDeletesTheStaleAttachmentAndKeepsTheValidOne() throws Exception {
    String keep = netns("gc-keep");
    String stale = netns("gc-stale");
    NetworkConfigList list = bridgeList("e2e-gc", "jcni-br2", "");
    client.add(list, attachment("keep", keep));
    client.add(list, attachment("stale", stale));
    assertThat(leaseFiles("e2e-gc")).hasSize(2);

    GcReport report = client.gc(list, List.of(Map.entry("keep", "eth0")));

    assertThat(report.succeeded()).isTrue();
    assertThat(report.deleted()).extracting(k -> k.containerId()).containsExactly("stale");
    assertThat(leaseFiles("e2e-gc")).containsExactly("198.18.0.2");
    assertThat(Host.exec("ip", "-n", "gc-stale", "link", "show", "eth0").exit).isNotZero();
    assertThat(Host.ipIn("gc-keep", "-4", "addr", "show", "eth0")).contains("198.18.0.2/24");
    client.delete(list, attachment("keep", keep));
  }

  @Test
  void statusOfA100ListIsReadyAndEveryPluginAnswersVersion() throws Exception {
    assertThat(client.status(bridgeList("e2e-st", "jcni-br3", ""))).isEqualTo(NetworkStatus.READY);
    List<String> types;
    try (Stream<Path> s = Files.list(PLUGINS)) {
      types = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(types).contains("bridge", "host-local", "loopback", "ptp", "macvlan", "portmap");
    for (String type : types) {
      VersionInfo info = client.versionInfo(type);
      assertThat(info.supports(CniVersion.V1_0_0)).as(type).isTrue();
    }
  }

  @Test
  void aBadSubnetFailsAddWithTheCniErrorCode() throws Exception {
    String ns = netns("bad-c1");
    NetworkConfigList list =
        list(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"e2e-bad\",\"plugins\":[{\"type\":\"bridge\","
                + "\"bridge\":\"jcni-br4\",\"ipam\":"
                + hostLocal("198.18.3.0/33", "198.18.3.1")
                + "}]}");
    assertThatThrownBy(() -> client.add(list, attachment("c1", ns)))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"e2e-bad\" (container c1, eth0)")
        .hasMessageContaining("plugin type=\"bridge\"")
        .hasMessageContaining("invalid CIDR address")
        .satisfies(
            e ->
                assertThat(((PluginErrorException) e).cniError().map(CniError::code))
                    .contains((long) CniError.INTERNAL));
    assertThat(client.cachedAttachment("e2e-bad", "c1", "eth0")).isEmpty();
  }

  @Test
  void delAfterAPartialAddCleansUpWhatTheFirstPluginsDid() throws Exception {
    String ns = netns("part-c1");
    NetworkConfigList list =
        bridgeList(
            "e2e-part",
            "jcni-br5",
            ",{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.no_such_sysctl\":\"1\"}}");
    assertThatThrownBy(() -> client.add(list, attachment("c1", ns)))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("plugin type=\"tuning\"");
    // bridge ran: its veth and lease exist, but nothing is cached
    assertThat(veths()).isEqualTo(1);
    assertThat(leaseFiles("e2e-part")).hasSize(1);
    assertThat(client.cachedAttachment("e2e-part", "c1", "eth0")).isEmpty();

    // the spec: a DEL must follow even a failed ADD
    client.delete(list, attachment("c1", ns));
    assertThat(veths()).isZero();
    assertThat(leaseFiles("e2e-part")).isEmpty();
  }
}
