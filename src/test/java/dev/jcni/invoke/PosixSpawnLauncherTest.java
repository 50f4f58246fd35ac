package dev.jcni.invoke;

import static dev.jcni.invoke.Plugins.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.jcni.internal.linux.NativeBuffer;
import dev.jcni.invoke.LaunchResult.Ending;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The launcher contract for {@link PosixSpawnLauncher}, and what only it promises: a process group
 * of the plugin's own, a clean signal state, the environment in its order, the signal of a death
 * known for certain.
 */
class PosixSpawnLauncherTest extends PluginLauncherContract {
  private static final PosixSpawnLauncher LAUNCHER = new PosixSpawnLauncher();
  private static final int SIGWINCH = 28;

  @Override
  protected PluginLauncher launcher() {
    return LAUNCHER;
  }

  /** The C calls the tests use to dirty the JVM's signal state. */
  interface TestLibC extends Library {
    TestLibC C = Native.load("c", TestLibC.class);

    int pthread_sigmask(int how, long[] set, long[] old);

    Pointer signal(int signal, Pointer handler);
  }

  private LaunchRequest request(Path exe, List<String> env) {
    return new LaunchRequest(
        exe,
        env,
        utf8("{}"),
        Deadline.after(Duration.ofSeconds(20)),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        ExecOptions.DEFAULT_STDOUT_LIMIT,
        ExecOptions.DEFAULT_STDERR_TAIL);
  }

