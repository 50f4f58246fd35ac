package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.InvalidNameException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "dbnet", "k8s-pod-network", "flannel.4096", "my_net-1.x"})
  void acceptsNetworkNamesOfTheSpecPattern(String name) {
    assertThatCode(() -> Names.checkNetworkName(name)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-net",
        "_net",
        ".net",
        "..",
        "../etc",
        "a/b",
        "a\\b",
        "a b",
        "a\u0000b",
        "caf\u00e9",
        "a:b",
        "$CNI_NETWORK",
        "{{NAME}}"
      })
  void rejectsNetworkNamesOutsideTheSpecPattern(String name) {
    assertThatThrownBy(() -> Names.checkNetworkName(name))
        .isInstanceOfSatisfying(
            InvalidNameException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(InvalidNameException.Kind.NETWORK_NAME);
              assertThat(e.value()).isEqualTo(name);
              assertThat(e.getMessage()).startsWith("invalid network name ").doesNotContain("\n");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bridge",
        "host-local",
        "win-overlay",
        "a.b",
        "x_y",
        "Ñandú",
        "plugin-\uD83D\uDE00"
      })
  void acceptsPluginTypesThatArePlainFileNames(String type) {
    assertThatCode(() -> Names.checkPluginType(type)).doesNotThrowAnyException();
  }

  @Test
  void rejectsTypeContainingPathSeparator() {
    assertRejectedType("../../sbin/reboot", "\"/\"");
    assertRejectedType("/usr/bin/bridge", "\"/\"");
    assertRejectedType("dir/bridge", "\"/\"");
    assertRejectedType("..\\..\\reboot", "\"\\\"");
  }

  @Test
  void rejectsDotAndDotDot() {
    assertRejectedType(".", "\".\" or \"..\"");
    assertRejectedType("..", "\".\" or \"..\"");
  }

  @Test
  void rejectsEmptyType() {
    assertRejectedType("", "is empty");
  }

  @Test
  void rejectsNulAndOtherControlCharacters() {
    assertRejectedType("bridge\u0000", "U+0000");
    assertRejectedType("bri\ndge", "U+000A");
    assertRejectedType("bridge\t", "U+0009");
    assertRejectedType("bridge\u007f", "U+007F");
    assertRejectedType("bridge\u0085", "U+0085");
  }

  @Test
  void rejectsLeadingDashThatWouldReadAsAnOption() {
    assertRejectedType("-rf", "\"-\"");
    assertThatCode(() -> Names.checkPluginType("a-")).doesNotThrowAnyException();
  }

  @Test
  void rejectsTypesLongerThan255Bytes() {
    assertThatCode(() -> Names.checkPluginType("a".repeat(255))).doesNotThrowAnyException();
    assertRejectedType("a".repeat(256), "256 bytes");
    // 128 two-byte characters: 128 characters but 256 bytes in UTF-8
    assertRejectedType("\u00e9".repeat(128), "256 bytes");
    assertThatCode(() -> Names.checkPluginType("\u00e9".repeat(127))).doesNotThrowAnyException();
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertRejectedType("bridge\uD800", "unpaired surrogate");
    assertRejectedType("\uDC00bridge", "unpaired surrogate");
  }

  @Test
  void messagesEscapeTheRejectedValueOnOneLine() {
    assertThatThrownBy(() -> Names.checkPluginType("evil\n\"x\"/"))
        .hasMessage(
            "invalid plugin type \"evil\\u000a\\\"x\\\"/\": must not contain the control"
                + " character U+000A");
    String longType = "x".repeat(300);
    assertThatThrownBy(() -> Names.checkPluginType(longType))
        .hasMessageContaining("\"" + "x".repeat(64) + "...\"");
  }

  private static void assertRejectedType(String type, String reasonPart) {
    assertThatThrownBy(() -> Names.checkPluginType(type))
        .isInstanceOfSatisfying(
            InvalidNameException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(InvalidNameException.Kind.PLUGIN_TYPE);
              assertThat(e.value()).isEqualTo(type);
              assertThat(e.problem()).startsWith("invalid plugin type ").contains(reasonPart);
              assertThat(e.file()).isEmpty();
              assertThat(e.line()).isEmpty();
            });
  }
}
