package dev.jcni.cli;

import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.GcReport;
import dev.jcni.NetworkStatus;
import dev.jcni.ValidationReport;
import dev.jcni.config.ConfigDirectory;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operation commands, as cnitool has them: {@code add}, {@code check}, {@code del}, {@code gc},
 * {@code status}, plus {@code validate}. Each loads network NET from the configuration directory
 * and drives a {@link CniClient} built from cnitool's environment ({@link CnitoolEnvironment}).
 */
final class OperationCommands {
  static final Option KEEP =
      Option.value(
          "keep", "CID/IFNAME", "gc: an attachment that is still in use (repeatable)");
  static final Option ALL =
      Option.flag("all", "gc: treat every cached attachment of NET as stale (cnitool's gc)");

  /** The options of the commands that act on a whole network: {@code status} and {@code validate}. */
  static final List<Option> NETWORK_OPTIONS =
      List.of(
          CnitoolEnvironment.DIR,
          CnitoolEnvironment.CACHE_DIR,
          CnitoolEnvironment.TIMEOUT,
          CnitoolEnvironment.LEAST_PRIVILEGE,
          CnitoolEnvironment.MINIMAL_ENV);

  private OperationCommands() {}

  /** Every operation command, in the order {@code --help} lists them. */
  static List<Command> all() {
    return List.of(
        new Add(), new Check(), new Del(), new Gc(), new Status(), new Validate());
  }

  /** Builds the client every operation command uses. */
  static CniClient client(CnitoolEnvironment env) throws CniException {
    return CniClient.builder()
        .pluginPath(env.pluginPath())
        .cacheDirectory(env.cacheDir())
        .execOptions(env.execOptions())
        .prestartPlugins(env.prestart())
        .build();
  }

  /** Loads network NET (libcni's LoadConfList rules, drop-ins included). */
  static NetworkConfigList load(CnitoolEnvironment env, String network) throws CniException {
    return ConfigDirectory.of(env.confDir()).load(network);
  }

  private abstract static class AttachmentCommand implements Command {
    @Override
    public boolean runsPlugins() {
      return true;
    }

    private final String word;
    private final String summary;
    private final String description;

    AttachmentCommand(String word, String summary, String description) {
      this.word = word;
      this.summary = summary;
      this.description = description;
    }

    @Override
    public List<String> words() {
      return List.of(word);
    }

    @Override
    public String summary() {
      return summary;
    }

    @Override
    public String usage() {
      return "NET NETNS [OPTIONS]\n\n"
          + description
          + "\n\nNET is a network name in the configuration directory; NETNS the path of the\n"
          + "container's network namespace. The container id is cnitool's (cnitool- and the hex\n"
          + "of the first 10 bytes of SHA-512 of the absolute NETNS path) unless --container-id\n"
          + "is given. Environment: NETCONFPATH, CNI_PATH, CNI_ARGS (K=V;K=V), CAP_ARGS (a JSON\n"
          + "object), CNI_IFNAME (default eth0).";
    }

    @Override
    public List<Option> options() {
      return CnitoolEnvironment.OPERATION_OPTIONS;
    }

    @Override
    public int run(Call call) throws Exception {
      call.expectPositionals(2, 2, "NET NETNS");
      CnitoolEnvironment env = CnitoolEnvironment.of(call);
      // cnitool's order: the network first, then its variables, so that with several problems
      // the same one is reported
      NetworkConfigList list = load(env, call.positional(0));
      dev.jcni.Attachment attachment = env.attachment(list.name(), call.positional(1));
      return operate(call, client(env), list, attachment);
    }

    abstract int operate(
        Call call, CniClient client, NetworkConfigList list, dev.jcni.Attachment attachment)
        throws Exception;
  }

  /** {@code jcni add NET NETNS}. */
  static final class Add extends AttachmentCommand {
    Add() {
      super(
          "add",
          "add a container's network namespace to network NET (prints the result)",
          "Runs every plugin of NET with ADD, in order, and prints the final result as JSON\n"
              + "indented with four spaces, as cnitool does. The result is cached for check and del.");
    }

    @Override
    int operate(Call call, CniClient client, NetworkConfigList list, dev.jcni.Attachment a)
        throws Exception {
      Result result = client.add(list, a);
      call.out().println(result.toPrettyJson());
      return ExitCode.OK;
    }
  }

  /** {@code jcni check NET NETNS}. */
  static final class Check extends AttachmentCommand {
    Check() {
      super(
          "check",
          "check a container's attachment to network NET",
          "Runs every plugin of NET with CHECK, in order, with the cached result of the ADD as\n"
              + "prevResult. Prints nothing on success.");
    }

    @Override
    int operate(Call call, CniClient client, NetworkConfigList list, dev.jcni.Attachment a)
        throws Exception {
      client.check(list, a);
      return ExitCode.OK;
    }
  }

  /** {@code jcni del NET NETNS}. */
  static final class Del extends AttachmentCommand {
    Del() {
      super(
          "del",
          "remove a container's attachment to network NET",
          "Runs every plugin of NET with DEL, in reverse order, with the cached result of the ADD\n"
              + "as prevResult, then removes the cache entry. Prints nothing on success.");
    }

    @Override
    int operate(Call call, CniClient client, NetworkConfigList list, dev.jcni.Attachment a)
        throws Exception {
      client.delete(list, a);
      return ExitCode.OK;
    }
  }

  /** {@code jcni gc NET (--keep CID/IFNAME ... | --all)}. */
  static final class Gc implements Command {
    @Override
    public boolean runsPlugins() {
      return true;
    }

