package dev.jcni.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mounts of this process's mount namespace, read from {@code /proc/self/mountinfo}. */
final class MountInfo {
  /**
   * One line of mountinfo.
   *
   * @param mountPoint where it is mounted
   * @param optionalFields propagation tags such as {@code shared:12}
   * @param fsType the file system type, {@code nsfs} for a namespace file
   * @param source the mount source
   */
  record Mount(String mountPoint, List<String> optionalFields, String fsType, String source) {
    boolean isShared() {
      return optionalFields.stream().anyMatch(f -> f.startsWith("shared:"));
    }
  }

  private MountInfo() {}

  /** Every mount whose mount point is {@code path}, bottom first. */
  static List<Mount> at(Path path) throws IOException {
    List<Mount> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      // id parent major:minor root mount-point options [optional fields...] - type source options
      String[] halves = line.split(" - ", 2);
      String[] fields = halves[0].split(" ");
      String[] tail = halves[1].split(" ");
      if (fields[4].equals(path.toString())) {
        List<String> optional = List.of(fields).subList(6, fields.length);
        found.add(new Mount(fields[4], optional, tail[0], tail[1]));
      }
    }
    return found;
  }
}
