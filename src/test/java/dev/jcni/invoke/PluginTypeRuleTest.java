package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.InvalidPluginTypeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class PluginTypeRuleTest {
  @ParameterizedTest
  @ValueSource(strings = {"bridge", "host-local", "a", "my_plugin.v2", "...", "x-", "brücke", "🙂"})
  void acceptsPlainFileNames(String type) throws Exception {
    assertThat(PluginTypeRule.problem(type)).isNull();
    PluginTypeRule.check(type);
  }

  @Test
  void rejectsMissingAndEmptyTypes() {
    assertThat(PluginTypeRule.problem(null)).isEqualTo("is missing");
    assertThat(PluginTypeRule.problem("")).isEqualTo("is empty");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../sbin/reboot", "/usr/sbin/reboot", "sub/plugin", "..\\canary", "a\\b"})
  void rejectsTypeContainingPathSeparator(String type) {
    assertThat(PluginTypeRule.problem(type)).startsWith("contains a path separator");
    assertThatThrownBy(() -> PluginTypeRule.check(type))
        .isInstanceOfSatisfying(
            InvalidPluginTypeException.class,
            e -> {
              assertThat(e.pluginType()).isEqualTo(type);
              assertThat(e.reason()).startsWith("contains a path separator");
            });
  }

  @Test
  void rejectsNulAndControlCharacters() {
    assertThat(PluginTypeRule.problem("bridge\0")).isEqualTo("contains a NUL character");
    assertThat(PluginTypeRule.problem("bridge\n"))
        .isEqualTo("contains the control character U+000A");
    assertThat(PluginTypeRule.problem("\u001b[31mred"))
        .isEqualTo("contains the control character U+001B");
    assertThat(PluginTypeRule.problem("del\u007f"))
        .isEqualTo("contains the control character U+007F");
    assertThat(PluginTypeRule.problem("c1\u0085"))
        .isEqualTo("contains the control character U+0085");
  }

  @Test
  void rejectsDotAndDotDot() {
    assertThat(PluginTypeRule.problem(".")).isEqualTo("names a directory, not a file");
    assertThat(PluginTypeRule.problem("..")).isEqualTo("names a directory, not a file");
  }

  @Test
  void rejectsLeadingDash() {
    assertThat(PluginTypeRule.problem("-rf")).startsWith("starts with '-'");
  }

  @Test
  void rejectsMoreThan255Bytes() {
    assertThat(PluginTypeRule.problem("a".repeat(255))).isNull();
    assertThat(PluginTypeRule.problem("a".repeat(256)))
        .isEqualTo("is 256 bytes long; a file name has at most 255");
    // 128 two-byte characters: 128 characters but 256 bytes
    assertThat(PluginTypeRule.problem("é".repeat(128)))
        .isEqualTo("is 256 bytes long; a file name has at most 255");
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertThat(PluginTypeRule.problem("a\ud800")).contains("unpaired surrogate");
    assertThat(PluginTypeRule.problem("\udc00a")).contains("unpaired surrogate");
  }

  @Test
  void quotesTheRejectedTypeSafelyInTheMessage() {
    assertThatThrownBy(() -> PluginTypeRule.check("evil\n\"type\""))
        .hasMessage(
            "plugin type=\"evil\\n"
                + "\\\"type\\\"\" is invalid: contains the control character U+000A");
  }
}
