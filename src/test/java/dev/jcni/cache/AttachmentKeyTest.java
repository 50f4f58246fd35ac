package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class AttachmentKeyTest {
  @Test
  void namesTheFileAsLibcniDoes() {
    assertThat(AttachmentKey.of("cniref-br", "cnitool-705c6e61e3b30c99ec77", "eth0").fileName())
        .isEqualTo("cniref-br-cnitool-705c6e61e3b30c99ec77-eth0");
  }

  @Test
  void differentKeysCanShareAFileName() {
    AttachmentKey one = AttachmentKey.of("a-b", "c", "eth0");
    AttachmentKey two = AttachmentKey.of("a", "b-c", "eth0");
    assertThat(one).isNotEqualTo(two);
    assertThat(one.fileName()).isEqualTo(two.fileName());
  }

  @Test
  void refusesAKeyWhoseFileNameWouldBeLongerThanAFileNameMayBe() {
    String id = "c".repeat(64); // a Kubernetes container id is 64 hex digits
    String ifName = "\u00e9".repeat(7); // 14 bytes of UTF-8
    String fits = "n".repeat(255 - 64 - 14 - 2);
    assertThat(AttachmentKey.of(fits, id, ifName).fileName().getBytes(
            java.nio.charset.StandardCharsets.UTF_8))
        .hasSize(255);
    assertThatThrownBy(() -> AttachmentKey.of(fits + "n", id, ifName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bytes")
        .hasMessageContaining("at most 255");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-net", ".net", "_net", "net/x", "ne t", "net:1", "né", "net\n"})
  void rejectsInvalidNetworkNames(String name) {
    assertThatThrownBy(() -> AttachmentKey.of(name, "c1", "eth0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-c", "c/../x", "c d", "c:d", "..", "c\u0000"})
  void rejectsInvalidContainerIds(String id) {
    assertThatThrownBy(() -> AttachmentKey.of("net", id, "eth0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("container id");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "..",
        "a/b",
        "a:b",
        "a b",
        "a\tb",
        "a\u000bb",
        "a\u0085b", // NEL: white space to Go, not to Character.isWhitespace
        "a\u00a0b", // no-break space: white space to Go, not to Character.isWhitespace
        "a\u2003b",
        "a\u3000b",
        "0123456789abcdef", // 16 bytes
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9" // 8 characters, 16 bytes
      })
  void rejectsInvalidInterfaceNames(String ifName) {
    assertThatThrownBy(() -> AttachmentKey.of("net", "c1", ifName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interface name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "eth0",
        "0123456789abcde", // 15 bytes
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", // 14 bytes
        "...",
        "a\u200bb", // zero-width space is not White_Space, so Go accepts it
        "net1.100"
      })
  void acceptsValidInterfaceNames(String ifName) {
    assertThat(AttachmentKey.of("net", "c1", ifName).ifName()).isEqualTo(ifName);
  }

  @Test
  void theCanonicalConstructorChecksToo() {
    assertThatThrownBy(() -> new AttachmentKey("net", "c1", "a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AttachmentKey(null, "c1", "eth0"))
        .isInstanceOf(NullPointerException.class);
  }
}
