package dev.jcni.invoke;

import dev.jcni.InvalidNameException;
import dev.jcni.ConfigException;
import dev.jcni.config.Names;
import dev.jcni.PluginNotFoundException;
import dev.jcni.PluginNotFoundException.Skipped;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered plugin directories of CNI_PATH, and the search for a plugin in them (SPEC.md section
 * 2, libcni's {@code FindInPath}), stricter than libcni:
 *
 * <ul>
 *   <li>only absolute directories count: empty and relative entries are dropped with a warning
 *       (for an empty entry libcni finds a file of the type's name in the working directory, then
 *       runs the bare name, which Go's {@code exec} looks up in {@code PATH});
 *   <li>the type must be a plain file name, checked before any file system access;
 *   <li>a hit is a regular file this process may execute; symbolic links are followed and the
 *       resolved path is reported; directories, sockets, devices and files without an execute bit
 *       are passed over, and the reason is kept for the "not found" error;
 *   <li>optionally ({@link #strict()}), a plugin is refused when it, or any directory on the way to
 *       it, is writable by group or others or not owned by root or the current user.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PluginPath {
  private static final Logger LOG = LoggerFactory.getLogger(PluginPath.class);

  private final List<Path> directories;
  private final List<Skipped> ignored;
  private final Platform platform;
  private final StrictPermissions strict;

  private PluginPath(
      List<Path> candidates, List<Skipped> ignored, Platform platform, StrictPermissions strict) {
    List<Path> dirs = new ArrayList<>();
    List<Skipped> dropped = new ArrayList<>(ignored);
    for (Path dir : candidates) {
      if (dir.isAbsolute()) {
        dirs.add(dir);
      } else {
        dropped.add(ignore(dir.toString(), "relative directory, ignored"));
      }
    }
    this.directories = List.copyOf(dirs);
    this.ignored = List.copyOf(dropped);
    this.platform = platform;
    this.strict = strict;
  }

  /**
   * Parses a CNI_PATH value with the rules of the platform the JVM runs on: {@code :} between
   * directories on Linux, {@code ;} on Windows.
   *
   * @param cniPath the value, for example {@code /opt/cni/bin:/usr/lib/cni}
   * @return the absolute directories, in order; empty and relative entries are dropped with a
   *     warning and listed when a plugin is not found
   */
  public static PluginPath parse(String cniPath) {
    return parse(cniPath, Platform.current());
  }

  static PluginPath parse(String cniPath, Platform platform) {
    Objects.requireNonNull(cniPath, "cniPath");
    List<Path> dirs = new ArrayList<>();
    List<Skipped> ignored = new ArrayList<>();
    for (String entry : platform.split(cniPath)) {
      if (entry.isEmpty()) {
        ignored.add(
            ignore(
                entry,
                "empty entry, ignored (libcni would look in the working directory, then run"
                    + " the bare name from PATH)"));
      } else if (!platform.isAbsolute(entry)) {
        ignored.add(ignore(entry, "relative directory, ignored"));
      } else {
        try {
          dirs.add(Path.of(entry));
        } catch (InvalidPathException e) {
          ignored.add(ignore(entry, "not a valid path here, ignored: " + e.getReason()));
        }
      }
    }
    return new PluginPath(dirs, ignored, platform, null);
  }

  /**
   * The given directories, in order, with the rules of the platform the JVM runs on.
   *
   * @param directories the plugin directories; relative ones are dropped with a warning
   * @return the plugin path
   */
  public static PluginPath of(List<Path> directories) {
    return of(directories, Platform.current());
  }

  static PluginPath of(List<Path> directories, Platform platform) {
    return new PluginPath(List.copyOf(directories), List.of(), platform, null);
  }

  private static Skipped ignore(String entry, String reason) {
    LOG.warn("CNI_PATH entry {}: {}", UntrustedText.quote(entry), reason);
    return new Skipped(entry, reason);
  }

  /**
   * The same directories in strict mode: a plugin is refused (and the search stops there) when the
   * file, or any directory the kernel looks a name up in while resolving it, is writable by group
   * or others or owned by someone other than root or the current user.
   *
   * @return a strict copy
   * @throws UnsupportedOperationException where owners and modes cannot be read (not Linux)
   */
  public PluginPath strict() {
    return new PluginPath(directories, ignored, platform, StrictPermissions.forCurrentUser());
  }

  PluginPath strict(StrictPermissions rule) {
    return new PluginPath(directories, ignored, platform, rule);
  }

  /** Whether this path is in strict mode. */
  public boolean isStrict() {
    return strict != null;
  }

  /** The absolute plugin directories, in search order. */
  public List<Path> directories() {
    return directories;
  }

  /**
   * The value to pass to plugins as {@code CNI_PATH}: the directories that count, joined with the
   * platform's separator (dropped entries are not passed on, so that a plugin delegating to another
   * one does not search the working directory either).
   */
  public String toCniPath() {
    StringBuilder sb = new StringBuilder();
    for (Path dir : directories) {
      if (sb.length() > 0) {
        sb.append(platform.separator());
      }
      sb.append(dir);
    }
    return sb.toString();
  }

  /**
   * Finds the plugin of the given type: the first {@code DIR/TYPE} (on Windows {@code
   * DIR/TYPE.exe}, then {@code DIR/TYPE}) that is a regular file this process may execute.
   *
   * @param type the plugin type from the configuration
   * @return the plugin, with its resolved path and file identity
   * @throws InvalidNameException when the type is not a plain file name (no file system
   *     access has happened)
   * @throws PluginNotFoundException when no directory holds a usable plugin, or strict mode refused
   *     the one found; lists every location looked at and why it was passed over
   */
  public LocatedPlugin find(String type)
      throws InvalidNameException, PluginNotFoundException {
    Names.checkPluginType(type);
    String platformProblem = platform.typeProblem(type);
    if (platformProblem != null) {
      throw invalidType(type, platformProblem);
    }
    List<Skipped> skipped = new ArrayList<>(ignored);
    for (Path dir : directories) {
      String dirProblem = directoryProblem(dir);
      if (dirProblem != null) {
        skipped.add(new Skipped(dir.toString(), dirProblem));
        continue;
      }
      for (String name : platform.fileNames(type)) {
        Path candidate;
        try {
          candidate = dir.resolve(name);
        } catch (InvalidPathException e) {
          throw invalidType(type, "is not a valid file name here: " + e.getReason());
        }
        if (!dir.equals(candidate.getParent())) {
          // Cannot happen for a type that passed the rule; kept so that the invariant is local.
          throw invalidType(type, "does not name a file directly in " + dir);
        }
        String problem = candidateProblem(candidate);
        if (problem != null) {
          skipped.add(new Skipped(candidate.toString(), problem));
          continue;
        }
        LocatedPlugin found;
        try {
          found = locate(type, candidate);
        } catch (IOException e) {
          skipped.add(new Skipped(candidate.toString(), "cannot be resolved: " + describe(e)));
          continue;
        }
        if (strict != null) {
          String refusal = strict.problem(candidate);
          if (refusal != null) {
            skipped.add(new Skipped(candidate.toString(), "refused by strict mode: " + refusal));
            throw new PluginNotFoundException(type, skipped);
          }
        }
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "plugin type={} found at {} ({})",
              UntrustedText.plainOrQuoted(type),
              UntrustedText.plainOrQuoted(candidate),
              UntrustedText.plainOrQuoted(found.realPath()));
        }
        return found;
      }
    }
    throw new PluginNotFoundException(type, skipped);
  }

  private static String directoryProblem(Path dir) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dir, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return "directory does not exist";
    } catch (IOException e) {
      return "directory cannot be read: " + describe(e);
    }
    return a.isDirectory() ? null : "not a directory";
  }

  private static String candidateProblem(Path candidate) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(candidate, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Files.isSymbolicLink(candidate) ? "dangling symbolic link" : "no such file";
    } catch (IOException e) {
      return "cannot be read: " + describe(e);
    }
    if (a.isDirectory()) {
      return "is a directory";
    }
    if (!a.isRegularFile()) {
      return "not a regular file (a socket, pipe or device)";
    }
    if (!Files.isExecutable(candidate)) {
      return "not executable by this process";
    }
    return null;
  }

  private static LocatedPlugin locate(String type, Path candidate) throws IOException {
    Path real = candidate.toRealPath();
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
    Object key = a.fileKey();
    return new LocatedPlugin(
        type,
        candidate,
        real,
        new LocatedPlugin.FileIdentity(
            real, a.size(), a.lastModifiedTime(), key == null ? "" : key.toString()));
  }

  private static String describe(IOException e) {
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginPath
        && ((PluginPath) o).directories.equals(directories)
        && ((PluginPath) o).platform == platform
        && ((PluginPath) o).isStrict() == isStrict();
  }

  @Override
  public int hashCode() {
    return Objects.hash(directories, platform, isStrict());
  }

  @Override
  public String toString() {
    return "CNI_PATH " + toCniPath() + (isStrict() ? " (strict)" : "");
  }

  private static InvalidNameException invalidType(String type, String reason) {
    return new InvalidNameException(
        InvalidNameException.Kind.PLUGIN_TYPE, type, reason, ConfigException.Context.NONE);
  }
}
