package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CnitoolEnvironmentTest {
  /** The JVM's working directory. */
  private static final Path CWD = Path.of("").toAbsolutePath();

  @TempDir Path tmp;

  private static CnitoolEnvironment env(Map<String, String> vars, String... options) {
    Map<String, List<String>> parsed = new LinkedHashMap<>();
    for (int i = 0; i < options.length; i += 2) {
      parsed.put(options[i], List.of(options[i + 1]));
    }
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return CnitoolEnvironment.of(new Call(List.of(), parsed, vars, sink, sink));
  }

  // ---- the container id ----

  @Test
  void derivesTheContainerIdCnitoolDerives() {
    // the pair recorded from the reference cnitool (shared/ref/README.md and the cache fixture
    // testdata/cache/libcni-1.1.2-cnitool-bridge.json), and `printf %s PATH | sha512sum`
    assertThat(CnitoolEnvironment.containerIdFor("/var/run/netns/cniref-c1", CWD))
        .isEqualTo("cnitool-705c6e61e3b30c99ec77");
  }

  @Test
  void derivesTheContainerIdFromTheCleanedAbsolutePath() {
    String id = CnitoolEnvironment.containerIdFor("/var/run/netns/cniref-c1", CWD);
    // filepath.Abs cleans the path: the same namespace gives the same id however it is written
    assertThat(CnitoolEnvironment.containerIdFor("/var/run//netns/./x/../cniref-c1/", CWD))
        .isEqualTo(id);
    String cwd = CWD.toString();
    assertThat(CnitoolEnvironment.containerIdFor("rel/ns", CWD))
        .isEqualTo(CnitoolEnvironment.containerIdFor(cwd + "/rel/ns", CWD))
        .isNotEqualTo(CnitoolEnvironment.containerIdFor("/rel/ns", CWD));
    assertThat(CnitoolEnvironment.absoluteNetns("rel/../ns", CWD)).isEqualTo(cwd + "/ns");
  }

  @Test
  void resolvesARelativeNetnsAgainstTheWorkingDirectoryByWhichPwdNamesIt() throws Exception {
    // cnitool's filepath.Abs takes Go's os.Getwd, which is $PWD when that names the working
    // directory: from a shell in /tmp/dclink (a symbolic link to /tmp/dc), `cnitool add NET relns`
    // sends CNI_NETNS=/tmp/dclink/relns with CNI_CONTAINERID=cnitool-d2d507685373cdd92152 (checked
    // with the reference cnitool, libcni 1.1.2, and `printf %s /tmp/dclink/relns | sha512sum`)
    assertThat(CnitoolEnvironment.containerIdFor("relns", Path.of("/tmp/dclink")))
        .isEqualTo("cnitool-d2d507685373cdd92152");
    Path link = Files.createSymbolicLink(tmp.resolve("link-to-cwd"), CWD);
    CnitoolEnvironment viaLink = env(Map.of("PWD", link.toString()));
    assertThat(CnitoolEnvironment.workingDirectory(Map.of("PWD", link.toString())))
        .isEqualTo(link);
    Attachment a = viaLink.attachment("net1", "ns/c1");
    assertThat(a.netns()).isEqualTo(link + "/ns/c1");
    assertThat(a.containerId())
        .isEqualTo(CnitoolEnvironment.containerIdFor(link + "/ns/c1", CWD))
        .isNotEqualTo(CnitoolEnvironment.containerIdFor(CWD + "/ns/c1", CWD));
    assertThat(viaLink.attachment("net1", "/var/run/netns/cniref-c1").containerId())
        .as("an absolute netns does not depend on the working directory")
        .isEqualTo("cnitool-705c6e61e3b30c99ec77");
  }

  @Test
  void ignoresAPwdThatIsRelativeMissingOrAnotherDirectory() {
    // as os.Getwd: such a $PWD is not the working directory (checked with the reference cnitool,
    // libcni 1.1.2: PWD=/tmp or PWD=dc in /tmp/dc gives CNI_NETNS=/tmp/dc/relns)
    for (String pwd : List.of(tmp.toString(), "/", "relative", tmp.resolve("missing").toString())) {
      assertThat(CnitoolEnvironment.workingDirectory(Map.of("PWD", pwd))).as(pwd).isEqualTo(CWD);
      assertThat(env(Map.of("PWD", pwd)).attachment("net1", "ns/c1").netns())
          .isEqualTo(CWD + "/ns/c1");
    }
    assertThat(CnitoolEnvironment.workingDirectory(Map.of())).isEqualTo(CWD);
  }

  @Test
  void containerIdOptionOverridesTheDerivedOne() {
    assertThat(env(Map.of()).containerId("/var/run/netns/cniref-c1"))
        .isEqualTo("cnitool-705c6e61e3b30c99ec77");
    assertThat(env(Map.of(), "container-id", "pod-1").containerId("/var/run/netns/cniref-c1"))
        .isEqualTo("pod-1");
  }

  // ---- CNI_ARGS ----

  @Test
  void parsesCniArgsPairsInOrder() {
    assertThat(CnitoolEnvironment.parseCniArgs("K8S_POD_NAME=p1;IgnoreUnknown=1;A=b c"))
        .containsExactly(
            Map.entry("K8S_POD_NAME", "p1"),
            Map.entry("IgnoreUnknown", "1"),
            Map.entry("A", "b c"));
    assertThat(CnitoolEnvironment.parseCniArgs("K=V")).containsExactly(Map.entry("K", "V"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "K", // no '='
        "=V", // empty key
        "K=", // empty value
        "K=V=W", // two '='
        "A=1;;B=2", // empty pair in the middle
        "A=1;", // trailing ';'
        ";A=1", // leading ';'
        ";",
        "=",
        "A=1;B",
        "A=1;B=2=3"
      })
  void rejectsMalformedCniArgs(String value) {
    assertThatThrownBy(() -> CnitoolEnvironment.parseCniArgs(value))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("invalid CNI_ARGS pair \"");
  }

  @Test
  void namesTheMalformedPair() {
    assertThatThrownBy(() -> CnitoolEnvironment.parseCniArgs("A=1;B;C=3"))
        .hasMessageStartingWith("invalid CNI_ARGS pair \"B\"");
  }

  @Test
  void quotesTheMalformedPairUnambiguously() {
    // checked with the reference cnitool, libcni 1.1.2: CNI_ARGS='A"b<TAB>c' gives
    // invalid CNI_ARGS pair "A\"b\tc"
    assertThatThrownBy(() -> CnitoolEnvironment.parseCniArgs("A\"b\tc"))
        .hasMessageStartingWith("invalid CNI_ARGS pair \"A\\\"b\\tc\": ");
    assertThatThrownBy(() -> CnitoolEnvironment.parseCniArgs("A=1;\u00e9"))
        .hasMessageStartingWith("invalid CNI_ARGS pair \"\u00e9\": ");
  }

  @Test
  void unsetOrEmptyCniArgsMeansNoPairs() {
    assertThat(env(Map.of()).cniArgs()).isEmpty();
    assertThat(env(Map.of("CNI_ARGS", "")).cniArgs()).isEmpty();
  }

  // ---- CAP_ARGS ----

  @Test
  void parsesCapArgsAsAnObjectKeepingNumbersExact() {
    ObjectNode caps =
        CnitoolEnvironment.parseCapabilityArgs(
            "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80}],\"rate\":1.50}");
    assertThat(caps.get("portMappings").get(0).get("hostPort").intValue()).isEqualTo(8080);
    assertThat(caps.get("rate").decimalValue().toPlainString()).isEqualTo("1.50");
    assertThat(env(Map.of("CAP_ARGS", "{\"a\":1}")).capabilityArgs().get("a").intValue())
        .isEqualTo(1);
  }

  @Test
  void capArgsNullMeansNoneAsForCnitool() {
    assertThat(CnitoolEnvironment.parseCapabilityArgs("null")).isEmpty();
    assertThat(env(Map.of()).capabilityArgs()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"a\":1}]", "\"portMappings\"", "42", "true"})
  void rejectsCapArgsThatAreNotAnObject(String value) {
    assertThatThrownBy(() -> CnitoolEnvironment.parseCapabilityArgs(value))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("CAP_ARGS must be a JSON object");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{a:1}", "{\"a\":1} {}", " ", "{\"a\":1,\"a\":2}"})
  void rejectsCapArgsThatAreNotJson(String value) {
    assertThatThrownBy(() -> CnitoolEnvironment.parseCapabilityArgs(value))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("CAP_ARGS is not valid JSON");
  }

  // ---- interface name ----

  @Test
  void interfaceNameComesFromTheOptionThenCniIfnameThenEth0() {
    assertThat(env(Map.of()).ifName()).isEqualTo("eth0");
    assertThat(env(Map.of("CNI_IFNAME", "net1")).ifName()).isEqualTo("net1");
    assertThat(env(Map.of("CNI_IFNAME", "net1"), "ifname", "net2").ifName()).isEqualTo("net2");
  }

  @Test
  void rejectsCniIfnameSetButEmpty() {
    assertThatThrownBy(() -> env(Map.of("CNI_IFNAME", "")).ifName())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("CNI_IFNAME is set but empty");
  }

  // ---- the attachment ----

  @Test
  void buildsTheAttachmentCnitoolBuilds() {
    Map<String, String> vars = new HashMap<>();
    vars.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=p1");
    vars.put("CAP_ARGS", "{\"portMappings\":[{\"hostPort\":8080}]}");
    vars.put("CNI_IFNAME", "net1");
    Attachment a = env(vars).attachment("net1", "/var/run/netns/cniref-c1");
    assertThat(a.containerId()).isEqualTo("cnitool-705c6e61e3b30c99ec77");
    assertThat(a.netns()).isEqualTo("/var/run/netns/cniref-c1");
    assertThat(a.ifName()).isEqualTo("net1");
    assertThat(a.cniArgsString()).isEqualTo("IgnoreUnknown=1;K8S_POD_NAME=p1");
    assertThat(a.capabilityArgs())
        .isEqualTo(
            CnitoolEnvironment.parseCapabilityArgs("{\"portMappings\":[{\"hostPort\":8080}]}"));
    assertThat(a.args()).isEmpty();
  }

  @Test
  void theAttachmentCarriesTheAbsoluteNetns() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertThat(env(Map.of()).attachment("net1", "ns/c1").netns()).isEqualTo(cwd + "/ns/c1");
  }

  @Test
  void rejectsAnInterfaceNameBreakingLibcnisRulesNamingItsSource() {
    assertThatThrownBy(() -> env(Map.of("CNI_IFNAME", "a/b")).attachment("net1", "/run/netns/x"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("CNI_IFNAME: ")
        .hasMessageContaining("a/b");
    assertThatThrownBy(
            () -> env(Map.of(), "ifname", "sixteen-bytes-ab").attachment("net1", "/run/netns/x"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--ifname: ")
        .hasMessageContaining("too long");
  }

  @Test
  void rejectsAContainerIdBreakingLibcnisRules() {
    assertThatThrownBy(
            () -> env(Map.of(), "container-id", "../x").attachment("net1", "/run/netns/x"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--container-id (network \"net1\"): ")
        .hasMessageContaining("container id");
  }

  @Test
  void aContainerIdTooLongForItsNetworksCacheFileNameIsMeasuredWithTheRealNetworkName() {
    // "l1" + "-" + 248 + "-" + "eth0" = 256 bytes: one over a file name's limit; with a one-letter
    // placeholder for the network the same id would have passed
    String id = "c".repeat(248);
    assertThatThrownBy(() -> env(Map.of(), "container-id", id).attachment("l1", "/run/netns/x"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--container-id (network \"l1\"): ")
        .hasMessageContaining("would have 256 bytes")
        .hasMessageContaining("network name of 2 characters, container id of 248");
    assertThat(env(Map.of(), "container-id", id).attachment("n", "/run/netns/x").containerId())
        .isEqualTo(id);
  }

  @Test
  void aMalformedCniArgsFailsTheAttachment() {
    assertThatThrownBy(() -> env(Map.of("CNI_ARGS", "K")).attachment("net1", "/run/netns/x"))
        .isInstanceOf(UsageException.class);
  }

  // ---- directories and plugin path ----

  @Test
  void cacheDirDefaultsToLibcnis() {
    assertThat(env(Map.of()).cacheDir()).isEqualTo(Path.of("/var/lib/cni"));
    assertThat(env(Map.of(), "cache-dir", "/tmp/c").cacheDir()).isEqualTo(Path.of("/tmp/c"));
  }

  @Test
  void confDirFollowsCnitool() {
    assertThat(env(Map.of()).confDir()).isEqualTo(Path.of("/etc/cni/net.d"));
    assertThat(env(Map.of("NETCONFPATH", "/n")).confDir()).isEqualTo(Path.of("/n"));
    assertThat(env(Map.of("NETCONFPATH", "/n"), "dir", "/d").confDir()).isEqualTo(Path.of("/d"));
  }

  @Test
  void pluginPathIsCniPath() {
    assertThat(env(Map.of("CNI_PATH", "/opt/cni/bin:/usr/lib/cni")).pluginPath().directories())
        .containsExactly(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    assertThat(env(Map.of()).pluginPath().directories()).isEmpty();
  }

  // ---- --timeout ----

  @Test
  void parsesGoDurations() {
    assertThat(CnitoolEnvironment.parseTimeout("3s")).isEqualTo(Duration.ofSeconds(3));
    assertThat(CnitoolEnvironment.parseTimeout("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(CnitoolEnvironment.parseTimeout("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(CnitoolEnvironment.parseTimeout("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(CnitoolEnvironment.parseTimeout("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(CnitoolEnvironment.parseTimeout("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(CnitoolEnvironment.parseTimeout(".5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(CnitoolEnvironment.parseTimeout("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(CnitoolEnvironment.parseTimeout("250\u00b5s")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(CnitoolEnvironment.parseTimeout("10ns")).isEqualTo(Duration.ofNanos(10));
    assertThat(CnitoolEnvironment.parseTimeout("1h2m3s4ms"))
        .isEqualTo(Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusMillis(4));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "3",
        "s",
        "-1s",
        "+1s",
        "0s",
        "0",
        "3x",
        "3 s",
        "3S",
        "1.2.3s",
        "ms",
        "1e3s",
        "99999999999h",
        "３s"
      })
  void rejectsBadDurationsAsUsageErrors(String text) {
    assertThatThrownBy(() -> CnitoolEnvironment.parseTimeout(text))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("invalid --timeout \"" + text + "\"");
  }

  @Test
  void timeoutBecomesTheDeadlineOfPluginCalls() {
    assertThat(env(Map.of(), "timeout", "3s").execOptions().deadline())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(env(Map.of()).execOptions().deadline())
        .isEqualTo(dev.jcni.invoke.ExecOptions.DEFAULT_DEADLINE);
  }

  @Test
  void readsOnlyWhatIsAskedFor() {
    // a command that does not use CNI_ARGS or CAP_ARGS is not refused for them
    CnitoolEnvironment e = env(Map.of("CNI_ARGS", "bad", "CAP_ARGS", "[]"));
    assertThat(e.cacheDir()).isEqualTo(Path.of("/var/lib/cni"));
    assertThat(e.ifName()).isEqualTo("eth0");
    assertThatThrownBy(e::cniArgs).isInstanceOf(UsageException.class);
    assertThatThrownBy(e::capabilityArgs).isInstanceOf(UsageException.class);
  }
}
