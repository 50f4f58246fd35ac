package dev.jcni;

/**
 * Attachment parameters that cannot be used: a container id or interface name that breaks the
 * spec's rules (and could otherwise escape the cache directory), or a value holding a NUL
 * character. Checked on every verb, before any plugin runs.
 */
public final class InvalidAttachmentException extends CniException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the value
   */
  public InvalidAttachmentException(String message) {
    super(message);
  }
}
