package dev.jcni.invoke;

import dev.jcni.InvalidPluginTypeException;
import java.nio.charset.StandardCharsets;

/**
 * A plugin {@code type} must be a plain file name before it may touch the file system
 * (CVE-2021-20206: {@code "type": "../../sbin/reboot"}).
 */
// TODO(merge): replace with dev.jcni.config.Names.checkPluginType (same rules; it throws
// dev.jcni.InvalidNameException, which then replaces InvalidPluginTypeException in find()).
final class PluginTypeRule {
  /** Longest type accepted, in UTF-8 bytes: a file name on Linux has at most 255. */
  static final int MAX_BYTES = 255;

  private PluginTypeRule() {}

  /**
   * Rejects a type that is not a plain file name: empty, a path separator, NUL or another control
   * character, {@code .} or {@code ..}, a leading {@code -}, an unpaired surrogate, or more than
   * {@value #MAX_BYTES} bytes.
   *
   * @param type the type from the configuration
   * @throws InvalidPluginTypeException naming the rule that was broken
   */
  static void check(String type) throws InvalidPluginTypeException {
    String problem = problem(type);
    if (problem != null) {
      throw new InvalidPluginTypeException(type, problem);
    }
  }

  /** Why the type is rejected, or {@code null} when it is a plain file name. */
  static String problem(String type) {
    if (type == null) {
      return "is missing";
    }
    if (type.isEmpty()) {
      return "is empty";
    }
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c == '/' || c == '\\') {
        return "contains a path separator '" + c + "'";
      }
      if (c == 0) {
        return "contains a NUL character";
      }
      if (Character.isISOControl(c)) {
        return String.format("contains the control character U+%04X", (int) c);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= type.length() || !Character.isLowSurrogate(type.charAt(i + 1))) {
          return "contains an unpaired surrogate, which is not valid Unicode";
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return "contains an unpaired surrogate, which is not valid Unicode";
      }
    }
    if (type.equals(".") || type.equals("..")) {
      return "names a directory, not a file";
    }
    if (type.startsWith("-")) {
      return "starts with '-', which a program could take for an option";
    }
    int bytes = type.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return "is " + bytes + " bytes long; a file name has at most " + MAX_BYTES;
    }
    return null;
  }
}
