package dev.jcni.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of plugin output with errors that name the offending field. */
final class JsonFields {
  private JsonFields() {}

  /** Parses a document that must be a JSON object. */
  static ObjectNode parseObject(byte[] json, String what) throws MalformedResultException {
    JsonNode node;
    try {
      node = Json.parse(json);
    } catch (JsonProcessingException e) {
      throw new MalformedResultException(
          "", what + " is not valid JSON: " + e.getOriginalMessage() + location(e), e);
    } catch (IOException e) {
      throw new MalformedResultException("", what + " cannot be read: " + e.getMessage(), e);
    }
    if (!node.isObject()) {
      throw new MalformedResultException(
          "", what + " must be a JSON object, not " + kind(node), null);
    }
    return (ObjectNode) node;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  /** A string field; absent or {@code null} gives {@code null}. */
  static String optionalString(JsonNode parent, String name, String path)
      throws MalformedResultException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedResultException(path, "must be a string, not " + kind(v), null);
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
      throw new MalformedResultException(path, "must be an integer, not " + kind(v), null);
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
      throw new MalformedResultException(path, "must be an array of strings, not " + kind(v), null);
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw new MalformedResultException(
            path + "[" + i + "]", "must be a string, not " + kind(e), null);
      }
      out.add(e.textValue());
    }
    return out;
  }

  /** How a JSON value is named in error messages. */
  static String kind(JsonNode v) {
    switch (v.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