  /** A script that records its {@code /proc/PID/stat} and {@code status} into the directory. */
  private Path recordingSelf(Path record) throws Exception {
    Path script = tmp.resolve("bin/record-self");
    Files.createDirectories(script.getParent());
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "cat > /dev/null\n"
            + "cat /proc/$$/stat > '"
            + record
            + "/stat'\n"
            + "cat /proc/$$/status > '"
            + record
            + "/status'\n"
            + "printf '{}'\n");
    script.toFile().setExecutable(true, false);
    return script;
  }

  private static String[] statFields(String stat) {
    // "pid (comm) S ppid pgrp session ...": the fields after the last ')'
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  private static long statusMask(List<String> status, String name) {
    for (String line : status) {
      if (line.startsWith(name + ":")) {
        return Long.parseUnsignedLong(line.substring(name.length() + 1).trim(), 16);
      }
    }
    throw new AssertionError("no " + name + " in " + status);
  }

  @Test
  void thePluginLeadsAProcessGroupOfItsOwnInTheJvmsSession() throws Exception {
    Path record = Files.createDirectories(tmp.resolve("record"));
    LaunchResult r =
        LAUNCHER.launch(request(recordingSelf(record), List.of("PATH=" + System.getenv("PATH"))));
    assertThat(r.exitStatus()).hasValue(0);

    String stat = Files.readString(record.resolve("stat"));
    long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
    String[] plugin = statFields(stat);
    String[] jvm = statFields(Files.readString(Path.of("/proc/self/stat")));
    assertThat(Long.parseLong(plugin[2])).as("the plugin's process group").isEqualTo(pid);
    assertThat(plugin[2]).isNotEqualTo(jvm[2]);
    assertThat(plugin[3]).as("session: no setsid").isEqualTo(jvm[3]);
  }

  @Test
  void thePluginStartsWithAnEmptySignalMaskAndDefaultDispositions() throws Exception {
    // A C program, not a script: a shell blocks signals around its forks and keeps ignored ones.
    Path selfStatus =
        Plugins.compile(
            "self-status",
            "#include <stdio.h>\n"
                + "int main(void) {\n"
                + "  char b[8192]; size_t n; FILE *f = fopen(\"/proc/self/status\", \"r\");\n"
                + "  if (!f) return 1;\n"
                + "  while ((n = fread(b, 1, sizeof b, f)) > 0) fwrite(b, 1, n, stdout);\n"
                + "  return 0;\n"
                + "}\n");
    long winch = 1L << (SIGWINCH - 1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Long> callerMask = new AtomicReference<>();
    AtomicReference<LaunchResult> result = new AtomicReference<>();
    Pointer previous = TestLibC.C.signal(SIGWINCH, new Pointer(1)); // SIG_IGN, process-wide
    try {
      assertThat(statusMask(Files.readAllLines(Path.of("/proc/self/status")), "SigIgn") & winch)
          .as("the JVM now ignores SIGWINCH")
          .isEqualTo(winch);
      Thread caller =
          new Thread(
              () -> {
                try {
                  long[] set = new long[16];
                  set[0] = winch;
                  assertThat(TestLibC.C.pthread_sigmask(0 /* SIG_BLOCK */, set, null)).isZero();
                  callerMask.set(
                      statusMask(
                          Files.readAllLines(Path.of("/proc/thread-self/status")), "SigBlk"));
                  result.set(LAUNCHER.launch(request(selfStatus, List.of())));
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      caller.start();
      caller.join();
    } finally {
      TestLibC.C.signal(SIGWINCH, previous);
    }
    assertThat(failure.get()).isNull();
    assertThat(callerMask.get() & winch).as("the calling thread blocks SIGWINCH").isEqualTo(winch);
    assertThat(result.get().exitStatus()).hasValue(0);
    List<String> status = List.of(Plugins.text(result.get().stdout()).split("\n"));
    assertThat(statusMask(status, "SigBlk")).as("the plugin's signal mask").isZero();
    // glibc's own real-time signals (32, 33) included: its posix_spawn would ignore them.
    assertThat(statusMask(status, "SigIgn")).as("signals the plugin ignores").isZero();
  }

  @Test
  void keepsTheEnvironmentInItsOrder() throws Exception {
    Path record = Files.createDirectories(tmp.resolve("record"));
    List<String> env = new ArrayList<>();
    env.add("Z_FIRST=1");
    env.add("CNI_COMMAND=ADD");
    env.add("PATH=" + System.getenv("PATH"));
    env.add("JCNI_TEST_RECORD=" + record);
    env.add("A_LAST=2");
    LaunchResult r = LAUNCHER.launch(request(Plugins.dir().resolve("echo-plugin"), env));
    assertThat(r.exitStatus()).hasValue(0);
    assertThat(Plugins.recordedEnviron(record)).containsExactlyElementsOf(env);
  }

  @Test
  void readsAPipeThatAChildLeftBehindHoldsUntilTheEndOfTheDrainPeriod() throws Exception {
    Path record = Files.createDirectories(tmp.resolve("record"));
    List<String> env = new ArrayList<>();
    env.add("PATH=" + System.getenv("PATH"));
    env.add("JCNI_TEST_RECORD=" + record);
    LaunchResult r = launcher().launch(request(Plugins.dir().resolve("background-child"), env));
    Plugins.kill(Long.parseLong(Files.readString(record.resolve("child")).trim()));
    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.outputAbandoned()).isTrue();
  }

  @Test
  void reportsTheSignalOfADeathForCertain() throws Exception {
    LaunchResult r =
        LAUNCHER.launch(
            request(
                Plugins.dir().resolve("sigkill-self"), List.of("PATH=" + System.getenv("PATH"))));
    assertThat(r.ending()).isEqualTo(Ending.EXITED);
    assertThat(r.signal()).hasValue(9);
    assertThat(r.exitStatus()).hasValue(128 + 9);
  }

  @Test
  void aFileThatIsNotAnExecutableFormatFailsWithEnoexecLikeGo() throws Exception {
    // The JDK would hand such a file to /bin/sh; Go's os/exec and libcni do not.
    Path script = tmp.resolve("bin/no-shebang");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "printf '{}'\n");
    script.toFile().setExecutable(true, false);
    assertThatThrownBy(() -> LAUNCHER.launch(request(script, List.of())))
        .isInstanceOfSatisfying(
            SpawnException.class,
            e -> {
              assertThat(e.errno()).hasValue(8);
              assertThat(e.getMessage()).contains("Exec format error");
            });
  }

  @Test
  void anAlreadyInterruptedThreadStartsNothing() throws Exception {
    Path record = Files.createDirectories(tmp.resolve("record"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                LAUNCHER.launch(
                    request(
                        Plugins.dir().resolve("echo-plugin"),
                        List.of("JCNI_TEST_RECORD=" + record, "PATH=" + System.getenv("PATH"))));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    caller.join();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(record.resolve("argv")).doesNotExist();
  }

  @Test
  void freesItsNativeMemoryOnSuccessAndOnFailure() throws Exception {
    long before = NativeBuffer.live();
    LAUNCHER.launch(
        request(Plugins.dir().resolve("cni-error"), List.of("PATH=" + System.getenv("PATH"))));
    assertThatThrownBy(() -> LAUNCHER.launch(request(tmp.resolve("missing"), List.of())))
        .isInstanceOf(SpawnException.class);
    assertThat(NativeBuffer.live()).isEqualTo(before);
  }

  /**
   * A drain period of zero still takes what the plugin wrote before it exited: only a pipe that a
   * process left behind keeps open counts as abandoned.
   */
  @Test
  void aZeroDrainPeriodStillTakesAllTheOutputOfAPluginThatExited() throws Exception {
    for (int i = 0; i < 50; i++) {
      LaunchResult r =
          LAUNCHER.launch(
              new LaunchRequest(
                  Plugins.dir().resolve("large-stdout"),
                  List.of("PATH=/usr/bin:/bin", "JCNI_TEST_STDERR=oops"),
                  utf8("{}"),
                  Deadline.after(Duration.ofSeconds(20)),
                  Duration.ofSeconds(5),
                  Duration.ZERO,
                  ExecOptions.DEFAULT_STDOUT_LIMIT,
                  ExecOptions.DEFAULT_STDERR_TAIL));
      assertThat(r.ending()).isEqualTo(Ending.EXITED);
      assertThat(r.stdout()).as("call %d", i).hasSize(1_000_000);
      assertThat(new String(r.stderrTail(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("oops\n");
      assertThat(r.outputAbandoned()).as("call %d", i).isFalse();
    }
  }
}
