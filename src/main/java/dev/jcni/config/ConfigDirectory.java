package dev.jcni.config;

import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of network configuration files, such as {@code /etc/cni/net.d}, read the way libcni's
 * {@code LoadConfList} reads it.
 *
 * <p>The files are the {@code *.conflist} files sorted by name, then the {@code *.conf} and {@code
 * *.json} files sorted by name, each lifted to a one-plugin list ({@link
 * NetworkConfigList#fromConf}). The first file whose network has the requested name wins. A {@code
 * .conflist} network gets the plugins of its drop-in directory {@code <dir>/<name>/*.conf}
 * appended, unless it sets {@code loadOnlyInlinedPlugins}.
 *
 * <p>Unlike libcni, a file that cannot be parsed does not stop the search: it is skipped (and
 * logged), so that one broken neighbour never hides a runtime's network. A broken file that
 * declares the requested name ({@link ConfigException#network()}) is no neighbour: it fails the
 * search, as in libcni, and no later file of that name stands in for it. Instances are immutable;
 * every call reads the directory afresh.
 */
public final class ConfigDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigDirectory.class);

  private static final List<String> LIST_EXTENSIONS = List.of(".conflist");
  private static final List<String> CONF_EXTENSIONS = List.of(".conf", ".json");

  /**
   * Every network of a directory, as {@link #listAll()} finds them.
   *
   * @param networks the networks a runtime would use, one per name, in load order
   * @param shadowed networks that have the name of an earlier network, or of an earlier broken file
   *     that declares it, and so are never loaded
   * @param problems one exception per file (or drop-in) that cannot be used
   */
  public record Listing(
      List<NetworkConfigList> networks,
      List<NetworkConfigList> shadowed,
      List<ConfigException> problems) {
    /** Copies the lists. */
    public Listing {
      networks = List.copyOf(networks);
      shadowed = List.copyOf(shadowed);
      problems = List.copyOf(problems);
    }
  }

  private final Path dir;
  private final ConfigParser parser;

  ConfigDirectory(Path dir, ConfigParser parser) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /**
   * A configuration directory read with the default limits.
   *
   * @param dir the directory
   * @return the directory
   */
  public static ConfigDirectory of(Path dir) {
    return ConfigParser.defaults().directory(dir);
  }

  /** The directory. */
  public Path path() {
    return dir;
  }

  /**
   * The configuration files in the order they are read: {@code *.conflist} sorted by name, then
   * {@code *.conf} and {@code *.json} sorted by name. A missing directory has none.
   *
   * @return the files
   * @throws ConfigException when the path is not a directory or cannot be listed
   */
  public List<Path> files() throws ConfigException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException("is not a directory", Context.NONE.withFile(dir), null);
    }
    List<Path> files = new ArrayList<>(ConfigParser.listFiles(dir, LIST_EXTENSIONS, false));
    files.addAll(ConfigParser.listFiles(dir, CONF_EXTENSIONS, false));
    return files;
  }

  /** Whether a file is read as a list (a {@code .conflist}) rather than lifted from a plugin. */
  static boolean isListFile(Path file) {
    return file.getFileName().toString().endsWith(".conflist");
  }

  /**
   * Loads the network with the given name, drop-ins included.
   *
   * @param networkName the network's name; checked with {@link Names#checkNetworkName} first
   * @return the first network of that name
   * @throws dev.jcni.InvalidNameException when the name is not a valid network name
   * @throws ConfigException when no file defines the network (the message says how many files could
   *     not be read; they are attached as suppressed exceptions), when the first file that declares
   *     it is not valid (its own exception), when its drop-ins are invalid, or when the directory
   *     cannot be listed
   */
  public NetworkConfigList load(String networkName) throws ConfigException {
    Names.checkNetworkName(networkName);
    List<Path> files = files();
    List<ConfigException> problems = new ArrayList<>();
    for (Path file : files) {
      NetworkConfigList network;
      try {
        network = readAlone(file);
      } catch (ConfigException e) {
        if (e.network().filter(networkName::equals).isPresent()) {
          throw e; // the file meant to define the network is broken: a later one is no substitute
        }
        LOG.warn("skipping a configuration file that cannot be used: {}", e.getMessage());
        problems.add(e);
        continue;
      }
      if (network.name().equals(networkName)) {
        return isListFile(file) ? parser.withDropIns(network, file) : network;
      }
    }
    ConfigException notFound;
    if (files.isEmpty()) {
      notFound = new ConfigException("no net configurations found in " + Messages.path(dir));
    } else {
      String unreadable =
          problems.isEmpty()
              ? ""
              : "; "
                  + problems.size()
                  + (problems.size() == 1 ? " file" : " files")
                  + " could not be used, the first: "
                  + problems.get(0).getMessage();
      notFound =
          new ConfigException(
              "no net configuration with name "
                  + Messages.quote(networkName)
                  + " in "
                  + Messages.path(dir)
                  + unreadable,
              Context.NONE,
              null);
    }
    problems.forEach(notFound::addSuppressed);
    throw notFound;
  }

  /**
   * Lists every network of the directory, drop-ins included, without stopping at broken files. A
   * broken file that declares a network takes its name as a usable file would: later files of that
   * name are shadowed.
   *
   * @return the usable networks, the shadowed ones, and one exception per unusable file
   * @throws ConfigException when the directory exists but cannot be listed
   */
  public Listing listAll() throws ConfigException {
    List<NetworkConfigList> networks = new ArrayList<>();
    List<NetworkConfigList> shadowed = new ArrayList<>();
    List<ConfigException> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path file : files()) {
      NetworkConfigList network;
      try {
        network = readAlone(file);
      } catch (ConfigException e) {
        problems.add(e);
        e.network().ifPresent(names::add);
        continue;
      }
      if (!names.add(network.name())) {
        shadowed.add(network);
        continue;
      }
      if (isListFile(file)) {
        try {
          network = parser.withDropIns(network, file);
        } catch (ConfigException e) {
          problems.add(e);
          continue;
        }
      }
      networks.add(network);
    }
    return new Listing(networks, shadowed, problems);
  }

  /** A file's network without drop-ins: a list as written, or a lifted {@code .conf}. */
  private NetworkConfigList readAlone(Path file) throws ConfigException {
    if (isListFile(file)) {
      return parser.readListAlone(file);
    }
    return parser.readConfAsList(file);
  }

  @Override
  public String toString() {
    return "ConfigDirectory[" + dir + "]";
  }
}
