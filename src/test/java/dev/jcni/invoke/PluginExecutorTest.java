package dev.jcni.invoke;

import static dev.jcni.invoke.Plugins.text;
import static dev.jcni.invoke.Plugins.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.IncompatiblePluginVersionException;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginLaunchException;
import dev.jcni.PluginOutputTooLargeException;
import dev.jcni.PluginProtocolException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.result.CniError;
import dev.jcni.result.CniVersion;
import dev.jcni.result.MalformedResultException;
import dev.jcni.result.VersionInfo;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PluginExecutorTest {
  private final PluginExecutor executor = newExecutor();
  private static final byte[] CONFIG =
      utf8("{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":\"test\"}");

  @TempDir Path tmp;

  /**
   * An executor with the launcher under test: the system's default here (the posix_spawn launcher
   * on Linux, see {@code LauncherChoiceTest}); {@link ProcessBuilderExecutorTest} runs every test
   * again on {@link ProcessBuilderLauncher}.
   */
  PluginExecutor newExecutor() {
    return new PluginExecutor();
  }

  private static PluginInvocation add(Map<String, String> extra) {
    return new PluginInvocation(
        Verb.ADD, "c1", "/var/run/netns/c1", "eth0", "K=V", "/opt/cni/bin", extra, CONFIG);
  }

  private static PluginInvocation invocation(Verb verb) {
    return PluginInvocation.of(verb, "c1", "/var/run/netns/c1", "eth0", "", "/opt/cni/bin", CONFIG);
  }

  private Path record() throws Exception {
    return Files.createDirectories(tmp.resolve("record"));
  }

  @Test
  void returnsTheStdoutOfASuccessfulAdd() throws Exception {
    byte[] out = executor.execute(Plugins.find("echo-plugin"), invocation(Verb.ADD));
    assertThat(text(out))
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
                + "\"ips\":[],\"dns\":{}}");
  }

  @Test
  void delCheckGcAndStatusMayPrintNothing() throws Exception {
    for (Verb verb : List.of(Verb.DEL, Verb.CHECK, Verb.GC, Verb.STATUS)) {
      assertThat(executor.execute(Plugins.find("echo-plugin"), invocation(verb))).isEmpty();
    }
  }

  @Test
  void passesOnlyTheCniVariablesPathAndTheExtrasByDefault() throws Exception {
    Path record = record();
    executor.execute(
        Plugins.find("echo-plugin"), add(Map.of("JCNI_TEST_RECORD", record.toString())));
    assertThat(Plugins.recordedEnviron(record))
        .containsExactlyInAnyOrder(
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=c1",
            "CNI_NETNS=/var/run/netns/c1",
            "CNI_IFNAME=eth0",
            "CNI_ARGS=K=V",
            "CNI_PATH=/opt/cni/bin",
            "PATH=" + System.getenv("PATH"),
            "JCNI_TEST_RECORD=" + record);
    assertThat(Files.readAllBytes(record.resolve("stdin"))).isEqualTo(CONFIG);
    assertThat(Files.readAllLines(record.resolve("argv")))
        .containsExactly(Plugins.dir().resolve("echo-plugin").toString());
  }

  @Test
  void inheritsTheWholeEnvironmentOnlyWhenAskedTo() throws Exception {
    Map.Entry<String, String> some =
        System.getenv().entrySet().stream()
            .filter(e -> !e.getKey().equals("PATH") && !e.getKey().startsWith("CNI_"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the test JVM has only PATH in its environment"));
    Path record = record();
    PluginInvocation inv = add(Map.of("JCNI_TEST_RECORD", record.toString()));
    executor.execute(Plugins.find("echo-plugin"), inv);
    assertThat(Plugins.recordedEnviron(record))
        .doesNotContain(some.getKey() + "=" + some.getValue());

    ExecOptions inherit = ExecOptions.builder().inheritEnvironment(true).build();
    executor.execute(Plugins.find("echo-plugin"), inv, inherit);
    assertThat(Plugins.recordedEnviron(record))
        .contains(some.getKey() + "=" + some.getValue())
        .contains("CNI_COMMAND=ADD");
  }

  @Test
  void aPluginErrorCarriesTheCniErrorExitStatusAndStderr() throws Exception {
    LocatedPlugin plugin = Plugins.find("cni-error");
    assertThatThrownBy(() -> executor.execute(plugin, invocation(Verb.ADD)))
        .isInstanceOfSatisfying(
            PluginErrorException.class,
            e -> {
              assertThat(e.cniError())
                  .contains(
                      new CniError("1.0.0", 7, "invalid network config", "bridge name too long"));
              assertThat(e.exitStatus()).hasValue(1);
              assertThat(e.signal()).isEmpty();
              assertThat(e.stderrTail()).isEqualTo("bridge: cannot create bridge\n");
              assertThat(e.pluginType()).isEqualTo("cni-error");
              assertThat(e.pluginPath()).isEqualTo(plugin.realPath());
              assertThat(e.verb()).isEqualTo(Verb.ADD);
              assertThat(e.elapsed()).isPresent();
              assertThat(e.getMessage())
                  .startsWith(
                      "plugin type=\"cni-error\" (" + plugin.realPath() + ") failed (add): ")
                  .contains("exit status 1: CNI error code 7: ")
                  .contains("invalid network config; bridge name too long");
            });
  }

  @Test
  void anErrorObjectWithoutCodeFromAFailingPluginIsAnUnknownErrorWithItsText() throws Exception {
    // checked with libcni 1.1.2: exit 1 with {"msg":"no such device","details":"eth9"} fails with
    // types.Error{Code: 0, Msg: "no such device", Details: "eth9"}
    LocatedPlugin plugin = Plugins.find("canned-reply");
    Map<String, String> reply =
        Map.of(
            "JCNI_TEST_STDOUT", "{\"msg\":\"no such device\",\"details\":\"eth9\"}",
            "JCNI_TEST_EXIT", "1");
    assertThatThrownBy(() -> executor.execute(plugin, add(reply)))
        .isInstanceOfSatisfying(
            PluginErrorException.class,
            e -> {
              assertThat(e.cniError())
                  .contains(new CniError("", CniError.UNKNOWN, "no such device", "eth9"));
              assertThat(e.getMessage())
                  .contains("exit status 1: CNI error code 0: \"no such device; eth9\"");
            });
  }

  @Test
  void anErrorObjectWithoutCodeOnExitStatusZeroIsStdoutAsInLibcni() throws Exception {
    // checked with libcni 1.1.2: ADD exiting 0 with {"msg":"bad"} succeeds (decoded as a result)
    byte[] out =
        executor.execute(
            Plugins.find("canned-reply"), add(Map.of("JCNI_TEST_STDOUT", "{\"msg\":\"bad\"}")));
    assertThat(text(out)).isEqualTo("{\"msg\":\"bad\"}");
  }

  @Test
  void aFailureWithoutAnErrorObjectQuotesStdoutAndStderr() throws Exception {
    Path copy = Plugins.copy(Plugins.dir().resolve("garbage"), tmp.resolve("bin/garbage"));
    Files.writeString(
        copy,
        Files.readString(copy).replace("exit \"${JCNI_TEST_EXIT:-0}\"", "echo oops >&2; exit 3"));
    LocatedPlugin plugin = PluginPath.of(List.of(copy.getParent())).find("garbage");
    assertThatThrownBy(() -> executor.execute(plugin, invocation(Verb.ADD)))
        .isInstanceOfSatisfying(
            PluginErrorException.class,
            e -> {
              assertThat(e.cniError()).isEmpty();
              assertThat(e.exitStatus()).hasValue(3);
              assertThat(e.getMessage())
                  .contains(
                      "exit status 3; stdout is not a CNI error object: \"<html>this is not"
                          + " JSON</html>\"")
                  .contains("stderr ends with \"oops\"");
            });
  }

  @Test
  void aDeathBySignalIsAPluginErrorNamingTheSignal() throws Exception {
    assertThatThrownBy(() -> executor.execute(Plugins.find("sigkill-self"), invocation(Verb.ADD)))
        .isInstanceOfSatisfying(
            PluginErrorException.class,
            e -> {
              assertThat(e.exitStatus()).hasValue(137);
              assertThat(e.getMessage()).contains("SIGKILL");
            });
  }

  @Test
  void emptyStdoutOnAddOrVersionIsAProtocolError() throws Exception {
    LocatedPlugin plugin = Plugins.find("empty-output");
    for (Verb verb : List.of(Verb.ADD, Verb.VERSION)) {
      assertThatThrownBy(() -> executor.execute(plugin, invocation(verb)))
          .isInstanceOfSatisfying(
              PluginProtocolException.class,
              e -> {
                assertThat(e.exitStatus()).hasValue(0);
                assertThat(e.getMessage())
                    .contains(
                        "("
                            + verb.name().toLowerCase()
                            + "): protocol error: exit status 0 with nothing (or only white space)"
                            + " on stdout");
              });
    }
    assertThat(executor.execute(plugin, invocation(Verb.DEL))).isEmpty();
  }

  @Test
  void anErrorObjectWithExitStatusZeroIsAProtocolErrorCarryingTheError() throws Exception {
    for (Verb verb : List.of(Verb.ADD, Verb.DEL)) {
      assertThatThrownBy(() -> executor.execute(Plugins.find("error-exit-zero"), invocation(verb)))
          .isInstanceOfSatisfying(
              PluginProtocolException.class,
              e -> {
                assertThat(e.cniError()).contains(new CniError("1.0.0", 11, "try again later", ""));
                assertThat(e.getMessage()).contains("stdout is a CNI error object (code 11");
              });
    }
  }

  @Test
  void aResultCarryingAnIntegerCodeOnExitStatusZeroIsTakenForAnErrorObject() throws Exception {
    // checked with libcni 1.1.2: ADD exiting 0 with this stdout succeeds (the result, "code"
    // ignored), DEL and CHECK ignore it; jcni deliberately fails (docs/conformance.md).
    String stdout = "{\"cniVersion\":\"1.0.0\",\"code\":5,\"ips\":[{\"address\":\"198.18.0.2/24\"}]}";
    for (Verb verb : List.of(Verb.ADD, Verb.DEL)) {
      PluginInvocation call =
          new PluginInvocation(
              verb,
              "c1",
              "/var/run/netns/c1",
              "eth0",
              "",
              "/opt/cni/bin",
              Map.of("JCNI_TEST_STDOUT", stdout),
              CONFIG);
      assertThatThrownBy(() -> executor.execute(Plugins.find("canned-reply"), call))
          .isInstanceOfSatisfying(
              PluginProtocolException.class,
              e -> assertThat(e.cniError()).contains(new CniError("1.0.0", 5, "", "")));
    }
  }

  @Test
  void garbageAndHalfDocumentsOnAddAreReturnedForTheCallerToDecode() throws Exception {
    // Decoding a result is the operations layer's job; the executor hands the bytes over intact.
    assertThat(text(executor.execute(Plugins.find("garbage"), invocation(Verb.ADD))))
        .isEqualTo("<html>this is not JSON</html>\n");
    assertThat(text(executor.execute(Plugins.find("half-json"), invocation(Verb.ADD))))
        .isEqualTo("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"");
  }

  @Test
  void garbageOrAHalfDocumentAsVersionReplyIsAProtocolError() throws Exception {
    for (String type : List.of("garbage", "half-json")) {
      PluginExecutor fresh = newExecutor();
      assertThatThrownBy(() -> fresh.version(Plugins.find(type)))
          .isInstanceOfSatisfying(
              PluginProtocolException.class,
              e -> {
                assertThat(e.getCause()).isInstanceOf(MalformedResultException.class);
                assertThat(e.getMessage())
                    .contains("(version): protocol error: the VERSION reply is not valid");
              });
    }
  }

  @Test
  void aLatePluginTimesOutAtItsDeadline() throws Exception {
    ExecOptions oneSecond = executor.defaults().withDeadline(Duration.ofSeconds(1));
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> executor.execute(Plugins.find("hang"), invocation(Verb.ADD), oneSecond))
        .isInstanceOfSatisfying(
            PluginTimeoutException.class,
            e -> {
              assertThat(e.deadline()).isEqualTo(Duration.ofSeconds(1));
              assertThat(e.killed()).isFalse();
              assertThat(e.elapsed().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
              assertThat(e.getMessage())
                  .contains("(add): did not finish within its 1 s deadline; stopped with SIGTERM");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aSharedDeadlineLimitsTheCall() throws Exception {
    Deadline shared = Deadline.after(Duration.ofMillis(700));
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                executor.execute(
                    Plugins.find("hang"), invocation(Verb.DEL), executor.defaults(), shared))
        .isInstanceOf(PluginTimeoutException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(700))
        .isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aStderrFloodUntilTheDeadlineKeepsOnlyTheTail() throws Exception {
    ExecOptions opts = ExecOptions.builder().deadline(Duration.ofSeconds(1)).build();
    assertThatThrownBy(
            () ->
                executor.execute(
                    Plugins.find("flood-stderr"),
                    add(Map.of("JCNI_TEST_STDERR_BYTES", "forever")),
                    opts))
        .isInstanceOfSatisfying(
            PluginTimeoutException.class,
            e -> {
              assertThat(e.stderrTail().length())
                  .isLessThanOrEqualTo(ExecOptions.DEFAULT_STDERR_TAIL);
              assertThat(e.stderrTail()).contains("flood\nflood\n");
            });
  }

  @Test
  void aStdoutFloodIsCutAtTheLimitWithoutGrowingTheHeap() throws Exception {
    long before = usedHeapAfterGc();
    // java.management is not readable from the module under test: sample the heap instead.
    AtomicLong peak = new AtomicLong(before);
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                peak.accumulateAndGet(usedHeap(), Math::max);
                Thread.onSpinWait();
              }
            });
    sampler.start();
    long start = System.nanoTime();
    assertThatThrownBy(() -> executor.execute(Plugins.find("flood-stdout"), invocation(Verb.ADD)))
        .isInstanceOfSatisfying(
            PluginOutputTooLargeException.class,
            e -> {
              assertThat(e.limitBytes()).isEqualTo(ExecOptions.DEFAULT_STDOUT_LIMIT);
              assertThat(e.getMessage())
                  .contains(
                      "(add): wrote more than 4194304 bytes to stdout; the plugin was stopped");
            });
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    sampling.set(false);
    sampler.join();
    long after = usedHeapAfterGc();
    // The plugin would write 2 GiB; reading all of it would take far longer and hold gigabytes.
    assertThat(took).isLessThan(Duration.ofSeconds(15));
    assertThat(peak.get() - before).as("peak heap growth").isLessThan(256L * 1024 * 1024);
    assertThat(after - before).as("retained heap growth").isLessThan(32L * 1024 * 1024);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    System.gc();
    Thread.sleep(50);
    System.gc();
    return usedHeap();
  }

  @Test
  void withNoDrainPeriodALargeOutputIsReturnedWholeOrTheCallFails() throws Exception {
    ExecOptions noDrain = executor.defaults().toBuilder().drainAfterExit(Duration.ZERO).build();
    int size = 1_000_000;
    PluginInvocation invocation = add(Map.of("JCNI_TEST_STDOUT_BYTES", Integer.toString(size)));
    int whole = 0;
    for (int i = 0; i < 20; i++) {
      byte[] out;
      try {
        out = executor.execute(Plugins.find("large-stdout"), invocation, noDrain);
      } catch (PluginProtocolException e) {
        assertThat(e.getMessage()).contains("stdout was not read up to where it left it");
        continue;
      }
      assertThat(out).as("call %d succeeded", i).hasSize(size);
      assertThat(text(out)).matches("o+");
      whole++;
    }
    // what the plugin left in the pipe is still read: failing is not a way out
    assertThat(whole).isGreaterThan(0);
  }

  @Test
  void aChildHoldingStdoutDoesNotHoldTheCall() throws Exception {
    Path record = record();
    long start = System.nanoTime();
    byte[] out =
        executor.execute(
            Plugins.find("background-child"), add(Map.of("JCNI_TEST_RECORD", record.toString())));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    Plugins.kill(Long.parseLong(Files.readString(record.resolve("child")).trim()));
    assertThat(text(out))
        .isEqualTo("{\"cniVersion\":\"1.0.0\",\"interfaces\":[],\"ips\":[],\"dns\":{}}");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aPluginThatDoesNotReadItsStdinSucceeds() throws Exception {
    PluginInvocation big =
        PluginInvocation.of(Verb.ADD, "c1", "", "eth0", "", "", new byte[2 * 1024 * 1024]);
    assertThat(text(executor.execute(Plugins.find("no-stdin-read"), big))).startsWith("{");
  }

  @Test
  void interruptionCancelsTheCall() throws Exception {
    Path record = record();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                executor.execute(
                    Plugins.find("hang"), add(Map.of("JCNI_TEST_RECORD", record.toString())));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    long pid = Plugins.awaitPid(record.resolve("pid"), Duration.ofSeconds(10));
    caller.interrupt();
    caller.join(10_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    Plugins.assertStops(pid, Duration.ofSeconds(2));
  }

  @Test
  void aBusyPluginIsRetriedWithAFreshProcess() throws Exception {
    Path copy = Plugins.copy(Plugins.dir().resolve("echo-plugin"), tmp.resolve("bin/busy"));
    LocatedPlugin plugin = PluginPath.of(List.of(copy.getParent())).find("busy");
    ExecOptions opts = ExecOptions.builder().textFileBusyRetry(8, Duration.ofMillis(20)).build();
    FileChannel writer = FileChannel.open(copy, StandardOpenOption.WRITE);
    Thread release =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
                writer.close();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    release.start();
    try {
      assertThat(text(executor.execute(plugin, invocation(Verb.ADD), opts))).startsWith("{");
    } finally {
      release.join();
    }
  }

  @Test
  void aPluginThatStaysBusyFailsAfterTheRetries() throws Exception {
    Path copy = Plugins.copy(Plugins.dir().resolve("echo-plugin"), tmp.resolve("bin/busy"));
    LocatedPlugin plugin = PluginPath.of(List.of(copy.getParent())).find("busy");
    ExecOptions opts = ExecOptions.builder().textFileBusyRetry(3, Duration.ofMillis(10)).build();
    try (FileChannel writer = FileChannel.open(copy, StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> executor.execute(plugin, invocation(Verb.ADD), opts))
          .isInstanceOfSatisfying(
              PluginLaunchException.class,
              e -> {
                assertThat(e.errno()).hasValue(26);
                assertThat(e.getMessage()).contains("Text file busy").contains("after 4 attempts");
              });
    }
  }

  @Test
  void versionProbeSendsWhatLibcniSends() throws Exception {
    Path record = record();
    Path copy = Plugins.recordingCopy("echo-plugin", tmp.resolve("bin/probe"), record);
    LocatedPlugin plugin = PluginPath.of(List.of(copy.getParent())).find("probe");
    VersionInfo info = newExecutor().version(plugin);

    assertThat(info)
        .isEqualTo(new VersionInfo("1.1.0", List.of("0.3.1", "0.4.0", "1.0.0", "1.1.0")));
    assertThat(text(Files.readAllBytes(record.resolve("stdin"))))
        .isEqualTo("{\"cniVersion\":\"" + CniVersion.latest() + "\"}");
    assertThat(Plugins.recordedEnviron(record))
        .contains(
            "CNI_COMMAND=VERSION",
            "CNI_CONTAINERID=",
            "CNI_NETNS=dummy",
            "CNI_IFNAME=dummy",
            "CNI_ARGS=",
            "CNI_PATH=dummy");
  }

  @Test
  void versionRepliesAreCachedPerFileIdentity() throws Exception {
    Path record = record();
    Path copy = Plugins.recordingCopy("echo-plugin", tmp.resolve("bin/cached"), record);
    PluginPath path = PluginPath.of(List.of(copy.getParent()));
    PluginExecutor executor = newExecutor();

    executor.version(path.find("cached"));
    executor.version(path.find("cached"));
    assertThat(executor.supports(path.find("cached"), CniVersion.V1_0_0)).isTrue();
    assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("VERSION");

    // A new build of the plugin is a new identity: asked again.
    Files.writeString(copy, Files.readString(copy) + "# rebuilt\n");
    Files.setLastModifiedTime(copy, FileTime.from(Instant.now().plusSeconds(5)));
    executor.version(path.find("cached"));
    assertThat(Files.readAllLines(record.resolve("calls"))).containsExactly("VERSION", "VERSION");
  }

  @Test
  void aPluginThatPredatesVersionSupportsOnly010() throws Exception {
    LocatedPlugin legacy = Plugins.find("legacy-version");
    assertThat(newExecutor().version(legacy)).isEqualTo(VersionInfo.LEGACY);
  }

  @Test
  void aPluginThatPredatesVersionIsRecognisedByItsTextEvenWithoutACode() throws Exception {
    // checked with libcni 1.1.2: GetVersionInfo compares only the error's text, and exit 1 with
    // {"msg":"unknown CNI_COMMAND: VERSION"} gives that text (code 0), so the plugin is 0.1.0 only
    Path copy = Plugins.copy(Plugins.dir().resolve("legacy-version"), tmp.resolve("bin/old"));
    Files.writeString(copy, Files.readString(copy).replace("\"code\":4,", ""));
    LocatedPlugin legacy = PluginPath.of(List.of(copy.getParent())).find("old");
    assertThat(newExecutor().version(legacy)).isEqualTo(VersionInfo.LEGACY);
  }

  @Test
  void requireSupportFailsForAVersionThePluginDoesNotList() throws Exception {
    LocatedPlugin plugin = Plugins.find("echo-plugin");
    executor.requireSupport(plugin, CniVersion.V1_0_0);
    assertThat(executor.supports(plugin, CniVersion.V0_2_0)).isFalse();
    assertThatThrownBy(() -> executor.requireSupport(plugin, CniVersion.V0_2_0))
        .isInstanceOfSatisfying(
            IncompatiblePluginVersionException.class,
            e -> {
              assertThat(e.requested()).isEqualTo(CniVersion.V0_2_0);
              assertThat(e.supported()).containsExactly("0.3.1", "0.4.0", "1.0.0", "1.1.0");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "plugin type=\"echo-plugin\" ("
                          + plugin.realPath()
                          + ") does not support CNI version 0.2.0 (it supports 0.3.1, 0.4.0,"
                          + " 1.0.0, 1.1.0)");
            });
  }

  @Test
  void runsThePathFoundInCniPathAsArgvZero() throws Exception {
    Path record = record();
    Path real = Plugins.recordingCopy("echo-plugin", tmp.resolve("real/echo"), record);
    Path dir = Files.createDirectories(tmp.resolve("cni"));
    Files.createSymbolicLink(dir.resolve("linked"), real);
    LocatedPlugin plugin = PluginPath.of(List.of(dir)).find("linked");
    assertThat(plugin.realPath()).isEqualTo(real.toRealPath());
    executor.execute(plugin, invocation(Verb.ADD));
    assertThat(Files.readAllLines(record.resolve("argv")))
        .containsExactly(dir.resolve("linked").toString());
  }
}
