package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.ConfigException;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-world corpus in {@code testdata/real-world}: what SOURCES.md says of each file (strict
 * JSON or not, template or not, fragment or negative case) is checked against the parser and the
 * linter.
 */
class RealWorldCorpusTest {
  private static final Path ROOT = Path.of(System.getProperty("jcni.testdata"), "real-world");

  /**
   * Where each file that is not strict JSON goes wrong, read from the files by hand: the line of
   * the first comment, trailing comma, unquoted placeholder, template action or unquoted key.
   */
  private static final Map<String, Integer> FIRST_ERROR_LINE =
      Map.ofEntries(
          Map.entry("antrea/helm/antrea-cni.conflist", 11), // {{- if ...portmap }}
          Map.entry("calico/10-calico-portmap-bandwidth.conflist", 11), // "mtu": __CNI_MTU__
          Map.entry("calico/10-calico.conflist", 11), // "mtu": __CNI_MTU__
          Map.entry("calico/10-canal.conflist", 11), // "mtu": __CNI_MTU__
          Map.entry("calico/cni.conf.template", 10), // "vxlan_vni": __VNI__
          Map.entry("cilium/05-cilium.conflist", 10), // trailing comma after capabilities
          Map.entry("cni-plugins-docs/firewall-iptables-admin-chain.conf", 4), // trailing comma
          Map.entry("cni-plugins-docs/portmap.conflist", 20), // trailing comma
          Map.entry("cni-plugins-docs/sbr.conflist", 8), // trailing comma
          Map.entry("cni-plugins-docs/vrf.conflist", 14), // trailing comma
          Map.entry("cni-spec/CONVENTIONS-args-labels.conf", 9), // // comment
          Map.entry("cni-spec/SPEC-example-dbnet.conflist", 8), // // comment
          Map.entry("kind/10-kindnet.conflist.tmpl", 13), // {{$first := true}}
          Map.entry("multus/multus-configuration-reference.conf", 26), // allowTryDeleteOnErr
          Map.entry("weave/10-weave.conf", 4), // "hairpinMode": $2
          Map.entry("weave/10-weave.conflist", 8), // "hairpinMode": $2
          Map.entry("podman/invalid/broken.conflist", 26)); // truncated: ends inside "ipam"

  /** One row of SOURCES.md. */
  record Source(String file, boolean template, boolean strict, String notes) {
    boolean negative() {
      return file.startsWith("podman/invalid/");
    }

    /** Notes call ipam fragments, plugin fragments and name-less objects what they are. */
    boolean fragment() {
      return notes.contains("fragment") || notes.contains("no name key");
    }
  }

  private static List<Source> sources;

