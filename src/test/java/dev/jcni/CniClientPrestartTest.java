package dev.jcni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.HookedPrestarts;
import dev.jcni.invoke.PosixSpawnLauncher;
import dev.jcni.invoke.ProcessBuilderLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link CniClientTest} again with {@link CniClient.Builder#prestartPlugins}, and
 * what prestarting promises: the next plugin's process starts while the current plugin runs, yet
 * plugins get their configuration, and act, strictly one after the other; a process started for a
 * call that does not come is killed before it read anything.
 */
class CniClientPrestartTest extends CniClientTest {

  /** Two ahead, said explicitly: the tests below count on it. */
  @Override
  CniClient.Builder builder() {
    return CniClient.builder().prestartPlugins(2);
  }

  private NetworkConfigList timed(String name, String... extras) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"cniVersion\":\"1.0.0\",\"name\":\"").append(name).append("\",\"plugins\":[");
    for (int i = 0; i < extras.length; i++) {
      sb.append(i > 0 ? "," : "")
          .append("{\"type\":\"timed-recorder\",\"recordTo\":\"")
          .append(log)
          .append("\",\"tag\":\"")
          .append((char) ('a' + i))
          .append('"')
          .append(extras[i].isEmpty() ? "" : "," + extras[i])
          .append('}');
    }
    sb.append("]}");
    try {
      return NetworkConfigList.parse(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (CniException e) {
      throw new AssertionError(e);
    }
  }

  private List<JsonNode> records() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      out.add(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private final java.util.Set<Long> before =
      ProcessHandle.current().children().map(ProcessHandle::pid).collect(
          java.util.stream.Collectors.toSet());

  /** The children this test started and left behind: other tests' leftovers do not count. */
  private long children() {
    return ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).count();
  }

  @Test
  void theNextPluginStartsWhileTheCurrentRunsButActsOnlyAfterIt() throws Exception {
    NetworkConfigList list =
        timed("net1", "\"sleep\":\"0.3\"", "\"sleep\":\"0.3\"", "");
    Attachment a = Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

    client.add(list, a);
    client.delete(list, a);

    List<JsonNode> r = records();
    assertThat(r).extracting(n -> n.get("command").asText() + "#" + n.get("tag").asText())
        .containsExactly("ADD#a", "ADD#b", "ADD#c", "DEL#c", "DEL#b", "DEL#a");
    for (int i = 1; i < r.size(); i++) {
      JsonNode before = r.get(i - 1);
      JsonNode now = r.get(i);
      assertThat(now.get("start").asLong())
          .as("call %d got its stdin after call %d finished", i, i - 1)
          .isGreaterThan(before.get("end").asLong());
    }
    // ADD#b and ADD#c, DEL#b and DEL#a were started while the plugin before them slept.
    for (int i : new int[] {1, 2, 4, 5}) {
      assertThat(r.get(i).get("exec").asLong())
          .as("process of call %d started before call %d finished", i, i - 1)
          .isLessThan(r.get(i - 1).get("end").asLong());
    }
    assertThat(children()).isZero();
  }

  @Test
  void atMostTwoProcessesWaitAheadOfTheRunningPlugin() throws Exception {
    NetworkConfigList list =
        timed("net1", "\"sleep\":\"0.3\"", "\"sleep\":\"0.3\"", "", "");
    client.add(list, Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build());

    List<JsonNode> r = records();
    // b and c start while a runs; d only once b has its turn, after a ended.
    assertThat(r.get(2).get("exec").asLong()).isLessThan(r.get(0).get("end").asLong());
    assertThat(r.get(3).get("exec").asLong()).isGreaterThan(r.get(0).get("end").asLong());
    assertThat(r.get(3).get("exec").asLong()).isLessThan(r.get(1).get("end").asLong());
  }

  /** Runs ADD of a two-plugin list whose first plugin sleeps, and checks nothing started ahead. */
  private void assertTheSecondProcessStartsAfterTheFirstEnded(CniClient c) throws Exception {
    NetworkConfigList list = timed("net1", "\"sleep\":\"0.2\"", "");
    c.add(list, Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build());

    List<JsonNode> r = records();
    assertThat(r.get(1).get("exec").asLong()).isGreaterThan(r.get(0).get("end").asLong());
  }

  @Test
  void withoutPrestartEachProcessStartsAfterThePreviousEnded() throws Exception {
    assertTheSecondProcessStartsAfterTheFirstEnded(onTestPlugins(CniClient.builder()).build());
  }

  @Test
  void aFailingPluginsNextProcessIsKilledUnreadAndNothingIsLeftRunning() throws Exception {
    NetworkConfigList list =
        timed("net1", "", "\"sleep\":\"0.2\",\"failOn\":\"ADD\"", "", "");
    Attachment a = Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

    assertThatThrownBy(() -> client.add(list, a)).isInstanceOf(PluginErrorException.class);

    assertThat(records()).extracting(n -> n.get("tag").asText()).containsExactly("a", "b");
    assertThat(children()).as("the process started for plugin c was killed and reaped").isZero();
  }

  @Test
  void aNextPluginMissingFromCniPathFailsAtItsTurnAsWithoutPrestart() throws Exception {
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":["
            + "{\"type\":\"timed-recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"a\"},"
            + "{\"type\":\"no-such-plugin\"}]}";
    NetworkConfigList list = NetworkConfigList.parse(conf.getBytes(StandardCharsets.UTF_8));

    assertAddFailsOnTheMissingPlugin(client, list);
    assertThat(records()).extracting(n -> n.get("tag").asText()).containsExactly("a");
    assertThat(children()).isZero();
  }

  /** ADD of {@code list} for container c1 fails at its plugin {@code no-such-plugin}. */
  private static void assertAddFailsOnTheMissingPlugin(CniClient c, NetworkConfigList list) {
    assertThatThrownBy(() -> c.add(list, Attachment.builder("c1", "eth0").netns("/x").build()))
        .isInstanceOf(PluginNotFoundException.class)
        .hasMessageContaining("no-such-plugin");
  }

  /**
   * Writes plugin {@code start-marker} into {@code dir}: it appends the time it started, in
   * nanoseconds and before it reads stdin, to {@code dir/started}, then answers ADD with an empty
   * 1.0.0 result.
   *
   * @return the file it marks
   */
  private static Path startMarkerIn(Path dir) throws IOException {
    Path marker = dir.resolve("started");
    Path plugin = dir.resolve("start-marker");
    Files.writeString(
        plugin,
        "#!/bin/sh\n"
            + "date +%s%N >> '" + marker + "'\n"
            + "cat >/dev/null\n"
            + "printf '{\"cniVersion\":\"1.0.0\"}'\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    return marker;
  }

  /** Starts ADD of {@code list} for container c1 on a thread of its own; what it throws is kept. */
  private static Thread addOnItsOwnThread(
      CniClient c, NetworkConfigList list, AtomicReference<Throwable> thrown) {
    return addOnItsOwnThread(c, list, thrown, new AtomicReference<>());
  }

  /** The same, keeping too whether the thread's interrupt status was set when the ADD was over. */
  private static Thread addOnItsOwnThread(
      CniClient c,
      NetworkConfigList list,
      AtomicReference<Throwable> thrown,
      AtomicReference<Boolean> interruptedAfter) {
    Thread op =
        new Thread(
            () -> {
              try {
                c.add(list, Attachment.builder("c1", "eth0").netns("/x").build());
              } catch (Throwable t) {
                thrown.set(t);
              }
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    op.start();
    return op;
  }

  /** A client that prestarts two ahead, with the test plugins and those of {@code own}. */
  private CniClient prestartingWith(Path own) throws CniException {
    return prestartingWith(own, CniListener.NONE);
  }

  /** The same, telling {@code listener}. */
  private CniClient prestartingWith(Path own, CniListener listener) throws CniException {
    return onTestPlugins(CniClient.builder())
        .pluginDirectories(List.of(PLUGINS, own))
        .prestartPlugins(2)
        .listener(listener)
        .build();
  }

  @Test
  void nothingAfterAPluginMissingFromCniPathIsStarted() throws Exception {
    Path own = Files.createDirectory(tmp.resolve("own-plugins"));
    Path marker = startMarkerIn(own);
    CniClient c = prestartingWith(own);
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":["
            + "{\"type\":\"timed-recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"a\","
            + "\"sleep\":\"0.5\"},"
            + "{\"type\":\"no-such-plugin\"},"
            + "{\"type\":\"start-marker\"}]}";
    NetworkConfigList list = NetworkConfigList.parse(conf.getBytes(StandardCharsets.UTF_8));

    assertAddFailsOnTheMissingPlugin(c, list);
    assertThat(marker).as("the plugin after the missing one was never started").doesNotExist();
    assertThat(children()).isZero();

    // The same plugin as the second of a list is started ahead, while plugin a sleeps: the
    // marker can tell.
    String found =
        conf.replace("{\"type\":\"no-such-plugin\"},", "")
            .replace("\"name\":\"net1\"", "\"name\":\"net2\"");
    c.add(
        NetworkConfigList.parse(found.getBytes(StandardCharsets.UTF_8)),
        Attachment.builder("c2", "eth0").netns("/x").build());
    long markerStarted = Long.parseLong(Files.readAllLines(marker).get(0).trim());
    long aEnded = records().get(1).get("end").asLong();
    assertThat(markerStarted).as("start-marker began before plugin a ended").isLessThan(aEnded);
  }

  @Test
  void aPluginInstalledAfterItsLookAheadFailedRunsAndTheStartsAfterItResume() throws Exception {
    Path own = Files.createDirectory(tmp.resolve("own-plugins"));
    Path marker = startMarkerIn(own);
    CountDownLatch aStarting = new CountDownLatch(1);
    CniClient c =
        prestartingWith(
            own,
            new CniListener() {
              @Override
              public void pluginStarted(PluginEvent call) {
                if (call.index() == 0) {
                  aStarting.countDown();
                }
              }
            });
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":["
            + "{\"type\":\"timed-recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"a\","
            + "\"sleep\":\"2\"},"
            + "{\"type\":\"late-recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"b\","
            + "\"sleep\":\"0.4\"},"
            + "{\"type\":\"start-marker\"}]}";
    NetworkConfigList list = NetworkConfigList.parse(conf.getBytes(StandardCharsets.UTF_8));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread op = addOnItsOwnThread(c, list, thrown);
    assertThat(aStarting.await(10, TimeUnit.SECONDS)).isTrue();
    // b's look-ahead comes right after a has its stdin, milliseconds after; a then sleeps 2 s
    Thread.sleep(1000); // b's look-ahead found nothing, which stopped c's start too
    Path late = own.resolve("late-recorder");
    Files.copy(PLUGINS.resolve("timed-recorder"), own.resolve(".late-recorder"));
    Files.move(own.resolve(".late-recorder"), late);
    op.join(20_000);

    assertThat(thrown.get()).isNull();
    List<JsonNode> r = records();
    assertThat(r).extracting(n -> n.get("tag").asText()).containsExactly("a", "b");
    assertThat(r.get(1).get("exec").asLong())
        .as("b was started by its own call, after a ended")
        .isGreaterThan(r.get(0).get("end").asLong());
    long markerStarted = Long.parseLong(Files.readAllLines(marker).get(0).trim());
    assertThat(markerStarted)
        .as("c was started ahead again, while b ran")
        .isLessThan(r.get(1).get("end").asLong());
    assertThat(children()).isZero();
  }

  /**
   * posix_spawn, each start ahead held until the test lets it go, and the threads that started
   * processes ahead noted.
   */
  private static final class HeldStarts extends HookedPrestarts {
    final CountDownLatch go = new CountDownLatch(1);
    final CountDownLatch entered;
    final List<String> threads = new CopyOnWriteArrayList<>();

    HeldStarts() {
      this(1);
    }

    /** Starts held until {@link #go}; {@link #entered} opens once {@code starts} are held. */
    HeldStarts(int starts) {
      entered = new CountDownLatch(starts);
    }

    @Override
    protected void beforePrestart() throws IOException {
      threads.add(Thread.currentThread().getName());
      entered.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  @Test
  void processesAheadAreStartedOnThePrestartThreadsNotTheOperations() throws Exception {
    HeldStarts starts = new HeldStarts();
    starts.go.countDown();
    CniClient c = onTestPlugins(builder()).launcher(starts).build();
    c.add(
        timed("net1", "\"sleep\":\"0.2\"", "", ""),
        Attachment.builder("c1", "eth0").netns("/x").build());

    assertThat(starts.threads).hasSize(2).allMatch(t -> t.startsWith("jcni-prestart-"));
    assertThat(records()).hasSize(3);
  }

  @Test
  void anOperationEndsOnlyOnceAStartUnderWayIsOverAndItsProcessKilled() throws Exception {
    HeldStarts starts = new HeldStarts();
    CniClient c = onTestPlugins(builder()).launcher(starts).build();
    // a sleeps a little, so that b's start is surely under way (and held) when a fails
    NetworkConfigList list = timed("net1", "\"sleep\":\"0.2\",\"failOn\":\"ADD\"", "");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    long tookMs = addWithStartsLetGoAfter(c, list, starts, 600, thrown);

    assertThat(thrown.get()).isInstanceOf(PluginErrorException.class);
    assertThat(tookMs).as("the ADD waited for b's start").isGreaterThanOrEqualTo(550);
    assertOnlyAWasCalledAndBsProcessKilled(starts);
  }

  /**
   * Runs ADD of {@code list} for container c1, the held starts let go {@code letGoMs} after it
   * began; what the ADD threw goes to {@code thrown}.
   *
   * @return how long the ADD took, in milliseconds
   */
  private static long addWithStartsLetGoAfter(
      CniClient c,
      NetworkConfigList list,
      HeldStarts starts,
      long letGoMs,
      AtomicReference<Throwable> thrown)
      throws InterruptedException {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try {
      later.schedule(starts.go::countDown, letGoMs, TimeUnit.MILLISECONDS);
      long t0 = System.nanoTime();
      try {
        c.add(list, Attachment.builder("c1", "eth0").netns("/x").build());
      } catch (CniException e) {
        thrown.set(e);
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    } finally {
      starts.go.countDown();
      later.shutdownNow();
    }
  }

  /** Plugin a alone ran; b's start was under way, and its process is gone. */
  private void assertOnlyAWasCalledAndBsProcessKilled(HeldStarts starts) throws Exception {
    assertThat(starts.entered.getCount()).as("plugin b's start was under way").isZero();
    assertThat(children()).as("b's process was killed before the ADD returned").isZero();
    assertThat(records()).extracting(n -> n.get("tag").asText()).containsExactly("a");
  }

  @Test
  void aStartAheadThatHangsFailsTheCallAtItsDeadline() throws Exception {
    HeldStarts starts = new HeldStarts();
    CniClient c =
        onTestPlugins(builder())
            .launcher(starts)
            .execOptions(ExecOptions.builder().deadline(Duration.ofMillis(1500)).build())
            .build();
    NetworkConfigList list = timed("net1", "", "");
    // b's start is held well past b's deadline; the call waits for it only that long, then the
    // ADD waits for the held start to end (at most five seconds) so that it can kill b's process.
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    long tookMs = addWithStartsLetGoAfter(c, list, starts, 4000, thrown);

    assertThat(thrown.get())
        .isInstanceOfSatisfying(
            PluginLaunchException.class,
            e ->
                assertThat(e.elapsed().orElseThrow().toMillis())
                    .as("b's call gave up at its deadline, before the start was let go")
                    .isBetween(1400L, 3500L))
        .hasMessageContaining("timed-recorder")
        .hasMessageContaining("started ahead")
        .hasMessageContaining("1.500 s deadline");
    assertThat(tookMs).as("the ADD waited for the held start to end").isGreaterThan(3500);
    assertOnlyAWasCalledAndBsProcessKilled(starts);
  }

  @Test
  void aCallThatWaitedForItsStartAheadRunsOnlyForWhatIsLeftOfItsDeadline() throws Exception {
    HeldStarts starts = new HeldStarts();
    CniClient c =
        onTestPlugins(builder())
            .launcher(starts)
            .execOptions(ExecOptions.builder().deadline(Duration.ofMillis(2000)).build())
            .build();
    // b's start is held for 1.5 s of its 2 s; then b would sleep for 10 s
    NetworkConfigList list = timed("net1", "", "\"sleep\":\"10\",\"sleepOn\":\"ADD\"");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    long tookMs = addWithStartsLetGoAfter(c, list, starts, 1500, thrown);

    assertThat(thrown.get()).isInstanceOf(PluginTimeoutException.class);
    // b's call is over 2 s after it began, and then the rollback's quick DELs; with a fresh 2 s
    // deadline after the wait it would take 3.5 s and more
    assertThat(tookMs).isBetween(1900L, 3400L);
  }

  @Test
  void anOperationInterruptedWhileItWaitsToKillAStartUnderWayStillKillsItAndKeepsTheInterrupt()
      throws Exception {
    HeldStarts starts = new HeldStarts();
    CountDownLatch aFailed = new CountDownLatch(1);
    CniClient c =
        onTestPlugins(builder())
            .launcher(starts)
            .listener(
                new CniListener() {
                  @Override
                  public void pluginFinished(
                      PluginEvent call, Duration elapsed, CniException failure) {
                    if (call.index() == 0 && failure != null) {
                      aFailed.countDown();
                    }
                  }
                })
            .build();
    // a sleeps, so that b's start is surely under way (and held) when a fails
    NetworkConfigList list = timed("net1", "\"sleep\":\"0.2\",\"failOn\":\"ADD\"", "");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread op = addOnItsOwnThread(c, list, thrown, interruptedAfter);
    assertThat(starts.entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(aFailed.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(200); // the ADD is past plugin a, waiting to kill b's process
    op.interrupt();
    Thread.sleep(300);
    assertThat(op.isAlive()).as("the interrupt did not cut the wait short").isTrue();
    starts.go.countDown();
    op.join(10_000);

    assertThat(op.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(PluginErrorException.class);
    assertThat(interruptedAfter.get()).as("the interrupt was set again").isTrue();
    assertOnlyAWasCalledAndBsProcessKilled(starts);
  }

  @Test
  void aStartAheadFindingEveryPrestartThreadBusyRunsOnTheOperationsThread() throws Exception {
    int operations = 17; // one more than the prestart threads
    HeldStarts starts = new HeldStarts(operations);
    CniClient c = onTestPlugins(builder()).launcher(starts).build();
    NetworkConfigList list = timed("net1", "", "");
    List<Thread> ops = new ArrayList<>();
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    for (int i = 0; i < operations; i++) {
      Attachment a = Attachment.builder("c" + i, "eth0").netns("/x").build();
      Thread op =
          new Thread(
              () -> {
                try {
                  c.add(list, a);
                } catch (Throwable t) {
                  thrown.add(t);
                }
              },
              "op-" + i);
      ops.add(op);
      op.start();
    }
    try {
      assertThat(starts.entered.await(20, TimeUnit.SECONDS))
          .as("every operation's start ahead is held at once")
          .isTrue();
    } finally {
      starts.go.countDown();
    }
    for (Thread op : ops) {
      op.join(20_000);
      assertThat(op.isAlive()).isFalse();
    }

    assertThat(thrown).isEmpty();
    assertThat(starts.threads.stream().filter(t -> t.startsWith("jcni-prestart-")).distinct())
        .hasSize(operations - 1);
    assertThat(starts.threads.stream().filter(t -> t.startsWith("op-"))).hasSize(1);
    assertThat(records()).hasSize(2 * operations);
    assertThat(children()).isZero();
  }

  @Test
  void anOperationInterruptedWhileAStartIsUnderWayLeavesNoProcess() throws Exception {
    HeldStarts starts = new HeldStarts();
    CniClient c = onTestPlugins(builder()).launcher(starts).build();
    NetworkConfigList list = timed("net1", "", "");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread op = addOnItsOwnThread(c, list, thrown);
    assertThat(starts.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // plugin a answers in milliseconds; the operation then waits for b's start
    Thread.sleep(1000);
    op.interrupt();
    Thread.sleep(100);
    starts.go.countDown();
    op.join(10_000);

    assertThat(op.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertOnlyAWasCalledAndBsProcessKilled(starts);
  }

  @Test
  void noProcessIsStartedAheadUnderACapOnConcurrentPlugins() throws Exception {
    assertTheSecondProcessStartsAfterTheFirstEnded(
        onTestPlugins(builder()).maxConcurrentPlugins(1).build());
  }

  @Test
  void oneAheadStartsOnlyTheNextPluginWhileAPluginRuns() throws Exception {
    CniClient oneAhead = onTestPlugins(CniClient.builder()).prestartPlugins(1).build();
    NetworkConfigList list = timed("net1", "\"sleep\":\"0.3\"", "\"sleep\":\"0.3\"", "");
    oneAhead.add(list, Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build());

    List<JsonNode> r = records();
    // b starts while a runs; c only once b has its turn, after a ended, and before b ended.
    assertThat(r.get(1).get("exec").asLong()).isLessThan(r.get(0).get("end").asLong());
    assertThat(r.get(2).get("exec").asLong()).isGreaterThan(r.get(0).get("end").asLong());
    assertThat(r.get(2).get("exec").asLong()).isLessThan(r.get(1).get("end").asLong());
    assertThat(children()).isZero();
  }

  @Test
  void zeroAheadIsNoPrestart() throws Exception {
    assertTheSecondProcessStartsAfterTheFirstEnded(
        onTestPlugins(CniClient.builder()).prestartPlugins(1).prestartPlugins(0).build());
  }

  @Test
  void byDefaultTwoAhead() throws Exception {
    CniClient byDefault = onTestPlugins(CniClient.builder()).prestartPlugins(true).build();
    assertThat(byDefault.prestartAhead()).isEqualTo(2);
    assertThat(
            onTestPlugins(CniClient.builder())
                .prestartPlugins(true)
                .prestartPlugins(false)
                .build()
                .prestartAhead())
        .isZero();
    assertThat(
            onTestPlugins(CniClient.builder())
                .prestartPlugins(true)
                .maxConcurrentPlugins(2)
                .build()
                .prestartAhead())
        .as("a waiting process would exceed the cap")
        .isZero();
    assertThat(
            onTestPlugins(CniClient.builder())
                .launcher(new ProcessBuilderLauncher())
                .prestartPlugins(true)
                .build()
                .prestartAhead())
        .as("ProcessBuilder cannot start a process ahead")
        .isZero();
    assertThat(new ProcessBuilderLauncher().startsAhead()).isFalse();
    assertThat(new PosixSpawnLauncher().startsAhead()).isTrue();
  }

  @Test
  void theNumberAheadIsBounded() {
    assertThatThrownBy(() -> CniClient.builder().prestartPlugins(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to " + PluginCalls.MAX_PRESTART_AHEAD);
    assertThatThrownBy(() -> CniClient.builder().prestartPlugins(PluginCalls.MAX_PRESTART_AHEAD + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
