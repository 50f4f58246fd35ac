package dev.jcni;

import dev.jcni.invoke.Verb;
import java.util.Objects;

/**
 * One plugin call within an operation, as a {@link CniListener} sees it.
 *
 * @param operation the operation the call belongs to
 * @param verb the {@code CNI_COMMAND} of this call (a rolled-back ADD runs DEL calls)
 * @param index the plugin's position in the list, from 0
 * @param pluginType the plugin's {@code type}
 */
public record PluginEvent(OperationEvent operation, Verb verb, int index, String pluginType) {
  /** Rejects {@code null}. */
  public PluginEvent {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(pluginType, "pluginType");
  }
}
