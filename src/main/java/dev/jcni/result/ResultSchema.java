package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.List;
import java.util.Objects;

/** What the result records share: the version check, list copies, the 0.3+ top-level layout. */
final class ResultSchema {
  private ResultSchema() {}

  static void check(CniVersion version, ResultFamily family) {
    Objects.requireNonNull(version, "cniVersion");
    if (ResultFamily.of(version) != family) {
      throw new IllegalArgumentException(
          "a " + family + " result cannot have cniVersion " + version);
    }
  }

  static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  /**
   * libcni's layout: {@code cniVersion}, then {@code interfaces}, {@code ips} and {@code routes}
   * when not empty, then {@code dns} always.
   */
  static ObjectNode toJson(
      CniVersion version,
      List<Interface> interfaces,
      List<IpConfig> ips,
      List<Route> routes,
      Dns dns) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("cniVersion", version.toString());
    if (!interfaces.isEmpty()) {
      ArrayNode a = o.putArray("interfaces");
      interfaces.forEach(i -> a.add(i.toJson()));
    }
    if (!ips.isEmpty()) {
      ArrayNode a = o.putArray("ips");
      ips.forEach(ip -> a.add(ip.toJson()));
    }
    if (!routes.isEmpty()) {
      ArrayNode a = o.putArray("routes");
      routes.forEach(r -> a.add(r.toJson()));
    }
    o.set("dns", dns.toJson());
    return o;
  }
}
