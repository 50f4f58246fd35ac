package dev.jcni.cli;

/** The exit codes of {@code jcni}, documented in {@code docs/cli.md} and {@code --help}. */
final class ExitCode {
  /** Success (for {@code conf lint}: no errors). */
  static final int OK = 0;
  /** A plugin or an operation failed (for {@code conf lint}: at least one error). */
  static final int FAILURE = 1;
  /** The command line is wrong. */
  static final int USAGE = 2;
  /** A configuration file is wrong or missing. */
  static final int CONFIG = 3;
  /** A plugin did not finish before its deadline. */
  static final int TIMEOUT = 4;

  private ExitCode() {}
}
