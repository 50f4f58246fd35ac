package dev.jcni.runtime;

import static dev.jcni.runtime.ContainerNetworkingTest.PLUGINS;
import static dev.jcni.runtime.NetworkConfigsWatchTest.awaitTrue;
import static dev.jcni.runtime.NetworkConfigsWatchTest.rewriteByRename;
import static dev.jcni.runtime.NetworkConfigsWatchTest.rewriteInPlace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.CniClient;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many containers at once, and a configuration directory that changes under running operations. The
 * plugin ({@code testdata/plugins/timed-recorder}) records when each call started and ended;
 * whether calls overlapped is read from those records, never from how long the test took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerNetworkingConcurrencyTest {
  @TempDir Path tmp;
  Path netD;
  Path log;
  CniClient client;
  ContainerNetworking networking;
  ExecutorService pool;

  @BeforeEach
  void setUp() throws Exception {
    netD = Files.createDirectories(tmp.resolve("net.d"));
    log = tmp.resolve("calls.jsonl");
    client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .build();
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    if (networking != null) {
      networking.close();
    }
  }

  String timed(String name, String extra) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + name
        + "\",\"plugins\":[{\"type\":\"timed-recorder\",\"recordTo\":\""
        + log
        + "\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}]}\n";
  }

  /** One plugin call as the plugin recorded it. */
  record Call(
      String command,
      String containerId,
      String network,
      String ifName,
      String tag,
      long start,
      long end) {
    boolean overlaps(Call o) {
      return start < o.end && o.start < end;
    }

    String brief() {
      return command + " " + network + " " + ifName;
    }
  }

  List<Call> calls() throws IOException {
    List<Call> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode c = Json.parse(line.getBytes(StandardCharsets.UTF_8));
      out.add(
          new Call(
              c.get("command").asText(),
              c.get("containerId").asText(),
              c.get("network").asText(),
              c.get("ifname").asText(),
              c.get("tag").asText(),
              c.get("start").asLong(),
              c.get("end").asLong()));
    }
    out.sort(Comparator.comparingLong(Call::start));
    return out;
  }

  /** The most calls that ran at one moment. */
  static int mostAtOnce(List<Call> calls) {
    int most = 0;
    for (Call c : calls) {
      int running = 0;
      for (Call o : calls) {
        if (o.start <= c.start && c.start < o.end) {
          running++;
        }
      }
      most = Math.max(most, running);
    }
    return most;
  }

  static void assertNoneOverlap(List<Call> calls) {
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + 1; j < calls.size(); j++) {
        assertThat(calls.get(i).overlaps(calls.get(j)))
            .as("%s overlaps %s", calls.get(i), calls.get(j))
            .isFalse();
      }
    }
  }

  @Test
  void differentContainersAttachAndDetachInParallelWhileEachContainersCallsStaySerial()
      throws Exception {
    // every call takes a while, so that calls that may overlap do
    Files.writeString(netD.resolve("10-alpha.conflist"), timed("alpha", "\"sleep\":\"0.3\""));
    Files.writeString(netD.resolve("20-beta.conflist"), timed("beta", "\"sleep\":\"0.3\""));
    networking = ContainerNetworking.builder(client, netD).watch(false).build();
    int containers = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AttachedNetworks>> attaches = new ArrayList<>();
    for (int i = 0; i < containers; i++) {
      String id = "c" + i;
      attaches.add(
          pool.submit(
              () -> {
                start.await();
                return networking.attach(
                    AttachRequest.builder(id, "/run/netns/" + id)
                        .defaultNetwork()
                        .network("beta")
                        .build());
              }));
    }
    start.countDown();
    List<AttachedNetworks> attached = new ArrayList<>();
    for (Future<AttachedNetworks> f : attaches) {
      attached.add(f.get());
    }
    List<Future<?>> detaches = new ArrayList<>();
    for (AttachedNetworks a : attached) {
      detaches.add(
          pool.submit(
              () -> {
                networking.detach(a);
                return null;
              }));
    }
    for (Future<?> f : detaches) {
      f.get();
    }

    List<Call> calls = calls();
    assertThat(calls).hasSize(containers * 4);
    Map<String, List<Call>> byContainer =
        calls.stream().collect(Collectors.groupingBy(Call::containerId));
    assertThat(byContainer).hasSize(containers);
    for (List<Call> one : byContainer.values()) {
      assertNoneOverlap(one);
      assertThat(one)
          .extracting(Call::brief)
          .containsExactly("ADD alpha eth0", "ADD beta net1", "DEL beta net1", "DEL alpha eth0");
    }
    assertThat(mostAtOnce(calls)).as("calls of different containers overlapped").isGreaterThan(1);
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
    assertThat(networking.containersInProgress()).isZero();
  }

  @Test
  void twoAttachesOfOneContainerNeverInterleave() throws Exception {
    Files.writeString(netD.resolve("10-alpha.conflist"), timed("alpha", "\"sleep\":\"0.2\""));
    Files.writeString(netD.resolve("20-beta.conflist"), timed("beta", "\"sleep\":\"0.2\""));
    Files.writeString(netD.resolve("30-gamma.conflist"), timed("gamma", "\"sleep\":\"0.2\""));
    networking = ContainerNetworking.builder(client, netD).watch(false).build();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AttachedNetworks>> attaches = new ArrayList<>();
    for (AttachRequest r :
        List.of(
            AttachRequest.builder("c1", "/x")
                .network(NetworkSelection.builder("alpha").ifName("a0").build())
                .network(NetworkSelection.builder("beta").ifName("b0").build())
                .build(),
            AttachRequest.builder("c1", "/x")
                .network(NetworkSelection.builder("gamma").ifName("g0").build())
                .network(NetworkSelection.builder("alpha").ifName("a1").build())
                .build())) {
      attaches.add(
          pool.submit(
              () -> {
                start.await();
                return networking.attach(r);
              }));
    }
    start.countDown();
    for (Future<AttachedNetworks> f : attaches) {
      f.get();
    }

    List<Call> calls = calls();
    assertNoneOverlap(calls);
    List<String> order = calls.stream().map(Call::ifName).collect(Collectors.toList());
    // whichever came first, its two networks ran back to back
    assertThat(String.join(" ", order)).isIn("a0 b0 g0 a1", "g0 a1 a0 b0");
  }

  @Test
  void
      configurationRewrittenWhileContainersAttachNeverYieldsAHalfWrittenNetworkAndTeardownUsesTheAddsVersion()
          throws Exception {
    Path beta = netD.resolve("20-beta.conflist");
    Files.writeString(netD.resolve("10-alpha.conflist"), timed("alpha", "\"tag\":\"a\""));
    Files.writeString(beta, timed("beta", "\"tag\":\"v0\""));
    networking =
        ContainerNetworking.builder(
                client,
                NetworkConfigs.builder(netD)
                    .debounce(Duration.ZERO)
                    .maxDelay(Duration.ofMillis(20))
                    .rescanInterval(Duration.ofMillis(200)))
            .build();
    AtomicBoolean done = new AtomicBoolean();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String worker = "w" + w;
      workers.add(
          pool.submit(
              () -> {
                for (int i = 0; !done.get(); i++) {
                  try {
                    AttachedNetworks a =
                        networking.attach(
                            AttachRequest.builder(worker + "-" + i, "/x")
                                .defaultNetwork()
                                .network("beta")
                                .build());
                    networking.detach(a);
                  } catch (Exception e) {
                    failures.add(e);
                    return;
                  }
                }
              }));
    }
    int versions = 150;
    for (int v = 1; v <= versions; v++) {
      // in place (readers may catch half a file) and by rename, in turn
      if (v % 2 == 0) {
        rewriteInPlace(beta, timed("beta", "\"tag\":\"v" + v + "\""));
      } else {
        rewriteByRename(beta, timed("beta", "\"tag\":\"v" + v + "\""));
      }
      Thread.sleep(5);
    }
    awaitTrue(
        () ->
            networking
                .configs()
                .snapshot()
                .network("beta")
                .filter(n -> !n.isStale())
                .map(
                    n ->
                        n.config()
                            .plugins()
                            .get(0)
                            .json()
                            .get("tag")
                            .asText()
                            .equals("v" + versions))
                .orElse(false),
        "the last version of beta");
    done.set(true);
    for (Future<?> f : workers) {
      f.get();
    }
    assertThat(failures).isEmpty();
    networking.attach(AttachRequest.builder("last", "/x").defaultNetwork().network("beta").build());

    List<Call> calls = calls();
    Map<String, String> addedWith = new HashMap<>();
    int adds = 0;
    for (Call c : calls) {
      if (!c.network().equals("beta")) {
        continue;
      }
      assertThat(c.tag()).as("a whole configuration: %s", c).matches("v[0-9]+");
      if (c.command().equals("ADD")) {
        adds++;
        addedWith.put(c.containerId(), c.tag());
      } else {
        assertThat(c.command()).isEqualTo("DEL");
        assertThat(c.tag())
            .as("DEL of %s", c.containerId())
            .isEqualTo(addedWith.get(c.containerId()));
      }
    }
    assertThat(adds).isGreaterThan(1);
    assertThat(addedWith.get("last")).isEqualTo("v" + versions);
  }
}
