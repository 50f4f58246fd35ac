package dev.jcni.invoke;

import dev.jcni.internal.text.UntrustedText;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one plugin call passes to the plugin (SPEC.md section 3): the values of the six {@code
 * CNI_*} variables, extra environment variables, and the bytes written to its stdin.
 *
 * <p>Nothing that becomes environment may hold a NUL character (the C environment would silently
 * cut it); an extra variable may not replace one of the six {@code CNI_*} variables.
 *
 * @param verb the operation ({@code CNI_COMMAND})
 * @param containerId {@code CNI_CONTAINERID}; {@code null} gives {@code ""}
 * @param netns {@code CNI_NETNS}; {@code null} gives {@code ""}
 * @param ifName {@code CNI_IFNAME}; {@code null} gives {@code ""}
 * @param cniArgs {@code CNI_ARGS}, for example {@code K1=V1;K2=V2}; {@code null} gives {@code ""}
 * @param cniPath {@code CNI_PATH}, the plugin directories joined as on the platform (see {@link
 *     PluginPath#toCniPath()}); {@code null} gives {@code ""}
 * @param extraEnv more variables for the plugin, for example {@code TRACEPARENT}; kept sorted by
 *     name
 * @param stdin the plugin's configuration, written to its stdin; {@code null} gives no bytes
 */
public record PluginInvocation(
    Verb verb,
    String containerId,
    String netns,
    String ifName,
    String cniArgs,
    String cniPath,
    Map<String, String> extraEnv,
    byte[] stdin) {

  /** The variables jcni sets for every call, in the order they are passed. */
  static final Set<String> RESERVED =
      Set.of("CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH");

  /** Validates, copies and normalises {@code null} to empty. */
  public PluginInvocation {
    Objects.requireNonNull(verb, "verb");
    containerId = checkValue("CNI_CONTAINERID", containerId);
    netns = checkValue("CNI_NETNS", netns);
    ifName = checkValue("CNI_IFNAME", ifName);
    cniArgs = checkValue("CNI_ARGS", cniArgs);
    cniPath = checkValue("CNI_PATH", cniPath);
    TreeMap<String, String> extras = new TreeMap<>();
    if (extraEnv != null) {
      for (Map.Entry<String, String> e : extraEnv.entrySet()) {
        String name = e.getKey();
        checkVariableName(name);
        if (RESERVED.contains(name)) {
          throw new IllegalArgumentException(
              name + " is set from the invocation's own fields, not from extraEnv");
        }
        extras.put(name, checkValue(name, Objects.requireNonNull(e.getValue(), name)));
      }
    }
    extraEnv = Collections.unmodifiableMap(extras);
    stdin = stdin == null ? new byte[0] : stdin.clone();
  }

  /**
   * A call without extra environment variables.
   *
   * @param verb the operation
   * @param containerId {@code CNI_CONTAINERID}
   * @param netns {@code CNI_NETNS}
   * @param ifName {@code CNI_IFNAME}
   * @param cniArgs {@code CNI_ARGS}
   * @param cniPath {@code CNI_PATH}
   * @param stdin the plugin's configuration
   * @return the invocation
   */
  public static PluginInvocation of(
      Verb verb,
      String containerId,
      String netns,
      String ifName,
      String cniArgs,
      String cniPath,
      byte[] stdin) {
    return new PluginInvocation(
        verb, containerId, netns, ifName, cniArgs, cniPath, Map.of(), stdin);
  }

  /** The bytes for the plugin's stdin, as a copy. */
  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  /** The number of stdin bytes, without copying them. */
  public int stdinLength() {
    return stdin.length;
  }

  byte[] stdinUnsafe() {
    return stdin;
  }

  /**
   * Rejects a name that cannot be an environment variable: empty, or containing {@code =} or NUL.
   *
   * @param name the name
   */
  static void checkVariableName(String name) {
    Objects.requireNonNull(name, "environment variable name");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "not a valid environment variable name: \""
              + UntrustedText.visible(name.replace("\0", "\\0"))
              + "\"");
    }
  }

  private static String checkValue(String name, String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(name + " must not contain a NUL character");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PluginInvocation)) {
      return false;
    }
    PluginInvocation p = (PluginInvocation) o;
    return verb == p.verb
        && containerId.equals(p.containerId)
        && netns.equals(p.netns)
        && ifName.equals(p.ifName)
        && cniArgs.equals(p.cniArgs)
        && cniPath.equals(p.cniPath)
        && extraEnv.equals(p.extraEnv)
        && Arrays.equals(stdin, p.stdin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(verb, containerId, netns, ifName, cniArgs, cniPath, extraEnv)
        + 31 * Arrays.hashCode(stdin);
  }

  @Override
  public String toString() {
    return "PluginInvocation[verb="
        + verb
        + ", containerId="
        + containerId
        + ", netns="
        + netns
        + ", ifName="
        + ifName
        + ", cniArgs="
        + cniArgs
        + ", cniPath="
        + cniPath
        + ", extraEnv="
        + extraEnv.keySet()
        + ", stdin="
        + stdin.length
        + " bytes]";
  }
}
