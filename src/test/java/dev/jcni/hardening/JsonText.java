package dev.jcni.hardening;

import java.util.Random;

/**
 * Writes JSON text by hand, so that generators can produce what a JSON library would refuse to
 * write: unpaired surrogates as escapes, raw control characters, duplicate keys.
 */
final class JsonText {
  private JsonText() {}

  /**
   * A JSON string literal for {@code s}. With {@code asciiOnly}, everything outside printable ASCII
   * is a {@code \\uXXXX} escape (so an unpaired surrogate reaches the parser as one); otherwise
   * only what JSON requires is escaped and the rest is written as UTF-8 by the caller.
   */
  static String string(String s, boolean asciiOnly) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || (asciiOnly && c >= 0x7f)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** A string literal, ASCII-escaped or raw at random. */
  static String string(String s, Random r) {
    return string(s, r.nextBoolean());
  }
}
