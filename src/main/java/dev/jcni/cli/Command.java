package dev.jcni.cli;

import java.util.List;

/**
 * One {@code jcni} command, such as {@code conf lint} or {@code add}.
 *
 * <p>A command declares its words, its options and a usage text; {@link Cli} parses the whole
 * command line (options are accepted before and after the command words), then calls {@link
 * #run}. Failures are reported by throwing: {@link UsageException} for a bad command line, a
 * {@link dev.jcni.CniException} for the rest; {@link Cli} maps them to exit codes.
 */
interface Command {
  /** The command words, for example {@code List.of("conf", "lint")}. */
  List<String> words();

  /** One line for the command overview. */
  String summary();

  /** The synopsis and description printed by {@code --help}, without the options. */
  String usage();

  /** The options this command understands, besides the global ones. */
  List<Option> options();

  /**
   * Whether the command runs plugins: a signal that ends jcni while it runs waits for its plugin to
   * be stopped ({@link Main}).
   */
  default boolean runsPlugins() {
    return false;
  }

  /**
   * Runs the command.
   *
   * @param call the parsed command line, the environment and the output streams
   * @return the exit code ({@link ExitCode})
   * @throws Exception any failure; {@link Cli} maps it to an exit code and one line on stderr
   */
  int run(Call call) throws Exception;
}
