package dev.jcni;

/**
 * The checked base of every failure that a caller of jcni must handle: a bad configuration, a
 * plugin that cannot be found or that failed, a timeout, a cache problem.
 *
 * <p>Caller mistakes (a {@code null} argument, an out-of-range option) are reported with unchecked
 * exceptions instead, as the JDK does.
 */
public class CniException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what failed and where.
   *
   * @param message the description, naming network, plugin, verb and file where known
   */
  public CniException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message the description, naming network, plugin, verb and file where known
   * @param cause the underlying failure, or {@code null}
   */
  public CniException(String message, Throwable cause) {
    super(message, cause);
  }
}
