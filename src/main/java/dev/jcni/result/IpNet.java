package dev.jcni.result;

import java.util.Objects;

/**
 * An IP address with a prefix length in CIDR notation, such as {@code 198.18.0.2/24}: an IP's
 * {@code address}, a route's {@code dst}, a 0.2.0 {@code ip} (libcni's {@code types.IPNet}).
 *
 * <p>The host bits are kept ({@code 198.18.0.2/24} stays as written, it is not masked to {@code
 * 198.18.0.0/24}). Parsing accepts what Go's {@code net.ParseCIDR} accepts; the prefix length is
 * decimal and may have leading zeros. An IPv4-mapped IPv6 address becomes IPv4 with the prefix
 * length shortened by 96 (never below 0), which is what libcni prints for it.
 *
 * @param address the address, host bits included
 * @param prefixLength the number of leading one bits of the mask: 0 to 32 for IPv4, 0 to 128 for
 *     IPv6
 */
public record IpNet(IpAddress address, int prefixLength) {

  /** Validates the prefix length against the address family. */
  public IpNet {
    Objects.requireNonNull(address, "address");
    if (prefixLength < 0 || prefixLength > address.bitLength()) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " is out of range for " + address);
    }
  }

  /**
   * Parses CIDR notation.
   *
   * @param text an address, a slash and a prefix length, such as {@code 2001:db8::2/64}
   * @return the value
   * @throws IllegalArgumentException when the text is not in CIDR notation
   */
  public static IpNet parse(String text) {
    IpNet net = tryParse(Objects.requireNonNull(text, "text"));
    if (net == null) {
      throw new IllegalArgumentException("invalid CIDR address: " + JsonFields.quote(text));
    }
    return net;
  }

  /** Parses CIDR notation, or gives {@code null} when the text is not in it. */
  static IpNet tryParse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String addressText = text.substring(0, slash);
    String prefixText = text.substring(slash + 1);
    IpAddress address;
    int bits;
    byte[] v4 = IpAddress.parseIpv4(addressText);
    if (v4 != null) {
      address = IpAddress.fromIpv4Bytes(v4);
      bits = 32;
    } else {
      byte[] v6 = IpAddress.parseIpv6(addressText);
      if (v6 == null) {
        return null;
      }
      address = IpAddress.fromIpv6Bytes(v6);
      bits = 128;
    }
    int prefix = parsePrefixLength(prefixText);
    if (prefix < 0 || prefix > bits) {
      return null;
    }
    if (bits == 128 && address.isIpv4()) {
      // Go keeps the 16-byte mask and prints its last four bytes with the IPv4 address
      prefix = Math.max(0, prefix - 96);
    }
    return new IpNet(address, prefix);
  }

  /** Decimal digits only, leading zeros allowed (as Go's {@code dtoi}); -1 when not a number. */
  private static int parsePrefixLength(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
      if (n > 128) {
        return -1;
      }
    }
    return n;
  }

  /** The CIDR text as libcni writes it, for example {@code 198.18.0.2/24}. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
