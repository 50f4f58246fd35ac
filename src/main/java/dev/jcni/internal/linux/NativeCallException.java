package dev.jcni.internal.linux;

import java.io.IOException;

/**
 * A C library call of {@link Spawn} or {@link LibC} that failed: which call and the error number
 * it reported ({@code errno}, or the return value of the {@code posix_spawn} family, which report
 * errors that way).
 *
 * <p>Internal: the public packages translate it into their own exceptions, adding what the caller
 * was doing (which plugin, which namespace, which path).
 */
public final class NativeCallException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  /**
   * Creates the exception.
   *
   * @param call the call as it reads in C, such as {@code pipe2(O_CLOEXEC)} or {@code
   *     unshare(CLONE_NEWNET)}
   * @param errno the error number
   */
  public NativeCallException(String call, int errno) {
    super(call + ": " + Spawn.describe(errno));
    this.call = call;
    this.errno = errno;
  }

  /** The call as it reads in C. */
  public String call() {
    return call;
  }

  /** The error number the call reported. */
  public int errno() {
    return errno;
  }
}
