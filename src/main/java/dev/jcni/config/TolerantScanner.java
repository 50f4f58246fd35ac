package dev.jcni.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A forgiving pass over text that strict JSON parsing rejected, to name what real configuration
 * files get wrong: comments, trailing commas, unquoted template placeholders ({@code __CNI_MTU__},
 * {@code $2}, {@code %CIDR%}), template actions ({@code {{ .Mtu }}}) and unquoted keys.
 *
 * <p>It also produces a repaired copy of the text in which each defect is blanked out or replaced
 * by a value of the same length, so that positions stay the same: when the repaired copy parses,
 * the rest of the file can still be checked. The scanner never judges the structure itself; what it
 * does not recognise is left for the strict parser to report.
 */
final class TolerantScanner {
  /** One problem: its byte offset in the text and what it is. */
  record Defect(int offset, String message) {}

  /**
   * The defects in text order, the repaired text (the input itself when nothing was found), and
   * whether the text holds template actions: then the repaired text is not expected to be JSON.
   */
  record Scan(List<Defect> defects, byte[] repaired, boolean template) {}

  /** The most defects reported for one text: enough to fix a file, bounded for hostile ones. */
  static final int MAX_DEFECTS = 100;

  private static final Pattern NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
  private static final Pattern UNDERSCORE_PLACEHOLDER = Pattern.compile("__[A-Za-z0-9_]+__");
  private static final Pattern PERCENT_PLACEHOLDER = Pattern.compile("%[A-Za-z0-9_]+%");

  private enum Expect {
    VALUE,
    KEY,
    COLON,
    COMMA_OR_END
  }

  private final byte[] text;
  private final byte[] repaired;
  private final List<Defect> defects = new ArrayList<>();
  private final StringBuilder containers = new StringBuilder();
  private int[] openedAt = new int[16];
  private Expect expect = Expect.VALUE;
  private int pendingComma = -1;
  private boolean template;

  private TolerantScanner(byte[] text) {
    this.text = text;
    this.repaired = text.clone();
  }

  /** Scans UTF-8 text; the text itself is not changed. */
  static Scan scan(byte[] text) {
    TolerantScanner s = new TolerantScanner(text);
    s.run();
    return new Scan(List.copyOf(s.defects), s.defects.isEmpty() ? text : s.repaired, s.template);
  }

