package dev.jcni.runtime;

import dev.jcni.Attachment;
import dev.jcni.internal.text.UntrustedText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The networks one container is to be attached to, in order, and what they share: what a runtime
 * passes to {@link ContainerNetworking#attach}.
 *
 * <p>Every network gets its own interface in the container. Names not given are assigned when the
 * request is made: the first network of the request gets {@code eth0}, each later one {@code netN}
 * with N its position in the request (1, 2, ...), or the next free N when a given name took it;
 * {@code eth0} for the first network is likewise replaced by the first free {@code netN} when a
 * later network asked for {@code eth0} by name. A request without networks attaches the default
 * network alone, as CRI-O does for a pod that names none.
 *
 * <p>The networks are attached one after the other, as the spec requires for one container (SPEC.md
 * section 3: "the container runtime must not invoke parallel operations for the same container").
 *
 * @param containerId the container id ({@code CNI_CONTAINERID}) of every attachment
 * @param netns the path of the container's network namespace ({@code CNI_NETNS})
 * @param networks the networks, in attachment order, each with its interface name
 * @param cniArgs {@code CNI_ARGS} pairs sent to every network (such as {@code K8S_POD_NAME}); a
 *     network's own pairs follow them
 * @param traceParent a W3C {@code traceparent} for every plugin call, or empty
 * @param traceState a W3C {@code tracestate} for every plugin call, or empty
 */
public record AttachRequest(
    String containerId,
    String netns,
    List<NetworkSelection> networks,
    List<Map.Entry<String, String>> cniArgs,
    String traceParent,
    String traceState) {

  /** The interface name of the first network of a request, unless another is given. */
  public static final String FIRST_INTERFACE = "eth0";

  /** The prefix of the interface names assigned to the other networks: {@code net1}, ... */
  public static final String OTHER_INTERFACE_PREFIX = "net";

  /**
   * Copies the lists, puts the default network in when none is given, and assigns the interface
   * names not given.
   *
   * @throws IllegalArgumentException when two networks ask for one interface name
   */
  public AttachRequest {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(netns, "netns");
    List<NetworkSelection> selected = List.copyOf(networks);
    if (selected.isEmpty()) {
      selected = List.of(NetworkSelection.defaultNetwork());
    }
    networks = assignInterfaceNames(selected);
    List<Map.Entry<String, String>> pairs = new ArrayList<>(cniArgs.size());
    for (Map.Entry<String, String> e : cniArgs) {
      pairs.add(Map.entry(e.getKey(), e.getValue()));
    }
    cniArgs = List.copyOf(pairs);
    traceParent = Objects.requireNonNullElse(traceParent, "");
    traceState = Objects.requireNonNullElse(traceState, "");
  }

  private static List<NetworkSelection> assignInterfaceNames(List<NetworkSelection> selected) {
    Set<String> taken = new HashSet<>();
    for (NetworkSelection s : selected) {
      if (s.ifName().isPresent() && !taken.add(s.ifName().get())) {
        throw new IllegalArgumentException(
            "two networks ask for the interface name " + UntrustedText.quote(s.ifName().get()));
      }
    }
    List<NetworkSelection> out = new ArrayList<>(selected.size());
    for (int i = 0; i < selected.size(); i++) {
      NetworkSelection s = selected.get(i);
      if (s.ifName().isPresent()) {
        out.add(s);
        continue;
      }
      String name;
      if (i == 0 && !taken.contains(FIRST_INTERFACE)) {
        name = FIRST_INTERFACE;
      } else {
        int n = Math.max(i, 1);
        while (taken.contains(OTHER_INTERFACE_PREFIX + n)) {
          n++;
        }
        name = OTHER_INTERFACE_PREFIX + n;
      }
      taken.add(name);
      out.add(s.withIfName(name));
    }
    return List.copyOf(out);
  }

  /**
   * Starts a request.
   *
   * @param containerId the container id
   * @param netns the path of the container's network namespace, such as {@code /run/netns/c1}
   * @return a builder; add the networks in attachment order
   */
  public static Builder builder(String containerId, String netns) {
    return new Builder(containerId, netns);
  }

  /**
   * The parameters of the attachment to one network of this request, as the client takes them.
   *
   * @param selection one of {@link #networks()}
   * @return the attachment: this request's container, namespace, {@code CNI_ARGS} and trace
   *     context, the selection's interface, arguments and capability arguments
   */
  Attachment attachmentFor(NetworkSelection selection) {
    Attachment.Builder b =
        Attachment.builder(containerId, selection.ifName().orElseThrow()).netns(netns);
    for (Map.Entry<String, String> e : cniArgs) {
      b.cniArg(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : selection.cniArgs()) {
      b.cniArg(e.getKey(), e.getValue());
    }
    b.capabilityArgs(selection.capabilityArgs());
    selection.args().ifPresent(b::args);
    if (!traceParent.isEmpty() || !traceState.isEmpty()) {
      b.traceContext(traceParent, traceState);
    }
    return b.build();
  }

  /** Builds an {@link AttachRequest}. Not thread-safe. */
  public static final class Builder {
    private final String containerId;
    private final String netns;
    private final List<NetworkSelection> networks = new ArrayList<>();
    private final List<Map.Entry<String, String>> cniArgs = new ArrayList<>();
    private String traceParent = "";
    private String traceState = "";

    private Builder(String containerId, String netns) {
      this.containerId = Objects.requireNonNull(containerId, "containerId");
      this.netns = Objects.requireNonNull(netns, "netns");
    }

    /**
     * Adds the default network, with an assigned interface name and no options of its own.
     *
     * @return this builder
     */
    public Builder defaultNetwork() {
      return network(NetworkSelection.defaultNetwork());
    }

    /**
     * Adds a network by name, with an assigned interface name and no options of its own.
     *
     * @param name the network's name
     * @return this builder
     */
    public Builder network(String name) {
      return network(NetworkSelection.named(name));
    }

    /**
     * Adds a network with its options.
     *
     * @param selection the network and its options
     * @return this builder
     */
    public Builder network(NetworkSelection selection) {
      networks.add(Objects.requireNonNull(selection, "selection"));
      return this;
    }

    /**
     * Appends a {@code CNI_ARGS} pair sent to every network.
     *
     * @param key the key, such as {@code K8S_POD_NAME}
     * @param value the value
     * @return this builder
     */
    public Builder cniArg(String key, String value) {
      cniArgs.add(Map.entry(key, value));
      return this;
    }

    /**
     * Sets the W3C trace context passed to every plugin.
     *
     * @param parent the {@code traceparent} value
     * @param state the {@code tracestate} value, or empty
     * @return this builder
     */
    public Builder traceContext(String parent, String state) {
      this.traceParent = Objects.requireNonNull(parent, "parent");
      this.traceState = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * The request, with its interface names assigned.
     *
     * @return the request
     * @throws IllegalArgumentException when two networks ask for one interface name
     */
    public AttachRequest build() {
      return new AttachRequest(containerId, netns, networks, cniArgs, traceParent, traceState);
    }
  }
}
