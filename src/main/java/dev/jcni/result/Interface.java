package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.Objects;

/**
 * An interface created by an attachment (SPEC.md section 5, {@code interfaces}), in 0.3.0 and later
 * results. Empty strings and an MTU of 0 mean "not set", as in libcni.
 *
 * @param name the interface name
 * @param mac the hardware address, or {@code ""}
 * @param mtu the MTU (1.x results only), or 0
 * @param sandbox the isolation domain (for example the network namespace path), or {@code ""} for a
 *     host interface
 * @param socketPath a socket file for the interface (1.x results only), or {@code ""}
 * @param pciId the PCI device identifier (1.x results only, {@code pciID} in JSON), or {@code ""}
 */
public record Interface(
    String name, String mac, long mtu, String sandbox, String socketPath, String pciId) {

  /** Normalises {@code null} strings to {@code ""}. */
  public Interface {
    name = Objects.requireNonNullElse(name, "");
    mac = Objects.requireNonNullElse(mac, "");
    sandbox = Objects.requireNonNullElse(sandbox, "");
    socketPath = Objects.requireNonNullElse(socketPath, "");
    pciId = Objects.requireNonNullElse(pciId, "");
  }

  /**
   * An interface with the fields every 0.3.0 and later result has.
   *
   * @param name the interface name
   * @param mac the hardware address, or {@code ""}
   * @param sandbox the isolation domain, or {@code ""}
   */
  public Interface(String name, String mac, String sandbox) {
    this(name, mac, 0, sandbox, "", "");
  }

  /**
   * Whether a 1.x-only field ({@code mtu}, {@code socketPath}, {@code pciID}) is set.
   *
   * @return {@code true} when the interface cannot be part of a 0.3.x/0.4.0 result as it is
   */
  public boolean hasSpec1Fields() {
    return mtu != 0 || !socketPath.isEmpty() || !pciId.isEmpty();
  }

  /**
   * This interface with only name, MAC and sandbox: what a 0.3.x/0.4.0 result keeps of it.
   *
   * @return the interface without its 1.x fields
   */
  public Interface withoutSpec1Fields() {
    return new Interface(name, mac, sandbox);
  }

  /** Decodes an interface; a 0.3.x/0.4.0 result ignores the 1.x fields, as libcni does. */
  static Interface decode(ObjectNode o, String path, boolean spec1)
      throws MalformedResultException {
    String name = JsonFields.goString(o, "name", path + ".name");
    String mac = JsonFields.goString(o, "mac", path + ".mac");
    String sandbox = JsonFields.goString(o, "sandbox", path + ".sandbox");
    if (!spec1) {
      return new Interface(name, mac, sandbox);
    }
    return new Interface(
        name,
        mac,
        JsonFields.goLong(o, "mtu", path + ".mtu"),
        sandbox,
        JsonFields.goString(o, "socketPath", path + ".socketPath"),
        JsonFields.goString(o, "pciID", path + ".pciID"));
  }

  /** libcni's field order: {@code name} always, the others when set. */
  ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("name", name);
    if (!mac.isEmpty()) {
      o.put("mac", mac);
    }
    if (mtu != 0) {
      o.put("mtu", JsonFields.integer(mtu));
    }
    if (!sandbox.isEmpty()) {
      o.put("sandbox", sandbox);
    }
    if (!socketPath.isEmpty()) {
      o.put("socketPath", socketPath);
    }
    if (!pciId.isEmpty()) {
      o.put("pciID", pciId);
    }
    return o;
  }
}
