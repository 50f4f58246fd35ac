package dev.jcni.invoke;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * A plugin found by {@link PluginPath#find(String)}: the only way to obtain one, so that {@link
 * PluginExecutor} runs nothing that was not located inside CNI_PATH by the rules of SPEC.md section
 * 2.
 */
public final class LocatedPlugin {
  private final String type;
  private final Path path;
  private final Path realPath;
  private final FileIdentity identity;

  /**
   * Which file a plugin was when it was found, for caching what it said: a new build of the plugin
   * (another size, time or inode) is another identity.
   *
   * @param realPath the resolved path
   * @param size the size in bytes
   * @param lastModified the modification time
   * @param fileKey the file system's key for the file (device and inode on Linux), or {@code ""}
   */
  public record FileIdentity(Path realPath, long size, FileTime lastModified, String fileKey) {
    /** Rejects {@code null}. */
    public FileIdentity {
      Objects.requireNonNull(realPath, "realPath");
      Objects.requireNonNull(lastModified, "lastModified");
      Objects.requireNonNull(fileKey, "fileKey");
    }
  }

  LocatedPlugin(String type, Path path, Path realPath, FileIdentity identity) {
    this.type = Objects.requireNonNull(type, "type");
    this.path = Objects.requireNonNull(path, "path");
    this.realPath = Objects.requireNonNull(realPath, "realPath");
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /** The requested type, as named in the configuration. */
  public String type() {
    return type;
  }

  /**
   * The path found in a CNI_PATH directory ({@code DIR/TYPE}); this is what is executed, so the
   * plugin sees it as {@code argv[0]}, as with libcni.
   */
  public Path path() {
    return path;
  }

  /** The path with every symbolic link resolved: what actually runs, for messages and logs. */
  public Path realPath() {
    return realPath;
  }

  /** The file's identity when it was found. */
  public FileIdentity identity() {
    return identity;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocatedPlugin
        && ((LocatedPlugin) o).type.equals(type)
        && ((LocatedPlugin) o).path.equals(path)
        && ((LocatedPlugin) o).identity.equals(identity);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, path, identity);
  }

  @Override
  public String toString() {
    return realPath.equals(path)
        ? "plugin " + type + " at " + path
        : "plugin " + type + " at " + path + " (" + realPath + ")";
  }
}
