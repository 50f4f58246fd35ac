package dev.jcni.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginProtocolException;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.CniError;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A failure as one JSON object on one line, for {@code --json}: {@code error} (the message jcni
 * would print), {@code exitCode}, and, when a plugin reported a CNI error object, its {@code code},
 * {@code msg} and {@code details}.
 */
final class ErrorReport {
  /** How deep the chain of causes is searched (a chain can loop). */
  static final int MAX_CAUSES = 32;

  private ErrorReport() {}

  /**
   * The report of a failure.
   *
   * @param message the one-line description
   * @param exitCode the exit code jcni exits with
   * @param failure the exception, searched (with its causes) for a plugin's CNI error; may be
   *     {@code null}
   * @return compact JSON, without a line end
   */
  static String json(String message, int exitCode, Throwable failure) {
    ObjectNode report = Json.NODES.objectNode();
    report.put("error", message);
    report.put("exitCode", exitCode);
    cniError(failure)
        .ifPresent(
            e -> {
              report.put("code", e.code());
              report.put("msg", e.msg());
              report.put("details", e.details());
            });
    // msg and details are the plugin's: an escape in a JSON string means the same character, so
    // escaping the invisible ones keeps the report's meaning and keeps it one visible line
    return UntrustedText.visible(new String(Json.compact(report), StandardCharsets.UTF_8));
  }

  /**
   * The CNI error object a plugin printed, from the failure or the first of its causes that carries
   * one.
   *
   * @param failure the exception, or {@code null}
   * @return the plugin's error, when there is one
   */
  static Optional<CniError> cniError(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof PluginErrorException) {
        Optional<CniError> e = ((PluginErrorException) t).cniError();
        if (e.isPresent()) {
          return e;
        }
      } else if (t instanceof PluginProtocolException) {
        Optional<CniError> e = ((PluginProtocolException) t).cniError();
        if (e.isPresent()) {
          return e;
        }
      }
    }
    return Optional.empty();
  }
}
