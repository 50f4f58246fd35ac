package dev.jcni.hardening;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs a property: a fixed number of tries, each on an input drawn from a generator with its own
 * seeded {@link Random}, each checked on a thread of its own within a time bound.
 *
 * <p>A failure names the property, the try, the run's seed and the input (escaped), so that it can
 * be replayed exactly: {@code -Djcni.hardening.seed=SEED} makes every property draw the same inputs
 * again (try {@code i} uses {@code new Random(SEED + i * PRIME)}, independent of the other tries).
 * Without that property each run draws a fresh seed, so that CI explores new inputs every time; the
 * seed is printed with the run's figures.
 *
 * <p>jqwik, the usual property-based engine on the JUnit platform, is not used: from version 1.10
 * its authors ask that AI coding agents not use it (and its engine prints an instruction addressed
 * to them into the test output), and this project is developed with such agents. This runner has no
 * shrinking: a failure reports the whole input, escaped, with the seed that replays it.
 *
 * <p>A check returns the name of the outcome it saw (for example the exception class); the counts
 * per outcome are the figures {@code docs/security.md} reports.
 *
 * @param <T> the input type
 */
final class PropertyCheck<T> {
  /** The system property that fixes the seed of every property run. */
  static final String SEED_PROPERTY = "jcni.hardening.seed";

  private static final long PRIME = 0x9E3779B97F4A7C15L;

  /** The check of one input: returns the outcome's name, throws when the property is broken. */
  interface Check<T> {
    String run(T input) throws Exception;
  }

  /** What a run did: tries, seed, and how many inputs ended in each outcome. */
  record Figures(
      String property, int tries, long seed, Map<String, Integer> outcomes, long slowestMillis) {
    @Override
    public String toString() {
      return property
          + ": "
          + tries
          + " tries, seed "
          + seed
          + ", slowest try "
          + slowestMillis
          + " ms, outcomes "
          + outcomes;
    }
  }

  private final String property;
  private final int tries;
  private final Duration perTry;
  private final Function<Random, T> generator;
  private final Function<T, String> describe;

  PropertyCheck(
      String property,
      int tries,
      Duration perTry,
      Function<Random, T> generator,
      Function<T, String> describe) {
    this.property = property;
    this.tries = tries;
    this.perTry = perTry;
    this.generator = generator;
    this.describe = describe;
  }

  /** The seed of this run: {@value #SEED_PROPERTY} when set, a fresh one otherwise. */
  static long runSeed() {
    String fixed = System.getProperty(SEED_PROPERTY);
    return fixed == null || fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed);
  }

  /**
   * Runs every try; throws {@link AssertionError} at the first broken one.
   *
   * @return the figures of the run, also printed to the test's output
   */
  Figures check(Check<T> check) throws InterruptedException {
    long seed = runSeed();
    Map<String, Integer> outcomes = new TreeMap<>();
    long slowest = 0;
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "property-" + property);
              t.setDaemon(true);
              return t;
            });
    try {
      for (int i = 0; i < tries; i++) {
        T input = generator.apply(new Random(seed + i * PRIME));
        String where =
            "property \""
                + property
                + "\" try "
                + i
                + " of "
                + tries
                + " (-D"
                + SEED_PROPERTY
                + "="
                + seed
                + "), input: "
                + escape(describe.apply(input), 2000);
        Future<String> outcome = worker.submit(() -> check.run(input));
        String seen;
        long started = System.nanoTime();
        try {
          seen = outcome.get(perTry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          outcome.cancel(true);
          throw new AssertionError("did not end within " + perTry + ": " + where, e);
        } catch (ExecutionException e) {
          String cause = escape(e.getCause().toString(), 4000).replace("\\u000a", "\n");
          throw new AssertionError(cause + "\n  at " + where, e.getCause());
        }
        outcomes.merge(seen, 1, Integer::sum);
        slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      }
    } finally {
      worker.shutdownNow();
      worker.awaitTermination(10, TimeUnit.SECONDS);
    }
    Figures figures = new Figures(property, tries, seed, outcomes, slowest);
    System.out.println("[figures] " + figures);
    return figures;
  }

  /** Java-escapes control, format and non-ASCII characters, and cuts the text at {@code max}. */
  static String escape(String s, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (sb.length() >= max) {
      sb.append("... (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
