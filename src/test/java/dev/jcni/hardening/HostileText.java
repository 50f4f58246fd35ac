package dev.jcni.hardening;

import java.util.List;
import java.util.Random;

/**
 * Generators of hostile strings: the pieces attackers and accidents put into names and paths
 * (separators, {@code ..}, NUL and other control characters, look-alike and invisible Unicode,
 * unpaired surrogates, shell syntax, option-like and over-long names), combined at random.
 */
final class HostileText {
  private HostileText() {}

  /** Pieces that climb directories or separate path components, in ASCII and look-alikes. */
  static final List<String> PATH_PIECES =
      List.of(
          "/",
          "//",
          "\\",
          ".",
          "..",
          "...",
          "../",
          "..\\",
          "/./",
          "%2e%2e",
          "%2f",
          "..%2f",
          "\uff0e\uff0e", // fullwidth full stops
          "\u2025", // two dot leader
          "\u2215", // division slash
          "\u2044", // fraction slash
          "\uff0f", // fullwidth solidus
          "\uff3c", // fullwidth reverse solidus
          "~",
          "~root");

  /** Control, invisible and malformed characters. */
  static final List<String> BAD_CHARACTERS =
      List.of(
          "\0",
          "\u0001",
          "\u0007",
          "\b",
          "\t",
          "\n",
          "\r",
          "\u001b[2K",
          "\u007f",
          "\u0085", // next line
          "\u00a0", // no-break space
          "\u200b", // zero width space
          "\u200d", // zero width joiner
          "\u202e", // right-to-left override
          "\u2028", // line separator
          "\ufeff", // byte order mark
          "\ufffd",
          "\uffff",
          "\ud800", // unpaired high surrogate
          "\udc00", // unpaired low surrogate
          "\udbff\udfff", // the last code point, a valid pair
          "\ud83d\ude00", // an emoji, a valid pair
          "e\u0301", // combining accent
          " ");

  /** Shell, glob and option syntax: none of it may mean anything to jcni. */
  static final List<String> SHELL_PIECES =
      List.of(
          "$(id)", "`id`", ";id", "|id", "&&", "$HOME", "*", "?", "[a]", "-", "--help", "'", "\"");

  /**
   * Names that normalise to others: fullwidth letters (NFKC: {@code canary}), a ligature (NFKC:
   * {@code fi}), upper case, a decomposed accent.
   */
  static final List<String> LOOK_ALIKES =
      List.of(
          "\uff43\uff41\uff4e\uff41\uff52\uff59",
          "\ufb01le",
          "CANARY",
          "Canary",
          "TRAP",
          "tr\u0430p", // Cyrillic a
          "caf\u00e9",
          "cafe\u0301");

  static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  /** A long run of one character: ASCII (1 byte), accented (2 bytes) or CJK (3 bytes). */
  static String longRun(Random r) {
    String unit = pick(r, List.of("a", "\u00e9", "\u4e2d", "."));
    return unit.repeat(60 + r.nextInt(240));
  }

  /**
   * A hostile plugin type: one to five pieces, drawn from the lists above and from the names in
   * {@code names} (the real targets, such as the canary's name or its absolute path).
   */
  static String type(Random r, List<String> names) {
    int pieces = 1 + r.nextInt(5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      int kind = r.nextInt(100);
      if (kind < 30) {
        sb.append(pick(r, names));
      } else if (kind < 55) {
        sb.append(pick(r, PATH_PIECES));
      } else if (kind < 75) {
        sb.append(pick(r, BAD_CHARACTERS));
      } else if (kind < 85) {
        sb.append(pick(r, SHELL_PIECES));
      } else if (kind < 95) {
        sb.append(pick(r, LOOK_ALIKES));
      } else {
        sb.append(longRun(r));
      }
    }
    return sb.toString();
  }
}
