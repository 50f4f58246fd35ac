package dev.jcni.capability;

import java.util.Optional;

/**
 * The well-known capabilities of CONVENTIONS.md: a plugin declares one with {@code "capabilities":
 * {"portMappings": true}} and then receives the runtime's value for it under {@code runtimeConfig}.
 */
public enum Capability {
  /** Host ports forwarded into the container ({@code portmap} plugin). */
  PORT_MAPPINGS("portMappings"),
  /** Pools of subnets to allocate addresses from ({@code host-local} IPAM). */
  IP_RANGES("ipRanges"),
  /** Traffic shaping limits ({@code bandwidth} plugin). */
  BANDWIDTH("bandwidth"),
  /** Name servers, search domains and resolver options. */
  DNS("dns"),
  /** Addresses the runtime chose for the interface ({@code static}, {@code host-local} IPAM). */
  IPS("ips"),
  /** The interface's MAC address ({@code tuning} and others). */
  MAC("mac"),
  /** The InfiniBand GUID of the interface ({@code ib-sriov-cni}). */
  INFINIBAND_GUID("infinibandGUID"),
  /** The device associated with the network, such as a PCI address ({@code host-device}). */
  DEVICE_ID("deviceID"),
  /** Names other containers on the network may use for this one. */
  ALIASES("aliases"),
  /** The pod's cgroup path. */
  CGROUP_PATH("cgroupPath");

  private final String key;

  Capability(String key) {
    this.key = key;
  }

  /** The capability's name as plugins declare it and as the {@code runtimeConfig} key. */
  public String key() {
    return key;
  }

  /**
   * The well-known capability of a name.
   *
   * @param key a capability name, case-sensitive
   * @return the capability, or empty when the name is not a well-known one
   */
  public static Optional<Capability> byKey(String key) {
    for (Capability c : values()) {
      if (c.key.equals(key)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
