package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GoJsonTest {
  static final Path FIXTURES = Path.of(System.getProperty("jcni.testdata"), "cache");

  private static List<String[]> table(String name) throws IOException {
    return Files.readAllLines(FIXTURES.resolve(name), StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isEmpty())
        .map(l -> l.split("\t", 2))
        .toList();
  }

  private static String write(JsonNode node) throws Exception {
    StringBuilder sb = new StringBuilder();
    GoJson.write(sb, node);
    return sb.toString();
  }

  @Test
  void formatsEveryFloat64AsGoEncodingJsonDoes() throws Exception {
    List<String[]> rows = table("go-float64.tsv");
    assertThat(rows).hasSizeGreaterThan(1000);
    for (String[] row : rows) {
      double d = Double.longBitsToDouble(Long.parseUnsignedLong(row[0], 16));
      assertThat(GoJson.formatFloat64(d)).as("bits %s (%s)", row[0], d).isEqualTo(row[1]);
    }
  }

  @Test
  void writesNumbersAsGoDoesWheneverGoKeepsTheirValue() throws Exception {
    for (String[] row : table("go-number-literals.tsv")) {
      String literal = row[0];
      String go = row[1];
      String ours = GoJson.formatNumber(Json.parse(literal.getBytes(StandardCharsets.UTF_8)));
      if (literal.equals("-0")) {
        // the shared mapper reads -0 as the integer 0, which has no sign; Go keeps a float -0
        assertThat(ours).isEqualTo("0");
      } else if (new BigDecimal(go).compareTo(new BigDecimal(literal)) == 0) {
        assertThat(ours).as("literal %s", literal).isEqualTo(go);
      } else {
        // Go rounds it to a float64; we keep every digit, and Go reads ours as the same float64
        assertThat(new BigDecimal(ours)).as("literal %s", literal).isEqualByComparingTo(literal);
        assertThat(Double.parseDouble(ours))
            .as("literal %s", literal)
            .isEqualTo(Double.parseDouble(go));
      }
    }
  }

  @Test
  void keepsDigitsThatAFloat64CannotHold() throws Exception {
    assertThat(GoJson.formatNumber(Json.parse("12345678901234567890".getBytes())))
        .isEqualTo("12345678901234567890");
    assertThat(GoJson.formatNumber(Json.parse("0.30000000000000000001".getBytes())))
        .isEqualTo("0.30000000000000000001");
  }

  @Test
  void refusesNumbersBeyondTheRangeOfAFloat64() {
    assertThatThrownBy(() -> GoJson.formatNumber(Json.parse("1e400".getBytes())))
        .isInstanceOf(GoJson.UnencodableNumberException.class)
        .hasMessageContaining("1E+400");
    assertThatThrownBy(() -> GoJson.formatNumber(Json.NODES.numberNode(Double.NaN)))
        .isInstanceOf(GoJson.UnencodableNumberException.class);
    assertThatThrownBy(() -> GoJson.formatNumber(Json.NODES.numberNode(Double.POSITIVE_INFINITY)))
        .isInstanceOf(GoJson.UnencodableNumberException.class);
  }

  @Test
  void writesDoubleNodesByTheirBinaryValue() throws Exception {
    // 0.1 as a double is not exactly 0.1, but Go prints the shortest form, and so do we
    assertThat(GoJson.formatNumber(Json.NODES.numberNode(0.1))).isEqualTo("0.1");
    assertThat(GoJson.formatNumber(Json.NODES.numberNode(1e21))).isEqualTo("1e+21");
    assertThat(GoJson.formatNumber(Json.NODES.numberNode(7L))).isEqualTo("7");
  }

  @Test
  void escapesStringsAsGoEncodingJsonDoes() throws Exception {
    List<String[]> rows = table("go-strings.tsv");
    assertThat(rows).hasSizeGreaterThan(128);
    for (String[] row : rows) {
      String s = new String(HexFormat.of().parseHex(row[0]), StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder();
      GoJson.writeString(sb, s);
      assertThat(sb.toString()).as("string %s", row[0]).isEqualTo(row[1]);
    }
  }

  @Test
  void writesALoneSurrogateAsGoWritesInvalidUtf8() {
    StringBuilder sb = new StringBuilder();
    GoJson.writeString(sb, "a\ud800b\udc00");
    assertThat(sb.toString()).isEqualTo("\"a\\ufffdb\\ufffd\"");
  }

  @Test
  void sortsKeysAtEveryLevelByTheirUtf8Bytes() throws Exception {
    ObjectNode node =
        (ObjectNode)
            Json.parse(
                ("{\"b\":{\"z\":1,\"a\":[{\"y\":true,\"x\":null}]},"
                        + "\"\\uD83D\\uDE00\":2,\"\\uFF61\":3,\"A\":4}")
                    .getBytes(StandardCharsets.UTF_8));
    // U+FF61 is EF BD A1 in UTF-8 and sorts before U+1F600 (F0 9F 98 80), although its UTF-16
    // unit FF61 sorts after the surrogate D83D
    assertThat(write(node))
        .isEqualTo(
            "{\"A\":4,\"b\":{\"a\":[{\"x\":null,\"y\":true}],\"z\":1},"
                + "\"\uff61\":3,\"\ud83d\ude00\":2}");
  }
}
