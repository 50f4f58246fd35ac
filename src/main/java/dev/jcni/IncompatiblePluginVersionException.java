package dev.jcni;

import dev.jcni.result.CniVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * The plugin's VERSION reply does not list the spec version a network configuration asks for
 * (libcni: {@code plugin X does not support config version "V"}).
 */
public class IncompatiblePluginVersionException extends CniException {
  private static final long serialVersionUID = 1L;

  private final String pluginType;
  private final String pluginPath;
  private final CniVersion requested;
  private final String[] supported;

  /**
   * Creates the exception.
   *
   * @param pluginType the plugin type
   * @param pluginPath the resolved path of the plugin
   * @param requested the version the configuration asks for
   * @param supported the versions the plugin says it supports
   */
  public IncompatiblePluginVersionException(
      String pluginType, Path pluginPath, CniVersion requested, List<String> supported) {
    super(
        "plugin type="
            + Quoted.of(pluginType)
            + " ("
            + pluginPath
            + ") does not support CNI version "
            + requested
            + " (it supports "
            + (supported.isEmpty() ? "none" : String.join(", ", supported))
            + ")");
    this.pluginType = pluginType;
    this.pluginPath = pluginPath.toString();
    this.requested = requested;
    this.supported = supported.toArray(new String[0]);
  }

  /** The plugin type. */
  public String pluginType() {
    return pluginType;
  }

  /** The resolved path of the plugin. */
  public Path pluginPath() {
    return Path.of(pluginPath);
  }

  /** The version the configuration asks for. */
  public CniVersion requested() {
    return requested;
  }

  /** The versions the plugin says it supports, in its order. */
  public List<String> supported() {
    return List.of(supported);
  }
}
