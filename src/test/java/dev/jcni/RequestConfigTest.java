package dev.jcni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestConfigTest {
  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode tree(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String compact(JsonNode n) {
    return new String(Json.compact(n), StandardCharsets.UTF_8);
  }

  private static final Attachment PLAIN = Attachment.builder("c1", "eth0").netns("/n").build();

  @Test
  void insertsNameAndVersionFirstAndKeepsEveryOtherKeyInPlace() throws Exception {
    ObjectNode plugin =
        json("{\"type\":\"x\",\"big\":123456789012345678901234567890,\"dec\":1.50,\"u\":\"é\\u2028\",\"z\":{\"b\":1,\"a\":2}}");
    ObjectNode out = RequestConfig.forAttachment(plugin, "net", "1.0.0", Set.of(), null, PLAIN);
    assertThat(compact(out))
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":\"x\",\"big\":123456789012345678901234567890,"
                + "\"dec\":1.50,\"u\":\"é\u2028\",\"z\":{\"b\":1,\"a\":2}}");
  }

  @Test
  void replacesNameAndVersionInTheirPlace() throws Exception {
    ObjectNode plugin = json("{\"type\":\"x\",\"name\":\"own\",\"cniVersion\":\"0.3.1\",\"k\":1}");
    ObjectNode out = RequestConfig.forAttachment(plugin, "net", "1.1.0", Set.of(), null, PLAIN);
    assertThat(compact(out))
        .isEqualTo("{\"type\":\"x\",\"name\":\"net\",\"cniVersion\":\"1.1.0\",\"k\":1}");
  }

  @Test
  void runtimeConfigHoldsOnlyDeclaredCapabilitiesTheCallerGives() throws Exception {
    ObjectNode plugin =
        json("{\"type\":\"x\",\"capabilities\":{\"portMappings\":true,\"bandwidth\":false,\"mac\":true}}");
    Attachment a =
        Attachment.builder("c1", "eth0")
            .capabilityArgs(json("{\"portMappings\":[{\"hostPort\":8080}],\"bandwidth\":{\"r\":1},\"ips\":[]}"))
            .build();
    Set<String> declared = new LinkedHashSet<>(List.of("portMappings", "mac"));
    ObjectNode out = RequestConfig.forAttachment(plugin, "n", "1.0.0", declared, null, a);
    assertThat(out.get("runtimeConfig")).isEqualTo(json("{\"portMappings\":[{\"hostPort\":8080}]}"));
    // capabilities passes through, as libcni passes it
    assertThat(out.has("capabilities")).isTrue();
  }

  @Test
  void fileRuntimeConfigStaysWhenNoCapabilityMatches() throws Exception {
    ObjectNode plugin = json("{\"type\":\"x\",\"runtimeConfig\":{\"bandWidth\":{\"a\":1}}}");
    ObjectNode out = RequestConfig.forAttachment(plugin, "n", "1.0.0", Set.of(), null, PLAIN);
    assertThat(out.get("runtimeConfig")).isEqualTo(json("{\"bandWidth\":{\"a\":1}}"));
  }

  @Test
  void prevResultAndArgsAreInsertedWhenGiven() throws Exception {
    Attachment a = Attachment.builder("c1", "eth0").args(json("{\"cni\":{\"labels\":[]}}")).build();
    ObjectNode prev = json("{\"cniVersion\":\"1.0.0\",\"ips\":[]}");
    ObjectNode out = RequestConfig.forAttachment(json("{\"type\":\"x\"}"), "n", "1.0.0", Set.of(), prev, a);
    assertThat(out.get("prevResult")).isEqualTo(prev);
    assertThat(out.get("args")).isEqualTo(json("{\"cni\":{\"labels\":[]}}"));
    assertThat(RequestConfig.forAttachment(json("{\"type\":\"x\"}"), "n", "1.0.0", Set.of(), null, PLAIN).has("prevResult"))
        .isFalse();
  }

  @Test
  void reservedKeysFromTheFileNeverReachThePlugin() throws Exception {
    ObjectNode plugin =
        json("{\"type\":\"x\",\"cni.dev/valid-attachments\":[{\"containerID\":\"forged\",\"ifname\":\"eth0\"}]}");
    ObjectNode add = RequestConfig.forAttachment(plugin, "n", "1.1.0", Set.of(), null, PLAIN);
    assertThat(add.has("cni.dev/valid-attachments")).isFalse();
    ObjectNode gc = RequestConfig.forGc(plugin, "n", "1.1.0", List.of(Map.entry("c1", "eth0")));
    assertThat(gc.get("cni.dev/valid-attachments"))
        .isEqualTo(tree("[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]"));
    assertThat(gc.get("cni.dev/attachments")).isEqualTo(gc.get("cni.dev/valid-attachments"));
  }

  @Test
  void statusGetsNameAndVersionOnly() throws Exception {
    ObjectNode out = RequestConfig.forStatus(json("{\"type\":\"x\",\"a\":1}"), "n", "1.1.0");
    assertThat(compact(out)).isEqualTo("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"x\",\"a\":1}");
  }
}
