package dev.jcni.cli;

import dev.jcni.internal.text.UntrustedText;

/**
 * A command line that cannot be run as written; exits with {@link ExitCode#USAGE}. The message may
 * quote arguments and environment variables: characters that are not visible text are escaped.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(UntrustedText.visible(message));
  }
}
