package dev.jcni.invoke;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operating-system rules for CNI_PATH and plugin file names, as plain logic so that the Windows
 * rules are unit-tested on Linux: the list separator, what an absolute directory looks like, and
 * which file names a plugin type may have (libcni's {@code ExecutableFileExtensions}).
 */
enum Platform {
  /** Linux and other POSIX systems: {@code :} separates directories; the type is the file name. */
  POSIX(':'),
  /** Windows: {@code ;} separates directories; {@code TYPE.exe} is tried before {@code TYPE}. */
  WINDOWS(';');

  private final char separator;

  Platform(char separator) {
    this.separator = separator;
  }

  /** The platform the JVM runs on. */
  static Platform current() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? WINDOWS
        : POSIX;
  }

  /** The CNI_PATH list separator. */
  char separator() {
    return separator;
  }

  /** Splits a CNI_PATH value into its entries, empty ones included (the caller drops them). */
  List<String> split(String cniPath) {
    List<String> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= cniPath.length(); i++) {
      if (i == cniPath.length() || cniPath.charAt(i) == separator) {
        entries.add(cniPath.substring(start, i));
        start = i + 1;
      }
    }
    return entries;
  }

  /**
   * Whether a CNI_PATH entry names an absolute directory by this platform's rules: {@code /...} on
   * POSIX; {@code C:\...}, {@code C:/...} or a UNC path {@code \\server\share} on Windows ({@code
   * \dir} and {@code C:dir} depend on the current drive or directory, so they are not).
   */
  boolean isAbsolute(String entry) {
    if (this == POSIX) {
      return entry.startsWith("/");
    }
    if (entry.length() >= 3
        && Character.isLetter(entry.charAt(0))
        && entry.charAt(0) < 128
        && entry.charAt(1) == ':'
        && isWindowsSeparator(entry.charAt(2))) {
      return true;
    }
    return entry.length() > 2
        && isWindowsSeparator(entry.charAt(0))
        && isWindowsSeparator(entry.charAt(1))
        && !isWindowsSeparator(entry.charAt(2));
  }

  private static boolean isWindowsSeparator(char c) {
    return c == '\\' || c == '/';
  }

  /** The file names a plugin of this type may have, in the order they are tried. */
  List<String> fileNames(String type) {
    return this == WINDOWS ? List.of(type + ".exe", type) : List.of(type);
  }

  /**
   * A platform-specific reason to reject a type that passed the portable rules, or {@code null}. On
   * Windows a {@code :} would name a drive or an alternate data stream.
   */
  String typeProblem(String type) {
    if (this == WINDOWS && type.indexOf(':') >= 0) {
      return "contains ':', which names a drive or a stream on Windows";
    }
    return null;
  }
}
