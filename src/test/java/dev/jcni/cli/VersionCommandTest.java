package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class VersionCommandTest {
  private static final Map<String, String> ENV =
      Map.of("CNI_PATH", JcniRun.testdata().resolve("plugins").toString());

  @Test
  void printsThePluginsVersionReplyIndentedWithFourSpaces() {
    JcniRun run = JcniRun.of(ENV, "version", "echo-plugin");
    assertThat(run.exitCode).as(run.toString()).isZero();
    // testdata/plugins/echo-plugin answers VERSION with exactly these versions
    assertThat(run.out)
        .isEqualTo(
            "{\n"
                + "    \"cniVersion\": \"1.1.0\",\n"
                + "    \"supportedVersions\": [\n"
                + "        \"0.3.1\",\n"
                + "        \"0.4.0\",\n"
                + "        \"1.0.0\",\n"
                + "        \"1.1.0\"\n"
                + "    ]\n"
                + "}\n");
    assertThat(run.err).isEmpty();
  }

  @Test
  void reportsAPluginThatPredatesVersionAsSupportingOnly010() throws Exception {
    JcniRun run = JcniRun.of(ENV, "version", "legacy-version");
    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode reply = Json.parse(run.out.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.get("cniVersion").textValue()).isEqualTo("0.1.0");
    assertThat(reply.get("supportedVersions")).hasSize(1);
    assertThat(reply.get("supportedVersions").get(0).textValue()).isEqualTo("0.1.0");
  }

  @Test
  void searchesEveryCniPathDirectoryInOrder(@TempDir Path empty) {
    JcniRun run =
        JcniRun.of(
            Map.of("CNI_PATH", empty + ":" + JcniRun.testdata().resolve("plugins")),
            "version",
            "echo-plugin");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("\"1.1.0\"");
  }

  @Test
  void aMissingPluginExitsOneNamingWhereItLooked(@TempDir Path empty) {
    JcniRun run = JcniRun.of(Map.of("CNI_PATH", empty.toString()), "version", "bridge");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.out).isEmpty();
    assertThat(run.err)
        .startsWith("jcni: plugin type=\"bridge\" not found in CNI_PATH")
        .contains(empty.resolve("bridge").toString())
        .doesNotContain("at dev.jcni"); // no stack trace without --debug
  }

  @Test
  void withoutCniPathNoPluginIsFound() {
    JcniRun run = JcniRun.of(Map.of(), "version", "echo-plugin");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.err).contains("CNI_PATH has no directory");
  }

  @Test
  void aTypeThatIsNotAFileNameIsAUsageError() {
    JcniRun run = JcniRun.of(ENV, "version", "../plugins/echo-plugin");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(run.err).contains("invalid plugin type");
    assertThat(run.out).isEmpty();
  }

  @Test
  void needsExactlyOneType() {
    assertThat(JcniRun.of(ENV, "version").exitCode).isEqualTo(ExitCode.USAGE);
    JcniRun two = JcniRun.of(ENV, "version", "echo-plugin", "garbage");
    assertThat(two.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(two.err).contains("unexpected argument \"garbage\"");
  }

  @Test
  void aPluginErrorExitsOne() {
    JcniRun run = JcniRun.of(ENV, "version", "cni-error");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.err).contains("plugin type=\"cni-error\"").contains("CNI error code 7");
  }

  @Test
  void aReplyThatIsNotAVersionReplyExitsOne() {
    JcniRun run = JcniRun.of(ENV, "version", "garbage");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.err).contains("plugin type=\"garbage\"");
  }

  @Test
  void aPluginPastTheTimeoutExitsFour() {
    long start = System.nanoTime();
    JcniRun run = JcniRun.of(ENV, "version", "hang", "--timeout", "300ms");
    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.TIMEOUT);
    assertThat(run.err).contains("plugin type=\"hang\"");
    // generous bound: the default deadline (120 s) was not the one used
    assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
  }

  @Test
  void timeoutIsAcceptedBeforeAndAfterTheCommandWord() {
    JcniRun before = JcniRun.of(ENV, "--timeout", "5s", "version", "echo-plugin");
    JcniRun after = JcniRun.of(ENV, "version", "echo-plugin", "--timeout=5s");
    assertThat(before.exitCode).as(before.toString()).isZero();
    assertThat(after.exitCode).as(after.toString()).isZero();
    assertThat(after.out).isEqualTo(before.out);
    JcniRun timedOut = JcniRun.of(ENV, "--timeout", "300ms", "version", "hang");
    assertThat(timedOut.exitCode).isEqualTo(ExitCode.TIMEOUT);
  }

  @Test
  void aBadTimeoutIsAUsageErrorBeforeAnyPluginRuns(@TempDir Path tmp) throws Exception {
    Path record = Files.createDirectory(tmp.resolve("record"));
    Path dir = Files.createDirectory(tmp.resolve("bin"));
    recordingEchoPlugin(dir.resolve("echo-plugin"), record);
    Map<String, String> env = Map.of("CNI_PATH", dir.toString());

    JcniRun run = JcniRun.of(env, "version", "echo-plugin", "--timeout", "3");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(run.err).contains("invalid --timeout \"3\"");
    assertThat(run.out).isEmpty();
    assertThat(record.resolve("calls")).doesNotExist();

    // the same plugin, called with a good timeout, does record its call
    assertThat(JcniRun.of(env, "version", "echo-plugin", "--timeout", "30s").exitCode).isZero();
    assertThat(record.resolve("calls")).hasContent("VERSION");
  }

  /** A copy of echo-plugin that records its calls into {@code record}. */
  private static void recordingEchoPlugin(Path dest, Path record) throws Exception {
    List<String> lines =
        new ArrayList<>(Files.readAllLines(JcniRun.testdata().resolve("plugins/echo-plugin")));
    lines.add(1, "JCNI_TEST_RECORD='" + record + "'; export JCNI_TEST_RECORD");
    Files.write(dest, lines);
    assertThat(dest.toFile().setExecutable(true, false)).isTrue();
  }

  @Test
  void optionsOfOtherCommandsAreRefused() {
    JcniRun run = JcniRun.of(ENV, "version", "echo-plugin", "--dir", "/tmp");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(run.err).contains("--dir does not apply to 'jcni version'");
  }
}
