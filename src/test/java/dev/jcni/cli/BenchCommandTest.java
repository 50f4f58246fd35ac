package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void runsAddDelPairsAndPrintsOneJsonLineLikeLibcniBench() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    Path log = tmp.resolve("calls.jsonl");
    Files.writeString(
        conf.resolve("b.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"plugins\":[{\"type\":\"recorder\",\"recordTo\":\""
            + log
            + "\"},{\"type\":\"recorder\",\"recordTo\":\""
            + log
            + "\"}]}");
    Map<String, String> env =
        Map.of(
            "NETCONFPATH", conf.toString(),
            "CNI_PATH", JcniRun.testdata().resolve("plugins").toString());

    JcniRun run = JcniRun.of(env, "bench", "--net", "b", "--n", "2", "--threads", "2", "--warmup", "1");

    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode line = Json.parse(run.out.trim().getBytes(StandardCharsets.UTF_8));
    assertThat(line.get("mode").asText()).isEqualTo("conc");
    assertThat(line.get("pairs").asInt()).isEqualTo(4);
    assertThat(line.get("plugins").asInt()).isEqualTo(2);
    assertThat(line.get("us_per_op").asDouble()).isPositive();
    assertThat(line.get("warmup_pairs").asInt()).isEqualTo(1);
    assertThat(line.has("jit_settled")).as("only an automatic warm-up can tell").isFalse();
    assertThat(line.get("jit_ms").asLong()).as("this JVM tells its compilation time").isNotNegative();
    assertThat(line.has("alloc_bytes_per_pair")).as("told for sequential runs only").isFalse();
    assertThat(line.get("prestart").asBoolean()).isFalse();
    assertThat(line.get("prestart_ahead").asInt()).isZero();
    // (2 warm-up + 4 timed pairs) x (2 ADD + 2 DEL) plugin calls, every one on its own container
    assertThat(Files.readAllLines(log)).hasSize(6 * 4);
    JcniRun gc = JcniRun.of(env, "bench", "--net", "b", "--gc", "3", "--warmup", "1");
    assertThat(gc.exitCode).as(gc.toString()).isZero();
    JsonNode gcLine = Json.parse(gc.out.trim().getBytes(StandardCharsets.UTF_8));
    assertThat(gcLine.get("deleted").asInt()).isEqualTo(3);
    assertThat(gcLine.get("warmup_pairs").asInt()).isEqualTo(1);
    // one warm-up pair (2 ADD + 2 DEL), then 3 stale attachments x 2 plugins, one DEL each
    // (1.0.0: no plugin GC)
    assertThat(Files.readAllLines(log)).hasSize(6 * 4 + 4 + 3 * 2);
    JcniRun ahead =
        JcniRun.of(env, "bench", "--net", "b", "--n", "1", "--warmup", "0", "--prestart-ahead", "1");
    assertThat(ahead.exitCode).as(ahead.toString()).isZero();
    JsonNode aheadLine = Json.parse(ahead.out.trim().getBytes(StandardCharsets.UTF_8));
    assertThat(aheadLine.get("prestart").asBoolean()).isTrue();
    assertThat(aheadLine.get("prestart_ahead").asInt()).isEqualTo(1);
    assertThat(aheadLine.get("mode").asText()).isEqualTo("seq");
    assertThat(aheadLine.get("alloc_bytes_per_pair").asLong())
        .as("a pair parses results and writes the cache")
        .isGreaterThan(1000);
    assertThat(Files.readAllLines(log)).hasSize(6 * 4 + 4 + 3 * 2 + 4);
    assertThat(JcniRun.of(env, "bench", "--net", "b", "--prestart-ahead", "9").exitCode)
        .isEqualTo(ExitCode.USAGE);
    JcniRun soon = JcniRun.of(env, "bench", "--net", "b", "--warmup", "soon");
    assertThat(soon.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(soon.err).contains("--warmup needs a whole number or auto, not \"soon\"");
    assertThat(JcniRun.of(env, "bench").exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(JcniRun.of(env, "bench", "--net", "b", "--n", "0").exitCode).isEqualTo(ExitCode.USAGE);
  }
}
