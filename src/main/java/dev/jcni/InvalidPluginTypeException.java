package dev.jcni;

/**
 * A plugin {@code type} that is not a plain file name, rejected before any file system access
 * (CVE-2021-20206 was {@code "type": "../../sbin/reboot"}).
 */
public class InvalidPluginTypeException extends CniException {
  private static final long serialVersionUID = 1L;

  private final String pluginType;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param pluginType the rejected type, exactly as given
   * @param reason why it is rejected, for example {@code contains a path separator}
   */
  public InvalidPluginTypeException(String pluginType, String reason) {
    super("plugin type=" + Quoted.of(pluginType) + " is invalid: " + reason);
    this.pluginType = pluginType;
    this.reason = reason;
  }

  /** The rejected type, exactly as given (it may hold control characters; quote it to print). */
  public String pluginType() {
    return pluginType;
  }

  /** Why the type is rejected. */
  public String reason() {
    return reason;
  }
}
