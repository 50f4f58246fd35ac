package dev.jcni;

/**
 * Quotes untrusted text (a plugin type, a CNI_PATH entry, a plugin's output) for an error message,
 * so that control characters and quotes cannot forge or break a log line.
 */
final class Quoted {
  private Quoted() {}

  /** The text in double quotes, with {@code "}, {@code \} and non-printable characters escaped. */
  static String of(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (Character.isISOControl(c) || Character.isSurrogate(c) && !isPaired(s, i)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isPaired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** At most {@code max} characters of {@code s}, quoted, with an ellipsis when cut. */
  static String excerpt(String s, int max) {
    if (s.length() <= max) {
      return of(s);
    }
    return of(s.substring(0, max)) + "...";
  }
}
