package dev.jcni.invoke;

import static dev.jcni.invoke.Plugins.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.invoke.LaunchResult.Ending;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes started ahead of their call ({@link PosixSpawnLauncher#prestart}): they get nothing
 * until their call, die unused without having read a byte, serve only the call they were started
 * for, and run the overlap hook once their stdin is written.
 */
@Timeout(30)
class PrestartedPluginTest {
  private static final PosixSpawnLauncher LAUNCHER = new PosixSpawnLauncher();

  @TempDir Path tmp;

  /** The JVM's children before the test: other tests' leftovers must not count. */
  private List<Long> before;

  @org.junit.jupiter.api.BeforeEach
  void rememberChildren() {
    before = Plugins.children();
  }

  /** The children this test started and left behind, zombies included. */
  private List<Long> ours() {
    List<Long> now = new ArrayList<>(Plugins.children());
    now.removeAll(before);
    return now;
  }

  private Path record() throws Exception {
    return Files.createDirectories(tmp.resolve("record"));
  }

  private static Path echo() {
    return Plugins.dir().resolve("echo-plugin");
  }

  private static List<String> env(Path record, String command) {
    List<String> env = new ArrayList<>();
    env.add("PATH=" + System.getenv("PATH"));
    env.add("CNI_COMMAND=" + command);
    env.add("CNI_IFNAME=eth0");
    env.add("JCNI_TEST_RECORD=" + record);
    return env;
  }

  private static LaunchRequest request(Path exe, List<String> env, String stdin) {
    return new LaunchRequest(
        exe,
        env,
        utf8(stdin),
        Deadline.after(Duration.ofSeconds(20)),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        ExecOptions.DEFAULT_STDOUT_LIMIT,
        ExecOptions.DEFAULT_STDERR_TAIL);
  }

  private static PrestartedPlugin prestart(Path exe, List<String> env) throws Exception {
    return LAUNCHER.prestart(exe, List.of(), env).orElseThrow();
  }

  /**
   * echo-plugin writes argv, then opens "stdin" for its copy of stdin and reads: once that file
   * exists the process runs and waits in its read.
   */
  private static void awaitStarted(Path record) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(record.resolve("stdin")) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(record.resolve("stdin")).as("the prestarted plugin ran up to its stdin").exists();
  }

  @Test
  void aProcessClosedWithoutItsCallIsKilledAndReapedBeforeItReadsAByteOfStdin() throws Exception {
    Path record = record();
    PrestartedPlugin plugin = prestart(echo(), env(record, "ADD"));
    awaitStarted(record);
    assertThat(ours()).as("the waiting process is a child of the JVM").hasSize(1);

    plugin.close();
    plugin.close(); // idempotent

    assertThat(ours()).as("killed and reaped, no zombie").isEmpty();
    // "calls" is appended only after stdin reached its end: the plugin never got past its read.
    assertThat(record.resolve("calls")).doesNotExist();
    assertThat(record.resolve("stdin")).isEmptyFile();
  }

  @Test
  void aPrestartedProcessServesItsCallWithItsEnvironmentAndTheCallsStdin() throws Exception {
    Path record = record();
    List<String> env = env(record, "ADD");
    try (PrestartedPlugin plugin = prestart(echo(), env)) {
      awaitStarted(record);
      assertThat(record.resolve("calls")).doesNotExist();

      LaunchResult r = plugin.launch(request(echo(), env, "{\"cniVersion\":\"1.0.0\"}"), () -> {});

      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.exitStatus()).hasValue(0);
      assertThat(new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8))
          .startsWith("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}]");
      assertThat(Files.readString(record.resolve("stdin"))).isEqualTo("{\"cniVersion\":\"1.0.0\"}");
      assertThat(Plugins.recordedEnviron(record)).containsExactlyElementsOf(env);
      assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("ADD");
    }
    assertThat(ours()).isEmpty();
  }

  @Test
  void refusesACallForAnotherEnvironmentAndKillsTheProcessUnfed() throws Exception {
    Path record = record();
    PrestartedPlugin plugin = prestart(echo(), env(record, "ADD"));
    awaitStarted(record);

    assertThatThrownBy(() -> plugin.launch(request(echo(), env(record, "DEL"), "{}"), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another program, arguments or environment");

    assertThat(ours()).isEmpty();
    assertThat(record.resolve("calls")).doesNotExist();
  }

  @Test
  void servesOneCallOnly() throws Exception {
    Path record = record();
    List<String> env = env(record, "DEL");
    PrestartedPlugin plugin = prestart(echo(), env);
    assertThat(plugin.launch(request(echo(), env, "{}"), () -> {}).exitStatus()).hasValue(0);

    assertThatThrownBy(() -> plugin.launch(request(echo(), env, "{}"), () -> {}))
        .isInstanceOf(IllegalStateException.class);
    assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("DEL");
  }

  @Test
  void theOverlapHookRunsOnceAfterThePluginHasItsStdin() throws Exception {
    Path record = record();
    List<String> env = env(record, "ADD");
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean stdinSeen = new AtomicBoolean();
    Runnable hook =
        () -> {
          runs.incrementAndGet();
          // The plugin appends to "calls" once it has read its whole stdin: wait for that here,
          // in the hook, which only works if stdin was written (and closed) before the hook.
          long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (!Files.exists(record.resolve("calls")) && System.nanoTime() < end) {
            Thread.onSpinWait();
          }
          stdinSeen.set(Files.exists(record.resolve("calls")));
        };
    try (PrestartedPlugin plugin = prestart(echo(), env)) {
      assertThat(plugin.launch(request(echo(), env, "{}"), hook).exitStatus()).hasValue(0);
    }
    assertThat(runs).hasValue(1);
    assertThat(stdinSeen).isTrue();
  }

  @Test
  void aHookThatThrowsStopsThePluginAndIsRethrown() throws Exception {
    Path hang = Plugins.dir().resolve("hang");
    List<String> env = env(record(), "ADD");
    PrestartedPlugin plugin = prestart(hang, env);

    assertThatThrownBy(
            () ->
                plugin.launch(
                    request(hang, env, "{}"),
                    () -> {
                      throw new IllegalStateException("hook failed");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("hook failed");
    assertThat(ours()).as("the hanging plugin was killed and reaped").isEmpty();
  }

  @Test
  void aPlainLaunchRunsTheHookAfterStdinToo() throws Exception {
    Path record = record();
    List<String> env = env(record, "ADD");
    AtomicBoolean stdinSeen = new AtomicBoolean();
    LaunchResult r =
        LAUNCHER.launch(
            request(echo(), env, "{}"),
            () -> {
              long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
              while (!Files.exists(record.resolve("calls")) && System.nanoTime() < end) {
                Thread.onSpinWait();
              }
              stdinSeen.set(Files.exists(record.resolve("calls")));
            });
    assertThat(r.exitStatus()).hasValue(0);
    assertThat(stdinSeen).isTrue();
  }

  @Test
  void theProcessBuilderLauncherStartsNothingAhead() throws Exception {
    assertThat(new ProcessBuilderLauncher().prestart(echo(), List.of(), env(record(), "ADD")))
        .isEmpty();
    assertThat(ours()).isEmpty();
  }

  // ------------------------------------------------------------------ through the executor

  private static PluginInvocation add(String containerId) {
    return PluginInvocation.of(
        Verb.ADD, containerId, "/var/run/netns/c1", "eth0", "", "/opt/cni/bin", utf8("{}"));
  }

  /**
   * Prestarts a recording echo plugin through the executor for an ADD of container {@code
   * startedFor}, waits until it runs, deletes the argv it recorded (a process started by the call
   * would write it again), then executes an ADD of container {@code calledFor} with it.
   */
  private byte[] executeWithPrestarted(Path record, String startedFor, String calledFor)
      throws Exception {
    Path copy = Plugins.recordingCopy("echo-plugin", tmp.resolve("bin/echo"), record);
    LocatedPlugin plugin = PluginPath.of(List.of(copy.getParent())).find("echo");
    PluginExecutor executor = new PluginExecutor(LAUNCHER, ExecOptions.defaults());

    PrestartedPlugin early =
        executor.prestart(plugin, add(startedFor), ExecOptions.defaults()).orElseThrow();
    awaitStarted(record);
    Files.delete(record.resolve("argv"));
    return executor.execute(
        plugin,
        add(calledFor),
        ExecOptions.defaults(),
        Deadline.after(Duration.ofSeconds(20)),
        early,
        () -> {});
  }

  @Test
  void theExecutorRunsTheCallInThePrestartedProcess() throws Exception {
    Path record = record();

    byte[] out = executeWithPrestarted(record, "c1", "c1");

    assertThat(out).isNotEmpty();
    assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("ADD");
    assertThat(record.resolve("argv")).as("no second process").doesNotExist();
    assertThat(ours()).isEmpty();
  }

  @Test
  void theExecutorStartsAFreshProcessWhenThePrestartedOneWasForAnotherCall() throws Exception {
    Path record = record();

    executeWithPrestarted(record, "other", "c1");

    assertThat(record.resolve("argv")).as("a process started for the call").exists();
    assertThat(Plugins.recordedEnviron(record)).contains("CNI_CONTAINERID=c1");
    assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("ADD");
    assertThat(ours()).as("the unused process was killed and reaped").isEmpty();
  }

  @Test
  void aPluginThatCannotStartAheadIsStartedByItsCallWhichReportsTheFailure() throws Exception {
    PluginExecutor executor = new PluginExecutor(LAUNCHER, ExecOptions.defaults());
    Path dir = Files.createDirectories(tmp.resolve("bin"));
    Path gone = Plugins.copy(echo(), dir.resolve("gone"));
    LocatedPlugin plugin = PluginPath.of(List.of(dir)).find("gone");
    Files.delete(gone);

    assertThat(executor.prestart(plugin, add("c1"), ExecOptions.defaults())).isEmpty();
    assertThatThrownBy(
            () ->
                executor.execute(
                    plugin,
                    add("c1"),
                    ExecOptions.defaults(),
                    Deadline.after(Duration.ofSeconds(20)),
                    null,
                    () -> {}))
        .isInstanceOf(dev.jcni.PluginLaunchException.class);
  }
}
