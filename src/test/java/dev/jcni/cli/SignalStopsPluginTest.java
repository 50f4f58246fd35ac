package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal that ends the {@code jcni} process (Ctrl-C here) while a plugin runs: the plugin
 * is in a process group of its own, so the terminal's signal does not reach it, and jcni must stop
 * it before it exits rather than leave it running unseen.
 */
@Timeout(120)
class SignalStopsPluginTest {
  @TempDir Path tmp;

  /**
   * Network "slow" in {@code net.d/}: one plugin that records its pid as a file of {@code pids/}
   * (the CLI passes plugins no variable of the test's) and then sleeps far past the test.
   */
  private void writeSlowNetwork(Path conf, Path plugins, Path pids) throws Exception {
    Path plugin = plugins.resolve("slow");
    Files.writeString(
        plugin,
        "#!/bin/sh\n"
            + "cat > /dev/null\n"
            + "echo $$ > '"
            + pids
            + "/.'$$ && mv '"
            + pids
            + "/.'$$ '"
            + pids
            + "/'$$\n"
            + "exec sleep 1000\n");
    assertThat(plugin.toFile().setExecutable(true, false)).isTrue();
    Files.writeString(
        conf.resolve("10-slow.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"slow\",\"plugins\":[{\"type\":\"slow\"}]}");
  }

  @Test
  void aSignalToJcniStopsTheRunningPluginBeforeJcniExits() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path pids = Files.createDirectories(tmp.resolve("pids"));
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    writeSlowNetwork(conf, plugins, pids);

    ProcessBuilder pb =
        jcni(
            conf,
            plugins,
            "add",
            "slow",
            "/var/run/netns/jcni-test-signal",
            "--cache-dir",
            tmp.resolve("cache").toString());
    Process jcni = pb.start();
    long pid = -1;
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<Long> started = List.of();
      while (started.isEmpty() && System.nanoTime() < until && jcni.isAlive()) {
        Thread.sleep(20);
        started = pidsIn(pids);
      }
      assertThat(started).as("the plugin started; jcni said: %s", output()).hasSize(1);
      pid = started.get(0);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);

      interrupt(jcni);

      assertThat(jcni.waitFor(60, TimeUnit.SECONDS)).as("jcni exited").isTrue();
      Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      assertThat(left).as("the plugin was stopped before jcni exited").isEmpty();
      assertThat(output()).contains("interrupted");
    } finally {
      jcni.destroyForcibly();
      if (pid > 0) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void aSignalToJcniRunningBenchOnThreadsStopsEveryWorkersPlugin() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path pids = Files.createDirectories(tmp.resolve("pids"));
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    writeSlowNetwork(conf, plugins, pids);
    Process jcni =
        jcni(conf, plugins, "bench", "--net", "slow", "--n", "10", "--threads", "2").start();
    List<Long> started = List.of();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (started.size() < 2 && System.nanoTime() < until && jcni.isAlive()) {
        Thread.sleep(20);
        started = pidsIn(pids);
      }
      assertThat(started).as("both workers' plugins started; jcni said: %s", output()).hasSize(2);

      interrupt(jcni);

      assertThat(jcni.waitFor(60, TimeUnit.SECONDS)).as("jcni exited").isTrue();
      assertThat(started)
          .as("every plugin was stopped before jcni exited")
          .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertThat(output()).contains("jcni: ").doesNotContain("InterruptedException");
    } finally {
      jcni.destroyForcibly();
      for (long pid : pidsIn(pids)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void aSignalToJcniEndsACommandThatRunsNoPluginAtOnce() throws Exception {
    // result convert reads its standard input, which this test never closes
    Process jcni = jcni(tmp, tmp, "result", "convert", "--to", "1.0.0").start();
    try {
      Thread.sleep(1000); // let it reach its read
      assertThat(jcni.isAlive()).as("it waits for its input; it said: %s", output()).isTrue();
      long t0 = System.nanoTime();
      interrupt(jcni);
      assertThat(jcni.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
          .as("it did not wait for the command, which has no plugin to stop; it said: %s", output())
          .isLessThan(Main.STOP_WAIT_SECONDS / 2);
    } finally {
      jcni.destroyForcibly();
    }
  }

  /**
   * Ctrl-C: SIGINT to the process, by {@code kill} (Process.destroy would also close the pipes to
   * it, which ends a read of standard input by itself).
   */
  private static void interrupt(Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static List<Long> pidsIn(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .map(Long::parseLong)
          .toList();
    }
  }

  /** {@code jcni ARGS} as a process of its own, with its output in {@code jcni.out}. */
  private ProcessBuilder jcni(Path conf, Path plugins, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.java());
    command.add("-cp");
    command.add(ChildJvm.classPath(Main.class));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("jcni.out").toFile());
    pb.environment().put("NETCONFPATH", conf.toString());
    pb.environment().put("CNI_PATH", plugins.toString());
    return pb;
  }

  private String output() throws Exception {
    Path out = tmp.resolve("jcni.out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

}
