package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;

/** How values from a configuration are written into one-line messages. */
final class Messages {
  private Messages() {}

  /**
   * Quotes a value: JSON-style escapes for quotes, backslashes, control characters, line
   * separators, invisible format characters, unpaired surrogates and noncharacters, and at most 64
   * characters of the value.
   */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    int i = 0;
    int shown = 0;
    while (i < value.length() && shown < 64) {
      int cp = value.codePointAt(i);
      int type = Character.getType(cp);
      if (cp == '"' || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
      } else if (Character.isISOControl(cp)
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.FORMAT
          || (cp & 0xFFFE) == 0xFFFE
          || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
        // the rule of dev.jcni.Quoted#escapes: control, separator, invisible format characters,
        // unpaired surrogates, noncharacters
        for (char unit : Character.toChars(cp)) {
          sb.append(String.format("\\u%04x", (int) unit));
        }
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

  /** A JSON value's kind with its article, as in "must be a string, not a number". */
  static String kind(JsonNode v) {
    switch (v.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
