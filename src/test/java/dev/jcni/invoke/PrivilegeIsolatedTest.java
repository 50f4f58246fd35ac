package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.netns.NetworkNamespace;
import dev.jcni.result.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The least-privilege profile, proved by what plugins see: the probe plugin {@code
 * privilege-probe} reports its own capabilities, {@code no_new_privs}, user and mount namespace,
 * and the reference bridge, host-local and portmap plugins still work under the profile.
 *
 * <p>Needs root and runs only in the isolated JVM (bin/isolated-java): its own network namespace is
 * the "host" the plugins change, container namespaces live under its private /run/netns, host-local
 * keeps its leases in a temporary directory, addresses come from 198.18.0.0/15. Fails, never skips,
 * when that environment is missing.
 */
@Tag("isolated")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrivilegeIsolatedTest {
  private static final Path PLUGINS = Path.of("/usr/lib/cni");
  private static final String FULL_PROFILE_MASK = "0000000000203000";

  @TempDir Path tmp;

  @BeforeAll
  static void requireIsolation() throws Exception {
    String host = System.getenv("JCNI_HOST_NETNS");
    assertThat(host).as("must run in the JVM of bin/isolated-java").isNotBlank();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString())
        .as("this JVM's network namespace differs from the machine's")
        .isNotEqualTo(host);
    assertThat(Files.readString(Path.of("/proc/self/status")))
        .as("these tests need root")
        .containsPattern("(?m)^Uid:\\s+0\\s");
    assertThat(PLUGINS.resolve("bridge")).isExecutable();
  }

  /** Runs the probe once with the given options and returns its report. */
  private Map<String, String> probe(ExecOptions options, Path reportDir) throws Exception {
    Path report = reportDir.resolve("report");
    Files.deleteIfExists(report);
    PluginInvocation add =
        new PluginInvocation(
            Verb.ADD,
            "c1",
            "",
            "eth0",
            "",
            Plugins.dir().toString(),
            Map.of("JCNI_PROBE_REPORT", report.toString()),
            "{}".getBytes(StandardCharsets.UTF_8));
    byte[] stdout = new PluginExecutor(options).execute(Plugins.find("privilege-probe"), add);
    assertThat(new String(stdout, StandardCharsets.UTF_8)).contains("\"interfaces\"");
    Map<String, String> fields = new HashMap<>();
    for (String line : Files.readAllLines(report)) {
      int space = line.indexOf(' ');
      fields.put(line.substring(0, space), line.substring(space + 1));
    }
    assertThat(fields)
        .containsKeys("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "uid")
        .containsKeys("mntns", "rootro");
    return fields;
  }

  private static String ownMountNamespace() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
  }

  @Test
  void withoutTheProfileTheProbeSeesFullRootPrivileges() throws Exception {
    Map<String, String> r = probe(ExecOptions.defaults(), tmp);

    // the baseline, so that the assertions below can fail: root's full sets, no no_new_privs
    assertThat(r.get("CapBnd")).isNotEqualTo(FULL_PROFILE_MASK);
    assertThat(Long.parseUnsignedLong(r.get("CapEff"), 16) & 0x203000L).isEqualTo(0x203000L);
    assertThat(r.get("NoNewPrivs")).isEqualTo("0");
    assertThat(r.get("mntns")).isEqualTo(ownMountNamespace());
  }

  @Test
  void basicProfileLeavesOnlyTheThreeCapabilitiesAndSetsNoNewPrivs() throws Exception {
    PrivilegeProfile profile = PrivilegeProfile.leastPrivilege();
    profile.requireApplicable();

    Map<String, String> r = probe(ExecOptions.builder().privilegeProfile(profile).build(), tmp);

    // CAP_NET_ADMIN (12), CAP_NET_RAW (13) and CAP_SYS_ADMIN (21): bits 0x3000 and 0x200000
    assertThat(r.get("CapBnd")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapPrm")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapEff")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapInh")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapAmb")).isEqualTo("0000000000000000");
    assertThat(r.get("NoNewPrivs")).isEqualTo("1");
    assertThat(r.get("uid")).isEqualTo("0 0");
    assertThat(r.get("mntns")).as("no mount namespace without readOnlyRoot").isEqualTo(ownMountNamespace());
  }

  @Test
  void extraCapabilitiesAreKept() throws Exception {
    PrivilegeProfile profile = PrivilegeProfile.builder().capability("CAP_KILL").build();
    profile.requireApplicable();

    Map<String, String> r = probe(ExecOptions.builder().privilegeProfile(profile).build(), tmp);

    assertThat(r.get("CapBnd")).isEqualTo("0000000000203020"); // CAP_KILL is 5
    assertThat(r.get("CapEff")).isEqualTo("0000000000203020");
  }

  @Test
  void readOnlyRootAndUserGiveAPrivateReadOnlyMountNamespaceAndAmbientCapabilities()
      throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    Path reports = Files.createDirectory(tmp.resolve("reports"));
    Files.setPosixFilePermissions(reports, PosixFilePermissions.fromString("rwxrwxrwx"));
    PrivilegeProfile profile =
        PrivilegeProfile.builder()
            .readOnlyRoot(true)
            .writablePath(reports)
            .user(65534, 65534)
            .build();
    profile.requireApplicable();

    Map<String, String> r = probe(ExecOptions.builder().privilegeProfile(profile).build(), reports);

    assertThat(r.get("uid")).isEqualTo("65534 65534");
    assertThat(r.get("CapBnd")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapEff")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("CapAmb")).isEqualTo(FULL_PROFILE_MASK);
    assertThat(r.get("NoNewPrivs")).isEqualTo("1");
    assertThat(r.get("mntns")).isNotEqualTo(ownMountNamespace());
    assertThat(r.get("rootro")).isEqualTo("yes");
    assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
        .as("the JVM's own root is writable, so the probe's answer is the profile's doing")
        .doesNotContainPattern("(?m)^\\S+ \\S+ \\S+ \\S+ / ro[, ]");
  }

  @Test
  void aProfileThatCannotBeAppliedFailsWhenTheClientIsBuilt() throws Exception {
    // A child JVM without CAP_SETPCAP cannot reduce the bounding set of its plugins.
    Process p =
        new ProcessBuilder(
                "/usr/bin/setpriv",
                "--bounding-set=-setpcap",
                "--inh-caps=-all",
                "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PrivilegeProfileCheck.class.getName(),
                tmp.resolve("cache").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    assertThat(out)
        .isEqualTo(
            PrivilegeProfileException.class.getName()
                + "\tthe least-privilege profile cannot be applied: "
                + "this process lacks CAP_SETPCAP, needed to reduce the bounding set");
  }

  // ------------------------------------------------------------------ real plugins

  private CniClient client(Path leases) throws Exception {
    return client(leases, false);
  }

  private CniClient client(Path leases, boolean prestart) throws Exception {
    PrivilegeProfile profile =
        PrivilegeProfile.builder().readOnlyRoot(true).writablePath(leases).build();
    return CniClient.builder()
        .prestartPlugins(prestart)
        .pluginDirectories(List.of(PLUGINS))
        .cacheDirectory(tmp.resolve("cache"))
        .execOptions(
            ExecOptions.builder()
                .deadline(Duration.ofSeconds(30))
                .privilegeProfile(profile)
                .build())
        .build();
  }

  private static NetworkConfigList list(String name, String bridge, String subnet, String gateway,
      Path leases, String extraPlugins) throws Exception {
    String json =
        "{\"cniVersion\":\"1.0.0\",\"name\":\""
            + name
            + "\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\""
            + bridge
            + "\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
            + leases
            + "\",\"ranges\":[[{\"subnet\":\""
            + subnet
            + "\",\"gateway\":\""
            + gateway
            + "\"}]]}}"
            + extraPlugins
            + "]}";
    return NetworkConfigList.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> leaseFiles(Path leases, String network) throws IOException {
    Path dir = leases.resolve(network);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("198.")).toList();
    }
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", argv), out).isZero();
    return out;
  }

  @Test
  void bridgeAndHostLocalAddCheckDelUnderTheProfile() throws Exception {
    Path leases = Files.createDirectory(tmp.resolve("leases"));
    CniClient client = client(leases);
    NetworkConfigList list =
        list("priv-br", "jcni-pbr0", "198.18.10.0/24", "198.18.10.1", leases, "");
    try (NetworkNamespace ns = NetworkNamespace.create("jcni-priv-c1")) {
      Attachment a = Attachment.builder("c1", "eth0").netns(ns.path().toString()).build();

      Result result = client.add(list, a);

      assertThat(result.ips().get(0).address().toString()).isEqualTo("198.18.10.2/24");
      assertThat(run("ip", "-n", "jcni-priv-c1", "-4", "addr", "show", "eth0"))
          .contains("inet 198.18.10.2/24");
      assertThat(leaseFiles(leases, "priv-br")).containsExactly("198.18.10.2");

      client.check(list, a);
      client.delete(list, a);

      assertThat(leaseFiles(leases, "priv-br")).isEmpty();
      assertThat(run("ip", "-o", "link", "show", "type", "veth")).isBlank();
    } finally {
      NetworkNamespace.delete("jcni-priv-c1");
    }
  }

  @Test
  void portmapAddsAndRemovesItsRulesUnderTheProfile() throws Exception {
    // CHECK is left out: portmap 1.1.1's CHECK fails on IPv4-only attachments (docs/conformance.md)
    Path leases = Files.createDirectory(tmp.resolve("leases"));
    CniClient client = client(leases);
    NetworkConfigList list =
        list(
            "priv-pm",
            "jcni-pbr1",
            "198.18.11.0/24",
            "198.18.11.1",
            leases,
            ",{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"snat\":false}");
    ObjectNode caps =
        (ObjectNode)
            Json.parse(
                "{\"portMappings\":[{\"hostPort\":18081,\"containerPort\":80,\"protocol\":\"tcp\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    try (NetworkNamespace ns = NetworkNamespace.create("jcni-priv-c2")) {
      Attachment a =
          Attachment.builder("c2", "eth0").netns(ns.path().toString()).capabilityArgs(caps).build();

      client.add(list, a);

      assertThat(run("iptables", "-t", "nat", "-S")).contains("--dport 18081");

      client.delete(list, a);

      assertThat(run("iptables", "-t", "nat", "-S")).doesNotContain("18081");
      assertThat(leaseFiles(leases, "priv-pm")).isEmpty();
    } finally {
      NetworkNamespace.delete("jcni-priv-c2");
    }
  }

  @Test
  void prestartedRealPluginsRunTheirChainUnderTheProfile() throws Exception {
    Path leases = Files.createDirectory(tmp.resolve("leases"));
    CniClient client = client(leases, true);
    NetworkConfigList list =
        list(
            "priv-pre",
            "jcni-pbr2",
            "198.18.12.0/24",
            "198.18.12.1",
            leases,
            ",{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"snat\":false}"
                + ",{\"type\":\"tuning\","
                + "\"sysctl\":{\"net.ipv4.conf.eth0.accept_redirects\":\"0\"}}");
    ObjectNode caps =
        (ObjectNode)
            Json.parse(
                ("{\"portMappings\":[{\"hostPort\":18082,"
                        + "\"containerPort\":80,\"protocol\":\"tcp\"}]}")
                    .getBytes(StandardCharsets.UTF_8));
    try (NetworkNamespace ns = NetworkNamespace.create("jcni-priv-c3")) {
      Attachment a =
          Attachment.builder("c3", "eth0").netns(ns.path().toString()).capabilityArgs(caps).build();

      Result result = client.add(list, a);

      assertThat(result.ips().get(0).address().toString()).isEqualTo("198.18.12.2/24");
      assertThat(run("iptables", "-t", "nat", "-S")).contains("--dport 18082");
      assertThat(
              run("ip", "netns", "exec", "jcni-priv-c3", "cat",
                  "/proc/sys/net/ipv4/conf/eth0/accept_redirects"))
          .isEqualTo("0\n");

      client.delete(list, a);

      assertThat(run("iptables", "-t", "nat", "-S")).doesNotContain("18082");
      assertThat(leaseFiles(leases, "priv-pre")).isEmpty();
      assertThat(ProcessHandle.current().children().count())
          .as("no prestarted process left behind")
          .isZero();
    } finally {
      NetworkNamespace.delete("jcni-priv-c3");
    }
  }
}
