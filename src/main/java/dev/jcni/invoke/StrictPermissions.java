package dev.jcni.invoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict mode's rule: only root or the current user may be able to change which program runs.
 *
 * <p>A file name is resolved by looking each component up in a directory; whoever can write one of
 * those directories can swap the entry (or the symbolic link) found there. So the rule is applied
 * to every directory the kernel would look a name up in while resolving the plugin's path (symbolic
 * links followed hop by hop, including the directories that hold the links), and to the plugin file
 * itself: each must be owned by root or the current user and must not be writable by its group or
 * by others. Like OpenSSH's {@code StrictModes}, there is no exception for sticky directories such
 * as {@code /tmp}.
 */
final class StrictPermissions {
  /** Symbolic link hops followed before giving up, as Linux's {@code MAXSYMLINKS}. */
  private static final int MAX_LINK_HOPS = 40;

  private final int currentUid;

  StrictPermissions(int currentUid) {
    this.currentUid = currentUid;
  }

  /**
   * The rule for the user this JVM runs as.
   *
   * @throws UnsupportedOperationException where file owners and modes cannot be read as numbers
   */
  static StrictPermissions forCurrentUser() {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      throw new UnsupportedOperationException(
          "strict mode needs /proc/self to learn the effective user id");
    }
    try {
      // "Uid:\treal\teffective\tsaved\tfs": the effective uid is what the kernel checks.
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return new StrictPermissions(Integer.parseInt(f[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new UnsupportedOperationException("strict mode cannot read /proc/self/status", e);
    }
    throw new UnsupportedOperationException("strict mode: no Uid line in /proc/self/status");
  }

  /**
   * The first reason to refuse the plugin at {@code path}, or {@code null} when every directory on
   * the way and the file itself are safe.
   */
  String problem(Path path) {
    Set<Path> looked = new LinkedHashSet<>();
    Path real;
    try {
      real = resolve(path.toAbsolutePath(), looked, new int[1]);
    } catch (IOException e) {
      return "cannot resolve " + path + ": " + e;
    }
    looked.add(real);
    for (Path p : looked) {
      String problem;
      try {
        problem = problemWith(p);
      } catch (IOException e) {
        return "cannot read the owner and mode of " + p + ": " + e;
      }
      if (problem != null) {
        return p + " is " + problem;
      }
    }
    return null;
  }

  private String problemWith(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    int uid = (Integer) a.get("uid");
    int mode = (Integer) a.get("mode");
    if (uid != 0 && uid != currentUid) {
      return "owned by uid " + uid + ", neither root nor the current user (uid " + currentUid + ")";
    }
    if ((mode & 0020) != 0) {
      return "writable by its group";
    }
    if ((mode & 0002) != 0) {
      return "writable by others";
    }
    return null;
  }

  /**
   * Resolves an absolute path the way the kernel does, one component at a time, adding every
   * directory a name is looked up in to {@code looked}; returns the real path.
   */
  private static Path resolve(Path absolute, Set<Path> looked, int[] hops) throws IOException {
    Path current = absolute.getRoot();
    List<Path> names = new java.util.ArrayList<>();
    absolute.forEach(names::add);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).toString();
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        Path parent = current.getParent();
        current = parent == null ? current : parent;
        continue;
      }
      looked.add(current);
      Path next = current.resolve(name);
      if (Files.isSymbolicLink(next)) {
        if (++hops[0] > MAX_LINK_HOPS) {
          throw new IOException("too many levels of symbolic links at " + next);
        }
        Path target = Files.readSymbolicLink(next);
        next = resolve(current.resolve(target), looked, hops);
      }
      current = next;
    }
    return current;
  }
}
