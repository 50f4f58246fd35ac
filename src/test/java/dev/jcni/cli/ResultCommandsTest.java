package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.internal.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCommandsTest {
  private static final Path RESULTS = Path.of(System.getProperty("jcni.testdata"), "results");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, String... args) {
    Cli cli =
        new Cli(
            ResultCommands.all(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return cli.run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void convertsAFileAndPrintsWhatLibcniPrints() throws Exception {
    Path input = RESULTS.resolve("inputs/v040-dual-multi.json");
    assertThat(run("", "result", "convert", "--to", "0.2.0", input.toString())).isZero();
    // libcni 1.1.2's result-convert output, byte for byte (compact JSON and a newline)
    assertThat(out())
        .isEqualTo(Files.readString(RESULTS.resolve("libcni-v1.1.2/v040-dual-multi@0.2.0.json")));
    assertThat(err()).isEmpty();
  }

  @Test
  void readsStandardInputWhenGivenNoFile() throws Exception {
    String input = Files.readString(RESULTS.resolve("inputs/v010-dual.json"));
    assertThat(run(input, "result", "convert", "--to=1.0.0")).isZero();
    assertThat(Json.parse(out().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(
            Json.parse(Files.readAllBytes(RESULTS.resolve("libcni-v1.1.2/v010-dual@1.0.0.json"))));
  }

  @Test
  void convertsTheResultOfALibcniCacheFile(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cniref-br-cnitool-705c6e61e3b30c99ec77-eth0");
    Files.writeString(
        cache,
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"config\":\"e30=\",\"ifName\":\"eth0\","
            + "\"networkName\":\"n\",\"result\":{\"cniVersion\":\"1.0.0\",\"dns\":{},"
            + "\"interfaces\":[{\"name\":\"eth0\"}],"
            + "\"ips\":[{\"address\":\"198.18.0.2/24\",\"gateway\":\"198.18.0.1\","
            + "\"interface\":0}]}}");
    assertThat(run("", "result", "convert", "--to", "0.3.1", cache.toString())).isZero();
    assertThat(out())
        .isEqualTo(
            "{\"cniVersion\":\"0.3.1\",\"interfaces\":[{\"name\":\"eth0\"}],"
                + "\"ips\":[{\"version\":\"4\",\"interface\":0,"
                + "\"address\":\"198.18.0.2/24\",\"gateway\":\"198.18.0.1\"}],\"dns\":{}}\n");
  }

  @Test
  void aConversionThatLibcniRefusesFailsWithExitOne() throws Exception {
    Path input = RESULTS.resolve("inputs/v100-no-ips.json");
    assertThat(run("", "result", "convert", "--to", "0.1.0", input.toString())).isEqualTo(1);
    assertThat(out()).isEmpty();
    assertThat(err())
        .isEqualTo("jcni: cannot convert result from 1.0.0 to 0.1.0: no valid IP addresses\n");
  }

  @Test
  void aMalformedResultFailsNamingTheSourceAndTheField() {
    assertThat(
            run(
                "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"x\"}]}",
                "result",
                "convert",
                "--to",
                "1.0.0"))
        .isEqualTo(1);
    assertThat(err())
        .isEqualTo(
            "jcni: standard input: invalid result: field \"ips[0].address\": invalid CIDR address"
                + " \"x\"\n");
    out.reset();
    err.reset();
    assertThat(run("{\"cniVersion\":", "result", "convert", "--to", "1.0.0")).isEqualTo(1);
    assertThat(err()).startsWith("jcni: standard input: not valid JSON");
  }

  @Test
  void anUnknownTargetVersionOrAMissingFileFailsWithExitOne() {
    assertThat(run("{}", "result", "convert", "--to", "0.5.0")).isEqualTo(1);
    assertThat(err()).contains("\"0.5.0\"").contains("1.1.0");
    err.reset();
    assertThat(run("", "result", "convert", "--to", "1.0.0", "/nonexistent/result.json"))
        .isEqualTo(1);
    assertThat(err()).isEqualTo("jcni: cannot read /nonexistent/result.json: no such file\n");
  }

  @Test
  void aMissingTargetOrAnExtraArgumentIsAUsageError() {
    assertThat(run("{}", "result", "convert")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).contains("--to");
    err.reset();
    assertThat(run("{}", "result", "convert", "--to", "1.0.0", "a", "b")).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void isRegisteredInTheRealTool() {
    assertThat(Cli.allCommands()).extracting(Command::words).contains(List.of("result", "convert"));
  }
}
