package dev.jcni.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Positions in a configuration file's bytes: from a byte offset to a line and column, and from a
 * JSON pointer to the offsets of its key and value.
 *
 * <p>Lines are 1-based and counted at {@code \n}; columns are 1-based and counted in Unicode code
 * points, so a column means the same in an editor whatever the characters before it.
 */
final class SourcePositions {
  /** Key and value offsets of one JSON pointer; {@code -1} when there is no key (array items). */
  record Offsets(int key, int value) {}

  private final byte[] text;
  private Map<String, Offsets> index;
  private int[] lineStarts;

  SourcePositions(byte[] text) {
    this.text = text;
  }

  /** The 1-based line of a byte offset. */
  int line(int offset) {
    if (lineStarts == null) {
      lineStarts = lineStarts();
    }
    int i = Arrays.binarySearch(lineStarts, clamp(offset));
    return i >= 0 ? i + 1 : -i - 1;
  }

  private int[] lineStarts() {
    int count = 1;
    for (byte b : text) {
      if (b == '\n') {
        count++;
      }
    }
    int[] starts = new int[count];
    int line = 1;
    for (int i = 0; i < text.length; i++) {
      if (text[i] == '\n') {
        starts[line++] = i + 1;
      }
    }
    return starts;
  }

  /** The 1-based column, in code points, of a byte offset. */
  int column(int offset) {
    int end = clamp(offset);
    int start = end;
    while (start > 0 && text[start - 1] != '\n') {
      start--;
    }
    int column = 1;
    for (int i = start; i < end; i++) {
      if ((text[i] & 0xC0) != 0x80) {
        column++;
      }
    }
    return column;
  }

  private int clamp(int offset) {
    return Math.max(0, Math.min(offset, text.length));
  }

  /**
   * The offsets of the key and of the value at a JSON pointer (such as {@code /plugins/1/type}), or
   * {@code null} when the pointer is not in the document or the document is not valid JSON.
   */
  Offsets find(String pointer) {
    if (index == null) {
      index = buildIndex();
    }
    return index.get(pointer);
  }

  private Map<String, Offsets> buildIndex() {
    Map<String, Offsets> offsets = new HashMap<>();
    try (JsonParser parser = Json.mapper().createParser(text)) {
      JsonToken token;
      int pendingKey = -1;
      while ((token = parser.nextToken()) != null) {
        int at = (int) parser.currentTokenLocation().getByteOffset();
        if (token == JsonToken.FIELD_NAME) {
          pendingKey = at;
        } else if (!token.isStructEnd()) {
          String pointer = parser.getParsingContext().pathAsPointer().toString();
          offsets.putIfAbsent(pointer, new Offsets(pendingKey, at));
          pendingKey = -1;
        }
      }
    } catch (IOException e) {
      // Positions are a courtesy for messages: keep what was indexed before the problem.
    }
    return offsets;
  }

  /**
   * The offset of the bracket that opens nesting level {@code maxDepth + 1}, or {@code -1} when the
   * text never nests that deep. Strings are skipped, so brackets inside them do not count.
   */
  int firstOffsetDeeperThan(int maxDepth) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        depth++;
        if (depth > maxDepth) {
          return i;
        }
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return -1;
  }
}
