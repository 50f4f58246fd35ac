package dev.jcni.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Typed reads of plugin output with errors that name the offending field. */
final class JsonFields {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFields.class);

  private JsonFields() {}

  /**
   * Parses a document that must be a JSON object. Bytes that are not UTF-8 are read as U+FFFD, as
   * Go's encoding/json reads them: a plugin's message in a Latin-1 locale, say, still decodes.
   */
  static ObjectNode parseObject(byte[] json, String what) throws MalformedResultException {
    JsonNode node;
    try {
      try {
        node = Json.parse(json);
      } catch (JsonProcessingException e) {
        byte[] replaced = withInvalidUtf8Replaced(json);
        if (replaced == null) {
          throw e;
        }
        node = Json.parse(replaced);
        LOG.debug("{} holds bytes that are not UTF-8: read them as U+FFFD", what);
      }
    } catch (JsonProcessingException e) {
      throw new MalformedResultException(
          "", what + " is not valid JSON: " + Json.problem(e) + location(e), e);
    } catch (IOException e) {
      throw new MalformedResultException(
          "", what + " cannot be read: " + UntrustedText.visible(e.getMessage()), e);
    }
    if (!node.isObject()) {
      throw new MalformedResultException(
          "", what + " must be a JSON object, not " + Json.kind(node), null);
    }
    return (ObjectNode) node;
  }

  /** The bytes with every malformed UTF-8 sequence replaced by U+FFFD, or null when there is none. */
  static byte[] withInvalidUtf8Replaced(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return null;
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /** A string field; absent or {@code null} gives {@code null}. */
  static String optionalString(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedResultException(path, "must be a string, not " + Json.kind(v), null);
    }
    return v.textValue();
  }

  /** An integer field; absent or {@code null} gives {@code null}. */
  static Long optionalLong(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MalformedResultException(path, "must be an integer, not " + Json.kind(v), null);
    }
    return v.longValue();
  }

  /** An array of strings; absent or {@code null} gives an empty list. */
  static List<String> stringList(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new MalformedResultException(
          path, "must be an array of strings, not " + Json.kind(v), null);
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw new MalformedResultException(
            path + "[" + i + "]", "must be a string, not " + Json.kind(e), null);
      }
      out.add(e.textValue());
    }
    return out;
  }

  /** An object field; absent or {@code null} gives {@code null}. */
  static ObjectNode optionalObject(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new MalformedResultException(path, "must be an object, not " + Json.kind(v), null);
    }
    return (ObjectNode) v;
  }

  /** An array field; absent or {@code null} gives {@code null}. */
  static ArrayNode optionalArray(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw new MalformedResultException(path, "must be an array, not " + Json.kind(v), null);
    }
    return (ArrayNode) v;
  }

  /** An array element that must be an object ({@code null} included: libcni cannot use it). */
  static ObjectNode objectElement(ArrayNode array, int i, String path)
      throws MalformedResultException {
    JsonNode e = array.get(i);
    if (!e.isObject()) {
      throw new MalformedResultException(path, "must be an object, not " + Json.kind(e), null);
    }
    return (ObjectNode) e;
  }

  /**
   * An array of strings in which, as with Go's {@code encoding/json}, a {@code null} element
   * becomes {@code ""}; absent or {@code null} gives an empty list.
   */
  static List<String> goStringList(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new MalformedResultException(
          path, "must be an array of strings, not " + Json.kind(v), null);
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (e.isNull()) {
        out.add("");
      } else if (e.isTextual()) {
        out.add(e.textValue());
      } else {
        throw new MalformedResultException(
            path + "[" + i + "]", "must be a string, not " + Json.kind(e), null);
      }
    }
    return out;
  }

  /** A string field where, as in Go, absent and {@code null} both give {@code ""}. */
  static String goString(JsonNode parent, String name, String path)
      throws MalformedResultException {
    String s = optionalString(parent, name, path);
    return s == null ? "" : s;
  }

  /** An IP address field; absent, {@code null} and {@code ""} give {@code null} (Go's net.IP). */
  static IpAddress optionalIpAddress(JsonNode parent, String name, String path)
      throws MalformedResultException {
    String s = optionalString(parent, name, path);
    if (s == null || s.isEmpty()) {
      return null;
    }
    IpAddress address = IpAddress.tryParse(s);
    if (address == null) {
      throw new MalformedResultException(path, "invalid IP address " + quote(s), null);
    }
    return address;
  }

  /** A CIDR field that must be present (libcni would print an absent one as "{@code <nil>}"). */
  static IpNet requiredIpNet(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null) {
      throw new MalformedResultException(path, "is missing", null);
    }
    if (!v.isTextual()) {
      throw new MalformedResultException(
          path, "must be a string in CIDR notation, not " + Json.kind(v), null);
    }
    IpNet net = IpNet.tryParse(v.textValue());
    if (net == null) {
      throw new MalformedResultException(
          path, "invalid CIDR address " + quote(v.textValue()), null);
    }
    return net;
  }

  /** An integer field where, as in Go, absent and {@code null} give 0. */
  static long goLong(JsonNode parent, String name, String path) throws MalformedResultException {
    Long v = optionalLong(parent, name, path);
    return v == null ? 0 : v;
  }

  /**
   * A string quoted for an error message: at most 64 characters are shown, and quotes, backslashes
   * and every character that is not visible text (controls, separators, invisible format
   * characters, unpaired surrogates, noncharacters) are escaped, so that hostile output cannot
   * flood a log, break a line or make one value read as another.
   */
  static String quote(String s) {
    int shown = Math.min(s.length(), 64);
    if (shown < s.length() && Character.isHighSurrogate(s.charAt(shown - 1))) {
      shown--; // do not cut a pair in two
    }
    StringBuilder b = new StringBuilder(shown + 32).append('"');
    for (int i = 0; i < shown; ) {
      int cp = s.codePointAt(i);
      if (cp == '"' || cp == '\\' || UntrustedText.escapes(cp)) {
        UntrustedText.appendEscaped(b, cp);
      } else {
        b.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    b.append('"');
    if (shown < s.length()) {
      b.append("... (").append(s.length()).append(" characters)");
    }
    return b.toString();
  }

  /**
   * An integer for a tree that jcni writes, as the shared parser would read it back (big integer
   * nodes), so that a written tree equals the parsed form of its own JSON.
   */
  static BigInteger integer(long value) {
    return BigInteger.valueOf(value);
  }

}
