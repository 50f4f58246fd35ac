package dev.jcni.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static JsonNode parse(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String roundTrip(String s) throws Exception {
    return new String(Json.compact(parse(s)), StandardCharsets.UTF_8);
  }

  @Test
  void keepsNumbersKeyOrderAndUnicodeExactly() throws Exception {
    String doc =
        "{\"z\":1,\"a\":12345678901234567890123,\"d\":1.50,\"e\":-0.0010,\"s\":\"é😀\"}";
    assertThat(roundTrip(doc)).isEqualTo(doc);
  }

  @Test
  void rejectsDuplicateKeysTrailingTokensAndEmptyInput() {
    assertThatThrownBy(() -> parse("{\"a\":1,\"a\":2}"))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> parse("{} {}")).isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> parse("")).isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> parse("{\"a\":NaN}")).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void boundsNestingDepthWithAnExceptionNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> parse(deep))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void prettyPrintsLikeGoMarshalIndentWithFourSpaces() throws Exception {
    assertThat(Json.pretty(parse("{\"a\":[1,{\"b\":{}}],\"c\":[],\"d\":\"x\"}")))
        .isEqualTo(
            "{\n    \"a\": [\n        1,\n        {\n            \"b\": {}\n        }\n    ],\n"
                + "    \"c\": [],\n    \"d\": \"x\"\n}");
  }
}
