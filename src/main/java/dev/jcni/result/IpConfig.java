package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.Objects;

/**
 * An IP configuration of a 0.3.0 or later result (SPEC.md section 5, {@code ips}).
 *
 * @param version the IP version a 0.3.x/0.4.0 result states ({@code "4"}, {@code "6"}, or whatever
 *     the plugin wrote, {@code ""} included), or {@code null} in 1.x results, which have no such
 *     field
 * @param interfaceIndex the index into the result's {@code interfaces}, or {@code null} when not
 *     given (0 is a valid index and is written)
 * @param address the address and prefix length
 * @param gateway the gateway of the subnet, or {@code null}
 */
public record IpConfig(String version, Long interfaceIndex, IpNet address, IpAddress gateway) {

  /** Requires an address. */
  public IpConfig {
    Objects.requireNonNull(address, "address");
  }

  /**
   * An IP configuration of a 1.x result (no {@code version}).
   *
   * @param interfaceIndex the index into {@code interfaces}, or {@code null}
   * @param address the address and prefix length
   * @param gateway the gateway, or {@code null}
   */
  public IpConfig(Long interfaceIndex, IpNet address, IpAddress gateway) {
    this(null, interfaceIndex, address, gateway);
  }

  /**
   * The version libcni writes when it turns a 1.x IP into a 0.3.x/0.4.0 one: {@code "4"} for an
   * IPv4 address, {@code "6"} otherwise.
   *
   * @return {@code "4"} or {@code "6"}
   */
  public String familyVersion() {
    return address.address().isIpv4() ? "4" : "6";
  }

  static IpConfig decode(ObjectNode o, String path, boolean withVersion)
      throws MalformedResultException {
    return new IpConfig(
        withVersion ? JsonFields.goString(o, "version", path + ".version") : null,
        JsonFields.optionalLong(o, "interface", path + ".interface"),
        JsonFields.requiredIpNet(o, "address", path + ".address"),
        JsonFields.optionalIpAddress(o, "gateway", path + ".gateway"));
  }

  /** libcni's field order; {@code version} is written whenever present, even when empty. */
  ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    if (version != null) {
      o.put("version", version);
    }
    if (interfaceIndex != null) {
      o.put("interface", JsonFields.integer(interfaceIndex));
    }
    o.put("address", address.toString());
    if (gateway != null) {
      o.put("gateway", gateway.toString());
    }
    return o;
  }
}
