package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class CacheEntryFormatTest {
  static final Path FIXTURES = GoJsonTest.FIXTURES;

  static byte[] fixture(String name) throws Exception {
    return Files.readAllBytes(FIXTURES.resolve(name));
  }

  static CachedAttachment decodeEntry(byte[] bytes) {
    CacheEntryFormat.Decoded d = CacheEntryFormat.decode(bytes);
    assertThat(d).isInstanceOf(CacheEntryFormat.Entry.class);
    return ((CacheEntryFormat.Entry) d).attachment();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheEntryLibcniWroteForCnitoolWithTheBridgePlugin() throws Exception {
    byte[] bytes = fixture("libcni-1.1.2-cnitool-bridge.json");
    assertThat(bytes).hasSize(763);
    CachedAttachment a = decodeEntry(bytes);
    assertThat(a.key())
        .isEqualTo(AttachmentKey.of("cniref-br", "cnitool-705c6e61e3b30c99ec77", "eth0"));
    assertThat(a.netns()).isEmpty();
    assertThat(a.cniArgs()).isEmpty();
    assertThat(a.capabilityArgs().isEmpty()).isTrue();
    String config = new String(a.config(), StandardCharsets.UTF_8);
    assertThat(config)
        .startsWith("{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"cniref-br\",\n")
        .contains("\"ranges\": [[{\"subnet\": \"198.18.0.0/24\", \"gateway\": \"198.18.0.1\"}]]")
        .endsWith("}]\n}\n");
    ObjectNode result = a.result().orElseThrow();
    assertThat(result.get("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(result.at("/interfaces/2/sandbox").asText()).isEqualTo("/var/run/netns/cniref-c1");
    assertThat(result.at("/ips/0/interface").asInt()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "libcni-1.1.2-cnitool-bridge.json",
        "libcni-1.1.2-tricky.json",
        "libcni-1.1.2-minimal.json",
        "go-layout-with-netns.json"
      })
  void reproducesTheBytesGoWroteForTheSameEntry(String name) throws Exception {
    String go = new String(fixture(name), StandardCharsets.UTF_8);
    // the one documented difference: the shared mapper reads Go's -0 as an integer 0, sign lost
    String expected = go.replace(",-0,", ",0,");
    String ours =
        new String(
            CacheEntryFormat.encode(decodeEntry(go.getBytes(StandardCharsets.UTF_8))),
            StandardCharsets.UTF_8);
    assertThat(ours).isEqualTo(expected);
  }

  @Test
  void readsEveryFieldOfTheTrickyEntry() throws Exception {
    CachedAttachment a = decodeEntry(fixture("go-layout-with-netns.json"));
    assertThat(a.key()).isEqualTo(AttachmentKey.of("tricky.net-1", "c1", "eth0"));
    assertThat(a.netns()).isEqualTo("/var/run/netns/c1");
    assertThat(a.cniArgs())
        .containsExactly(Map.entry("IgnoreUnknown", "1"), Map.entry("K8S_POD_NAME", "p<1>&"));
    assertThat(a.capabilityArgs().get("alpha").asText())
        .isEqualTo(
            "x<y>&z"
                + (char) 0x2028
                + (char) 0x2029
                + "\b\f\t\n\r\u0001\u001f\u007f \u00e9 \ud83d\ude00 \"q\" \\");
    assertThat(a.result().orElseThrow().at("/interfaces/0/sandbox").asText())
        .isEqualTo("/var/run/netns/a<b>&c");
  }

  /**
   * The same input as the Go oracle gave libcni (testdata/cache/go-oracle/main.go): the bytes must
   * be Go's, but for the three numbers Go rounds or signs differently, which are listed here.
   */
  @Test
  void writesWhatLibcniWritesForTheSameInput() throws Exception {
    String caps =
        "{\"zeta\":{\"b\":1.50,\"a\":[3,1e-7,1e21,12345678901234567890,100000000000000000000,-0.0,"
            + "0.1,5e-324,1.7976931348623157e308,0.000001,123456789012345678901234]},"
            + "\"alpha\":\"x<y>&z\\u2028\\u2029\\b\\f\\t\\n\\r\\u0001\\u001f"
            + "\\u007f \u00e9 \ud83d\ude00 \\\"q\\\" \\\\\","
            + "\"Beta\":true,\"beta\":null,\"\u00e9moji\":{},\"\":1,"
            + "\"\uff61\":2,\"\ud83d\ude00\":3,"
            + "\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]}";
    String result =
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
            + "\"mac\":\"0a:ae:7b:bf:9c:0b\","
            + "\"sandbox\":\"/var/run/netns/a<b>&c\"}],\"ips\":[{\"address\":\"198.18.0.2/24\","
            + "\"gateway\":\"198.18.0.1\",\"interface\":0}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
            + "\"dns\":{\"nameservers\":[\"198.18.0.53\"],\"search\":[\"ex\\u2028ample\"]}}";
    String conflist =
        "{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"tricky.net-1\",\n  \"plugins\": [{\"type\":"
            + " \"noop\", \"capabilities\": {\"portMappings\": true}}]\n}\n";
    CachedAttachment a =
        new CachedAttachment(
            AttachmentKey.of("tricky.net-1", "c1", "eth0"),
            "",
            utf8(conflist),
            List.of(Map.entry("IgnoreUnknown", "1"), Map.entry("K8S_POD_NAME", "p<1>&")),
            (ObjectNode) Json.parse(utf8(caps)),
            Optional.of((ObjectNode) Json.parse(utf8(result))));
    String go = new String(fixture("libcni-1.1.2-tricky.json"), StandardCharsets.UTF_8);
    String expected =
        go.replace(",12345678901234567000,", ",12345678901234567890,")
            .replace(",1.2345678901234569e+23]", ",123456789012345678901234]")
            .replace(",-0,", ",0,");
    assertThat(expected).isNotEqualTo(go);
    assertThat(new String(CacheEntryFormat.encode(a), StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void leavesOutEveryEmptyOptionalField() throws Exception {
    CachedAttachment a =
        new CachedAttachment(
            AttachmentKey.of("n", "c", "eth0"),
            "",
            new byte[0],
            List.of(),
            Json.NODES.objectNode(),
            Optional.empty());
    // Go marshals an empty (non-nil) []byte as "", and leaves out the omitempty fields
    assertThat(new String(CacheEntryFormat.encode(a), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"config\":\"\",\"ifName\":\"eth0\","
                + "\"networkName\":\"n\"}");
  }

  @Test
  void readsNullFieldsAsGoDoes() {
    CachedAttachment a =
        decodeEntry(
            utf8(
                "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"config\":null,"
                    + "\"ifName\":\"eth0\","
                    + "\"networkName\":\"n\",\"netns\":null,\"cniArgs\":null,"
                    + "\"capabilityArgs\":null,\"result\":null,\"futureField\":[1]}"));
    assertThat(a.config()).isEmpty();
    assertThat(a.netns()).isEmpty();
    assertThat(a.cniArgs()).isEmpty();
    assertThat(a.capabilityArgs().isEmpty()).isTrue();
    assertThat(a.result()).isEmpty();
  }

  @Test
  void reportsAFileOfAnotherKindAsNotOurs() {
    // libcni before cniCacheV1 stored the bare result under the same name
    assertThat(CacheEntryFormat.decode(utf8("{\"cniVersion\":\"0.3.1\",\"ips\":[]}")))
        .isEqualTo(new CacheEntryFormat.OtherKind("(none)"));
    assertThat(CacheEntryFormat.decode(utf8("{\"kind\":\"cniCacheV2\"}")))
        .isEqualTo(new CacheEntryFormat.OtherKind("\"cniCacheV2\""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\"",
        "[1]",
        "{\"kind\":\"cniCacheV1\",\"containerId\":7,\"ifName\":\"eth0\",\"networkName\":\"n\"}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"\",\"networkName\":\"n\"}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\","
            + "\"networkName\":\"a/b\"}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"networkName\":\"n\","
            + "\"config\":\"not base64!\"}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"networkName\":\"n\","
            + "\"cniArgs\":[[\"K\"]]}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"networkName\":\"n\","
            + "\"cniArgs\":{\"K\":\"V\"}}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"networkName\":\"n\","
            + "\"capabilityArgs\":[]}",
        "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\",\"ifName\":\"eth0\",\"networkName\":\"n\","
            + "\"result\":\"ok\"}"
      })
  void reportsMalformedContentAsCorrupt(String content) {
    assertThat(CacheEntryFormat.decode(utf8(content))).isInstanceOf(CacheEntryFormat.Corrupt.class);
  }
}
