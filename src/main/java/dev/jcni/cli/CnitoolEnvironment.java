package dev.jcni.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.PrivilegeProfile;
import dev.jcni.invoke.PluginPath;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an operation command as cnitool reads them from its environment, plus jcni's
 * options that override or extend them.
 *
 * <ul>
 *   <li>{@code NETCONFPATH}: the configuration directory (default {@code /etc/cni/net.d}); {@code
 *       --dir} overrides it.
 *   <li>{@code CNI_PATH}: the plugin directories.
 *   <li>{@code CNI_ARGS}: {@code K=V;K=V}; every pair needs a non-empty key and value and exactly
 *       one {@code =}, or the command line is refused (cnitool's rule).
 *   <li>{@code CAP_ARGS}: a JSON object of capability arguments.
 *   <li>{@code CNI_IFNAME}: the interface name (default {@code eth0}); {@code --ifname} overrides
 *       it.
 *   <li>The container id: {@code cnitool-} and the hex of the first 10 bytes of the SHA-512 of the
 *       absolute network namespace path, so that jcni and cnitool name the same attachment the same
 *       way; {@code --container-id} overrides it.
 *   <li>{@code --cache-dir} (default {@code /var/lib/cni}) and {@code --timeout DURATION}.
 * </ul>
 *
 * <p>Every value is read when first asked for, so that a command that does not use {@code CNI_ARGS}
 * is not refused for a malformed one. A malformed value throws {@link UsageException}: the
 * environment is part of the command line.
 */
final class CnitoolEnvironment {
  /** cnitool's interface name when {@code CNI_IFNAME} is not set. */
  static final String DEFAULT_IFNAME = "eth0";

  /** libcni's cache directory. */
  static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/cni");

  /** The prefix of the container ids cnitool derives. */
  static final String CONTAINER_ID_PREFIX = "cnitool-";

  /** {@code --dir DIR}. */
  static final Option DIR =
      Option.value(
          "dir", "DIR", "configuration directory (default: $NETCONFPATH, then /etc/cni/net.d)");

  /** {@code --ifname NAME}. */
  static final Option IFNAME =
      Option.value(
          "ifname", "NAME", "interface name in the container (default: $CNI_IFNAME, eth0)");

  /** {@code --container-id ID}. */
  static final Option CONTAINER_ID =
      Option.value(
          "container-id", "ID", "container id (default: cnitool's, derived from the netns path)");

  /** {@code --cache-dir DIR}. */
  static final Option CACHE_DIR =
      Option.value("cache-dir", "DIR", "attachment cache directory (default: /var/lib/cni)");

  /** {@code --timeout DURATION}. */
  static final Option TIMEOUT =
      Option.value(
          "timeout", "DURATION", "deadline of a plugin call, e.g. 3s, 500ms, 2m (default: 120s)");

  /** {@code --least-privilege}: run plugins under {@link PrivilegeProfile#leastPrivilege()}. */
  static final Option LEAST_PRIVILEGE =
      Option.flag(
          "least-privilege",
          "run plugins with no_new_privs and only CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN");

  /** {@code --minimal-env}: plugins get the library's minimal environment. */
  static final Option MINIMAL_ENV =
      Option.flag(
          "minimal-env",
          "give plugins only the CNI_* variables and jcni's PATH (the library's default), not"
              + " jcni's whole environment");

  /** {@code --prestart}: start each plugin while the one before it runs. */
  static final Option PRESTART =
      Option.flag(
          "prestart",
          "start each plugin's process while the plugin before it runs (for plugins that read"
              + " stdin before acting, as all skel-based plugins do)");

  /** The options of the operation commands ({@code add}, {@code check}, {@code del}, ...). */
  static final List<Option> OPERATION_OPTIONS =
      List.of(
          DIR, IFNAME, CONTAINER_ID, CACHE_DIR, TIMEOUT, LEAST_PRIVILEGE, MINIMAL_ENV, PRESTART);

  private final Call call;

  private CnitoolEnvironment(Call call) {
    this.call = call;
  }

  /**
   * The environment and options of one command line.
   *
   * @param call the parsed command line
   * @return a view that parses each value when asked
   */
  static CnitoolEnvironment of(Call call) {
    return new CnitoolEnvironment(call);
  }

  /** The configuration directory: {@code --dir}, else {@code $NETCONFPATH}, else the default. */
  Path confDir() {
    try {
      return call.confDir();
    } catch (InvalidPathException e) {
      throw new UsageException("invalid configuration directory: " + e.getMessage());
    }
  }

  /** The plugin directories of {@code $CNI_PATH}; none when it is unset or empty. */
  PluginPath pluginPath() {
    return call.env("CNI_PATH").map(PluginPath::parse).orElseGet(() -> PluginPath.of(List.of()));
  }

  /** The pairs of {@code $CNI_ARGS}, in order; none when it is unset or empty. */
  List<Map.Entry<String, String>> cniArgs() {
    return call.env("CNI_ARGS").map(CnitoolEnvironment::parseCniArgs).orElse(List.of());
  }

  /** The capability arguments of {@code $CAP_ARGS}; an empty object when it is unset or empty. */
  ObjectNode capabilityArgs() {
    return call.env("CAP_ARGS")
        .map(CnitoolEnvironment::parseCapabilityArgs)
        .orElseGet(Json.NODES::objectNode);
  }

  /**
   * The interface name: {@code --ifname}, else {@code $CNI_IFNAME}, else {@code eth0}. A {@code
   * CNI_IFNAME} that is set but empty is refused (cnitool would pass the empty name on).
   */
  String ifName() {
    Optional<String> option = call.option(IFNAME.name());
    if (option.isPresent()) {
      return option.get();
    }
    String env = call.environment().get("CNI_IFNAME");
    if (env == null) {
      return DEFAULT_IFNAME;
    }
    if (env.isEmpty()) {
      throw new UsageException("CNI_IFNAME is set but empty: unset it for the default, eth0");
    }
    return env;
  }

  /** The cache directory: {@code --cache-dir}, else {@code /var/lib/cni}. */
  Path cacheDir() {
    try {
      return call.option(CACHE_DIR.name()).map(Path::of).orElse(DEFAULT_CACHE_DIR);
    } catch (InvalidPathException e) {
      throw new UsageException("invalid --cache-dir: " + e.getMessage());
    }
  }

  /** The {@code --timeout}, when given. */
  Optional<Duration> timeout() {
    return call.option(TIMEOUT.name()).map(CnitoolEnvironment::parseTimeout);
  }

  /**
   * The default execution options, with the {@code --timeout} deadline when given and the
   * least-privilege profile with {@code --least-privilege}. Plugins inherit jcni's whole
   * environment, as cnitool's plugins inherit cnitool's (libcni passes {@code os.Environ()} on):
   * the operator who runs the tool from a shell sets what the plugins read, such as a plugin's
   * own log or debug variable; {@code --minimal-env} keeps the library's minimal environment.
   */
  ExecOptions execOptions() {
    ExecOptions.Builder options =
        ExecOptions.defaults().toBuilder().inheritEnvironment(!call.flag(MINIMAL_ENV.name()));
    timeout().ifPresent(options::deadline);
    if (call.flag(LEAST_PRIVILEGE.name())) {
      options.privilegeProfile(PrivilegeProfile.leastPrivilege());
    }
    return options.build();
  }

  /** Whether {@code --prestart} was given. */
  boolean prestart() {
    return call.flag(PRESTART.name());
  }

  /**
   * The container id for an attachment in {@code netns}: {@code --container-id}, else the one
   * cnitool derives from the path.
   *
   * @param netns the network namespace path as given on the command line
   * @return the container id
   */
  String containerId(String netns) {
    return call.option(CONTAINER_ID.name())
        .orElseGet(() -> containerIdFor(netns, workingDirectory(call.environment())));
  }

  /**
   * The attachment of one operation command, as cnitool builds its {@code RuntimeConf}: the
   * absolute netns path, the container id, the interface name, {@code CNI_ARGS} and {@code
   * CAP_ARGS}. The values are read in cnitool's order ({@code CAP_ARGS}, {@code CNI_ARGS}, the
   * interface name, the netns), so that of several malformed values the one cnitool names is
   * reported.
   *
   * @param networkName the network the attachment is for (its name is part of the cache file name,
   *     whose length the check covers)
   * @param netns the network namespace path as given on the command line
   * @return the attachment
   * @throws UsageException when a value is malformed, or the container id or interface name breaks
   *     libcni's rules
   */
  Attachment attachment(String networkName, String netns) {
    ObjectNode capabilityArgs = capabilityArgs();
    List<Map.Entry<String, String>> cniArgs = cniArgs();
    String ifName = ifName();
    String absolute = absoluteNetns(netns);
    String containerId = containerId(netns);
    checkIdentity(networkName, containerId, ifName);
    Attachment.Builder builder =
        Attachment.builder(containerId, ifName).netns(absolute).capabilityArgs(capabilityArgs);
    for (Map.Entry<String, String> pair : cniArgs) {
      builder.cniArg(pair.getKey(), pair.getValue());
    }
    return builder.build();
  }

  /**
   * Checks {@code CNI_ARGS}, {@code CAP_ARGS} and {@code CNI_IFNAME} for a command that does not
   * use them ({@code gc}, {@code status}): cnitool reads them for every command, so a malformed
   * one is a usage error before anything runs.
   *
   * @throws UsageException when a value is malformed
   */
  void checkAttachmentVariables() {
    capabilityArgs();
    cniArgs();
    String ifName = ifName();
    try {
      AttachmentKey.of("n", "c", ifName);
    } catch (IllegalArgumentException e) {
      throw new UsageException("CNI_IFNAME: " + e.getMessage());
    }
  }

  /**
   * Checks the values that identify an attachment against libcni's rules, which the cache enforces
   * for its file names: the interface name on its own (in cnitool's order, before the netns the
   * container id comes from), then the container id with the real network and interface names, so
   * that a cache file name too long is measured as it would be.
   */
  private void checkIdentity(String networkName, String containerId, String ifName) {
    try {
      AttachmentKey.of("n", "c", ifName);
    } catch (IllegalArgumentException e) {
      String source = call.option(IFNAME.name()).isPresent() ? "--ifname" : "CNI_IFNAME";
      throw new UsageException(source + ": " + e.getMessage());
    }
    try {
      AttachmentKey.of(networkName, containerId, ifName);
    } catch (IllegalArgumentException e) {
      String source = call.option(CONTAINER_ID.name()).isPresent() ? "--container-id" : "netns";
      throw new UsageException(
          source + " (network \"" + networkName + "\"): " + e.getMessage());
    }
  }

  /**
   * The absolute, lexically cleaned form of a network namespace path, as cnitool makes it.
   *
   * @param netns the path as given on the command line
   * @return the absolute path
   * @throws UsageException when the path is not a valid path
   */
  String absoluteNetns(String netns) {
    return absoluteNetns(netns, workingDirectory(call.environment()));
  }

  /**
   * The working directory as Go's {@code os.Getwd} reports it, which cnitool resolves a relative
   * netns against: {@code $PWD} when it is an absolute path naming the same directory as the
   * process's working directory (the path a shell reached it by, symbolic links included), else
   * the process's working directory.
   *
   * @param environment the environment jcni was started with
   * @return an absolute path
   */
  static Path workingDirectory(Map<String, String> environment) {
    Path process = Path.of("").toAbsolutePath();
    String pwd = environment.get("PWD");
    if (pwd == null || !pwd.startsWith("/")) {
      return process;
    }
    try {
      Path logical = Path.of(pwd);
      return Files.isSameFile(logical, process) ? logical : process;
    } catch (IOException | InvalidPathException e) {
      return process; // a $PWD that cannot be looked at is not the working directory
    }
  }

  /**
   * The absolute, lexically cleaned form of a network namespace path, as Go's {@code
   * filepath.Abs} makes it: a relative path is resolved against the working directory, then
   * {@code .}, {@code ..} and repeated separators are removed.
   *
   * @param netns the path as given
   * @param workingDirectory the absolute working directory ({@link #workingDirectory(Map)})
   * @return the absolute path
   * @throws UsageException when the path is not a valid path
   */
  static String absoluteNetns(String netns, Path workingDirectory) {
    try {
      return workingDirectory.resolve(netns).normalize().toString();
    } catch (InvalidPathException e) {
      throw new UsageException("invalid netns path: " + e.getMessage());
    }
  }

  /**
   * The container id cnitool derives for a network namespace: {@code cnitool-} and the lower-case
   * hex of the first 10 bytes of the SHA-512 of the absolute path's UTF-8 bytes.
   *
   * @param netns the path as given (made absolute first)
   * @param workingDirectory the absolute working directory a relative path is resolved against
   * @return for example {@code cnitool-705c6e61e3b30c99ec77} for {@code /var/run/netns/cniref-c1}
   */
  static String containerIdFor(String netns, Path workingDirectory) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-512")
              .digest(absoluteNetns(netns, workingDirectory).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-512", e);
    }
    return CONTAINER_ID_PREFIX + HexFormat.of().formatHex(digest, 0, 10);
  }

  /**
   * Parses {@code CNI_ARGS} as cnitool does: pairs separated by {@code ;}, each exactly one {@code
   * =} between a non-empty key and a non-empty value. An empty pair (as in {@code A=1;;B=2} or a
   * trailing {@code ;}) is malformed too.
   *
   * @param value the variable's value, not empty
   * @return the pairs, in order
   * @throws UsageException naming the first malformed pair
   */
  static List<Map.Entry<String, String>> parseCniArgs(String value) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (String pair : value.split(";", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1 || pair.indexOf('=', eq + 1) >= 0) {
        throw new UsageException(
            "invalid CNI_ARGS pair "
                + UntrustedText.quote(pair)
                + ": expected KEY=VALUE with a non-empty key and value and one '=', pairs"
                + " separated by ';'");
      }
      pairs.add(Map.entry(pair.substring(0, eq), pair.substring(eq + 1)));
    }
    return List.copyOf(pairs);
  }

  /**
   * Parses {@code CAP_ARGS}: one JSON object keyed by capability name. {@code null} means none, as
   * for cnitool (Go decodes it into an empty map).
   *
   * @param value the variable's value, not empty
   * @return the object
   * @throws UsageException when the value is not JSON or not an object
   */
  static ObjectNode parseCapabilityArgs(String value) {
    JsonNode node;
    try {
      node = Json.parse(value.getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new UsageException("CAP_ARGS is not valid JSON: " + Json.problem(e));
    } catch (IOException e) {
      throw new UsageException("CAP_ARGS cannot be read: " + e.getMessage());
    }
    if (node.isNull()) {
      return Json.NODES.objectNode();
    }
    if (!node.isObject()) {
      throw new UsageException(
          "CAP_ARGS must be a JSON object keyed by capability name, not "
              + node.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return (ObjectNode) node;
  }

  private static final BigDecimal NANOS_PER_HOUR = BigDecimal.valueOf(3_600_000_000_000L);
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  /**
   * Parses a duration in Go's syntax ({@code time.ParseDuration}), without a sign: one or more
   * decimal numbers, each with a unit ({@code ns}, {@code us} or {@code µs}, {@code ms}, {@code s},
   * {@code m}, {@code h}), for example {@code 3s}, {@code 500ms}, {@code 1.5s}, {@code 1m30s}.
   *
   * @param text the value of {@code --timeout}
   * @return a positive duration
   * @throws UsageException when the text is not such a duration, or is zero
   */
  static Duration parseTimeout(String text) {
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    int n = text.length();
    if (n == 0) {
      throw badTimeout(text, "empty");
    }
    while (i < n) {
      int start = i;
      while (i < n && isAsciiDigit(text.charAt(i))) {
        i++;
      }
      boolean digitsBefore = i > start;
      boolean digitsAfter = false;
      if (i < n && text.charAt(i) == '.') {
        i++;
        int fraction = i;
        while (i < n && isAsciiDigit(text.charAt(i))) {
          i++;
        }
        digitsAfter = i > fraction;
      }
      if (!digitsBefore && !digitsAfter) {
        throw badTimeout(text, "expected a number at \"" + text.substring(start) + "\"");
      }
      BigDecimal number = new BigDecimal(text.substring(start, i).replaceAll("\\.$", ""));
      int unitStart = i;
      while (i < n && !isAsciiDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      String unit = text.substring(unitStart, i);
      BigDecimal scale = unitNanos(unit);
      if (scale == null) {
        throw badTimeout(
            text,
            unit.isEmpty()
                ? "missing unit after " + number.toPlainString()
                : "unknown unit \"" + unit + "\"");
      }
      nanos = nanos.add(number.multiply(scale));
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw badTimeout(text, "too long");
      }
    }
    long whole = nanos.longValue();
    if (whole <= 0) {
      throw badTimeout(text, "must be positive");
    }
    return Duration.ofNanos(whole);
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static BigDecimal unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return BigDecimal.ONE;
      case "us":
      case "\u00b5s": // micro sign, which Go accepts
      case "\u03bcs": // Greek small letter mu, which Go accepts too
        return BigDecimal.valueOf(1_000L);
      case "ms":
        return BigDecimal.valueOf(1_000_000L);
      case "s":
        return BigDecimal.valueOf(1_000_000_000L);
      case "m":
        return BigDecimal.valueOf(60_000_000_000L);
      case "h":
        return NANOS_PER_HOUR;
      default:
        return null;
    }
  }

  private static UsageException badTimeout(String text, String problem) {
    return new UsageException(
        "invalid --timeout \""
            + text
            + "\": "
            + problem
            + " (a Go duration such as 3s, 500ms, 2m or 1m30s)");
  }
}
