package dev.jcni.testing;

import dev.jcni.CniException;
import dev.jcni.invoke.PluginPath;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether this machine can host a sandbox: Linux, the capabilities to make network namespaces and
 * interfaces, and the plugins. Each check gives the reason in words when it fails, for the skip or
 * failure message.
 */
final class SandboxEnvironment {
  /** {@code CAP_NET_ADMIN}: interfaces, addresses, routes, iptables. */
  static final int CAP_NET_ADMIN = 12;

  /** {@code CAP_SYS_ADMIN}: creating, mounting and entering namespaces. */
  static final int CAP_SYS_ADMIN = 21;

  private static final Path STATUS = Path.of("/proc/self/status");

  private SandboxEnvironment() {}

  /** Why a sandbox with these settings cannot be made here, or empty when it can be tried. */
  static Optional<String> unsupportedReason(SandboxSettings settings) {
    String status;
    try {
      status = Files.readString(STATUS);
    } catch (NoSuchFileException e) {
      return Optional.of("network namespaces need Linux (there is no " + STATUS + ")");
    } catch (IOException e) {
      return Optional.of("cannot read " + STATUS + ": " + e);
    }
    Optional<String> privilege = privilegeProblem(status);
    if (privilege.isPresent()) {
      return privilege;
    }
    return pluginProblem(settings.cniPath(), settings.requiredPlugins());
  }

  /**
   * Whether the process whose {@code /proc/PID/status} this is lacks {@code CAP_SYS_ADMIN} or
   * {@code CAP_NET_ADMIN} among its effective capabilities.
   */
  static Optional<String> privilegeProblem(String procStatus) {
    String effective = field(procStatus, "CapEff");
    if (effective == null) {
      return Optional.of(
          "cannot tell this process's capabilities (no CapEff in /proc/self/status)");
    }
    BigInteger caps = new BigInteger(effective, 16);
    List<String> missing = new ArrayList<>();
    if (!caps.testBit(CAP_SYS_ADMIN)) {
      missing.add("CAP_SYS_ADMIN");
    }
    if (!caps.testBit(CAP_NET_ADMIN)) {
      missing.add("CAP_NET_ADMIN");
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    String uid = field(procStatus, "Uid");
    String effectiveUid = uid == null ? "?" : uid.split("\\s+")[1];
    return Optional.of(
        "needs root: "
            + String.join(" and ", missing)
            + (missing.size() == 1 ? " is" : " are")
            + " not effective (uid "
            + effectiveUid
            + ", CapEff "
            + effective
            + ")");
  }

  /**
   * Whether the plugins are missing: none of the directories exists, none holds a plugin, or a
   * required plugin is not found.
   */
  static Optional<String> pluginProblem(List<Path> cniPath, List<String> required) {
    List<Path> existing = cniPath.stream().filter(Files::isDirectory).collect(Collectors.toList());
    String searched = cniPath.stream().map(Path::toString).collect(Collectors.joining(", "));
    if (existing.isEmpty()) {
      return Optional.of(
          "no CNI plugin directory: "
              + (cniPath.isEmpty() ? "none is configured" : "none of " + searched + " exists")
              + " (set @CniTest(cniPath) or "
              + CniExtension.CNI_PATH_PARAMETER
              + ")");
    }
    if (required.isEmpty()) {
      for (Path dir : existing) {
        try (Stream<Path> files = Files.list(dir)) {
          if (files.anyMatch(f -> Files.isRegularFile(f) && Files.isExecutable(f))) {
            return Optional.empty();
          }
        } catch (IOException e) {
          return Optional.of("cannot list the plugin directory " + dir + ": " + e);
        }
      }
      return Optional.of("no CNI plugin in " + searched);
    }
    PluginPath path = PluginPath.of(existing);
    List<String> problems = new ArrayList<>();
    for (String type : required) {
      try {
        path.find(type);
      } catch (CniException e) {
        problems.add(e.getMessage());
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** The value of {@code Name:\tvalue} in a proc status file, or {@code null}. */
  private static String field(String procStatus, String name) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }
}
