package dev.jcni.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Go's {@code encoding/json} marshals a {@code map[string]interface{}}, which
 * is how libcni stores {@code capabilityArgs} and {@code result} in its cache files.
 *
 * <ul>
 *   <li>Object keys sorted at every level, by their UTF-8 bytes (Go compares strings bytewise,
 *       which differs from {@link String#compareTo} for characters outside the BMP).
 *   <li>Strings escaped as Go does by default: {@code <}, {@code >}, {@code &}, U+2028 and U+2029
 *       as {@code \}{@code u} escapes with lowercase hex, {@code \n}, {@code \r}, {@code \t} short,
 *       every other control character (including backspace and form feed, as Go 1.19 and libcni
 *       1.1.2 do; Go 1.22 writes those two as {@code \b} and {@code \f}) as a {@code \}{@code
 *       u00xx} escape; everything else raw UTF-8. A lone surrogate, which Go cannot hold, becomes
 *       the escape of U+FFFD, as Go writes invalid UTF-8.
 *   <li>Numbers as Go prints a {@code float64} ({@link #formatFloat64}) whenever that is the same
 *       number; otherwise (more digits than a {@code float64} holds, as in {@code
 *       12345678901234567890}) the exact value, which Go still reads. A number beyond the range of
 *       a {@code float64} is refused: Go could not read the file.
 * </ul>
 */
final class GoJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  // spelled as numbers: written as unicode escapes, some tools take them for line breaks
  private static final char LINE_SEPARATOR = 0x2028;
  private static final char PARAGRAPH_SEPARATOR = 0x2029;

  private GoJson() {}

  /** Appends {@code node} as compact JSON, in Go's form. */
  static void write(StringBuilder out, JsonNode node) throws UnencodableNumberException {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      fields.sort((a, b) -> compareUtf8(a.getKey(), b.getKey()));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> field : fields) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(out, field.getKey());
        out.append(':');
        write(out, field.getValue());
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, node.get(i));
      }
      out.append(']');
    } else if (node.isTextual()) {
      writeString(out, node.textValue());
    } else if (node.isNumber()) {
      out.append(formatNumber(node));
    } else if (node.isBoolean()) {
      out.append(node.booleanValue() ? "true" : "false");
    } else if (node.isNull()) {
      out.append("null");
    } else {
      // binary, POJO or missing nodes never come out of a parse; refuse rather than guess
      throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  /** Appends {@code s} as a JSON string literal, escaped as Go escapes it by default. */
  static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '<':
        case '>':
        case '&':
        case LINE_SEPARATOR:
        case PARAGRAPH_SEPARATOR:
          unicodeEscape(out, c);
          break;
        default:
          if (c < 0x20) {
            unicodeEscape(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(out, '\ufffd');
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }

  /** Orders strings by their UTF-8 bytes, as Go's {@code <} on strings does. */
  static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The text of a number node: Go's {@code float64} form if that is the same number, else exact.
   *
   * @throws UnencodableNumberException if the number is not finite as a {@code float64}
   */
  static String formatNumber(JsonNode node) throws UnencodableNumberException {
    if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
      // a double (or float) node built by hand: its value is the binary one, print it as Go would
      double d = node.doubleValue();
      if (!Double.isFinite(d)) {
        throw new UnencodableNumberException(String.valueOf(d));
      }
      return formatFloat64(d);
    }
    BigDecimal exact =
        node.isBigDecimal() ? node.decimalValue() : new BigDecimal(node.bigIntegerValue());
    double d = exact.doubleValue();
    if (!Double.isFinite(d)) {
      throw new UnencodableNumberException(exact.toString());
    }
    String go = formatFloat64(d);
    if (new BigDecimal(go).compareTo(exact) == 0) {
      return go;
    }
    // Go would round this to the nearest float64; keep every digit instead (Go reads it the same)
    return node.isBigDecimal() ? exact.toString() : node.bigIntegerValue().toString();
  }

  /**
   * Formats a finite double exactly as Go's {@code encoding/json} does: the shortest decimal that
   * reads back as the same double, in plain notation when {@code 1e-6 <= |d| < 1e21} and otherwise
   * in exponent notation ({@code 1e-7}, {@code 1e+21}, {@code 1.5e+300}).
   */
  static String formatFloat64(double d) {
    if (d == 0) {
      return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
    }
    BigDecimal shortest = shortestDecimal(d).stripTrailingZeros();
    double abs = Math.abs(d);
    if (abs >= 1e-6 && abs < 1e21) {
      return shortest.toPlainString();
    }
    BigInteger unscaled = shortest.unscaledValue();
    String digits = unscaled.abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    StringBuilder sb = new StringBuilder();
    if (unscaled.signum() < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    // Go writes at least two exponent digits for positive exponents (e+21) and then trims the
    // leading zero of negative ones (e-07 becomes e-7).
    sb.append('e').append(exponent < 0 ? '-' : '+');
    int absExp = Math.abs(exponent);
    if (exponent >= 0 && absExp < 10) {
      sb.append('0');
    }
    sb.append(absExp);
    return sb.toString();
  }

  /**
   * The decimal with the fewest significant digits that reads back as {@code d}; among those of
   * that length, the one nearest to {@code d}. Java 17's {@link Double#toString(double)} does not
   * always give the shortest (JDK-4511638, fixed in 19), so this searches by precision.
   */
  private static BigDecimal shortestDecimal(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
      boolean downOk = down.doubleValue() == d;
      boolean upOk = up.doubleValue() == d;
      if (downOk && upOk) {
        int cmp = exact.subtract(down).abs().compareTo(up.subtract(exact).abs());
        if (cmp != 0) {
          return cmp < 0 ? down : up;
        }
        return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      }
      if (downOk) {
        return down;
      }
      if (upOk) {
        return up;
      }
    }
    // 17 significant digits always identify a double
    throw new AssertionError("no 17-digit decimal for " + d);
  }

  /** A number that Go's {@code float64} cannot hold. */
  static final class UnencodableNumberException extends Exception {
    private static final long serialVersionUID = 1L;

    UnencodableNumberException(String number) {
      super(number);
    }
  }
}
