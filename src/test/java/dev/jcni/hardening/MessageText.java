package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * What the message of an exception built from hostile input may contain: untrusted text is quoted
 * and escaped, so a message is one line of visible characters that any log or report can carry.
 * Refused: control characters (line breaks included), line and paragraph separators, invisible
 * format characters (zero-width, bidirectional overrides, byte order marks: they make text read as
 * something it is not), unpaired surrogates and noncharacters (neither is text; XML 1.0 cannot
 * carry U+FFFE or U+FFFF, so a log holding one breaks the test reports that CI reads).
 */
final class MessageText {
  private MessageText() {}

  /** The code points of {@code s} that a message must not contain raw, as {@code U+XXXX}. */
  static List<String> unprintable(String s) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int type = Character.getType(cp);
      boolean unpaired = type == Character.SURROGATE; // codePointAt joins valid pairs
      boolean nonCharacter = (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF);
      if (Character.isISOControl(cp)
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || unpaired
          || nonCharacter) {
        found.add(String.format("U+%04X", cp));
      }
      i += Character.charCount(cp);
    }
    return found;
  }

  /**
   * Asserts that the message of {@code e} holds no unprintable character. Only jcni's own message:
   * a cause from another library (Jackson quotes the document it failed on) is that library's.
   */
  static void assertPrintable(Throwable e) {
    String message = String.valueOf(e.getMessage());
    assertThat(unprintable(message))
        .as(
            "unescaped characters in the message of %s: %s",
            e.getClass().getSimpleName(), PropertyCheck.escape(message, 1000))
        .isEmpty();
  }
}
