package dev.jcni.runtime;

import dev.jcni.CniException;
import dev.jcni.internal.text.UntrustedText;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Finds the executable of a plugin type, so that a network whose plugins are not installed is not
 * taken as the default network (libcni's {@code ValidateNetworkList} does the same search before
 * asking each plugin for its versions).
 *
 * <p>A runtime normally passes CNI_PATH's search here; {@link #inDirectories(List)} is a plain
 * version of it.
 */
@FunctionalInterface
public interface PluginLocator {
  /**
   * Finds a plugin.
   *
   * @param type the plugin's {@code type} from a network configuration
   * @return the executable
   * @throws CniException when no directory holds a usable executable of that name; the message says
   *     where it was looked for
   */
  Path find(String type) throws CniException;

  /**
   * Searches directories in order for a regular, executable file named after the type.
   *
   * @param directories the plugin directories, such as CNI_PATH's
   * @return the locator
   */
  static PluginLocator inDirectories(List<Path> directories) {
    List<Path> dirs = List.copyOf(directories);
    return type -> {
      Objects.requireNonNull(type, "type");
      if (type.isEmpty()
          || type.equals(".")
          || type.equals("..")
          || type.indexOf('/') >= 0
          || type.indexOf('\\') >= 0
          || type.indexOf('\0') >= 0) {
        throw new CniException(
            "plugin type " + UntrustedText.quote(type) + " is not a plain file name");
      }
      for (Path dir : dirs) {
        Path candidate;
        try {
          candidate = dir.resolve(type);
        } catch (InvalidPathException e) {
          throw new CniException(
              "plugin type " + UntrustedText.quote(type) + " is not a valid file name", e);
        }
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      throw new CniException(
          "plugin type "
              + UntrustedText.quote(type)
              + " not found: no executable file of that name in "
              + UntrustedText.visible(dirs.toString()));
    };
  }
}
