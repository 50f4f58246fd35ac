package dev.jcni.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed command line as a command sees it: positional arguments, options, the environment
 * and the output streams.
 */
final class Call {
  private final List<String> positionals;
  private final Map<String, List<String>> options;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  Call(
      List<String> positionals,
      Map<String, List<String>> options,
      Map<String, String> env,
      PrintStream out,
      PrintStream err) {
    this.positionals = List.copyOf(positionals);
    this.options = Map.copyOf(options);
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  /** Standard output. */
  PrintStream out() {
    return out;
  }

  /** Standard error. */
  PrintStream err() {
    return err;
  }

  /** Every positional argument, in order. */
  List<String> positionals() {
    return positionals;
  }

  /**
   * Checks the number of positional arguments.
   *
   * @param min the fewest allowed
   * @param max the most allowed
   * @param names how the help names them, for the error message
   */
  void expectPositionals(int min, int max, String names) {
    if (positionals.size() < min) {
      throw new UsageException("missing argument: expected " + names);
    }
    if (positionals.size() > max) {
      throw new UsageException(
          "unexpected argument \"" + positionals.get(max) + "\": expected " + names);
    }
  }

  /** The {@code i}-th positional argument; call {@link #expectPositionals} first. */
  String positional(int i) {
    return positionals.get(i);
  }

  /** Whether a flag was given. */
  boolean flag(String name) {
    return options.containsKey(name);
  }

  /** The last value of an option, when given. */
  Optional<String> option(String name) {
    List<String> values = options.get(name);
    return values == null || values.isEmpty()
        ? Optional.empty()
        : Optional.of(values.get(values.size() - 1));
  }

  /** Every value of a repeatable option, in order. */
  List<String> values(String name) {
    return options.getOrDefault(name, List.of());
  }

  /** An environment variable, when set and not empty. */
  Optional<String> env(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The whole environment jcni was started with. */
  Map<String, String> environment() {
    return env;
  }

  /**
   * The configuration directory: {@code --dir}, else {@code $NETCONFPATH}, else {@code
   * /etc/cni/net.d} (cnitool's rule).
   */
  Path confDir() {
    return Path.of(option("dir").or(() -> env("NETCONFPATH")).orElse("/etc/cni/net.d"));
  }
}
