package dev.jcni.internal.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One process's {@code /proc/PID/stat} line, with its fields by their number in proc(5): {@code
 * pid (comm) state ppid pgrp ...}. The command may hold spaces and parentheses, so the fields from
 * the state on are counted after the last ')'.
 */
public final class ProcStat {
  /** Fields 3 and on: {@code fields[0]} is the state. */
  private final String[] fields;

  private ProcStat(String[] fields) {
    this.fields = fields;
  }

  /**
   * Reads the line of process {@code pid}.
   *
   * @param pid the process
   * @return its line; empty when it cannot be read (the process is gone) or is not a stat line
   */
  public static Optional<ProcStat> of(long pid) {
    return read(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * Reads a stat file.
   *
   * @param stat the file
   * @return its line; empty when it cannot be read or is not a stat line
   */
  public static Optional<ProcStat> read(Path stat) {
    String text;
    try {
      text = Files.readString(stat, StandardCharsets.ISO_8859_1); // any byte may be in the command
    } catch (IOException e) {
      return Optional.empty();
    }
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] fields = text.substring(close + 1).trim().split(" ");
    return fields.length == 0 || fields[0].isEmpty()
        ? Optional.empty()
        : Optional.of(new ProcStat(fields));
  }

  /** Whether the process has exited and waits to be reaped (state {@code Z}). */
  public boolean isZombie() {
    return fields[0].equals("Z");
  }

  /** The process group (field 5), when the line has it. */
  public OptionalLong processGroup() {
    return field(5);
  }

  /** When the process started, in clock ticks since boot (field 22), when the line has it. */
  public OptionalLong startTicks() {
    return field(22);
  }

  private OptionalLong field(int number) {
    int at = number - 3;
    if (at >= fields.length) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(fields[at]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
