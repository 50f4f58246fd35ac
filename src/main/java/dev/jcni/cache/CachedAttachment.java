package dev.jcni.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One cache entry: what libcni records after a successful ADD so that CHECK, DEL and GC can run
 * later with the same parameters, even after the configuration changed.
 *
 * <p>The record is immutable: the byte array and the JSON trees are copied on the way in and on the
 * way out.
 *
 * @param key the network, container and interface
 * @param netns the network namespace path given at ADD; empty when unknown (libcni up to 1.1.2 does
 *     not store it)
 * @param config the network list's raw bytes as given to ADD (libcni stores them base64-encoded)
 * @param cniArgs the {@code CNI_ARGS} pairs, in order
 * @param capabilityArgs every capability argument given to ADD (not only those a plugin used);
 *     empty when there were none
 * @param result the final result of ADD, as JSON; empty when there is none. An empty object counts
 *     as none, as in libcni, which leaves an empty result out of the file
 */
public record CachedAttachment(
    AttachmentKey key,
    String netns,
    byte[] config,
    List<Map.Entry<String, String>> cniArgs,
    ObjectNode capabilityArgs,
    Optional<ObjectNode> result) {

  private static final Comparator<JsonNode> JSON_VALUE_ORDER = CachedAttachment::compareJsonValues;

  /**
   * Copies every mutable part.
   *
   * @throws NullPointerException if the key, the config, a pair or one of its halves is {@code
   *     null}
   */
  public CachedAttachment {
    Objects.requireNonNull(key, "key");
    netns = Objects.requireNonNullElse(netns, "");
    config = Objects.requireNonNull(config, "config").clone();
    List<Map.Entry<String, String>> pairs = new ArrayList<>(cniArgs.size());
    for (Map.Entry<String, String> e : cniArgs) {
      pairs.add(Map.entry(e.getKey(), e.getValue()));
    }
    cniArgs = List.copyOf(pairs);
    capabilityArgs = capabilityArgs == null ? Json.NODES.objectNode() : capabilityArgs.deepCopy();
    result =
        Objects.requireNonNullElse(result, Optional.<ObjectNode>empty())
            .filter(r -> !r.isEmpty())
            .map(ObjectNode::deepCopy);
  }

  /**
   * Creates an entry with the values every ADD has: no {@code CNI_ARGS}, no capability arguments.
   *
   * @param key the network, container and interface
   * @param netns the network namespace path, or empty
   * @param config the network list's raw bytes
   * @param result the final result of ADD
   * @return the entry
   */
  public static CachedAttachment of(
      AttachmentKey key, String netns, byte[] config, ObjectNode result) {
    return new CachedAttachment(
        key, netns, config, List.of(), Json.NODES.objectNode(), Optional.of(result));
  }

  /**
   * The parameters the attachment was added with, for a DEL or CHECK of it: container id, netns,
   * interface, {@code CNI_ARGS} and capability arguments (the cache holds no structured {@code
   * args} or trace context).
   *
   * @return the attachment
   */
  public dev.jcni.Attachment attachment() {
    return new dev.jcni.Attachment(
        key.containerId(), netns, key.ifName(), cniArgs, capabilityArgs, Optional.empty(), "", "");
  }

  /** The network list's raw bytes, as a copy. */
  @Override
  public byte[] config() {
    return config.clone();
  }

  /** The capability arguments, as a copy. */
  @Override
  public ObjectNode capabilityArgs() {
    return capabilityArgs.deepCopy();
  }

  /** The result of ADD, as a copy. */
  @Override
  public Optional<ObjectNode> result() {
    return result.map(ObjectNode::deepCopy);
  }

  /**
   * Equal when every component is equal: the config by content, the JSON trees as JSON values
   * (numbers by value, so that {@code 1.5} equals {@code 1.50} and an {@code int} equals the same
   * big integer read back from a file).
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CachedAttachment)) {
      return false;
    }
    CachedAttachment other = (CachedAttachment) o;
    return key.equals(other.key)
        && netns.equals(other.netns)
        && Arrays.equals(config, other.config)
        && cniArgs.equals(other.cniArgs)
        && capabilityArgs.equals(JSON_VALUE_ORDER, other.capabilityArgs)
        && result.isPresent() == other.result.isPresent()
        && (result.isEmpty() || result.get().equals(JSON_VALUE_ORDER, other.result.get()));
  }

  /** A hash consistent with {@link #equals(Object)} (the JSON trees do not take part). */
  @Override
  public int hashCode() {
    return Objects.hash(key, netns, Arrays.hashCode(config), cniArgs);
  }

  /** Compares two leaves of a JSON tree: 0 when equal as JSON values. */
  private static int compareJsonValues(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber() && isFinite(a) && isFinite(b)) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  }

  private static boolean isFinite(JsonNode number) {
    return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }

  /** The key, the namespace and the sizes of the rest; never the config or result themselves. */
  @Override
  public String toString() {
    return "CachedAttachment[key="
        + key
        + ", netns="
        + netns
        + ", config="
        + config.length
        + " bytes, cniArgs="
        + cniArgs.size()
        + ", capabilityArgs="
        + capabilityArgs.size()
        + ", result="
        + (result.isPresent() ? "present" : "absent")
        + "]";
  }
}
