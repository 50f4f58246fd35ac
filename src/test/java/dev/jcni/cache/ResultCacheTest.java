package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ResultCacheTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-11-23T09:30:00.123456789Z");

  private static CachedAttachment entry(AttachmentKey key, String marker) {
    ObjectNode result = Json.NODES.objectNode().put("cniVersion", "1.0.0").put("marker", marker);
    return new CachedAttachment(
        key,
        "/var/run/netns/" + key.containerId(),
        ("{\"name\":\"" + key.networkName() + "\"}").getBytes(StandardCharsets.UTF_8),
        List.of(Map.entry("K8S_POD_NAME", "p1")),
        Json.NODES.objectNode().put("mtu", 1500),
        Optional.of(result));
  }

  private ResultCache open() throws CacheException {
    return ResultCache.open(dir, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private Path results() {
    return dir.resolve("results");
  }

  private List<String> quarantined() throws Exception {
    Path q = dir.resolve("results-corrupt");
    if (!Files.exists(q)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(q)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // ---- format on disk ----

  @Test
  void storesAndReadsBackAnEntry() throws Exception {
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    CachedAttachment a = entry(key, "one");
    cache.put(a);
    assertThat(cache.get(key)).contains(a);
    Path file = results().resolve("net1-c1-eth0");
    assertThat(cache.entryPath(key)).isEqualTo(file);
    assertThat(Files.readAllBytes(file)).isEqualTo(CacheEntryFormat.encode(a));
  }

  @Test
  void syncedDurabilityWritesTheSameEntryAndIsTheOptInNotTheDefault() throws Exception {
    assertThat(open().durability()).isEqualTo(Durability.ATOMIC);
    ResultCache synced = ResultCache.open(results().getParent(), Durability.SYNCED);
    assertThat(synced.durability()).isEqualTo(Durability.SYNCED);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    CachedAttachment a = entry(key, "synced");
    synced.put(a);
    assertThat(open().get(key)).contains(a);
    assertThat(Files.readAllBytes(results().resolve("net1-c1-eth0")))
        .isEqualTo(CacheEntryFormat.encode(a));
    assertThat(synced.remove(key)).isTrue();
    assertThat(results().resolve("net1-c1-eth0")).doesNotExist();
  }

  @Test
  void writesTheBytesLibcniWroteForTheSameEntry() throws Exception {
    byte[] go = CacheEntryFormatTest.fixture("libcni-1.1.2-cnitool-bridge.json");
    CachedAttachment a = CacheEntryFormatTest.decodeEntry(go);
    open().put(a);
    byte[] written =
        Files.readAllBytes(results().resolve("cniref-br-cnitool-705c6e61e3b30c99ec77-eth0"));
    assertThat(written).isEqualTo(go).hasSize(763);
    assertThat(written[written.length - 1]).isEqualTo((byte) '}');
  }

  @Test
  void readsAnEntryWrittenByLibcni() throws Exception {
    Files.createDirectories(results());
    Files.copy(
        GoJsonTest.FIXTURES.resolve("libcni-1.1.2-cnitool-bridge.json"),
        results().resolve("cniref-br-cnitool-705c6e61e3b30c99ec77-eth0"));
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("cniref-br", "cnitool-705c6e61e3b30c99ec77", "eth0");
    assertThat(cache.get(key)).isPresent();
    assertThat(cache.listForContainer("cnitool-705c6e61e3b30c99ec77"))
        .extracting(CachedAttachment::key)
        .containsExactly(key);
    assertThat(cache.remove(key)).isTrue();
    assertThat(results()).isEmptyDirectory();
  }

  @Test
  void createsDirectoriesLazilyWithMode0700AndEntriesWithMode0600() throws Exception {
    Path cacheDir = dir.resolve("var/lib/cni");
    ResultCache cache = ResultCache.open(cacheDir);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    assertThat(cache.get(key)).isEmpty();
    assertThat(cache.list()).isEmpty();
    assertThat(cache.remove(key)).isFalse();
    assertThat(cacheDir).doesNotExist();
    cache.put(entry(key, "x"));
    assertThat(Files.getPosixFilePermissions(cacheDir.resolve("results")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(cacheDir.resolve("results/net1-c1-eth0")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void replacesTheEntryOfTheSameAttachment() throws Exception {
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    cache.put(entry(key, "one"));
    cache.put(entry(key, "two"));
    assertThat(cache.get(key).orElseThrow().result().orElseThrow().get("marker").asText())
        .isEqualTo("two");
    try (Stream<Path> s = Files.list(results())) {
      assertThat(s).hasSize(1); // no temporary file left behind
    }
  }

  @Test
  void refusesANumberGoCouldNotReadAndWritesNothing() throws Exception {
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    ObjectNode caps = (ObjectNode) Json.parse("{\"x\":1e400}".getBytes(StandardCharsets.UTF_8));
    CachedAttachment a =
        new CachedAttachment(key, "", new byte[0], List.of(), caps, Optional.empty());
    assertThatThrownBy(() -> cache.put(a))
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNENCODABLE))
        .hasMessageContaining("net1-c1-eth0")
        .hasMessageContaining("1E+400");
    assertThat(cache.get(key)).isEmpty();
  }

  // ---- colliding names ----

  @Test
  void neverReturnsRemovesOrReplacesTheEntryOfACollidingAttachment() throws Exception {
    ResultCache cache = open();
    AttachmentKey owner = AttachmentKey.of("a-b", "c", "eth0");
    AttachmentKey other = AttachmentKey.of("a", "b-c", "eth0");
    CachedAttachment stored = entry(owner, "owner");
    cache.put(stored);

    assertThat(cache.get(other)).isEmpty();
    assertThat(cache.remove(other)).isFalse();
    assertThatThrownBy(() -> cache.put(entry(other, "intruder")))
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.COLLISION))
        .hasMessageContaining("a-b-c-eth0")
        .hasMessageContaining("network \"a-b\" container \"c\"");
    assertThat(cache.get(owner)).contains(stored);
    assertThat(quarantined()).isEmpty();
  }

  @Test
  void twoCachesOnOneDirectoryNeverBothStoreCollidingAttachments() throws Exception {
    // two processes (here: two caches, which share no lock) ADD attachments whose file names
    // collide at the same moment: one put must fail with COLLISION, never both succeed with one
    // entry silently replaced by the other
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 300; round++) {
        Path roundDir = dir.resolve("round-" + round);
        ResultCache first = ResultCache.open(roundDir);
        ResultCache second = ResultCache.open(roundDir);
        AttachmentKey owner = AttachmentKey.of("a-b", "c", "eth0");
        AttachmentKey other = AttachmentKey.of("a", "b-c", "eth0");
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> one = pool.submit(() -> storedAfter(start, first, entry(owner, "one")));
        Future<Boolean> two = pool.submit(() -> storedAfter(start, second, entry(other, "two")));
        start.countDown();
        boolean oneStored = one.get(30, TimeUnit.SECONDS);
        boolean twoStored = two.get(30, TimeUnit.SECONDS);
        assertThat(oneStored ^ twoStored)
            .as("round %d: exactly one of the colliding puts succeeds (%s, %s)", round, oneStored,
                twoStored)
            .isTrue();
        assertThat(first.get(owner).isPresent()).as("round %d: owner cached", round)
            .isEqualTo(oneStored);
        assertThat(first.get(other).isPresent()).as("round %d: other cached", round)
            .isEqualTo(twoStored);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Puts once {@code start} opens; whether it stored (a collision is {@code false}). */
  private static boolean storedAfter(CountDownLatch start, ResultCache cache, CachedAttachment a)
      throws Exception {
    start.await();
    try {
      cache.put(a);
      return true;
    } catch (CacheException e) {
      if (e.reason() != Reason.COLLISION) {
        throw e;
      }
      return false;
    }
  }

  @Test
  void listsCollidingNamesByTheirContent() throws Exception {
    ResultCache cache = open();
    cache.put(entry(AttachmentKey.of("a-b", "c", "eth0"), "x"));
    assertThat(cache.listForContainer("b-c")).isEmpty();
    assertThat(cache.listForNetwork("a")).isEmpty();
    assertThat(cache.listForContainer("c")).hasSize(1);
    assertThat(cache.listForNetwork("a-b")).hasSize(1);
  }

  // ---- corrupt and foreign files ----

  @Test
  void movesAnEmptyEntryAsideAndTreatsItAsAbsent() throws Exception {
    Files.createDirectories(results());
    Files.write(results().resolve("net1-c1-eth0"), new byte[0]);
    ResultCache cache = open();
    assertThat(cache.get(AttachmentKey.of("net1", "c1", "eth0"))).isEmpty();
    assertThat(results().resolve("net1-c1-eth0")).doesNotExist();
    assertThat(quarantined()).containsExactly("net1-c1-eth0.20261123T093000.123456789Z");
    assertThat(Files.getPosixFilePermissions(dir.resolve("results-corrupt")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void keepsTheBytesOfACorruptEntryItMovesAside() throws Exception {
    Files.createDirectories(results());
    byte[] half = "{\"kind\":\"cniCacheV1\",\"contai".getBytes(StandardCharsets.UTF_8);
    Files.write(results().resolve("net1-c1-eth0"), half);
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    assertThat(cache.remove(key)).isFalse();
    assertThat(
            Files.readAllBytes(
                dir.resolve("results-corrupt/net1-c1-eth0.20261123T093000.123456789Z")))
        .isEqualTo(half);
    // a second corrupt file at the same instant gets its own name
    Files.write(results().resolve("net1-c1-eth0"), new byte[] {'x'});
    assertThat(cache.get(key)).isEmpty();
    assertThat(quarantined())
        .containsExactly(
            "net1-c1-eth0.20261123T093000.123456789Z", "net1-c1-eth0.20261123T093000.123456789Z-1");
  }

  @Test
  void replacesACorruptEntryAfterMovingItAside() throws Exception {
    Files.createDirectories(results());
    Files.write(results().resolve("net1-c1-eth0"), "not json".getBytes(StandardCharsets.UTF_8));
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    cache.put(entry(key, "new"));
    assertThat(cache.get(key)).isPresent();
    assertThat(quarantined()).hasSize(1);
  }

  @Test
  void leavesAFileOfAnotherKindInPlaceButMovesItAsideToWrite() throws Exception {
    Files.createDirectories(results());
    byte[] legacy = "{\"cniVersion\":\"0.3.1\",\"ips\":[]}".getBytes(StandardCharsets.UTF_8);
    Path file = results().resolve("net1-c1-eth0");
    Files.write(file, legacy);
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    assertThat(cache.get(key)).isEmpty();
    assertThat(cache.remove(key)).isFalse();
    assertThat(Files.readAllBytes(file)).isEqualTo(legacy);
    assertThat(cache.list()).isEmpty();
    cache.put(entry(key, "new"));
    assertThat(cache.get(key)).isPresent();
    assertThat(quarantined()).hasSize(1);
  }

  @Test
  void listingSkipsWhatIsNotAnEntryAndMovesNothing() throws Exception {
    ResultCache cache = open();
    AttachmentKey k1 = AttachmentKey.of("net1", "c1", "eth0");
    AttachmentKey k2 = AttachmentKey.of("net1", "c2", "eth0");
    cache.put(entry(k1, "1"));
    cache.put(entry(k2, "2"));
    Files.write(results().resolve("net1-c3-eth0"), new byte[0]); // corrupt
    Files.write(results().resolve("net1-c4-eth0"), "{\"cniVersion\":\"0.4.0\"}".getBytes());
    Files.copy(results().resolve("net1-c1-eth0"), results().resolve("copy-of-c1")); // misnamed
    Files.write(results().resolve(".jcnitmp.0123"), new byte[] {'{'}); // a write in progress
    Files.createDirectory(results().resolve("net1-c5-eth0"));
    Files.createSymbolicLink(results().resolve("net1-c6-eth0"), results().resolve("net1-c1-eth0"));

    assertThat(cache.list()).extracting(CachedAttachment::key).containsExactly(k1, k2);
    assertThat(results().resolve("net1-c3-eth0")).exists();
    assertThat(quarantined()).isEmpty();
  }

  @Test
  void listsInTheOrderOfTheFileNamesAndFilters() throws Exception {
    ResultCache cache = open();
    List<AttachmentKey> keys =
        List.of(
            AttachmentKey.of("net2", "c1", "eth0"),
            AttachmentKey.of("net1", "c2", "eth1"),
            AttachmentKey.of("net1", "c1", "eth1"),
            AttachmentKey.of("net1", "c1", "eth0"),
            AttachmentKey.of("Net1", "c1", "eth0"));
    for (AttachmentKey k : keys) {
      cache.put(entry(k, k.fileName()));
    }
    assertThat(cache.list())
        .extracting(a -> a.key().fileName())
        .containsExactly(
            "Net1-c1-eth0", "net1-c1-eth0", "net1-c1-eth1", "net1-c2-eth1", "net2-c1-eth0");
    assertThat(cache.listForContainer("c1"))
        .extracting(a -> a.key().fileName())
        .containsExactly("Net1-c1-eth0", "net1-c1-eth0", "net1-c1-eth1", "net2-c1-eth0");
    assertThat(cache.listForNetwork("net1"))
        .extracting(a -> a.key().fileName())
        .containsExactly("net1-c1-eth0", "net1-c1-eth1", "net1-c2-eth1");
    assertThat(cache.list(k -> k.ifName().equals("eth1"))).hasSize(2);
  }

  // ---- unsafe paths ----

  @Test
  void refusesAResultsDirectoryThatIsASymbolicLink() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Files.createDirectory(dir.resolve("cache"));
    Files.createSymbolicLink(dir.resolve("cache/results"), elsewhere);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    assertThatThrownBy(() -> ResultCache.open(dir.resolve("cache")))
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH))
        .hasMessageContaining("symbolic link");
    // and every operation refuses it too, if it appears after open
    Files.delete(dir.resolve("cache/results"));
    ResultCache cache = ResultCache.open(dir.resolve("cache"));
    Files.createSymbolicLink(dir.resolve("cache/results"), elsewhere);
    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> cache.get(key),
            () -> cache.put(entry(key, "x")),
            () -> cache.remove(key),
            cache::list)) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH));
    }
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void aDanglingLinkWhereAnEntryBelongsIsRefusedNotReplaced() throws Exception {
    Path cacheDir = dir.resolve("cache");
    Files.createDirectories(cacheDir.resolve("results"));
    Path target = dir.resolve("not-yet-there.json");
    Path link = Files.createSymbolicLink(cacheDir.resolve("results/net1-c1-eth0"), target);
    ResultCache cache = ResultCache.open(cacheDir);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");

    assertThatThrownBy(() -> cache.put(entry(key, "x")))
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH))
        .hasMessageContaining("net1-c1-eth0")
        .hasMessageContaining("symbolic link");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(target).doesNotExist();
  }

  @Test
  void neverFollowsAnEntryThatLinksOutsideTheCache() throws Exception {
    Path outside = dir.resolve("outside.json");
    byte[] secret = CacheEntryFormat.encode(entry(AttachmentKey.of("net1", "c1", "eth0"), "s"));
    Files.write(outside, secret);
    Path cacheDir = dir.resolve("cache");
    Files.createDirectories(cacheDir.resolve("results"));
    Files.createSymbolicLink(cacheDir.resolve("results/net1-c1-eth0"), outside);
    ResultCache cache = ResultCache.open(cacheDir);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> cache.get(key), () -> cache.put(entry(key, "x")), () -> cache.remove(key))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH))
          .hasMessageContaining("net1-c1-eth0")
          .hasMessageContaining("symbolic link");
    }
    assertThat(Files.readAllBytes(outside)).isEqualTo(secret);
    assertThat(cache.list()).isEmpty();
  }

  @Test
  void refusesADirectoryWhereAnEntryBelongs() throws Exception {
    ResultCache cache = open();
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    cache.put(entry(key, "x"));
    Files.delete(results().resolve("net1-c1-eth0"));
    Files.createDirectory(results().resolve("net1-c1-eth0"));
    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> cache.get(key), () -> cache.put(entry(key, "x")), () -> cache.remove(key))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH))
          .hasMessageContaining("is a directory");
    }
    assertThat(results().resolve("net1-c1-eth0")).isDirectory();
  }

  @Test
  void refusesAResultsPathThatIsAFile() throws Exception {
    Files.write(dir.resolve("results"), new byte[0]);
    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH))
        .hasMessageContaining("not a directory");
  }

  // ---- temporary files ----

  @Test
  void removesOnlyStaleTemporaryFilesOnOpen() throws Exception {
    Files.createDirectories(results());
    Path temps = Files.createDirectories(results().resolveSibling(ResultCache.TEMP_DIR));
    Path stale = Files.write(temps.resolve(".jcnitmp.stale"), new byte[] {'{'});
    Path fresh = Files.write(temps.resolve(".jcnitmp.fresh"), new byte[] {'{'});
    Path entryLike = Files.write(results().resolve("net1-c1-eth0"), new byte[] {'{'});
    Files.setLastModifiedTime(stale, FileTime.from(NOW.minus(Duration.ofMinutes(6))));
    Files.setLastModifiedTime(fresh, FileTime.from(NOW.minus(Duration.ofMinutes(4))));
    Files.setLastModifiedTime(entryLike, FileTime.from(NOW.minus(Duration.ofDays(6))));
    open();
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(entryLike).exists();
  }

  @Test
  void removesStaleTemporaryFilesInsideResultsOnOpenAndListsNoneOfThem() throws Exception {
    // where they are when results/ is a file system of its own
    Files.createDirectories(results());
    Path stale = Files.write(results().resolve(".jcnitmp.stale"), new byte[] {'{'});
    Path fresh = Files.write(results().resolve(".jcnitmp.fresh"), new byte[] {'{'});
    Files.setLastModifiedTime(stale, FileTime.from(NOW.minus(Duration.ofMinutes(6))));
    Files.setLastModifiedTime(fresh, FileTime.from(NOW.minus(Duration.ofMinutes(4))));
    Files.write(results().resolve(".jcnicorrupt.net1-c1-eth0.20261123T000000Z"), new byte[] {'{'});
    ResultCache cache = open();
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    cache.put(entry(AttachmentKey.of("net1", "c1", "eth0"), "a"));
    assertThat(cache.list()).extracting(a -> a.key().containerId()).containsExactly("c1");
  }

  // ---- atomicity ----

  /**
   * One thread replaces and removes an entry as fast as it can while others read the file directly
   * and through a second cache instance (which shares no in-process lock with the writer): each
   * read must find no file or one complete entry, never an empty or partial one.
   */
  @Test
  void readersNeverSeeAPartialEntry() throws Exception {
    ResultCache writer = open();
    ResultCache reader = ResultCache.open(dir);
    AttachmentKey key = AttachmentKey.of("net1", "c1", "eth0");
    // large enough that a non-atomic write would be observable in pieces
    ObjectNode big = Json.NODES.objectNode().put("cniVersion", "1.0.0");
    for (int i = 0; i < 2000; i++) {
      big.putArray("ips" + i).addObject().put("address", "198.18." + (i % 250) + ".1/24");
    }
    CachedAttachment one = CachedAttachment.of(key, "", new byte[] {1}, big);
    CachedAttachment two = CachedAttachment.of(key, "", new byte[] {2}, big);
    byte[] oneBytes = CacheEntryFormat.encode(one);
    byte[] twoBytes = CacheEntryFormat.encode(two);
    Path file = writer.entryPath(key);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger complete = new AtomicInteger();
    AtomicInteger absent = new AtomicInteger();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch started = new CountDownLatch(2);
    try {
      Future<?> raw =
          pool.submit(
              () -> {
                started.countDown();
                while (!stop.get()) {
                  try {
                    byte[] b = Files.readAllBytes(file);
                    if (java.util.Arrays.equals(b, oneBytes)
                        || java.util.Arrays.equals(b, twoBytes)) {
                      complete.incrementAndGet();
                    } else {
                      bad.add("raw read of " + b.length + " bytes");
                    }
                  } catch (NoSuchFileException e) {
                    absent.incrementAndGet();
                  }
                }
                return null;
              });
      Future<?> api =
          pool.submit(
              () -> {
                started.countDown();
                while (!stop.get()) {
                  Optional<CachedAttachment> got = reader.get(key);
                  if (got.isPresent() && !got.get().equals(one) && !got.get().equals(two)) {
                    bad.add("get returned another entry");
                  }
                }
                return null;
              });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 400; i++) {
        writer.put(i % 2 == 0 ? one : two);
        if (i % 3 == 0) {
          writer.remove(key);
        }
      }
      stop.set(true);
      raw.get(30, TimeUnit.SECONDS);
      api.get(30, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(bad).isEmpty();
    assertThat(complete.get()).isPositive();
    assertThat(quarantined()).isEmpty();
    try (Stream<Path> s = Files.list(results())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(ResultCache.TEMP_PREFIX));
    }
    // temporary files live beside results/, where libcni's listing never looks
    try (Stream<Path> s = Files.list(results().resolveSibling(ResultCache.TEMP_DIR))) {
      assertThat(s).isEmpty();
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }
}
