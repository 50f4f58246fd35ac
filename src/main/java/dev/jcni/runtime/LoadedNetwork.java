package dev.jcni.runtime;

import dev.jcni.ConfigException;
import dev.jcni.config.NetworkConfigList;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One network of a watched configuration directory, with what is known about its file and its
 * plugins.
 *
 * @param config the network, drop-in plugins included
 * @param file the file it was read from
 * @param fileError present when the file cannot be used now (being rewritten, broken): the network
 *     is then the last version that could be read, kept so that a half-written file never replaces
 *     a good configuration
 * @param missingPlugins the plugins of the network that were not found, in plugin order; empty when
 *     all were found or plugins are not checked
 */
public record LoadedNetwork(
    NetworkConfigList config,
    Path file,
    Optional<ConfigException> fileError,
    List<MissingPlugin> missingPlugins) {

  /**
   * A plugin a network needs that could not be found.
   *
   * @param type the plugin's type
   * @param problem why it cannot be used, naming the directories searched
   */
  public record MissingPlugin(String type, String problem) {
    /** Rejects {@code null}. */
    public MissingPlugin {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /** Copies the list and rejects {@code null}. */
  public LoadedNetwork {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(fileError, "fileError");
    missingPlugins = List.copyOf(missingPlugins);
  }

  /** The network's name. */
  public String name() {
    return config.name();
  }

  /** Whether this is the last good version of a file that cannot be used now. */
  public boolean isStale() {
    return fileError.isPresent();
  }

  /** Whether every plugin of the network was found, so that it can be the default network. */
  public boolean isUsable() {
    return missingPlugins.isEmpty();
  }

  LoadedNetwork withFileError(ConfigException error) {
    return new LoadedNetwork(config, file, Optional.of(error), missingPlugins);
  }

  LoadedNetwork withMissingPlugins(List<MissingPlugin> missing) {
    return new LoadedNetwork(config, file, fileError, missing);
  }
}
