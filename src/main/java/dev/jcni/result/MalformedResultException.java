package dev.jcni.result;

import dev.jcni.CniException;

/**
 * A plugin's output (a result, an error object or a VERSION reply) that is not valid: not JSON,
 * not an object, a field of the wrong type, an unknown version.
 */
public class MalformedResultException extends CniException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the JSON path of the offending field, such as {@code ips[0].address}, or {@code
   *     ""} for the document as a whole
   * @param message what is wrong
   * @param cause the parser's exception, or {@code null}
   */
  public MalformedResultException(String field, String message, Throwable cause) {
    super(field.isEmpty() ? message : "field \"" + field + "\": " + message, cause);
    this.field = field;
  }

  /** The JSON path of the offending field, or {@code ""} for the whole document. */
  public String field() {
    return field;
  }
}
