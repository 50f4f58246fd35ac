package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.CacheException;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.InvalidNameException;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.Verb;
import dev.jcni.result.CniError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --json} and {@code --debug} error output, and the exit code of each kind of failure. */
@Timeout(60)
class CliErrorOutputTest {
  private static final Map<String, String> ENV =
      Map.of("CNI_PATH", JcniRun.testdata().resolve("plugins").toString());

  /** Stderr must be exactly one line holding one JSON object. */
  private static JsonNode onlyJsonLine(JcniRun run) throws Exception {
    assertThat(run.err).as(run.toString()).endsWith("\n");
    String line = run.err.substring(0, run.err.length() - 1);
    assertThat(line).as(run.toString()).doesNotContain("\n");
    JsonNode report = Json.parse(line.getBytes(StandardCharsets.UTF_8));
    assertThat(report.isObject()).isTrue();
    return report;
  }

  @Test
  void jsonErrorCarriesThePluginsCniError() throws Exception {
    JcniRun run = JcniRun.of(ENV, "--json", "version", "cni-error");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.out).isEmpty();
    JsonNode report = onlyJsonLine(run);
    // the values testdata/plugins/cni-error prints
    assertThat(report.get("code").asLong()).isEqualTo(7);
    assertThat(report.get("msg").textValue()).isEqualTo("invalid network config");
    assertThat(report.get("details").textValue()).isEqualTo("bridge name too long");
    assertThat(report.get("exitCode").asInt()).isEqualTo(1);
    assertThat(report.get("error").textValue())
        .startsWith("plugin type=\"cni-error\"")
        .contains("failed (version)");
    assertThat(report.fieldNames())
        .toIterable()
        .containsExactly("error", "exitCode", "code", "msg", "details");
  }

  @Test
  void jsonErrorCarriesTheErrorObjectOfAPluginThatExitedZero() throws Exception {
    JcniRun run = JcniRun.of(ENV, "version", "error-exit-zero", "--json");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    JsonNode report = onlyJsonLine(run);
    assertThat(report.get("code").asLong()).isEqualTo(CniError.TRY_AGAIN_LATER);
    assertThat(report.get("msg").textValue()).isEqualTo("try again later");
    assertThat(report.get("details").textValue()).isEmpty();
  }

  @Test
  void jsonErrorWithoutAPluginErrorHasNoCode() throws Exception {
    JcniRun run = JcniRun.of(Map.of(), "--json", "version", "bridge");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    JsonNode report = onlyJsonLine(run);
    assertThat(report.get("error").textValue()).contains("not found in CNI_PATH");
    assertThat(report.get("exitCode").asInt()).isEqualTo(1);
    assertThat(report.has("code")).isFalse();
    assertThat(report.has("msg")).isFalse();
  }

  @Test
  void jsonUsageErrorIsOneObjectWithExitCodeTwo() throws Exception {
    JcniRun run = JcniRun.of(Map.of(), "--json", "no-such-command");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    JsonNode report = onlyJsonLine(run);
    assertThat(report.get("error").textValue()).isEqualTo("unknown command \"no-such-command\"");
    assertThat(report.get("exitCode").asInt()).isEqualTo(ExitCode.USAGE);

    JcniRun badOption = JcniRun.of(Map.of(), "cache", "list", "--bogus", "--json");
    assertThat(badOption.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(onlyJsonLine(badOption).get("error").textValue())
        .isEqualTo("unknown option --bogus");
  }

  @Test
  void jsonTimeoutHasExitCodeFour() throws Exception {
    JcniRun run = JcniRun.of(ENV, "--json", "--timeout", "300ms", "version", "hang");
    assertThat(run.exitCode).isEqualTo(ExitCode.TIMEOUT);
    assertThat(onlyJsonLine(run).get("exitCode").asInt()).isEqualTo(ExitCode.TIMEOUT);
  }

  @Test
  void withoutJsonAnErrorIsOneLineOfText() {
    JcniRun run = JcniRun.of(ENV, "version", "cni-error");
    assertThat(run.err).startsWith("jcni: plugin type=\"cni-error\"").endsWith("\n");
    assertThat(run.err.strip()).doesNotContain("\n");
    JcniRun usage = JcniRun.of(Map.of(), "no-such-command");
    assertThat(usage.err)
        .isEqualTo("jcni: unknown command \"no-such-command\"\nRun 'jcni --help' for usage.\n");
  }

  @Test
  void jsonAfterDoubleDashIsAnArgumentNotTheFlag() {
    JcniRun run = JcniRun.of(ENV, "version", "--", "--json");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE); // "--json" is not a plugin type
    assertThat(run.err).startsWith("jcni: ");
  }

  @Test
  void debugAddsTheStackTrace() {
    JcniRun plain = JcniRun.of(Map.of(), "version", "bridge");
    assertThat(plain.err).doesNotContain("\tat ");
    JcniRun debug = JcniRun.of(Map.of(), "version", "bridge", "--debug");
    assertThat(debug.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(debug.err)
        .contains("PluginNotFoundException")
        .contains("\tat dev.jcni.invoke.PluginPath.find");
  }

  @Test
  void helpListsTheJsonOptionAndTheExitCodes() {
    JcniRun run = JcniRun.of(Map.of(), "--help");
    assertThat(run.exitCode).isZero();
    assertThat(run.out)
        .contains("--json")
        .contains("version")
        .contains("cache list")
        .contains("cache show")
        .contains("3 configuration error, 4 timeout");
  }

  // ---- exit codes by exception type ----

  private static PluginTimeoutException timeout() {
    return new PluginTimeoutException(
        "bridge",
        Path.of("/p/bridge"),
        Verb.ADD,
        Duration.ofSeconds(1),
        false,
        OptionalInt.empty(),
        OptionalInt.empty(),
        Duration.ofSeconds(1),
        "");
  }

  private static PluginErrorException pluginError(CniError error) {
    return new PluginErrorException(
        "bridge",
        Path.of("/p/bridge"),
        Verb.ADD,
        1,
        OptionalInt.empty(),
        Duration.ZERO,
        "",
        error,
        "");
  }

  @Test
  void mapsEachKindOfFailureToItsExitCode() {
    assertThat(Cli.exitCodeFor(new ConfigException("bad"))).isEqualTo(ExitCode.CONFIG);
    assertThat(
            Cli.exitCodeFor(
                new InvalidNameException(
                    InvalidNameException.Kind.NETWORK_NAME,
                    "../x",
                    "bad",
                    ConfigException.Context.NONE)))
        .isEqualTo(ExitCode.CONFIG);
    assertThat(Cli.exitCodeFor(timeout())).isEqualTo(ExitCode.TIMEOUT);
    assertThat(Cli.exitCodeFor(pluginError(null))).isEqualTo(ExitCode.FAILURE);
    assertThat(Cli.exitCodeFor(new PluginNotFoundException("bridge", List.of())))
        .isEqualTo(ExitCode.FAILURE);
    assertThat(
            Cli.exitCodeFor(
                new CacheException(Path.of("/c"), CacheException.Reason.IO_ERROR, "bad")))
        .isEqualTo(ExitCode.FAILURE);
    assertThat(Cli.exitCodeFor(new CniException("bad"))).isEqualTo(ExitCode.FAILURE);
    assertThat(Cli.exitCodeFor(new IllegalStateException("bug"))).isEqualTo(ExitCode.FAILURE);
    assertThat(Cli.exitCodeFor(new UsageException("bad"))).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void aPlainWrapperTakesTheExitCodeOfWhatItWraps() {
    assertThat(Cli.exitCodeFor(new CniException("wrapped", timeout()))).isEqualTo(ExitCode.TIMEOUT);
    assertThat(Cli.exitCodeFor(new CniException("wrapped", new ConfigException("bad"))))
        .isEqualTo(ExitCode.CONFIG);
    // a failure of its own kind keeps its code whatever caused it
    assertThat(
            Cli.exitCodeFor(
                new CacheException(
                    Path.of("/c"), CacheException.Reason.IO_ERROR, "bad", timeout())))
        .isEqualTo(ExitCode.FAILURE);
  }

  @Test
  void findsThePluginsErrorThroughWrappers() throws Exception {
    CniError error = new CniError("1.0.0", 11, "busy", "retry");
    CniException wrapped = new CniException("ADD of network n failed", pluginError(error));
    JsonNode report =
        Json.parse(
            ErrorReport.json("m", ExitCode.FAILURE, wrapped).getBytes(StandardCharsets.UTF_8));
    assertThat(report.get("code").asLong()).isEqualTo(11);
    assertThat(report.get("msg").textValue()).isEqualTo("busy");
    assertThat(report.get("details").textValue()).isEqualTo("retry");
    assertThat(report.get("error").textValue()).isEqualTo("m");
  }

  @Test
  void jsonReportEscapesWhatTheMessageHolds() throws Exception {
    String message = "line1\nline2 \"quoted\" \u0001";
    String json = ErrorReport.json(message, 1, null);
    assertThat(json).doesNotContain("\n");
    assertThat(Json.parse(json.getBytes(StandardCharsets.UTF_8)).get("error").textValue())
        .isEqualTo(message);
  }

  @Test
  void jsonReportKeepsThePluginsTextExactlyButShowsInvisibleCharactersEscaped() throws Exception {
    String msg = "not \u202eready\u2028forged line \u0085\u200b\ufffe";
    CniException failure = pluginError(new CniError("1.0.0", 11, msg, "d\u202e"));

    String json = ErrorReport.json("m", ExitCode.FAILURE, failure);

    assertThat(json)
        .doesNotContain("\u202e", "\u2028", "\u0085", "\u200b", "\ufffe")
        .contains("\\u202eready\\u2028forged");
    JsonNode report = Json.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(report.get("msg").textValue()).isEqualTo(msg);
    assertThat(report.get("details").textValue()).isEqualTo("d\u202e");
  }
}
