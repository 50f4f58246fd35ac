package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.CniClient;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache on a small tmpfs that fills up or turns read-only. Mounting needs root and a mount
 * namespace of the test's own: this class runs only in the JVM of {@code bin/isolated-java}
 * (private mounts), and fails, never skips, anywhere else.
 *
 * <p>A full file system: the ADD whose plugins succeeded is rolled back with DEL and reported, no
 * partial or temporary file is left, earlier entries are intact, and the cache works again once
 * there is room. A read-only cache directory: every change fails before any plugin runs (the
 * container's lock cannot be taken), reads still work. A read-only {@code results/} and {@code
 * results-tmp/} with writable locks: the ADD is rolled back, the DEL fails after its plugins ran
 * and keeps the entry.
 */
@Tag("isolated")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheFaultsIsolatedTest {
  private static final String NETWORK = "net";

  @TempDir Path tmp;
  private Path cacheDir;
  private Recorder recorder;
  private NetworkConfigList list;
  private final List<Path> mounts = new ArrayList<>();

  @BeforeAll
  static void isolated() throws Exception {
    assertThat(Files.readString(Path.of("/proc/self/status")))
        .as("these tests mount file systems: they need root (CI runs them as root)")
        .containsPattern("(?m)^Uid:\\s+0\\s");
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")))
        .as(
            "this JVM must have a mount namespace of its own (bin/isolated-java): mounts made here"
                + " must never reach the machine")
        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/" + parent.pid() + "/ns/mnt")));
  }

  @BeforeEach
  void setUp() throws Exception {
    cacheDir = Files.createDirectories(tmp.resolve("cache"));
    recorder = new Recorder(tmp.resolve("calls.jsonl"));
    list = recorder.list(NETWORK, "a", "c");
  }

  @AfterEach
  void unmount() throws Exception {
    // lazily: the JVM keeps the lock file of a cache directory open for its whole life
    for (int i = mounts.size() - 1; i >= 0; i--) {
      run("umount", "-l", mounts.get(i).toString());
    }
  }

  private void mountTmpfs(Path where, String options) throws Exception {
    run("mount", "-t", "tmpfs", "-o", options, "jcni-test-cache", where.toString());
    mounts.add(where);
  }

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", argv), out).isZero();
  }

  private CniClient client() throws Exception {
    return CniClient.builder()
        .pluginDirectories(List.of(Testdata.plugins()))
        .cacheDirectory(cacheDir)
        .build();
  }

  private static Attachment attachment(String containerId) {
    return Attachment.builder(containerId, "eth0").netns("/var/run/netns/" + containerId).build();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Writes zeros into {@code file} until the file system says it is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 1_000_000; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      assertThat(e.getMessage()).contains("No space left on device");
      return;
    }
    throw new AssertionError("the tmpfs never filled up");
  }

  @Test
  void aFullFileSystemFailsTheAddRollsItBackAndLeavesNoPartialFile() throws Exception {
    mountTmpfs(cacheDir, "size=256k,mode=0700");
    CniClient client = client();
    client.add(list, attachment("c1"));
    byte[] c1Before = Files.readAllBytes(cacheDir.resolve("results/net-c1-eth0"));
    assertThat(recorder.calls()).containsExactly("ADD#a", "ADD#c");
    Path filler = cacheDir.resolve("filler");
    fill(filler);

    Throwable thrown = catchThrowable(() -> client.add(list, attachment("c2")));

    assertThat(thrown)
        .isInstanceOfSatisfying(
            CacheException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
              assertThat(e.getMessage())
                  .contains(cacheDir.resolve("results/net-c2-eth0").toString())
                  .contains("No space left on device")
                  .contains("network \"" + NETWORK + "\"");
            });
    assertThat(recorder.calls())
        .as("the plugins added, then the rollback deleted")
        .containsExactly("ADD#a", "ADD#c", "DEL#c", "DEL#a");
    assertThat(names(cacheDir.resolve("results"))).containsExactly("net-c1-eth0");
    assertThat(Files.readAllBytes(cacheDir.resolve("results/net-c1-eth0"))).isEqualTo(c1Before);
    assertThat(names(cacheDir.resolve("results-tmp"))).as("no temporary file left").isEmpty();
    assertThat(cacheDir.resolve(ResultCache.QUARANTINE_DIR)).doesNotExist();

    // with room again, the same client works
    Files.delete(filler);
    client.add(list, attachment("c2"));
    client.delete(list, attachment("c1"));
    assertThat(names(cacheDir.resolve("results"))).containsExactly("net-c2-eth0");
  }

  @Test
  void aReadOnlyCacheDirectoryFailsEveryChangeBeforeAnyPluginRunsAndStillReads() throws Exception {
    mountTmpfs(cacheDir, "size=1m,mode=0700");
    // an entry written by an earlier run (no lock file yet: the JVM would keep it open)
    ResultCache.open(cacheDir)
        .put(
            CachedAttachment.of(
                AttachmentKey.of(NETWORK, "c1", "eth0"),
                "/var/run/netns/c1",
                list.bytes(),
                (ObjectNode)
                    Json.parse(
                        "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"198.18.0.1/24\"}]}"
                            .getBytes(StandardCharsets.UTF_8))));
    run("mount", "-o", "remount,ro", cacheDir.toString());
    CniClient client = client();

    for (Throwable thrown :
        List.of(
            catchThrowable(() -> client.add(list, attachment("c2"))),
            catchThrowable(() -> client.check(list, attachment("c1"))),
            catchThrowable(() -> client.delete(list, attachment("c1"))))) {
      assertThat(thrown)
          .isInstanceOfSatisfying(
              CacheException.class,
              e -> {
                assertThat(e.getMessage())
                    .contains(cacheDir.toString())
                    .contains("Read-only file system");
              });
    }
    assertThat(recorder.calls()).as("no plugin ran").isEmpty();
    assertThat(client.cachedAttachment(NETWORK, "c1", "eth0")).isPresent();
    assertThat(client.cachedAttachments(Optional.empty())).hasSize(1);
  }

  @Test
  void aReadOnlyResultsDirectoryRollsTheAddBackAndKeepsTheEntryOfAFailedDel() throws Exception {
    mountTmpfs(cacheDir, "size=1m,mode=0700");
    // the lock file stays writable on a tmpfs of its own; results/ and results-tmp/ turn read-only
    Path locks = Files.createDirectory(cacheDir.resolve("locks"));
    mountTmpfs(locks, "size=64k,mode=0700");
    CniClient client = client();
    client.add(list, attachment("c1"));
    recorder.calls();
    run("mount", "-o", "remount,ro", cacheDir.toString());

    Throwable add = catchThrowable(() -> client.add(list, attachment("c2")));
    assertThat(add)
        .isInstanceOfSatisfying(
            CacheException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
              assertThat(e.getMessage())
                  .contains(cacheDir.resolve("results/net-c2-eth0").toString())
                  .contains("Read-only file system");
            });
    assertThat(recorder.calls()).containsExactly("ADD#a", "ADD#c", "DEL#c", "DEL#a");

    Throwable del = catchThrowable(() -> client.delete(list, attachment("c1")));
    assertThat(del)
        .isInstanceOfSatisfying(
            CacheException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("net-c1-eth0")
                    .contains("Read-only file system"));
    assertThat(recorder.calls())
        .as("the plugins ran; the entry could not be removed")
        .containsExactly("DEL#c", "DEL#a");
    assertThat(names(cacheDir.resolve("results"))).containsExactly("net-c1-eth0");
  }

  @Test
  void aResultsDirectoryThatIsAFileSystemOfItsOwnStillTakesEntriesAndCorruptFiles()
      throws Exception {
    // libcni writes in place, so a tmpfs or bind mount on results/ works for it: it must for jcni
    Path results = Files.createDirectories(cacheDir.resolve("results"));
    mountTmpfs(results, "size=1m,mode=0700");
    CniClient client = client();

    client.add(list, attachment("c1"));
    client.add(list, attachment("c2"));
    assertThat(names(results)).containsExactly("net-c1-eth0", "net-c2-eth0");
    assertThat(client.cachedAttachment(NETWORK, "c1", "eth0")).isPresent();

    Files.write(results.resolve("net-c3-eth0"), new byte[] {'{'});
    assertThat(client.cachedAttachment(NETWORK, "c3", "eth0")).as("corrupt").isEmpty();
    assertThat(names(results))
        .as("the corrupt file is renamed aside inside results/, under a name no entry has")
        .hasSize(3)
        .contains("net-c1-eth0", "net-c2-eth0")
        .anySatisfy(n -> assertThat(n).startsWith(".jcnicorrupt.net-c3-eth0."));

    client.delete(list, attachment("c1"));
    client.add(list, attachment("c3"));
    assertThat(client.cachedAttachments(Optional.empty()))
        .extracting(a -> a.key().containerId())
        .containsExactly("c2", "c3");
    assertThat(names(results)).noneMatch(n -> n.startsWith(".jcnitmp."));
    assertThat(recorder.calls())
        .containsExactly("ADD#a", "ADD#c", "ADD#a", "ADD#c", "DEL#c", "DEL#a", "ADD#a", "ADD#c");
  }
}
