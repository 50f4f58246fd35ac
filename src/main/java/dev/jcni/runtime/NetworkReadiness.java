package dev.jcni.runtime;

import dev.jcni.internal.text.UntrustedText;
import java.util.Objects;

/**
 * Whether the network side of a container runtime is ready, as the CRI's {@code NetworkReady}
 * runtime condition reports it: a default network is loaded, its plugins are installed, and (asked
 * by {@link ContainerNetworking#readiness()}, which runs them) its plugins' STATUS says they can
 * serve ADD. {@link NetworkConfigs.Snapshot#readiness()} judges from the configuration alone.
 *
 * @param status ready, or the cause of not being ready, for code to act on
 * @param message for an operator: what is missing and where; empty when ready. Characters that are
 *     not visible text (controls, separators, invisible format characters, noncharacters) are
 *     escaped
 */
public record NetworkReadiness(Status status, String message) {
  /**
   * The reason CRI runtimes (containerd, CRI-O) give for a network that is not ready; the kubelet
   * shows it in the node's {@code Ready} condition.
   */
  public static final String NOT_READY_REASON = "NetworkPluginNotReady";

  /** Ready, or why not. */
  public enum Status {
    /** A default network is loaded and its plugins were found. */
    READY,
    /** The configuration directory exists but cannot be listed, or is not a directory. */
    CONFIG_DIRECTORY_UNUSABLE,
    /** No usable network configuration: none at all, or only files that cannot be used. */
    NO_NETWORK,
    /**
     * The runtime named its default network and no file defines it, or the first file that declares
     * it cannot be used and has no last good version.
     */
    DEFAULT_NETWORK_NOT_FOUND,
    /** The networks that would be the default need plugins that are not installed. */
    PLUGIN_NOT_FOUND,
    /**
     * The default network is loaded, but its STATUS (SPEC.md section 2) says a plugin cannot serve
     * ADD now (error code 50 or 51), or STATUS itself failed; the message says which plugin and
     * what it answered.
     */
    STATUS_FAILED
  }

  /** Rejects {@code null}. */
  public NetworkReadiness {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    // shown by the kubelet and by terminals: one line of visible characters
    message = UntrustedText.visible(message);
  }

  static NetworkReadiness ready() {
    return new NetworkReadiness(Status.READY, "");
  }

  /** Whether the network is ready. */
  public boolean isReady() {
    return status == Status.READY;
  }

  /**
   * The condition's reason: empty when ready, {@value #NOT_READY_REASON} otherwise (the word CRI
   * runtimes use for every cause; {@link #status()} tells the causes apart).
   *
   * @return the reason
   */
  public String reason() {
    return isReady() ? "" : NOT_READY_REASON;
  }
}
