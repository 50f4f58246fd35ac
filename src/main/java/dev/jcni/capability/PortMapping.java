package dev.jcni.capability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.IpAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the {@code portMappings} capability: traffic to a host port is forwarded to a port
 * in the container, as the {@code portmap} plugin reads it.
 *
 * @param hostPort the port on the host, 1 to 65535
 * @param containerPort the port in the container, 1 to 65535
 * @param protocol the transport protocol
 * @param hostIp the host address the mapping is limited to, or empty for every address
 */
public record PortMapping(
    int hostPort, int containerPort, Protocol protocol, Optional<IpAddress> hostIp) {

  /** The transport protocols a port mapping can name. */
  public enum Protocol {
    /** TCP. */
    TCP,
    /** UDP. */
    UDP,
    /** SCTP. */
    SCTP;

    /** The protocol as plugins expect it: lower case, as iptables and nftables take it. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a protocol name in any case.
     *
     * @param text {@code tcp}, {@code udp} or {@code sctp}
     * @return the protocol
     * @throws IllegalArgumentException for any other text
     */
    public static Protocol parse(String text) {
      Objects.requireNonNull(text, "protocol");
      for (Protocol p : values()) {
        if (p.name().equalsIgnoreCase(text)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "protocol " + UntrustedText.quote(text) + " is not one of tcp, udp or sctp");
    }
  }

  /** Checks the ports and rejects {@code null}. */
  public PortMapping {
    checkPort("hostPort", hostPort);
    checkPort("containerPort", containerPort);
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(hostIp, "hostIp");
  }

  private static void checkPort(String field, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(field + " " + port + " is not a port number (1 to 65535)");
    }
  }

  /**
   * A mapping for every host address.
   *
   * @param hostPort the port on the host, 1 to 65535
   * @param containerPort the port in the container, 1 to 65535
   * @param protocol {@code tcp}, {@code udp} or {@code sctp}, in any case
   * @return the mapping
   * @throws IllegalArgumentException when a port or the protocol is not valid
   */
  public static PortMapping of(int hostPort, int containerPort, String protocol) {
    return new PortMapping(hostPort, containerPort, Protocol.parse(protocol), Optional.empty());
  }

  /**
   * The same mapping limited to one host address.
   *
   * @param address an IPv4 or IPv6 address, parsed numerically (never resolved)
   * @return the new mapping
   * @throws IllegalArgumentException when the text is not an IP address
   */
  public PortMapping withHostIp(String address) {
    return new PortMapping(
        hostPort, containerPort, protocol, Optional.of(IpAddress.parse(address)));
  }

  /** Whether the two mappings claim the same host port: same protocol, port and host address. */
  boolean claimsSameHostPort(PortMapping other) {
    return hostPort == other.hostPort && protocol == other.protocol && hostIp.equals(other.hostIp);
  }

  /**
   * The entry as the {@code portmap} plugin decodes it: {@code hostPort}, {@code containerPort},
   * {@code protocol} and, when set, {@code hostIP}.
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("hostPort", hostPort);
    o.put("containerPort", containerPort);
    o.put("protocol", protocol.text());
    hostIp.ifPresent(ip -> o.put("hostIP", ip.toString()));
    return o;
  }
}
