package dev.jcni.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mount points of this process's mount namespace, from {@code /proc/self/mountinfo}. */
final class Mounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** Every mount point that is {@code dir} or lies below it, in mount order. */
  static List<Path> under(Path dir) throws IOException {
    return under(dir, Files.readAllLines(MOUNTINFO));
  }

  static List<Path> under(Path dir, List<String> mountinfo) {
    Path top = dir.toAbsolutePath().normalize();
    List<Path> found = new ArrayList<>();
    for (String line : mountinfo) {
      // id parent major:minor root mount-point options ...; the mount point is the fifth field
      String[] fields = line.split(" ", 6);
      if (fields.length < 5) {
        continue;
      }
      Path mountPoint = Path.of(unescape(fields[4]));
      if (mountPoint.startsWith(top)) {
        found.add(mountPoint);
      }
    }
    return found;
  }

  /** The kernel writes space, tab, newline and backslash in mount points as octal escapes. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
