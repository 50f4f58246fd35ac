package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheCommandsTest {
  private static final Path FIXTURES = JcniRun.testdata().resolve("cache");
  private static final String BRIDGE_FILE = "cniref-br-cnitool-705c6e61e3b30c99ec77-eth0";
  private static final String CONFIG =
      "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":[{\"type\":\"bridge\",\"mtu\":1.50}]}";

  @TempDir Path cacheDir;

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) Json.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private JcniRun jcni(String... args) {
    String[] all =
        Stream.concat(Stream.of(args), Stream.of("--cache-dir", cacheDir.toString()))
            .toArray(String[]::new);
    return JcniRun.of(Map.of(), all);
  }

  private static List<List<String>> rows(String out) {
    return out.lines().map(line -> Arrays.asList(line.split(" +"))).collect(Collectors.toList());
  }

  private void putThreeEntries() throws Exception {
    ResultCache cache = ResultCache.open(cacheDir);
    ObjectNode result =
        json("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"198.18.0.2/24\"}],\"dns\":{}}");
    cache.put(
        CachedAttachment.of(
            AttachmentKey.of("net1", "c1", "eth0"),
            "/var/run/netns/a",
            CONFIG.getBytes(StandardCharsets.UTF_8),
            result));
    cache.put(
        new CachedAttachment(
            AttachmentKey.of("net1", "c2", "net1"),
            "/var/run/netns/b",
            CONFIG.getBytes(StandardCharsets.UTF_8),
            List.of(Map.entry("IgnoreUnknown", "1"), Map.entry("K8S_POD_NAME", "p1")),
            json("{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80}]}"),
            Optional.of(result)));
    cache.put(
        CachedAttachment.of(
            AttachmentKey.of("net2", "c1", "eth0"),
            "",
            CONFIG.getBytes(StandardCharsets.UTF_8),
            result));
  }

  private void copyFixture(String fixture, String entryName) throws Exception {
    Path results = Files.createDirectories(cacheDir.resolve("results"));
    Files.copy(FIXTURES.resolve(fixture), results.resolve(entryName));
  }

  // ---- cache list ----

  @Test
  void listsOneLinePerAttachmentInFileNameOrder() throws Exception {
    putThreeEntries();
    JcniRun run = jcni("cache", "list");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(rows(run.out))
        .containsExactly(
            List.of("NETWORK", "CONTAINER", "IFNAME", "NETNS"),
            List.of("net1", "c1", "eth0", "/var/run/netns/a"),
            List.of("net1", "c2", "net1", "/var/run/netns/b"),
            List.of("net2", "c1", "eth0", "-"));
  }

  @Test
  void filtersByNetworkAndContainer() throws Exception {
    putThreeEntries();
    assertThat(rows(jcni("cache", "list", "--network", "net1").out))
        .extracting(r -> r.get(1))
        .containsExactly("CONTAINER", "c1", "c2");
    assertThat(rows(jcni("cache", "list", "--container-id", "c1").out))
        .extracting(r -> r.get(0))
        .containsExactly("NETWORK", "net1", "net2");
    assertThat(rows(jcni("cache", "list", "--network=net1", "--container-id=c1").out))
        .containsExactly(
            List.of("NETWORK", "CONTAINER", "IFNAME", "NETNS"),
            List.of("net1", "c1", "eth0", "/var/run/netns/a"));
    JcniRun none = jcni("cache", "list", "--network", "net3");
    assertThat(none.exitCode).isZero();
    assertThat(none.out).isEmpty();
  }

  @Test
  void listsAsAJsonArray() throws Exception {
    putThreeEntries();
    JcniRun run = jcni("cache", "list", "--json", "--network", "net1");
    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode array = Json.parse(run.out.getBytes(StandardCharsets.UTF_8));
    assertThat(array.isArray()).isTrue();
    assertThat(array).hasSize(2);
    assertThat(array.get(1))
        .isEqualTo(
            json(
                "{\"networkName\":\"net1\",\"containerId\":\"c2\",\"ifName\":\"net1\","
                    + "\"netns\":\"/var/run/netns/b\"}"));
    assertThat(run.out).startsWith("[\n    {\n        \"networkName\": \"net1\",");
  }

  @Test
  void anAbsentCacheDirectoryHasNoAttachments() throws Exception {
    Path absent = cacheDir.resolve("never-created");
    JcniRun text = JcniRun.of(Map.of(), "cache", "list", "--cache-dir", absent.toString());
    assertThat(text.exitCode).isZero();
    assertThat(text.out).isEmpty();
    JcniRun json =
        JcniRun.of(Map.of(), "cache", "list", "--json", "--cache-dir", absent.toString());
    assertThat(json.out).isEqualTo("[]\n");
    assertThat(absent).doesNotExist();
  }

  @Test
  void cacheDirIsAcceptedBeforeAndAfterTheCommandWords() throws Exception {
    putThreeEntries();
    JcniRun before = JcniRun.of(Map.of(), "--cache-dir", cacheDir.toString(), "cache", "list");
    JcniRun middle = JcniRun.of(Map.of(), "cache", "--cache-dir", cacheDir.toString(), "list");
    JcniRun after = JcniRun.of(Map.of(), "cache", "list", "--cache-dir=" + cacheDir);
    assertThat(before.exitCode).isZero();
    assertThat(before.out).contains("net2");
    assertThat(middle.out).isEqualTo(before.out);
    assertThat(after.out).isEqualTo(before.out);
  }

  @Test
  void listsAnEntryWrittenByLibcniThroughCnitool() throws Exception {
    copyFixture("libcni-1.1.2-cnitool-bridge.json", BRIDGE_FILE);
    JcniRun run = jcni("cache", "list");
    assertThat(run.exitCode).as(run.toString()).isZero();
    // libcni 1.1.2 does not record the netns
    assertThat(rows(run.out))
        .containsExactly(
            List.of("NETWORK", "CONTAINER", "IFNAME", "NETNS"),
            List.of("cniref-br", "cnitool-705c6e61e3b30c99ec77", "eth0", "-"));
  }

  @Test
  void listSkipsACorruptFileAndLeavesItInPlace() throws Exception {
    putThreeEntries();
    Path corrupt = cacheDir.resolve("results").resolve("net9-c9-eth0");
    Files.writeString(corrupt, "{\"kind\":\"cniCacheV1\",");
    JcniRun run = jcni("cache", "list");
    assertThat(run.exitCode).isZero();
    assertThat(rows(run.out)).hasSize(4);
    assertThat(corrupt).exists();
  }

  @Test
  void listTakesNoArguments() {
    assertThat(jcni("cache", "list", "net1").exitCode).isEqualTo(ExitCode.USAGE);
  }

  // ---- cache show ----

  @Test
  void showsEverythingTheEntryRecords() throws Exception {
    putThreeEntries();
    JcniRun run = jcni("cache", "show", "net1", "c2", "net1");
    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode shown = Json.parse(run.out.getBytes(StandardCharsets.UTF_8));
    assertThat(shown.fieldNames())
        .toIterable()
        .containsExactly(
            "networkName",
            "containerId",
            "ifName",
            "netns",
            "file",
            "cniArgs",
            "capabilityArgs",
            "config",
            "result");
    assertThat(shown.get("netns").textValue()).isEqualTo("/var/run/netns/b");
    assertThat(shown.get("file").textValue())
        .isEqualTo(cacheDir.toRealPath().resolve("results/net1-c2-net1").toString());
    assertThat(shown.get("cniArgs"))
        .isEqualTo(Json.parse("[[\"IgnoreUnknown\",\"1\"],[\"K8S_POD_NAME\",\"p1\"]]".getBytes()));
    assertThat(shown.get("capabilityArgs").get("portMappings").get(0).get("hostPort").intValue())
        .isEqualTo(8080);
    // the list's bytes decoded as JSON: keys in their order, the number as written
    assertThat(shown.get("config")).isEqualTo(json(CONFIG));
    assertThat(run.out).contains("\"mtu\": 1.50");
    assertThat(shown.get("result").get("ips").get(0).get("address").textValue())
        .isEqualTo("198.18.0.2/24");
    assertThat(run.out).startsWith("{\n    \"networkName\": \"net1\",\n");
  }

  @Test
  void showsAnEntryWrittenByLibcniThroughCnitool() throws Exception {
    copyFixture("libcni-1.1.2-cnitool-bridge.json", BRIDGE_FILE);
    JcniRun run = jcni("cache", "show", "cniref-br", "cnitool-705c6e61e3b30c99ec77", "eth0");
    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode shown = Json.parse(run.out.getBytes(StandardCharsets.UTF_8));
    assertThat(shown.get("netns").textValue()).isEmpty();
    assertThat(shown.get("cniArgs")).isEmpty();
    assertThat(shown.get("capabilityArgs")).isEmpty();
    // what `base64 -d` of the fixture's "config" gives (shared/ref/README.md)
    JsonNode config = shown.get("config");
    assertThat(config.get("name").textValue()).isEqualTo("cniref-br");
    assertThat(config.get("plugins").get(0).get("bridge").textValue()).isEqualTo("cniref0");
    assertThat(config.get("plugins").get(0).get("ipam").get("type").textValue())
        .isEqualTo("host-local");
    JsonNode result = shown.get("result");
    assertThat(result.get("ips").get(0).get("address").textValue()).isEqualTo("198.18.0.2/24");
    assertThat(result.get("interfaces").get(2).get("sandbox").textValue())
        .isEqualTo("/var/run/netns/cniref-c1");
  }

  @Test
  void showsTheArgumentsLibcniRecorded() throws Exception {
    copyFixture("libcni-1.1.2-tricky.json", "tricky.net-1-c1-eth0");
    JcniRun run = jcni("cache", "show", "tricky.net-1", "c1", "eth0");
    assertThat(run.exitCode).as(run.toString()).isZero();
    JsonNode shown = Json.parse(run.out.getBytes(StandardCharsets.UTF_8));
    assertThat(shown.get("cniArgs"))
        .isEqualTo(
            Json.parse(
                "[[\"IgnoreUnknown\",\"1\"],[\"K8S_POD_NAME\",\"p<1>&\"]]"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(shown.get("capabilityArgs").get("portMappings").get(0).get("hostPort").intValue())
        .isEqualTo(8080);
    assertThat(shown.get("capabilityArgs").get("\uD83D\uDE00").intValue()).isEqualTo(3);
    assertThat(shown.get("config").get("name").textValue()).isEqualTo("tricky.net-1");
  }

  @Test
  void showTellsCollidingEntriesApart() throws Exception {
    // libcni names both (network a-b, container c) and (network a, container b-c) "a-b-c-net1"
    copyFixture("libcni-1.1.2-minimal.json", "a-b-c-net1");
    JcniRun other = jcni("cache", "show", "a", "b-c", "net1");
    assertThat(other.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(other.err).contains("no cached attachment for network \"a\"");
    assertThat(cacheDir.resolve("results/a-b-c-net1")).exists();
    JcniRun own = jcni("cache", "show", "a-b", "c", "net1");
    assertThat(own.exitCode).as(own.toString()).isZero();
    assertThat(own.out).contains("\"198.18.0.9/24\"");
  }

  @Test
  void aMissingEntryExitsOne() throws Exception {
    putThreeEntries();
    JcniRun run = jcni("cache", "show", "net1", "c9", "eth0");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.out).isEmpty();
    assertThat(run.err)
        .startsWith(
            "jcni: no cached attachment for network \"net1\", container \"c9\", interface"
                + " \"eth0\" in ");
  }

  @Test
  void showMovesACorruptEntryAsideAndExitsOne() throws Exception {
    putThreeEntries();
    Path corrupt = cacheDir.resolve("results").resolve("net9-c9-eth0");
    Files.writeString(corrupt, "{\"kind\":\"cniCacheV1\",");
    JcniRun run = jcni("cache", "show", "net9", "c9", "eth0");
    assertThat(run.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(run.err).contains("no cached attachment for network \"net9\"");
    assertThat(corrupt).doesNotExist();
    try (Stream<Path> moved = Files.list(cacheDir.resolve("results-corrupt"))) {
      assertThat(moved.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("net9-c9-eth0.");
    }
  }

  @Test
  void anInvalidKeyIsAUsageError() {
    JcniRun run = jcni("cache", "show", "net1", "../c", "eth0");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(run.err).contains("container id");
    assertThat(jcni("cache", "show", "net1", "c1", "a/b").exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(jcni("cache", "show", "net1", "c1").exitCode).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void showOnlyAcceptsItsOwnOptions() {
    JcniRun run = jcni("cache", "show", "net1", "c1", "eth0", "--network", "net1");
    assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(run.err).contains("--network does not apply to 'jcni cache show'");
  }
}
