package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfCommandsTest {
  private static final Path NET_D = Path.of(System.getProperty("jcni.testdata"), "config", "net.d");

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    return new Cli(
            Cli.allCommands(),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path clean() throws IOException {
    Files.writeString(
        tmp.resolve("10-a.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}");
    return tmp;
  }

  @Test
  void listPrintsTheLoadedNetworksAndReportsTheRestOnStderr() {
    assertThat(run("conf", "list", "--dir", NET_D.toString())).isEqualTo(ExitCode.CONFIG);
    assertThat(out().lines())
        .containsExactly(
            "NAME   CNIVERSION  PLUGINS                FILE",
            "alpha  1.1.0       bridge,tuning,portmap " + " " + NET_D.resolve("10-alpha.conflist"),
            "beta   0.4.0       macvlan               " + " " + NET_D.resolve("20-beta.conflist"),
            "gamma  0.3.1       ptp                   " + " " + NET_D.resolve("50-gamma.conf"),
            "delta  1.1.0       loopback              " + " " + NET_D.resolve("60-delta.json"));
    assertThat(err().lines())
        .containsExactly(
            "jcni: "
                + NET_D.resolve("30-alpha.conflist")
                + ": network \"alpha\" is also defined by an earlier file; this one is never"
                + " loaded",
            "jcni: "
                + NET_D.resolve("40-broken.conflist")
                + ":5:22: network \"broken\": trailing comma before \"}\": JSON does not allow"
                + " it");
  }

  @Test
  void listOfACleanDirectoryFromNetconfpathExitsZero() throws IOException {
    Path dir = clean();
    assertThat(run(Map.of("NETCONFPATH", dir.toString()), "conf", "list")).isZero();
    assertThat(out().lines())
        .containsExactly(
            "NAME  CNIVERSION  PLUGINS  FILE",
            "a     1.0.0       bridge   " + dir.resolve("10-a.conflist"));
    assertThat(err()).isEmpty();
  }

  @Test
  void listAndLintShowInvisibleCharactersEscapedOnOneLine() throws IOException {
    // a right-to-left override in a type would show "bridge" reversed text after it; U+2028 and
    // U+0085 break a line in some terminals and log viewers
    Files.writeString(
        tmp.resolve("10-a.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\u202e\"},"
            + "{\"type\":\"tuning\u2028x\"}]}");
    Files.writeString(
        tmp.resolve("20-b.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"mtu\":$MTU\u0085,\"plugins\":[{\"type\":\"c\"}]}");

    assertThat(run("conf", "list", "--dir", tmp.toString())).isEqualTo(ExitCode.CONFIG);
    String plugins = "\"bridge\\u202e\",\"tuning\\u2028x\"";
    assertThat(out().lines())
        .containsExactly(
            "NAME  CNIVERSION  "
                + String.format("%-" + (plugins.length() + 2) + "s", "PLUGINS")
                + "FILE",
            "a     1.0.0       " + plugins + "  " + tmp.resolve("10-a.conflist"));
    assertThat(err().lines())
        .containsExactly(
            "jcni: "
                + tmp.resolve("20-b.conflist")
                + ":1:40: network \"b\": unquoted shell variable \"$MTU\\u0085\":"
                + " substitute it before use");

    assertThat(run("conf", "lint", tmp.resolve("20-b.conflist").toString()))
        .isEqualTo(ExitCode.FAILURE);
    assertThat(out().lines())
        .containsExactly(
            tmp.resolve("20-b.conflist")
                + ":1:40: error: unquoted shell variable \"$MTU\\u0085\": substitute it before"
                + " use");
  }

  @Test
  void listWithOnlyAShadowedNetworkExitsZero() throws IOException {
    Path dir = clean();
    Files.writeString(
        dir.resolve("20-a.conflist"), "{\"name\":\"a\",\"plugins\":[{\"type\":\"other\"}]}");
    assertThat(run("conf", "list", "--dir", dir.toString())).isZero();
    assertThat(out().lines()).hasSize(2);
    assertThat(err())
        .isEqualTo(
            "jcni: "
                + dir.resolve("20-a.conflist")
                + ": network \"a\" is also defined by an earlier file; this one is never loaded\n");
  }

  @Test
  void listOfAnEmptyOrMissingDirectoryIsAConfigurationError() {
    Path missing = tmp.resolve("missing");
    assertThat(run("conf", "list", "--dir", missing.toString())).isEqualTo(ExitCode.CONFIG);
    assertThat(out()).isEmpty();
    assertThat(err()).isEqualTo("jcni: no net configurations found in " + missing + "\n");
    assertThat(run("conf", "list", "extra")).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void showPrintsTheEffectiveListWithDropInsAsJson() throws Exception {
    assertThat(run("conf", "show", "alpha", "--dir", NET_D.toString())).isZero();
    JsonNode shown = Json.parse(out().getBytes(StandardCharsets.UTF_8));
    ObjectNode expected =
        (ObjectNode) Json.parse(Files.readAllBytes(NET_D.resolve("10-alpha.conflist")));
    ArrayNode plugins = (ArrayNode) expected.get("plugins");
    plugins.add(Json.parse(Files.readAllBytes(NET_D.resolve("alpha/10-tuning.conf"))));
    plugins.add(Json.parse(Files.readAllBytes(NET_D.resolve("alpha/20-portmap.conf"))));
    assertThat(shown).isEqualTo(expected);
    assertThat(List.copyOf(iterable(shown.fieldNames())))
        .containsExactly("cniVersion", "cniVersions", "name", "plugins");
    assertThat(out()).startsWith("{\n    \"cniVersion\": \"1.0.0\",\n").endsWith("}\n");
    assertThat(shown.at("/plugins/0/big").bigIntegerValue().toString())
        .isEqualTo("123456789012345678901234567890");
    assertThat(shown.at("/plugins/0/rate").decimalValue().toPlainString()).isEqualTo("1.50");
    assertThat(err()).isEmpty();
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    java.util.List<T> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }

  @Test
  void showOfAnUnknownOrInvalidNameIsAConfigurationError() {
    assertThat(run("conf", "show", "nope", "--dir", NET_D.toString())).isEqualTo(ExitCode.CONFIG);
    assertThat(err()).startsWith("jcni: no net configuration with name \"nope\" in " + NET_D);
    assertThat(err().lines()).hasSize(1);
    assertThat(run("conf", "show", "../etc", "--dir", NET_D.toString())).isEqualTo(ExitCode.CONFIG);
    assertThat(err()).startsWith("jcni: invalid network name \"../etc\"");
    assertThat(out()).isEmpty();
  }

  @Test
  void showNeedsExactlyOneName() {
    assertThat(run("conf", "show")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).startsWith("jcni: missing argument: expected NAME");
    assertThat(run("conf", "show", "a", "b")).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void lintPrintsOneLinePerProblemAndExitsOneOnErrors() {
    assertThat(run("conf", "lint", NET_D.toString())).isEqualTo(ExitCode.FAILURE);
    List<String> lines = out().lines().collect(java.util.stream.Collectors.toList());
    assertThat(lines).hasSize(4);
    assertThat(lines)
        .allMatch(l -> l.matches("\\S+:\\d+:\\d+: (error|warning): .+"))
        .contains(
            NET_D.resolve("40-broken.conflist")
                + ":5:22: error: trailing comma before \"}\": JSON does not allow it");
    assertThat(err()).isEmpty();
  }

  @Test
  void lintExitsZeroWhenThereAreOnlyWarningsOrNothing() throws IOException {
    Path dir = clean();
    assertThat(run("conf", "lint", dir.toString())).isZero();
    assertThat(out()).isEmpty();
    Path warn = tmp.resolve("w.conflist");
    Files.writeString(warn, "{\"name\":\"w\",\"plugins\":[{\"type\":\"b\"}]}");
    assertThat(run("conf", "lint", warn.toString(), dir.resolve("10-a.conflist").toString()))
        .isZero();
    assertThat(out())
        .isEqualTo(
            warn
                + ":1:1: warning: no cniVersion: plugins get an empty version and results are read"
                + " as 0.1.0\n");
  }

  @Test
  void lintOfAMissingPathIsAnError() {
    Path missing = tmp.resolve("missing.conflist");
    assertThat(run("conf", "lint", missing.toString())).isEqualTo(ExitCode.FAILURE);
    assertThat(out()).isEqualTo(missing + ": error: no such file or directory\n");
  }

  @Test
  void lintNeedsAPathAndTakesNoDirOption() {
    assertThat(run("conf", "lint")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).startsWith("jcni: missing argument: expected PATH...");
    assertThat(run("conf", "lint", "x", "--dir", "y")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).startsWith("jcni: option --dir does not apply to 'jcni conf lint'");
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("conf list", "conf show", "conf lint");
    assertThat(run("conf", "list", "--help")).isZero();
    assertThat(out()).startsWith("Usage: jcni conf list [--dir DIR]").contains("--dir DIR");
    assertThat(run("conf", "show", "--help")).isZero();
    assertThat(out()).startsWith("Usage: jcni conf show NAME [--dir DIR]");
    assertThat(run("conf", "lint", "-h")).isZero();
    assertThat(out())
        .startsWith("Usage: jcni conf lint PATH...")
        .contains("FILE:LINE:COLUMN: error|warning: message");
  }

  @Test
  void configurationErrorsMapToExitCodeThree() {
    assertThat(Cli.exitCodeFor(new ConfigException("x"))).isEqualTo(ExitCode.CONFIG);
    assertThat(Cli.exitCodeFor(new CniException("x"))).isEqualTo(ExitCode.FAILURE);
  }
}
