package dev.jcni.capability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capability JSON given to the reference plugins themselves ({@code /usr/lib/cni}, or the
 * directory of the system property {@code jcni.cniPath}), each run as root in a network namespace
 * of its own ({@code unshare -n}), with {@code runtimeConfig} derived as libcni derives it: the
 * capabilities the plugin declares. The outcome is read from the plugin's result and from the
 * namespace (links, qdiscs, iptables rules). Needs root and the plugins; never skipped.
 */
class CapabilityArgsRealPluginTest {
  private static final Path PLUGINS = Path.of(System.getProperty("jcni.cniPath", "/usr/lib/cni"));

  @TempDir Path tmp;

  @BeforeAll
  static void needsRootAndTheReferencePlugins() throws Exception {
    Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(id.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(uid)
        .as("these tests run plugins in a namespace of their own: run as root")
        .isEqualTo("0");
    for (String p : new String[] {"host-local", "static", "tuning", "bandwidth", "portmap"}) {
      assertThat(PLUGINS.resolve(p))
          .as("reference plugin (bin/setup installs them)")
          .isExecutable();
    }
  }

  /** What one plugin run left behind. */
  record Run(int exitCode, String stdout, String stderr, String after) {
    JsonNode result() throws IOException {
      assertThat(exitCode).as("plugin failed: %s %s", stdout, stderr).isZero();
      return Json.parse(stdout.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The plugin's stdin as libcni builds it: runtimeConfig holds the declared capabilities only. */
  private static ObjectNode withRuntimeConfig(ObjectNode conf, ObjectNode capabilityArgs) {
    ObjectNode out = conf.deepCopy();
    ObjectNode runtimeConfig = out.putObject("runtimeConfig");
    JsonNode declared = conf.get("capabilities");
    for (Map.Entry<String, JsonNode> e : declared.properties()) {
      if (e.getValue().asBoolean() && capabilityArgs.has(e.getKey())) {
        runtimeConfig.set(e.getKey(), capabilityArgs.get(e.getKey()));
      }
    }
    return out;
  }

  /**
   * Runs {@code setup}, then the plugin's ADD, then {@code after}, all in a new network namespace;
   * CNI_NETNS names the plugin's own namespace, so "host" and "container" are the same fresh one.
   */
  private Run add(
      String plugin,
      String containerId,
      String ifName,
      ObjectNode stdin,
      String setup,
      String after)
      throws Exception {
    Path dir = Files.createTempDirectory(tmp, plugin);
    Files.write(dir.resolve("stdin.json"), Json.compact(stdin));
    String script =
        "set -e\n"
            + "cd '"
            + dir
            + "'\n"
            + setup
            + "\n"
            + "export CNI_COMMAND=ADD CNI_CONTAINERID='"
            + containerId
            + "' CNI_NETNS=/proc/self/ns/net"
            + " CNI_IFNAME='"
            + ifName
            + "' CNI_PATH='"
            + PLUGINS
            + "'\n"
            + "rc=0\n"
            + "'"
            + PLUGINS.resolve(plugin)
            + "' < stdin.json > stdout.txt 2> stderr.txt || rc=$?\n"
            + "echo $rc > rc.txt\n"
            + "("
            + after
            + ") > after.txt 2>&1 || true\n";
    Files.writeString(dir.resolve("run.sh"), script);
    Process p =
        new ProcessBuilder("unshare", "-n", "sh", dir.resolve("run.sh").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("unshare.txt").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("plugin run finished").isTrue();
    assertThat(p.exitValue())
        .as("namespace set-up: %s", Files.readString(dir.resolve("unshare.txt")))
        .isZero();
    return new Run(
        Integer.parseInt(Files.readString(dir.resolve("rc.txt")).trim()),
        Files.readString(dir.resolve("stdout.txt")),
        Files.readString(dir.resolve("stderr.txt")),
        Files.readString(dir.resolve("after.txt")));
  }

  private static ObjectNode conf(String json) throws IOException {
    return (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hostLocalAllocatesTheRequestedIpsFromTheIpRanges() throws Exception {
    ObjectNode args =
        CapabilityArgs.builder()
            .ipRangeSet(
                IpRange.of("198.18.4.0/24")
                    .withRangeStart("198.18.4.10")
                    .withRangeEnd("198.18.4.20")
                    .withGateway("198.18.4.254"))
            .ipRangeSet(IpRange.of("2001:db8:4::/64"))
            .ips("198.18.4.15", "2001:db8:4::15")
            .build();
    ObjectNode conf =
        conf(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-hl\",\"type\":\"bridge\","
                + "\"capabilities\":{\"ipRanges\":true,\"ips\":true},"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                + tmp.resolve("host-local")
                + "\"}}");
    JsonNode result =
        add("host-local", "c1", "eth0", withRuntimeConfig(conf, args), "", "true").result();
    assertThat(result.get("ips")).hasSize(2);
    assertThat(result.get("ips").get(0).get("address").asText()).isEqualTo("198.18.4.15/24");
    assertThat(result.get("ips").get(0).get("gateway").asText()).isEqualTo("198.18.4.254");
    assertThat(result.get("ips").get(1).get("address").asText()).isEqualTo("2001:db8:4::15/64");
    assertThat(result.get("ips").get(1).get("gateway").asText()).isEqualTo("2001:db8:4::1");
  }

  @Test
  void hostLocalAllocatesOnlyBetweenRangeStartAndRangeEnd() throws Exception {
    ObjectNode args =
        CapabilityArgs.builder()
            .ipRangeSet(
                IpRange.of("198.18.4.0/24")
                    .withRangeStart("198.18.4.10")
                    .withRangeEnd("198.18.4.11"))
            .build();
    ObjectNode conf =
        withRuntimeConfig(
            conf(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-range\",\"type\":\"bridge\","
                    + "\"capabilities\":{\"ipRanges\":true},"
                    + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                    + tmp.resolve("host-local")
                    + "\"}}"),
            args);
    assertThat(
            add("host-local", "c1", "eth0", conf, "", "true")
                .result()
                .at("/ips/0/address")
                .asText())
        .isEqualTo("198.18.4.10/24");
    assertThat(
            add("host-local", "c2", "eth0", conf, "", "true")
                .result()
                .at("/ips/0/address")
                .asText())
        .isEqualTo("198.18.4.11/24");
    Run third = add("host-local", "c3", "eth0", conf, "", "true");
    assertThat(third.exitCode()).isNotZero();
    assertThat(third.stdout()).contains("no IP addresses available");
  }

  @Test
  void staticTakesTheIps() throws Exception {
    ObjectNode args = CapabilityArgs.builder().ips("198.18.5.2/24", "2001:db8:5::2/64").build();
    ObjectNode conf =
        conf(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-static\",\"type\":\"bridge\","
                + "\"capabilities\":{\"ips\":true},\"ipam\":{\"type\":\"static\"}}");
    JsonNode result =
        add("static", "c1", "eth0", withRuntimeConfig(conf, args), "", "true").result();
    assertThat(result.at("/ips/0/address").asText()).isEqualTo("198.18.5.2/24");
    assertThat(result.at("/ips/1/address").asText()).isEqualTo("2001:db8:5::2/64");
  }

  @Test
  void tuningSetsTheMac() throws Exception {
    ObjectNode args = CapabilityArgs.builder().mac("02:42:C6:12:00:07").build();
    ObjectNode conf =
        conf(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-tuning\",\"type\":\"tuning\","
                + "\"capabilities\":{\"mac\":true},"
                + "\"prevResult\":{\"cniVersion\":\"1.0.0\","
                + "\"interfaces\":[{\"name\":\"c0\",\"sandbox\":\"/proc/self/ns/net\"}]}}");
    Run run =
        add(
            "tuning",
            "c1",
            "c0",
            withRuntimeConfig(conf, args),
            "ip link add c0 type veth peer name h0",
            "ip -o link show c0");
    JsonNode result = run.result();
    assertThat(result.at("/interfaces/0/mac").asText()).isEqualTo("02:42:c6:12:00:07");
    assertThat(run.after()).contains("link/ether 02:42:c6:12:00:07");
  }

  @Test
  void bandwidthShapesBothDirections() throws Exception {
    ObjectNode args =
        CapabilityArgs.builder()
            .bandwidth(Bandwidth.ingress(8_000_000, 800_000).withEgress(4_000_000, 400_000))
            .build();
    ObjectNode conf =
        conf(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-bw\",\"type\":\"bandwidth\","
                + "\"capabilities\":{\"bandwidth\":true},"
                + "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":["
                + "{\"name\":\"h0\"},{\"name\":\"c0\",\"sandbox\":\"/proc/self/ns/net\"}]}}");
    Run run =
        add(
            "bandwidth",
            "c1",
            "c0",
            withRuntimeConfig(conf, args),
            "ip link add h0 type veth peer name c0; ip link set h0 up; ip link set c0 up",
            "tc qdisc show");
    run.result();
    // into the container: a token bucket on the host side of the veth; out of it: one on the
    // ifb device the plugin mirrors the host side's ingress to
    assertThat(run.after()).containsPattern("qdisc tbf \\S+ dev h0 .*rate 8Mbit");
    assertThat(run.after()).containsPattern("qdisc tbf \\S+ dev bwp\\S* .*rate 4Mbit");
  }

  @Test
  void portmapForwardsTheMappedPorts() throws Exception {
    ObjectNode args =
        CapabilityArgs.builder()
            .portMapping(8080, 80, "tcp")
            .portMapping(PortMapping.of(5353, 53, "udp").withHostIp("198.18.6.1"))
            .build();
    ObjectNode conf =
        conf(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"caps-pm\",\"type\":\"portmap\","
                + "\"capabilities\":{\"portMappings\":true},"
                + "\"prevResult\":{\"cniVersion\":\"1.0.0\","
                + "\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/proc/self/ns/net\"}],"
                + "\"ips\":[{\"address\":\"198.18.6.2/24\",\"interface\":0}]}}");
    Run run = add("portmap", "c1", "eth0", withRuntimeConfig(conf, args), "", "iptables -t nat -S");
    run.result();
    assertThat(run.after())
        .containsPattern("-p tcp .*--dport 8080 .*--to-destination 198.18.6.2:80")
        .containsPattern(
            "-d 198.18.6.1/32 .*-p udp .*--dport 5353 .*--to-destination 198.18.6.2:53");
  }
}
