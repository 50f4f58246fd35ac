package dev.jcni.runtime;

import dev.jcni.CniException;
import java.util.Optional;

/**
 * A container cannot be attached because a network it asks for is not there to use: no default
 * network is loaded, no file defines the named network, or the plugins the network needs are not
 * installed. Nothing was run. The condition is usually temporary on a node that is starting (the
 * network provider has not written its configuration yet), so a runtime may retry later.
 */
public class NetworkUnavailableException extends CniException {
  private static final long serialVersionUID = 1L;

  /** The network's name, or {@code null} for the default network. */
  private final String network;

  /**
   * Creates the exception.
   *
   * @param network the network's name, or {@code null} when the default network is missing
   * @param message what is missing and where, naming the configuration directory
   */
  public NetworkUnavailableException(String network, String message) {
    super(message);
    this.network = network;
  }

  /** The network asked for by name, or empty when the default network was asked for. */
  public Optional<String> network() {
    return Optional.ofNullable(network);
  }
}
