package dev.jcni.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The floor under config parsing: the shared mapper reading a 3-plugin list into a tree. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonParseBenchmark {
  static final byte[] NOOP3 =
      ("{\"cniVersion\":\"1.0.0\",\"name\":\"noop3\",\"plugins\":["
              + "{\"type\":\"noop-plugin\"},"
              + "{\"type\":\"noop-plugin\",\"capabilities\":{\"portMappings\":true}},"
              + "{\"type\":\"noop-plugin\",\"someKey\":{\"a\":[1,2,3]}}]}")
          .getBytes(StandardCharsets.UTF_8);

  /** Parses the bytes into a Jackson tree. */
  @Benchmark
  public JsonNode parseTree() throws Exception {
    return Json.parse(NOOP3);
  }
}
