package dev.jcni.config;

import dev.jcni.ConfigException.Context;
import dev.jcni.InvalidNameException;
import dev.jcni.InvalidNameException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The rules for names that become path components, checked before any file system access.
 *
 * <p>A network name names the drop-in directory {@code <dir>/<name>/} and the cache files; a plugin
 * {@code type} names the executable looked up in CNI_PATH. Both must therefore be plain file names
 * that cannot climb out of their directory (CVE-2021-20206 was {@code "type":
 * "../../sbin/reboot"}).
 */
public final class Names {
  /** The longest file name Linux accepts, in bytes. */
  public static final int MAX_FILE_NAME_BYTES = 255;

  private Names() {}

  /**
   * Checks a network name against SPEC.md section 1: it starts with an ASCII letter or digit,
   * followed by ASCII letters, digits, {@code _}, {@code .} and {@code -} only (the regular
   * expression {@code ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$}).
   *
   * @param name the name
   * @throws InvalidNameException when the name breaks the rule
   * @throws NullPointerException when {@code name} is {@code null}
   */
  public static void checkNetworkName(String name) throws InvalidNameException {
    Objects.requireNonNull(name, "name");
    String reason = networkNameProblem(name);
    if (reason != null) {
      throw new InvalidNameException(Kind.NETWORK_NAME, name, reason, Context.NONE);
    }
  }

  /** Why a network name breaks the rule, or {@code null} when it is fine. */
  static String networkNameProblem(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (!isAsciiAlphanumeric(name.charAt(0))) {
      return "must start with an ASCII letter or digit";
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAsciiAlphanumeric(c) && c != '_' && c != '.' && c != '-') {
        return "character "
            + describe(name.codePointAt(i))
            + " is not allowed (only ASCII letters, digits, \"_\", \".\" and \"-\")";
      }
    }
    return null;
  }

  /**
   * Checks that a plugin {@code type} is a plain file name: not empty, not {@code .} or {@code ..},
   * no {@code /} or {@code \}, no NUL or other control character, not starting with {@code -} (it
   * would read as an option), valid Unicode, and at most {@value #MAX_FILE_NAME_BYTES} bytes in
   * UTF-8.
   *
   * @param type the plugin type
   * @throws InvalidNameException when the type is not a plain file name
   * @throws NullPointerException when {@code type} is {@code null}
   */
  public static void checkPluginType(String type) throws InvalidNameException {
    Objects.requireNonNull(type, "type");
    String reason = pluginTypeProblem(type);
    if (reason != null) {
      throw new InvalidNameException(Kind.PLUGIN_TYPE, type, reason, Context.NONE);
    }
  }

  /** Why a plugin type is not a plain file name, or {@code null} when it is fine. */
  static String pluginTypeProblem(String type) {
    if (type.isEmpty()) {
      return "is empty";
    }
    if (type.equals(".") || type.equals("..")) {
      return "must be a plain file name, not \".\" or \"..\"";
    }
    if (type.charAt(0) == '-') {
      return "must not start with \"-\"";
    }
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c == '/' || c == '\\') {
        return "must be a plain file name, without \"" + c + "\"";
      }
      if (Character.isISOControl(c)) {
        return "must not contain the control character " + describe(c);
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < type.length()
          && Character.isLowSurrogate(type.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "is not valid Unicode (unpaired surrogate " + describe(c) + ")";
      }
    }
    int bytes = type.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_FILE_NAME_BYTES) {
      return "is " + bytes + " bytes long; a file name has at most " + MAX_FILE_NAME_BYTES;
    }
    return null;
  }

  private static boolean isAsciiAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String describe(int codePoint) {
    String hex = String.format("U+%04X", codePoint);
    if (codePoint >= 0x21 && codePoint < 0x7f) {
      return "\"" + (char) codePoint + "\" (" + hex + ")";
    }
    return hex;
  }
}
