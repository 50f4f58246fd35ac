package dev.jcni;

/**
 * A name that jcni refuses to use: a network name or a plugin {@code type} that could escape the
 * directory it names a file in, look like a command-line option, or not be a file name at all.
 *
 * <p>These names become path components (the plugin binary in CNI_PATH, the drop-in directory, the
 * cache file), so they are checked before any file system access. CVE-2021-20206 was a plugin
 * {@code type} of {@code "../../sbin/reboot"}.
 */
public class InvalidNameException extends ConfigException {
  private static final long serialVersionUID = 1L;

  /** What a rejected name was meant to name. */
  public enum Kind {
    /** A network name: the {@code name} of a network configuration. */
    NETWORK_NAME("network name"),
    /** A plugin {@code type}: the file name of a plugin executable (also {@code ipam.type}). */
    PLUGIN_TYPE("plugin type");

    private final String words;

    Kind(String words) {
      this.words = words;
    }

    /** The kind in words, as messages use it, for example {@code "plugin type"}. */
    @Override
    public String toString() {
      return words;
    }
  }

  private final Kind kind;
  private final String value;

  /**
   * Creates the exception.
   *
   * @param kind what the value was meant to name
   * @param value the rejected value, exactly as given
   * @param reason why it is rejected, for example {@code "must not contain \"/\""}
   * @param context where the value was found, or {@link Context#NONE}
   */
  public InvalidNameException(Kind kind, String value, String reason, Context context) {
    super("invalid " + kind + " " + quote(value) + ": " + reason, context, null);
    this.kind = kind;
    this.value = value;
  }

  /** What the rejected value was meant to name. */
  public Kind kind() {
    return kind;
  }

  /** The rejected value, exactly as given (it may contain control characters). */
  public String value() {
    return value;
  }
}
