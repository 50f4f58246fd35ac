package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.GcReport;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.PluginLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Load on one client: 1,000 ADD and DEL operations from 64 threads, on distinct attachments and on
 * a few shared ones, while GC runs again and again with a list of valid attachments. Afterwards the
 * cache must hold exactly the attachments whose ADD succeeded and whose DEL (by a worker or by GC)
 * did not follow, every file must be a complete entry, and nothing may be left half-done.
 *
 * <p>Two oracles decide what "exactly" is. For distinct attachments, each worker knows what it did
 * and GC's reports say what it deleted. For shared attachments, whose operations race, the plugin
 * itself ({@code testdata/hardening/journal-plugin.c}) appends one line per call to a journal: the
 * client holds the container's lock around the plugin call and the cache update, so the last ADD or
 * DEL line of an attachment tells whether it must be cached. The journal is checked against the
 * workers' own record for the distinct attachments too, so neither oracle is taken on trust.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentOperationsTest {
  private static final int THREADS = 64;

  /** Each distinct attachment gets an ADD; three in five then get a DEL: 500 + 300 operations. */
  private static final int DISTINCT = 500;

  /** ADD or DEL on the shared attachments, racing each other and the workers. */
  private static final int SHARED_OPS = 200;

  private static final String NETWORK = "load";

  /** Two interfaces of one container and two containers: same-container ops serialise. */
  private static final List<String[]> SHARED =
      List.of(
          new String[] {"shared0", "eth0"},
          new String[] {"shared0", "eth1"},
          new String[] {"shared1", "eth0"},
          new String[] {"shared2", "eth0"});

  @TempDir Path tmp;

  private static boolean distinctGetsDel(int i) {
    return i % 5 < 3;
  }

  /** GC's list of valid attachments leaves out every seventh distinct one and two shared ones. */
  private static boolean distinctIsValid(int i) {
    return i % 7 != 0;
  }

  private static boolean sharedIsValid(int s) {
    return s < 2;
  }

  private static String distinctId(int i) {
    return "distinct" + i;
  }

  private static Attachment attachment(String containerId, String ifName) {
    return Attachment.builder(containerId, ifName).netns("/var/run/netns/" + containerId).build();
  }

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void theCacheHoldsExactlyTheAttachmentsWhoseAddSucceededAndWhoseDelDidNotFollow(
      PluginLauncher launcher) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Testdata.copyExecutable(Testdata.compiled("journal-plugin"), bin.resolve("journal"));
    Path journal = tmp.resolve("journal");
    Path cacheDir = tmp.resolve("cache");
    NetworkConfigList list =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.1.0\",\"name\":\""
                    + NETWORK
                    + "\",\"plugins\":[{\"type\":\"journal\",\"journal\":\""
                    + journal
                    + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    CniClient client =
        CniClient.builder()
            .pluginDirectories(List.of(bin))
            .cacheDirectory(cacheDir)
            .launcher(launcher)
            .execOptions(ExecOptions.builder().deadline(Duration.ofSeconds(60)).build())
            .lockTimeout(Duration.ofSeconds(90))
            .build();

    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String context = "seed " + seed + ", " + Launchers.name(launcher);

    // ---- the work: tasks in a random order, 64 threads
    List<Runnable> tasks = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger operations = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    for (int i = 0; i < DISTINCT; i++) {
      int n = i;
      tasks.add(
          () -> {
            Attachment a = attachment(distinctId(n), "eth0");
            run(failures, () -> client.add(list, a), operations);
            if (distinctGetsDel(n)) {
              run(failures, () -> client.delete(list, a), operations);
            }
          });
    }
    for (int i = 0; i < SHARED_OPS; i++) {
      String[] target = SHARED.get(random.nextInt(SHARED.size()));
      boolean add = random.nextBoolean();
      tasks.add(
          () -> {
            Attachment a = attachment(target[0], target[1]);
            if (add) {
              run(failures, () -> client.add(list, a), operations);
            } else {
              run(failures, () -> client.delete(list, a), operations);
            }
            // a racing reader: either nothing or the attachment's own, complete entry
            run(
                failures,
                () -> {
                  Optional<CachedAttachment> read =
                      client.cachedAttachment(NETWORK, target[0], target[1]);
                  read.ifPresent(
                      c -> {
                        assertThat(c.key()).isEqualTo(key(target[0], target[1]));
                        assertThat(c.result()).isPresent();
                      });
                },
                reads);
          });
    }
    Collections.shuffle(tasks, random);

    List<Map.Entry<String, String>> valid = new ArrayList<>();
    for (int i = 0; i < DISTINCT; i++) {
      if (distinctIsValid(i)) {
        valid.add(Map.entry(distinctId(i), "eth0"));
      }
    }
    for (int s = 0; s < SHARED.size(); s++) {
      if (sharedIsValid(s)) {
        valid.add(Map.entry(SHARED.get(s)[0], SHARED.get(s)[1]));
      }
    }

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch workDone = new CountDownLatch(1);
    List<GcReport> gcReports = Collections.synchronizedList(new ArrayList<>());
    Thread gc =
        new Thread(
            () -> {
              try {
                // GC keeps running until the workers are done, and at least three times
                for (int round = 0; round < 3 || workDone.getCount() > 0; round++) {
                  gcReports.add(client.gc(list, valid));
                  workDone.await(20, TimeUnit.MILLISECONDS);
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            },
            "concurrent-gc");
    long start = System.nanoTime();
    gc.start();
    for (Runnable task : tasks) {
      pool.execute(task);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(100, TimeUnit.SECONDS))
        .as("every operation ended (no deadlock); %s", context)
        .isTrue();
    workDone.countDown();
    gc.join(TimeUnit.SECONDS.toMillis(100));
    assertThat(gc.isAlive()).as("GC ended; %s", context).isFalse();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(failures).as("operations that failed; %s", context).isEmpty();
    assertThat(operations.get()).isEqualTo(DISTINCT + DISTINCT * 3 / 5 + SHARED_OPS);
    assertThat(gcReports).isNotEmpty();
    Set<AttachmentKey> gcDeleted = new HashSet<>();
    for (GcReport report : gcReports) {
      assertThat(report.errors()).as("GC errors; %s", context).isEmpty();
      gcDeleted.addAll(report.deleted());
    }

    // ---- oracle 1: what each worker did, and what GC said it deleted
    Set<AttachmentKey> expected = new HashSet<>();
    for (int i = 0; i < DISTINCT; i++) {
      AttachmentKey k = key(distinctId(i), "eth0");
      if (distinctIsValid(i)) {
        assertThat(gcDeleted).as("GC deleted a valid attachment; %s", context).doesNotContain(k);
      }
      if (!distinctGetsDel(i) && !gcDeleted.contains(k)) {
        expected.add(k);
      }
    }
    for (int s = 0; s < SHARED.size(); s++) {
      if (sharedIsValid(s)) {
        assertThat(gcDeleted).doesNotContain(key(SHARED.get(s)[0], SHARED.get(s)[1]));
      }
    }

    // ---- oracle 2: the plugin's journal, in lock order per attachment
    Map<AttachmentKey, String> lastCall = new HashMap<>();
    List<String> lines = Files.readAllLines(journal);
    for (String line : lines) {
      String[] f = line.split(" ", -1);
      assertThat(f).as("journal line %s", line).hasSize(3);
      if (f[0].equals("ADD") || f[0].equals("DEL")) {
        lastCall.put(key(f[1], f[2]), f[0]);
      } else {
        assertThat(f[0]).as("journal line %s", line).isEqualTo("GC");
      }
    }
    Set<AttachmentKey> journalSaysCached = new HashSet<>();
    lastCall.forEach(
        (k, verb) -> {
          if (verb.equals("ADD")) {
            journalSaysCached.add(k);
          }
        });
    // the two oracles agree on the distinct attachments...
    Set<AttachmentKey> journalDistinct = new HashSet<>(journalSaysCached);
    journalDistinct.removeIf(k -> !k.containerId().startsWith("distinct"));
    assertThat(journalDistinct).as("journal vs workers; %s", context).isEqualTo(expected);
    // ...and the journal decides the shared ones
    for (String[] s : SHARED) {
      AttachmentKey k = key(s[0], s[1]);
      if (journalSaysCached.contains(k)) {
        expected.add(k);
      }
    }

    // ---- the cache: exactly the expected entries, each a complete file, nothing left over
    ResultCache cache = ResultCache.open(cacheDir);
    Set<AttachmentKey> cached = new HashSet<>();
    for (CachedAttachment c : cache.list()) {
      cached.add(c.key());
    }
    assertThat(cached).as("cached attachments; %s", context).isEqualTo(expected);
    Path results = cacheDir.resolve(ResultCache.RESULTS_DIR);
    List<Path> files;
    try (Stream<Path> s = Files.list(results)) {
      files = s.toList();
    }
    assertThat(files).hasSize(expected.size());
    for (Path file : files) {
      JsonNode entry = Json.parse(Files.readAllBytes(file));
      assertThat(entry.get("kind").asText()).isEqualTo("cniCacheV1");
      assertThat(
              NETWORK
                  + "-"
                  + entry.get("containerId").asText()
                  + "-"
                  + entry.get("ifName").asText())
          .isEqualTo(file.getFileName().toString());
      assertThat(entry.get("result").get("interfaces").get(0).get("name").asText())
          .isEqualTo(entry.get("ifName").asText());
    }
    assertThat(cacheDir.resolve(ResultCache.QUARANTINE_DIR))
        .as("no entry was ever found corrupt")
        .doesNotExist();
    try (Stream<Path> s = Files.list(cacheDir.resolve("results-tmp"))) {
      assertThat(s.toList()).as("temporary files left behind").isEmpty();
    }
    System.out.printf(
        "[figures] load, %s: %d operations, %d racing reads, %d GC runs deleting %d, %d journal"
            + " lines, %d cached, %d ms%n",
        context,
        operations.get(),
        reads.get(),
        gcReports.size(),
        gcDeleted.size(),
        lines.size(),
        expected.size(),
        elapsedMs);
  }

  private static AttachmentKey key(String containerId, String ifName) {
    return AttachmentKey.of(NETWORK, containerId, ifName);
  }

  private interface Operation {
    void run() throws Exception;
  }

  private static void run(List<Throwable> failures, Operation op, AtomicInteger count) {
    try {
      op.run();
      count.incrementAndGet();
    } catch (Throwable e) {
      failures.add(e);
    }
  }
}
