package dev.jcni;

import java.util.List;

/**
 * The result of validating a network (libcni's {@code ValidateNetworkList}): whether every plugin
 * exists and supports the list's version, and the union of the capabilities the plugins declare.
 *
 * @param capabilities every capability some plugin declares {@code true}, in first-seen order
 * @param problems one exception per plugin that is missing or does not support the version
 */
public record ValidationReport(List<String> capabilities, List<CniException> problems) {
  /** Copies the lists. */
  public ValidationReport {
    capabilities = List.copyOf(capabilities);
    problems = List.copyOf(problems);
  }

  /** Whether there is no problem. */
  public boolean valid() {
    return problems.isEmpty();
  }
}
