package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads network configurations with explicit limits: the entry point behind the static factories of
 * {@link NetworkConfigList}, {@link PluginConfig} and {@link ConfigDirectory}, for callers that
 * want a different size cap.
 *
 * <p>A file larger than {@link #maxBytes()} is rejected without reading it whole; the shared JSON
 * mapper bounds nesting depth and string length. Hostile input therefore gives a {@link
 * ConfigException}, never a {@link StackOverflowError} or {@link OutOfMemoryError}. Instances are
 * immutable and thread-safe.
 */
public final class ConfigParser {
  /** The default size cap for one configuration file: 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  private static final ConfigParser DEFAULTS = new ConfigParser(DEFAULT_MAX_BYTES);

  private final int maxBytes;

  private ConfigParser(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The parser with the default limits. */
  public static ConfigParser defaults() {
    return DEFAULTS;
  }

  /**
   * A parser with another size cap.
   *
   * @param maxBytes the largest configuration file accepted, from 1 byte up to the shared JSON
   *     mapper's document limit
   * @return the parser
   * @throws IllegalArgumentException when the cap is out of range
   */
  public static ConfigParser withMaxBytes(int maxBytes) {
    if (maxBytes < 1 || maxBytes > Json.MAX_DOCUMENT_LENGTH) {
      throw new IllegalArgumentException(
          "maxBytes must be between 1 and " + Json.MAX_DOCUMENT_LENGTH + ", not " + maxBytes);
    }
    return new ConfigParser(maxBytes);
  }

  /** The largest configuration file accepted, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Parses a network configuration list (see {@link NetworkConfigList#parse(byte[], Path)}).
   *
   * @param bytes UTF-8 JSON; copied
   * @param sourceForMessages the file the bytes came from, or {@code null}
   * @return the list
   * @throws ConfigException when the bytes are not a valid list or exceed the size cap
   */
  public NetworkConfigList parseList(byte[] bytes, Path sourceForMessages) throws ConfigException {
    ConfigSource src = source(bytes.clone(), sourceForMessages);
    return NetworkConfigList.fromTree(src.parseObject(), src, false);
  }

  /**
   * Reads a {@code .conflist} file and its drop-ins (see {@link NetworkConfigList#fromFile}).
   *
   * @param file the file
   * @return the list
   * @throws ConfigException when the file or a drop-in cannot be read or is not valid
   */
  public NetworkConfigList readList(Path file) throws ConfigException {
    ConfigSource src = source(readFile(file), file);
    NetworkConfigList list = NetworkConfigList.fromTree(src.parseObject(), src, true);
    return withDropIns(list, file);
  }

  /**
   * Reads one file of a configuration directory as {@link ConfigDirectory} reads it: a {@code
   * .conflist} with its drop-ins ({@link #readList}), any other file as a single plugin
   * configuration lifted to a one-plugin list ({@link NetworkConfigList#fromConf}).
   *
   * <p>A problem names the network whenever the file declares a valid network name ({@link
   * ConfigException#network()}), so that a caller looking for that network can tell that the file
   * meant to define it is broken, rather than a neighbour.
   *
   * @param file the file
   * @return the network
   * @throws ConfigException when the file or a drop-in cannot be read or is not valid
   */
  public NetworkConfigList readNetwork(Path file) throws ConfigException {
    if (ConfigDirectory.isListFile(file)) {
      return withDropIns(readListAlone(file), file);
    }
    return readConfAsList(file);
  }

  /**
   * Reads a single plugin configuration file of a directory lifted to a list; a problem names the
   * network its {@code name} declares, when that is a valid network name.
   */
  NetworkConfigList readConfAsList(Path file) throws ConfigException {
    ConfigSource src = source(readFile(file), file);
    ObjectNode o = src.parseObjectNamingNetwork();
    return NetworkConfigList.fromConf(
        PluginConfig.validate(o, src, "", confContext(o), src.bytes()));
  }

  /** The context of a single plugin configuration file: its network, when it names a valid one. */
  static Context confContext(ObjectNode conf) {
    JsonNode name = conf.get("name");
    if (name != null && name.isTextual() && Names.networkNameProblem(name.textValue()) == null) {
      return Context.NONE.withNetwork(name.textValue());
    }
    return Context.NONE;
  }

  /**
   * Parses a list file's bytes without its drop-ins; it may have no plugins yet. A problem names
   * the network the file declares, even when it is not valid JSON.
   */
  NetworkConfigList readListAlone(Path file) throws ConfigException {
    ConfigSource src = source(readFile(file), file);
    return NetworkConfigList.fromTree(src.parseObjectNamingNetwork(), src, true);
  }

  /**
   * Appends the drop-in plugins of a list read from {@code file}, unless the list loads only its
   * inlined plugins, and checks that the result has plugins.
   */
  NetworkConfigList withDropIns(NetworkConfigList list, Path file) throws ConfigException {
    NetworkConfigList full = list;
    if (!list.loadOnlyInlinedPlugins()) {
      full = list.appended(readDropIns(dropInDirectory(file, list.name()), list));
    }
    if (full.plugins().isEmpty()) {
      throw new ConfigException(
          noPlugins(list, dropInDirectory(file, list.name())),
          Context.NONE.withFile(file).withNetwork(list.name()),
          null);
    }
    return full;
  }

  /** The problem of a list that has no plugins of its own and none in its drop-in directory. */
  static String noPlugins(NetworkConfigList list, Path dropIns) {
    return "no plugins: the list has no \"plugins\" and its drop-in directory "
        + Messages.path(dropIns)
        + " has no *.conf files"
        + list.singlePluginHint();
  }

  /** The drop-in directory of a network whose list is {@code file}: a sibling named after it. */
  static Path dropInDirectory(Path file, String network) {
    Path parent = file.getParent();
    return parent == null ? Path.of(network) : parent.resolve(network);
  }

  /**
   * The drop-in files of a network, {@code <dir>/<name>/*.conf} sorted by name. A missing directory
   * (or a link to nothing) has none; a path that is something else than a directory is an error, as
   * libcni's {@code ConfFiles} fails on it (ENOTDIR).
   */
  static List<Path> dropInFiles(Path dir, String network) throws ConfigException {
    Context context = Context.NONE.withNetwork(network);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException(
          "is not a directory, so the drop-in plugins of the network's list cannot be read from it",
          context.withFile(dir),
          null);
    }
    return listFiles(dir, List.of(".conf"), false, context);
  }

  private List<PluginConfig> readDropIns(Path dir, NetworkConfigList list) throws ConfigException {
    List<Path> files = dropInFiles(dir, list.name());
    List<PluginConfig> plugins = new ArrayList<>(files.size());
    int index = list.plugins().size();
    for (Path f : files) {
      // a drop-in that cannot be read or parsed still names its network: the list is what breaks
      Context context = Context.NONE.withNetwork(list.name()).withPlugin(index++, null);
      ConfigSource src = source(readFile(f, context), f, context);
      ObjectNode o = src.parseObject();
      plugins.add(PluginConfig.validate(o, src, "", context, src.bytes()));
    }
    return plugins;
  }

  /**
   * Parses one plugin configuration (see {@link PluginConfig#parse(byte[], Path)}).
   *
   * @param bytes UTF-8 JSON; copied
   * @param sourceForMessages the file the bytes came from, or {@code null}
   * @return the plugin configuration
   * @throws ConfigException when the bytes are not valid or exceed the size cap
   */
  public PluginConfig parsePlugin(byte[] bytes, Path sourceForMessages) throws ConfigException {
    ConfigSource src = source(bytes.clone(), sourceForMessages);
    return PluginConfig.validate(src.parseObject(), src, "", Context.NONE, src.bytes());
  }

  /**
   * Reads one plugin configuration file (see {@link PluginConfig#fromFile}).
   *
   * @param file the file
   * @return the plugin configuration
   * @throws ConfigException when the file cannot be read or is not valid
   */
  public PluginConfig readPlugin(Path file) throws ConfigException {
    ConfigSource src = source(readFile(file), file);
    return PluginConfig.validate(src.parseObject(), src, "", Context.NONE, src.bytes());
  }

  /**
   * A configuration directory read with this parser's limits.
   *
   * @param dir the directory, such as {@code /etc/cni/net.d}
   * @return the directory
   */
  public ConfigDirectory directory(Path dir) {
    return new ConfigDirectory(dir, this);
  }

  private ConfigSource source(byte[] bytes, Path path) throws ConfigException {
    return source(bytes, path, Context.NONE);
  }

  private ConfigSource source(byte[] bytes, Path path, Context base) throws ConfigException {
    if (bytes.length > maxBytes) {
      throw new ConfigException(
          "is " + bytes.length + " bytes, more than the limit of " + maxBytes,
          base.withFile(path),
          null);
    }
    return new ConfigSource(bytes, path, base);
  }

  /** Reads a regular file, at most {@link #maxBytes()} + 1 bytes of it. */
  byte[] readFile(Path file) throws ConfigException {
    return readFile(file, Context.NONE);
  }

  /** Reads a regular file; a problem has what {@code base} knows of the place. */
  private byte[] readFile(Path file, Context base) throws ConfigException {
    Context context = base.withFile(file);
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // a FIFO or a device could block or never end; a directory is not a configuration
      throw new ConfigException("is not a regular file", context, null);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        // the network it declares near its start, so that no later file stands in for it
        String network = base.network() == null ? ConfigSource.declaredNetwork(bytes) : null;
        throw new ConfigException(
            "is larger than the limit of " + maxBytes + " bytes",
            network == null ? context : context.withNetwork(network),
            null);
      }
      return bytes;
    } catch (IOException e) {
      throw new ConfigException(ioProblem(e), context, e);
    }
  }

  /** A short description of an I/O failure, by its type. */
  static String ioProblem(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    return "cannot be read: " + e;
  }

  /**
   * The regular files of a directory whose names end with one of the extensions, sorted by name as
   * Go sorts strings (by UTF-8 bytes). A missing directory has none, as in libcni. Directories
   * are left out, but not links to them: libcni lists those, and reading one fails.
   *
   * @param mustExist whether a missing directory is an error rather than empty
   */
  static List<Path> listFiles(Path dir, List<String> extensions, boolean mustExist)
      throws ConfigException {
    return listFiles(dir, extensions, mustExist, Context.NONE);
  }

  /** As {@link #listFiles(Path, List, boolean)}; a problem has what {@code base} knows. */
  private static List<Path> listFiles(
      Path dir, List<String> extensions, boolean mustExist, Context base) throws ConfigException {
    List<Path> files = new ArrayList<>();
    if (!mustExist && !Files.isDirectory(dir)) {
      return files;
    }
    for (Path entry : entries(dir, e -> true, base)) {
      String name = entry.getFileName().toString();
      // the entry itself, as libcni's ConfFiles tests it: a link to a directory is listed, and
      // then fails to read, rather than being passed over without a word
      if (extensions.stream().anyMatch(name::endsWith)
          && !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        files.add(entry);
      }
    }
    files.sort(BY_NAME_BYTES);
    return files;
  }

  /**
   * The subdirectories of a directory, sorted by name as Go sorts strings.
   *
   * @throws ConfigException when the directory cannot be listed
   */
  static List<Path> subdirectories(Path dir) throws ConfigException {
    List<Path> subs = entries(dir, Files::isDirectory, Context.NONE);
    subs.sort(BY_NAME_BYTES);
    return subs;
  }

  /**
   * The entries of a directory that the filter accepts, in the order listed; an I/O error, on
   * opening the directory or while reading its entries, is a {@link ConfigException}.
   */
  private static List<Path> entries(
      Path dir, DirectoryStream.Filter<? super Path> filter, Context base) throws ConfigException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, filter)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      throw listingFailed(dir, base, e);
    } catch (DirectoryIteratorException e) {
      // an I/O error while reading the entries, which the stream's iterator throws unchecked
      throw listingFailed(dir, base, e.getCause());
    }
    return entries;
  }

  private static ConfigException listingFailed(Path dir, Context base, IOException e) {
    return new ConfigException("cannot list the directory: " + ioProblem(e), base.withFile(dir), e);
  }

  /** Go's sort.Strings order of file names: by their UTF-8 bytes, unsigned. */
  static final Comparator<Path> BY_NAME_BYTES =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
              b.getFileName().toString().getBytes(StandardCharsets.UTF_8));
}
