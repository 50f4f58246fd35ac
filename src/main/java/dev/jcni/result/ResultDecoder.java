package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a result object into the record of its version family, in one pass over the known fields of
 * an already parsed tree. Unknown fields are ignored, as libcni ignores them.
 */
final class ResultDecoder {
  private ResultDecoder() {}

  static Result decode(ObjectNode o, CniVersion configVersion) throws MalformedResultException {
    CniVersion version = version(o, configVersion);
    Dns dns = Dns.decode(JsonFields.optionalObject(o, "dns", "dns"), "dns");
    switch (ResultFamily.of(version)) {
      case V020:
        return new Result020(version, ip020(o, "ip4"), ip020(o, "ip6"), dns);
      case V040:
        return new Result040(
            version, interfaces(o, false), ips(o, true), routes(o, "routes", "routes"), dns);
      case V100:
        return new Result100(
            version, interfaces(o, true), ips(o, false), routes(o, "routes", "routes"), dns);
      default:
        throw new AssertionError(version);
    }
  }

  private static CniVersion version(ObjectNode o, CniVersion configVersion)
      throws MalformedResultException {
    String text = JsonFields.optionalString(o, "cniVersion", "cniVersion");
    if (text == null || text.isEmpty()) {
      return configVersion;
    }
    CniVersion version = CniVersion.find(text).orElse(null);
    if (version == null) {
      throw new MalformedResultException(
          "cniVersion", "unsupported CNI result version " + JsonFields.quote(text), null);
    }
    return version;
  }

  private static Result020.Ip ip020(ObjectNode o, String name) throws MalformedResultException {
    ObjectNode ip = JsonFields.optionalObject(o, name, name);
    if (ip == null) {
      return null;
    }
    return new Result020.Ip(
        JsonFields.requiredIpNet(ip, "ip", name + ".ip"),
        JsonFields.optionalIpAddress(ip, "gateway", name + ".gateway"),
        routes(ip, "routes", name + ".routes"));
  }

  private static List<Interface> interfaces(ObjectNode o, boolean spec1)
      throws MalformedResultException {
    ArrayNode a = JsonFields.optionalArray(o, "interfaces", "interfaces");
    if (a == null) {
      return List.of();
    }
    List<Interface> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      String path = "interfaces[" + i + "]";
      out.add(Interface.decode(JsonFields.objectElement(a, i, path), path, spec1));
    }
    return out;
  }

  private static List<IpConfig> ips(ObjectNode o, boolean withVersion)
      throws MalformedResultException {
    ArrayNode a = JsonFields.optionalArray(o, "ips", "ips");
    if (a == null) {
      return List.of();
    }
    List<IpConfig> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      String path = "ips[" + i + "]";
      out.add(IpConfig.decode(JsonFields.objectElement(a, i, path), path, withVersion));
    }
    return out;
  }

  private static List<Route> routes(ObjectNode o, String name, String path)
      throws MalformedResultException {
    ArrayNode a = JsonFields.optionalArray(o, name, path);
    if (a == null) {
      return List.of();
    }
    List<Route> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      String p = path + "[" + i + "]";
      out.add(Route.decode(JsonFields.objectElement(a, i, p), p));
    }
    return out;
  }
}
