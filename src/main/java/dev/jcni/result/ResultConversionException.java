package dev.jcni.result;

import dev.jcni.CniException;

/**
 * A result that cannot be expressed in the version asked for, such as a result without any IP
 * address converted to 0.1.0/0.2.0, whose schema requires one.
 */
public class ResultConversionException extends CniException {
  private static final long serialVersionUID = 1L;

  private final CniVersion from;
  private final CniVersion to;

  /**
   * Creates the exception.
   *
   * @param from the version of the result
   * @param to the version it was to be converted to
   * @param reason why it cannot be, for example {@code no valid IP addresses}
   */
  public ResultConversionException(CniVersion from, CniVersion to, String reason) {
    super("cannot convert result from " + from + " to " + to + ": " + reason);
    this.from = from;
    this.to = to;
  }

  /**
   * The version of the result.
   *
   * @return the source version
   */
  public CniVersion from() {
    return from;
  }

  /**
   * The version it was to be converted to.
   *
   * @return the target version
   */
  public CniVersion to() {
    return to;
  }
}
