package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CniErrorTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesCodeMessageAndDetails() throws Exception {
    CniError e =
        CniError.fromJson(utf8("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\",\"details\":\"later\"}"));
    assertThat(e).isEqualTo(new CniError("1.0.0", 11, "busy", "later"));
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.isUnavailable()).isFalse();
    assertThat(e).hasToString("busy; later");
  }

  @Test
  void readsBytesThatAreNotUtf8AsReplacementCharactersAsGoDoes() throws Exception {
    // a message in Latin-1, as a C plugin's strerror text in such a locale would be
    byte[] latin1 = "{\"code\":11,\"msg\":\"Ger\u00e4t belegt\"}".getBytes(StandardCharsets.ISO_8859_1);
    CniError e = CniError.fromJson(latin1);
    assertThat(e.code()).isEqualTo(11);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.msg()).isEqualTo("Ger\ufffdt belegt");
  }

  @Test
  void statusCodesAreUnavailable() {
    assertThat(new CniError("", CniError.PLUGIN_NOT_AVAILABLE, "x", null).isUnavailable()).isTrue();
    assertThat(new CniError("", CniError.LIMITED_CONNECTIVITY, "x", null).isUnavailable()).isTrue();
    assertThat(new CniError("", 100, "x", null).isWellKnown()).isFalse();
  }

  @Test
  void rejectsErrorsWithWrongTypes() {
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":\"7\"}")))
        .isInstanceOf(MalformedResultException.class)
        .hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":7.0,\"msg\":\"m\"}")))
        .hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":7,\"msg\":5}")))
        .hasMessageContaining("\"msg\"");
    assertThatThrownBy(() -> CniError.fromJson(utf8("[1]")))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":1")))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":7,\"msg\":\"m\"} trailing")))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void decodesAnErrorWithoutCodeAsUnknownKeepingItsText() throws Exception {
    // checked with libcni 1.1.2: a plugin exiting 1 with {"msg":"only msg","details":"d"} fails
    // with the error "only msg; d" (types.Error{Code: 0}), {"details":"only d"} with "; only d",
    // and {"code":null,"msg":"m"} with "m"
    assertThat(CniError.fromJson(utf8("{\"msg\":\"only msg\",\"details\":\"d\"}")))
        .isEqualTo(new CniError("", CniError.UNKNOWN, "only msg", "d"))
        .hasToString("only msg; d");
    assertThat(CniError.fromJson(utf8("{\"details\":\"only d\"}")))
        .isEqualTo(new CniError("", CniError.UNKNOWN, "", "only d"))
        .hasToString("; only d");
    assertThat(CniError.fromJson(utf8("{\"code\":null,\"msg\":\"m\"}")))
        .isEqualTo(new CniError("", CniError.UNKNOWN, "m", ""));
  }

  @Test
  void rejectsNegativeCodesAsLibcniDoes() {
    // checked with libcni 1.1.2: {"code":-1,"msg":"m"} is "netplugin failed but error parsing
    // its diagnostic message ...: cannot unmarshal number -1 into ... of type uint"
    assertThatThrownBy(() -> CniError.fromJson(utf8("{\"code\":-1,\"msg\":\"m\"}")))
        .isInstanceOf(MalformedResultException.class)
        .hasMessageContaining("\"code\"")
        .hasMessageContaining("negative");
  }

  @Test
  void anObjectWithoutCodeMsgOrDetailsIsNotAnErrorObject() {
    // libcni 1.1.2 makes an empty error of these ("failed (add): " and nothing after it); jcni
    // quotes the plugin's output instead (docs/conformance.md)
    for (String json : new String[] {"{}", "{\"Code\":7,\"MSG\":\"m\"}", "{\"code\":null}"}) {
      assertThatThrownBy(() -> CniError.fromJson(utf8(json)), json)
          .isInstanceOf(MalformedResultException.class)
          .hasMessageContaining("not an error object");
    }
  }

  @Test
  void versionReplyFollowsLibcniRules() throws Exception {
    VersionInfo v =
        VersionInfo.fromJson(utf8("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}"));
    assertThat(v.supports(CniVersion.V1_0_0)).isTrue();
    assertThat(v.supports(CniVersion.V1_1_0)).isFalse();
    assertThat(VersionInfo.fromJson(utf8("{\"cniVersion\":\"0.2.0\"}")).supportedVersions())
        .containsExactly("0.1.0", "0.2.0");
    assertThatThrownBy(() -> VersionInfo.fromJson(utf8("{\"cniVersion\":\"0.3.0\"}")))
        .hasMessageContaining("supportedVersions");
    assertThatThrownBy(() -> VersionInfo.fromJson(utf8("{\"supportedVersions\":[\"0.3.0\"]}")))
        .hasMessageContaining("cniVersion");
  }
}
