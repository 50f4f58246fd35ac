package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionInfoTest {
  @Test
  void aPluginThatDoesNotKnowVersionSupports010Only() {
    CniError error = new CniError("", 4, "unknown CNI_COMMAND: VERSION", "");
    assertThat(VersionInfo.fromVersionCommandError(error)).contains(VersionInfo.LEGACY);
    assertThat(VersionInfo.LEGACY.supports(CniVersion.V0_1_0)).isTrue();
    assertThat(VersionInfo.LEGACY.supports(CniVersion.V0_2_0)).isFalse();
  }

  @Test
  void anyOtherVersionFailureSaysNothing() {
    assertThat(
            VersionInfo.fromVersionCommandError(
                new CniError("", 4, "unknown CNI_COMMAND: VERSION", "more")))
        .isEmpty();
    assertThat(VersionInfo.fromVersionCommandError(new CniError("", 4, "unknown CNI_COMMAND", "")))
        .isEmpty();
  }

  @Test
  void decodesAReplyWithoutSupportedVersionsFromA020Plugin() throws Exception {
    VersionInfo v = VersionInfo.fromJson("{\"cniVersion\":\"0.2.0\"}".getBytes("UTF-8"));
    assertThat(v.supportedVersions()).containsExactly("0.1.0", "0.2.0");
  }
}
