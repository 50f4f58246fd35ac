package dev.jcni.runtime;

import static dev.jcni.runtime.NetworkConfigsTest.conf;
import static dev.jcni.runtime.NetworkConfigsTest.generationOf;
import static dev.jcni.runtime.NetworkConfigsTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher thread against a real file system. Outcomes are awaited with a generous deadline,
 * never timed: a rescan interval of an hour means a change that arrives was reported by the file
 * system, not found by a rescan.
 */
class NetworkConfigsWatchTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path tmp;
  Path netD;
  Path bin;

  @BeforeEach
  void dirs() throws IOException {
    netD = Files.createDirectories(tmp.resolve("net.d"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    install("bridge");
  }

  void install(String plugin) throws IOException {
    Path p = bin.resolve(plugin);
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  NetworkConfigs.Builder builder() {
    return NetworkConfigs.builder(netD)
        .pluginDirectories(List.of(bin))
        .debounce(Duration.ofMillis(20))
        .maxDelay(Duration.ofMillis(200))
        .rescanInterval(NEVER);
  }

  /** Starts watching and waits for the watcher's first reading, which follows its set-up. */
  static NetworkConfigs watching(NetworkConfigs configs) throws InterruptedException {
    long before = configs.readings();
    configs.startWatching();
    awaitTrue(() -> configs.readings() > before, "the watcher's first reading");
    return configs;
  }

  interface Condition {
    boolean holds();
  }

  static void awaitTrue(Condition c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!c.holds()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + DEADLINE.toSeconds() + " s: " + what);
      }
      Thread.sleep(5);
    }
  }

  static NetworkConfigs.Snapshot await(
      NetworkConfigs configs, Predicate<NetworkConfigs.Snapshot> p, String what)
      throws InterruptedException {
    awaitTrue(() -> p.test(configs.snapshot()), what + "; last " + configs.snapshot());
    return configs.snapshot();
  }

  static boolean hasNetwork(NetworkConfigs.Snapshot s, String name, int generation) {
    return s.network(name).filter(n -> !n.isStale() && generationOf(n) == generation).isPresent();
  }

  @Test
  void aNewFileIsReadOnItsNotification() throws Exception {
    try (NetworkConfigs configs = watching(builder().open())) {
      Files.writeString(netD.resolve("10-a.conflist"), list("a", 1, "bridge"));
      NetworkConfigs.Snapshot s = await(configs, x -> hasNetwork(x, "a", 1), "network a");
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("a");
      assertThat(configs.isWatching()).isTrue();
    }
  }

  @Test
  void aDirectoryDeletedAndCreatedAgainIsWatchedAgain() throws Exception {
    Files.writeString(netD.resolve("10-a.conflist"), list("a", 1, "bridge"));
    try (NetworkConfigs configs = watching(builder().open())) {
      try (Stream<Path> files = Files.walk(netD)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.delete(p);
        }
      }
      NetworkConfigs.Snapshot gone = await(configs, x -> x.networks().isEmpty(), "no network");
      assertThat(gone.readiness().status()).isEqualTo(NetworkReadiness.Status.NO_NETWORK);

      Files.createDirectory(netD);
      Files.writeString(netD.resolve("10-a.conflist"), list("a", 2, "bridge"));
      await(configs, x -> hasNetwork(x, "a", 2), "network a back");
      // the new directory is watched itself: a change inside it arrives as well
      Files.writeString(netD.resolve("10-a.conflist"), list("a", 3, "bridge"));
      await(configs, x -> hasNetwork(x, "a", 3), "network a changed in the new directory");
    }
  }

  @Test
  void aConfigDirectoryCreatedAfterTheWatchStartedIsPickedUp() throws Exception {
    Path later = tmp.resolve("later.d");
    try (NetworkConfigs configs =
        watching(
            NetworkConfigs.builder(later)
                .pluginDirectories(List.of(bin))
                .debounce(Duration.ZERO)
                .rescanInterval(NEVER)
                .open())) {
      Files.createDirectory(later);
      Files.writeString(later.resolve("10-a.conf"), conf("a", "bridge"));
      await(configs, x -> x.defaultNetwork().isPresent(), "network a");
    }
  }

  @Test
  void installingAMissingPluginMakesItsNetworkTheDefault() throws Exception {
    Files.writeString(netD.resolve("10-a.conflist"), list("a", 1, "flannel"));
    try (NetworkConfigs configs = watching(builder().open())) {
      assertThat(configs.snapshot().readiness().status())
          .isEqualTo(NetworkReadiness.Status.PLUGIN_NOT_FOUND);
      install("flannel");
      await(configs, x -> x.readiness().isReady(), "ready once flannel is installed");
    }
  }

  @Test
  void aDropInDirectoryCreatedLaterIsWatchedItself() throws Exception {
    Files.writeString(netD.resolve("10-net.conflist"), list("net", 1, "bridge"));
    try (NetworkConfigs configs = watching(builder().open())) {
      Path dropIns = Files.createDirectory(netD.resolve("net"));
      Files.writeString(dropIns.resolve("10-tuning.conf"), "{\"type\":\"tuning\",\"mtu\":1400}");
      await(
          configs,
          x -> x.network("net").map(n -> n.config().plugins().size() == 2).orElse(false),
          "the drop-in");
      // a file changed inside a subdirectory is not reported to the parent's watch
      Files.writeString(dropIns.resolve("10-tuning.conf"), "{\"type\":\"tuning\",\"mtu\":1300}");
      await(
          configs,
          x ->
              x.network("net")
                  .map(n -> n.config().plugins().get(1).json().get("mtu").asInt() == 1300)
                  .orElse(false),
          "the drop-in's change");
    }
  }

  /**
   * Waits for the watcher's reading in progress to end (a reload waits for it), so that a change
   * made afterwards can only be found through its notification.
   */
  static void settled(NetworkConfigs configs) {
    long generation = configs.snapshot().generation();
    assertThat(configs.reload().generation()).isEqualTo(generation);
  }

  /** Waits for a listener to hear of a snapshot that satisfies {@code p}. */
  static NetworkConfigs.Snapshot awaitHeard(
      BlockingQueue<NetworkConfigs.Snapshot> heard,
      Predicate<NetworkConfigs.Snapshot> p,
      String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<NetworkConfigs.Snapshot> others = new ArrayList<>();
    for (long left = DEADLINE.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      NetworkConfigs.Snapshot s = heard.poll(left, TimeUnit.NANOSECONDS);
      if (s != null && p.test(s)) {
        return s;
      }
      if (s != null) {
        others.add(s);
      }
    }
    return fail("not heard within " + DEADLINE.toSeconds() + " s: " + what + "; heard " + others);
  }

  @Test
  void aListWaitingForItsDropInsIsReadWhenOneArrives() throws Exception {
    Files.writeString(
        netD.resolve("10-net.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"net\"}");
    Path dropIns = Files.createDirectory(netD.resolve("net"));
    BlockingQueue<NetworkConfigs.Snapshot> heard = new LinkedBlockingQueue<>();
    try (NetworkConfigs configs = builder().open()) {
      assertThat(configs.snapshot().networks()).isEmpty();
      assertThat(configs.snapshot().problems()).hasSize(1);
      configs.addListener((previous, current) -> heard.add(current));
      watching(configs);
      settled(configs);
      Files.writeString(dropIns.resolve("10-bridge.conf"), "{\"type\":\"bridge\"}");
      NetworkConfigs.Snapshot s =
          awaitHeard(heard, x -> x.network("net").isPresent(), "network net with its drop-in");
      assertThat(s.problems()).isEmpty();
      assertThat(s.readiness().isReady()).isTrue();
    }
  }

  @Test
  void aListWhoseFirstDropInIsBrokenIsReadWhenTheDropInIsFixed() throws Exception {
    Files.writeString(netD.resolve("10-net.conflist"), list("net", 1, "bridge"));
    Path dropIn = Files.createDirectory(netD.resolve("net")).resolve("10-tuning.conf");
    Files.writeString(dropIn, "{\"type\":");
    BlockingQueue<NetworkConfigs.Snapshot> heard = new LinkedBlockingQueue<>();
    try (NetworkConfigs configs = builder().open()) {
      assertThat(configs.snapshot().networks()).isEmpty();
      configs.addListener((previous, current) -> heard.add(current));
      watching(configs);
      settled(configs);
      Files.writeString(dropIn, "{\"type\":\"tuning\"}");
      NetworkConfigs.Snapshot s =
          awaitHeard(
              heard,
              x -> x.network("net").map(n -> n.config().plugins().size() == 2).orElse(false),
              "network net with its fixed drop-in");
      assertThat(s.problems()).isEmpty();
    }
  }

  @Test
  void withoutNotificationsThePeriodicRescanFindsChanges() throws Exception {
    try (NetworkConfigs configs =
        watching(
            builder()
                .rescanInterval(Duration.ofMillis(20))
                .watchServiceFactory(
                    fs -> {
                      throw new IOException("inotify instances exhausted (simulated)");
                    })
                .open())) {
      Files.writeString(netD.resolve("10-a.conflist"), list("a", 1, "bridge"));
      await(configs, x -> hasNetwork(x, "a", 1), "network a by rescan");
    }
  }

  /** Writes the new content in place in two steps, so that a reader can catch the first half. */
  static void rewriteInPlace(Path file, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(bytes, 0, bytes.length / 2));
      Thread.yield();
      ch.write(ByteBuffer.wrap(bytes, bytes.length / 2, bytes.length - bytes.length / 2));
    }
  }

  /** Writes a temporary file that the directory does not read, then renames it into place. */
  static void rewriteByRename(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aBurstOfRewritesEndsInTheLastVersionAndNoSnapshotHoldsAHalfWrittenOne() throws Exception {
    Path file = netD.resolve("10-a.conflist");
    Files.writeString(file, list("a", 0, "bridge"));
    List<NetworkConfigs.Snapshot> published = new CopyOnWriteArrayList<>();
    try (NetworkConfigs configs = builder().open()) {
      configs.addListener((previous, current) -> published.add(current));
      watching(configs);
      int last = 200;
      for (int g = 1; g <= last; g++) {
        rewriteInPlace(file, list("a", g, "bridge"));
      }
      await(configs, x -> hasNetwork(x, "a", last), "the last version");
    }
    int previous = -1;
    for (NetworkConfigs.Snapshot s : published) {
      LoadedNetwork a = s.defaultNetwork().orElseThrow();
      assertThat(a.name()).isEqualTo("a");
      assertThat(generationOf(a)).isBetween(previous, 200);
      previous = generationOf(a);
    }
  }

  @Test
  void manyReadersSeeWholeSnapshotsWhileFilesAreRewrittenAndReloaded() throws Exception {
    Path inPlace = netD.resolve("10-a.conflist");
    Path renamed = netD.resolve("20-b.conflist");
    Files.writeString(inPlace, list("a", 0, "bridge"));
    Files.writeString(renamed, list("b", 0, "bridge"));
    int versions = 300;
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean done = new AtomicBoolean();
    try (NetworkConfigs configs = watching(builder().open())) {
      List<Thread> threads = new ArrayList<>();
      for (int r = 0; r < 6; r++) {
        threads.add(
            new Thread(
                () -> {
                  long lastGeneration = 0;
                  int lastA = 0;
                  int lastB = 0;
                  while (!done.get()) {
                    NetworkConfigs.Snapshot s = configs.snapshot();
                    try {
                      assertThat(s.generation()).isGreaterThanOrEqualTo(lastGeneration);
                      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("a");
                      assertThat(s.networks())
                          .extracting(LoadedNetwork::name)
                          .containsExactly("a", "b");
                      assertThat(s.networks()).contains(s.defaultNetwork().get());
                      int a = generationOf(s.networks().get(0));
                      int b = generationOf(s.networks().get(1));
                      assertThat(a).isGreaterThanOrEqualTo(lastA);
                      assertThat(b).isGreaterThanOrEqualTo(lastB);
                      // a file renamed into place is never seen half-written
                      assertThat(s.networks().get(1).isStale()).isFalse();
                      lastGeneration = s.generation();
                      lastA = a;
                      lastB = b;
                    } catch (Throwable e) {
                      failures.add(e);
                      return;
                    }
                  }
                },
                "reader-" + r));
      }
      threads.add(
          new Thread(
              () -> {
                while (!done.get()) {
                  configs.reload();
                }
              },
              "reloader"));
      threads.forEach(Thread::start);
      for (int g = 1; g <= versions; g++) {
        rewriteInPlace(inPlace, list("a", g, "bridge"));
        rewriteByRename(renamed, list("b", g, "bridge"));
      }
      await(
          configs,
          x -> hasNetwork(x, "a", versions) && hasNetwork(x, "b", versions),
          "the last versions");
      done.set(true);
      for (Thread t : threads) {
        t.join(DEADLINE.toMillis());
        assertThat(t.isAlive()).as(t.getName()).isFalse();
      }
    } finally {
      done.set(true);
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void closeStopsEveryThreadItStarted() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    NetworkConfigs configs = watching(builder().open());
    configs.startWatching();
    List<Thread> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t))
            .collect(Collectors.toList());
    assertThat(started)
        .extracting(Thread::getName)
        .anyMatch(n -> n.startsWith("jcni-netconf-watch"));
    assertThat(started).filteredOn(t -> t.getName().startsWith("jcni-netconf-watch")).hasSize(1);
    configs.close();
    assertThat(configs.isWatching()).isFalse();
    awaitTrue(
        () -> started.stream().noneMatch(Thread::isAlive),
        "threads still alive: "
            + started.stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toList()));
  }

  @Test
  void aListenerMayCloseTheInstanceFromTheWatcherThread() throws Exception {
    NetworkConfigs configs = watching(builder().open());
    CountDownLatch closed = new CountDownLatch(1);
    configs.addListener(
        (previous, current) -> {
          configs.close();
          closed.countDown();
        });
    Files.writeString(netD.resolve("10-a.conflist"), list("a", 1, "bridge"));
    assertThat(closed.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    awaitTrue(() -> !configs.isWatching(), "the watcher to stop");
  }
}
