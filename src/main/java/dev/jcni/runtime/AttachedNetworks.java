package dev.jcni.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ContainerNetworking#attach} made of one container: its attachments in the order they
 * were made, which {@link ContainerNetworking#detach(AttachedNetworks)} undoes in reverse.
 *
 * @param containerId the container id
 * @param netns the path of the container's network namespace
 * @param networks the attachments, in attachment order
 */
public record AttachedNetworks(String containerId, String netns, List<AttachedNetwork> networks) {
  /**
   * Copies the list and rejects {@code null}, and a network whose attachment is of another
   * container or namespace.
   */
  public AttachedNetworks {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(netns, "netns");
    networks = List.copyOf(networks);
    for (AttachedNetwork n : networks) {
      if (!n.attachment().containerId().equals(containerId)
          || !n.attachment().netns().equals(netns)) {
        throw new IllegalArgumentException(
            "network \""
                + n.network()
                + "\" ("
                + n.ifName()
                + ") is an attachment of another container or namespace than "
                + containerId
                + " in "
                + netns);
      }
    }
  }

  /**
   * The attachment of the container's interface of this name.
   *
   * @param ifName the interface name inside the container
   * @return the attachment, or empty
   */
  public Optional<AttachedNetwork> byInterface(String ifName) {
    Objects.requireNonNull(ifName, "ifName");
    return networks.stream().filter(n -> n.ifName().equals(ifName)).findFirst();
  }
}
