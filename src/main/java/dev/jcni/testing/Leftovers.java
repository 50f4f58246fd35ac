package dev.jcni.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sandbox teardown found wrong: each problem in words, and the exceptions behind them. Not
 * thread-safe; one teardown fills one instance.
 */
final class Leftovers {
  private final List<String> problems = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();

  void add(String problem) {
    problems.add(problem);
  }

  void add(String problem, Throwable cause) {
    problems.add(problem);
    causes.add(cause);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  /** Adds every problem to {@code failure} as a suppressed exception. */
  void attachTo(Throwable failure) {
    for (String problem : problems) {
      failure.addSuppressed(new IllegalStateException(problem));
    }
  }

  /** One error that lists every problem, with the exceptions behind them as suppressed. */
  AssertionError toError(String header) {
    StringBuilder message = new StringBuilder(header);
    for (String problem : problems) {
      message.append(System.lineSeparator()).append("  - ").append(problem);
    }
    AssertionError error = new AssertionError(message.toString());
    for (Throwable cause : causes) {
      error.addSuppressed(cause);
    }
    return error;
  }
}
