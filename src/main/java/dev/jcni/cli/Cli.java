package dev.jcni.cli;

import dev.jcni.CacheException;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.PluginExecutionException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.internal.text.UntrustedText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses a {@code jcni} command line, dispatches to a {@link Command} and turns its outcome into
 * an exit code and at most one line on stderr.
 *
 * <p>Options may stand before or after the command words ({@code jcni --dir D conf list} and
 * {@code jcni conf list --dir D} are the same); {@code --} ends the options.
 */
final class Cli {
  static final List<Option> GLOBAL_OPTIONS =
      List.of(
          Option.flag("help", "show help for jcni or for a command"),
          Option.flag("debug", "show stack traces and debug logging"),
          Option.flag("json", "print errors (and listings) as JSON"));

  private final List<Command> commands;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private volatile Command running;

  Cli(List<Command> commands, Map<String, String> env, PrintStream out, PrintStream err) {
    this.commands = List.copyOf(commands);
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  /** Every command of the real tool, in the order {@code --help} lists them. */
  static List<Command> allCommands() {
    List<Command> all = new ArrayList<>();
    all.addAll(ConfCommands.all());
    all.addAll(ResultCommands.all(System.in));
    all.add(new VersionCommand());
    all.addAll(OperationCommands.all());
    all.add(new BenchCommand());
    all.addAll(CacheCommands.all());
    return List.copyOf(all);
  }

  /**
   * Runs one command line.
   *
   * @param args the arguments after the program name
   * @return the exit code
   */
  int run(String... args) {
    boolean debug = hasFlag(args, "debug");
    boolean json = hasFlag(args, "json");
    try {
      return dispatch(args);
    } catch (UsageException e) {
      if (json) {
        err.println(ErrorReport.json(e.getMessage(), ExitCode.USAGE, e));
      } else {
        err.println("jcni: " + e.getMessage());
        err.println("Run 'jcni --help' for usage.");
      }
      return ExitCode.USAGE;
    } catch (Exception e) {
      int code = exitCodeFor(e);
      err.println(json ? ErrorReport.json(describe(e), code, e) : "jcni: " + describe(e));
      if (debug) {
        e.printStackTrace(err);
      }
      return code;
    }
  }

  /** Whether a flag stands among the options (before any {@code --}), even on a bad line. */
  private static boolean hasFlag(String[] args, String name) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--" + name)) {
        return true;
      }
    }
    return false;
  }

  private int dispatch(String[] args) throws Exception {
    List<String> words = new ArrayList<>();
    Map<String, List<String>> options = new LinkedHashMap<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!optionsEnded && arg.equals("--")) {
        optionsEnded = true;
      } else if (!optionsEnded && arg.equals("-h")) {
        options.computeIfAbsent("help", k -> new ArrayList<>());
      } else if (!optionsEnded && arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        Option option =
            findOption(name).orElseThrow(() -> new UsageException("unknown option --" + name));
        List<String> values = options.computeIfAbsent(name, k -> new ArrayList<>());
        if (option.takesValue()) {
          if (eq >= 0) {
            values.add(arg.substring(eq + 1));
          } else if (i + 1 < args.length) {
            values.add(args[++i]);
          } else {
            throw new UsageException("option --" + name + " needs a value");
          }
        } else if (eq >= 0) {
          throw new UsageException("option --" + name + " takes no value");
        }
      } else if (!optionsEnded && arg.startsWith("-") && arg.length() > 1) {
        throw new UsageException("unknown option " + arg);
      } else {
        words.add(arg);
      }
    }

    Command command = longestMatch(words);
    if (command == null) {
      if (words.isEmpty() || isGroup(words)) {
        // "jcni" or "jcni conf": the overview; without --help the command is incomplete, a usage
        // error whose text goes to stderr (as cnitool's usage does), keeping stdout for output
        boolean help = options.containsKey("help");
        if (!help && options.containsKey("json")) {
          throw new UsageException(
              words.isEmpty()
                  ? "missing command"
                  : "incomplete command \"" + String.join(" ", words) + "\"");
        }
        printOverview(words, help ? out : err);
        return help ? ExitCode.OK : ExitCode.USAGE;
      }
      throw new UsageException("unknown command \"" + String.join(" ", words) + "\"");
    }
    List<String> positionals = words.subList(command.words().size(), words.size());
    if (options.containsKey("help")) {
      printHelp(command);
      return ExitCode.OK;
    }
    for (String name : options.keySet()) {
      boolean known =
          GLOBAL_OPTIONS.stream().anyMatch(o -> o.name().equals(name))
              || command.options().stream().anyMatch(o -> o.name().equals(name));
      if (!known) {
        throw new UsageException(
            "option --" + name + " does not apply to 'jcni " + String.join(" ", command.words()) + "'");
      }
    }
    running = command;
    try {
      return command.run(new Call(positionals, options, env, out, err));
    } finally {
      running = null;
    }
  }

  /** Whether a command that runs plugins is running now. */
  boolean runningPlugins() {
    Command command = running;
    return command != null && command.runsPlugins();
  }

  private Optional<Option> findOption(String name) {
    return GLOBAL_OPTIONS.stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .or(
            () ->
                commands.stream()
                    .flatMap(c -> c.options().stream())
                    .filter(o -> o.name().equals(name))
                    .findFirst());
  }

  private Command longestMatch(List<String> words) {
    Command best = null;
    for (Command c : commands) {
      List<String> w = c.words();
      if (w.size() <= words.size()
          && words.subList(0, w.size()).equals(w)
          && (best == null || w.size() > best.words().size())) {
        best = c;
      }
    }
    return best;
  }

  private boolean isGroup(List<String> words) {
    return commands.stream()
        .anyMatch(
            c -> c.words().size() > words.size() && c.words().subList(0, words.size()).equals(words));
  }

  private void printOverview(List<String> prefix, PrintStream to) {
    to.println("Usage: jcni [OPTIONS] COMMAND [ARGS]");
    to.println();
    to.println("jcni drives Container Network Interface plugins: a Java equivalent of cnitool.");
    to.println();
    to.println("Commands:");
    for (Command c : commands) {
      if (c.words().size() >= prefix.size() && c.words().subList(0, prefix.size()).equals(prefix)) {
        to.printf("  %-24s %s%n", String.join(" ", c.words()), c.summary());
      }
    }
    to.println();
    printOptions(to, "Global options:", GLOBAL_OPTIONS);
    to.println();
    to.println("Exit codes: 0 success, 1 plugin or operation failure, 2 usage error,");
    to.println("            3 configuration error, 4 timeout.");
    to.println("Run 'jcni COMMAND --help' for a command's arguments and options.");
  }

  private void printHelp(Command command) {
    out.println("Usage: jcni " + String.join(" ", command.words()) + " " + command.usage());
    out.println();
    if (!command.options().isEmpty()) {
      printOptions(out, "Options:", command.options());
      out.println();
    }
    printOptions(out, "Global options:", GLOBAL_OPTIONS);
  }

  private void printOptions(PrintStream to, String title, List<Option> options) {
    to.println(title);
    for (Option o : options) {
      to.printf("  %-24s %s%n", o.synopsis(), o.help());
    }
  }

  /**
   * One line that says what failed; the exception's class only where the message is empty. An
   * exception from outside jcni may quote untrusted text raw: characters that are not visible text
   * are escaped.
   */
  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e instanceof InterruptedException ? "interrupted" : e.getClass().getSimpleName();
    }
    return UntrustedText.visible(message);
  }

  /**
   * The exit code for a failure, by the exception's type (never by its message). A plain {@link
   * CniException} that wraps another failure takes that failure's code, so that a timeout or a
   * configuration error reported through a wrapper keeps its exit code.
   */
  static int exitCodeFor(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < ErrorReport.MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof UsageException) {
        return ExitCode.USAGE;
      }
      if (t instanceof ConfigException) {
        return ExitCode.CONFIG;
      }
      if (t instanceof PluginTimeoutException) {
        return ExitCode.TIMEOUT;
      }
      if (t instanceof PluginExecutionException
          || t instanceof PluginNotFoundException
          || t instanceof CacheException
          || !(t instanceof CniException)) {
        // a failure of its own kind: what caused it does not change what the operator sees
        return ExitCode.FAILURE;
      }
    }
    return ExitCode.FAILURE;
  }
}
