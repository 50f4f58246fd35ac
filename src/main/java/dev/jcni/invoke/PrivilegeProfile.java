package dev.jcni.invoke;

import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The least-privilege execution profile: an opt-in way to run each plugin with less than the full
 * power of root. Set it with {@link ExecOptions.Builder#privilegeProfile(PrivilegeProfile)}; the
 * client checks it with {@link #requireApplicable()} when it is built.
 *
 * <p>Every plugin then runs under util-linux {@code setpriv} ({@link #SETPRIV}), which, before it
 * executes the plugin:
 *
 * <ul>
 *   <li>sets {@code no_new_privs}: no set-user-id bit or file capability can raise the privileges of
 *       the plugin or anything it executes;
 *   <li>reduces the capability bounding set to {@link #capabilities()} ({@code CAP_NET_ADMIN},
 *       {@code CAP_NET_RAW}, {@code CAP_SYS_ADMIN} for {@code setns}, plus the extra ones asked
 *       for), and the inheritable set to the same; as root, the plugin's permitted and effective
 *       sets are then exactly these; the ambient set is emptied;
 *   <li>with {@link Builder#user(int, int)}, switches to that non-root user and group (supplementary
 *       groups cleared) and gives the plugin the same capabilities as ambient ones.
 * </ul>
 *
 * <p>With {@link Builder#readOnlyRoot(boolean)}, {@code setpriv} itself runs under bubblewrap
 * ({@link #BWRAP}) in a private mount namespace where {@code /} and every mount under it are
 * read-only, except the {@link #DEFAULT_WRITABLE_PATHS}, the directory of the call's {@code
 * CNI_NETNS}, and the paths added with {@link Builder#writablePath(Path...)}; paths that do not exist
 * are left out. {@code /dev} is bound as it is (bubblewrap's binds are otherwise {@code nodev}, and
 * plugins open {@code /dev/null}).
 *
 * <p>The argument vector becomes {@code [bwrap, options..., --,] setpriv, options..., --, plugin}:
 * the plugin path is still the absolute path found in CNI_PATH, and the wrappers are the fixed
 * paths above, never looked up on {@code PATH}. The environment is unchanged. Immutable.
 *
 * @param extraCapabilities capabilities kept besides the {@link #BASE_CAPABILITIES}, as {@code
 *     CAP_*} names, sorted
 * @param readOnlyRoot whether plugins see a read-only {@code /} in a private mount namespace
 * @param writablePaths absolute paths writable besides the defaults when the root is read-only,
 *     sorted
 * @param user the non-root user plugins run as, if any
 */
public record PrivilegeProfile(
    List<String> extraCapabilities,
    boolean readOnlyRoot,
    List<Path> writablePaths,
    Optional<PrivilegeProfile.User> user) {
  private static final Logger LOG = LoggerFactory.getLogger(PrivilegeProfile.class);

  /** The util-linux {@code setpriv} every plugin runs under; a fixed path. */
  public static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /** The bubblewrap {@code bwrap} used for a read-only root; a fixed path. */
  public static final Path BWRAP = Path.of("/usr/bin/bwrap");

  /**
   * What the reference plugins need: {@code CAP_NET_ADMIN} (links, addresses, routes, netfilter),
   * {@code CAP_NET_RAW} (raw sockets, iptables) and {@code CAP_SYS_ADMIN} ({@code setns} into the
   * container's network namespace).
   */
  public static final List<String> BASE_CAPABILITIES =
      List.of("CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_ADMIN");

  /**
   * The paths plugins write, writable under a read-only root: {@code /run} (netns files, locks),
   * {@code /var/lib/cni} (host-local's leases and other plugins' state) and {@code /proc/sys/net}
   * (sysctls such as forwarding).
   */
  public static final List<Path> DEFAULT_WRITABLE_PATHS =
      List.of(Path.of("/proc/sys/net"), Path.of("/run"), Path.of("/var/lib/cni"));

  /** Linux capability names by number (capability.h, up to Linux 6.x). */
  private static final List<String> CAPABILITY_NAMES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  private static final int CAP_SETGID = 6;
  private static final int CAP_SETUID = 7;
  private static final int CAP_SETPCAP = 8;
  private static final int CAP_SYS_ADMIN = 21;

  /** Results of {@link #requireApplicable()}: empty when the profile applies, else the reason. */
  private static final Map<PrivilegeProfile, Optional<String>> CHECKED = new ConcurrentHashMap<>();

  private static final long TRIAL_SECONDS = 10;

  /**
   * A non-root user and group for plugins.
   *
   * @param uid the user id; not 0
   * @param gid the group id; not 0
   */
  public record User(int uid, int gid) {
    /** Validates. */
    public User {
      if (uid <= 0 || gid <= 0) {
        throw new IllegalArgumentException(
            "the user and group must be non-root ids, not " + uid + ":" + gid);
      }
    }
  }

  /** Validates, normalises and copies. */
  public PrivilegeProfile {
    TreeSet<String> caps = new TreeSet<>();
    for (String name : extraCapabilities) {
      String normal = capabilityName(name);
      if (!BASE_CAPABILITIES.contains(normal)) {
        caps.add(normal);
      }
    }
    extraCapabilities = List.copyOf(caps);
    TreeSet<Path> paths = new TreeSet<>();
    for (Path p : writablePaths) {
      paths.add(checkWritablePath(p));
    }
    writablePaths = List.copyOf(paths);
    Objects.requireNonNull(user, "user");
  }

  /**
   * The basic profile: {@code no_new_privs} and the {@link #BASE_CAPABILITIES}, as root, in the
   * caller's mount namespace.
   *
   * @return the profile
   */
  public static PrivilegeProfile leastPrivilege() {
    return builder().build();
  }

  /**
   * A builder starting from {@link #leastPrivilege()}.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Every capability plugins keep: the {@link #BASE_CAPABILITIES} and the extra ones, sorted.
   *
   * @return {@code CAP_*} names
   */
  public List<String> capabilities() {
    TreeSet<String> all = new TreeSet<>(BASE_CAPABILITIES);
    all.addAll(extraCapabilities);
    return List.copyOf(all);
  }

  /**
   * The capability bounding set plugins run with, as the bit mask {@code /proc/PID/status} shows
   * in {@code CapBnd}.
   *
   * @return the mask
   */
  public long capabilityMask() {
    long mask = 0;
    for (String name : capabilities()) {
      mask |= 1L << CAPABILITY_NAMES.indexOf(name);
    }
    return mask;
  }

  /**
   * The argument vector that runs a plugin under this profile.
   *
   * @param plugin the plugin's absolute path, as found in CNI_PATH
   * @param netns the call's {@code CNI_NETNS}, possibly empty; its directory stays writable under a
   *     read-only root
   * @return {@code argv}, the fixed wrapper path first and the plugin path last
   */
  public List<String> command(Path plugin, String netns) {
    if (!plugin.isAbsolute()) {
      throw new IllegalArgumentException("the plugin path must be absolute: " + plugin);
    }
    List<String> argv = new ArrayList<>();
    if (readOnlyRoot) {
      argv.add(BWRAP.toString());
      argv.add("--ro-bind");
      argv.add("/");
      argv.add("/");
      // Bind mounts are nodev: without this, not even /dev/null could be opened.
      argv.add("--dev-bind");
      argv.add("/dev");
      argv.add("/dev");
      for (Path p : writableAt(netns)) {
        argv.add("--bind-try");
        argv.add(p.toString());
        argv.add(p.toString());
      }
      argv.add("--");
    }
    String caps = setprivCapabilities();
    argv.add(SETPRIV.toString());
    argv.add("--no-new-privs");
    if (user.isPresent()) {
      argv.add("--reuid=" + user.get().uid());
      argv.add("--regid=" + user.get().gid());
      argv.add("--clear-groups");
    }
    argv.add("--inh-caps=" + caps);
    argv.add("--ambient-caps=" + (user.isPresent() ? caps : "-all"));
    argv.add("--bounding-set=" + caps);
    argv.add("--");
    argv.add(plugin.toString());
    return List.copyOf(argv);
  }

  /** The paths bound writable for a call, parents before children. */
  List<Path> writableAt(String netns) {
    TreeSet<Path> paths = new TreeSet<>(DEFAULT_WRITABLE_PATHS);
    paths.addAll(writablePaths);
    if (netns != null && !netns.isEmpty() && netns.indexOf('\0') < 0) {
      Path ns = Path.of(netns).normalize();
      Path dir = ns.getParent();
      if (ns.isAbsolute() && dir != null && dir.getNameCount() > 0 && !dir.startsWith("/proc")) {
        try {
          Path real = dir.toRealPath();
          if (paths.stream().noneMatch(real::startsWith)) {
            paths.add(real);
          }
        } catch (IOException e) {
          LOG.debug("the directory of CNI_NETNS {} is not kept writable: {}", netns, e.toString());
        }
      }
    }
    return List.copyOf(paths);
  }

  private String setprivCapabilities() {
    StringBuilder b = new StringBuilder("-all");
    for (String name : capabilities()) {
      b.append(",+").append(name.substring("CAP_".length()).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /**
   * Checks, once per profile and JVM, that this machine can apply the profile: Linux; the wrappers
   * are regular executable files owned by root and writable by no one else; the kernel knows every
   * capability; the JVM holds {@code CAP_SETPCAP} (to reduce the bounding set), {@code CAP_SETUID}
   * and {@code CAP_SETGID} for a user switch, {@code CAP_SYS_ADMIN} for a read-only root; and a
   * trial run of the wrapped {@code /bin/true} succeeds.
   *
   * @throws PrivilegeProfileException when the profile cannot be applied, saying why; also when
   *     the thread is interrupted during the trial run (the interrupt status is then kept set and
   *     the next call checks again)
   */
  public void requireApplicable() throws PrivilegeProfileException {
    Optional<String> known = CHECKED.get(this);
    if (known == null) {
      try {
        known = detect();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PrivilegeProfileException(
            "interrupted while checking the least-privilege profile");
      }
      CHECKED.put(this, known);
    }
    if (known.isPresent()) {
      throw new PrivilegeProfileException(
          "the least-privilege profile cannot be applied: " + known.get());
    }
  }

  private Optional<String> detect() throws InterruptedException {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of("it needs Linux, not " + System.getProperty("os.name"));
    }
    Optional<String> wrapper = untrusted(SETPRIV, "util-linux");
    if (wrapper.isEmpty() && readOnlyRoot) {
      wrapper = untrusted(BWRAP, "bubblewrap");
    }
    if (wrapper.isPresent()) {
      return wrapper;
    }
    long lastCap;
    long effective;
    try {
      // a line reader: a sized read of this procfs file can come back short
      lastCap =
          Long.parseLong(
              Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap"), StandardCharsets.US_ASCII)
                  .get(0)
                  .trim());
      effective = effectiveCapabilities();
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      return Optional.of("cannot read the capabilities of this process: " + e);
    }
    for (String name : capabilities()) {
      if (CAPABILITY_NAMES.indexOf(name) > lastCap) {
        return Optional.of("this kernel does not know " + name);
      }
    }
    if ((effective & (1L << CAP_SETPCAP)) == 0) {
      return Optional.of("this process lacks CAP_SETPCAP, needed to reduce the bounding set");
    }
    if (user.isPresent() && (effective & (1L << CAP_SETUID | 1L << CAP_SETGID)) == 0) {
      return Optional.of("this process lacks CAP_SETUID or CAP_SETGID, needed to change user");
    }
    if (readOnlyRoot && (effective & (1L << CAP_SYS_ADMIN)) == 0) {
      return Optional.of("this process lacks CAP_SYS_ADMIN, needed for a private mount namespace");
    }
    return trial();
  }

  private Optional<String> trial() throws InterruptedException {
    List<String> argv = command(Path.of("/bin/true"), "");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().clear();
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      boolean ended;
      try {
        ended = p.waitFor(TRIAL_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        throw e;
      }
      if (!ended) {
        p.destroyForcibly();
        return Optional.of("a trial run of " + argv + " did not end within " + TRIAL_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        byte[] out = p.getInputStream().readNBytes(4096);
        return Optional.of(
            "a trial run of "
                + argv
                + " exited with status "
                + p.exitValue()
                + ": "
                + UntrustedText.visible(new String(out, StandardCharsets.UTF_8).trim()));
      }
      LOG.debug("least-privilege profile applies: trial run of {} succeeded", argv);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("a trial run of " + argv + " could not start: " + e.getMessage());
    }
  }

  /** Why the fixed wrapper cannot be trusted, or empty when it can. */
  static Optional<String> untrusted(Path wrapper, String packageName) {
    PosixFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(wrapper, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Optional.of(wrapper + " is missing (install " + packageName + "): " + e);
    }
    Set<PosixFilePermission> perms = attributes.permissions();
    if (!attributes.isRegularFile()) {
      return Optional.of(wrapper + " is not a regular file");
    }
    if (!perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
      return Optional.of(wrapper + " is not executable");
    }
    if (!attributes.owner().getName().equals("root")
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      return Optional.of(wrapper + " must be owned by root and writable by no one else");
    }
    return Optional.empty();
  }

  /** The {@code CapEff} mask of this process. */
  private static long effectiveCapabilities() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
      }
    }
    throw new IOException("no CapEff line in /proc/self/status");
  }

  /**
   * The canonical name of a capability: {@code net_admin}, {@code NET_ADMIN} and {@code
   * CAP_NET_ADMIN} all give {@code CAP_NET_ADMIN}.
   *
   * @param name a capability name
   * @return the {@code CAP_*} name
   * @throws IllegalArgumentException when Linux has no such capability
   */
  public static String capabilityName(String name) {
    Objects.requireNonNull(name, "capability");
    String upper = name.trim().toUpperCase(Locale.ROOT);
    String normal = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    if (!CAPABILITY_NAMES.contains(normal)) {
      throw new IllegalArgumentException("not a Linux capability: " + UntrustedText.quote(name));
    }
    return normal;
  }

  private static Path checkWritablePath(Path p) {
    Objects.requireNonNull(p, "writable path");
    if (!p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() == 0) {
      throw new IllegalArgumentException(
          "a writable path must be absolute, normalised and not /: " + p);
    }
    if (p.toString().indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a writable path must not contain NUL");
    }
    return p;
  }

  /** Builds a {@link PrivilegeProfile}. Not thread-safe. */
  public static final class Builder {
    private final List<String> capabilities = new ArrayList<>();
    private boolean readOnlyRoot;
    private final List<Path> writablePaths = new ArrayList<>();
    private Optional<User> user = Optional.empty();

    private Builder() {}

    /**
     * Keeps more capabilities besides the {@link #BASE_CAPABILITIES}.
     *
     * @param names capability names, with or without {@code CAP_}, any case
     * @return this builder
     * @throws IllegalArgumentException when a name is not a Linux capability
     */
    public Builder capability(String... names) {
      for (String name : names) {
        capabilities.add(capabilityName(name));
      }
      return this;
    }

    /**
     * Runs plugins in a private mount namespace with a read-only {@code /} (needs bubblewrap).
     *
     * @param readOnly {@code true} for a read-only root
     * @return this builder
     */
    public Builder readOnlyRoot(boolean readOnly) {
      this.readOnlyRoot = readOnly;
      return this;
    }

    /**
     * Keeps more paths writable under a read-only root, for example a host-local {@code dataDir}.
     *
     * @param paths absolute, normalised paths
     * @return this builder
     */
    public Builder writablePath(Path... paths) {
      for (Path p : paths) {
        writablePaths.add(checkWritablePath(p));
      }
      return this;
    }

    /**
     * Runs plugins as a non-root user with the profile's capabilities as ambient capabilities.
     *
     * @param uid the user id, not 0
     * @param gid the group id, not 0
     * @return this builder
     */
    public Builder user(int uid, int gid) {
      this.user = Optional.of(new User(uid, gid));
      return this;
    }

    /**
     * The profile.
     *
     * @return the profile
     */
    public PrivilegeProfile build() {
      return new PrivilegeProfile(capabilities, readOnlyRoot, writablePaths, user);
    }
  }
}
