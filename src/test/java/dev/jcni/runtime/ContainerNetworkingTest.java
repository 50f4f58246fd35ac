package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.CniClient;
import dev.jcni.ConfigException;
import dev.jcni.GcReport;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.TestData;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.capability.CapabilityArgs;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.LaunchRequest;
import dev.jcni.invoke.LaunchResult;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach, detach, GC and readiness over a configuration directory, against real executables
 * (testdata/plugins: {@code recorder} logs every call with its stdin, {@code timed-recorder} with
 * the times it ran). The configuration is read explicitly here ({@code watch(false)}); the watched
 * directory under load is {@link ContainerNetworkingConcurrencyTest}'s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContainerNetworkingTest {
  static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;
  Path netD;
  Path log;
  CniClient client;
  ContainerNetworking networking;

  @BeforeEach
  void setUp() throws Exception {
    netD = Files.createDirectories(tmp.resolve("net.d"));
    log = tmp.resolve("calls.jsonl");
    client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .build();
  }

  @AfterEach
  void close() {
    if (networking != null) {
      networking.close();
    }
  }

  ContainerNetworking open() {
    networking = ContainerNetworking.builder(client, netD).watch(false).build();
    return networking;
  }

  /** A list of recorder plugins; each plugin object gets the log and the extra JSON given. */
  String recorders(String name, String version, String... pluginExtras) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"cniVersion\":\"").append(version).append("\",\"name\":\"").append(name);
    sb.append("\",\"plugins\":[");
    for (int i = 0; i < pluginExtras.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"type\":\"recorder\",\"recordTo\":\"").append(log).append('"');
      if (!pluginExtras[i].isEmpty()) {
        sb.append(',').append(pluginExtras[i]);
      }
      sb.append('}');
    }
    return sb.append("]}\n").toString();
  }

  Path write(String file, String content) throws IOException {
    return Files.writeString(netD.resolve(file), content);
  }

  List<JsonNode> calls() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      out.add(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Each call as {@code VERB network ifName tag}. */
  List<String> described() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode c : calls()) {
      JsonNode stdin = c.get("stdin");
      out.add(
          c.get("command").asText()
              + " "
              + stdin.get("name").asText()
              + " "
              + c.get("ifname").asText()
              + (stdin.has("tag") ? " " + stdin.get("tag").asText() : ""));
    }
    return out;
  }

  static JsonNode json(String s) throws IOException {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- attach

  @Test
  void attachesTheDefaultNetworkAndTheOthersInRequestOrderEachWithItsOwnInterface()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a1\"", "\"tag\":\"a2\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\""));
    write("30-gamma.conflist", recorders("gamma", "1.0.0", "\"tag\":\"g\""));
    open();

    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/run/netns/c1")
                .defaultNetwork()
                .network("gamma")
                .network(NetworkSelection.builder("beta").ifName("data0").build())
                .build());

    assertThat(attached.containerId()).isEqualTo("c1");
    assertThat(attached.networks())
        .extracting(n -> n.network() + "/" + n.ifName())
        .containsExactly("alpha/eth0", "gamma/net1", "beta/data0");
    assertThat(described())
        .containsExactly(
            "ADD alpha eth0 a1", "ADD alpha eth0 a2", "ADD gamma net1 g", "ADD beta data0 b");
    // the recorder numbers its answers by the calls logged so far: the last plugin of each list
    assertThat(attached.networks())
        .extracting(n -> n.ips().get(0).address().toString())
        .containsExactly("198.18.0.2/24", "198.18.0.3/24", "198.18.0.4/24");
    assertThat(
            attached.byInterface("net1").orElseThrow().containerInterface().orElseThrow().sandbox())
        .isEqualTo("/run/netns/c1");
    for (JsonNode c : calls()) {
      assertThat(c.get("containerId").asText()).isEqualTo("c1");
      assertThat(c.get("netns").asText()).isEqualTo("/run/netns/c1");
    }
    assertThat(client.cachedAttachments(Optional.of("c1")))
        .extracting(c -> c.key().networkName() + "/" + c.key().ifName())
        .containsExactlyInAnyOrder("alpha/eth0", "gamma/net1", "beta/data0");
  }

  @Test
  void eachNetworkGetsTheSharedArgumentsAndOnlyItsOwnOptions() throws Exception {
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.0.0", "\"capabilities\":{\"portMappings\":true}"));
    write(
        "20-beta.conflist", recorders("beta", "1.0.0", "\"capabilities\":{\"portMappings\":true}"));
    open();
    ObjectNode ports = CapabilityArgs.builder().portMapping(8080, 80, "tcp").build();

    networking.attach(
        AttachRequest.builder("c1", "/run/netns/c1")
            .cniArg("K8S_POD_NAME", "web")
            .traceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "")
            .network(
                NetworkSelection.builder().capabilityArgs(ports).cniArg("IP", "198.18.0.9").build())
            .network(
                NetworkSelection.builder("beta")
                    .args(
                        (ObjectNode)
                            json("{\"cni\":{\"labels\":[{\"key\":\"k\",\"value\":\"v\"}]}}"))
                    .build())
            .build());

    List<JsonNode> calls = calls();
    assertThat(calls.get(0).get("args").asText()).isEqualTo("K8S_POD_NAME=web;IP=198.18.0.9");
    assertThat(calls.get(0).get("stdin").get("runtimeConfig"))
        .isEqualTo(
            json(
                "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]}"));
    assertThat(calls.get(0).get("stdin").has("args")).isFalse();
    assertThat(calls.get(1).get("args").asText()).isEqualTo("K8S_POD_NAME=web");
    assertThat(calls.get(1).get("stdin").has("runtimeConfig")).isFalse();
    assertThat(
            calls
                .get(1)
                .get("stdin")
                .get("args")
                .get("cni")
                .get("labels")
                .get(0)
                .get("key")
                .asText())
        .isEqualTo("k");
    assertThat(calls)
        .allSatisfy(c -> assertThat(c.get("traceparent").asText()).startsWith("00-0af76519"));
  }

  @Test
  void aRequestWithoutNetworksAttachesTheDefaultNetworkAsEth0() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\""));
    open();
    AttachedNetworks attached = networking.attach(AttachRequest.builder("c1", "/x").build());
    assertThat(attached.networks()).extracting(AttachedNetwork::network).containsExactly("alpha");
    assertThat(described()).containsExactly("ADD alpha eth0 a");
  }

  @Test
  void aNetworkThatIsMissingOrUnusableFailsTheAttachBeforeAnyPluginRuns() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    write(
        "20-broken.conflist",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"broken\",\"plugins\":[{\"type\":\"no-such-plugin\"}]}");
    open();

    assertThatThrownBy(
            () ->
                networking.attach(
                    AttachRequest.builder("c1", "/x").defaultNetwork().network("nope").build()))
        .isInstanceOfSatisfying(
            NetworkUnavailableException.class, e -> assertThat(e.network()).contains("nope"))
        .hasMessageContaining("network \"nope\"")
        .hasMessageContaining(netD.toString());
    assertThatThrownBy(
            () ->
                networking.attach(
                    AttachRequest.builder("c1", "/x").defaultNetwork().network("broken").build()))
        .isInstanceOf(NetworkUnavailableException.class)
        .hasMessageContaining("20-broken.conflist")
        .hasMessageContaining("no-such-plugin")
        .hasMessageContaining(PLUGINS.toString());
    assertThat(calls()).isEmpty();
  }

  @Test
  void withoutADefaultNetworkTheAttachSaysWhyAsReadinessDoes() throws Exception {
    open();
    assertThatThrownBy(() -> networking.attach(AttachRequest.builder("c1", "/x").build()))
        .isInstanceOfSatisfying(
            NetworkUnavailableException.class, e -> assertThat(e.network()).isEmpty())
        .hasMessageContaining("default network")
        .hasMessageContaining("no CNI network configuration in " + netD);
  }

  @Test
  void aFailurePartWayTearsDownWhatWasSetUpInReverseAndThrowsTheOriginalError() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a1\"", "\"tag\":\"a2\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\""));
    write("30-gamma.conflist", recorders("gamma", "1.0.0", "\"tag\":\"g\",\"failOn\":\"ADD\""));
    open();

    assertThatThrownBy(
            () ->
                networking.attach(
                    AttachRequest.builder("c1", "/x")
                        .defaultNetwork()
                        .network("beta")
                        .network("gamma")
                        .build()))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"gamma\" (container c1, net2)")
        .hasMessageContaining("asked to fail")
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());

    assertThat(described())
        .containsExactly(
            "ADD alpha eth0 a1",
            "ADD alpha eth0 a2",
            "ADD beta net1 b",
            "ADD gamma net2 g",
            // the spec's DEL of the list whose ADD failed, then the others in reverse
            "DEL gamma net2 g",
            "DEL beta net1 b",
            "DEL alpha eth0 a2",
            "DEL alpha eth0 a1");
    List<JsonNode> calls = calls();
    // the added networks are deleted from the cache: with the result of their ADD
    assertThat(
            calls.get(5).get("stdin").get("prevResult").get("ips").get(0).get("address").asText())
        .isEqualTo("198.18.0.3/24");
    assertThat(calls.get(4).get("stdin").has("prevResult")).isFalse();
    assertThat(client.cachedAttachments(Optional.of("c1"))).isEmpty();
  }

  @Test
  void teardownFailuresAreSuppressedOnTheOriginalErrorAndEveryNetworkIsStillTried()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\",\"failOn\":\"DEL\""));
    write("30-gamma.conflist", recorders("gamma", "1.0.0", "\"tag\":\"g\",\"failOn\":\"ADD\""));
    open();

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                networking.attach(
                    AttachRequest.builder("c1", "/x")
                        .defaultNetwork()
                        .network("beta")
                        .network("gamma")
                        .build()));

    assertThat(thrown).isInstanceOf(PluginErrorException.class).hasMessageContaining("(add)");
    assertThat(thrown.getMessage()).contains("network \"gamma\"");
    assertThat(thrown.getSuppressed()).hasSize(1);
    assertThat(thrown.getSuppressed()[0])
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"beta\" (container c1, net1)")
        .hasMessageContaining("(del)");
    assertThat(described())
        .containsExactly(
            "ADD alpha eth0 a",
            "ADD beta net1 b",
            "ADD gamma net2 g",
            "DEL gamma net2 g",
            "DEL beta net1 b",
            "DEL alpha eth0 a");
    // the failed DEL keeps its cache entry for a later detach or GC; the others are gone
    assertThat(client.cachedAttachments(Optional.of("c1")))
        .extracting(c -> c.key().networkName())
        .containsExactly("beta");
  }

  @Test
  void teardownAfterATimedOutAddRunsEachDelOnAFreshDeadline() throws Exception {
    client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .execOptions(ExecOptions.builder().deadline(Duration.ofSeconds(1)).build())
            .build();
    write("10-alpha.conflist", timed("alpha", "\"tag\":\"a\""));
    write("20-beta.conflist", timed("beta", "\"tag\":\"b\",\"sleep\":\"20\",\"sleepOn\":\"ADD\""));
    open();

    assertThatThrownBy(
            () ->
                networking.attach(
                    AttachRequest.builder("c1", "/x").defaultNetwork().network("beta").build()))
        .isInstanceOf(PluginTimeoutException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());

    // the timed-out ADD was killed before it could log; both DELs ran to completion
    assertThat(calls())
        .extracting(c -> c.get("command").asText() + " " + c.get("network").asText())
        .containsExactly("ADD alpha", "DEL beta", "DEL alpha");
    assertThat(client.cachedAttachments(Optional.of("c1"))).isEmpty();
  }

  String timed(String name, String extra) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + name
        + "\",\"plugins\":[{\"type\":\"timed-recorder\",\"recordTo\":\""
        + log
        + "\","
        + extra
        + "}]}\n";
  }

  @Test
  void anInterruptDuringTheAddsStillTearsDownAndEndsInInterruptedException() throws Exception {
    write("10-alpha.conflist", timed("alpha", "\"tag\":\"a\""));
    write("20-beta.conflist", timed("beta", "\"tag\":\"b\",\"sleep\":\"20\",\"sleepOn\":\"ADD\""));
    open();
    Thread caller = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                // interrupt once beta's ADD is running: alpha's ADD is logged by then
                while (!Files.exists(log) || Files.readAllLines(log).isEmpty()) {
                  Thread.sleep(10);
                }
                Thread.sleep(200);
                caller.interrupt();
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    interrupter.start();
    try {
      assertThatThrownBy(
              () ->
                  networking.attach(
                      AttachRequest.builder("c1", "/x").defaultNetwork().network("beta").build()))
          .isInstanceOf(InterruptedException.class);
    } finally {
      interrupter.join();
      Thread.interrupted();
    }
    assertThat(calls())
        .extracting(c -> c.get("command").asText() + " " + c.get("network").asText())
        .containsExactly("ADD alpha", "DEL beta", "DEL alpha");
    assertThat(client.cachedAttachments(Optional.of("c1"))).isEmpty();
  }

  // ---------------------------------------------------------------- detach

  @Test
  void detachRunsInReverseWithTheConfigurationOfTheAddEvenAfterTheFilesChanged() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v1\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b-v1\""));
    open();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x").defaultNetwork().network("beta").build());
    // beta now fails every DEL, and alpha's file is gone altogether
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b-v2\",\"failOn\":\"DEL\""));
    Files.delete(netD.resolve("10-alpha.conflist"));
    networking.configs().reload();
    Files.delete(log);

    networking.detach(attached);

    assertThat(described()).containsExactly("DEL beta net1 b-v1", "DEL alpha eth0 a-v1");
    assertThat(client.cachedAttachments(Optional.of("c1"))).isEmpty();
  }

  @Test
  void detachWithoutACacheEntryFallsBackToTheCurrentConfiguration() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v1\""));
    open();
    AttachedNetworks attached = networking.attach(AttachRequest.builder("c1", "/x").build());
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v2\""));
    networking.configs().reload();
    Files.delete(tmp.resolve("cache").resolve("results").resolve("alpha-c1-eth0"));
    Files.delete(log);

    networking.detach(attached);

    assertThat(described()).containsExactly("DEL alpha eth0 a-v2");
    assertThat(calls().get(0).get("netns").asText()).isEqualTo("/x");
  }

  @Test
  void detachWithACachedConfigurationThatCannotBeUsedFallsBackWithTheCachedArguments()
      throws Exception {
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.0.0", "\"tag\":\"a\",\"capabilities\":{\"portMappings\":true}"));
    open();
    ObjectNode ports = CapabilityArgs.builder().portMapping(8080, 80, "tcp").build();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x")
                .cniArg("K8S_POD_NAME", "web")
                .network(NetworkSelection.builder().capabilityArgs(ports).build())
                .build());
    // the entry stays, but its configuration is no network configuration at all
    ResultCache cache = ResultCache.open(tmp.resolve("cache"));
    CachedAttachment entry = cache.get(AttachmentKey.of("alpha", "c1", "eth0")).orElseThrow();
    cache.put(
        new CachedAttachment(
            entry.key(),
            entry.netns(),
            "{\"name\":\"alpha\"}".getBytes(StandardCharsets.UTF_8),
            entry.cniArgs(),
            entry.capabilityArgs(),
            entry.result()));
    Files.delete(log);

    networking.detach(attached);

    assertThat(described()).containsExactly("DEL alpha eth0 a");
    JsonNode del = calls().get(0);
    assertThat(del.get("args").asText()).isEqualTo("K8S_POD_NAME=web");
    assertThat(del.get("stdin").get("runtimeConfig").get("portMappings").get(0).get("hostPort").asInt())
        .isEqualTo(8080);
    assertThat(del.get("stdin").has("prevResult")).as("the cached result").isTrue();
    assertThat(client.cachedAttachment("alpha", "c1", "eth0")).isEmpty();
  }

  @Test
  void theFallbackDelGetsTheArgumentsOfTheAddButNotItsTraceContext() throws Exception {
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.0.0", "\"tag\":\"a-v1\",\"capabilities\":{\"portMappings\":true}"));
    open();
    ObjectNode ports = CapabilityArgs.builder().portMapping(8080, 80, "tcp").build();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/run/netns/c1")
                .cniArg("K8S_POD_NAME", "web")
                .traceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "")
                .network(
                    NetworkSelection.builder()
                        .capabilityArgs(ports)
                        .cniArg("IP", "198.18.0.9")
                        .args((ObjectNode) json("{\"cni\":{\"ips\":[\"198.18.0.9\"]}}"))
                        .build())
                .build());
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.0.0", "\"tag\":\"a-v2\",\"capabilities\":{\"portMappings\":true}"));
    networking.configs().reload();
    Files.delete(tmp.resolve("cache").resolve("results").resolve("alpha-c1-eth0"));
    Files.delete(log);

    networking.detach(attached);

    // the current configuration, with everything the ADD was given, as ocicni passes the pod's
    assertThat(described()).containsExactly("DEL alpha eth0 a-v2");
    JsonNode del = calls().get(0);
    assertThat(del.get("netns").asText()).isEqualTo("/run/netns/c1");
    assertThat(del.get("args").asText()).isEqualTo("K8S_POD_NAME=web;IP=198.18.0.9");
    assertThat(del.get("stdin").get("runtimeConfig"))
        .isEqualTo(
            json(
                "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]}"));
    assertThat(del.get("stdin").get("args"))
        .isEqualTo(json("{\"cni\":{\"ips\":[\"198.18.0.9\"]}}"));
    assertThat(del.get("traceparent").asText()).isEmpty();
  }

  /** Replaces the configuration of a cache entry, keeping everything else it holds. */
  void replaceCachedConfig(String network, String containerId, String ifName, String config)
      throws Exception {
    CachedAttachment entry = client.cachedAttachment(network, containerId, ifName).orElseThrow();
    client
        .cache()
        .put(
            new CachedAttachment(
                entry.key(),
                entry.netns(),
                config.getBytes(StandardCharsets.UTF_8),
                entry.cniArgs(),
                entry.capabilityArgs(),
                entry.result()));
  }

  /** A configuration that is neither a list nor a plugin configuration. */
  static final String UNUSABLE = "{\"cniVersion\":\"1.0.0\",\"name\":\"alpha\"}";

  @Test
  void detachReadsACachedSinglePluginConfigurationAsGosLibcniWritesIt() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v1\""));
    open();
    AttachedNetworks attached = networking.attach(AttachRequest.builder("c1", "/x").build());
    // what libcni's AddNetwork caches for a .conf: the plugin configuration itself
    replaceCachedConfig(
        "alpha",
        "c1",
        "eth0",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"alpha\",\"type\":\"recorder\",\"recordTo\":\""
            + log
            + "\",\"tag\":\"single\"}");
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v2\""));
    networking.configs().reload();
    Files.delete(log);

    networking.detach(attached);

    assertThat(described()).containsExactly("DEL alpha eth0 single");
    assertThat(client.cachedAttachments(Optional.of("c1"))).isEmpty();
  }

  @Test
  void aCachedConfigurationThatCannotBeUsedFallsBackToTheCurrentOneWithTheCachedParameters()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v1\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b-v1\""));
    open();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x")
                .cniArg("K8S_POD_NAME", "web")
                .defaultNetwork()
                .network("beta")
                .build());
    networking.attach(AttachRequest.builder("c2", "/y").cniArg("K8S_POD_NAME", "db").build());
    replaceCachedConfig("alpha", "c1", "eth0", UNUSABLE);
    replaceCachedConfig("alpha", "c2", "eth0", UNUSABLE);
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a-v2\""));
    networking.configs().reload();
    Files.delete(log);

    networking.detach(attached);
    assertThat(networking.detach("c2")).containsExactly(AttachmentKey.of("alpha", "c2", "eth0"));

    // beta from its cache entry; alpha from the file, with the CNI_ARGS and the ADD's result
    assertThat(described())
        .containsExactly("DEL beta net1 b-v1", "DEL alpha eth0 a-v2", "DEL alpha eth0 a-v2");
    List<JsonNode> calls = calls();
    assertThat(calls.get(1).get("args").asText()).isEqualTo("K8S_POD_NAME=web");
    assertThat(calls.get(2).get("args").asText()).isEqualTo("K8S_POD_NAME=db");
    assertThat(calls.get(2).get("containerId").asText()).isEqualTo("c2");
    assertThat(calls.get(2).get("netns").asText()).isEqualTo("/y");
    assertThat(
            calls.get(1).get("stdin").get("prevResult").get("ips").get(0).get("address").asText())
        .isEqualTo("198.18.0.1/24");
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
  }

  @Test
  void anUnusableCachedConfigurationOfANetworkNoLongerConfiguredFailsNamingTheEntry()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\""));
    open();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x").defaultNetwork().network("beta").build());
    replaceCachedConfig("beta", "c1", "net1", UNUSABLE);
    Files.delete(netD.resolve("20-beta.conflist"));
    networking.configs().reload();
    Files.delete(log);

    assertThatThrownBy(() -> networking.detach(attached))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("network \"beta\"")
        .hasMessageContaining(
            tmp.resolve("cache").resolve("results").resolve("beta-c1-net1").toString());

    // the other network was still torn down; the entry is kept for whoever can read it
    assertThat(described()).containsExactly("DEL alpha eth0 a");
    assertThat(client.cachedAttachments(Optional.of("c1")))
        .extracting(c -> c.key().networkName())
        .containsExactly("beta");
  }

  @Test
  void detachTriesEveryNetworkAndThrowsTheFirstFailureWithTheOthersSuppressed() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\",\"failOn\":\"DEL\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\""));
    write("30-gamma.conflist", recorders("gamma", "1.0.0", "\"tag\":\"g\",\"failOn\":\"DEL\""));
    open();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x")
                .defaultNetwork()
                .network("beta")
                .network("gamma")
                .build());
    Files.delete(log);

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> networking.detach(attached));

    assertThat(thrown)
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"gamma\"");
    assertThat(thrown.getSuppressed())
        .singleElement()
        .satisfies(s -> assertThat(s).hasMessageContaining("network \"alpha\""));
    assertThat(described())
        .containsExactly("DEL gamma net2 g", "DEL beta net1 b", "DEL alpha eth0 a");
    assertThat(client.cachedAttachments(Optional.of("c1")))
        .extracting(c -> c.key().networkName())
        .containsExactlyInAnyOrder("alpha", "gamma");
  }

  /**
   * The system's launcher, except for a call whose configuration has {@code "launcherThrows":"VERB
   * KIND"}: on that verb the launcher throws instead of starting the plugin, an {@link
   * IllegalStateException} for {@code unchecked}, an {@link InterruptedException} for {@code
   * interrupt}.
   */
  static final class ThrowingLauncher implements PluginLauncher {
    private final PluginLauncher real = PluginExecutor.defaultLauncher();

    @Override
    public LaunchResult launch(LaunchRequest request) throws IOException, InterruptedException {
      String stdin = new String(request.stdin(), StandardCharsets.UTF_8);
      for (String kind : List.of("unchecked", "interrupt")) {
        for (String verb : List.of("ADD", "DEL")) {
          if (stdin.contains("\"launcherThrows\":\"" + verb + " " + kind + "\"")
              && request.environment().contains("CNI_COMMAND=" + verb)) {
            if (kind.equals("unchecked")) {
              throw new IllegalStateException("launcher asked to fail " + verb);
            }
            throw new InterruptedException("launcher asked to interrupt " + verb);
          }
        }
      }
      return real.launch(request);
    }
  }

  void openWithThrowingLauncher() throws Exception {
    client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .launcher(new ThrowingLauncher())
            .build();
    open();
  }

  @Test
  void anUncheckedFailureOfOneNetworkDoesNotStopTheDetachOfTheOthers() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    write(
        "20-beta.conflist",
        recorders("beta", "1.0.0", "\"tag\":\"b\",\"launcherThrows\":\"DEL unchecked\""));
    write("30-gamma.conflist", recorders("gamma", "1.0.0", "\"tag\":\"g\",\"failOn\":\"DEL\""));
    openWithThrowingLauncher();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x")
                .defaultNetwork()
                .network("beta")
                .network("gamma")
                .build());
    Files.delete(log);

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> networking.detach(attached));

    assertThat(thrown)
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"gamma\"");
    assertThat(thrown.getSuppressed())
        .singleElement()
        .isInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e).hasMessageContaining("launcher asked to fail DEL"));
    // beta's plugin never started; alpha's DEL still ran
    assertThat(described()).containsExactly("DEL gamma net2 g", "DEL alpha eth0 a");
    assertThat(client.cachedAttachments(Optional.of("c1")))
        .extracting(c -> c.key().networkName())
        .containsExactlyInAnyOrder("beta", "gamma");
  }

  @Test
  void anInterruptedDetachKeepsTheFailuresBeforeItAsSuppressed() throws Exception {
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.0.0", "\"tag\":\"a\",\"launcherThrows\":\"DEL interrupt\""));
    write("20-beta.conflist", recorders("beta", "1.0.0", "\"tag\":\"b\",\"failOn\":\"DEL\""));
    openWithThrowingLauncher();
    AttachedNetworks attached =
        networking.attach(
            AttachRequest.builder("c1", "/x").defaultNetwork().network("beta").build());
    networking.attach(AttachRequest.builder("c2", "/y").network("alpha").network("beta").build());
    Files.delete(log);

    assertThatThrownBy(() -> networking.detach(attached))
        .isInstanceOf(InterruptedException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOf(PluginErrorException.class)
                    .satisfies(s -> assertThat(s).hasMessageContaining("network \"beta\"")));
    assertThatThrownBy(() -> networking.detach("c2"))
        .isInstanceOf(InterruptedException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s).hasMessageContaining("network \"beta\"")));
    assertThat(described()).containsExactly("DEL beta net1 b", "DEL beta net1 b");
  }

  @Test
  void detachByContainerIdFindsTheAttachmentsInTheCacheAndGoesInReverseInterfaceOrder()
      throws Exception {
    for (String n : List.of("alpha", "beta", "gamma", "delta")) {
      write("10-" + n + ".conflist", recorders(n, "1.0.0", "\"tag\":\"" + n + "\""));
    }
    open();
    networking.attach(
        AttachRequest.builder("c1", "/x")
            .network("gamma")
            .network("alpha")
            .network("delta")
            .network(NetworkSelection.builder("beta").ifName("data0").build())
            .build());
    networking.attach(AttachRequest.builder("c2", "/y").network("alpha").build());
    // a runtime that restarted has only the container id
    networking.close();
    open();
    Files.delete(log);

    List<AttachmentKey> deleted = networking.detach("c1");

    assertThat(deleted)
        .extracting(k -> k.networkName() + "/" + k.ifName())
        .containsExactly("beta/data0", "delta/net2", "alpha/net1", "gamma/eth0");
    assertThat(described())
        .containsExactly(
            "DEL beta data0 beta",
            "DEL delta net2 delta",
            "DEL alpha net1 alpha",
            "DEL gamma eth0 gamma");
    assertThat(client.cachedAttachments(Optional.empty()))
        .extracting(c -> c.key().containerId())
        .containsExactly("c2");
    assertThat(networking.detach("c1")).isEmpty();
  }

  @Test
  void interfaceOrderPutsEth0FirstThenNetNumerically() {
    List<String> names =
        new ArrayList<>(List.of("net10", "x0", "net2", "eth0", "net1", "net01", "eth1"));
    names.sort(ContainerNetworking::compareInterfaces);
    assertThat(names).containsExactly("eth0", "net1", "net2", "net10", "eth1", "net01", "x0");
  }

  // ---------------------------------------------------------------- GC

  @Test
  void gcDeletesTheAttachmentsOfDeadContainersOnEveryUsableNetworkWithTheirAddTimeConfiguration()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a-v1\""));
    write("20-beta.conflist", recorders("beta", "1.1.0", "\"tag\":\"b-v1\""));
    write("30-gamma.conflist", recorders("gamma", "1.1.0", "\"tag\":\"g\""));
    write(
        "40-missing.conflist",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"missing\",\"plugins\":[{\"type\":\"no-such-plugin\"}]}");
    write(
        "50-nogc.conflist",
        recorders("nogc", "1.1.0", "\"tag\":\"n\"")
            .replace("\"plugins\"", "\"disableGC\":true,\"plugins\""));
    open();
    networking.attach(AttachRequest.builder("live", "/l").defaultNetwork().network("beta").build());
    networking.attach(AttachRequest.builder("dead", "/d").defaultNetwork().network("beta").build());
    networking.attach(AttachRequest.builder("gone", "/g").network("alpha").network("nogc").build());
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a-v2\""));
    networking.configs().reload();
    Files.delete(log);

    Map<String, GcReport> reports = networking.gc(List.of("live"));

    assertThat(reports).containsOnlyKeys("alpha", "beta", "gamma", "nogc");
    assertThat(reports.keySet()).containsExactly("alpha", "beta", "gamma", "nogc");
    assertThat(reports.get("alpha").deleted())
        .extracting(AttachmentKey::containerId)
        .containsExactly("dead", "gone");
    assertThat(reports.get("beta").deleted())
        .extracting(AttachmentKey::containerId)
        .containsExactly("dead");
    assertThat(reports.get("gamma").deleted()).isEmpty();
    assertThat(reports.get("nogc").skipped()).isTrue();
    assertThat(reports.values()).allSatisfy(r -> assertThat(r.errors()).isEmpty());

    List<JsonNode> calls = calls();
    List<String> dels =
        calls.stream()
            .filter(c -> c.get("command").asText().equals("DEL"))
            .map(
                c ->
                    c.get("containerId").asText()
                        + " "
                        + c.get("stdin").get("name").asText()
                        + " "
                        + c.get("stdin").get("tag").asText())
            .collect(Collectors.toList());
    // stale attachments get DEL with the configuration they were added with (a-v1, not a-v2),
    // one container after the other, each in the reverse of its attach order
    assertThat(dels).containsExactly("dead beta b-v1", "dead alpha a-v1", "gone alpha a-v1");
    List<JsonNode> gcs =
        calls.stream()
            .filter(c -> c.get("command").asText().equals("GC"))
            .collect(Collectors.toList());
    assertThat(gcs)
        .extracting(c -> c.get("stdin").get("name").asText())
        .containsExactly("alpha", "beta", "gamma");
    assertThat(gcs.get(0).get("stdin").get("tag").asText()).isEqualTo("a-v2");
    assertThat(gcs.get(0).get("stdin").get("cni.dev/valid-attachments"))
        .isEqualTo(json("[{\"containerID\":\"live\",\"ifname\":\"eth0\"}]"));
    assertThat(gcs.get(1).get("stdin").get("cni.dev/valid-attachments"))
        .isEqualTo(json("[{\"containerID\":\"live\",\"ifname\":\"net1\"}]"));
    assertThat(gcs.get(2).get("stdin").get("cni.dev/valid-attachments")).isEqualTo(json("[]"));
    assertThat(client.cachedAttachments(Optional.empty()))
        .extracting(c -> c.key().containerId() + " " + c.key().networkName())
        .containsExactlyInAnyOrder("live alpha", "live beta", "gone nogc");
  }

  @Test
  void gcDeletesEachDeadContainersNetworksInTheReverseOfItsAttachOrderThenRunsThePluginGcs()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\""));
    write("20-beta.conflist", recorders("beta", "1.1.0", "\"tag\":\"b\""));
    write("30-gamma.conflist", recorders("gamma", "1.1.0", "\"tag\":\"g\""));
    open();
    // directory order is alpha, beta, gamma; c1 was attached in another order
    networking.attach(
        AttachRequest.builder("c1", "/x")
            .network("beta")
            .network("alpha")
            .network("gamma")
            .build());
    networking.attach(AttachRequest.builder("c2", "/y").network("gamma").network("beta").build());
    Files.delete(log);

    Map<String, GcReport> reports = networking.gc(List.of());

    assertThat(described())
        .containsExactly(
            "DEL gamma net2 g",
            "DEL alpha net1 a",
            "DEL beta eth0 b",
            "DEL beta net1 b",
            "DEL gamma eth0 g",
            "GC alpha  a",
            "GC beta  b",
            "GC gamma  g");
    assertThat(reports.get("beta").deleted())
        .containsExactly(
            AttachmentKey.of("beta", "c1", "eth0"), AttachmentKey.of("beta", "c2", "net1"));
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
  }

  @Test
  void gcDeletesAStaleAttachmentWhoseCachedConfigurationCannotBeUsedWithTheCurrentOne()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a-v1\""));
    open();
    networking.attach(AttachRequest.builder("dead", "/d").cniArg("K8S_POD_NAME", "p").build());
    replaceCachedConfig("alpha", "dead", "eth0", UNUSABLE);
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a-v2\""));
    networking.configs().reload();
    Files.delete(log);

    GcReport report = networking.gc(List.of()).get("alpha");

    assertThat(report.errors()).isEmpty();
    assertThat(report.deleted()).containsExactly(AttachmentKey.of("alpha", "dead", "eth0"));
    assertThat(described()).containsExactly("DEL alpha eth0 a-v2", "GC alpha  a-v2");
    assertThat(calls().get(0).get("args").asText()).isEqualTo("K8S_POD_NAME=p");
    assertThat(calls().get(0).get("netns").asText()).isEqualTo("/d");
    assertThat(client.cachedAttachments(Optional.empty())).isEmpty();
  }

  @Test
  void anInterruptedGcKeepsTheFailuresBeforeItAsSuppressed() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\",\"failOn\":\"DEL\""));
    write(
        "20-beta.conflist",
        recorders("beta", "1.1.0", "\"tag\":\"b\",\"launcherThrows\":\"DEL interrupt\""));
    openWithThrowingLauncher();
    networking.attach(AttachRequest.builder("dead", "/d").network("beta").network("alpha").build());
    Files.delete(log);

    assertThatThrownBy(() -> networking.gc(List.of()))
        .isInstanceOf(InterruptedException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOf(PluginErrorException.class)
                    .satisfies(s -> assertThat(s).hasMessageContaining("network \"alpha\"")));
    assertThat(described()).containsExactly("DEL alpha net1 a");
  }

  @Test
  void aStaleAttachmentWhoseDelFailsIsReportedAndStillSentAsValidSoNoPluginReclaimsIt()
      throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\",\"failOn\":\"DEL\""));
    open();
    networking.attach(AttachRequest.builder("dead", "/d").build());
    Files.delete(log);

    GcReport report = networking.gc(List.of()).get("alpha");

    assertThat(report.deleted()).isEmpty();
    assertThat(report.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e).hasMessageContaining("container dead").hasMessageContaining("(del)"));
    JsonNode gc = calls().get(1);
    assertThat(gc.get("command").asText()).isEqualTo("GC");
    assertThat(gc.get("stdin").get("cni.dev/valid-attachments"))
        .isEqualTo(json("[{\"containerID\":\"dead\",\"ifname\":\"eth0\"}]"));
    assertThat(client.cachedAttachments(Optional.of("dead"))).hasSize(1);
  }

  @Test
  void aFailingPluginGcIsReportedOnItsNetworkAndTheOtherNetworksStillRun() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\",\"failOn\":\"GC\""));
    write("20-beta.conflist", recorders("beta", "1.1.0", "\"tag\":\"b\""));
    open();
    Map<String, GcReport> reports = networking.gc(List.of());
    assertThat(reports.get("alpha").errors())
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("network \"alpha\""));
    assertThat(reports.get("beta").succeeded()).isTrue();
    assertThat(described()).containsExactly("GC alpha  a", "GC beta  b");
  }

  // ---------------------------------------------------------------- readiness

  @Test
  void readyWhenTheDefaultNetworkIsLoadedAndItsStatusSaysSo() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\"", "\"tag\":\"b\""));
    write("20-beta.conflist", recorders("beta", "1.1.0", "\"tag\":\"x\",\"statusCode\":\"50\""));
    open();
    NetworkReadiness r = networking.readiness();
    assertThat(r.isReady()).isTrue();
    assertThat(r.reason()).isEmpty();
    // only the default network is asked
    assertThat(described()).containsExactly("STATUS alpha  a", "STATUS alpha  b");
  }

  @Test
  void aDefaultNetworkWhoseStatusSaysNotAvailableIsNotReadyNamingThePluginAndItsAnswer()
      throws Exception {
    write(
        "10-alpha.conflist",
        recorders("alpha", "1.1.0", "\"tag\":\"a\"", "\"tag\":\"b\",\"statusCode\":\"50\""));
    open();
    NetworkReadiness r = networking.readiness();
    assertThat(r.status()).isEqualTo(NetworkReadiness.Status.STATUS_FAILED);
    assertThat(r.reason()).isEqualTo("NetworkPluginNotReady");
    assertThat(r.message())
        .contains("network \"alpha\"")
        .contains("10-alpha.conflist")
        .contains("plugin type=\"recorder\"")
        .contains("code 50")
        .contains("not ready");
  }

  @Test
  void aStatusThatFailsIsNotReadyAndSaysItFailed() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.1.0", "\"tag\":\"a\",\"failOn\":\"STATUS\""));
    open();
    NetworkReadiness r = networking.readiness();
    assertThat(r.status()).isEqualTo(NetworkReadiness.Status.STATUS_FAILED);
    assertThat(r.message())
        .contains("STATUS of the default network \"alpha\"")
        .contains("failed")
        .contains("asked to fail");
  }

  @Test
  void readinessFromTheConfigurationComesFirstAndNoPluginRuns() throws Exception {
    write(
        "10-missing.conflist",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"missing\",\"plugins\":[{\"type\":\"no-such-plugin\"}]}");
    open();
    NetworkReadiness r = networking.readiness();
    assertThat(r.status()).isEqualTo(NetworkReadiness.Status.PLUGIN_NOT_FOUND);
    assertThat(r.reason()).isEqualTo("NetworkPluginNotReady");
    assertThat(r.message()).contains("no-such-plugin");
  }

  @Test
  void belowVersion110StatusDoesNotExistAndALoadedDefaultIsReady() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\",\"statusCode\":\"50\""));
    open();
    assertThat(networking.readiness().isReady()).isTrue();
    assertThat(calls()).isEmpty();
  }

  @Test
  void theBuilderChecksPluginsWithTheClientsPluginPath() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    CniClient elsewhere =
        CniClient.builder()
            .pluginDirectories(List.of(tmp.resolve("empty")))
            .cacheDirectory(tmp.resolve("cache"))
            .build();
    try (ContainerNetworking n =
        ContainerNetworking.builder(elsewhere, netD).watch(false).build()) {
      assertThat(n.configs().snapshot().defaultNetwork()).isEmpty();
      assertThat(n.readiness().message())
          .contains("recorder")
          .contains(tmp.resolve("empty").toString());
    }
    try (ContainerNetworking n = ContainerNetworking.builder(client, netD).watch(false).build()) {
      assertThat(n.configs().snapshot().defaultNetwork())
          .map(LoadedNetwork::name)
          .contains("alpha");
      assertThat(n.configs().isWatching()).isFalse();
    }
  }

  @Test
  void closingStopsTheWatcherAndRefusesNewOperations() throws Exception {
    write("10-alpha.conflist", recorders("alpha", "1.0.0", "\"tag\":\"a\""));
    ContainerNetworking n = ContainerNetworking.builder(client, netD).build();
    assertThat(n.configs().isWatching()).isTrue();
    n.close();
    assertThat(n.configs().isWatching()).isFalse();
    assertThatThrownBy(() -> n.attach(AttachRequest.builder("c1", "/x").build()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> n.gc(List.of())).isInstanceOf(IllegalStateException.class);
    n.close();
  }
}
