package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A 0.3.0, 0.3.1 or 0.4.0 result: interfaces, IPs with a {@code version} and an interface index,
 * routes and DNS settings (libcni's {@code types/040}).
 *
 * @param cniVersion {@link CniVersion#V0_3_0}, {@link CniVersion#V0_3_1} or {@link
 *     CniVersion#V0_4_0}
 * @param interfaces the interfaces; none may have a 1.x field set
 * @param ips the IPs; each must have a {@code version} (which may be {@code ""})
 * @param routes the routes
 * @param dns the DNS settings; {@code null} means {@link Dns#EMPTY}
 */
public record Result040(
    CniVersion cniVersion,
    List<Interface> interfaces,
    List<IpConfig> ips,
    List<Route> routes,
    Dns dns)
    implements Result {

  /** Checks the version and the fields this schema has; copies the lists. */
  public Result040 {
    ResultSchema.check(cniVersion, ResultFamily.V040);
    interfaces = ResultSchema.copy(interfaces);
    ips = ResultSchema.copy(ips);
    routes = ResultSchema.copy(routes);
    dns = dns == null ? Dns.EMPTY : dns;
    for (int i = 0; i < interfaces.size(); i++) {
      if (interfaces.get(i).hasSpec1Fields()) {
        throw new IllegalArgumentException(
            "interfaces[" + i + "]: mtu, socketPath and pciID need a 1.x result");
      }
    }
    for (int i = 0; i < ips.size(); i++) {
      if (ips.get(i).version() == null) {
        throw new IllegalArgumentException(
            "ips[" + i + "]: a " + cniVersion + " IP needs a version");
      }
    }
  }

  @Override
  public ObjectNode toJson() {
    return ResultSchema.toJson(cniVersion, interfaces, ips, routes, dns);
  }
}
