package dev.jcni.result;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as results carry it (a {@code gateway}, a route's {@code gw}), parsed
 * numerically and printed the way libcni prints a Go {@code net.IP}.
 *
 * <p>Parsing accepts what Go's {@code net.ParseIP} accepts: dotted-decimal IPv4 without leading
 * zeros, and IPv6 with at most one {@code ::}, groups of one to four hex digits and an optional
 * trailing dotted IPv4 part; zones ({@code %eth0}) are rejected. It never resolves names.
 *
 * <p>Printing is canonical, as Go's: IPv6 in lower case with the longest run of two or more zero
 * groups shortened to {@code ::} (RFC 5952), and an IPv4-mapped IPv6 address ({@code
 * ::ffff:198.18.0.1}) as plain IPv4. Such an address is therefore the same value as its IPv4 form.
 */
public final class IpAddress {
  private final byte[] bytes; // 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6
  private final String text;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
    this.text = bytes.length == 4 ? formatIpv4(bytes) : formatIpv6(bytes);
  }

  /**
   * Parses an address.
   *
   * @param text an IPv4 or IPv6 address without prefix length
   * @return the address
   * @throws IllegalArgumentException when the text is not an IP address
   */
  public static IpAddress parse(String text) {
    IpAddress address = tryParse(Objects.requireNonNull(text, "text"));
    if (address == null) {
      throw new IllegalArgumentException("invalid IP address: " + JsonFields.quote(text));
    }
    return address;
  }

  /** Parses an address, or gives {@code null} when the text is not one. */
  static IpAddress tryParse(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        byte[] v4 = parseIpv4(text);
        return v4 == null ? null : new IpAddress(v4);
      }
      if (c == ':') {
        return fromIpv6Bytes(parseIpv6(text));
      }
    }
    return null;
  }

  /** Parses the address part of a CIDR: IPv4 first, then IPv6 (Go's {@code net.ParseCIDR}). */
  static byte[] parseIpv4(String s) {
    byte[] out = new byte[4];
    int pos = 0;
    int n = s.length();
    for (int i = 0; i < 4; i++) {
      if (i > 0) {
        if (pos >= n || s.charAt(pos) != '.') {
          return null;
        }
        pos++;
      }
      int start = pos;
      int value = 0;
      while (pos < n && pos - start < 4 && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        value = value * 10 + (s.charAt(pos) - '0');
        pos++;
      }
      int digits = pos - start;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[i] = (byte) value;
    }
    return pos == n ? out : null;
  }

  /** Parses IPv6 text into 16 bytes, or {@code null}. */
  static byte[] parseIpv6(String s) {
    byte[] ip = new byte[16];
    int n = s.length();
    int pos = 0;
    int ellipsis = -1; // byte index where "::" stands
    if (n >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      ellipsis = 0;
      pos = 2;
      if (pos == n) {
        return ip;
      }
    }
    int i = 0;
    while (i < 16) {
      int start = pos;
      int value = 0;
      while (pos < n && pos - start < 5 && HexFormat.isHexDigit(s.charAt(pos))) {
        value = value * 16 + HexFormat.fromHexDigit(s.charAt(pos));
        pos++;
      }
      int digits = pos - start;
      if (digits == 0 || digits > 4) {
        return null;
      }
      if (pos < n && s.charAt(pos) == '.') {
        // a trailing dotted IPv4 part takes the last four bytes
        if ((ellipsis < 0 && i != 12) || i + 4 > 16) {
          return null;
        }
        byte[] v4 = parseIpv4(s.substring(start));
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, ip, i, 4);
        i += 4;
        pos = n;
        break;
      }
      ip[i] = (byte) (value >> 8);
      ip[i + 1] = (byte) value;
      i += 2;
      if (pos == n) {
        break;
      }
      if (s.charAt(pos) != ':' || pos + 1 == n) {
        return null;
      }
      pos++;
      if (s.charAt(pos) == ':') {
        if (ellipsis >= 0) {
          return null;
        }
        ellipsis = i;
        pos++;
        if (pos == n) {
          break;
        }
      }
    }
    if (pos != n) {
      return null;
    }
    if (i < 16) {
      if (ellipsis < 0) {
        return null;
      }
      int shift = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + shift] = ip[j];
      }
      Arrays.fill(ip, ellipsis, ellipsis + shift, (byte) 0);
    } else if (ellipsis >= 0) {
      return null; // "::" must stand for at least one zero group
    }
    return ip;
  }

  /** An address from 16 IPv6 bytes; IPv4-mapped addresses become IPv4. */
  static IpAddress fromIpv6Bytes(byte[] ip) {
    if (ip == null) {
      return null;
    }
    return isIpv4Mapped(ip) ? new IpAddress(Arrays.copyOfRange(ip, 12, 16)) : new IpAddress(ip);
  }

  /** An address from 4 IPv4 bytes. */
  static IpAddress fromIpv4Bytes(byte[] ip) {
    return new IpAddress(ip);
  }

  static boolean isIpv4Mapped(byte[] ip) {
    for (int i = 0; i < 10; i++) {
      if (ip[i] != 0) {
        return false;
      }
    }
    return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
  }

  /**
   * Whether this is an IPv4 address (including one written as IPv4-mapped IPv6), which is how
   * libcni decides an address's family.
   *
   * @return {@code true} for IPv4
   */
  public boolean isIpv4() {
    return bytes.length == 4;
  }

  /**
   * The address in network byte order.
   *
   * @return a copy: 4 bytes for IPv4, 16 for IPv6
   */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Bit length of the address family: 32 or 128. */
  int bitLength() {
    return bytes.length * 8;
  }

  private static String formatIpv4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  private static String formatIpv6(byte[] p) {
    // the longest run of zero groups, the first of equal runs, shortened only if two or more long
    int bestStart = -1;
    int bestEnd = -1;
    for (int i = 0; i < 16; i += 2) {
      int j = i;
      while (j < 16 && p[j] == 0 && p[j + 1] == 0) {
        j += 2;
      }
      if (j > i && j - i > bestEnd - bestStart) {
        bestStart = i;
        bestEnd = j;
        i = j;
      }
    }
    if (bestEnd - bestStart <= 2) {
      bestStart = -1;
      bestEnd = -1;
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 16; i += 2) {
      if (i == bestStart) {
        b.append("::");
        i = bestEnd;
        if (i >= 16) {
          break;
        }
      } else if (i > 0) {
        b.append(':');
      }
      b.append(Integer.toHexString(((p[i] & 0xff) << 8) | (p[i + 1] & 0xff)));
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress && Arrays.equals(bytes, ((IpAddress) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The canonical text, as libcni writes it: {@code 198.18.0.1}, {@code 2001:db8::1}. */
  @Override
  public String toString() {
    return text;
  }
}
