package dev.jcni;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * No executable plugin of the requested type in any CNI_PATH directory. The exception lists every
 * location that was looked at and why each was passed over, so that an operator can tell a missing
 * plugin from a permission problem or a CNI_PATH mistake.
 */
public class PluginNotFoundException extends CniException {
  private static final long serialVersionUID = 1L;

  private final String pluginType;
  private final Skipped[] skipped;

  /**
   * One location passed over while searching, and why.
   *
   * @param location the file or directory looked at, or the CNI_PATH entry that was ignored
   * @param reason why it was passed over, for example {@code no such file} or {@code not
   *     executable}
   */
  public record Skipped(String location, String reason) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rejects {@code null}. */
    public Skipped {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code location: reason}, with the location quoted when it is not a plain path. */
    @Override
    public String toString() {
      String shown =
          location.isEmpty() || location.codePoints().anyMatch(Quoted::escapes)
              ? Quoted.of(location)
              : location;
      return shown + ": " + reason;
    }
  }

  /**
   * Creates the exception.
   *
   * @param pluginType the type that was looked for
   * @param skipped every location passed over, in search order, ignored CNI_PATH entries included
   */
  public PluginNotFoundException(String pluginType, List<Skipped> skipped) {
    super(message(pluginType, skipped));
    this.pluginType = pluginType;
    this.skipped = skipped.toArray(new Skipped[0]);
  }

  private static String message(String pluginType, List<Skipped> skipped) {
    StringBuilder sb =
        new StringBuilder("plugin type=")
            .append(Quoted.of(pluginType))
            .append(" not found in CNI_PATH");
    if (skipped.isEmpty()) {
      return sb.append(": CNI_PATH has no directory").toString();
    }
    sb.append(" (");
    for (int i = 0; i < skipped.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(skipped.get(i));
    }
    return sb.append(')').toString();
  }

  /** The type that was looked for. */
  public String pluginType() {
    return pluginType;
  }

  /** Every location passed over, in search order, with the reason. */
  public List<Skipped> skipped() {
    return List.of(skipped);
  }
}
