package dev.jcni;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A network namespace operation that failed: creating, opening, entering or deleting a namespace.
 *
 * <p>The message names the operation, the namespace's path and the system's reason; {@link
 * #errno()} gives the error number when a system call failed, so that callers can tell a missing
 * privilege ({@link #isPermissionDenied()}) from a namespace that does not exist ({@link
 * #isNotFound()}) without reading the message.
 */
public class NetnsException extends CniException {
  private static final long serialVersionUID = 1L;

  private static final int EPERM = 1;
  private static final int ENOENT = 2;
  private static final int EACCES = 13;
  private static final int EEXIST = 17;

  private final transient Path path;
  private final int errno;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the operation, the path and the reason
   * @param path the namespace file or directory concerned, or {@code null} if none
   * @param errno the error number of the failed system call, or 0 if the failure was not one
   * @param cause the underlying failure, or {@code null}
   */
  public NetnsException(String message, Path path, int errno, Throwable cause) {
    super(message, cause);
    this.path = path;
    this.errno = errno;
  }

  /** The namespace file or directory concerned, if the failure concerns one. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /**
   * The Linux error number ({@code errno}) of the system call that failed, or 0 if the failure was
   * not a failed system call (a file that is not a namespace, for example).
   */
  public int errno() {
    return errno;
  }

  /**
   * Whether the failure was a missing privilege ({@code EPERM} or {@code EACCES}): namespaces are
   * created, mounted and entered only by root or with {@code CAP_SYS_ADMIN}.
   */
  public boolean isPermissionDenied() {
    return errno == EPERM || errno == EACCES;
  }

  /** Whether the namespace or its directory does not exist ({@code ENOENT}). */
  public boolean isNotFound() {
    return errno == ENOENT;
  }

  /** Whether a namespace of that name exists already ({@code EEXIST}). */
  public boolean isAlreadyExists() {
    return errno == EEXIST;
  }
}
