package dev.jcni.config;

import dev.jcni.internal.text.UntrustedText;

/** How values from a configuration are written into one-line messages. */
final class Messages {
  private Messages() {}

  /**
   * Quotes a value: JSON-style escapes for quotes and backslashes, Java escapes for control
   * characters, line separators, invisible format characters, unpaired surrogates and noncharacters
   * (the rule of {@code UntrustedText}), and at most 64 characters of the value.
   */
  static String quote(String value) {
    return UntrustedText.quote(value, UntrustedText.SHOWN);
  }

  /**
   * A word of the document shown as it is when it is short, plain visible text (a placeholder such
   * as {@code $2} reads best unquoted), and {@link #quote quoted} otherwise.
   */
  static String word(String word) {
    return word.length() <= UntrustedText.SHOWN && !UntrustedText.hasEscapes(word)
        ? word
        : quote(word);
  }

  /** A path as it is when it is plain visible text, quoted otherwise. */
  static String path(Object path) {
    return UntrustedText.plainOrQuoted(path);
  }
}
