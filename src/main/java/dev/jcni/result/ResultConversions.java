package dev.jcni.result;

import java.util.ArrayList;
import java.util.List;

/**
 * The conversion graph between result versions, as one table from family to family. Each entry does
 * what libcni's converter for that pair does (see {@link Result#convertTo(CniVersion)}).
 */
final class ResultConversions {
  private ResultConversions() {}

  /** One edge of the graph: converts a result of the row's family to a version of the column's. */
  @FunctionalInterface
  private interface Conversion {
    Result apply(Result from, CniVersion to) throws ResultConversionException;
  }

  /** Rows: from 0.1/0.2, 0.3/0.4, 1.x. Columns: to 0.1/0.2, 0.3/0.4, 1.x (ResultFamily order). */
  private static final Conversion[][] TABLE = {
    { // from 0.1/0.2
      ResultConversions::relabel020, // to 0.1/0.2
      ResultConversions::from020To040, // to 0.3/0.4
      ResultConversions::from020To100, // to 1.x
    },
    { // from 0.3/0.4
      ResultConversions::from040To020, // to 0.1/0.2
      ResultConversions::relabel040, // to 0.3/0.4
      ResultConversions::from040To100, // to 1.x
    },
    { // from 1.x
      ResultConversions::from100To020, // to 0.1/0.2
      ResultConversions::from100To040, // to 0.3/0.4
      ResultConversions::relabel100, // to 1.x
    },
  };

  static Result convert(Result from, CniVersion to) throws ResultConversionException {
    if (from.cniVersion() == to) {
      return from; // libcni returns the result itself
    }
    int row = ResultFamily.of(from.cniVersion()).ordinal();
    int column = ResultFamily.of(to).ordinal();
    return TABLE[row][column].apply(from, to);
  }

  private static Result relabel020(Result from, CniVersion to) {
    Result020 r = (Result020) from;
    return new Result020(to, r.ip4(), r.ip6(), r.dns());
  }

  private static Result relabel040(Result from, CniVersion to) {
    return new Result040(to, from.interfaces(), from.ips(), from.routes(), from.dns());
  }

  private static Result relabel100(Result from, CniVersion to) {
    return new Result100(to, from.interfaces(), from.ips(), from.routes(), from.dns());
  }

  /** {@code ips} from {@code ip4} (version "4") and {@code ip6} ("6"), their routes in order. */
  private static Result from020To040(Result from, CniVersion to) {
    return new Result040(to, List.of(), from.ips(), from.routes(), from.dns());
  }

  /** libcni goes through 0.4.0. */
  private static Result from020To100(Result from, CniVersion to) {
    return from040To100(from020To040(from, CniVersion.V0_4_0), to);
  }

  /** Drops each IP's version; the interfaces of a 0.3/0.4 result have nothing to drop. */
  private static Result from040To100(Result from, CniVersion to) {
    List<IpConfig> ips = new ArrayList<>(from.ips().size());
    for (IpConfig ip : from.ips()) {
      ips.add(new IpConfig(ip.interfaceIndex(), ip.address(), ip.gateway()));
    }
    return new Result100(to, from.interfaces(), ips, from.routes(), from.dns());
  }

  /** Synthesises each IP's version from its address; interfaces lose their 1.x fields. */
  private static Result from100To040(Result from, CniVersion to) {
    List<Interface> interfaces = new ArrayList<>(from.interfaces().size());
    for (Interface i : from.interfaces()) {
      interfaces.add(i.withoutSpec1Fields());
    }
    List<IpConfig> ips = new ArrayList<>(from.ips().size());
    for (IpConfig ip : from.ips()) {
      ips.add(new IpConfig(ip.familyVersion(), ip.interfaceIndex(), ip.address(), ip.gateway()));
    }
    return new Result040(to, interfaces, ips, from.routes(), from.dns());
  }

  /** libcni goes through 0.4.0. */
  private static Result from100To020(Result from, CniVersion to) throws ResultConversionException {
    return splitByFamily(from100To040(from, CniVersion.V0_4_0), from.cniVersion(), to);
  }

  private static Result from040To020(Result from, CniVersion to) throws ResultConversionException {
    return splitByFamily(from, from.cniVersion(), to);
  }

  /**
   * The first IP labelled "4" and the first labelled "6" (by their {@code version}, not their
   * address); each route to the IP of its destination's family, reduced to {@code dst} and {@code
   * gw}, or dropped when that family has no IP.
   */
  private static Result splitByFamily(Result from, CniVersion original, CniVersion to)
      throws ResultConversionException {
    IpConfig first4 = null;
    IpConfig first6 = null;
    for (IpConfig ip : from.ips()) {
      if ("4".equals(ip.version()) && first4 == null) {
        first4 = ip;
      } else if ("6".equals(ip.version()) && first6 == null) {
        first6 = ip;
      }
      if (first4 != null && first6 != null) {
        break;
      }
    }
    if (first4 == null && first6 == null) {
      // the 0.1.0/0.2.0 schema needs at least one IP
      throw new ResultConversionException(original, to, "no valid IP addresses");
    }
    List<Route> routes4 = new ArrayList<>();
    List<Route> routes6 = new ArrayList<>();
    for (Route route : from.routes()) {
      boolean is4 = route.dst().address().isIpv4();
      if (is4 && first4 != null) {
        routes4.add(route.withoutExtraFields());
      } else if (!is4 && first6 != null) {
        routes6.add(route.withoutExtraFields());
      }
    }
    return new Result020(to, ip020(first4, routes4), ip020(first6, routes6), from.dns());
  }

  private static Result020.Ip ip020(IpConfig ip, List<Route> routes) {
    return ip == null ? null : new Result020.Ip(ip.address(), ip.gateway(), routes);
  }
}
