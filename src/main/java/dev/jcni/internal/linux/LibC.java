package dev.jcni.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The C library calls jcni makes for namespaces, mounts and files, through JNA direct mapping
 * (those that start and supervise plugins are {@link Spawn}'s).
 *
 * <p>Every wrapper checks the return value and, on failure, throws a {@link NativeCallException}
 * carrying the {@code errno} that JNA captured right after the call. Paths are passed as bytes in
 * the encoding the JDK itself uses for file names, so that a path means the same file here as in
 * {@link java.nio.file.Files}. The constants are those of Linux on x86-64 and arm64 (the generic
 * ABI).
 *
 * <p>Namespace calls ({@link #unshare}, {@link #setns}) act on the calling OS thread only; callers
 * must make them on a dedicated platform thread (see {@code dev.jcni.netns}).
 */
public final class LibC {
  /** {@code unshare}/{@code setns} flag: the network namespace. */
  public static final int CLONE_NEWNET = 0x40000000;

  /** {@code errno}: operation not permitted (missing capability). */
  public static final int EPERM = 1;

  /** {@code errno}: no such file or directory. */
  public static final int ENOENT = 2;

  /** {@code errno}: permission denied (file access). */
  public static final int EACCES = 13;

  /** {@code errno}: file exists. */
  public static final int EEXIST = 17;

  /** {@code errno}: invalid argument (for {@code umount2}: not a mount point). */
  public static final int EINVAL = 22;

  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 0x800;
  private static final int O_CLOEXEC = 0x80000;
  private static final long MS_BIND = 0x1000;
  private static final long MS_REC = 0x4000;
  private static final long MS_SHARED = 1L << 20;
  private static final int MNT_DETACH = 2;
  private static final int UMOUNT_NOFOLLOW = 8;
  private static final long NS_GET_NSTYPE = 0xb703; // _IO(0xb7, 0x3), linux/nsfs.h
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int F_OK = 0;

  /** The namespace types of {@code linux/sched.h}, by their {@code CLONE_NEW*} flag. */
  private static final Map<Integer, String> NAMESPACE_TYPES =
      Map.ofEntries(
          Map.entry(0x00000080, "time"),
          Map.entry(0x00020000, "mount"),
          Map.entry(0x02000000, "cgroup"),
          Map.entry(0x04000000, "uts"),
          Map.entry(0x08000000, "ipc"),
          Map.entry(0x10000000, "user"),
          Map.entry(0x20000000, "pid"),
          Map.entry(CLONE_NEWNET, "network"));

  private static final Charset FILE_NAME_CHARSET = lookUpFileNameCharset();

  private LibC() {}

  /** The native symbols, registered once on first use of {@link LibC}. */
  private static final class Calls {
    static {
      Native.register(Calls.class, Platform.C_LIBRARY_NAME);
    }

    private Calls() {}

    static native int unshare(int flags);

    static native int setns(int fd, int nstype);

    static native int mount(
        byte[] source, byte[] target, byte[] fstype, NativeLong flags, Pointer data);

    static native int umount2(byte[] target, int flags);

    // open(2) is variadic; the two-argument form is exact because O_CREAT is never passed.
    static native int open(byte[] path, int flags);

    static native int close(int fd);

    // ioctl(2) is variadic; NS_GET_NSTYPE takes no third argument.
    static native int ioctl(int fd, NativeLong request);
  }

  /**
   * Moves the calling thread into a new, empty network namespace.
   *
   * @throws NativeCallException if the kernel refuses ({@code EPERM} without {@code CAP_SYS_ADMIN})
   */
  public static void unshareNetwork() throws NativeCallException {
    check(Calls.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)");
  }

  /**
   * Moves the calling thread into the network namespace that {@code fd} refers to.
   *
   * @param fd an open descriptor of a network namespace
   * @throws NativeCallException if the kernel refuses ({@code EPERM}, {@code EINVAL} for a descriptor
   *     that is not a network namespace, {@code EBADF})
   */
  public static void setNetworkNamespace(int fd) throws NativeCallException {
    check(Calls.setns(fd, CLONE_NEWNET), "setns(" + fd + ", CLONE_NEWNET)");
  }

  /** {@code faccessat}, linked on its own so that it needs nothing else of the C library. */
  private static final class Access {
    static final boolean LINKED = link();

    private Access() {}

    static native int faccessat(int dirfd, byte[] path, int mode, int flags);

    private static boolean link() {
      try {
        Native.register(Access.class, Platform.C_LIBRARY_NAME);
        return true;
      } catch (LinkageError e) {
        return false;
      }
    }
  }

  /**
   * Whether nothing at all, not even a symbolic link, is at {@code path}, told without the two
   * exceptions that {@link java.nio.file.Files} throws for a missing file: a cheap probe for a path
   * that is usually absent ({@code faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW)}, {@code
   * ENOENT}).
   *
   * @param path the path to probe
   * @return {@code true} only when the kernel said no such file; {@code false} when something is
   *     there, and whenever it cannot tell (another error, a path that is no file name, a path of
   *     another file system than the default one, or JNA not available): the caller then looks the
   *     usual way
   */
  public static boolean certainlyAbsent(Path path) {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return false; // a Jimfs or zip path: the kernel knows nothing of it
    }
    try {
      return Access.LINKED
          && Access.faccessat(AT_FDCWD, cString(path), F_OK, AT_SYMLINK_NOFOLLOW) == -1
          && Native.getLastError() == ENOENT;
    } catch (LinkageError | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Bind-mounts {@code source} onto {@code target} ({@code mount --bind}).
   *
   * @param source the file or directory to mount
   * @param target the existing file or directory to mount it on
   * @param recursive whether mounts under {@code source} come along ({@code MS_REC})
   * @throws NativeCallException if the mount fails
   */
  public static void bindMount(Path source, Path target, boolean recursive) throws NativeCallException {
    long flags = MS_BIND | (recursive ? MS_REC : 0);
    String flagNames = recursive ? "MS_BIND|MS_REC" : "MS_BIND";
    check(
        Calls.mount(cString(source), cString(target), cString("none"), new NativeLong(flags), null),
        "mount(\"" + source + "\", \"" + target + "\", " + flagNames + ")");
  }

  /**
   * Makes the mount at {@code target}, and the mounts under it, shared ({@code mount
   * --make-rshared}): mounts and unmounts below it propagate to its peers in other mount
   * namespaces.
   *
   * @param target a mount point
   * @throws NativeCallException if the mount fails ({@code EINVAL} when {@code target} is not a mount
   *     point)
   */
  public static void makeSharedRecursive(Path target) throws NativeCallException {
    check(
        Calls.mount(
            cString(""),
            cString(target),
            cString("none"),
            new NativeLong(MS_SHARED | MS_REC),
            null),
        "mount(\"" + target + "\", MS_SHARED|MS_REC)");
  }

  /**
   * Detaches the mount at {@code target} ({@code umount --lazy}). A symbolic link at {@code target}
   * is not followed ({@code UMOUNT_NOFOLLOW}): whoever put it there cannot make this unmount what it
   * points to; the link itself is not a mount point ({@code EINVAL}).
   *
   * @param target a mount point
   * @throws NativeCallException if the unmount fails ({@code EINVAL} when {@code target} is not a mount
   *     point, {@code ENOENT} when it does not exist)
   */
  public static void detach(Path target) throws NativeCallException {
    check(
        Calls.umount2(cString(target), MNT_DETACH | UMOUNT_NOFOLLOW),
        "umount2(\"" + target + "\", MNT_DETACH|UMOUNT_NOFOLLOW)");
  }

  /**
   * Opens {@code path} read-only, close-on-exec and without blocking: a FIFO put where a namespace
   * file was expected fails the namespace check at once instead of waiting for a writer.
   *
   * @param path the file to open
   * @return the new file descriptor
   * @throws NativeCallException if the open fails
   */
  public static int openReadOnly(Path path) throws NativeCallException {
    int fd = Calls.open(cString(path), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    check(fd, "open(\"" + path + "\", O_RDONLY|O_CLOEXEC|O_NONBLOCK)");
    return fd;
  }

  /**
   * The type of the namespace that {@code fd} refers to ({@code ioctl NS_GET_NSTYPE}, Linux 4.11).
   *
   * @param fd an open descriptor
   * @return its {@code CLONE_NEW*} flag, {@link #CLONE_NEWNET} for a network namespace
   * @throws NativeCallException if {@code fd} is not a namespace ({@code ENOTTY})
   */
  public static int namespaceType(int fd) throws NativeCallException {
    int type = Calls.ioctl(fd, new NativeLong(NS_GET_NSTYPE));
    check(type, "ioctl(" + fd + ", NS_GET_NSTYPE)");
    return type;
  }

  /**
   * Names a namespace type for a message.
   *
   * @param type a {@code CLONE_NEW*} flag
   * @return its name, such as {@code mount}
   */
  public static String namespaceTypeName(int type) {
    return NAMESPACE_TYPES.getOrDefault(type, "0x" + Integer.toHexString(type));
  }

  /**
   * Closes a file descriptor.
   *
   * @param fd the descriptor
   * @throws NativeCallException if the close fails ({@code EBADF})
   */
  public static void close(int fd) throws NativeCallException {
    check(Calls.close(fd), "close(" + fd + ")");
  }

  private static void check(int result, String call) throws NativeCallException {
    if (result == -1) {
      throw new NativeCallException(call, Native.getLastError());
    }
  }

  private static byte[] cString(Path path) {
    return cString(path.toString());
  }

  private static byte[] cString(String s) {
    CharsetEncoder encoder = FILE_NAME_CHARSET.newEncoder();
    ByteBuffer bytes;
    try {
      bytes = encoder.encode(CharBuffer.wrap(s));
    } catch (CharacterCodingException e) {
      // Path.of would have refused it already: the JDK encodes file names the same way.
      throw new IllegalArgumentException("path not representable as a file name: " + s, e);
    }
    byte[] c = new byte[bytes.remaining() + 1];
    bytes.get(c, 0, c.length - 1);
    for (int i = 0; i < c.length - 1; i++) {
      if (c[i] == 0) {
        throw new IllegalArgumentException("path contains a NUL byte: " + s);
      }
    }
    return c;
  }

  /**
   * The encoding the JDK uses for file names ({@code sun.jnu.encoding}), so that a path names the
   * same file here as through {@link java.nio.file.Files}.
   *
   * @return that charset
   */
  public static Charset fileNameCharset() {
    return FILE_NAME_CHARSET;
  }

  private static Charset lookUpFileNameCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    if (name != null) {
      try {
        return Charset.forName(name);
      } catch (IllegalArgumentException e) {
        // fall through to the default
      }
    }
    return Charset.defaultCharset();
  }
}
