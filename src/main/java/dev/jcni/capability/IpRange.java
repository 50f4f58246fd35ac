package dev.jcni.capability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.result.IpAddress;
import dev.jcni.result.IpNet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One range of an {@code ipRanges} range set, in the form of {@code host-local}'s {@code ranges}: a
 * subnet, optionally narrowed to {@code rangeStart}..{@code rangeEnd}, and a gateway.
 *
 * <p>The checks are {@code host-local}'s, done early: the subnet is written as its network address
 * (no host bits) and leaves room for at least two addresses (IPv4 /30, IPv6 /126 at the smallest),
 * start and end lie in the subnet with start not after end, and every address is of the subnet's
 * family. Addresses are parsed numerically, never resolved.
 *
 * @param subnet the subnet, such as {@code 198.18.0.0/24}
 * @param rangeStart the first address to allocate, or empty for the subnet's first host
 * @param rangeEnd the last address to allocate, or empty for the subnet's last host
 * @param gateway the gateway, or empty for the plugin's default (the subnet's first host)
 */
public record IpRange(
    IpNet subnet,
    Optional<IpAddress> rangeStart,
    Optional<IpAddress> rangeEnd,
    Optional<IpAddress> gateway) {

  /** Checks the range as {@code host-local} does. */
  public IpRange {
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(rangeStart, "rangeStart");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
    Objects.requireNonNull(gateway, "gateway");
    byte[] network = subnet.address().toByteArray();
    int bits = network.length * 8;
    if (!Arrays.equals(network, masked(network, subnet.prefixLength()))) {
      throw new IllegalArgumentException(
          "ipRanges: subnet "
              + subnet
              + " has host bits set; write it as "
              + address(masked(network, subnet.prefixLength()))
              + "/"
              + subnet.prefixLength());
    }
    if (subnet.prefixLength() > bits - 2) {
      throw new IllegalArgumentException(
          "ipRanges: subnet " + subnet + " is too small to allocate addresses from");
    }
    for (Optional<IpAddress> a : List.of(rangeStart, rangeEnd, gateway)) {
      if (a.isPresent() && a.get().isIpv4() != subnet.address().isIpv4()) {
        throw new IllegalArgumentException(
            "ipRanges: " + a.get() + " is not of the same address family as subnet " + subnet);
      }
    }
    rangeStart.ifPresent(a -> checkInSubnet("rangeStart", a, subnet));
    rangeEnd.ifPresent(a -> checkInSubnet("rangeEnd", a, subnet));
    if (Arrays.compareUnsigned(first(subnet, rangeStart), last(subnet, rangeEnd)) > 0) {
      throw new IllegalArgumentException(
          "ipRanges: in subnet "
              + subnet
              + " the range starts at "
              + address(first(subnet, rangeStart))
              + ", after its end "
              + address(last(subnet, rangeEnd)));
    }
  }

  /**
   * A range over a whole subnet.
   *
   * @param subnet CIDR notation, such as {@code 198.18.0.0/24}
   * @return the range
   * @throws IllegalArgumentException when the text is not CIDR notation or the subnet is unusable
   */
  public static IpRange of(String subnet) {
    return new IpRange(IpNet.parse(subnet), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * This range starting at another address.
   *
   * @param address the first address to allocate
   * @return the new range
   * @throws IllegalArgumentException when the address is not valid for the subnet
   */
  public IpRange withRangeStart(String address) {
    return new IpRange(subnet, Optional.of(IpAddress.parse(address)), rangeEnd, gateway);
  }

  /**
   * This range ending at another address.
   *
   * @param address the last address to allocate
   * @return the new range
   * @throws IllegalArgumentException when the address is not valid for the subnet
   */
  public IpRange withRangeEnd(String address) {
    return new IpRange(subnet, rangeStart, Optional.of(IpAddress.parse(address)), gateway);
  }

  /**
   * This range with a gateway.
   *
   * @param address the gateway
   * @return the new range
   * @throws IllegalArgumentException when the address is not of the subnet's family
   */
  public IpRange withGateway(String address) {
    return new IpRange(subnet, rangeStart, rangeEnd, Optional.of(IpAddress.parse(address)));
  }

  /** Whether this range is IPv4. */
  boolean isIpv4() {
    return subnet.address().isIpv4();
  }

  /** Whether the addresses this range allocates and those of the other range meet. */
  boolean overlaps(IpRange other) {
    if (isIpv4() != other.isIpv4()) {
      return false;
    }
    return Arrays.compareUnsigned(first(subnet, rangeStart), last(other.subnet, other.rangeEnd))
            <= 0
        && Arrays.compareUnsigned(first(other.subnet, other.rangeStart), last(subnet, rangeEnd))
            <= 0;
  }

  /** Whether the address is one this range allocates from. */
  boolean contains(IpAddress address) {
    if (address.isIpv4() != isIpv4()) {
      return false;
    }
    byte[] a = address.toByteArray();
    return Arrays.compareUnsigned(a, first(subnet, rangeStart)) >= 0
        && Arrays.compareUnsigned(a, last(subnet, rangeEnd)) <= 0;
  }

  /**
   * The range as {@code host-local} decodes it: {@code subnet} and, when set, {@code rangeStart},
   * {@code rangeEnd} and {@code gateway}.
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("subnet", subnet.toString());
    rangeStart.ifPresent(a -> o.put("rangeStart", a.toString()));
    rangeEnd.ifPresent(a -> o.put("rangeEnd", a.toString()));
    gateway.ifPresent(a -> o.put("gateway", a.toString()));
    return o;
  }

  @Override
  public String toString() {
    return toJson().toString();
  }

  private static void checkInSubnet(String field, IpAddress a, IpNet subnet) {
    byte[] network = subnet.address().toByteArray();
    if (!Arrays.equals(masked(a.toByteArray(), subnet.prefixLength()), network)) {
      throw new IllegalArgumentException(
          "ipRanges: " + field + " " + a + " is not in subnet " + subnet);
    }
  }

  /** The address with every bit after the prefix cleared. */
  private static byte[] masked(byte[] address, int prefixLength) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
      out[i] &= (byte) (0xFF << (8 - keep));
    }
    return out;
  }

  /** The first address allocated: the given start, or the subnet's network address plus one. */
  private static byte[] first(IpNet subnet, Optional<IpAddress> start) {
    if (start.isPresent()) {
      return start.get().toByteArray();
    }
    byte[] a = subnet.address().toByteArray();
    increment(a);
    return a;
  }

  /**
   * The last address allocated: the given end, or the subnet's last address (minus one for IPv4,
   * which keeps the broadcast address out, as {@code host-local} does).
   */
  private static byte[] last(IpNet subnet, Optional<IpAddress> end) {
    if (end.isPresent()) {
      return end.get().toByteArray();
    }
    byte[] a = subnet.address().toByteArray();
    for (int i = 0; i < a.length; i++) {
      int keep = Math.max(0, Math.min(8, subnet.prefixLength() - i * 8));
      a[i] |= (byte) (0xFF >>> keep);
    }
    if (a.length == 4) {
      a[3]--;
    }
    return a;
  }

  /** An address from its bytes; {@link InetAddress#getByAddress(byte[])} does no lookup. */
  private static IpAddress address(byte[] bytes) {
    try {
      return IpAddress.parse(InetAddress.getByAddress(bytes).getHostAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  private static void increment(byte[] a) {
    for (int i = a.length - 1; i >= 0; i--) {
      a[i]++;
      if (a[i] != 0) {
        return;
      }
    }
  }
}
