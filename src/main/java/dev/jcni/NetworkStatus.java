package dev.jcni;

import dev.jcni.result.CniError;
import java.util.Optional;

/**
 * The answer to STATUS for one network (SPEC.md section 2, "STATUS"): ready, or not ready with the
 * plugin's error (codes 50 and 51 mean the plugin cannot serve ADD now).
 *
 * @param ready whether every plugin said it can serve ADD (always true below version 1.1.0)
 * @param pluginType the plugin that said it is not ready, or {@code ""}
 * @param error that plugin's error, when not ready
 */
public record NetworkStatus(boolean ready, String pluginType, Optional<CniError> error) {
  /** A network whose plugins are all ready. */
  public static final NetworkStatus READY = new NetworkStatus(true, "", Optional.empty());

  /**
   * A network one of whose plugins is not ready.
   *
   * @param pluginType the plugin's type
   * @param error its error
   * @return the status
   */
  public static NetworkStatus notReady(String pluginType, CniError error) {
    return new NetworkStatus(false, pluginType, Optional.of(error));
  }
}
