package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A 0.1.0 or 0.2.0 result: at most one IPv4 and one IPv6 configuration, each with its routes, and
 * DNS settings (libcni's {@code types/020}).
 *
 * @param cniVersion {@link CniVersion#V0_1_0} or {@link CniVersion#V0_2_0}
 * @param ip4 the {@code ip4} configuration, or {@code null}
 * @param ip6 the {@code ip6} configuration, or {@code null}
 * @param dns the DNS settings; {@code null} means {@link Dns#EMPTY}
 */
public record Result020(CniVersion cniVersion, Ip ip4, Ip ip6, Dns dns) implements Result {

  /**
   * The {@code ip4} or {@code ip6} object of a 0.1.0/0.2.0 result. libcni does not check that the
   * address family matches the key, and neither does jcni.
   *
   * @param ip the address and prefix length
   * @param gateway the gateway, or {@code null}
   * @param routes the routes of this IP; each keeps any 1.x field it was decoded with, as libcni's
   *     shared route type does
   */
  public record Ip(IpNet ip, IpAddress gateway, List<Route> routes) {
    /** Requires an address and copies the routes ({@code null} means none). */
    public Ip {
      Objects.requireNonNull(ip, "ip");
      routes = routes == null ? List.of() : List.copyOf(routes);
    }

    ObjectNode toJson() {
      ObjectNode o = Json.NODES.objectNode();
      o.put("ip", ip.toString());
      if (gateway != null) {
        o.put("gateway", gateway.toString());
      }
      if (!routes.isEmpty()) {
        ArrayNode a = o.putArray("routes");
        routes.forEach(r -> a.add(r.toJson()));
      }
      return o;
    }
  }

  /** Checks that the version is a 0.1.0/0.2.0 one. */
  public Result020 {
    ResultSchema.check(cniVersion, ResultFamily.V020);
    dns = Objects.requireNonNullElse(dns, Dns.EMPTY);
  }

  /** None: 0.1.0/0.2.0 results have no {@code interfaces}. */
  @Override
  public List<Interface> interfaces() {
    return List.of();
  }

  /** {@code ip4} with version {@code "4"}, then {@code ip6} with version {@code "6"}. */
  @Override
  public List<IpConfig> ips() {
    List<IpConfig> ips = new ArrayList<>(2);
    if (ip4 != null) {
      ips.add(new IpConfig("4", null, ip4.ip(), ip4.gateway()));
    }
    if (ip6 != null) {
      ips.add(new IpConfig("6", null, ip6.ip(), ip6.gateway()));
    }
    return List.copyOf(ips);
  }

  /** The routes of {@code ip4}, then those of {@code ip6}. */
  @Override
  public List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    if (ip4 != null) {
      routes.addAll(ip4.routes());
    }
    if (ip6 != null) {
      routes.addAll(ip6.routes());
    }
    return List.copyOf(routes);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("cniVersion", cniVersion.toString());
    if (ip4 != null) {
      o.set("ip4", ip4.toJson());
    }
    if (ip6 != null) {
      o.set("ip6", ip6.toJson());
    }
    o.set("dns", dns.toJson());
    return o;
  }
}
