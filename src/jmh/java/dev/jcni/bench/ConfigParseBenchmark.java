package dev.jcni.bench;

import dev.jcni.config.NetworkConfigList;
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

/**
 * Conflist parsing, the counterpart of {@code libcni-bench parse} (libcni's ConfListFromBytes) on
 * the same 3-plugin list {@code noop3} that {@code ../shared/ref/run-ref.sh} writes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConfigParseBenchmark {
  /** Byte for byte the noop3.conflist of the reference scripts (with its final newline). */
  static final byte[] NOOP3 =
      ("{\n"
              + "  \"cniVersion\": \"1.0.0\",\n"
              + "  \"name\": \"noop3\",\n"
              + "  \"plugins\": [\n"
              + "    {\"type\": \"noop-plugin\"},\n"
              + "    {\"type\": \"noop-plugin\", \"capabilities\": {\"portMappings\": true}},\n"
              + "    {\"type\": \"noop-plugin\", \"someKey\": {\"a\": [1, 2, 3]}}\n"
              + "  ]\n"
              + "}\n")
          .getBytes(StandardCharsets.UTF_8);

  /** Parses and validates the whole list, as a runtime does before every operation. */
  @Benchmark
  public NetworkConfigList parseConflist() throws Exception {
    return NetworkConfigList.parse(NOOP3);
  }
}
