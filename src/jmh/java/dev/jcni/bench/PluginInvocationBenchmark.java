package dev.jcni.bench;

import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.PosixSpawnLauncher;
import dev.jcni.invoke.ProcessBuilderLauncher;
import dev.jcni.invoke.Verb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One plugin invocation through {@link PluginExecutor}, the counterpart of {@code spawn-floor}
 * (../shared/ref: posix_spawn, write the config, read stdout to its end, reap) on the same noop
 * plugin binary, the same verb and the same configuration. Sample time, so that the median of the
 * calls compares with spawn-floor's {@code median_us}. {@code bench/invoke.sh} runs both in one
 * go.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PluginInvocationBenchmark {
  /** spawn-floor's default configuration. */
  static final byte[] CONFIG =
      "{\"cniVersion\":\"1.0.0\",\"name\":\"floor\",\"type\":\"noop-plugin\"}"
          .getBytes(StandardCharsets.UTF_8);

  /** The process layer: {@code posix_spawn} or {@code processbuilder}. */
  @Param({"posix_spawn", "processbuilder"})
  public String launcher;

  /** The noop plugin binary (built by ../shared/ref/build-ref.sh, or by bench/invoke.sh). */
  @Param({"/tmp/cniref/bin/noop-plugin"})
  public String plugin;

  private PluginExecutor executor;
  private LocatedPlugin located;
  private PluginInvocation add;

  /** Finds the plugin the way a runtime does and builds the executor. */
  @Setup
  public void setUp() throws Exception {
    Path path = Path.of(plugin);
    located = PluginPath.of(List.of(path.getParent())).find(path.getFileName().toString());
    PluginLauncher chosen =
        launcher.equals("posix_spawn") ? new PosixSpawnLauncher() : new ProcessBuilderLauncher();
    executor = new PluginExecutor(chosen, ExecOptions.defaults());
    // spawn-floor's environment values
    add =
        PluginInvocation.of(
            Verb.ADD,
            "spawn-floor",
            "/var/run/netns/spawn-floor",
            "eth0",
            "",
            "/nonexistent",
            CONFIG);
  }

  /** ADD on the noop plugin: start, stdin, stdout, exit status, result checks. */
  @Benchmark
  public byte[] add() throws Exception {
    return executor.execute(located, add);
  }
}