  private void run() {
    int i = 0;
    while (i < text.length) {
      byte b = text[i];
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        i++;
      } else if (b == '/' && i + 1 < text.length && (text[i + 1] == '/' || text[i + 1] == '*')) {
        i = comment(i);
      } else if (b == '{' && i + 1 < text.length && text[i + 1] == '{') {
        i = templateAction(i);
      } else if (b == '"') {
        i = string(i);
      } else if (b == '{' || b == '[') {
        significant();
        if (containers.length() == openedAt.length) {
          openedAt = Arrays.copyOf(openedAt, openedAt.length * 2);
        }
        openedAt[containers.length()] = i;
        containers.append((char) b);
        expect = b == '{' ? Expect.KEY : Expect.VALUE;
        i++;
      } else if (b == '}' || b == ']') {
        if (pendingComma >= 0) {
          defect(
              new Defect(
                  pendingComma,
                  "trailing comma before \"" + (char) b + "\": JSON does not allow it"));
          repaired[pendingComma] = ' ';
          pendingComma = -1;
        }
        if (containers.length() > 0) {
          containers.setLength(containers.length() - 1);
        }
        expect = Expect.COMMA_OR_END;
        i++;
      } else if (b == ',') {
        significant();
        pendingComma = i;
        expect = inObject() ? Expect.KEY : Expect.VALUE;
        i++;
      } else if (b == ':') {
        significant();
        expect = Expect.VALUE;
        i++;
      } else {
        i = word(i);
      }
    }
    if (containers.length() > 0) {
      int depth = containers.length() - 1;
      SourcePositions positions = new SourcePositions(text);
      int at = openedAt[depth];
      defect(
          new Defect(
              text.length,
              "unexpected end of file: the "
                  + (containers.charAt(depth) == '{' ? "object" : "array")
                  + " opened at line "
                  + positions.line(at)
                  + ", column "
                  + positions.column(at)
                  + " is not closed"));
    }
  }

  /** Records a defect; past {@link #MAX_DEFECTS} the text is still repaired but not reported. */
  private void defect(Defect d) {
    if (defects.size() < MAX_DEFECTS) {
      defects.add(d);
    }
  }

  private void significant() {
    pendingComma = -1;
  }

  private boolean inObject() {
    return containers.length() > 0 && containers.charAt(containers.length() - 1) == '{';
  }

  private int comment(int start) {
    boolean line = text[start + 1] == '/';
    int i = start + 2;
    int end;
    if (line) {
      while (i < text.length && text[i] != '\n') {
        i++;
      }
      end = i;
      defect(new Defect(start, "comment: JSON does not allow comments"));
    } else {
      while (i + 1 < text.length && !(text[i] == '*' && text[i + 1] == '/')) {
        i++;
      }
      if (i + 1 < text.length) {
        end = i + 2;
        defect(new Defect(start, "comment: JSON does not allow comments"));
      } else {
        end = text.length;
        defect(new Defect(start, "comment is not closed with \"*/\""));
      }
    }
    blank(start, end);
    return end;
  }

  private int templateAction(int start) {
    int i = start + 2;
    while (i + 1 < text.length && !(text[i] == '}' && text[i + 1] == '}')) {
      i++;
    }
    boolean closed = i + 1 < text.length;
    int end = closed ? i + 2 : text.length;
    String action = new String(text, start, end - start, StandardCharsets.UTF_8);
    defect(
        new Defect(
            start,
            closed
                ? "template action "
                    + Messages.quote(action)
                    + " is not JSON: render the template first"
                : "template action is not closed with \"}}\""));
    template = true;
    // "mtu": {{ .Mtu }} stands for a value; {{ range }} and {{ if }} in other places do not
    replaceValue(start, end, inObject());
    significant();
    return end;
  }

  private int string(int start) {
    int i = start + 1;
    while (i < text.length && text[i] != '"' && text[i] != '\n') {
      i += text[i] == '\\' ? 2 : 1;
    }
    significant();
    expect = expect == Expect.KEY ? Expect.COLON : Expect.COMMA_OR_END;
    if (i >= text.length || text[i] == '\n') {
      defect(new Defect(start, "string is not closed on its line"));
      return Math.min(i, text.length);
    }
    return i + 1;
  }

  private int word(int start) {
    int i = start;
    if (text[i] == '$' && i + 1 < text.length && text[i + 1] == '{') {
      // ${VAR}: the braces belong to the variable, not to the JSON structure
      while (i < text.length && text[i] != '}' && text[i] != '\n') {
        i++;
      }
      if (i < text.length && text[i] == '}') {
        i++;
      }
    }
    while (i < text.length && !isDelimiter(i)) {
      i++;
    }
    if (i == start) {
      // a byte that starts neither a word nor a token: leave it to the strict parser
      significant();
      return i + 1;
    }
    String word = new String(text, start, i - start, StandardCharsets.UTF_8);
    boolean keyPosition = expect == Expect.KEY;
    String problem = classify(word, keyPosition);
    significant();
    if (problem != null) {
      defect(new Defect(start, problem));
      if (!keyPosition) {
        replaceValue(start, i, true);
      }
    }
    expect = keyPosition ? Expect.COLON : Expect.COMMA_OR_END;
    return i;
  }

  private boolean isDelimiter(int i) {
    byte b = text[i];
    switch (b) {
      case ' ':
      case '\t':
      case '\n':
      case '\r':
      case '{':
      case '}':
      case '[':
      case ']':
      case ',':
      case ':':
      case '"':
        return true;
      case '/':
        return i + 1 < text.length && (text[i + 1] == '/' || text[i + 1] == '*');
      default:
        return false;
    }
  }

  private static String classify(String word, boolean keyPosition) {
    if (UNDERSCORE_PLACEHOLDER.matcher(word).matches()
        || PERCENT_PLACEHOLDER.matcher(word).matches()) {
      return "unquoted template placeholder " + Messages.word(word) + ": substitute it before use";
    }
    if (word.startsWith("$")) {
      // the word runs to the next JSON delimiter: it may hold any character but those
      return "unquoted shell variable " + Messages.word(word) + ": substitute it before use";
    }
    if (keyPosition) {
      return "unquoted key " + Messages.quote(word) + ": keys must be double-quoted strings";
    }
    if (word.equals("true") || word.equals("false") || word.equals("null")) {
      return null;
    }
    char first = word.charAt(0);
    if (NUMBER.matcher(word).matches()
        || first == '-'
        || first == '+'
        || first == '.'
        || (first >= '0' && first <= '9')) {
      return null; // a number, or a malformed one: the strict parser names that
    }
    return "unquoted word " + Messages.quote(word) + " is not a JSON value";
  }

  /** Blanks a range, keeping line breaks so that later positions do not move. */
  private void blank(int start, int end) {
    for (int i = start; i < end; i++) {
      if (repaired[i] != '\n' && repaired[i] != '\r') {
        repaired[i] = ' ';
      }
    }
  }

  /**
   * Blanks a range, writing {@code 0} at its start when a value is expected there and {@code
   * asValue} says the range stands for one.
   */
  private void replaceValue(int start, int end, boolean asValue) {
    blank(start, end);
    if (asValue && expect == Expect.VALUE && repaired[start] == ' ') {
      repaired[start] = '0';
      significant();
      expect = Expect.COMMA_OR_END;
    }
  }
}
