package dev.jcni;

import dev.jcni.internal.text.UntrustedText;

/**
 * The checked base of every failure that a caller of jcni must handle: a bad configuration, a
 * plugin that cannot be found or that failed, a timeout, a cache problem.
 *
 * <p>Caller mistakes (a {@code null} argument, an out-of-range option) are reported with unchecked
 * exceptions instead, as the JDK does.
 *
 * <p>The message is one line of visible text: untrusted values in it (names, types, file names, a
 * plugin's output) are quoted and escaped where they are written, and as a last line of defence
 * every control character, line or paragraph separator, invisible format character (such as a
 * right-to-left override or a zero-width space), unpaired surrogate and noncharacter left in the
 * message is written as a Java escape (<code>&#92;u202e</code>), so that a message cannot fake a
 * log line or make one name read as another.
 */
public class CniException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Where the failure happened, added by the facade: network, container, interface. */
  private String context;

  /**
   * Creates an exception with a message that names what failed and where.
   *
   * @param message the description, naming network, plugin, verb and file where known
   */
  public CniException(String message) {
    super(UntrustedText.visible(message));
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message the description, naming network, plugin, verb and file where known
   * @param cause the underlying failure, or {@code null}
   */
  public CniException(String message, Throwable cause) {
    super(UntrustedText.visible(message), cause);
  }

  /**
   * Prefixes the message with where the failure happened, once: the facade names the network and
   * the attachment, which the lower layers do not know.
   */
  final CniException withContext(String where) {
    if (context == null) {
      context = UntrustedText.visible(where);
    }
    return this;
  }

  /** The message, prefixed with the network and attachment when the facade added them. */
  @Override
  public String getMessage() {
    String message = super.getMessage();
    return context == null ? message : context + ": " + message;
  }
}
