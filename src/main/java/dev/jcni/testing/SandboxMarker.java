package dev.jcni.testing;

import dev.jcni.internal.linux.ProcStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file {@value #FILE_NAME} that jcni writes into every sandbox directory it makes, naming the
 * JVM that owns the directory: its process id, its start time in clock ticks since boot (together
 * they name one process even after its id is reused), the inodes of its PID and time namespaces
 * (the namespaces in which that id and that start time mean something) and the kernel's boot id.
 *
 * <p>Only a directory holding a valid marker is ever removed as the leftover of a crashed run, and
 * only when {@link #ownerIsGone} says so. The format, in ASCII, every line ending in a newline:
 *
 * <pre>
 * jcni-sandbox 1
 * pid=4711
 * start=123456
 * pidns=4026531836
 * timens=4026531834
 * boot=caea09b2-ff88-459e-95a1-36ac8a2065d1
 * </pre>
 *
 * <p>{@code timens} is 0 on kernels without time namespaces (before 5.6). Anything else — another
 * order, another spelling of a number, a missing or extra line — is not a marker.
 *
 * @param pid the owner's process id, in its own PID namespace
 * @param startTicks when the owner started, in clock ticks since boot as its time namespace sees it
 * @param pidNamespace the inode of the owner's PID namespace
 * @param timeNamespace the inode of the owner's time namespace, or 0 when the kernel has none
 * @param bootId the kernel's boot id when the owner ran
 */
record SandboxMarker(
    long pid, long startTicks, long pidNamespace, long timeNamespace, String bootId) {

  /** The marker's name in a sandbox directory. */
  static final String FILE_NAME = "jcni-sandbox";

  private static final String HEADER = "jcni-sandbox 1";
  private static final int MAX_SIZE = 512;
  private static final Pattern BOOT_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,18}");
  private static final Path PROC = Path.of("/proc");
  private static final Path BOOT_ID_FILE = Path.of("/proc/sys/kernel/random/boot_id");
  private static final Set<PosixFilePermission> RW_R_R =
      PosixFilePermissions.fromString("rw-r--r--");

  SandboxMarker {
    if (pid <= 0 || startTicks < 0 || pidNamespace <= 0 || timeNamespace < 0) {
      throw new IllegalArgumentException(
          "not a process identity: pid "
              + pid
              + ", start "
              + startTicks
              + ", pidns "
              + pidNamespace
              + ", timens "
              + timeNamespace);
    }
    if (bootId == null || !BOOT_ID.matcher(bootId).matches()) {
      throw new IllegalArgumentException("not a boot id: " + bootId);
    }
  }

  /**
   * The marker of this JVM.
   *
   * @throws IOException if {@code /proc} does not tell who this JVM is
   */
  static SandboxMarker ofThisJvm() throws IOException {
    Path self = PROC.resolve("self");
    OptionalLong start = startTicks(self.resolve("stat"));
    if (start.isEmpty()) {
      throw new IOException("cannot read this JVM's start time from " + self.resolve("stat"));
    }
    Path time = self.resolve("ns/time");
    long timeNamespace = Files.exists(time) ? inode(time) : 0; // no time namespaces before 5.6
    String boot = Files.readString(BOOT_ID_FILE, StandardCharsets.US_ASCII).trim();
    try {
      return new SandboxMarker(
          ProcessHandle.current().pid(),
          start.getAsLong(),
          inode(self.resolve("ns/pid")),
          timeNamespace,
          boot);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "unexpected identity of this JVM in " + PROC + ": " + e.getMessage(), e);
    }
  }

  /** The marker's text. */
  String format() {
    return HEADER
        + "\npid="
        + pid
        + "\nstart="
        + startTicks
        + "\npidns="
        + pidNamespace
        + "\ntimens="
        + timeNamespace
        + "\nboot="
        + bootId
        + "\n";
  }

  /** The marker that {@code text} is, if it is one exactly as {@link #format()} writes it. */
  static Optional<SandboxMarker> parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != 7 || !lines[0].equals(HEADER) || !lines[6].isEmpty()) {
      return Optional.empty();
    }
    String[] keys = {"pid", "start", "pidns", "timens"};
    long[] numbers = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      String prefix = keys[i] + "=";
      String line = lines[i + 1];
      if (!line.startsWith(prefix) || !NUMBER.matcher(line.substring(prefix.length())).matches()) {
        return Optional.empty();
      }
      try {
        numbers[i] = Long.parseLong(line.substring(prefix.length()));
      } catch (NumberFormatException tooLarge) {
        return Optional.empty();
      }
    }
    if (!lines[5].startsWith("boot=")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SandboxMarker(
              numbers[0],
              numbers[1],
              numbers[2],
              numbers[3],
              lines[5].substring("boot=".length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes this marker into {@code dir}, which must not hold one yet.
   *
   * @throws IOException if it cannot be written
   */
  void writeTo(Path dir) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            dir.resolve(FILE_NAME), options, PosixFilePermissions.asFileAttribute(RW_R_R))) {
      ByteBuffer text = ByteBuffer.wrap(format().getBytes(StandardCharsets.US_ASCII));
      while (text.hasRemaining()) {
        channel.write(text);
      }
    }
  }

  /**
   * The marker in {@code dir}, if there is a valid one: a regular file (a symbolic link is not
   * followed), owned by {@code uid}, writable by its owner alone, holding a marker.
   */
  static Optional<SandboxMarker> read(Path dir, int uid) {
    Path file = dir.resolve(FILE_NAME);
    try {
      Map<String, Object> attributes =
          Files.readAttributes(file, "unix:isRegularFile,size,uid,mode", LinkOption.NOFOLLOW_LINKS);
      if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))
          || ((Number) attributes.get("size")).longValue() > MAX_SIZE
          || !isGuardedBy(attributes, uid)) {
        return Optional.empty();
      }
      Set<OpenOption> options = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      try (SeekableByteChannel channel = Files.newByteChannel(file, options);
          InputStream in = Channels.newInputStream(channel)) {
        byte[] bytes = in.readNBytes(MAX_SIZE + 1);
        if (bytes.length > MAX_SIZE) {
          return Optional.empty();
        }
        return parse(StandardCharsets.US_ASCII.decode(ByteBuffer.wrap(bytes)).toString());
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty(); // none, or unreadable: not a marker
    }
  }

  /**
   * Whether the {@code unix:uid} and {@code unix:mode} attributes say that only {@code uid} can
   * change the file: owned by it, not writable by group or others.
   */
  static boolean isGuardedBy(Map<String, Object> attributes, int uid) {
    Object owner = attributes.get("uid");
    Object mode = attributes.get("mode");
    return owner instanceof Integer
        && (Integer) owner == uid
        && mode instanceof Integer
        && ((Integer) mode & 0022) == 0;
  }

  /**
   * Whether the JVM this marker names certainly no longer runs, judged by the JVM {@code self}: a
   * marker of another boot is always stale; one of another PID or time namespace than {@code
   * self}'s names a process that cannot be checked from here, so it counts as running; otherwise
   * the process runs if {@code /proc} shows its id with its start time.
   */
  boolean ownerIsGone(SandboxMarker self) {
    if (!bootId.equals(self.bootId)) {
      return true;
    }
    if (pidNamespace != self.pidNamespace
        || timeNamespace != self.timeNamespace
        || !procShowsPidNamespaceOf(self)) {
      return false;
    }
    return !isRunning(pid, startTicks);
  }

  /**
   * Whether the mounted {@code /proc} numbers processes as the PID namespace of {@code self} does
   * (it may be the {@code /proc} of an ancestor namespace, after {@code unshare --pid} without
   * {@code --mount-proc}): then {@code /proc/self} is named after the JVM's own id.
   */
  private static boolean procShowsPidNamespaceOf(SandboxMarker self) {
    try {
      return Files.readSymbolicLink(PROC.resolve("self"))
          .toString()
          .equals(Long.toString(self.pid));
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the process {@code pid} of this {@code /proc} runs and started at {@code ticks}. */
  static boolean isRunning(long pid, long ticks) {
    OptionalLong started = startTicks(PROC.resolve(Long.toString(pid)).resolve("stat"));
    return started.isPresent() && started.getAsLong() == ticks;
  }

  /**
   * When the process of the {@code stat} file started, in clock ticks since boot (its field 22);
   * empty when it cannot be read.
   */
  static OptionalLong startTicks(Path stat) {
    return ProcStat.read(stat).map(ProcStat::startTicks).orElse(OptionalLong.empty());
  }

  private static long inode(Path namespace) throws IOException {
    return ((Number) Files.getAttribute(namespace, "unix:ino")).longValue();
  }
}
