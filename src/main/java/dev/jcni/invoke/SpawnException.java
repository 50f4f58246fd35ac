package dev.jcni.invoke;

import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The operating system refused to start a plugin process (the {@code execve} failed), with the
 * error number when the launcher knows it, so that callers decide on numbers, not on text.
 */
public class SpawnException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@code ETXTBSY}, "text file busy": the file is open for writing (being replaced). */
  public static final int ETXTBSY = 26;

  private final String executable;
  private final Integer errno;

  /**
   * Creates the exception.
   *
   * @param executable the plugin that could not be started
   * @param reason the operating system's description, for example {@code Text file busy}
   * @param errno the error number, when known
   * @param cause the underlying exception, or {@code null}
   */
  public SpawnException(Path executable, String reason, OptionalInt errno, Throwable cause) {
    super(
        "cannot execute "
            + UntrustedText.plainOrQuoted(executable)
            + ": "
            + reason
            + (errno.isPresent() ? " (errno " + errno.getAsInt() + ")" : ""),
        cause);
    this.executable = executable.toString();
    this.errno = errno.isPresent() ? errno.getAsInt() : null;
  }

  /** The plugin that could not be started. */
  public Path executable() {
    return Path.of(executable);
  }

  /** The error number, when known. */
  public OptionalInt errno() {
    return errno == null ? OptionalInt.empty() : OptionalInt.of(errno);
  }

  /** Whether the start failed because the file was open for writing ({@code ETXTBSY}). */
  public boolean isTextFileBusy() {
    return errno != null && errno == ETXTBSY;
  }
}
