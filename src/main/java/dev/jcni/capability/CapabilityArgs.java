package dev.jcni.capability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.IpAddress;
import dev.jcni.result.IpNet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The entry point for capability arguments: {@code CapabilityArgs.builder().portMapping(8080, 80,
 * "tcp").build()} gives the JSON object, keyed by capability name, that {@code
 * Attachment.Builder.capabilityArgs} takes. Each plugin then receives under {@code runtimeConfig}
 * the values of the capabilities it declares.
 *
 * <p>Every value is checked when it is set, so that a mistake is reported to the caller rather than
 * by a plugin in the middle of an ADD: ports, protocols, addresses and subnets (numerically, never
 * resolved), bandwidth pairs, MAC and GUID syntax, and names that become file names. Mistakes are
 * caller errors and raise {@link IllegalArgumentException} naming the capability.
 */
public final class CapabilityArgs {
  private CapabilityArgs() {}

  /**
   * Starts an empty set of capability arguments.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the text has no white space and no control characters. */
  static boolean isPrintableWord(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Collects capability arguments. Lists ({@code portMappings}, {@code ipRanges}, {@code ips},
   * {@code aliases}) grow with each call; single values are replaced by a later call. Not
   * thread-safe.
   */
  public static final class Builder {
    private final List<PortMapping> portMappings = new ArrayList<>();
    private final List<List<IpRange>> ipRanges = new ArrayList<>();
    private Bandwidth bandwidth;
    private DnsConfig dns;
    private final List<String> ips = new ArrayList<>();
    private final List<IpAddress> ipAddresses = new ArrayList<>();
    private String mac;
    private String infinibandGuid;
    private String deviceId;
    private final List<String> aliases = new ArrayList<>();
    private String cgroupPath;
    private final Map<String, JsonNode> others = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a port mapping for every host address.
     *
     * @param hostPort the port on the host, 1 to 65535
     * @param containerPort the port in the container, 1 to 65535
     * @param protocol {@code tcp}, {@code udp} or {@code sctp}, in any case
     * @return this builder
     * @throws IllegalArgumentException when a value is not valid, or the host port is already
     *     mapped for that protocol
     */
    public Builder portMapping(int hostPort, int containerPort, String protocol) {
      return portMapping(PortMapping.of(hostPort, containerPort, protocol));
    }

    /**
     * Adds a port mapping.
     *
     * @param mapping the mapping
     * @return this builder
     * @throws IllegalArgumentException when the same host port, protocol and host address is
     *     already mapped
     */
    public Builder portMapping(PortMapping mapping) {
      Objects.requireNonNull(mapping, "mapping");
      for (PortMapping m : portMappings) {
        if (m.claimsSameHostPort(mapping)) {
          throw new IllegalArgumentException(
              "portMappings: host port "
                  + mapping.hostPort()
                  + "/"
                  + mapping.protocol().text()
                  + mapping.hostIp().map(ip -> " on " + ip).orElse("")
                  + " is already mapped");
        }
      }
      portMappings.add(mapping);
      return this;
    }

    /**
     * Sets the bandwidth limits.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder bandwidth(Bandwidth limits) {
      this.bandwidth = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Adds a range set: the plugin allocates one address from it (the first range with a free
     * address). Add one set per address wanted, for example one IPv4 and one IPv6 set.
     *
     * @param ranges the ranges of the set, all of one address family
     * @return this builder
     * @throws IllegalArgumentException when the set is empty, mixes address families, or two ranges
     *     (in this set or an earlier one) overlap
     */
    public Builder ipRangeSet(IpRange... ranges) {
      return ipRangeSet(List.of(ranges));
    }

    /**
     * Adds a range set (see {@link #ipRangeSet(IpRange...)}).
     *
     * @param ranges the ranges of the set, all of one address family
     * @return this builder
     * @throws IllegalArgumentException when the set is empty, mixes address families, or two ranges
     *     overlap
     */
    public Builder ipRangeSet(List<IpRange> ranges) {
      List<IpRange> set = List.copyOf(ranges);
      if (set.isEmpty()) {
        throw new IllegalArgumentException("ipRanges: a range set needs at least one range");
      }
      for (int i = 0; i < set.size(); i++) {
        IpRange r = set.get(i);
        if (r.isIpv4() != set.get(0).isIpv4()) {
          throw new IllegalArgumentException(
              "ipRanges: range set " + ipRanges.size() + " mixes IPv4 and IPv6 ranges");
        }
        for (int j = 0; j < i; j++) {
          if (r.overlaps(set.get(j))) {
            throw new IllegalArgumentException(
                "ipRanges: ranges " + set.get(j) + " and " + r + " overlap");
          }
        }
        for (List<IpRange> earlier : ipRanges) {
          for (IpRange e : earlier) {
            if (r.overlaps(e)) {
              throw new IllegalArgumentException(
                  "ipRanges: range " + r + " overlaps " + e + " of an earlier range set");
            }
          }
        }
      }
      ipRanges.add(set);
      return this;
    }

    /**
     * Sets the resolver settings.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder dns(DnsConfig settings) {
      this.dns = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Adds addresses for the interface, each an address with or without a prefix length ({@code
     * 198.18.0.5} or {@code 198.18.0.5/24}). The {@code static} IPAM plugin needs the prefix
     * length; {@code host-local} takes either and allocates each from a range set that holds it.
     *
     * @param addresses the addresses, parsed numerically and written in canonical form
     * @return this builder
     * @throws IllegalArgumentException when an entry is not an address, or repeats one
     */
    public Builder ips(String... addresses) {
      for (String text : addresses) {
        Objects.requireNonNull(text, "address");
        IpAddress address;
        String canonical;
        if (text.indexOf('/') >= 0) {
          IpNet net = IpNet.parse(text);
          address = net.address();
          canonical = net.toString();
        } else {
          address = IpAddress.parse(text);
          canonical = address.toString();
        }
        if (ipAddresses.contains(address)) {
          throw new IllegalArgumentException("ips: " + address + " is given twice");
        }
        ipAddresses.add(address);
        ips.add(canonical);
      }
      return this;
    }

    /**
     * Sets the MAC address of the interface.
     *
     * @param address six bytes in hex, separated by {@code :} or {@code -}; written in lower case
     *     with {@code :}
     * @return this builder
     * @throws IllegalArgumentException when the text is not a MAC address, or is a multicast or
     *     all-zero address (the kernel refuses both for an Ethernet interface)
     */
    public Builder mac(String address) {
      byte[] b = parseHexBytes(address, 6, "mac", "MAC address");
      if ((b[0] & 1) != 0) {
        throw new IllegalArgumentException(
            "mac: " + address + " is a multicast address; an interface needs a unicast one");
      }
      boolean zero = true;
      for (byte x : b) {
        zero &= x == 0;
      }
      if (zero) {
        throw new IllegalArgumentException("mac: the all-zero address cannot be assigned");
      }
      this.mac = hex(b);
      return this;
    }

    /**
     * Sets the InfiniBand GUID of the interface.
     *
     * @param guid eight bytes in hex separated by {@code :}, such as {@code
     *     c2:11:22:33:44:55:66:77}; written in lower case
     * @return this builder
     * @throws IllegalArgumentException when the text is not such a GUID
     */
    public Builder infinibandGUID(String guid) {
      this.infinibandGuid = hex(parseHexBytes(guid, 8, "infinibandGUID", "GUID"));
      return this;
    }

    /**
     * Sets the device associated with the network, such as the PCI address {@code 0000:04:00.5}.
     * Plugins look the value up as a file name under {@code /sys/bus}, so it must be one: no {@code
     * /}, not {@code .} or {@code ..}, no white space or control characters, at most 255
     * characters.
     *
     * @param id the device identifier
     * @return this builder
     * @throws IllegalArgumentException when the value cannot be a device name
     */
    public Builder deviceID(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isEmpty()
          || id.length() > 255
          || id.indexOf('/') >= 0
          || id.equals(".")
          || id.equals("..")
          || !isPrintableWord(id)) {
        throw new IllegalArgumentException(
            "deviceID: \""
                + id
                + "\" is not a device name (a file name without '/', white space or control"
                + " characters)");
      }
      this.deviceId = id;
      return this;
    }

    /**
     * Adds names other containers on the network may use for this one.
     *
     * @param names the names: non-empty, at most 253 characters, without white space or control
     *     characters
     * @return this builder
     * @throws IllegalArgumentException when a name is not valid or is given twice
     */
    public Builder aliases(String... names) {
      for (String name : names) {
        Objects.requireNonNull(name, "alias");
        if (name.isEmpty() || name.length() > 253 || !isPrintableWord(name)) {
          throw new IllegalArgumentException(
              "aliases: \""
                  + name
                  + "\" must be 1 to 253 characters without white space or control characters");
        }
        if (aliases.contains(name)) {
          throw new IllegalArgumentException(
              "aliases: " + UntrustedText.quote(name) + " is given twice");
        }
        aliases.add(name);
      }
      return this;
    }

    /**
     * Sets the pod's cgroup path, as the runtime names it: a path such as {@code
     * /kubepods/burstable/pod1234} or a systemd slice such as {@code
     * kubepods-burstable-pod1234.slice}.
     *
     * @param path the cgroup path: non-empty, at most 4096 characters, no control characters
     * @return this builder
     * @throws IllegalArgumentException when the path is empty, too long or has control characters
     */
    public Builder cgroupPath(String path) {
      Objects.requireNonNull(path, "path");
      boolean ok = !path.isEmpty() && path.length() <= 4096;
      for (int i = 0; ok && i < path.length(); i++) {
        ok = !Character.isISOControl(path.charAt(i));
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "cgroupPath: must be 1 to 4096 characters without control characters");
      }
      this.cgroupPath = path;
      return this;
    }

