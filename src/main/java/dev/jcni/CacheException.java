package dev.jcni;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The attachment cache could not be used: an I/O failure, an unsafe path (a symbolic link or a
 * directory where a file belongs), an entry that belongs to another attachment, or a lock that
 * could not be taken in time. The message names the file and what failed; {@link #reason()} says
 * which of these it was, so that callers never need to read the message.
 */
public class CacheException extends CniException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure a {@link CacheException} reports. */
  public enum Reason {
    /** Reading, writing, renaming or syncing a file failed. */
    IO_ERROR,
    /**
     * A path is not what the cache expects: a symbolic link, a directory where an entry belongs, or
     * a special file. The cache refuses to follow or replace it.
     */
    UNSAFE_PATH,
    /**
     * The entry's file already holds the entry of another attachment: libcni's file name {@code
     * <network>-<containerId>-<ifName>} is ambiguous when names contain dashes.
     */
    COLLISION,
    /** The entry holds a number that Go's libcni could not read back (beyond float64 range). */
    UNENCODABLE,
    /** A lock was not granted within the caller's timeout. */
    LOCK_TIMEOUT
  }

  private final String file;
  private final Reason reason;

  /**
   * Creates an exception for one file.
   *
   * @param file the cache file, directory or lock file concerned
   * @param reason the kind of failure
   * @param problem what failed, without the file name (it is prepended)
   */
  public CacheException(Path file, Reason reason, String problem) {
    this(file, reason, problem, null);
  }

  /**
   * Creates an exception for one file, with the underlying cause.
   *
   * @param file the cache file, directory or lock file concerned
   * @param reason the kind of failure
   * @param problem what failed, without the file name (it is prepended)
   * @param cause the underlying failure, or {@code null}
   */
  public CacheException(Path file, Reason reason, String problem, Throwable cause) {
    super("cache file " + Quoted.plainOrQuoted(file) + ": " + problem, cause);
    this.file = file.toString();
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The cache file, directory or lock file concerned. */
  public Path file() {
    return Path.of(file);
  }

  /** What kind of failure this is. */
  public Reason reason() {
    return reason;
  }
}
