package dev.jcni;

/**
 * Quotes untrusted text (a plugin type, a CNI_PATH entry, a plugin's output) for an error message,
 * so that control characters and quotes cannot forge or break a log line.
 */
final class Quoted {
  private Quoted() {}

  /**
   * The text in double quotes, with {@code "}, {@code \} and every character that is not visible
   * text escaped (see {@link #escapes(int)}).
   */
  static String of(String s) {
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
   * Whether a code point is written as an escape in messages: control characters, line and
   * paragraph separators, invisible format characters (zero-width characters, bidirectional
   * overrides, the byte order mark: they make a name read as another), unpaired surrogates and
   * noncharacters (U+FFFE and U+FFFF cannot even be carried by XML, so a log holding one breaks the
   * reports that read it).
   *
   * @param cp a code point; an unpaired surrogate is its own code point
   */
  static boolean escapes(int cp) {
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
   * Appends a Java-style escape (backslash, "u", four hex digits) per UTF-16 unit of {@code cp}.
   */
  static void appendEscaped(StringBuilder sb, int cp) {
    for (char unit : Character.toChars(cp)) {
      sb.append(String.format("\\u%04x", (int) unit));
    }
  }

  /** At most {@code max} characters of {@code s}, quoted, with an ellipsis when cut. */
  static String excerpt(String s, int max) {
    if (s.length() <= max) {
      return of(s);
    }
    return of(s.substring(0, max)) + "...";
  }
}
