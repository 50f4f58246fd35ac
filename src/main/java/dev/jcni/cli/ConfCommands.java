package dev.jcni.cli;

import dev.jcni.ConfigException;
import dev.jcni.config.ConfigDirectory;
import dev.jcni.config.ConfigLinter;
import dev.jcni.config.LintFinding;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code jcni conf ...} commands: list, show and lint network configurations. */
final class ConfCommands {
  private static final Option DIR =
      Option.value(
          "dir", "DIR", "configuration directory (default: $NETCONFPATH, then /etc/cni/net.d)");

  private ConfCommands() {}

  /** The conf commands, in the order help lists them. */
  static List<Command> all() {
    return List.of(new ListCommand(), new ShowCommand(), new LintCommand());
  }

  /** {@code jcni conf list}: the networks of a directory as a runtime would load them. */
  static final class ListCommand implements Command {
    @Override
    public List<String> words() {
      return List.of("conf", "list");
    }

    @Override
    public String summary() {
      return "list the networks of a configuration directory";
    }

    @Override
    public String usage() {
      return "[--dir DIR]\n\n"
          + "Lists the networks a runtime would load from the directory, one per line: name,\n"
          + "cniVersion, plugin types (drop-ins included) and file. Networks hidden by an\n"
          + "earlier file of the same name and files that cannot be used are reported on\n"
          + "stderr; unusable files make the exit code 3.";
    }

    @Override
    public List<Option> options() {
      return List.of(DIR);
    }

    @Override
    public int run(Call call) throws ConfigException {
      call.expectPositionals(0, 0, "no arguments");
      Path dir = call.confDir();
      ConfigDirectory directory = ConfigDirectory.of(dir);
      ConfigDirectory.Listing listing = directory.listAll();
      if (listing.networks().isEmpty() && listing.problems().isEmpty()) {
        throw new ConfigException(
            "no net configurations found in " + UntrustedText.plainOrQuoted(dir));
      }
      TextTable table = new TextTable("NAME", "CNIVERSION", "PLUGINS", "FILE");
      for (NetworkConfigList n : listing.networks()) {
        List<String> types = new ArrayList<>();
        for (PluginConfig p : n.plugins()) {
          types.add(UntrustedText.plainOrQuoted(p.type()));
        }
        table.row(
            n.name(),
            n.cniVersion().isEmpty() ? "-" : n.cniVersion(),
            String.join(",", types),
            n.source().map(UntrustedText::plainOrQuoted).orElse("-"));
      }
      if (!table.isEmpty()) {
        table.print(call.out());
      }
      for (NetworkConfigList n : listing.shadowed()) {
        call.err()
            .println(
                "jcni: "
                    + n.source().map(UntrustedText::plainOrQuoted).orElse("-")
                    + ": network \""
                    + n.name()
                    + "\" is also defined by an earlier file; this one is never loaded");
      }
      for (ConfigException e : listing.problems()) {
        call.err().println("jcni: " + e.getMessage());
      }
      // a shadowed network is legal (libcni takes the first); only unusable files fail the command
      return listing.problems().isEmpty() ? ExitCode.OK : ExitCode.CONFIG;
    }
  }

  /** {@code jcni conf show NAME}: the effective list of one network, as JSON. */
  static final class ShowCommand implements Command {
    @Override
    public List<String> words() {
      return List.of("conf", "show");
    }

    @Override
    public String summary() {
      return "print the effective configuration of a network as JSON";
    }

    @Override
    public String usage() {
      return "NAME [--dir DIR]\n\n"
          + "Loads network NAME as a runtime would (the first file of that name; drop-in\n"
          + "plugins appended) and prints the list as JSON, plugins exactly as written.";
    }

    @Override
    public List<Option> options() {
      return List.of(DIR);
    }

    @Override
    public int run(Call call) throws ConfigException {
      call.expectPositionals(1, 1, "NAME");
      NetworkConfigList network = ConfigDirectory.of(call.confDir()).load(call.positional(0));
      call.out().println(Json.pretty(network.toJson()));
      return ExitCode.OK;
    }
  }

  /** {@code jcni conf lint PATH...}: every problem of files and directories, one per line. */
  static final class LintCommand implements Command {
    @Override
    public List<String> words() {
      return List.of("conf", "lint");
    }

    @Override
    public String summary() {
      return "check configuration files and directories";
    }

    @Override
    public String usage() {
      return "PATH...\n\n"
          + "Checks each file (.conflist as a list, .conf and .json as a single plugin) and\n"
          + "each directory (read as a runtime reads it, drop-ins included; other\n"
          + "subdirectories are checked too). Prints one line per problem:\n"
          + "  FILE:LINE:COLUMN: error|warning: message\n"
          + "Exits 0 when there is no error (warnings allowed), 1 when there is one.";
    }

    @Override
    public List<Option> options() {
      return List.of();
    }

    @Override
    public int run(Call call) {
      call.expectPositionals(1, Integer.MAX_VALUE, "PATH...");
      List<Path> paths = new ArrayList<>();
      for (String p : call.positionals()) {
        paths.add(Path.of(p));
      }
      List<LintFinding> findings = ConfigLinter.create().lint(paths);
      for (LintFinding f : findings) {
        call.out().println(f);
      }
      return ConfigLinter.hasErrors(findings) ? ExitCode.FAILURE : ExitCode.OK;
    }
  }
}
