package dev.jcni.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One network a container is to be attached to, with the options of that one attachment: CRI-O's
 * per-network runtime configuration, or one entry of a Multus network selection.
 *
 * @param network the network's name, or empty for the default network of the configuration
 *     directory (whichever it is when the container is attached)
 * @param ifName the interface name inside the container, or empty to have one assigned ({@code
 *     eth0} for the first network of a request, {@code net1}, {@code net2}, ... for the others; see
 *     {@link AttachRequest})
 * @param cniArgs {@code CNI_ARGS} pairs for this network only, appended to the request's own
 * @param capabilityArgs capability arguments for this network only (build them with {@link
 *     dev.jcni.capability.CapabilityArgs}); each reaches only the plugins that declare the
 *     capability
 * @param args structured {@code args} inserted into every plugin config of this network, or empty
 */
public record NetworkSelection(
    Optional<String> network,
    Optional<String> ifName,
    List<Map.Entry<String, String>> cniArgs,
    ObjectNode capabilityArgs,
    Optional<ObjectNode> args) {

  /** Copies every mutable part; rejects {@code null} and empty names. */
  public NetworkSelection {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(ifName, "ifName");
    if (network.isPresent() && network.get().isEmpty()) {
      throw new IllegalArgumentException(
          "a network name cannot be empty (use an empty Optional for the default network)");
    }
    if (ifName.isPresent() && ifName.get().isEmpty()) {
      throw new IllegalArgumentException(
          "an interface name cannot be empty (use an empty Optional to have one assigned)");
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>(cniArgs.size());
    for (Map.Entry<String, String> e : cniArgs) {
      pairs.add(Map.entry(e.getKey(), e.getValue()));
    }
    cniArgs = List.copyOf(pairs);
    capabilityArgs = capabilityArgs == null ? Json.NODES.objectNode() : capabilityArgs.deepCopy();
    args = Objects.requireNonNull(args, "args").map(ObjectNode::deepCopy);
  }

  /**
   * The default network, with no options and an assigned interface name.
   *
   * @return the selection
   */
  public static NetworkSelection defaultNetwork() {
    return builder().build();
  }

  /**
   * A network by name, with no options and an assigned interface name.
   *
   * @param network the network's name
   * @return the selection
   */
  public static NetworkSelection named(String network) {
    return builder(network).build();
  }

  /**
   * Starts a selection of the default network.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder(Optional.empty());
  }

  /**
   * Starts a selection of a network by name.
   *
   * @param network the network's name, as its configuration file gives it
   * @return a builder
   */
  public static Builder builder(String network) {
    return new Builder(Optional.of(Objects.requireNonNull(network, "network")));
  }

  /** Whether this selects the default network rather than one by name. */
  public boolean isDefaultNetwork() {
    return network.isEmpty();
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

  /** A copy with the given interface name. */
  NetworkSelection withIfName(String name) {
    return new NetworkSelection(network, Optional.of(name), cniArgs, capabilityArgs, args);
  }

  /**
   * What this selection is called in messages: {@code network "n"} or {@code the default network}.
   */
  String describe() {
    return network.map(n -> "network \"" + n + "\"").orElse("the default network");
  }

  /** Builds a {@link NetworkSelection}. Not thread-safe. */
  public static final class Builder {
    private final Optional<String> network;
    private String ifName;
    private final List<Map.Entry<String, String>> cniArgs = new ArrayList<>();
    private final ObjectNode capabilityArgs = Json.NODES.objectNode();
    private ObjectNode args;

    private Builder(Optional<String> network) {
      this.network = network;
    }

    /**
     * Sets the interface name inside the container instead of an assigned one.
     *
     * @param name for example {@code eth1}
     * @return this builder
     */
    public Builder ifName(String name) {
      this.ifName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Appends a {@code CNI_ARGS} pair for this network.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder cniArg(String key, String value) {
      cniArgs.add(Map.entry(key, value));
      return this;
    }

    /**
     * Sets every capability argument of this network from one object, such as {@link
     * dev.jcni.capability.CapabilityArgs.Builder#build()} gives.
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
     * Sets one capability argument of this network, replacing an earlier value.
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
     * Sets the structured {@code args} inserted into every plugin config of this network.
     *
     * @param structured an object such as {@code {"cni":{"labels":[...]}}}
     * @return this builder
     */
    public Builder args(ObjectNode structured) {
      this.args = structured.deepCopy();
      return this;
    }

    /** The selection. */
    public NetworkSelection build() {
      return new NetworkSelection(
          network, Optional.ofNullable(ifName), cniArgs, capabilityArgs, Optional.ofNullable(args));
    }
  }
}
