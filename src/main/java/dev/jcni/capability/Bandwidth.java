package dev.jcni.capability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;

/**
 * The {@code bandwidth} capability: traffic shaping limits, as the {@code bandwidth} plugin reads
 * them. Rates are in bits per second and bursts in bits (CONVENTIONS.md); a direction whose rate
 * and burst are both 0 is not limited.
 *
 * <p>The plugin's own rules are checked here: a rate needs a burst and a burst needs a rate, and a
 * burst must be below {@value #BURST_LIMIT} bits (the plugin refuses 4 GiB and more).
 *
 * @param ingressRate the rate of traffic into the container, bits per second
 * @param ingressBurst the burst of traffic into the container, bits
 * @param egressRate the rate of traffic out of the container, bits per second
 * @param egressBurst the burst of traffic out of the container, bits
 */
public record Bandwidth(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {
  /**
   * The first burst the plugin refuses: a burst is refused when a eighth of it, in bytes, reaches
   * 2<sup>32</sup> - 1.
   */
  public static final long BURST_LIMIT = 8L * 0xFFFF_FFFFL;

  /** Checks each direction as the plugin does. */
  public Bandwidth {
    checkDirection("ingress", ingressRate, ingressBurst);
    checkDirection("egress", egressRate, egressBurst);
  }

  private static void checkDirection(String direction, long rate, long burst) {
    if (rate < 0 || burst < 0) {
      throw new IllegalArgumentException(
          "bandwidth " + direction + ": rate and burst cannot be negative");
    }
    if (rate != 0 && burst == 0) {
      throw new IllegalArgumentException(
          "bandwidth " + direction + ": a rate of " + rate + " needs a burst as well");
    }
    if (rate == 0 && burst != 0) {
      throw new IllegalArgumentException(
          "bandwidth " + direction + ": a burst of " + burst + " needs a rate as well");
    }
    if (burst >= BURST_LIMIT) {
      throw new IllegalArgumentException(
          "bandwidth "
              + direction
              + ": burst "
              + burst
              + " bits is too large (the plugin takes less than "
              + BURST_LIMIT
              + ")");
    }
  }

  /**
   * Limits traffic into the container only.
   *
   * @param rate bits per second
   * @param burst bits
   * @return the limits
   * @throws IllegalArgumentException when the values break the plugin's rules
   */
  public static Bandwidth ingress(long rate, long burst) {
    return new Bandwidth(rate, burst, 0, 0);
  }

  /**
   * Limits traffic out of the container only.
   *
   * @param rate bits per second
   * @param burst bits
   * @return the limits
   * @throws IllegalArgumentException when the values break the plugin's rules
   */
  public static Bandwidth egress(long rate, long burst) {
    return new Bandwidth(0, 0, rate, burst);
  }

  /**
   * These limits with traffic into the container limited as well.
   *
   * @param rate bits per second
   * @param burst bits
   * @return the new limits
   */
  public Bandwidth withIngress(long rate, long burst) {
    return new Bandwidth(rate, burst, egressRate, egressBurst);
  }

  /**
   * These limits with traffic out of the container limited as well.
   *
   * @param rate bits per second
   * @param burst bits
   * @return the new limits
   */
  public Bandwidth withEgress(long rate, long burst) {
    return new Bandwidth(ingressRate, ingressBurst, rate, burst);
  }

  /**
   * The limits as the plugin decodes them: all four keys, 0 for an unlimited direction.
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("ingressRate", ingressRate);
    o.put("ingressBurst", ingressBurst);
    o.put("egressRate", egressRate);
    o.put("egressBurst", egressBurst);
    return o;
  }
}
