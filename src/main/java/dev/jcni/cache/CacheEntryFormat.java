package dev.jcni.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * libcni's cache file format ({@code cachedInfo} in {@code libcni/api.go}), byte for byte.
 *
 * <p>One line of compact JSON, no trailing newline. Top-level keys in the order of libcni's struct:
 * {@code kind}, {@code containerId}, {@code config} (standard base64 with padding), {@code ifName},
 * {@code networkName}, then, each left out when empty, {@code netns} (added after libcni 1.1.2,
 * which ignores it), {@code cniArgs}, {@code capabilityArgs} and {@code result}. The last two pass
 * through a Go map in libcni, so they are written with {@link GoJson}: keys sorted at every level,
 * numbers as Go prints them.
 */
final class CacheEntryFormat {
  /** The value of {@code kind} in every entry libcni and jcni write. */
  static final String KIND = "cniCacheV1";

  private CacheEntryFormat() {}

  /** What a file under {@code results/} turned out to hold. */
  sealed interface Decoded permits Entry, OtherKind, Corrupt {}

  /** A well-formed entry. */
  record Entry(CachedAttachment attachment) implements Decoded {}

  /**
   * A JSON object of another kind (or none), such as the bare results that libcni wrote before it
   * had {@code cniCacheV1}; not ours to judge.
   */
  record OtherKind(String kind) implements Decoded {}

  /**
   * Not an entry: empty, not JSON, or a {@code cniCacheV1} object with fields of the wrong type.
   */
  record Corrupt(String problem) implements Decoded {}

  /**
   * The bytes of {@code attachment}'s file.
   *
   * @throws GoJson.UnencodableNumberException if a number is beyond Go's float64 range
   */
  static byte[] encode(CachedAttachment attachment) throws GoJson.UnencodableNumberException {
    AttachmentKey key = attachment.key();
    StringBuilder out = new StringBuilder(512);
    out.append("{\"kind\":");
    GoJson.writeString(out, KIND);
    out.append(",\"containerId\":");
    GoJson.writeString(out, key.containerId());
    out.append(",\"config\":\"")
        .append(Base64.getEncoder().encodeToString(attachment.config()))
        .append('"');
    out.append(",\"ifName\":");
    GoJson.writeString(out, key.ifName());
    out.append(",\"networkName\":");
    GoJson.writeString(out, key.networkName());
    if (!attachment.netns().isEmpty()) {
      out.append(",\"netns\":");
      GoJson.writeString(out, attachment.netns());
    }
    List<Map.Entry<String, String>> cniArgs = attachment.cniArgs();
    if (!cniArgs.isEmpty()) {
      out.append(",\"cniArgs\":[");
      for (int i = 0; i < cniArgs.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append('[');
        GoJson.writeString(out, cniArgs.get(i).getKey());
        out.append(',');
        GoJson.writeString(out, cniArgs.get(i).getValue());
        out.append(']');
      }
      out.append(']');
    }
    ObjectNode capabilityArgs = attachment.capabilityArgs();
    if (!capabilityArgs.isEmpty()) {
      out.append(",\"capabilityArgs\":");
      GoJson.write(out, capabilityArgs);
    }
    Optional<ObjectNode> result = attachment.result();
    if (result.isPresent()) {
      out.append(",\"result\":");
      GoJson.write(out, result.get());
    }
    out.append('}');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads one file's bytes; never throws for bad content, which is reported as {@link Corrupt}. */
  static Decoded decode(byte[] bytes) {
    if (bytes.length == 0) {
      return new Corrupt("is empty");
    }
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (IOException e) {
      String why =
          e instanceof JsonProcessingException
              ? Json.problem((JsonProcessingException) e)
              : UntrustedText.visible(String.valueOf(e.getMessage()));
      return new Corrupt("is not JSON (" + why + ")");
    }
    if (!root.isObject()) {
      return new Corrupt("holds JSON that is not an object but " + root.getNodeType());
    }
    JsonNode kind = root.get("kind");
    if (kind == null || !kind.isTextual() || !KIND.equals(kind.textValue())) {
      return new OtherKind(kind == null ? "(none)" : kind.toString());
    }
    try {
      String containerId = text(root, "containerId");
      String ifName = text(root, "ifName");
      String networkName = text(root, "networkName");
      AttachmentKey key;
      try {
        key = AttachmentKey.of(networkName, containerId, ifName);
      } catch (IllegalArgumentException e) {
        throw new BadField("networkName/containerId/ifName", e.getMessage());
      }
      return new Entry(
          new CachedAttachment(
              key,
              text(root, "netns"),
              config(root),
              cniArgs(root),
              object(root, "capabilityArgs").orElse(null),
              object(root, "result")));
    } catch (BadField e) {
      return new Corrupt(e.getMessage());
    }
  }

  /** A string field; absent or {@code null} reads as empty, as Go's decoder leaves it. */
  private static String text(JsonNode root, String field) throws BadField {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new BadField(field, "not a string but " + v.getNodeType());
    }
    return v.textValue();
  }

  private static byte[] config(JsonNode root) throws BadField {
    String base64 = text(root, "config");
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new BadField("config", "not standard base64: " + e.getMessage());
    }
  }

  private static List<Map.Entry<String, String>> cniArgs(JsonNode root) throws BadField {
    JsonNode v = root.get("cniArgs");
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new BadField("cniArgs", "not an array but " + v.getNodeType());
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>(v.size());
    for (JsonNode pair : v) {
      if (!pair.isArray()
          || pair.size() != 2
          || !pair.get(0).isTextual()
          || !pair.get(1).isTextual()) {
        throw new BadField("cniArgs", "element " + pair + " is not a pair of strings");
      }
      pairs.add(Map.entry(pair.get(0).textValue(), pair.get(1).textValue()));
    }
    return pairs;
  }

  private static Optional<ObjectNode> object(JsonNode root, String field) throws BadField {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw new BadField(field, "not an object but " + v.getNodeType());
    }
    return Optional.of((ObjectNode) v);
  }

  /** A field of a {@code cniCacheV1} object that does not have the type libcni gives it. */
  private static final class BadField extends Exception {
    private static final long serialVersionUID = 1L;

    BadField(String field, String problem) {
      super("is a cniCacheV1 entry with a bad \"" + field + "\" field: " + problem);
    }
  }
}
