package dev.jcni.internal.linux;

/**
 * A native call that failed: which call, with which arguments, and the {@code errno} it set.
 *
 * <p>Internal: the public packages translate it into their own exceptions, adding what the caller
 * was doing (which namespace, which path).
 */
public final class ErrnoException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  /**
   * Creates the exception.
   *
   * @param call the call as it reads in C, such as {@code unshare(CLONE_NEWNET)}
   * @param errno the error number the call set
   */
  public ErrnoException(String call, int errno) {
    super(call + ": " + LibC.describe(errno));
    this.call = call;
    this.errno = errno;
  }

  /** The call as it reads in C, such as {@code unshare(CLONE_NEWNET)}. */
  public String call() {
    return call;
  }

  /** The error number the call set. */
  public int errno() {
    return errno;
  }
}
