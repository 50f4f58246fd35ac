package dev.jcni.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.CniException;
import dev.jcni.InvalidNameException;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.LocatedPlugin;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.result.VersionInfo;
import java.util.List;

/**
 * {@code jcni version TYPE}: asks the plugin of that type on {@code CNI_PATH} which spec versions
 * it supports (the VERSION command) and prints its reply.
 */
final class VersionCommand implements Command {
  @Override
  public boolean runsPlugins() {
    return true;
  }

  @Override
  public List<String> words() {
    return List.of("version");
  }

  @Override
  public String summary() {
    return "print a plugin's VERSION reply (the spec versions it supports)";
  }

  @Override
  public String usage() {
    return "TYPE [--timeout DURATION]\n\n"
        + "Finds plugin TYPE in $CNI_PATH, runs it with CNI_COMMAND=VERSION as libcni does and\n"
        + "prints its reply as JSON indented with four spaces. A plugin that predates the\n"
        + "VERSION command is reported as supporting 0.1.0 only, as libcni reports it.";
  }

  @Override
  public List<Option> options() {
    return List.of(CnitoolEnvironment.TIMEOUT);
  }

  @Override
  public int run(Call call) throws CniException, InterruptedException {
    call.expectPositionals(1, 1, "TYPE");
    CnitoolEnvironment env = CnitoolEnvironment.of(call);
    PluginExecutor executor = new PluginExecutor(env.execOptions());
    LocatedPlugin plugin;
    try {
      plugin = env.pluginPath().find(call.positional(0));
    } catch (InvalidNameException e) {
      // the type comes from the command line here, not from a configuration file
      throw new UsageException(e.getMessage());
    }
    VersionInfo info = executor.version(plugin);
    call.out().println(Json.pretty(toJson(info)));
    return ExitCode.OK;
  }

  /** The reply in the VERSION command's own form. */
  static ObjectNode toJson(VersionInfo info) {
    ObjectNode reply = Json.NODES.objectNode();
    reply.put("cniVersion", info.cniVersion());
    ArrayNode supported = reply.putArray("supportedVersions");
    info.supportedVersions().forEach(supported::add);
    return reply;
  }
}
