package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.PluginLaunchException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.Verb;
import dev.jcni.result.Result;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A plugin binary that changes under jcni: held open for writing (being copied in: "text file
 * busy"), replaced while it runs, removed between lookup and exec. Each gives a clear, typed
 * outcome on every launcher, and nothing is cached for an ADD that did not run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginReplacementTest {
  private static final int ETXTBSY = 26;
  private static final int ENOENT = 2;
  private static final Attachment ATTACHMENT =
      Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

  @TempDir Path tmp;

  private Path bin() throws Exception {
    return Files.createDirectories(tmp.resolve("bin"));
  }

  private CniClient client(PluginLauncher launcher, ExecOptions options) throws Exception {
    return CniClient.builder()
        .pluginDirectories(List.of(bin()))
        .cacheDirectory(tmp.resolve("cache"))
        .launcher(launcher)
        .execOptions(options)
        .build();
  }

  private NetworkConfigList list(String type) throws Exception {
    return NetworkConfigList.parse(
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\""
                + type
                + "\",\"journal\":\""
                + tmp.resolve("journal")
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private boolean nothingCached() throws Exception {
    Path results = tmp.resolve("cache").resolve(ResultCache.RESULTS_DIR);
    try (var files =
        Files.exists(results) ? Files.list(results) : java.util.stream.Stream.<Path>empty()) {
      return files.findAny().isEmpty();
    }
  }

  /** A plugin answering ADD with the address {@code 198.18.0.N/24}, after sleeping a while. */
  private static String addressPlugin(int n, String sleep) {
    return "cat > /dev/null\n"
        + "sleep "
        + sleep
        + "\n"
        + "printf '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"198.18.0."
        + n
        + "/24\"}]}'\n";
  }

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void aPluginHeldOpenForWritingFailsWithTextFileBusyOnceTheRetriesAreUsedUp(
      PluginLauncher launcher) throws Exception {
    Path plugin =
        Testdata.copyExecutable(Testdata.compiled("journal-plugin"), bin().resolve("busy"));
    CniClient client =
        client(launcher, ExecOptions.builder().textFileBusyRetry(2, Duration.ofMillis(20)).build());
    try (FileChannel writer = FileChannel.open(plugin, StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> client.add(list("busy"), ATTACHMENT))
          .isInstanceOfSatisfying(
              PluginLaunchException.class,
              e -> {
                assertThat(e.errno()).hasValue(ETXTBSY);
                assertThat(e.pluginType()).isEqualTo("busy");
                assertThat(e.verb()).isEqualTo(Verb.ADD);
                assertThat(e.getMessage())
                    .contains("network \"net\"")
                    .contains(plugin.toString())
                    .contains("still after 3 attempts");
              });
    }
    assertThat(nothingCached()).isTrue();
    assertThat(tmp.resolve("journal")).as("the plugin never ran").doesNotExist();
    // once the writer is gone, the same client runs it
    client.add(list("busy"), ATTACHMENT);
    assertThat(Files.readAllLines(tmp.resolve("journal"))).containsExactly("ADD c1 eth0");
  }

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void aPluginBeingCopiedInIsRetriedAndTheNewBinaryRuns(PluginLauncher launcher) throws Exception {
    Path plugin = Testdata.script(bin().resolve("updating"), addressPlugin(1, "0"));
    CniClient client = client(launcher, ExecOptions.defaults()); // 5 retries from 50 ms
    byte[] newer = Files.readAllBytes(Testdata.compiled("journal-plugin"));
    CompletableFuture<Void> copy;
    // an installer rewriting the file in place (as cp does): open, truncate, write, close later
    FileChannel writer =
        FileChannel.open(plugin, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    try {
      writer.write(java.nio.ByteBuffer.wrap(newer));
      copy =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(150);
                  writer.close();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Result result = client.add(list("updating"), ATTACHMENT);
      assertThat(result.ips().get(0).address().toString()).isEqualTo("198.18.0.2/24");
    } finally {
      writer.close();
    }
    copy.get(10, TimeUnit.SECONDS);
    assertThat(Files.readAllLines(tmp.resolve("journal")))
        .as("the new binary ran, once")
        .containsExactly("ADD c1 eth0");
  }

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void aPluginReplacedByRenameWhileItRunsFinishesAsTheOldOneAndTheNextCallRunsTheNew(
      PluginLauncher launcher) throws Exception {
    Path plugin = Testdata.script(bin().resolve("swapped"), addressPlugin(1, "0.3"));
    CniClient client = client(launcher, ExecOptions.defaults());
    Path next = Testdata.script(tmp.resolve("staging/swapped"), addressPlugin(7, "0"));
    NetworkConfigList list = list("swapped");
    CompletableFuture<Result> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.add(list, ATTACHMENT);
              } catch (CniException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100); // the old plugin is running (it sleeps 300 ms)
    Files.move(next, plugin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Result old = running.get(20, TimeUnit.SECONDS);
    assertThat(old.ips().get(0).address().toString()).isEqualTo("198.18.0.1/24");
    Result renewed = client.add(list, Attachment.builder("c2", "eth0").build());
    assertThat(renewed.ips().get(0).address().toString()).isEqualTo("198.18.0.7/24");
  }

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void aPluginRemovedBetweenLookupAndExecFailsWithNoSuchFile(PluginLauncher launcher)
      throws Exception {
    Path bin = bin();
    Path plugin = Testdata.copyExecutable(Testdata.compiled("journal-plugin"), bin.resolve("gone"));
    LocatedPlugin located = PluginPath.of(List.of(bin)).find("gone");
    Files.delete(plugin);
    PluginExecutor executor = new PluginExecutor(launcher, ExecOptions.defaults());
    PluginInvocation invocation =
        PluginInvocation.of(
            Verb.ADD, "c1", "", "eth0", "", bin.toString(), "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> executor.execute(located, invocation))
        .isInstanceOfSatisfying(
            PluginLaunchException.class,
            e -> {
              assertThat(e.errno()).hasValue(ENOENT);
              assertThat(e.pluginType()).isEqualTo("gone");
              assertThat(e.verb()).isEqualTo(Verb.ADD);
              assertThat(e.getMessage()).contains(plugin.toString()).contains("cannot start");
            });
  }

  /** Busy-waits {@code micros} microseconds (sleeping would last a millisecond at least). */
  private static void spin(long micros) {
    long end = System.nanoTime() + micros * 1000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /**
   * The same race through the client: while ADDs run, another thread removes the plugin and puts it
   * back (by rename) again and again. Every ADD either succeeds or says clearly that the plugin was
   * not there (not found at lookup, or gone at exec); nothing else, and a failed ADD caches
   * nothing.
   */
  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void addsRacingAPluginThatComesAndGoesSucceedOrSayItWasNotThere(PluginLauncher launcher)
      throws Exception {
    Path exe = Testdata.compiled("journal-plugin");
    Path plugin = Testdata.copyExecutable(exe, bin().resolve("flaky"));
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    CniClient client = client(launcher, ExecOptions.defaults());
    NetworkConfigList list = list("flaky");
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> toggler =
        CompletableFuture.supplyAsync(
            () -> {
              int rounds = 0;
              try {
                java.util.Random random = new java.util.Random();
                while (!stop.get()) {
                  // there while the next copy is made and a little longer, then gone an instant
                  Path copy = Testdata.copyExecutable(exe, staging.resolve("flaky"));
                  Thread.sleep(1);
                  spin(random.nextInt(1000));
                  Files.delete(plugin);
                  spin(random.nextInt(200));
                  Files.move(copy, plugin, StandardCopyOption.ATOMIC_MOVE);
                  rounds++;
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return rounds;
            });
    Map<String, Integer> outcomes = new TreeMap<>();
    try {
      for (int i = 0; i < 300; i++) {
        Attachment a = Attachment.builder("c" + i, "eth0").build();
        String outcome;
        try {
          client.add(list, a);
          outcome = "succeeded";
          assertThat(client.cachedAttachment("net", "c" + i, "eth0")).isPresent();
        } catch (PluginNotFoundException e) {
          assertThat(e.pluginType()).isEqualTo("flaky");
          outcome = "not found at lookup";
        } catch (PluginLaunchException e) {
          assertThat(e.errno()).as(e.getMessage()).hasValue(ENOENT);
          outcome = "gone at exec";
        }
        if (!outcome.equals("succeeded")) {
          assertThat(client.cachedAttachment("net", "c" + i, "eth0")).isEmpty();
        }
        outcomes.merge(outcome, 1, Integer::sum);
      }
    } finally {
      stop.set(true);
    }
    int rounds = toggler.get(20, TimeUnit.SECONDS);
    System.out.printf(
        "[figures] %s: 300 ADDs racing %d removals of the plugin: %s%n",
        Launchers.name(launcher), rounds, outcomes);
    assertThat(outcomes).containsKey("succeeded");
  }
}
