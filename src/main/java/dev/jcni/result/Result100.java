package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A 1.0.0 or 1.1.0 result (the two share one schema): interfaces with MTU, socket path and PCI ID,
 * IPs without {@code version}, routes with MTU, advertised MSS, priority, table and scope, and DNS
 * settings (libcni's {@code types/100}).
 *
 * @param cniVersion {@link CniVersion#V1_0_0} or {@link CniVersion#V1_1_0}
 * @param interfaces the interfaces
 * @param ips the IPs; none may have a {@code version}
 * @param routes the routes
 * @param dns the DNS settings; {@code null} means {@link Dns#EMPTY}
 */
public record Result100(
    CniVersion cniVersion,
    List<Interface> interfaces,
    List<IpConfig> ips,
    List<Route> routes,
    Dns dns)
    implements Result {

  /** Checks the version and the fields this schema has; copies the lists. */
  public Result100 {
    ResultSchema.check(cniVersion, ResultFamily.V100);
    interfaces = ResultSchema.copy(interfaces);
    ips = ResultSchema.copy(ips);
    routes = ResultSchema.copy(routes);
    dns = dns == null ? Dns.EMPTY : dns;
    for (int i = 0; i < ips.size(); i++) {
      if (ips.get(i).version() != null) {
        throw new IllegalArgumentException(
            "ips[" + i + "]: a " + cniVersion + " IP has no version");
      }
    }
  }

  @Override
  public ObjectNode toJson() {
    return ResultSchema.toJson(cniVersion, interfaces, ips, routes, dns);
  }
}
