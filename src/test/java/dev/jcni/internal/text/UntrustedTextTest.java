package dev.jcni.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedTextTest {
  @ParameterizedTest
  @ValueSource(
      ints = {
        0x00,
        0x1b,
        0x7f,
        0x85,
        0x9f, // controls, C1 included
        0x00ad,
        0x061c,
        0x200b,
        0x200d,
        0x200e,
        0x202a,
        0x202e,
        0x2066,
        0x2069,
        0xfeff, // format
        0x2028,
        0x2029, // line and paragraph separators
        0xd800,
        0xdfff, // unpaired surrogates
        0xfdd0,
        0xfdef,
        0xfffe,
        0xffff,
        0x1fffe,
        0x10ffff, // noncharacters
        0xe0001 // a format character beyond the BMP (language tag)
      })
  void escapesCharactersThatAreNotVisibleText(int cp) {
    assertThat(UntrustedText.escapes(cp)).as("U+%04X", cp).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        'a', ' ', '"', '\\', '~', 0xa0, 0xe9, 0x0301, 0x4e2d, 0x0627, 0xfffd, 0xfdcf, 0xfdf0,
        0x1f600
      })
  void keepsVisibleTextIncludingNonAsciiLettersAndSpaces(int cp) {
    assertThat(UntrustedText.escapes(cp)).as("U+%04X", cp).isFalse();
  }

  @Test
  void visibleLeavesOrdinaryTextUntouched() {
    String text =
        "plugin type=\"bridge\" (/opt/cni/bin/bridge) failed: caf\u00e9 \u4e2d \ud83d\ude00";
    assertThat(UntrustedText.visible(text)).isSameAs(text);
    assertThat(UntrustedText.visible(null)).isNull();
  }

  @Test
  void visibleEscapesEachInvisibleCharacterAndNothingElse() {
    assertThat(UntrustedText.visible("a\u0085b\u202ec\u200bd\u2028e\ufffef\"\\g"))
        .isEqualTo("a\\u0085b\\u202ec\\u200bd\\u2028e\\ufffef\"\\g");
    // U+10FFFF as its two UTF-16 units, as Java and JSON write it
    assertThat(UntrustedText.visible("x\udbff\udfff")).isEqualTo("x\\udbff\\udfff");
    // an unpaired surrogate is escaped on its own; a valid pair is kept
    assertThat(UntrustedText.visible("\ud800\ud83d\ude00")).isEqualTo("\\ud800\ud83d\ude00");
  }

  @Test
  void visibleWithALimitCutsAtACodePointAndSaysSo() {
    assertThat(UntrustedText.visible("abcdef", 3)).isEqualTo("abc...");
    assertThat(UntrustedText.visible("abc", 3)).isEqualTo("abc");
    assertThat(UntrustedText.visible("\ud83d\ude00\ud83d\ude00", 1)).isEqualTo("\ud83d\ude00...");
    assertThat(UntrustedText.visible("a\u202eb", 2)).isEqualTo("a\\u202e...");
  }

  @Test
  void quoteEscapesQuotesBackslashesAndInvisibleCharacters() {
    assertThat(UntrustedText.quote("bridge")).isEqualTo("\"bridge\"");
    assertThat(UntrustedText.quote("a\"b\\c\nd\te\rf\u0000g\u202e"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\rf\\u0000g\\u202e\"");
    assertThat(UntrustedText.quote(null)).isEqualTo("null");
  }

  @Test
  void quoteWithALimitShowsThatManyCodePoints() {
    assertThat(UntrustedText.quote("abcdef", 4)).isEqualTo("\"abcd...\"");
    assertThat(UntrustedText.quote("a\nb", 4)).isEqualTo("\"a\\u000ab\"");
    assertThat(UntrustedText.quote("x".repeat(64), UntrustedText.SHOWN))
        .isEqualTo("\"" + "x".repeat(64) + "\"");
  }

  @Test
  void plainOrQuotedQuotesOnlyWhatNeedsIt() {
    assertThat(UntrustedText.plainOrQuoted("/etc/cni/net.d/10-a b.conflist"))
        .isEqualTo("/etc/cni/net.d/10-a b.conflist");
    assertThat(UntrustedText.plainOrQuoted(Path.of("/opt/cni/bin/bridge")))
        .isEqualTo("/opt/cni/bin/bridge");
    assertThat(UntrustedText.plainOrQuoted("eth\u202e0")).isEqualTo("\"eth\\u202e0\"");
    assertThat(UntrustedText.plainOrQuoted("")).isEqualTo("\"\"");
    assertThat(UntrustedText.plainOrQuoted((Object) null)).isEqualTo("null");
  }
}