  @BeforeAll
  static void readSources() throws IOException {
    sources = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve("SOURCES.md"))) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|", -1);
      assertThat(cells).hasSize(10);
      String file = cells[1].trim().replace("`", "");
      boolean template = cells[6].trim().startsWith("yes");
      boolean strict = cells[7].trim().equals("yes");
      sources.add(new Source(file, template, strict, cells[8]));
    }
  }

  /** Loads a file the way a runtime would, by its extension. */
  private static NetworkConfigList load(Path file) throws ConfigException {
    if (file.toString().endsWith(".conflist")) {
      return NetworkConfigList.fromFile(file);
    }
    return NetworkConfigList.fromConf(PluginConfig.fromFile(file));
  }

  @Test
  void sourcesListsEveryFileOfTheCorpus() throws IOException {
    List<String> onDisk;
    try (var walk = Files.walk(ROOT)) {
      onDisk =
          walk.filter(Files::isRegularFile)
              .map(p -> ROOT.relativize(p).toString())
              .filter(p -> !p.equals("SOURCES.md"))
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(sources).extracting(Source::file).containsExactlyInAnyOrderElementsOf(onDisk);
    assertThat(sources).hasSize(77);
    assertThat(FIRST_ERROR_LINE.keySet())
        .containsExactlyInAnyOrderElementsOf(
            sources.stream()
                .filter(s -> !s.strict())
                .map(Source::file)
                .collect(Collectors.toList()));
  }

  @Test
  void everyStrictJsonFileIsStrictJson() throws Exception {
    for (Source s : sources) {
      if (s.strict()) {
        byte[] bytes = Files.readAllBytes(ROOT.resolve(s.file()));
        assertThatCode(() -> new ConfigSource(bytes, null).parseObject())
            .as(s.file())
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void everyStrictNonTemplateConfigurationLoads() throws Exception {
    int loaded = 0;
    for (Source s : sources) {
      if (s.strict() && !s.template() && !s.negative() && !s.fragment()) {
        NetworkConfigList l = load(ROOT.resolve(s.file()));
        assertThat(l.plugins()).as(s.file()).isNotEmpty();
        loaded++;
      }
    }
    // 77 files: 17 not strict, 7 strict templates, 2 strict negative cases, 5 fragments
    assertThat(loaded).isEqualTo(46);
  }

  @Test
  void fragmentsAreRejectedForTheKeyTheyLack() {
    int fragments = 0;
    for (Source s : sources) {
      if (s.strict() && s.fragment()) {
        assertThatThrownBy(() -> load(ROOT.resolve(s.file())))
            .as(s.file())
            .isInstanceOfSatisfying(
                ConfigException.class,
                e ->
                    assertThat(e.field())
                        .hasValueSatisfying(f -> assertThat(f).isIn("type", "name")));
        fragments++;
      }
    }
    assertThat(fragments).isEqualTo(5);
  }

  @Test
  void everyFileThatIsNotStrictJsonFailsAtTheRightLine() {
    for (Source s : sources) {
      if (!s.strict()) {
        Path file = ROOT.resolve(s.file());
        assertThatThrownBy(() -> load(file))
            .as(s.file())
            .isInstanceOfSatisfying(
                ConfigException.class,
                e -> {
                  assertThat(e.file()).contains(file);
                  assertThat(e.line()).hasValue(FIRST_ERROR_LINE.get(s.file()));
                  assertThat(e.column()).isPresent();
                });
      }
    }
  }

  @Test
  void errorsNameWhatIsWrongInEachKindOfBrokenFile() throws Exception {
    assertThat(message("cni-spec/SPEC-example-dbnet.conflist"))
        .endsWith(":8:7: comment: JSON does not allow comments");
    assertThat(message("cni-plugins-docs/vrf.conflist"))
        .endsWith(":14:26: trailing comma before \"}\": JSON does not allow it");
    assertThat(message("calico/10-calico.conflist"))
        .endsWith(":11:14: unquoted template placeholder __CNI_MTU__: substitute it before use");
    assertThat(message("weave/10-weave.conflist"))
        .endsWith(":8:28: unquoted shell variable $2: substitute it before use");
    assertThat(message("multus/multus-configuration-reference.conf"))
        .endsWith(
            ":26:5: unquoted key \"allowTryDeleteOnErr\": keys must be double-quoted strings");
    assertThat(message("antrea/helm/antrea-cni.conflist"))
        .endsWith(
            ":11:9: template action \"{{- if .Values.cni.plugins.portmap }}\" is not JSON: render"
                + " the template first");
    assertThat(message("podman/invalid/broken.conflist"))
        .endsWith(
            ":26:1: unexpected end of file: the object opened at line 11, column 18 is not closed");
  }

  private static String message(String file) {
    try {
      load(ROOT.resolve(file));
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError(file + " loaded");
  }

  @Test
  void podmanNegativeCasesAreRejected() {
    assertThat(message("podman/invalid/noname.conflist"))
        .endsWith(
            "noname.conflist:1:1: field \"name\": is missing; a network configuration needs a"
                + " name");
    assertThat(message("podman/invalid/noplugin.conflist"))
        .endsWith(
            "noplugin.conflist:4:15: network \"bridge\", field \"plugins\": no plugins in the"
                + " list");
    assertThat(message("podman/invalid/broken.conflist")).contains("broken.conflist:26:1:");
  }

  @Test
  void keepsEveryPluginObjectExactlyAsWritten() throws Exception {
    for (Source s : sources) {
      if (s.strict() && !s.template() && !s.negative() && !s.fragment()) {
        Path file = ROOT.resolve(s.file());
        NetworkConfigList l = load(file);
        JsonNode tree = Json.parse(Files.readAllBytes(file));
        JsonNode expected =
            tree.has("plugins") ? tree.get("plugins") : Json.NODES.arrayNode().add(tree);
        List<JsonNode> actual = new ArrayList<>();
        l.plugins().forEach(p -> actual.add(p.json()));
        assertThat(actual).as(s.file()).containsExactlyElementsOf(expected::elements);
        assertThat(l.bytes()).as(s.file()).isEqualTo(Files.readAllBytes(file));
      }
    }
  }

  @Test
  void lintFindsNoErrorInUsableFilesAndAnErrorAtTheRightLineInTheOthers() {
    List<LintFinding> findings = ConfigLinter.create().lint(ROOT);
    for (Source s : sources) {
      Path file = ROOT.resolve(s.file());
      List<LintFinding> errors =
          findings.stream()
              .filter(f -> f.file().equals(file) && f.isError())
              .collect(Collectors.toList());
      boolean readByLint =
          s.file().endsWith(".conflist")
              || s.file().endsWith(".conf")
              || s.file().endsWith(".json");
      if (!readByLint) {
        assertThat(errors).as(s.file()).isEmpty();
        assertThat(findings).noneMatch(f -> f.file().equals(file));
      } else if (!s.strict()) {
        assertThat(errors).as(s.file()).anyMatch(f -> f.line() == FIRST_ERROR_LINE.get(s.file()));
      } else if (!s.template() && !s.negative() && !s.fragment()) {
        assertThat(errors).as(s.file()).isEmpty();
      } else if (!s.template()) {
        assertThat(errors).as(s.file()).isNotEmpty();
      }
    }
  }

  @Test
  void lintReportsEveryCommentAndEveryTemplateAction() {
    assertThat(lintLines("cni-spec/SPEC-example-dbnet.conflist"))
        .containsExactly(
            "8:7: error: comment: JSON does not allow comments",
            "14:9: error: comment: JSON does not allow comments");
    assertThat(lintLines("antrea/helm/antrea-cni.conflist"))
        .extracting(l -> l.substring(0, l.indexOf(':', l.indexOf(':') + 1)))
        .containsExactly("11:9", "17:9", "18:9", "24:9");
  }

  @Test
  void lintWarnsAboutMissingVersionsReservedKeysAndDuplicateNames() throws Exception {
    List<LintFinding> findings = ConfigLinter.create().lint(ROOT);
    // reserved keys in plugin objects (podman's list-level "args" is not a plugin key)
    assertThat(warnings(findings, "reserved key"))
        .containsExactlyInAnyOrder(
            "cni-spec/CONVENTIONS-args-labels.conf:4:4",
            "cni-spec/CONVENTIONS-runtimeConfig.conf:4:3",
            "containernetworking-plugins/network-chain-test.conflist:17:13");
    // duplicate names: cri-o ships three "crio" networks and azure three "azure" networks
    List<String> duplicates = warnings(findings, "is already used by");
    assertThat(duplicates)
        .contains(
            "cri-o/11-crio-ipv4-bridge.conflist:3:11",
            "cri-o/10-crio-bridge.conf:3:13",
            "azure-cni/azure-linux.conflist:3:11",
            "azure-cni/azure-windows.conflist:3:13")
        .noneMatch(w -> w.startsWith("cri-o/10-crio-bridge.conflist"))
        .noneMatch(w -> w.startsWith("cri-o/99-loopback.conflist"));
    // a missing version is warned about exactly where a parsed file declares none
    for (Source s : sources) {
      Path file = ROOT.resolve(s.file());
      if (!s.strict() || !(s.file().endsWith(".conflist") || s.file().endsWith(".conf"))) {
        continue;
      }
      JsonNode tree = Json.parse(Files.readAllBytes(file));
      boolean declares =
          (tree.path("cniVersion").isTextual() && !tree.path("cniVersion").textValue().isEmpty())
              || tree.path("cniVersions").size() > 0;
      boolean warned =
          findings.stream()
              .anyMatch(f -> f.file().equals(file) && f.message().startsWith("no cniVersion"));
      assertThat(warned).as(s.file()).isEqualTo(!declares);
    }
  }

  private static List<String> warnings(List<LintFinding> findings, String text) {
    return findings.stream()
        .filter(f -> !f.isError() && f.message().contains(text))
        .map(f -> ROOT.relativize(f.file()) + ":" + f.line() + ":" + f.column())
        .collect(Collectors.toList());
  }

  private static List<String> lintLines(String file) {
    Path path = ROOT.resolve(file);
    return ConfigLinter.create().lint(path).stream()
        .map(f -> f.toString().substring(path.toString().length() + 1))
        .collect(Collectors.toList());
  }
}
