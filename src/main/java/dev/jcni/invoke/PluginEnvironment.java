package dev.jcni.invoke;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a plugin's environment, in a fixed order: the six {@code CNI_*} variables (as libcni sets
 * them), then {@code PATH}, the passed-on or inherited variables of the JVM sorted by name, then
 * the invocation's extras sorted by name. The {@code CNI_*} values always win; an extra wins over a
 * variable of the JVM of the same name.
 */
final class PluginEnvironment {
  private PluginEnvironment() {}

  /**
   * The environment as {@code NAME=value} entries.
   *
   * @param invocation the call
   * @param options which variables of the JVM are passed on
   * @param parent the JVM's environment ({@link System#getenv()})
   */
  static List<String> build(
      PluginInvocation invocation, ExecOptions options, Map<String, String> parent) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CNI_COMMAND", invocation.verb().command());
    env.put("CNI_CONTAINERID", invocation.containerId());
    env.put("CNI_NETNS", invocation.netns());
    env.put("CNI_IFNAME", invocation.ifName());
    env.put("CNI_ARGS", invocation.cniArgs());
    env.put("CNI_PATH", invocation.cniPath());
    Map<String, String> fromParent = new TreeMap<>();
    if (options.inheritEnvironment()) {
      fromParent.putAll(parent);
    } else {
      copy(parent, "PATH", fromParent);
      for (String name : options.passEnvironment()) {
        copy(parent, name, fromParent);
      }
    }
    String path = fromParent.remove("PATH");
    if (path != null && !invocation.extraEnv().containsKey("PATH")) {
      env.put("PATH", path);
    }
    for (Map.Entry<String, String> e : fromParent.entrySet()) {
      String name = e.getKey();
      if (PluginInvocation.RESERVED.contains(name) || invocation.extraEnv().containsKey(name)) {
        continue;
      }
      if (name.isEmpty()
          || name.indexOf('=') >= 0
          || name.indexOf('\0') >= 0
          || e.getValue().indexOf('\0') >= 0) {
        continue;
      }
      env.put(name, e.getValue());
    }
    env.putAll(invocation.extraEnv());
    List<String> entries = new ArrayList<>(env.size());
    for (Map.Entry<String, String> e : env.entrySet()) {
      entries.add(e.getKey() + "=" + e.getValue());
    }
    return entries;
  }

  private static void copy(Map<String, String> from, String name, Map<String, String> to) {
    String value = from.get(name);
    if (value != null) {
      to.put(name, value);
    }
  }
}
