package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.Objects;

/**
 * A route of a result (SPEC.md section 5, {@code routes}; libcni's {@code types.Route}).
 *
 * <p>{@code mtu}, {@code advmss}, {@code priority}, {@code table} and {@code scope} came with the
 * 1.x results, but libcni shares one route type between every result version, so a route keeps them
 * in 0.x results too; only conversion to 0.1.0/0.2.0 drops them. As in libcni, 0 means "not set"
 * for {@code mtu}, {@code advmss} and {@code priority}, while {@code table} and {@code scope} are
 * set when not {@code null}, 0 included.
 *
 * @param dst the destination in CIDR notation
 * @param gw the next hop, or {@code null} when the route has none (the {@code gateway} of the
 *     matching IP may then be used)
 * @param mtu the path MTU, or 0
 * @param advmss the MSS to advertise, or 0
 * @param priority the route priority (lower is preferred), or 0
 * @param table the routing table, or {@code null}
 * @param scope the route scope (0 global, 253 link, 254 host), or {@code null}
 */
public record Route(
    IpNet dst, IpAddress gw, long mtu, long advmss, long priority, Long table, Long scope) {

  /** Requires a destination. */
  public Route {
    Objects.requireNonNull(dst, "dst");
  }

  /**
   * A route with only a destination and a next hop, as every spec version has them.
   *
   * @param dst the destination
   * @param gw the next hop, or {@code null}
   */
  public Route(IpNet dst, IpAddress gw) {
    this(dst, gw, 0, 0, 0, null, null);
  }

  /**
   * This route with only {@code dst} and {@code gw}: what a 0.1.0/0.2.0 result keeps of it.
   *
   * @return the route without its 1.x fields
   */
  public Route withoutExtraFields() {
    return new Route(dst, gw);
  }

  static Route decode(ObjectNode o, String path) throws MalformedResultException {
    return new Route(
        JsonFields.requiredIpNet(o, "dst", path + ".dst"),
        JsonFields.optionalIpAddress(o, "gw", path + ".gw"),
        JsonFields.goLong(o, "mtu", path + ".mtu"),
        JsonFields.goLong(o, "advmss", path + ".advmss"),
        JsonFields.goLong(o, "priority", path + ".priority"),
        JsonFields.optionalLong(o, "table", path + ".table"),
        JsonFields.optionalLong(o, "scope", path + ".scope"));
  }

  /** libcni's field order and {@code omitempty} rules. */
  ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("dst", dst.toString());
    if (gw != null) {
      o.put("gw", gw.toString());
    }
    if (mtu != 0) {
      o.put("mtu", JsonFields.integer(mtu));
    }
    if (advmss != 0) {
      o.put("advmss", JsonFields.integer(advmss));
    }
    if (priority != 0) {
      o.put("priority", JsonFields.integer(priority));
    }
    if (table != null) {
      o.put("table", JsonFields.integer(table));
    }
    if (scope != null) {
      o.put("scope", JsonFields.integer(scope));
    }
    return o;
  }
}
