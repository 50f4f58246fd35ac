package dev.jcni.netns;

/**
 * Code to run inside a network namespace with {@link NetworkNamespace#run}: a {@link
 * java.util.concurrent.Callable} whose checked exception type is a parameter, so that what the code
 * throws reaches the caller unwrapped.
 *
 * @param <T> the result type
 * @param <E> the checked exception the code may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface NetnsCallable<T, E extends Exception> {
  /**
   * Runs the code.
   *
   * @return the result
   * @throws E if the code fails
   */
  T call() throws E;
}
