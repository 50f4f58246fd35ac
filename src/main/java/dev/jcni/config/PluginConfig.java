package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.InvalidNameException;
import dev.jcni.internal.json.Json;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One plugin configuration object (SPEC.md section 1, "Plugin configuration objects"): an element
 * of a list's {@code plugins}, a drop-in file, or a whole single-plugin {@code .conf} file.
 *
 * <p>The object is kept exactly as written — unknown keys, key order, big integers, decimals and
 * unicode — because the runtime must pass it to the plugin unchanged; {@link #json()} returns a
 * copy of it. Typed accessors cover the keys the runtime itself reads. Instances are immutable and
 * thread-safe.
 *
 * <p>Validation follows the types libcni decodes into: {@code type} is a required, non-empty string
 * that is a plain file name ({@link Names#checkPluginType}); {@code name} and {@code cniVersion}
 * are strings; {@code capabilities} maps names to booleans; {@code ipam} is an object whose {@code
 * type}, when given, is a plain file name too; {@code dns} holds string lists and a string domain;
 * {@code prevResult} is an object. A JSON {@code null} counts as absent for these keys, as in Go.
 * No number, at any depth, may lie beyond the range of a float64 (1.8e308 in magnitude): libcni and
 * the plugins, written in Go, cannot decode such a number.
 */
public final class PluginConfig {
  private final ObjectNode json;
  private final String type;
  private final String name;
  private final String cniVersion;
  private final String ipamType;
  private final Set<String> capabilities;
  private final byte[] bytes;
  private final Path source;

  private PluginConfig(
      ObjectNode json,
      String type,
      String name,
      String cniVersion,
      String ipamType,
      Set<String> capabilities,
      byte[] bytes,
      Path source) {
    this.json = json;
    this.type = type;
    this.name = name;
    this.cniVersion = cniVersion;
    this.ipamType = ipamType;
    this.capabilities = capabilities;
    this.bytes = bytes;
    this.source = source;
  }

  /**
   * Parses a single plugin configuration, such as a {@code .conf} file or a drop-in, with the
   * default limits.
   *
   * @param bytes UTF-8 JSON
   * @return the plugin configuration
   * @throws ConfigException when the bytes are not a valid plugin configuration
   */
  public static PluginConfig parse(byte[] bytes) throws ConfigException {
    return ConfigParser.defaults().parsePlugin(bytes, null);
  }

  /**
   * Parses a single plugin configuration with the default limits, naming a file in messages.
   *
   * @param bytes UTF-8 JSON
   * @param sourceForMessages the file the bytes came from, or {@code null}
   * @return the plugin configuration
   * @throws ConfigException when the bytes are not a valid plugin configuration
   */
  public static PluginConfig parse(byte[] bytes, Path sourceForMessages) throws ConfigException {
    return ConfigParser.defaults().parsePlugin(bytes, sourceForMessages);
  }

  /**
   * Reads and parses a plugin configuration file with the default limits.
   *
   * @param file the file
   * @return the plugin configuration
   * @throws ConfigException when the file cannot be read or is not a valid plugin configuration
   */
  public static PluginConfig fromFile(Path file) throws ConfigException {
    return ConfigParser.defaults().readPlugin(file);
  }

  /**
   * Validates a plugin configuration built in memory. The tree is copied.
   *
   * @param json the plugin object
   * @return the plugin configuration
   * @throws ConfigException when the object is not a valid plugin configuration
   */
  public static PluginConfig fromJson(ObjectNode json) throws ConfigException {
    Objects.requireNonNull(json, "json");
    return validate(json.deepCopy(), new ConfigSource(null, null), "", Context.NONE, null);
  }

  /**
   * Validates one plugin object of a source.
   *
   * @param o the object; kept, not copied
   * @param src the document it is in, for messages
   * @param at the JSON pointer of the object in that document
   * @param context what is known of the place (network, plugin index)
   * @param ownBytes the exact bytes of this object when it is a whole file, or {@code null}
   */
  static PluginConfig validate(
      ObjectNode o, ConfigSource src, String at, Context context, byte[] ownBytes)
      throws ConfigException {
    JsonNode t = o.get("type");
    if (t == null || t.isNull()) {
      JsonNode plugins = o.get("plugins");
      String hint =
          at.isEmpty() && plugins != null && plugins.isArray()
              ? "; it has \"plugins\": a network configuration list belongs in a .conflist file"
              : "";
      throw src.error(
          "is missing; a plugin configuration needs a type" + hint,
          context.withField("type"),
          at,
          false);
    }
    if (!t.isTextual()) {
      throw src.error(
          "must be a string, not " + Json.kind(t),
          context.withField("type"),
          at + "/type",
          false);
    }
    String type = t.textValue();
    String reason = Names.pluginTypeProblem(type);
    if (reason != null) {
      throw src.invalidName(
          InvalidNameException.Kind.PLUGIN_TYPE,
          type,
          reason,
          context.withField("type"),
          at + "/type");
    }
    Context c = context.withPlugin(context.pluginIndex(), type);
    String name = optionalString(o, "name", src, at, c);
    String version = optionalString(o, "cniVersion", src, at, c);
    Set<String> capabilities = capabilities(o, src, at, c);
    String ipamType = ipamType(o, src, at, c);
    checkDns(o, src, at, c);
    JsonNode prev = o.get("prevResult");
    if (prev != null && !prev.isNull() && !prev.isObject()) {
      throw src.error(
          "must be an object, not " + Json.kind(prev),
          c.withField("prevResult"),
          at + "/prevResult",
          false);
    }
    checkNumbers(o, "", at, src, c);
    return new PluginConfig(o, type, name, version, ipamType, capabilities, ownBytes, src.path());
  }

  private static String optionalString(
      ObjectNode o, String key, ConfigSource src, String at, Context c) throws ConfigException {
    return optionalString(o, "", key, src, at, c);
  }

  /** A string key of an object at {@code at + "/" + key}, named {@code fieldPrefix + key}. */
  private static String optionalString(
      ObjectNode o, String fieldPrefix, String key, ConfigSource src, String at, Context c)
      throws ConfigException {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw src.error(
          "must be a string, not " + Json.kind(v),
          c.withField(fieldPrefix + key),
          at + "/" + key,
          false);
    }
    return v.textValue();
  }

  private static Set<String> capabilities(ObjectNode o, ConfigSource src, String at, Context c)
      throws ConfigException {
    JsonNode caps = o.get("capabilities");
    if (caps == null || caps.isNull()) {
      return Set.of();
    }
    if (!caps.isObject()) {
      throw src.error(
          "must be an object of capability names to true or false, not " + Json.kind(caps),
          c.withField("capabilities"),
          at + "/capabilities",
          false);
    }
    Set<String> enabled = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> e : caps.properties()) {
      JsonNode v = e.getValue();
      if (v.isBoolean()) {
        if (v.booleanValue()) {
          enabled.add(e.getKey());
        }
      } else if (!v.isNull()) {
        throw src.error(
            "must be true or false, not " + Json.kind(v),
            c.withField("capabilities." + e.getKey()),
            at + "/capabilities/" + pointerToken(e.getKey()),
            false);
      }
    }
    return enabled.isEmpty() ? Set.of() : Collections.unmodifiableSet(enabled);
  }

  private static String ipamType(ObjectNode o, ConfigSource src, String at, Context c)
      throws ConfigException {
    JsonNode ipam = o.get("ipam");
    if (ipam == null || ipam.isNull()) {
      return null;
    }
    if (!ipam.isObject()) {
      throw src.error(
          "must be an object, not " + Json.kind(ipam),
          c.withField("ipam"),
          at + "/ipam",
          false);
    }
    String type = optionalString((ObjectNode) ipam, "ipam.", "type", src, at + "/ipam", c);
    if (type == null || type.isEmpty()) {
      // libcni reads an empty ipam type as "no IPAM"; the plugin decides what that means
      return null;
    }
    String reason = Names.pluginTypeProblem(type);
    if (reason != null) {
      throw src.invalidName(
          InvalidNameException.Kind.PLUGIN_TYPE,
          type,
          reason,
          c.withField("ipam.type"),
          at + "/ipam/type");
    }
    return type;
  }

  private static void checkDns(ObjectNode o, ConfigSource src, String at, Context c)
      throws ConfigException {
    JsonNode dns = o.get("dns");
    if (dns == null || dns.isNull()) {
      return;
    }
    if (!dns.isObject()) {
      throw src.error(
          "must be an object, not " + Json.kind(dns), c.withField("dns"), at + "/dns", false);
    }
    for (String key : new String[] {"nameservers", "search", "options"}) {
      JsonNode list = dns.get(key);
      if (list == null || list.isNull()) {
        continue;
      }
      if (!list.isArray()) {
        throw src.error(
            "must be an array of strings, not " + Json.kind(list),
            c.withField("dns." + key),
            at + "/dns/" + key,
            false);
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        if (!item.isTextual() && !item.isNull()) {
          throw src.error(
              "must be a string, not " + Json.kind(item),
              c.withField("dns." + key + "[" + i + "]"),
              at + "/dns/" + key + "/" + i,
              false);
        }
      }
    }
    optionalString((ObjectNode) dns, "dns.", "domain", src, at + "/dns", c);
  }

  /**
   * Rejects a number, at any depth of {@code v}, that Go's {@code encoding/json} cannot decode into
   * a float64 because it is beyond its range (1e400, or an integer of more than 309 digits): libcni
   * fails on it when it loads the file, and a plugin would fail on it at every call. Numbers in
   * range are left exactly as written.
   *
   * @param field the field path of {@code v} ({@code ipam.ranges[0]}), {@code ""} for the object
   *     the context is about
   * @param pointer the JSON pointer of {@code v} in the source
   */
  static void checkNumbers(JsonNode v, String field, String pointer, ConfigSource src, Context c)
      throws ConfigException {
    if (v.isNumber()) {
      if (!Double.isFinite(v.doubleValue())) {
        throw src.error(
            "number beyond the range of a float64 (1.8e308 in magnitude): plugins, written in Go,"
                + " cannot decode it",
            c.withField(field.isEmpty() ? null : field),
            pointer,
            false);
      }
    } else if (v.isObject()) {
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        String key = e.getKey();
        checkNumbers(
            e.getValue(),
            field.isEmpty() ? key : field + "." + key,
            pointer + "/" + pointerToken(key),
            src,
            c);
      }
    } else if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        checkNumbers(v.get(i), field + "[" + i + "]", pointer + "/" + i, src, c);
      }
    }
  }

  /** Escapes a key for use in a JSON pointer (RFC 6901). */
  static String pointerToken(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** The plugin's {@code type}: the file name of its executable in CNI_PATH. */
  public String type() {
    return type;
  }

  /**
   * The {@code name} key of this object, when present. In a list the network's name replaces it
   * when the plugin runs; in a {@code .conf} file it is the network's name.
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * The {@code cniVersion} key of this object, when present. In a list the network's version
   * replaces it when the plugin runs.
   */
  public Optional<String> cniVersion() {
    return Optional.ofNullable(cniVersion);
  }

  /** The {@code ipam.type}, when the plugin delegates address management to an IPAM plugin. */
  public Optional<String> ipamType() {
    return Optional.ofNullable(ipamType);
  }

  /**
   * The capabilities this plugin declares {@code true} (SPEC.md section 3, "Deriving
   * runtimeConfig"), in the order written.
   */
  public Set<String> capabilities() {
    return capabilities;
  }

  /** A deep copy of the plugin object exactly as written. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  /** The exact bytes of the plugin's own file, or {@code null}; not copied. */
  byte[] sourceBytes() {
    return bytes;
  }

  /** The plugin object itself, for this package's read-only use. */
  ObjectNode jsonView() {
    return json;
  }

  /**
   * The configuration's bytes: the exact file contents for a plugin read from its own file (a
   * {@code .conf} or a drop-in), otherwise the object as compact JSON. Each call returns a new
   * array.
   */
  public byte[] bytes() {
    return bytes != null ? bytes.clone() : Json.compact(json);
  }

  /** The file this plugin configuration was read from, when it has one of its own or a list's. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  @Override
  public String toString() {
    return "PluginConfig[type=" + type + (name == null ? "" : ", name=" + name) + "]";
  }
}
