package dev.jcni.cli;

import java.util.Objects;

/**
 * A command-line option: {@code --name} (a flag) or {@code --name VALUE} / {@code --name=VALUE}.
 *
 * @param name the long name without dashes
 * @param valueName the placeholder shown in help for an option that takes a value, or {@code null}
 *     for a flag
 * @param help one line of help
 */
record Option(String name, String valueName, String help) {
  Option {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
  }

  static Option flag(String name, String help) {
    return new Option(name, null, help);
  }

  static Option value(String name, String valueName, String help) {
    return new Option(name, valueName, help);
  }

  boolean takesValue() {
    return valueName != null;
  }

  String synopsis() {
    return takesValue() ? "--" + name + " " + valueName : "--" + name;
  }
}
