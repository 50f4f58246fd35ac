package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CniVersionTest {
  @Test
  void findsOnlyExactSupportedVersions() {
    assertThat(CniVersion.find("0.3.1")).contains(CniVersion.V0_3_1);
    assertThat(CniVersion.find("1.1.0")).contains(CniVersion.V1_1_0);
    assertThat(CniVersion.find("1.0")).isEmpty();
    assertThat(CniVersion.find(" 1.0.0")).isEmpty();
    assertThat(CniVersion.find("1.2.0")).isEmpty();
    assertThat(CniVersion.find(null)).isEmpty();
  }

  @Test
  void ordersVersionsOldestFirst() {
    assertThat(CniVersion.V0_4_0.atLeast(CniVersion.V0_3_1)).isTrue();
    assertThat(CniVersion.V0_3_1.atLeast(CniVersion.V0_4_0)).isFalse();
    assertThat(CniVersion.latest()).isEqualTo(CniVersion.V1_1_0);
    assertThat(CniVersion.V1_0_0).hasToString("1.0.0");
  }
}
