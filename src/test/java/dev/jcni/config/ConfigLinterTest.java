package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLinterTest {
  private static final Path NET_D = Path.of(System.getProperty("jcni.testdata"), "config", "net.d");

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  /** Lints one file; the findings without the file name, as "LINE:COL: severity: message". */
  private List<String> lint(String name, String content) throws IOException {
    Path file = write(name, content);
    return ConfigLinter.create().lint(file).stream()
        .map(f -> f.toString().substring(file.toString().length() + 1))
        .collect(Collectors.toList());
  }

  private List<String> lintDirectory() {
    return ConfigLinter.create().lint(tmp).stream()
        .map(f -> tmp.relativize(f.file()) + f.toString().substring(f.file().toString().length()))
        .collect(Collectors.toList());
  }

  @Test
  void cleanFilesHaveNoFindings() throws IOException {
    assertThat(
            lint(
                "a.conflist",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"b\"}]}"))
        .isEmpty();
    assertThat(lint("b.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"b\",\"type\":\"bridge\"}"))
        .isEmpty();
  }

  @Test
  void reportsEveryCommentAndChecksTheRestOfTheFile() throws IOException {
    String text =
        "{\n"
            + "  // the network\n"
            + "  \"name\": \"n\",\n"
            + "  /* a block\n"
            + "     comment */ \"cniVersion\": \"1.0.0\",\n"
            + "  \"plugins\": [{\"type\": \"../x\"}] // trailing\n"
            + "}\n";
    assertThat(lint("c.conflist", text))
        .containsExactly(
            "2:3: error: comment: JSON does not allow comments",
            "4:3: error: comment: JSON does not allow comments",
            "6:24: error: network \"n\", plugins[0], field \"type\": invalid plugin type \"../x\":"
                + " must be a plain file name, without \"/\"",
            "6:33: error: comment: JSON does not allow comments");
  }

  @Test
  void reportsTrailingCommasInObjectsAndArrays() throws IOException {
    String text = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"b\",},],}";
    int first = text.indexOf(",}") + 1;
    int second = text.indexOf(",]") + 1;
    int third = text.lastIndexOf(",}") + 1;
    assertThat(lint("t.conflist", text))
        .containsExactly(
            "1:" + first + ": error: trailing comma before \"}\": JSON does not allow it",
            "1:" + second + ": error: trailing comma before \"]\": JSON does not allow it",
            "1:" + third + ": error: trailing comma before \"}\": JSON does not allow it");
  }

  @Test
  void reportsUnquotedPlaceholdersOfEachStyle() throws IOException {
    String text =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\n"
            + "\"mtu\": __CNI_MTU__,\n"
            + "\"hairpin\": $2, \"cidr\": %CLUSTER_CIDR%, \"v\": ${VAR}}]}";
    assertThat(lint("p.conflist", text))
        .containsExactly(
            "2:8: error: unquoted template placeholder __CNI_MTU__: substitute it before use",
            "3:12: error: unquoted shell variable $2: substitute it before use",
            "3:24: error: unquoted template placeholder %CLUSTER_CIDR%: substitute it before use",
            "3:45: error: unquoted shell variable ${VAR}: substitute it before use");
  }

  @Test
  void reportsTemplateActionsAndUnquotedKeysAndWords() throws IOException {
    assertThat(
            lint(
                "m.conflist",
                "{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"b\",\"mtu\": {{"
                    + " .Mtu }}}]}"))
        .containsExactly(
            "1:64: error: template action \"{{ .Mtu }}\" is not JSON: render the template first");
    assertThat(
            lint(
                "k.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"b\",\n  mtu: 1500}"))
        .containsExactly("2:3: error: unquoted key \"mtu\": keys must be double-quoted strings");
    assertThat(
            lint("w.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"b\",\"x\": yes}"))
        .containsExactly("1:50: error: unquoted word \"yes\" is not a JSON value");
  }

  @Test
  void reportsUnclosedStringsCommentsAndObjects() throws IOException {
    assertThat(lint("s.conf", "{\"name\": \"n,\n \"type\": \"b\"}"))
        .first()
        .isEqualTo("1:10: error: string is not closed on its line");
    assertThat(lint("u.conf", "{\"name\": \"n\" /* never closed"))
        .contains("1:14: error: comment is not closed with \"*/\"");
    assertThat(lint("e.conf", "{\"name\": {\"a\": [1,\n2"))
        .contains(
            "2:2: error: unexpected end of file: the array opened at line 1, column 16 is not"
                + " closed");
  }

  @Test
  void warnsAboutMissingAndIgnoredVersions() throws IOException {
    assertThat(lint("a.conflist", "{\"name\":\"a\",\"plugins\":[{\"type\":\"b\"}]}"))
        .containsExactly(
            "1:1: warning: no cniVersion: plugins get an empty version and results are read as"
                + " 0.1.0");
    assertThat(lint("b.conf", "{\"name\":\"b\",\"type\":\"bridge\"}"))
        .containsExactly(
            "1:1: warning: no cniVersion: the plugin gets an empty version and results are read"
                + " as 0.1.0");
    String text =
        "{\"cniVersion\":\"2.0.0\",\"cniVersions\":[\"1.0.0\",\"1.2.0\"],\"name\":\"c\","
            + "\"plugins\":[{\"type\":\"b\",\"cniVersion\":\"0.5.0\"}]}";
    assertThat(lint("c.conflist", text))
        .containsExactly(
            "1:"
                + (text.indexOf("\"2.0.0\"") + 1)
                + ": warning: cniVersion \"2.0.0\" is newer than the newest version jcni supports"
                + " (1.1.0) and is ignored",
            "1:"
                + (text.indexOf("\"1.2.0\"") + 1)
                + ": warning: cniVersions[1] \"1.2.0\" is newer than the newest version jcni"
                + " supports (1.1.0) and is ignored",
            "1:"
                + (text.indexOf("\"0.5.0\"") + 1)
                + ": warning: plugin cniVersion \"0.5.0\" is not a CNI version jcni supports; the"
                + " network's cniVersion replaces it when the plugin runs");
  }

  @Test
  void warnsAboutVersionEntriesThatAreSkipped() throws IOException {
    String text =
        "{\"cniVersions\":[\"\",\"1.0\",\"1.0.0\"],\"name\":\"s\",\"plugins\":[{\"type\":\"b\"}]}";
    String supported = "(jcni supports 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)";
    assertThat(lint("s.conflist", text))
        .containsExactly(
            "1:17: warning: cniVersions[0] \"\" is not a CNI version jcni knows and is skipped "
                + supported,
            "1:20: warning: cniVersions[1] \"1.0\" is not a CNI version jcni knows and is skipped "
                + supported);
    assertThat(lint("v.conflist", text.replace("\"1.0\"", "\"v1\"")))
        .containsExactly(
            "1:20: error: network \"s\", field \"cniVersions[1]\": cniVersions[1] \"v1\" is not a"
                + " version: expected MAJOR.MINOR.PATCH, such as \"1.0.0\"");
  }

  @Test
  void warnsAboutReservedKeysInPluginObjects() throws IOException {
    String text =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"r\",\"args\":{},\"plugins\":[{\"type\":\"b\",\n"
            + "\"runtimeConfig\":{},\"args\":{},\"cni.dev/valid-attachments\":[],\"cni.devx\":1}]}";
    assertThat(lint("r.conflist", text))
        .containsExactly(
            "2:1: warning: reserved key \"runtimeConfig\": the runtime sets it when it runs the"
                + " plugin; it does not belong in a configuration file",
            "2:20: warning: reserved key \"args\": the runtime sets it when it runs the plugin; it"
                + " does not belong in a configuration file",
            "2:30: warning: reserved key \"cni.dev/valid-attachments\": the runtime sets it when it"
                + " runs the plugin; it does not belong in a configuration file");
  }

  @Test
  void readsFilesOfOtherExtensionsByTheirContent() throws IOException {
    assertThat(
            lint(
                "x.template",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"b\"}]}"))
        .isEmpty();
    assertThat(lint("y.template", "{\"cniVersion\":\"1.0.0\",\"name\":\"y\",\"type\":\"b\"}"))
        .isEmpty();
    assertThat(lint("z.template", "{\"cniVersion\":\"1.0.0\",\"type\":\"b\"}"))
        .containsExactly(
            "1:1: error: plugin type \"b\", field \"name\": is missing; a .conf network"
                + " configuration needs a name");
  }

  @Test
  void lintsADirectoryAsARuntimeReadsIt() {
    List<LintFinding> findings = ConfigLinter.create().lint(NET_D);
    assertThat(findings)
        .extracting(
            f -> NET_D.relativize(f.file()) + f.toString().substring(f.file().toString().length()))
        .containsExactly(
            "10-alpha.conflist:3:46: warning: cniVersions[3] \"2.0.0\" is newer than the newest"
                + " version jcni supports (1.1.0) and is ignored",
            "20-beta.conflist:6:3: warning: the drop-in directory "
                + NET_D.resolve("beta")
                + " is ignored because loadOnlyInlinedPlugins is true",
            "30-alpha.conflist:3:11: warning: network name \"alpha\" is already used by "
                + NET_D.resolve("10-alpha.conflist")
                + ", which is read first: this file is never loaded",
            "40-broken.conflist:5:22: error: trailing comma before \"}\": JSON does not allow it");
    assertThat(ConfigLinter.hasErrors(findings)).isTrue();
  }

  @Test
  void lintsDropInsAndRecursesIntoOtherSubdirectories() throws IOException {
    write(
        "10-n.conflist",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}]}");
    write("n/1.conf", "{\"type\": 5}");
    write("n/2.conf", "{\"type\": \"tuning\", \"runtimeConfig\": {}}");
    String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"c\",\"type\":\"b\"}";
    write("c.conf", conf);
    write("c/ignored.conf", "{\"type\": \"never read\"}");
    write("vendor/x.conflist", "{\"name\":\"x\",\"plugins\":[{\"type\":\"b\"}]}");
    write("vendor/notes.txt", "not read");
    assertThat(lintDirectory())
        .containsExactly(
            "n/1.conf:1:10: error: field \"type\": must be a string, not a number",
            "n/2.conf:1:20: warning: reserved key \"runtimeConfig\": the runtime sets it when it"
                + " runs the plugin; it does not belong in a configuration file",
            "c.conf:1:"
                + (conf.indexOf("\"c\"") + 1)
                + ": warning: the directory "
                + tmp.resolve("c")
                + " is not read: only .conflist networks take drop-in plugins",
            "vendor/x.conflist:1:1: warning: no cniVersion: plugins get an empty version and"
                + " results are read as 0.1.0");
  }

  @Test
  void theDropInsOfAListTooBrokenToLintAreNotLintedAsAConfigurationDirectory() throws IOException {
    // a template: even repaired, it is not JSON; its name comes before the first error
    Path list =
        write(
            "10-foo.conflist",
            "{\"name\":\"foo\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\","
                + "\"mtu\": {{ .Mtu }} }]");
    write("foo/50-tuning.conf", "{\"type\":\"tuning\"}");
    List<LintFinding> findings = ConfigLinter.create().lint(tmp);
    assertThat(findings).isNotEmpty().allMatch(f -> f.file().equals(list));
    assertThat(findings)
        .extracting(LintFinding::message)
        .contains("template action \"{{ .Mtu }}\" is not JSON: render the template first");
  }

  @Test
  void aConfNextToAListOfItsNameIsNotToldThatTheListsDropInsAreNotRead() throws IOException {
    write(
        "10-foo.conflist",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"foo\",\"plugins\":[{\"type\":\"b\"}]}");
    String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"foo\",\"type\":\"bridge\"}";
    Path confFile = write("20-foo.conf", conf);
    write("foo/50-tuning.conf", "{\"type\":\"tuning\"}");
    assertThat(lintDirectory())
        .containsExactly(
            "20-foo.conf:1:"
                + (conf.indexOf("\"foo\"") + 1)
                + ": warning: network name \"foo\" is already used by "
                + tmp.resolve("10-foo.conflist")
                + ", which is read first: this file is never loaded");
    assertThat(ConfigLinter.create().lint(confFile)).isEmpty();
  }

  @Test
  void aListWithNeitherPluginsNorDropInsIsAnError() throws IOException {
    assertThat(lint("e.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"e\"}"))
        .containsExactly(
            "1:1: error: network \"e\": no plugins: the list has no \"plugins\" and its drop-in"
                + " directory "
                + tmp.resolve("e")
                + " has no *.conf files");
  }

  @Test
  void fileLevelProblemsHaveNoPosition() throws IOException {
    Path big = write("big.conflist", "{\"pad\":\"" + "x".repeat(200) + "\"}");
    List<LintFinding> findings =
        ConfigLinter.withParser(ConfigParser.withMaxBytes(100))
            .lint(List.of(big, tmp.resolve("nope")));
    assertThat(findings)
        .extracting(LintFinding::toString)
        .containsExactly(
            big + ": error: is larger than the limit of 100 bytes",
            tmp.resolve("nope") + ": error: no such file or directory");
    assertThat(findings.get(0).line()).isZero();
  }

  @Test
  void hasErrorsIgnoresWarnings() throws IOException {
    Path warnOnly = write("w.conflist", "{\"name\":\"w\",\"plugins\":[{\"type\":\"b\"}]}");
    List<LintFinding> findings = ConfigLinter.create().lint(warnOnly);
    assertThat(findings).hasSize(1);
    assertThat(ConfigLinter.hasErrors(findings)).isFalse();
  }
}
