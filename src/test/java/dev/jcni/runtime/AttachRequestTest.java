package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.capability.CapabilityArgs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Interface names, defaults and the per-network attachment parameters of a request. */
class AttachRequestTest {
  static List<String> interfaces(AttachRequest r) {
    return r.networks().stream()
        .map(n -> n.network().orElse("<default>") + "=" + n.ifName().orElseThrow())
        .collect(Collectors.toList());
  }

  @Test
  void theFirstNetworkIsEth0AndTheOthersNetNByPosition() {
    AttachRequest r =
        AttachRequest.builder("c1", "/x").defaultNetwork().network("b").network("c").build();
    assertThat(interfaces(r)).containsExactly("<default>=eth0", "b=net1", "c=net2");
  }

  @Test
  void givenNamesAreKeptAndAssignedNamesStepAroundThem() {
    AttachRequest r =
        AttachRequest.builder("c1", "/x")
            .defaultNetwork()
            .network(NetworkSelection.builder("b").ifName("net2").build())
            .network("c")
            .network("d")
            .build();
    assertThat(interfaces(r)).containsExactly("<default>=eth0", "b=net2", "c=net3", "d=net4");
  }

  @Test
  void eth0TakenByALaterNetworkGivesTheFirstOneTheFirstFreeNetN() {
    AttachRequest r =
        AttachRequest.builder("c1", "/x")
            .network("a")
            .network(NetworkSelection.builder("b").ifName("eth0").build())
            .build();
    assertThat(interfaces(r)).containsExactly("a=net1", "b=eth0");
  }

  @Test
  void aRequestWithoutNetworksIsTheDefaultNetworkAlone() {
    assertThat(interfaces(AttachRequest.builder("c1", "/x").build()))
        .containsExactly("<default>=eth0");
  }

  @Test
  void oneNetworkMayBeAttachedTwiceOnDifferentInterfaces() {
    AttachRequest r = AttachRequest.builder("c1", "/x").network("a").network("a").build();
    assertThat(interfaces(r)).containsExactly("a=eth0", "a=net1");
  }

  @Test
  void rejectsTwoNetworksAskingForOneInterfaceName() {
    assertThatThrownBy(
            () ->
                AttachRequest.builder("c1", "/x")
                    .network(NetworkSelection.builder("a").ifName("eth1").build())
                    .network(NetworkSelection.builder("b").ifName("eth1").build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eth1");
  }

  @Test
  void rejectsEmptyNames() {
    assertThatThrownBy(() -> NetworkSelection.builder("").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NetworkSelection.builder("a").ifName("").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAttachmentOfANetworkCombinesTheSharedAndItsOwnArguments() {
    ObjectNode caps = CapabilityArgs.builder().mac("02:00:00:00:00:01").build();
    AttachRequest r =
        AttachRequest.builder("c1", "/run/netns/c1")
            .cniArg("K8S_POD_NAME", "web")
            .traceContext("tp", "ts")
            .network(
                NetworkSelection.builder("a")
                    .cniArg("IP", "198.18.0.9")
                    .capabilityArgs(caps)
                    .build())
            .network("b")
            .build();

    Attachment a = r.attachmentFor(r.networks().get(0));
    assertThat(a.containerId()).isEqualTo("c1");
    assertThat(a.netns()).isEqualTo("/run/netns/c1");
    assertThat(a.ifName()).isEqualTo("eth0");
    assertThat(a.cniArgs())
        .containsExactly(Map.entry("K8S_POD_NAME", "web"), Map.entry("IP", "198.18.0.9"));
    assertThat(a.capabilityArgs()).isEqualTo(caps);
    assertThat(a.traceParent()).isEqualTo("tp");
    assertThat(a.traceState()).isEqualTo("ts");

    Attachment b = r.attachmentFor(r.networks().get(1));
    assertThat(b.ifName()).isEqualTo("net1");
    assertThat(b.cniArgs()).containsExactly(Map.entry("K8S_POD_NAME", "web"));
    assertThat(b.capabilityArgs().isEmpty()).isTrue();
    assertThat(b.args()).isEmpty();
  }

  @Test
  void selectionsAreImmutable() {
    ObjectNode caps = CapabilityArgs.builder().mac("02:00:00:00:00:01").build();
    NetworkSelection s = NetworkSelection.builder("a").capabilityArgs(caps).build();
    caps.put("mac", "changed");
    s.capabilityArgs().put("mac", "changed too");
    assertThat(s.capabilityArgs().get("mac").asText()).isEqualTo("02:00:00:00:00:01");
    assertThat(s.network()).isEqualTo(Optional.of("a"));
    assertThat(NetworkSelection.defaultNetwork().isDefaultNetwork()).isTrue();
  }
}
