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
    String doc = "{\"z\":1,\"a\":12345678901234567890123,\"d\":1.50,\"e\":-0.0010,\"s\":\"é😀\"}";
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

  private static JsonProcessingException failure(String document) {
    try {
      parse(document);
    } catch (JsonProcessingException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("parsed: " + document);
  }

  @Test
  void problemKeepsJacksonsWordsForOrdinaryInput() {
    assertThat(Json.problem(failure("{\"a\":1,\"a\":2}"))).isEqualTo("Duplicate field 'a'");
    assertThat(Json.problem(failure("{\"a\":tru}")))
        .startsWith("Unrecognized token 'tru': was expecting");
  }

  @Test
  void problemEscapesTheDocumentsInvisibleCharacters() {
    String problem = Json.problem(failure("{\"a\u0085\u202e\":1,\"a\u0085\u202e\":2}"));

    assertThat(problem).isEqualTo("Duplicate field 'a\\u0085\\u202e'");
  }

  @Test
  void problemReplacesAQuotedSourceByItsPosition() {
    String problem = Json.problem(failure("{\"a\": {\"b\u202e\": 1 "));

    assertThat(problem)
        .startsWith("Unexpected end-of-input")
        .contains("line 1, column 7")
        .doesNotContain("Source")
        .doesNotContain("{")
        .doesNotContain("\u202e");
  }

  @Test
  void problemIsOneBoundedLine() {
    String key = "k".repeat(10_000);
    String problem = Json.problem(failure("{\"" + key + "\":1,\"" + key + "\":2}"));

    assertThat(problem).hasSize(Json.MAX_PROBLEM_LENGTH + 3).endsWith("...").doesNotContain("\n");
  }
}
