package dev.jcni.internal.text;

/**
 * Writes untrusted text (a plugin type, a file name, a configuration value, a plugin's output, a
 * parser's message that quotes the document) into messages and log lines, so that it cannot forge
 * or hide anything there.
 *
 * <p>The rule is one for every message of jcni ({@link #escapes(int)}): control characters, line
 * and paragraph separators, invisible format characters (zero-width characters, bidirectional
 * overrides such as U+202E, the byte order mark), unpaired surrogates and noncharacters are written
 * as Java escapes (<code>&#92;u202e</code>). A right-to-left override before {@code gnp.exe} makes
 * a terminal or a log viewer show {@code exe.png}; a zero-width character makes two different names
 * look the same; U+0085 and U+2028 break a line for some readers and not for others, so a message
 * can fake a second log line; XML 1.0 cannot carry U+FFFE or U+FFFF, so a log holding one breaks
 * the reports that read it. Visible text, non-ASCII letters included, is written as it is.
 */
public final class UntrustedText {
  private UntrustedText() {}

  /** How many code points of a value {@link #quote(String, int)} shows by default in messages. */
  public static final int SHOWN = 64;

  /**
   * Whether a code point is written as an escape in messages: control characters, line and
   * paragraph separators, invisible format characters, unpaired surrogates and noncharacters.
   *
   * @param cp a code point; an unpaired surrogate is its own code point
   * @return whether it is escaped
   */
  public static boolean escapes(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || (cp & 0xFFFE) == 0xFFFE
        || (cp >= 0xFDD0 && cp <= 0xFDEF);
  }

  /**
   * Whether any code point of {@code s} is written as an escape.
   *
   * @param s the text
   * @return whether {@link #visible(String)} changes it
   */
  public static boolean hasEscapes(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (escapes(cp)) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }

  /**
   * Appends a Java-style escape (backslash, {@code u}, four hex digits) per UTF-16 unit of {@code
   * cp}, so that U+10FFFF is written as its two surrogates.
   *
   * @param sb where to append
   * @param cp the code point
   */
  public static void appendEscaped(StringBuilder sb, int cp) {
    for (char unit : Character.toChars(cp)) {
      sb.append("\\u");
      String hex = Integer.toHexString(unit);
      for (int pad = hex.length(); pad < 4; pad++) {
        sb.append('0');
      }
      sb.append(hex);
    }
  }

  /**
   * The text in double quotes, whole, with {@code "} and {@code \} escaped by a backslash, line
   * feed, tab and carriage return as {@code \n}, {@code \t} and {@code \r}, and every other code
   * point that {@link #escapes(int)} as a Java escape.
   *
   * @param s the text, or {@code null}
   * @return the quoted text, or the word {@code null} (unquoted) for {@code null}
   */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp == '"' || cp == '\\') {
        sb.append('\\').append((char) cp);
      } else if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\t') {
        sb.append("\\t");
      } else if (cp == '\r') {
        sb.append("\\r");
      } else if (escapes(cp)) {
        appendEscaped(sb, cp);
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.append('"').toString();
  }

  /**
   * The first {@code max} code points of the text in double quotes, for a one-line message: {@code
   * "} and {@code \} escaped by a backslash, every code point that {@link #escapes(int)} as a Java
   * escape, and {@code ...} before the closing quote when the text was cut.
   *
   * @param value the text
   * @param max the most code points shown
   * @return the quoted text
   */
  public static String quote(String value, int max) {
    StringBuilder sb = new StringBuilder("\"");
    int i = 0;
    int shown = 0;
    while (i < value.length() && shown < max) {
      int cp = value.codePointAt(i);
      if (cp == '"' || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
      } else if (escapes(cp)) {
        appendEscaped(sb, cp);
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
      shown++;
    }
    if (i < value.length()) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }

  /**
   * The text unquoted, with only the code points that {@link #escapes(int)} written as Java
   * escapes: for text that is a message already (jcni's own, or a library's that quotes the
   * document it failed on) and for the last line of defence before a message is shown. Text that
   * needs no escape is returned as it is.
   *
   * @param s the text, or {@code null}
   * @return the text with its invisible characters escaped, or {@code null} for {@code null}
   */
  public static String visible(String s) {
    if (s == null || !hasEscapes(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (escapes(cp)) {
        appendEscaped(sb, cp);
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * {@link #visible(String)} of at most {@code max} code points of the text, with {@code ...} when
   * it was cut: for a library's message, which may quote a whole key or token of the document.
   *
   * @param s the text
   * @param max the most code points kept
   * @return the text, cut and with its invisible characters escaped
   */
  public static String visible(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return visible(s);
    }
    return visible(s.substring(0, s.offsetByCodePoints(0, max))) + "...";
  }

  /**
   * A name or path as it is when it is plain visible text (so that ordinary names and paths read as
   * before), and {@link #quote(String) quoted} when it is empty or holds anything that {@link
   * #escapes(int)}.
   *
   * @param s the name or path, or {@code null}
   * @return the text to show
   */
  public static String plainOrQuoted(String s) {
    return s == null || s.isEmpty() || hasEscapes(s) ? quote(s) : s;
  }

  /**
   * {@link #plainOrQuoted(String)} of an object's text, such as a {@link java.nio.file.Path}.
   *
   * @param o the object, or {@code null}
   * @return the text to show
   */
  public static String plainOrQuoted(Object o) {
    return plainOrQuoted(o == null ? null : o.toString());
  }
}
