package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CachedAttachmentTest {
  private static final AttachmentKey KEY = AttachmentKey.of("net", "c1", "eth0");

  @Test
  void copiesEveryMutablePartOnTheWayIn() {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    ObjectNode caps = Json.NODES.objectNode().put("bandwidth", 1);
    ObjectNode result = Json.NODES.objectNode().put("cniVersion", "1.0.0");
    List<Map.Entry<String, String>> args = new ArrayList<>(List.of(Map.entry("K", "V")));
    CachedAttachment a =
        new CachedAttachment(KEY, "/run/netns/x", config, args, caps, Optional.of(result));
    config[0] = 'X';
    caps.put("bandwidth", 2);
    result.put("cniVersion", "0.4.0");
    args.add(Map.entry("K2", "V2"));
    assertThat(new String(a.config(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(a.capabilityArgs().get("bandwidth").asInt()).isEqualTo(1);
    assertThat(a.result().orElseThrow().get("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(a.cniArgs()).containsExactly(Map.entry("K", "V"));
  }

  @Test
  void copiesEveryMutablePartOnTheWayOut() {
    CachedAttachment a =
        new CachedAttachment(
            KEY,
            "",
            new byte[] {1},
            List.of(),
            Json.NODES.objectNode().put("x", 1),
            Optional.of(Json.NODES.objectNode().put("cniVersion", "1.0.0")));
    a.config()[0] = 9;
    a.capabilityArgs().put("x", 2);
    a.result().orElseThrow().put("cniVersion", "0.4.0");
    assertThat(a.config()).containsExactly(1);
    assertThat(a.capabilityArgs().get("x").asInt()).isEqualTo(1);
    assertThat(a.result().orElseThrow().get("cniVersion").asText()).isEqualTo("1.0.0");
  }

  @Test
  void anEmptyResultCountsAsNoneAsInLibcni() {
    CachedAttachment a = CachedAttachment.of(KEY, "", new byte[0], Json.NODES.objectNode());
    assertThat(a.result()).isEmpty();
  }

  @Test
  void equalWhenTheContentIsEqual() {
    CachedAttachment a = CachedAttachment.of(KEY, "n", new byte[] {1, 2}, result());
    CachedAttachment b = CachedAttachment.of(KEY, "n", new byte[] {1, 2}, result());
    CachedAttachment c = CachedAttachment.of(KEY, "n", new byte[] {1, 3}, result());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.toString()).contains("2 bytes").doesNotContain("cniVersion");
  }

  @Test
  void comparesJsonNumbersByValue() throws Exception {
    ObjectNode small = (ObjectNode) Json.parse("{\"a\":[1.5,1500]}".getBytes());
    ObjectNode built = Json.NODES.objectNode();
    built.putArray("a").add(new java.math.BigDecimal("1.50")).add(1500);
    ObjectNode different = (ObjectNode) Json.parse("{\"a\":[1.5,1501]}".getBytes());
    CachedAttachment a = entryWithCaps(small);
    assertThat(a).isEqualTo(entryWithCaps(built)).hasSameHashCodeAs(entryWithCaps(built));
    assertThat(a).isNotEqualTo(entryWithCaps(different));
  }

  private static CachedAttachment entryWithCaps(ObjectNode caps) {
    return new CachedAttachment(KEY, "", new byte[0], List.of(), caps, Optional.empty());
  }

  private static ObjectNode result() {
    return Json.NODES.objectNode().put("cniVersion", "1.0.0");
  }
}
