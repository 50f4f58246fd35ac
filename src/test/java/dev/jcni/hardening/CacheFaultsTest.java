package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.jcni.Attachment;
import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.CniClient;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache directory that is not what it should be: a link, a link in place of {@code results/} or
 * of an entry, a directory in place of an entry. Each gives a clear {@link CacheException} naming
 * the file; nothing outside the cache is read or written; and an ADD whose plugins succeeded but
 * whose entry cannot be written is rolled back with DEL (the recorders' log shows it) and reported.
 * Full and read-only file systems: {@link CacheFaultsIsolatedTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheFaultsTest {
  private static final String NETWORK = "net";
  private static final Attachment C1 =
      Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();
  private static final Attachment C2 =
      Attachment.builder("c2", "eth0").netns("/var/run/netns/c2").build();

  @TempDir Path tmp;
  private Recorder recorder;
  private NetworkConfigList list;
  private Path outside;

  @BeforeEach
  void setUp() throws Exception {
    recorder = new Recorder(tmp.resolve("calls.jsonl"));
    list = recorder.list(NETWORK, "a", "c");
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  private CniClient client(Path cacheDir) throws Exception {
    return CniClient.builder()
        .pluginDirectories(List.of(Testdata.plugins()))
        .cacheDirectory(cacheDir)
        .build();
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** The ADD ran both plugins, then its DEL ran them in reverse, and it threw the cache error. */
  private void assertRolledBack(Throwable thrown, Path file, String problem) throws Exception {
    assertThat(thrown)
        .isInstanceOfSatisfying(
            CacheException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH);
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.getMessage()).contains(file.toString()).contains(problem);
            });
    assertThat(recorder.calls()).containsExactly("ADD#a", "ADD#c", "DEL#c", "DEL#a");
  }

  @Test
  void aCacheDirectoryThatIsALinkIsFollowedAndItsEntriesLandInTheTarget() throws Exception {
    // documented: only links below the cache directory are refused (/var/lib/cni may be a link)
    Path real = Files.createDirectories(tmp.resolve("real-cache"));
    Path link = Files.createSymbolicLink(tmp.resolve("cache"), real);
    CniClient client = client(link);
    client.add(list, C1);
    assertThat(real.resolve("results").resolve("net-c1-eth0")).isRegularFile();
    client.delete(list, C1);
    assertThat(files(real.resolve("results"))).isEmpty();
    assertThat(recorder.calls()).containsExactly("ADD#a", "ADD#c", "DEL#c", "DEL#a");
  }

  @Test
  void aResultsDirectoryThatIsALinkIsRefusedWhenTheClientIsBuilt() throws Exception {
    Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
    Path results = Files.createSymbolicLink(cacheDir.resolve("results"), outside);
    Throwable thrown = catchThrowable(() -> client(cacheDir));
    assertThat(thrown)
        .isInstanceOfSatisfying(
            CacheException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH);
              assertThat(e.file()).isEqualTo(results);
              assertThat(e.getMessage()).contains(results.toString()).contains("symbolic link");
            });
    assertThat(files(outside)).isEmpty();
  }

  @Test
  void aResultsDirectoryReplacedByALinkIsRefusedAndTheAddRolledBack() throws Exception {
    Path cacheDir = tmp.resolve("cache");
    CniClient client = client(cacheDir);
    client.add(list, C1);
    recorder.calls();
    Path results = cacheDir.resolve("results");
    Testdata.deleteTree(results);
    Files.createSymbolicLink(results, outside);

    assertRolledBack(catchThrowable(() -> client.add(list, C2)), results, "symbolic link");
    assertThat(files(outside)).as("nothing written through the link").isEmpty();
  }

  @Test
  void aCacheEntryReplacedByADirectoryGivesAClearErrorOnEveryVerb() throws Exception {
    Path cacheDir = tmp.resolve("cache");
    CniClient client = client(cacheDir);
    client.add(list, C1);
    recorder.calls();
    Path entry = cacheDir.resolve("results").resolve("net-c1-eth0");
    Files.delete(entry);
    Files.createDirectory(entry);
    String problem = "is a directory where a cache entry belongs";

    // CHECK and DEL need the cached result: they stop before any plugin runs
    for (Throwable thrown :
        List.of(
            catchThrowable(() -> client.check(list, C1)),
            catchThrowable(() -> client.delete(list, C1)))) {
      assertThat(thrown)
          .isInstanceOfSatisfying(
              CacheException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PATH);
                assertThat(e.getMessage()).contains(entry.toString()).contains(problem);
              });
    }
    assertThat(recorder.calls()).isEmpty();
    // ADD runs its plugins, cannot write the entry, and rolls back
    assertRolledBack(catchThrowable(() -> client.add(list, C1)), entry, problem);
    assertThat(entry).isDirectory();
    // other attachments are not affected
    client.add(list, C2);
    assertThat(client.cachedAttachment(NETWORK, "c2", "eth0")).isPresent();
  }

  @Test
  void aCacheEntryThatIsALinkIsNeverFollowed() throws Exception {
    Path cacheDir = tmp.resolve("cache");
    CniClient client = client(cacheDir);
    client.add(list, C2); // creates results/
    recorder.calls();
    Path secret = Files.writeString(outside.resolve("secret"), "not a cache entry");
    Path entry =
        Files.createSymbolicLink(cacheDir.resolve("results").resolve("net-c1-eth0"), secret);

    assertRolledBack(catchThrowable(() -> client.add(list, C1)), entry, "symbolic link");
    assertThat(Files.readString(secret)).isEqualTo("not a cache entry");
    assertThat(Files.isSymbolicLink(entry)).isTrue();
    assertThat(catchThrowable(() -> client.delete(list, C1))).isInstanceOf(CacheException.class);
    assertThat(recorder.calls()).isEmpty();
    assertThat(Files.readString(secret)).isEqualTo("not a cache entry");
    // the listing skips it and goes on
    assertThat(client.cachedAttachments(java.util.Optional.empty()))
        .extracting(c -> c.key().containerId())
        .containsExactly("c2");
    assertThat(Files.exists(entry, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(cacheDir.resolve(ResultCache.QUARANTINE_DIR)).doesNotExist();
  }
}
