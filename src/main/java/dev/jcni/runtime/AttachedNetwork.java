package dev.jcni.runtime;

import dev.jcni.Attachment;
import dev.jcni.result.Interface;
import dev.jcni.result.IpConfig;
import dev.jcni.result.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's attachment to one network, as {@link ContainerNetworking#attach} made it.
 *
 * @param network the network's name (the default network's actual name when it was selected as the
 *     default)
 * @param attachment the attachment parameters its ADD had: container, namespace, interface, {@code
 *     CNI_ARGS}, capability arguments, {@code args} and trace context. {@link
 *     ContainerNetworking#detach(AttachedNetworks)} gives them, without the trace context, to a DEL
 *     that cannot use the cached configuration; {@link dev.jcni.CniClient#check} needs them too
 * @param result the final result of the network's plugins, in the network's version
 */
public record AttachedNetwork(String network, Attachment attachment, Result result) {
  /** Rejects {@code null}. */
  public AttachedNetwork {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(attachment, "attachment");
    Objects.requireNonNull(result, "result");
  }

  /** The interface name inside the container: the attachment's. */
  public String ifName() {
    return attachment.ifName();
  }

  /**
   * The interface the result reports inside the container: the one with this attachment's name and
   * a sandbox.
   *
   * @return the interface, or empty when the result does not list it (IPAM-only and 0.2.0 results)
   */
  public Optional<Interface> containerInterface() {
    for (Interface i : result.interfaces()) {
      if (i.name().equals(ifName()) && !i.sandbox().isEmpty()) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * The container's addresses on this network: the result's IPs that belong to an interface inside
   * the container (one with a sandbox), and those whose interface the result does not say, which
   * results before 0.3.0 never do. Addresses of host-side interfaces are left out.
   *
   * @return the IP configurations, in the result's order
   */
  public List<IpConfig> ips() {
    List<Interface> interfaces = result.interfaces();
    List<IpConfig> out = new ArrayList<>();
    for (IpConfig ip : result.ips()) {
      Long index = ip.interfaceIndex();
      if (index == null
          || (index >= 0
              && index < interfaces.size()
              && !interfaces.get(index.intValue()).sandbox().isEmpty())) {
        out.add(ip);
      }
    }
    return List.copyOf(out);
  }
}
