package dev.jcni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.Verb;
import dev.jcni.result.CniError;
import dev.jcni.result.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operations of the facade against real executables (testdata/plugins/recorder). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CniClientTest {
  static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;
  Path log;
  Path cacheDir;
  CniClient client;

  @BeforeEach
  void setUp() throws Exception {
    log = tmp.resolve("calls.jsonl");
    cacheDir = tmp.resolve("cache");
    client = onTestPlugins(builder()).build();
  }

  /** {@code b} with this test's plugin directory and cache. */
  CniClient.Builder onTestPlugins(CniClient.Builder b) {
    return b.pluginDirectories(List.of(PLUGINS)).cacheDirectory(cacheDir);
  }

  /** The builder of every client of these tests; {@link CniClientPrestartTest} prestarts plugins. */
  CniClient.Builder builder() {
    return CniClient.builder();
  }

  /** A list of recorder plugins; each plugin object gets the log path and the extra JSON given. */
  private NetworkConfigList list(String name, String version, String... pluginExtras)
      throws Exception {
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
    sb.append("]}\n");
    return NetworkConfigList.parse(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private List<JsonNode> calls() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      out.add(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static List<String> commands(List<JsonNode> calls) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : calls) {
      out.add(c.get("command").asText() + "#" + c.get("stdin").get("tag").asText());
    }
    return out;
  }

  private static JsonNode json(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Attachment attachment(String containerId) {
    return Attachment.builder(containerId, "eth0")
        .netns("/var/run/netns/" + containerId)
        .cniArg("IgnoreUnknown", "1")
        .cniArg("K8S_POD_NAME", "p1")
        .build();
  }

  @Test
  void addRunsPluginsInOrderChainingPrevResultAndCachesTheFinalResult() throws Exception {
    NetworkConfigList list =
        list(
            "net1",
            "1.0.0",
            "\"tag\":\"a\"",
            "\"tag\":\"b\",\"capabilities\":{\"portMappings\":true,\"bandwidth\":false}",
            "\"tag\":\"c\",\"someKey\":{\"a\":[1,2,3]}");
    Attachment a =
        Attachment.builder("c1", "eth0")
            .netns("/var/run/netns/c1")
            .cniArg("K8S_POD_NAME", "p1")
            .capabilityArgs(
                (ObjectNode) json("{\"portMappings\":[{\"hostPort\":8080}],\"bandwidth\":{\"x\":1}}"))
            .build();

    Result result = client.add(list, a);

    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("ADD#a", "ADD#b", "ADD#c");
    for (JsonNode c : calls) {
      assertThat(c.get("containerId").asText()).isEqualTo("c1");
      assertThat(c.get("netns").asText()).isEqualTo("/var/run/netns/c1");
      assertThat(c.get("ifname").asText()).isEqualTo("eth0");
      assertThat(c.get("args").asText()).isEqualTo("K8S_POD_NAME=p1");
      assertThat(c.get("path").asText()).isEqualTo(PLUGINS.toString());
      assertThat(c.get("stdin").get("name").asText()).isEqualTo("net1");
      assertThat(c.get("stdin").get("cniVersion").asText()).isEqualTo("1.0.0");
    }
    assertThat(calls.get(0).get("stdin").has("prevResult")).isFalse();
    assertThat(calls.get(0).get("stdin").has("runtimeConfig")).isFalse();
    // plugin b declared portMappings (true) and bandwidth (false): only portMappings reaches it
    assertThat(calls.get(1).get("stdin").get("runtimeConfig"))
        .isEqualTo(json("{\"portMappings\":[{\"hostPort\":8080}]}"));
    // each prevResult is the previous plugin's answer (the recorder's address says which call)
    assertThat(calls.get(1).get("stdin").get("prevResult").get("ips").get(0).get("address").asText())
        .isEqualTo("198.18.0.1/24");
    assertThat(calls.get(2).get("stdin").get("prevResult").get("ips").get(0).get("address").asText())
        .isEqualTo("198.18.0.2/24");
    assertThat(calls.get(2).get("stdin").get("someKey")).isEqualTo(json("{\"a\":[1,2,3]}"));
    assertThat(result.ips().get(0).address().toString()).isEqualTo("198.18.0.3/24");

    // the cache holds libcni's entry: the list's exact bytes and the final result
    Path entry = cacheDir.resolve("results").resolve("net1-c1-eth0");
    JsonNode cached = Json.parse(Files.readAllBytes(entry));
    assertThat(cached.get("kind").asText()).isEqualTo("cniCacheV1");
    assertThat(cached.get("containerId").asText()).isEqualTo("c1");
    assertThat(cached.get("ifName").asText()).isEqualTo("eth0");
    assertThat(cached.get("networkName").asText()).isEqualTo("net1");
    assertThat(cached.get("netns").asText()).isEqualTo("/var/run/netns/c1");
    assertThat(cached.get("config").binaryValue()).isEqualTo(list.bytes());
    assertThat(cached.get("cniArgs")).isEqualTo(json("[[\"K8S_POD_NAME\",\"p1\"]]"));
    assertThat(cached.get("result")).isEqualTo(result.toJson());
    assertThat(client.cachedResult(list, "c1", "eth0")).contains(result);
  }

  @Test
  void prevResultAndCachedResultAreConvertedToTheListsVersion() throws Exception {
    NetworkConfigList list = list("old", "0.4.0", "\"tag\":\"a\"", "\"tag\":\"b\"");
    Result result = client.add(list, attachment("c1"));
    JsonNode prev = calls().get(1).get("stdin").get("prevResult");
    // the recorder answers 1.0.0; the next plugin must get 0.4.0, with ips[].version synthesised
    assertThat(prev.get("cniVersion").asText()).isEqualTo("0.4.0");
    assertThat(prev.get("ips").get(0).get("version").asText()).isEqualTo("4");
    assertThat(result.cniVersion().toString()).isEqualTo("0.4.0");
  }

  @Test
  void delRunsPluginsInReverseOrderWithTheCachedResultThenRemovesTheEntry() throws Exception {
    NetworkConfigList list = list("net1", "1.0.0", "\"tag\":\"a\"", "\"tag\":\"b\"");
    Result added = client.add(list, attachment("c1"));
    Files.delete(log);

    client.delete(list, attachment("c1"));

    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("DEL#b", "DEL#a");
    for (JsonNode c : calls) {
      assertThat(c.get("stdin").get("prevResult")).isEqualTo(added.toJson());
    }
    assertThat(cacheDir.resolve("results").resolve("net1-c1-eth0")).doesNotExist();
    // a second DEL is fine and runs without prevResult
    Files.delete(log);
    client.delete(list, attachment("c1"));
    assertThat(calls()).allSatisfy(c -> assertThat(c.get("stdin").has("prevResult")).isFalse());
  }

  @Test
  void failedDelKeepsTheCacheEntryForARetry() throws Exception {
    NetworkConfigList ok = list("net1", "1.0.0", "\"tag\":\"a\"");
    client.add(ok, attachment("c1"));
    NetworkConfigList failing = list("net1", "1.0.0", "\"tag\":\"a\",\"failOn\":\"DEL\"");
    assertThatThrownBy(() -> client.delete(failing, attachment("c1")))
        .isInstanceOf(PluginErrorException.class)
        .hasMessageContaining("network \"net1\" (container c1, eth0)")
        .hasMessageContaining("plugin type=\"recorder\"")
        .hasMessageContaining("asked to fail");
    assertThat(client.cachedAttachment("net1", "c1", "eth0")).isPresent();
  }

  @Test
  void checkNeedsVersion040AndACachedResultAndHonoursDisableCheck() throws Exception {
    NetworkConfigList old = list("old", "0.3.1", "\"tag\":\"a\"");
    assertThatThrownBy(() -> client.check(old, attachment("c1")))
        .hasMessageContaining("does not support the CHECK command");

    NetworkConfigList list = list("net1", "1.0.0", "\"tag\":\"a\"", "\"tag\":\"b\"");
    assertThatThrownBy(() -> client.check(list, attachment("c1")))
        .hasMessageContaining("no cached result");
    assertThat(calls()).isEmpty();

    Result added = client.add(list, attachment("c1"));
    Files.delete(log);
    client.check(list, attachment("c1"));
    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("CHECK#a", "CHECK#b");
    assertThat(calls.get(0).get("stdin").get("prevResult")).isEqualTo(added.toJson());

    Files.delete(log);
    NetworkConfigList disabled =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"disableCheck\":true,\"plugins\":"
                    + "[{\"type\":\"recorder\",\"recordTo\":\""
                    + log
                    + "\",\"tag\":\"a\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    client.check(disabled, attachment("c1"));
    assertThat(calls()).isEmpty();
  }

  @Test
  void gcDeletesOnlyStaleAttachmentsThenSendsValidAttachmentsToEveryPlugin() throws Exception {
    NetworkConfigList list = list("net1", "1.1.0", "\"tag\":\"a\"", "\"tag\":\"b\"");
    client.add(list, attachment("keep"));
    client.add(list, attachment("stale"));
    NetworkConfigList other = list("net2", "1.1.0", "\"tag\":\"x\"");
    client.add(other, attachment("stale"));
    Files.delete(log);

    GcReport report = client.gc(list, List.of(Map.entry("keep", "eth0")));

    assertThat(report.succeeded()).isTrue();
    assertThat(report.deleted()).extracting(k -> k.containerId()).containsExactly("stale");
    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("DEL#b", "DEL#a", "GC#a", "GC#b");
    assertThat(calls.get(0).get("containerId").asText()).isEqualTo("stale");
    assertThat(calls.get(0).get("netns").asText()).isEqualTo("/var/run/netns/stale");
    JsonNode gc = calls.get(2);
    assertThat(gc.get("containerId").asText()).isEmpty();
    assertThat(gc.get("stdin").get("cni.dev/valid-attachments"))
        .isEqualTo(json("[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]"));
    assertThat(gc.get("stdin").get("cni.dev/attachments"))
        .isEqualTo(gc.get("stdin").get("cni.dev/valid-attachments"));
    assertThat(client.cachedAttachment("net1", "keep", "eth0")).isPresent();
    assertThat(client.cachedAttachment("net1", "stale", "eth0")).isEmpty();
    // another network's attachment with the same container id is untouched
    assertThat(client.cachedAttachment("net2", "stale", "eth0")).isPresent();
  }

  @Test
  void gcContinuesPastErrorsAndReturnsThemAll() throws Exception {
    NetworkConfigList list = list("net1", "1.1.0", "\"tag\":\"a\",\"failOn\":\"GC\"", "\"tag\":\"b\"");
    GcReport report = client.gcAll(list);
    assertThat(report.errors()).hasSize(1);
    assertThat(report.errors().get(0)).isInstanceOf(PluginErrorException.class);
    assertThat(commands(calls())).containsExactly("GC#a", "GC#b");
  }

  @Test
  void gcFailsAndRunsNoPluginWhenTheCacheCannotBeListed() throws Exception {
    // libcni's GCNetworkList returns nil (success) without running anything when
    // GetCachedAttachments fails; jcni reports it (docs/conformance.md).
    NetworkConfigList list = list("net1", "1.1.0", "\"tag\":\"a\"");
    Path results = cacheDir.resolve("results");
    if (Files.isDirectory(results)) {
      Files.delete(results);
    }
    Files.createDirectories(cacheDir);
    Files.writeString(results, "not a directory");
    assertThatThrownBy(() -> client.gcAll(list)).isInstanceOf(CacheException.class);
    assertThat(Files.exists(log)).isFalse();
  }

  @Test
  void gcDoesNothingWhenDisabledAndSkipsPluginGcBelow110() throws Exception {
    NetworkConfigList disabled =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"disableGC\":\"TRUE\",\"plugins\":"
                    + "[{\"type\":\"recorder\",\"recordTo\":\""
                    + log
                    + "\",\"tag\":\"a\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    client.add(disabled, attachment("c1"));
    Files.delete(log);
    assertThat(client.gcAll(disabled).skipped()).isTrue();
    assertThat(calls()).isEmpty();

    NetworkConfigList v100 = list("v100", "1.0.0", "\"tag\":\"a\"");
    client.add(v100, attachment("c1"));
    Files.delete(log);
    GcReport report = client.gcAll(v100);
    assertThat(commands(calls())).containsExactly("DEL#a");
    assertThat(report.deleted()).hasSize(1);
  }

  @Test
  void statusReportsUnavailablePluginsAsATypedResult() throws Exception {
    assertThat(client.status(list("n", "1.0.0", "\"tag\":\"a\",\"statusCode\":\"50\""))).isEqualTo(NetworkStatus.READY);
    assertThat(calls()).isEmpty();

    assertThat(client.status(list("n", "1.1.0", "\"tag\":\"a\"", "\"tag\":\"b\"")).ready()).isTrue();
    assertThat(commands(calls())).containsExactly("STATUS#a", "STATUS#b");
    JsonNode stdin = calls().get(0).get("stdin");
    assertThat(stdin.has("prevResult")).isFalse();
    assertThat(stdin.get("name").asText()).isEqualTo("n");

    NetworkStatus status =
        client.status(list("n", "1.1.0", "\"tag\":\"a\"", "\"tag\":\"b\",\"statusCode\":\"51\""));
    assertThat(status.ready()).isFalse();
    assertThat(status.pluginType()).isEqualTo("recorder");
    assertThat(status.error().map(CniError::code)).contains((long) CniError.LIMITED_CONNECTIVITY);
    assertThat(status.error().get().isUnavailable()).isTrue();

    // any other error is a failure of STATUS itself
    assertThatThrownBy(() -> client.status(list("n", "1.1.0", "\"tag\":\"a\",\"statusCode\":\"7\"")))
        .isInstanceOf(PluginErrorException.class);
  }

  @Test
  void invalidAttachmentParametersAreRejectedOnEveryVerbBeforeAnyPluginRuns() throws Exception {
    NetworkConfigList list = list("net1", "1.1.0", "\"tag\":\"a\"");
    List<Attachment> bad =
        List.of(
            Attachment.builder("../../etc", "eth0").build(),
            Attachment.builder("c1", "eth0/../x").build(),
            Attachment.builder("c1", "sixteen-bytes-xx").build(),
            Attachment.builder("c1", "..").build(),
            Attachment.builder("", "eth0").build(),
            Attachment.builder("c1", "eth 0").build(),
            Attachment.builder("c1", "eth0").netns("/run/netns/a\0b").build(),
            // with network net1 and eth0, a cache file name of 256 bytes
            Attachment.builder("c".repeat(256 - "net1--eth0".length()), "eth0").build());
    for (Attachment a : bad) {
      assertThatThrownBy(() -> client.add(list, a)).isInstanceOf(InvalidAttachmentException.class);
      assertThatThrownBy(() -> client.check(list, a)).isInstanceOf(InvalidAttachmentException.class);
      assertThatThrownBy(() -> client.delete(list, a)).isInstanceOf(InvalidAttachmentException.class);
    }
    assertThat(calls()).isEmpty();
    assertThat(cacheDir.resolve("results")).doesNotExist();
  }

  @Test
  void anAddResultThatDoesNotDecodeIsReportedWithTheResolvedPathOfThePluginThatPrintedIt()
      throws Exception {
    // the second plugin of the list prints a result whose "ips" is not a list
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":["
            + "{\"type\":\"recorder\",\"recordTo\":\""
            + log
            + "\",\"tag\":\"a\"},{\"type\":\"bad-result\"}]}";
    NetworkConfigList list = NetworkConfigList.parse(conf.getBytes(StandardCharsets.UTF_8));
    Path printedIt = PLUGINS.resolve("bad-result").toRealPath();

    assertThatThrownBy(() -> client.add(list, attachment("c1")))
        .isInstanceOfSatisfying(
            PluginProtocolException.class,
            e -> {
              assertThat(e.pluginType()).isEqualTo("bad-result");
              assertThat(e.verb()).isEqualTo(Verb.ADD);
              assertThat(e.pluginPath()).isAbsolute().isEqualTo(printedIt);
              assertThat(e.getMessage()).contains("(" + printedIt + ")");
              assertThat(e.getMessage()).contains("its result is not valid");
            });
  }

  @Test
  void failedAddCachesNothingAndRollsBackOnlyWhenAsked() throws Exception {
    NetworkConfigList list =
        list("net1", "1.0.0", "\"tag\":\"a\"", "\"tag\":\"b\",\"failOn\":\"ADD\"", "\"tag\":\"c\"");
    assertThatThrownBy(() -> client.add(list, attachment("c1")))
        .isInstanceOf(PluginErrorException.class)
        .satisfies(
            e -> assertThat(((PluginErrorException) e).cniError().map(CniError::code)).contains(7L));
    assertThat(commands(calls())).containsExactly("ADD#a", "ADD#b");
    assertThat(client.cachedAttachment("net1", "c1", "eth0")).isEmpty();

    Files.delete(log);
    CniClient rollingBack = onTestPlugins(builder()).rollbackOnFailure(true).build();
    assertThatThrownBy(() -> rollingBack.add(list, attachment("c1")))
        .isInstanceOf(PluginErrorException.class);
    assertThat(commands(calls())).containsExactly("ADD#a", "ADD#b", "DEL#c", "DEL#b", "DEL#a");
    assertThat(client.cachedAttachment("net1", "c1", "eth0")).isEmpty();
  }

  @Test
  void teardownFromTheCacheRunsDropInPluginsToo() throws Exception {
    NetworkConfigList base = list("net1", "1.0.0", "\"tag\":\"a\"");
    PluginConfig dropIn =
        PluginConfig.parse(
            ("{\"type\":\"recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"dropin\"}")
                .getBytes(StandardCharsets.UTF_8));
    NetworkConfigList withDropIn = base.withAppendedPlugins(List.of(dropIn));
    client.add(withDropIn, attachment("c1"));
    Files.delete(log);

    assertThat(client.deleteFromCache("net1", "c1", "eth0")).isTrue();

    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("DEL#dropin", "DEL#a");
    assertThat(calls.get(0).get("args").asText()).isEqualTo("IgnoreUnknown=1;K8S_POD_NAME=p1");
    assertThat(calls.get(0).get("netns").asText()).isEqualTo("/var/run/netns/c1");
    assertThat(client.deleteFromCache("net1", "c1", "eth0")).isFalse();
  }

  @Test
  void teardownFromTheCacheReadsASinglePluginConfigurationAsGosAddNetworkCachesIt()
      throws Exception {
    // libcni's AddNetwork (a .conf) caches the plugin configuration itself, not a list
    byte[] conf =
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"recorder\",\"recordTo\":\""
                + log
                + "\",\"tag\":\"single\"}")
            .getBytes(StandardCharsets.UTF_8);
    ResultCache.open(cacheDir)
        .put(
            new CachedAttachment(
                AttachmentKey.of("net1", "c1", "eth0"),
                "/var/run/netns/c1",
                conf,
                List.of(Map.entry("K8S_POD_NAME", "p1")),
                Json.NODES.objectNode(),
                Optional.of(
                    (ObjectNode)
                        Json.parse(
                            "{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)))));

    assertThat(client.deleteFromCache("net1", "c1", "eth0")).isTrue();

    List<JsonNode> calls = calls();
    assertThat(commands(calls)).containsExactly("DEL#single");
    assertThat(calls.get(0).get("args").asText()).isEqualTo("K8S_POD_NAME=p1");
    assertThat(client.cachedAttachment("net1", "c1", "eth0")).isEmpty();
  }

  @Test
  void aCachedListWithBrokenPluginsIsNotTakenForItsTopLevelObjectAndNothingRuns() throws Exception {
    // a top-level "type" beside a list that does not parse: DEL of that one plugin alone would
    // leave the list's plugins set up while the entry went away
    byte[] config =
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"recorder\",\"recordTo\":\""
                + log
                + "\",\"plugins\":[{\"recordTo\":\""
                + log
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    ResultCache.open(cacheDir)
        .put(
            new CachedAttachment(
                AttachmentKey.of("net1", "c1", "eth0"),
                "/var/run/netns/c1",
                config,
                List.of(),
                Json.NODES.objectNode(),
                Optional.empty()));

    assertThatThrownBy(() -> client.deleteFromCache("net1", "c1", "eth0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("network \"net1\"")
        .hasMessageContaining(cacheDir.resolve("results").resolve("net1-c1-eth0").toString())
        .hasMessageContaining("plugins");

    assertThat(calls()).isEmpty();
    assertThat(client.cachedAttachment("net1", "c1", "eth0")).isPresent();
  }

  @Test
  void differentContainersRunInParallelAndTheCacheHoldsExactlyTheSurvivors() throws Exception {
    NetworkConfigList list = list("net1", "1.0.0", "\"tag\":\"a\"");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      Set<String> expected = Collections.synchronizedSet(new TreeSet<>());
      for (int i = 0; i < 40; i++) {
        String id = "c" + i;
        boolean keep = i % 3 != 0;
        futures.add(
            pool.submit(
                () -> {
                  client.add(list, attachment(id));
                  if (keep) {
                    expected.add(id);
                  } else {
                    client.delete(list, attachment(id));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      Set<String> cached = new TreeSet<>();
      for (CachedAttachment c : client.cachedAttachments(Optional.empty())) {
        cached.add(c.key().containerId());
      }
      assertThat(cached).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void validateReportsMissingPluginsAndTheUnionOfCapabilities() throws Exception {
    NetworkConfigList list =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":["
                    + "{\"type\":\"recorder\",\"capabilities\":{\"portMappings\":true,\"mac\":false}},"
                    + "{\"type\":\"no-such-plugin\",\"capabilities\":{\"bandwidth\":true}}]}")
                .getBytes(StandardCharsets.UTF_8));
    ValidationReport report = client.validate(list);
    assertThat(report.capabilities()).containsExactly("portMappings", "bandwidth");
    assertThat(report.valid()).isFalse();
    assertThat(report.problems()).singleElement().isInstanceOf(PluginNotFoundException.class);
    assertThat(client.versionInfo("recorder").supportedVersions()).contains("1.1.0");
  }

  @Test
  void w3cTraceContextReachesEveryPluginAsTraceparentAndTracestate() throws Exception {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Attachment traced =
        Attachment.builder("c1", "eth0").netns("/n").traceContext(parent, "congo=t61rcWkgMzE").build();
    NetworkConfigList list = list("net1", "1.0.0", "\"tag\":\"a\"", "\"tag\":\"b\"");
    client.add(list, traced);
    client.delete(list, attachment("c1"));
    List<JsonNode> calls = calls();
    assertThat(calls.subList(0, 2))
        .allSatisfy(
            c -> {
              assertThat(c.get("traceparent").asText()).isEqualTo(parent);
              assertThat(c.get("tracestate").asText()).isEqualTo("congo=t61rcWkgMzE");
            });
    // without trace context the plugins get neither variable
    assertThat(calls.subList(2, 4)).allSatisfy(c -> assertThat(c.get("traceparent").asText()).isEmpty());
  }

  @Test
  void listenerSeesEveryOperationAndPluginCall() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CniClient observed =
        onTestPlugins(builder())
            .listener(
                new CniListener() {
                  @Override
                  public void operationStarted(OperationEvent op) {
                    events.add("start " + op.verb() + " " + op.containerId());
                  }

                  @Override
                  public void operationFinished(
                      OperationEvent op, java.time.Duration d, CniException failure) {
                    events.add("end " + op.verb() + (failure == null ? " ok" : " failed"));
                  }

                  @Override
                  public void pluginFinished(
                      PluginEvent call, java.time.Duration d, CniException failure) {
                    events.add("plugin " + call.verb() + " " + call.index());
                  }
                })
            .build();
    observed.add(list("net1", "1.0.0", "\"tag\":\"a\"", "\"tag\":\"b\""), attachment("c1"));
    assertThat(events)
        .containsExactly("start ADD c1", "plugin ADD 0", "plugin ADD 1", "end ADD ok");
    assertThat(Verb.ADD.command()).isEqualTo("ADD");
  }

  @Test
  void aCallWaitingForItsTurnUnderTheCapDoesNotSpendItsDeadlineWaiting() throws Exception {
    CniClient capped =
        onTestPlugins(builder())
            .maxConcurrentPlugins(1)
            .execOptions(
                dev.jcni.invoke.ExecOptions.builder()
                    .deadline(java.time.Duration.ofMillis(3000))
                    .build())
            .build();
    // One plugin that sleeps 2 s: the second ADD waits about that long for its turn, then runs
    // as long; 4 s in all, more than the deadline, which counts from the turn.
    NetworkConfigList list =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":[{\"type\":"
                    + "\"timed-recorder\",\"recordTo\":\"" + log + "\",\"sleep\":\"2\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = pool.submit(() -> capped.add(list, attachment("c1")));
      Future<?> second = pool.submit(() -> capped.add(list, attachment("c2")));
      first.get(20, TimeUnit.SECONDS);
      second.get(20, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<JsonNode> r = calls();
    assertThat(r).hasSize(2);
    assertThat(r.get(1).get("start").asLong())
        .as("the calls ran one after the other")
        .isGreaterThan(r.get(0).get("end").asLong());
  }
}
