package dev.jcni.cli;

import dev.jcni.internal.text.UntrustedText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Rows of text printed in columns aligned with spaces, the first row being the header. */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();

  /**
   * Starts a table.
   *
   * @param header the column titles
   */
  TextTable(String... header) {
    rows.add(header.clone());
  }

  /**
   * Adds a row. A cell that holds characters that are not visible text (controls, separators,
   * invisible format characters, noncharacters) is shown quoted and escaped.
   *
   * @param cells one cell per column
   * @return this table
   */
  TextTable row(String... cells) {
    if (cells.length != rows.get(0).length) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + rows.get(0).length + " columns");
    }
    String[] shown = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      // names from files and the cache: escaped and quoted when they hold invisible characters
      shown[i] = UntrustedText.hasEscapes(cells[i]) ? UntrustedText.quote(cells[i]) : cells[i];
    }
    rows.add(shown);
    return this;
  }

  /** Whether the table has rows besides the header. */
  boolean isEmpty() {
    return rows.size() == 1;
  }

  /** Prints the header and the rows, two spaces between columns, no trailing spaces. */
  void print(PrintStream out) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }
}
