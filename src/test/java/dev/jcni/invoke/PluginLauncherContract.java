package dev.jcni.invoke;

import static dev.jcni.invoke.Plugins.text;
import static dev.jcni.invoke.Plugins.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.invoke.LaunchResult.Ending;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link PluginLauncher} must have, run against real processes. A launcher
 * passes by extending this class and returning itself from {@link #launcher()}.
 */
@Timeout(30)
abstract class PluginLauncherContract {
  @TempDir Path tmp;

  /** The launcher under test; may be the same instance for every test. */
  protected abstract PluginLauncher launcher();

  private Path record() throws Exception {
    return Files.createDirectories(tmp.resolve("record"));
  }

  private static List<String> env(Path record, String... more) {
    List<String> env = new ArrayList<>();
    env.add("PATH=" + System.getenv("PATH"));
    env.add("CNI_COMMAND=ADD");
    env.add("CNI_IFNAME=eth0");
    if (record != null) {
      env.add("JCNI_TEST_RECORD=" + record);
    }
    env.addAll(List.of(more));
    return env;
  }

  private static LaunchRequest request(
      Path exe, List<String> env, byte[] stdin, Duration deadline, Duration grace) {
    return new LaunchRequest(
        exe,
        env,
        stdin,
        Deadline.after(deadline),
        grace,
        Duration.ofSeconds(1),
        ExecOptions.DEFAULT_STDOUT_LIMIT,
        ExecOptions.DEFAULT_STDERR_TAIL);
  }

  private static LaunchRequest request(Path exe, List<String> env, byte[] stdin) {
    return request(exe, env, stdin, Duration.ofSeconds(20), Duration.ofSeconds(5));
  }

  private static Path plugin(String name) {
    return Plugins.dir().resolve(name);
  }

  @Test
  void runsThePluginWithItsPathAsTheOnlyArgumentAndExactlyTheGivenEnvironment() throws Exception {
    Path record = record();
    List<String> env = env(record, "WITH_SPACES=a b  c", "EMPTY=", "UNICODE=ünï\u00e7ødé");
    LaunchResult r = launcher().launch(request(plugin("echo-plugin"), env, utf8("{}")));

    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.exitStatus()).hasValue(0);
    assertThat(Files.readAllLines(record.resolve("argv")))
        .containsExactly(plugin("echo-plugin").toString());
    // The JDK's ProcessBuilder does not keep the order of the entries, so compare as sets.
    assertThat(Plugins.recordedEnviron(record)).containsExactlyInAnyOrderElementsOf(env);
    assertThat(text(r.stdout()))
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
                + "\"ips\":[],\"dns\":{}}");
  }

  @Test
  void passesTheRequestArgumentsAfterArgv0VerbatimWithoutAShell() throws Exception {
    Path record = record();
    List<String> arguments = List.of("--opt=1", "two words", "", "$HOME;*", "ünï");
    LaunchRequest request =
        new LaunchRequest(
            plugin("echo-plugin"),
            env(record),
            utf8("{}"),
            Deadline.after(Duration.ofSeconds(20)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            ExecOptions.DEFAULT_STDOUT_LIMIT,
            ExecOptions.DEFAULT_STDERR_TAIL,
            arguments);

    LaunchResult r = launcher().launch(request);

    assertThat(r.exitStatus()).hasValue(0);
    List<String> expected = new ArrayList<>();
    expected.add(plugin("echo-plugin").toString());
    expected.addAll(arguments);
    assertThat(Files.readAllLines(record.resolve("argv"))).containsExactlyElementsOf(expected);
  }

  @Test
  void thePluginInheritsNoDescriptorOfTheJvm() throws Exception {
    Path record = record();
    Path marker = Files.writeString(tmp.resolve("jvm-only"), "not for plugins");
    Path script = tmp.resolve("bin/list-fds");
    Files.createDirectories(script.getParent());
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "cat > /dev/null\n"
            + "for f in /proc/$$/fd/*; do readlink \"$f\"; done > \"$JCNI_TEST_RECORD/fds\"\n"
            + "printf '{}'\n");
    script.toFile().setExecutable(true, false);
    try (FileInputStream open = new FileInputStream(marker.toFile())) {
      // The control: the JDK opened the file without close-on-exec, so only the launcher can
      // keep it from the plugin.
      assertThat(Plugins.inheritableDescriptorsOf(marker)).isNotEmpty();
      LaunchResult r = launcher().launch(request(script, env(record), utf8("{}")));
      assertThat(r.exitStatus()).hasValue(0);
    }
    List<String> fds = Files.readAllLines(record.resolve("fds"));
    assertThat(fds).as("targets of the plugin's descriptors").isNotEmpty();
    assertThat(fds).doesNotContain(marker.toString());
  }

  @Test
  void writesStdinByteForByteThenClosesIt() throws Exception {
    Path record = record();
    byte[] small = utf8("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"echo-plugin\"}\n");
    byte[] large = new byte[300 * 1024];
    new Random(42).nextBytes(large);
    for (byte[] stdin : List.of(small, large, new byte[0])) {
      LaunchResult r = launcher().launch(request(plugin("echo-plugin"), env(record), stdin));
      assertThat(r.exitStatus()).hasValue(0);
      // The plugin reads stdin to its end: it would hang if stdin were not closed.
      assertThat(Files.readAllBytes(record.resolve("stdin"))).isEqualTo(stdin);
    }
  }

  @Test
  void aPluginThatExitsWithoutReadingStdinIsNotAnError() throws Exception {
    for (int size : new int[] {10, 4096, 1024 * 1024}) {
      LaunchResult r =
          launcher().launch(request(plugin("no-stdin-read"), env(null), new byte[size]));
      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.exitStatus()).hasValue(0);
      assertThat(text(r.stdout())).startsWith("{\"cniVersion\"");
    }
  }

  @Test
  void reportsExitStatusStdoutAndStderrOfAFailingPlugin() throws Exception {
    LaunchResult r = launcher().launch(request(plugin("cni-error"), env(null), utf8("{}")));
    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.exitStatus()).hasValue(1);
    assertThat(r.signal()).isEmpty();
    assertThat(text(r.stdout())).contains("\"code\":7");
    assertThat(text(r.stderrTail())).isEqualTo("bridge: cannot create bridge\n");
    assertThat(r.stderrBytes()).isEqualTo("bridge: cannot create bridge\n".length());
    assertThat(r.outputAbandoned()).isFalse();
  }

  @Test
  void keepsOnlyTheTailOfStderrAndReadsTheRestToTheEnd() throws Exception {
    int flood = 8 * 1024 * 1024;
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("flood-stderr"),
                    env(null, "JCNI_TEST_STDERR_BYTES=" + flood),
                    utf8("{}")));
    String last = "last line of stderr\n";
    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.exitStatus()).hasValue(0);
    assertThat(r.stderrBytes()).isEqualTo(flood + last.length());
    assertThat(r.stderrTail()).hasSize(ExecOptions.DEFAULT_STDERR_TAIL);
    String tail = text(r.stderrTail());
    assertThat(tail).endsWith(last);
    assertThat(tail.substring(0, tail.length() - last.length())).matches("e+");
    assertThat(text(r.stdout())).startsWith("{\"cniVersion\"");
  }

  @Test
  void keepsExactlyTheLastStderrBytesInTheirOrder() throws Exception {
    Path script = tmp.resolve("bin/count-to-stderr");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\ncat > /dev/null\nseq 1 300000 >&2\n");
    script.toFile().setExecutable(true, false);
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= 300000; i++) {
      all.append(i).append('\n');
    }
    int keep = 100_003; // larger than a pipe read, not a multiple of anything
    LaunchResult r =
        launcher()
            .launch(
                new LaunchRequest(
                    script,
                    env(null),
                    utf8("{}"),
                    Deadline.after(Duration.ofSeconds(20)),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    1024,
                    keep));
    assertThat(r.exitStatus()).hasValue(0);
    assertThat(r.stderrBytes()).isEqualTo(all.length());
    assertThat(text(r.stderrTail())).isEqualTo(all.substring(all.length() - keep));
  }

  @Test
  void stopsReadingStdoutJustPastTheLimitAndStopsThePlugin() throws Exception {
    int limit = 64 * 1024;
    LaunchRequest req =
        new LaunchRequest(
            plugin("flood-stdout"),
            env(null),
            utf8("{}"),
            Deadline.after(Duration.ofSeconds(20)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            limit,
            1024);
    LaunchResult r = launcher().launch(req);
    assertThat(r.ending()).isEqualTo(Ending.OUTPUT_LIMIT_EXCEEDED);
    assertThat(r.stdout()).hasSize(limit + 1);
    // stopped long before 2 GiB could have been written
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void atTheDeadlineStopsThePluginAndItsChildrenWithSigterm() throws Exception {
    Path record = record();
    long start = System.nanoTime();
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("hang"),
                    env(record),
                    utf8("{}"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.ending()).isEqualTo(Ending.DEADLINE_EXCEEDED);
    assertThat(r.killed()).as("SIGTERM was enough").isFalse();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    // SIGTERM ends it at once: well before the 10 s grace period would have run out
    assertThat(took).isLessThan(Duration.ofSeconds(8));
    assertThat(r.signal().orElse(r.exitStatus().orElse(0) - 128)).isEqualTo(15);
    long pid = Long.parseLong(Files.readString(record.resolve("pid")).trim());
    long child = Long.parseLong(Files.readString(record.resolve("child")).trim());
    Plugins.assertStops(pid, Duration.ofSeconds(2));
    Plugins.assertStops(child, Duration.ofSeconds(2));
  }

  @Test
  void sendsSigkillWhenThePluginOutlivesTheGracePeriod() throws Exception {
    Path record = record();
    long start = System.nanoTime();
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("ignore-term"),
                    env(record),
                    utf8("{}"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.ending()).isEqualTo(Ending.DEADLINE_EXCEEDED);
    assertThat(r.killed()).isTrue();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(took).isLessThan(Duration.ofSeconds(12));
    assertThat(Files.readAllLines(record.resolve("signals"))).contains("TERM");
    assertThat(r.signal().orElse(r.exitStatus().orElse(0) - 128)).isEqualTo(9);
    Plugins.assertStops(
        Long.parseLong(Files.readString(record.resolve("pid")).trim()), Duration.ofSeconds(2));
  }

  @Test
  void aPluginThatLeavesItsProcessGroupIsStillStoppedAtTheDeadline() throws Exception {
    Path record = record();
    long start = System.nanoTime();
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("leave-group"),
                    env(record),
                    utf8("{}"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long pid = Long.parseLong(Files.readString(record.resolve("pid")).trim());
    try {
      assertThat(Long.parseLong(Files.readString(record.resolve("group")).trim()))
          .as("it moved to the JVM's group (from its own, for a launcher that makes one)")
          .isEqualTo(groupOfThisJvm());
      assertThat(r.ending()).isEqualTo(Ending.DEADLINE_EXCEEDED);
      assertThat(r.signal().orElse(r.exitStatus().orElse(0) - 128)).isEqualTo(15);
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      Plugins.assertStops(pid, Duration.ofSeconds(2));
    } finally {
      Plugins.kill(pid);
    }
  }

  /** This JVM's process group, from /proc. */
  private static long groupOfThisJvm() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
  }

  @Test
  void aPluginThatClosesStdoutButKeepsRunningStillMeetsTheDeadline() throws Exception {
    Path record = record();
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("close-stdout-and-hang"),
                    env(record),
                    utf8("{}"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5)));
    assertThat(r.ending()).isEqualTo(Ending.DEADLINE_EXCEEDED);
    assertThat(r.stdout()).isEmpty();
    Plugins.assertStops(
        Long.parseLong(Files.readString(record.resolve("pid")).trim()), Duration.ofSeconds(2));
  }

  @Test
  void aChildLeftHoldingStdoutCannotHoldTheCallPastTheDrainPeriod() throws Exception {
    Path record = record();
    long start = System.nanoTime();
    LaunchResult r =
        launcher().launch(request(plugin("background-child"), env(record), utf8("{}")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long child = Long.parseLong(Files.readString(record.resolve("child")).trim());
    try {
      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.exitStatus()).hasValue(0);
      assertThat(text(r.stdout()))
          .isEqualTo("{\"cniVersion\":\"1.0.0\",\"interfaces\":[],\"ips\":[],\"dns\":{}}");
      // Whether reading was abandoned at the end of the drain period (posix_spawn) or the pipe was
      // closed when the plugin was reaped (the JDK's streams, see ProcessBuilderLauncher) is the
      // launcher's business; not the complete output, nor the time the call takes.
      assertThat(r.stdoutIncomplete()).isFalse();
      // the child sleeps 30 s; the call ends after the 1 s drain period at the latest
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(Plugins.running(child))
          .as("the child is left alone, as a process group would")
          .isTrue();
    } finally {
      Plugins.kill(child);
    }
  }

  @Test
  void aChildLeftHoldingStdinWithoutReadingItCannotHoldTheCall() throws Exception {
    Path record = record();
    byte[] stdin = new byte[200_000]; // more than a pipe holds: its writing blocks
    new Random(7).nextBytes(stdin);
    long start = System.nanoTime();
    LaunchResult r =
        launcher()
            .launch(
                request(
                    plugin("child-holds-stdin"),
                    env(record),
                    stdin,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long child = Long.parseLong(Files.readString(record.resolve("child")).trim());
    try {
      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.exitStatus()).hasValue(0);
      assertThat(text(r.stdout()))
          .isEqualTo("{\"cniVersion\":\"1.0.0\",\"interfaces\":[],\"ips\":[],\"dns\":{}}");
      // the child holds stdin for 30 s; the bound is deadline 5 s + grace 1 s + drain 1 s
      assertThat(took).isLessThan(Duration.ofSeconds(12));
      assertThat(Plugins.running(child))
          .as("the child of a plugin that exited on its own is left alone")
          .isTrue();
      // and the launcher goes on working
      LaunchResult next = launcher().launch(request(plugin("echo-plugin"), env(null), stdin));
      assertThat(next.exitStatus()).hasValue(0);
    } finally {
      Plugins.kill(child);
    }
  }

  @Test
  void withNoDrainPeriodAStdoutNotReadToWhereThePluginLeftItIsNeverPassedAsComplete()
      throws Exception {
    int size = 1_000_000;
    int complete = 0;
    for (int i = 0; i < 50; i++) {
      LaunchResult r =
          launcher()
              .launch(
                  new LaunchRequest(
                      plugin("large-stdout"),
                      env(null, "JCNI_TEST_STDOUT_BYTES=" + size),
                      utf8("{}"),
                      Deadline.after(Duration.ofSeconds(20)),
                      Duration.ofSeconds(5),
                      Duration.ZERO,
                      ExecOptions.DEFAULT_STDOUT_LIMIT,
                      ExecOptions.DEFAULT_STDERR_TAIL));
      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.exitStatus()).hasValue(0);
      if (!r.stdoutIncomplete()) {
        assertThat(r.stdout()).as("call %d: stdout reported complete", i).hasSize(size);
        assertThat(text(r.stdout())).matches("o+");
        complete++;
      }
    }
    // the flag is not a way out: what the plugin left in the pipe is read at once
    assertThat(complete).as("calls with their whole stdout").isGreaterThan(0);
  }

  @Test
  void reportsADeathBySignal() throws Exception {
    LaunchResult r = launcher().launch(request(plugin("sigkill-self"), env(null), utf8("{}")));
    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.exitStatus()).hasValue(128 + 9);
    // A launcher may know the signal for certain; it must not claim one it did not see.
    assertThat(r.signal().orElse(9)).isEqualTo(9);
  }

  @Test
  void interruptionStopsThePluginAndThrowsInterruptedException() throws Exception {
    Path record = record();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                launcher()
                    .launch(
                        request(
                            plugin("hang"),
                            env(record),
                            utf8("{}"),
                            Duration.ofSeconds(60),
                            Duration.ofSeconds(5)));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    long pid = Plugins.awaitPid(record.resolve("pid"), Duration.ofSeconds(10));
    long child = Plugins.awaitPid(record.resolve("child"), Duration.ofSeconds(10));
    long start = System.nanoTime();
    caller.interrupt();
    caller.join(Duration.ofSeconds(10).toMillis());
    assertThat(caller.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    Plugins.assertStops(pid, Duration.ofSeconds(2));
    Plugins.assertStops(child, Duration.ofSeconds(2));
  }

  @Test
  void aBusyExecutableIsReportedAsTextFileBusy() throws Exception {
    Path copy = Plugins.copy(plugin("echo-plugin"), tmp.resolve("bin/busy"));
    try (FileChannel writer = FileChannel.open(copy, StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> launcher().launch(request(copy, env(null), utf8("{}"))))
          .isInstanceOfSatisfying(
              SpawnException.class,
              e -> {
                assertThat(e.isTextFileBusy()).isTrue();
                assertThat(e.errno()).hasValue(SpawnException.ETXTBSY);
                assertThat(e.executable()).isEqualTo(copy);
              });
    }
  }

  @Test
  void aMissingExecutableWhoseNameReadsLikeAnErrnoIsReportedWithItsOwnErrno() {
    for (String name :
        List.of("x error=26, y", "x error=26, Text file busy", "x error: 26 (Text file busy) y")) {
      Path missing = tmp.resolve(name);
      assertThatThrownBy(() -> launcher().launch(request(missing, env(null), utf8("{}"))))
          .as(name)
          .isInstanceOfSatisfying(
              SpawnException.class,
              e -> {
                assertThat(e.errno()).hasValue(2); // ENOENT
                assertThat(e.isTextFileBusy()).isFalse();
              });
    }
  }

  @Test
  void aMissingExecutableIsASpawnExceptionWithItsErrno() {
    Path missing = tmp.resolve("no-such-plugin");
    assertThatThrownBy(() -> launcher().launch(request(missing, env(null), utf8("{}"))))
        .isInstanceOfSatisfying(
            SpawnException.class,
            e -> {
              assertThat(e.isTextFileBusy()).isFalse();
              assertThat(e.errno()).hasValue(2); // ENOENT
            });
  }
}
