package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultRecordsTest {
  private static final IpNet NET = IpNet.parse("198.18.0.2/24");

  @Test
  void eachRecordAcceptsOnlyTheVersionsOfItsSchema() {
    assertThatThrownBy(() -> new Result020(CniVersion.V0_3_0, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.3.0");
    assertThatThrownBy(() -> new Result040(CniVersion.V1_0_0, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Result100(CniVersion.V0_4_0, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Result100(null, null, null, null, null))
        .isInstanceOf(NullPointerException.class);
    assertThat(new Result100(CniVersion.V1_1_0, null, null, null, null).cniVersion())
        .isEqualTo(CniVersion.V1_1_0);
  }

  @Test
  void a04ResultRejects1xInterfaceFieldsAndIpsWithoutVersion() {
    assertThatThrownBy(
            () ->
                new Result040(
                    CniVersion.V0_4_0,
                    List.of(new Interface("eth0", "", 1500, "", "", "")),
                    null,
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interfaces[0]");
    assertThatThrownBy(
            () ->
                new Result040(
                    CniVersion.V0_4_0, null, List.of(new IpConfig(0L, NET, null)), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ips[0]");
  }

  @Test
  void a1xResultRejectsIpsWithVersion() {
    assertThatThrownBy(
            () ->
                new Result100(
                    CniVersion.V1_0_0, null, List.of(new IpConfig("4", 0L, NET, null)), null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copiesListsSoLaterChangesDoNotLeakIn() {
    List<Route> routes = new ArrayList<>(List.of(new Route(NET, null)));
    Result100 r = new Result100(CniVersion.V1_0_0, null, null, routes, null);
    routes.clear();
    assertThat(r.routes()).hasSize(1);
    assertThatThrownBy(() -> r.routes().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiresAddressesWhereTheSchemaDoes() {
    assertThatThrownBy(() -> new IpConfig(null, null, null, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Route(null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Result020.Ip(null, null, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void dnsNormalisesNullsAndKnowsWhenItIsEmpty() {
    assertThat(new Dns(null, null, null, null)).isEqualTo(Dns.EMPTY);
    assertThat(Dns.EMPTY.isEmpty()).isTrue();
    assertThat(new Dns(List.of(), "d", null, null).isEmpty()).isFalse();
  }

  @Test
  void interfaceKnowsItsSpec1Fields() {
    Interface i = new Interface("eth0", "m", 0, "s", "/sock", "");
    assertThat(i.hasSpec1Fields()).isTrue();
    assertThat(i.withoutSpec1Fields()).isEqualTo(new Interface("eth0", "m", "s"));
    assertThat(i.withoutSpec1Fields().hasSpec1Fields()).isFalse();
  }
}
