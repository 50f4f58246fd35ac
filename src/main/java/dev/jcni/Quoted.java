package dev.jcni;

import dev.jcni.internal.text.UntrustedText;

/**
 * Quotes untrusted text (a plugin type, a CNI_PATH entry, a plugin's output) for an error message,
 * so that control characters, invisible characters and quotes cannot forge or break a log line. The
 * rule is {@link UntrustedText}'s.
 */
final class Quoted {
  private Quoted() {}

  /** The text in double quotes, escaped as {@link UntrustedText#quote(String)} does. */
  static String of(String s) {
    return UntrustedText.quote(s);
  }

  /** Whether a code point is written as an escape in messages ({@link UntrustedText#escapes}). */
  static boolean escapes(int cp) {
    return UntrustedText.escapes(cp);
  }

  /** A name or path as it is when plain, quoted otherwise ({@link UntrustedText#plainOrQuoted}). */
  static String plainOrQuoted(Object o) {
    return UntrustedText.plainOrQuoted(o);
  }

  /** At most {@code max} characters of {@code s}, quoted, with an ellipsis when cut. */
  static String excerpt(String s, int max) {
    if (s.length() <= max) {
      return of(s);
    }
    return of(s.substring(0, max)) + "...";
  }
}
