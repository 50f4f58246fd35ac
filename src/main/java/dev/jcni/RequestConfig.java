package dev.jcni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Derives the configuration a plugin receives on stdin from its configuration in the list (SPEC.md
 * section 3, "Deriving request configuration from plugin configuration").
 *
 * <p>Every key of the plugin's configuration passes through in its place and unchanged (unknown
 * keys, numbers, unicode), except:
 *
 * <ul>
 *   <li>{@code cniVersion} and {@code name} are set from the list (in place when present, first
 *       otherwise);
 *   <li>keys starting with {@code cni.dev/} are reserved for the runtime and are dropped from the
 *       file's configuration, so a config file cannot forge, say, the GC list of valid
 *       attachments;
 *   <li>ADD, CHECK, DEL: {@code runtimeConfig} is set to the capability arguments whose capability
 *       the plugin declares {@code true} (left as written when there is none, as libcni does),
 *       {@code prevResult} is set when there is one, and {@code args} when the caller gives
 *       structured arguments;
 *   <li>GC: {@code cni.dev/valid-attachments} and, as libcni also sends it, {@code
 *       cni.dev/attachments}.
 * </ul>
 *
 * <p>{@code capabilities} passes through, as libcni passes it (SPEC.md says it must not be set;
 * see docs/conformance.md).
 */
final class RequestConfig {
  private static final String RESERVED_PREFIX = "cni.dev/";

  private RequestConfig() {}

  /** The request configuration for ADD, CHECK or DEL. */
  static ObjectNode forAttachment(
      ObjectNode plugin,
      String name,
      String cniVersion,
      Set<String> capabilities,
      JsonNode prevResult,
      Attachment attachment) {
    ObjectNode out = base(plugin, name, cniVersion);
    ObjectNode runtimeConfig = Json.NODES.objectNode();
    ObjectNode capabilityArgs = attachment.capabilityArgs();
    // In the order the plugin declares its capabilities, so the bytes are deterministic.
    for (String capability : capabilities) {
      JsonNode value = capabilityArgs.get(capability);
      if (value != null) {
        runtimeConfig.set(capability, value);
      }
    }
    if (!runtimeConfig.isEmpty()) {
      out.set("runtimeConfig", runtimeConfig);
    }
    attachment.args().ifPresent(args -> out.set("args", args));
    if (prevResult != null) {
      out.set("prevResult", prevResult);
    }
    return out;
  }

  /** The request configuration for GC, listing the attachments that are still valid. */
  static ObjectNode forGc(
      ObjectNode plugin, String name, String cniVersion, Collection<Map.Entry<String, String>> valid) {
    ObjectNode out = base(plugin, name, cniVersion);
    ArrayNode list = Json.NODES.arrayNode();
    for (Map.Entry<String, String> a : valid) {
      list.addObject().put("containerID", a.getKey()).put("ifname", a.getValue());
    }
    out.set("cni.dev/valid-attachments", list);
    // libcni also sends the list under the name an earlier draft of the spec used (cni#1101).
    out.set("cni.dev/attachments", list.deepCopy());
    return out;
  }

  /** The request configuration for STATUS: the plugin's configuration with name and version. */
  static ObjectNode forStatus(ObjectNode plugin, String name, String cniVersion) {
    return base(plugin, name, cniVersion);
  }

  private static ObjectNode base(ObjectNode plugin, String name, String cniVersion) {
    ObjectNode out = Json.NODES.objectNode();
    if (!plugin.has("cniVersion")) {
      out.put("cniVersion", cniVersion);
    }
    if (!plugin.has("name")) {
      out.put("name", name);
    }
    for (Map.Entry<String, JsonNode> field : plugin.properties()) {
      String key = field.getKey();
      if (key.startsWith(RESERVED_PREFIX)) {
        continue;
      }
      switch (key) {
        case "cniVersion":
          out.put(key, cniVersion);
          break;
        case "name":
          out.put(key, name);
          break;
        default:
          out.set(key, field.getValue());
      }
    }
    return out;
  }
}
