package dev.jcni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-attachment parameters of one operation (SPEC.md section 3, "Attachment Parameters"):
 * what libcni calls {@code RuntimeConf}.
 *
 * <p>An attachment is identified by its container id and interface name. The network namespace,
 * the {@code CNI_ARGS} pairs and the capability arguments must be the same for ADD, CHECK and DEL
 * of one attachment. Values are checked when an operation runs (container id and interface name
 * against the spec's rules), so that a bad value is reported as a {@link CniException} naming it.
 *
 * @param containerId the container id ({@code CNI_CONTAINERID})
 * @param netns the path of the container's network namespace ({@code CNI_NETNS}); may be empty
 *     for DEL of a container whose namespace is gone
 * @param ifName the interface name inside the container ({@code CNI_IFNAME})
 * @param cniArgs the {@code CNI_ARGS} pairs, in order
 * @param capabilityArgs the capability arguments (any JSON), keyed by capability name; each
 *     reaches only the plugins that declare that capability
 * @param args structured arguments inserted as the {@code args} key of every plugin's config
 *     (CONVENTIONS.md), or empty
 * @param traceParent a W3C {@code traceparent} passed to plugins as {@code TRACEPARENT}, or empty
 * @param traceState a W3C {@code tracestate} passed to plugins as {@code TRACESTATE}, or empty
 */
public record Attachment(
    String containerId,
    String netns,
    String ifName,
    List<Map.Entry<String, String>> cniArgs,
    ObjectNode capabilityArgs,
    Optional<ObjectNode> args,
    String traceParent,
    String traceState) {

  /** Copies every mutable part and rejects {@code null}. */
  public Attachment {
    Objects.requireNonNull(containerId, "containerId");
    netns = Objects.requireNonNullElse(netns, "");
    Objects.requireNonNull(ifName, "ifName");
    List<Map.Entry<String, String>> pairs = new ArrayList<>(cniArgs.size());
    for (Map.Entry<String, String> e : cniArgs) {
      pairs.add(Map.entry(e.getKey(), e.getValue()));
    }
    cniArgs = List.copyOf(pairs);
    capabilityArgs =
        capabilityArgs == null ? Json.NODES.objectNode() : capabilityArgs.deepCopy();
    args = Objects.requireNonNullElse(args, Optional.<ObjectNode>empty()).map(ObjectNode::deepCopy);
    traceParent = Objects.requireNonNullElse(traceParent, "");
    traceState = Objects.requireNonNullElse(traceState, "");
  }

  /**
   * Starts an attachment with the two values that identify it.
   *
   * @param containerId the container id
   * @param ifName the interface name inside the container
   * @return a builder; set the namespace and the optional parts, then {@link Builder#build()}
   */
  public static Builder builder(String containerId, String ifName) {
    return new Builder(containerId, ifName);
  }

  /** The capability arguments, as a copy. */
  @Override
  public ObjectNode capabilityArgs() {
    return capabilityArgs.deepCopy();
  }

  /** The structured {@code args}, as a copy. */
  @Override
  public Optional<ObjectNode> args() {
    return args.map(ObjectNode::deepCopy);
  }

  /** {@code CNI_ARGS} as the plugin receives it: {@code K1=V1;K2=V2}. */
  public String cniArgsString() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : cniArgs) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /** Builds an {@link Attachment}. Not thread-safe. */
  public static final class Builder {
    private final String containerId;
    private final String ifName;
    private String netns = "";
    private final List<Map.Entry<String, String>> cniArgs = new ArrayList<>();
    private final ObjectNode capabilityArgs = Json.NODES.objectNode();
    private ObjectNode args;
    private String traceParent = "";
    private String traceState = "";

    private Builder(String containerId, String ifName) {
      this.containerId = Objects.requireNonNull(containerId, "containerId");
      this.ifName = Objects.requireNonNull(ifName, "ifName");
    }

    /**
     * Sets the network namespace path.
     *
     * @param netns for example {@code /var/run/netns/c1}
     * @return this builder
     */
    public Builder netns(String netns) {
      this.netns = Objects.requireNonNull(netns, "netns");
      return this;
    }

    /**
     * Appends one {@code CNI_ARGS} pair.
     *
     * @param key the key, for example {@code K8S_POD_NAME}
     * @param value the value
     * @return this builder
     */
    public Builder cniArg(String key, String value) {
      cniArgs.add(Map.entry(key, value));
      return this;
    }

    /**
     * Sets one capability argument (CONVENTIONS.md), replacing an earlier value.
     *
     * @param capability for example {@code portMappings}
     * @param value any JSON
     * @return this builder
     */
    public Builder capabilityArg(String capability, JsonNode value) {
      capabilityArgs.set(capability, value.deepCopy());
      return this;
    }

    /**
     * Sets every capability argument from one JSON object (what cnitool reads from {@code
     * CAP_ARGS}).
     *
     * @param all an object keyed by capability name
     * @return this builder
     */
    public Builder capabilityArgs(ObjectNode all) {
      capabilityArgs.removeAll();
      capabilityArgs.setAll(all.deepCopy());
      return this;
    }

    /**
     * Sets the structured {@code args} inserted into every plugin's config.
     *
     * @param args an object such as {@code {"cni":{"labels":[...]}}}
     * @return this builder
     */
    public Builder args(ObjectNode args) {
      this.args = args.deepCopy();
      return this;
    }

    /**
     * Sets the W3C trace context passed to plugins.
     *
     * @param traceParent the {@code traceparent} value
     * @param traceState the {@code tracestate} value, or empty
     * @return this builder
     */
    public Builder traceContext(String traceParent, String traceState) {
      this.traceParent = Objects.requireNonNull(traceParent, "traceParent");
      this.traceState = Objects.requireNonNull(traceState, "traceState");
      return this;
    }

    /** The attachment. */
    public Attachment build() {
      return new Attachment(
          containerId,
          netns,
          ifName,
          cniArgs,
          capabilityArgs,
          Optional.ofNullable(args),
          traceParent,
          traceState);
    }
  }
}