    /**
     * Sets a capability that is not one of the well-known ones, for conventions of a runtime or
     * plugin (such as {@code io.kubernetes.cri.pod-annotations}). The value is not checked.
     *
     * @param capability the capability's name
     * @param value any JSON; copied
     * @return this builder
     * @throws IllegalArgumentException when the name is empty or names a well-known capability (use
     *     its typed method)
     */
    public Builder capability(String capability, JsonNode value) {
      Objects.requireNonNull(capability, "capability");
      Objects.requireNonNull(value, "value");
      if (capability.isEmpty()) {
        throw new IllegalArgumentException("a capability needs a name");
      }
      Capability.byKey(capability)
          .ifPresent(
              c -> {
                throw new IllegalArgumentException(
                    "\""
                        + capability
                        + "\" is a well-known capability: set it with its typed method, which"
                        + " checks the value");
              });
      others.put(capability, value.deepCopy());
      return this;
    }

    /**
     * The capability arguments as one JSON object keyed by capability name: the well-known
     * capabilities that were set, in the order of {@link Capability}, then the others in the order
     * they were set. A capability that was not set is absent.
     *
     * @return a new object; the builder can go on being used
     */
    public ObjectNode build() {
      ObjectNode o = Json.NODES.objectNode();
      if (!portMappings.isEmpty()) {
        ArrayNode a = o.putArray(Capability.PORT_MAPPINGS.key());
        portMappings.forEach(m -> a.add(m.toJson()));
      }
      if (!ipRanges.isEmpty()) {
        ArrayNode sets = o.putArray(Capability.IP_RANGES.key());
        for (List<IpRange> set : ipRanges) {
          ArrayNode s = sets.addArray();
          set.forEach(r -> s.add(r.toJson()));
        }
      }
      if (bandwidth != null) {
        o.set(Capability.BANDWIDTH.key(), bandwidth.toJson());
      }
      if (dns != null) {
        o.set(Capability.DNS.key(), dns.toJson());
      }
      if (!ips.isEmpty()) {
        ArrayNode a = o.putArray(Capability.IPS.key());
        ips.forEach(a::add);
      }
      if (mac != null) {
        o.put(Capability.MAC.key(), mac);
      }
      if (infinibandGuid != null) {
        o.put(Capability.INFINIBAND_GUID.key(), infinibandGuid);
      }
      if (deviceId != null) {
        o.put(Capability.DEVICE_ID.key(), deviceId);
      }
      if (!aliases.isEmpty()) {
        ArrayNode a = o.putArray(Capability.ALIASES.key());
        aliases.forEach(a::add);
      }
      if (cgroupPath != null) {
        o.put(Capability.CGROUP_PATH.key(), cgroupPath);
      }
      others.forEach((k, v) -> o.set(k, v.deepCopy()));
      return o;
    }
  }

  /** Parses {@code count} bytes written as two hex digits each, separated by {@code :} or -. */
  private static byte[] parseHexBytes(String text, int count, String capability, String what) {
    Objects.requireNonNull(text, capability);
    IllegalArgumentException bad =
        new IllegalArgumentException(
            capability
                + ": \""
                + text
                + "\" is not a "
                + what
                + " ("
                + count
                + " bytes as two hex digits each, separated by ':'"
                + (count == 6 ? " or '-'" : "")
                + ")");
    if (text.length() != count * 3 - 1) {
      throw bad;
    }
    char separator = text.charAt(2);
    if (separator != ':' && !(count == 6 && separator == '-')) {
      throw bad;
    }
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      int at = i * 3;
      if (i > 0 && text.charAt(at - 1) != separator) {
        throw bad;
      }
      char hi = text.charAt(at);
      char lo = text.charAt(at + 1);
      // ASCII hex digits only: Character.digit would take other scripts' digits too
      if (!HexFormat.isHexDigit(hi) || !HexFormat.isHexDigit(lo)) {
        throw bad;
      }
      out[i] = (byte) (HexFormat.fromHexDigit(hi) << 4 | HexFormat.fromHexDigit(lo));
    }
    return out;
  }

  /** Lower-case hex bytes separated by colons, as Go's net.HardwareAddr prints them. */
  private static String hex(byte[] b) {
    return HexFormat.ofDelimiter(":").formatHex(b);
  }
}
