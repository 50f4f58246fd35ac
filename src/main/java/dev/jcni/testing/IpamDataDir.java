package dev.jcni.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Points host-local at the sandbox's lease directory. host-local keeps its leases in {@code
 * ipam.dataDir} (default {@code /var/lib/cni/networks}); a test's leases must never land in the
 * machine's, so every host-local {@code ipam} section of a network gets the sandbox's directory,
 * replacing any {@code dataDir} it names.
 */
final class IpamDataDir {
  /** The IPAM plugin that keeps leases on disk. */
  static final String HOST_LOCAL = "host-local";

  private IpamDataDir() {}

  /**
   * Sets {@code dataDir} in every host-local {@code ipam} object of a network: the {@code plugins}
   * of a list, or the single plugin of a {@code .conf} object.
   *
   * @param network a list or single-plugin configuration, changed in place
   * @param dataDir the directory for leases
   * @return whether anything was set
   */
  static boolean redirect(ObjectNode network, Path dataDir) {
    JsonNode plugins = network.get("plugins");
    if (plugins == null) {
      return redirectPlugin(network, dataDir);
    }
    boolean changed = false;
    if (plugins.isArray()) {
      for (JsonNode plugin : plugins) {
        if (plugin.isObject()) {
          changed |= redirectPlugin((ObjectNode) plugin, dataDir);
        }
      }
    }
    return changed;
  }

  private static boolean redirectPlugin(ObjectNode plugin, Path dataDir) {
    JsonNode ipam = plugin.get("ipam");
    if (ipam == null || !ipam.isObject() || !HOST_LOCAL.equals(ipam.path("type").textValue())) {
      return false;
    }
    String wanted = dataDir.toString();
    if (wanted.equals(ipam.path("dataDir").textValue())) {
      return false;
    }
    ((ObjectNode) ipam).put("dataDir", wanted);
    return true;
  }
}
