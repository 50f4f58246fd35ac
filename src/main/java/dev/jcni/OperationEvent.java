package dev.jcni;

import dev.jcni.invoke.Verb;
import java.util.Objects;

/**
 * One operation of a {@link CniClient}, as a {@link CniListener} sees it.
 *
 * @param verb the operation; validation reports {@link Verb#VERSION}
 * @param network the network name
 * @param containerId the container id, or {@code ""} for GC, STATUS and validation
 * @param ifName the interface name, or {@code ""} for GC, STATUS and validation
 */
public record OperationEvent(Verb verb, String network, String containerId, String ifName) {
  /** Rejects {@code null}. */
  public OperationEvent {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(ifName, "ifName");
  }

  /**
   * How messages name the operation: {@code network "n" (container c1, eth0)}. The values are the
   * caller's: escaped where they are not plain visible text (an interface name may hold a
   * right-to-left override).
   */
  String where() {
    String text = "network " + Quoted.of(network);
    return containerId.isEmpty()
        ? text
        : text
            + " (container "
            + Quoted.plainOrQuoted(containerId)
            + ", "
            + Quoted.plainOrQuoted(ifName)
            + ")";
  }
}
