package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * The error object a plugin prints on stdout when it fails (SPEC.md section "Error").
 *
 * @param cniVersion the version the plugin wrote in the error, or {@code ""} when absent
 * @param code the error code: 1-99 are reserved by the spec, 100 and above are plugin-specific
 * @param msg a short message
 * @param details a longer explanation, or {@code ""}
 */
public record CniError(String cniVersion, long code, String msg, String details) {

  /** Unknown error (libcni's {@code ErrUnknown}). */
  public static final int UNKNOWN = 0;
  /** Incompatible CNI version. */
  public static final int INCOMPATIBLE_CNI_VERSION = 1;
  /** Unsupported field in network configuration. */
  public static final int UNSUPPORTED_FIELD = 2;
  /** Container unknown or does not exist. */
  public static final int UNKNOWN_CONTAINER = 3;
  /** Invalid necessary environment variables, like CNI_COMMAND or CNI_CONTAINERID. */
  public static final int INVALID_ENVIRONMENT_VARIABLES = 4;
  /** I/O failure, for example failed to read network config bytes from stdin. */
  public static final int IO_FAILURE = 5;
  /** Failed to decode content, for example failed to unmarshal network config or prevResult. */
  public static final int DECODING_FAILURE = 6;
  /** Invalid network config: a validation error the plugin found. */
  public static final int INVALID_NETWORK_CONFIG = 7;
  /** Invalid network namespace (libcni's {@code ErrInvalidNetNS}; not in SPEC.md's table). */
  public static final int INVALID_NETNS = 8;
  /** Try again later: a transient condition, the runtime should retry. */
  public static final int TRY_AGAIN_LATER = 11;
  /** STATUS: the plugin is not available and cannot service ADD requests. */
  public static final int PLUGIN_NOT_AVAILABLE = 50;
  /** STATUS: the plugin is not available and existing containers may have limited connectivity. */
  public static final int LIMITED_CONNECTIVITY = 51;
  /** Internal error of the invoking library (libcni's {@code ErrInternal}). */
  public static final int INTERNAL = 999;

  /** Validates and normalises: {@code null} strings become empty. */
  public CniError {
    cniVersion = Objects.requireNonNullElse(cniVersion, "");
    msg = Objects.requireNonNullElse(msg, "");
    details = Objects.requireNonNullElse(details, "");
  }

  /**
   * Whether the spec asks the runtime to retry the operation later (code 11).
   *
   * @return {@code true} for {@link #TRY_AGAIN_LATER}
   */
  public boolean isRetryable() {
    return code == TRY_AGAIN_LATER;
  }

  /**
   * Whether a STATUS reply says the plugin cannot serve ADD now (codes 50 and 51).
   *
   * @return {@code true} for {@link #PLUGIN_NOT_AVAILABLE} and {@link #LIMITED_CONNECTIVITY}
   */
  public boolean isUnavailable() {
    return code == PLUGIN_NOT_AVAILABLE || code == LIMITED_CONNECTIVITY;
  }

  /**
   * Whether the code is one the spec reserves for well-known errors (below 100).
   *
   * @return {@code true} for codes 0 to 99
   */
  public boolean isWellKnown() {
    return code >= 0 && code < 100;
  }

  /**
   * Decodes the error object a plugin printed, as libcni's {@code RawExec} does: a missing or
   * {@code null} {@code code} is {@link #UNKNOWN} (0), and the message and details are kept, so
   * that {@code {"msg":"no such device"}} still carries its text. An object with none of {@code
   * code}, {@code msg} and {@code details} (libcni makes an empty error of it) is not taken for an
   * error object, so that the caller can quote the plugin's output instead.
   *
   * @param json the plugin's stdout
   * @return the error
   * @throws MalformedResultException when the output is not an error object: not one JSON object,
   *     none of the three fields, a field of the wrong type, or a {@code code} that is negative or
   *     beyond a long (libcni's {@code uint} refuses negative codes too)
   */
  public static CniError fromJson(byte[] json) throws MalformedResultException {
    ObjectNode o = JsonFields.parseObject(json, "error");
    Long code = JsonFields.optionalLong(o, "code", "code");
    String msg = JsonFields.optionalString(o, "msg", "msg");
    String details = JsonFields.optionalString(o, "details", "details");
    if (code == null && msg == null && details == null) {
      throw new MalformedResultException(
          "", "is not an error object: it has none of \"code\", \"msg\" and \"details\"", null);
    }
    if (code != null && code < 0) {
      throw new MalformedResultException("code", "must not be negative, not " + code, null);
    }
    return new CniError(
        JsonFields.optionalString(o, "cniVersion", "cniVersion"),
        code == null ? UNKNOWN : code,
        msg,
        details);
  }

  /** The message as libcni formats it: {@code msg; details}, or just {@code msg}. */
  @Override
  public String toString() {
    return details.isEmpty() ? msg : msg + "; " + details;
  }
}