    @Override
    public List<String> words() {
      return List.of("gc");
    }

    @Override
    public String summary() {
      return "garbage-collect network NET: DEL stale cached attachments, then GC every plugin";
    }

    @Override
    public String usage() {
      return "NET [NETNS] (--keep CID/IFNAME ... | --all)\n\n"
          + "Runs DEL for every cached attachment of NET that is not kept, then (version 1.1.0 and\n"
          + "later) GC on every plugin with the kept attachments as cni.dev/valid-attachments.\n"
          + "The kept attachments must be given; --all keeps none, as cnitool's gc does. Errors\n"
          + "do not stop the collection: each is printed, and the exit code is 1. NETNS is\n"
          + "accepted, as cnitool takes it, and not used.";
    }

    @Override
    public List<Option> options() {
      List<Option> options = new ArrayList<>(List.of(KEEP, ALL));
      options.add(CnitoolEnvironment.DIR);
      options.add(CnitoolEnvironment.CACHE_DIR);
      options.add(CnitoolEnvironment.TIMEOUT);
      options.add(CnitoolEnvironment.LEAST_PRIVILEGE);
      options.add(CnitoolEnvironment.MINIMAL_ENV);
      return options;
    }

    @Override
    public int run(Call call) throws Exception {
      call.expectPositionals(1, 2, "NET [NETNS]");
      List<String> keep = call.values("keep");
      boolean all = call.flag("all");
      if (all == !keep.isEmpty()) {
        throw new UsageException(
            "gc needs either --keep CID/IFNAME (repeatable) or --all, and not both");
      }
      List<Map.Entry<String, String>> valid = new ArrayList<>();
      for (String k : keep) {
        int slash = k.indexOf('/');
        if (slash <= 0 || slash == k.length() - 1 || k.indexOf('/', slash + 1) >= 0) {
          throw new UsageException("--keep \"" + k + "\": expected CONTAINERID/IFNAME");
        }
        valid.add(Map.entry(k.substring(0, slash), k.substring(slash + 1)));
      }
      CnitoolEnvironment env = CnitoolEnvironment.of(call);
      NetworkConfigList list = load(env, call.positional(0));
      env.checkAttachmentVariables();
      GcReport report = client(env).gc(list, valid);
      if (report.skipped()) {
        call.err().println("jcni: network \"" + list.name() + "\" sets disableGC: nothing done");
        return ExitCode.OK;
      }
      for (var key : report.deleted()) {
        call.out()
            .println(
                "deleted "
                    + UntrustedText.plainOrQuoted(key.containerId())
                    + "/"
                    + UntrustedText.plainOrQuoted(key.ifName()));
      }
      for (CniException e : report.errors()) {
        call.err().println("jcni: " + e.getMessage());
      }
      return report.succeeded() ? ExitCode.OK : ExitCode.FAILURE;
    }
  }

  /** {@code jcni status NET}. */
  static final class Status implements Command {
    @Override
    public boolean runsPlugins() {
      return true;
    }

    @Override
    public List<String> words() {
      return List.of("status");
    }

    @Override
    public String summary() {
      return "ask every plugin of network NET whether it can serve ADD (STATUS)";
    }

    @Override
    public String usage() {
      return "NET [NETNS]\n\n"
          + "Prints \"ready\" (exit 0), or the first plugin that is not available with its CNI\n"
          + "error (code 50 or 51; exit 1). Below version 1.1.0 there is no STATUS: ready.\n"
          + "NETNS is accepted, as cnitool takes it, and not used.";
    }

    @Override
    public List<Option> options() {
      return NETWORK_OPTIONS;
    }

    @Override
    public int run(Call call) throws Exception {
      call.expectPositionals(1, 2, "NET [NETNS]");
      CnitoolEnvironment env = CnitoolEnvironment.of(call);
      NetworkConfigList list = load(env, call.positional(0));
      env.checkAttachmentVariables();
      NetworkStatus status = client(env).status(list);
      if (status.ready()) {
        call.out().println("ready");
        return ExitCode.OK;
      }
      var error = status.error().orElseThrow();
      call.out()
          .println(
              "not ready: plugin type="
                  + UntrustedText.quote(status.pluginType())
                  + ": code "
                  + error.code()
                  + ": "
                  + UntrustedText.visible(error.toString()));
      return ExitCode.FAILURE;
    }
  }

  /** {@code jcni validate NET}. */
  static final class Validate implements Command {
    @Override
    public boolean runsPlugins() {
      return true;
    }

    @Override
    public List<String> words() {
      return List.of("validate");
    }

    @Override
    public String summary() {
      return "check that every plugin of network NET exists and supports its version";
    }

    @Override
    public String usage() {
      return "NET\n\n"
          + "Looks up every plugin of NET in CNI_PATH, asks it for its supported versions\n"
          + "(VERSION) and prints the capabilities the plugins declare. Each problem is printed\n"
          + "on stderr; the exit code is 1 when there is any.";
    }

    @Override
    public List<Option> options() {
      return NETWORK_OPTIONS;
    }

    @Override
    public int run(Call call) throws Exception {
      call.expectPositionals(1, 1, "NET");
      CnitoolEnvironment env = CnitoolEnvironment.of(call);
      NetworkConfigList list = load(env, call.positional(0));
      ValidationReport report = client(env).validate(list);
      call.out().println("capabilities: " + String.join(", ", report.capabilities()));
      for (CniException e : report.problems()) {
        call.err().println("jcni: " + e.getMessage());
      }
      if (report.valid()) {
        call.out().println("valid");
        return ExitCode.OK;
      }
      return ExitCode.FAILURE;
    }
  }
}
