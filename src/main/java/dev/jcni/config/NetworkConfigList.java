package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.InvalidNameException;
import dev.jcni.internal.json.Json;
import dev.jcni.result.CniVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A network configuration (SPEC.md section 1): a named, versioned list of plugin configurations
 * that a runtime runs in order, as libcni's {@code NetworkConfigList}.
 *
 * <p>Parsing is strict JSON, as libcni's. The top-level keys jcni reads are checked: {@code name}
 * (required; {@link Names#checkNetworkName}), {@code cniVersion} and {@code cniVersions} (see
 * {@link #cniVersion()}), the flags {@code disableCheck}, {@code disableGC} and {@code
 * loadOnlyInlinedPlugins} (a JSON boolean, or the string {@code "true"} or {@code "false"} in any
 * case, as libcni accepts), and {@code plugins} (a non-empty array of plugin objects, see {@link
 * PluginConfig}). Every other key, at every level, is kept as written.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NetworkConfigList {
  private final String name;
  private final DeclaredVersions.Selection versions;
  private final boolean disableCheck;
  private final boolean disableGC;
  private final boolean loadOnlyInlinedPlugins;
  private final List<PluginConfig> plugins;
  private final byte[] bytes;
  private final Path source;
  private final ObjectNode root;

  private NetworkConfigList(
      String name,
      DeclaredVersions.Selection versions,
      boolean disableCheck,
      boolean disableGC,
      boolean loadOnlyInlinedPlugins,
      List<PluginConfig> plugins,
      byte[] bytes,
      Path source,
      ObjectNode root) {
    this.name = name;
    this.versions = versions;
    this.disableCheck = disableCheck;
    this.disableGC = disableGC;
    this.loadOnlyInlinedPlugins = loadOnlyInlinedPlugins;
    this.plugins = List.copyOf(plugins);
    this.bytes = bytes;
    this.source = source;
    this.root = root;
  }

  /**
   * Parses a network configuration list ({@code .conflist} contents) with the default limits.
   * Drop-in plugins are not loaded: they belong to a file in a directory ({@link #fromFile}).
   *
   * @param bytes UTF-8 JSON
   * @return the list
   * @throws ConfigException when the bytes are not a valid network configuration list
   */
  public static NetworkConfigList parse(byte[] bytes) throws ConfigException {
    return ConfigParser.defaults().parseList(bytes, null);
  }

  /**
   * Parses a network configuration list with the default limits, naming a file in messages.
   *
   * @param bytes UTF-8 JSON
   * @param sourceForMessages the file the bytes came from, or {@code null}
   * @return the list
   * @throws ConfigException when the bytes are not a valid network configuration list
   */
  public static NetworkConfigList parse(byte[] bytes, Path sourceForMessages)
      throws ConfigException {
    return ConfigParser.defaults().parseList(bytes, sourceForMessages);
  }

  /**
   * Reads a {@code .conflist} file with the default limits, as libcni's {@code ConfListFromFile}:
   * the plugins of the drop-in directory {@code <file's directory>/<name>/*.conf} are appended
   * unless {@code loadOnlyInlinedPlugins} is true.
   *
   * @param file the file
   * @return the list
   * @throws ConfigException when the file or a drop-in cannot be read or is not valid
   */
  public static NetworkConfigList fromFile(Path file) throws ConfigException {
    return ConfigParser.defaults().readList(file);
  }

  /**
   * Lifts a single-plugin configuration ({@code .conf} or {@code .json} file) to a one-plugin list,
   * as libcni's {@code ConfListFromConf}: the list takes the plugin's {@code name} (which must be a
   * valid network name) and {@code cniVersion}; the flags are false. {@link #bytes()} are the
   * plugin's own bytes.
   *
   * @param conf the plugin configuration
   * @return the list
   * @throws ConfigException when the configuration has no valid name or version
   */
  public static NetworkConfigList fromConf(PluginConfig conf) throws ConfigException {
    Objects.requireNonNull(conf, "conf");
    byte[] own = conf.sourceBytes();
    ConfigSource src = new ConfigSource(own, conf.source().orElse(null));
    ObjectNode o = conf.jsonView();
    Context context = Context.NONE.withPlugin(-1, conf.type());
    JsonNode nameNode = o.get("name");
    if (nameNode == null || nameNode.isNull() || nameNode.textValue() == null) {
      throw src.error(
          "is missing; a .conf network configuration needs a name",
          context.withField("name"),
          "",
          false);
    }
    String network = nameNode.textValue();
    checkName(network, src, context);
    Context named = context.withNetwork(network);
    DeclaredVersions.Selection versions = DeclaredVersions.select(o, src, named, false, true);
    return new NetworkConfigList(
        network,
        versions,
        false,
        false,
        false,
        List.of(conf),
        own != null ? own : Json.compact(o),
        conf.source().orElse(null),
        null);
  }

  /**
   * Validates a list object.
   *
   * @param allowNoPlugins whether a list without a {@code plugins} key is accepted (with no
   *     plugins), because its file's drop-in directory may supply them
   */
  static NetworkConfigList fromTree(ObjectNode root, ConfigSource src, boolean allowNoPlugins)
      throws ConfigException {
    Context context = Context.NONE;
    JsonNode nameNode = root.get("name");
    if (nameNode == null) {
      throw src.error(
          "is missing; a network configuration needs a name", context.withField("name"), "", false);
    }
    if (!nameNode.isTextual()) {
      throw src.error(
          "must be a string, not " + Json.kind(nameNode),
          context.withField("name"),
          "/name",
          false);
    }
    String network = nameNode.textValue();
    checkName(network, src, context);
    context = context.withNetwork(network);
    DeclaredVersions.Selection versions = DeclaredVersions.select(root, src, context, true, false);
    boolean disableCheck = flag(root, "disableCheck", src, context);
    boolean disableGC = flag(root, "disableGC", src, context);
    boolean onlyInlined = flag(root, "loadOnlyInlinedPlugins", src, context);
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!e.getKey().equals("plugins")) {
        PluginConfig.checkNumbers(
            e.getValue(), e.getKey(), "/" + PluginConfig.pointerToken(e.getKey()), src, context);
      }
    }

    JsonNode list = root.get("plugins");
    List<PluginConfig> plugins = new ArrayList<>();
    if (list == null) {
      if (onlyInlined) {
        throw src.error(
            "loadOnlyInlinedPlugins is true but there is no \"plugins\" key",
            context.withField("plugins"),
            "",
            false);
      }
      if (!allowNoPlugins) {
        throw src.error(
            "is missing (plugins from a drop-in directory are loaded only with the list's"
                + " file)"
                + singlePluginHint(root),
            context.withField("plugins"),
            "",
            false);
      }
    } else {
      if (!list.isArray()) {
        throw src.error(
            "must be an array of plugin objects, not " + Json.kind(list),
            context.withField("plugins"),
            "/plugins",
            false);
      }
      if (list.isEmpty()) {
        throw src.error("no plugins in the list", context.withField("plugins"), "/plugins", false);
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        String pointer = "/plugins/" + i;
        if (!item.isObject()) {
          throw src.error(
              "must be a plugin object, not " + Json.kind(item),
              context.withPlugin(i, null),
              pointer,
              false);
        }
        plugins.add(
            PluginConfig.validate(
                (ObjectNode) item, src, pointer, context.withPlugin(i, null), null));
      }
    }
    return new NetworkConfigList(
        network,
        versions,
        disableCheck,
        disableGC,
        onlyInlined,
        plugins,
        src.bytes(),
        src.path(),
        root);
  }

  /**
   * A hint for a list without plugins that looks like a single plugin configuration (it has a
   * {@code type} and no {@code plugins}): that belongs in a {@code .conf} file.
   */
  static String singlePluginHint(ObjectNode root) {
    return root != null && root.has("type") && !root.has("plugins")
        ? "; it has \"type\": a single plugin configuration belongs in a .conf file"
        : "";
  }

  /** {@link #singlePluginHint} for this list's own object. */
  String singlePluginHint() {
    return singlePluginHint(root);
  }

  private static void checkName(String network, ConfigSource src, Context context)
      throws InvalidNameException {
    String reason = Names.networkNameProblem(network);
    if (reason != null) {
      throw src.invalidName(
          InvalidNameException.Kind.NETWORK_NAME,
          network,
          reason,
          context.withField("name"),
          "/name");
    }
  }

  /** A flag as libcni reads it: a boolean, or "true"/"false" in any case; absent is false. */
  private static boolean flag(ObjectNode root, String key, ConfigSource src, Context context)
      throws ConfigException {
    JsonNode v = root.get(key);
    if (v == null) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      String s = v.textValue().toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
      throw src.error(
          "must be true or false, not " + Messages.quote(v.textValue()),
          context.withField(key),
          "/" + key,
          false);
    }
    throw src.error(
        "must be true or false, not " + Json.kind(v), context.withField(key), "/" + key, false);
  }

  /**
   * A copy with more plugins after this list's own, for plugins a runtime gathers from other
   * sources (SPEC.md section 1: they "must be appended to the final list"). {@link #bytes()} stay
   * the bytes of the list's own file, as in libcni.
   *
   * @param extra the plugins to append, in order
   * @return the longer list
   * @throws IllegalStateException when {@link #loadOnlyInlinedPlugins()} is true: such a list takes
   *     no plugins from elsewhere
   */
  public NetworkConfigList withAppendedPlugins(List<PluginConfig> extra) {
    if (loadOnlyInlinedPlugins) {
      throw new IllegalStateException(
          "network \"" + name + "\" has loadOnlyInlinedPlugins: it takes no other plugins");
    }
    return appended(extra);
  }

  NetworkConfigList appended(List<PluginConfig> extra) {
    List<PluginConfig> all = new ArrayList<>(plugins);
    all.addAll(extra);
    return new NetworkConfigList(
        name, versions, disableCheck, disableGC, loadOnlyInlinedPlugins, all, bytes, source, root);
  }

  /** The network's name. */
  public String name() {
    return name;
  }

  /**
   * The version text plugins receive as {@code cniVersion}: the declared {@code cniVersion}, or the
   * highest supported version among {@code cniVersions} and {@code cniVersion}; {@code ""} when the
   * file declares none (libcni passes that empty string on).
   */
  public String cniVersion() {
    return versions.text();
  }

  /**
   * The version that governs results and verbs: the one {@link #cniVersion()} names, or 0.1.0 when
   * none is declared (as libcni reads an empty version).
   */
  public CniVersion version() {
    return versions.version();
  }

  /** Whether the runtime must not call CHECK for this network. */
  public boolean disableCheck() {
    return disableCheck;
  }

  /** Whether the runtime must not call GC for this network. */
  public boolean disableGC() {
    return disableGC;
  }

  /** Whether plugins from other sources (the drop-in directory) are ignored. */
  public boolean loadOnlyInlinedPlugins() {
    return loadOnlyInlinedPlugins;
  }

  /** The plugins in the order they run for ADD: the list's own, then drop-ins. Never empty. */
  public List<PluginConfig> plugins() {
    return plugins;
  }

  /**
   * A copy of the exact bytes of the list's file (of the {@code .conf} for a lifted list), which
   * the result cache stores; drop-in plugins are not in them, as in libcni.
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The file the list was read from, when there is one. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** Versions the file declares that are newer than jcni supports and were therefore ignored. */
  List<DeclaredVersions.Ignored> ignoredVersions() {
    return versions.ignored();
  }

  /**
   * The effective list as JSON: the top-level object as written with {@code plugins} replaced by
   * every plugin the list runs, drop-ins included. A lifted {@code .conf} gives {@code
   * {"cniVersion", "name", "plugins"}} as libcni builds it.
   *
   * @return a new tree
   */
  public ObjectNode toJson() {
    ArrayNode array = Json.NODES.arrayNode();
    for (PluginConfig p : plugins) {
      array.add(p.json());
    }
    ObjectNode out;
    if (root == null) {
      out = Json.NODES.objectNode();
      out.put("cniVersion", versions.text());
      out.put("name", name);
    } else {
      out = root.deepCopy();
    }
    out.set("plugins", array);
    return out;
  }

  /**
   * Bytes of a network configuration list that, parsed on its own, runs exactly this list's
   * plugins: the source bytes when they already hold every plugin, otherwise the compact JSON of
   * {@link #toJson()} (a lifted {@code .conf}, or a list with drop-in plugins, which then also says
   * {@code "loadOnlyInlinedPlugins": true}).
   *
   * <p>The result cache stores these bytes, so that DEL from the cached configuration runs every
   * plugin that ADD ran. libcni stores the list file's bytes alone and loses drop-ins there.
   *
   * @return a new array
   */
  public byte[] selfContainedBytes() {
    JsonNode inline = root == null ? null : root.get("plugins");
    if (inline != null && inline.isArray() && inline.size() == plugins.size()) {
      return bytes();
    }
    ObjectNode json = toJson();
    if (root != null) {
      json.put("loadOnlyInlinedPlugins", true);
    }
    return Json.compact(json);
  }

  @Override
  public String toString() {
    List<String> types = new ArrayList<>();
    for (PluginConfig p : plugins) {
      types.add(p.type());
    }
    return "NetworkConfigList[name="
        + name
        + ", cniVersion="
        + versions.text()
        + ", plugins="
        + types
        + "]";
  }
}
