package dev.jcni.config;

import dev.jcni.internal.text.UntrustedText;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One problem {@link ConfigLinter} found in a configuration file.
 *
 * @param severity whether a runtime would reject the file ({@link Severity#ERROR}) or only
 *     something looks wrong ({@link Severity#WARNING})
 * @param file the file, as the linter was given it or found it in a directory
 * @param line the 1-based line, or {@code 0} when the problem is about the whole file
 * @param column the 1-based column in characters, or {@code 0} when the line is {@code 0}
 * @param message what is wrong, naming the network, plugin and field where known; characters that
 *     are not visible text (controls, separators, invisible format characters, noncharacters) are
 *     escaped
 */
public record LintFinding(Severity severity, Path file, int line, int column, String message) {
  /** How bad a finding is. */
  public enum Severity {
    /** Strict parsing or validation rejects the file: a runtime cannot use it. */
    ERROR,
    /** The file is usable, but something in it is likely a mistake. */
    WARNING;

    /** The severity as printed: {@code error} or {@code warning}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Rejects {@code null} and normalises an unknown position. */
  public LintFinding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
    message = UntrustedText.visible(message);
    line = Math.max(line, 0);
    column = line == 0 ? 0 : Math.max(column, 1);
  }

  /** Whether this finding is an error. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * The finding as one line: {@code FILE:LINE:COLUMN: error: message}, or {@code FILE: error:
   * message} when the problem has no position. A file name that holds characters that are not
   * visible text is quoted and escaped.
   */
  @Override
  public String toString() {
    String position = line == 0 ? "" : ":" + line + ":" + column;
    return UntrustedText.plainOrQuoted(file) + position + ": " + severity + ": " + message;
  }
}
