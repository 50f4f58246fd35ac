package dev.jcni.runtime;

import dev.jcni.ConfigException;
import dev.jcni.config.ConfigParser;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of a configuration directory such as {@code /etc/cni/net.d}, kept current: what
 * CRI-O's ocicni and containerd's go-cni give a Go runtime around libcni.
 *
 * <p>Reading follows ocicni: every {@code .conf}, {@code .conflist} and {@code .json} file, in one
 * name order (byte order, as Go sorts; unlike {@link dev.jcni.config.ConfigDirectory#load}, which
 * reads conflists first as libcni's {@code LoadConfList} does). A network is usable when every
 * plugin it lists is found by the {@link PluginLocator}; of several networks with one name the
 * first usable one counts; the <em>default network</em> is the first usable network, or the one the
 * runtime named. A file that cannot be used is reported in {@link Snapshot#problems()}, and when it
 * held a network before, that last good version is kept (marked {@link LoadedNetwork#isStale()
 * stale}): a file caught half-written never replaces a good configuration. A broken file that
 * declares a network's name ({@link ConfigException#network()}) takes that name: later files of the
 * name are shadowed, never used in its place.
 *
 * <p>Each reading produces an immutable {@link Snapshot}, published atomically: readers on any
 * thread see either the old or the new one, never a mixture. Listeners hear of each change once.
 *
 * <p>Nothing runs in the background until {@link #startWatching()}: then one daemon thread waits
 * for file system notifications on the configuration directory, the drop-in directories and the
 * plugin directories, reads the directory once changes have settled (debounce), and reads it again
 * every rescan interval in any case, which covers notifications that were lost or could not be set
 * up (inotify limits) and directories deleted and created again. {@link #close()} stops the thread
 * and releases the notifications.
 */
public final class NetworkConfigs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkConfigs.class);

  /** How long the directory must be quiet after a change before it is read, by default. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

  /** The longest a change waits to be read while the directory keeps changing, by default. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);

  /** How often the directory is read when no change was reported, by default. */
  public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(10);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  /** Hears of changes to the networks. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called once for each new snapshot, in order, on the thread that read the directory (the
     * watcher's, or the caller of {@link #reload()}); it should return quickly. An exception it
     * throws is logged and otherwise ignored.
     *
     * @param previous the snapshot that was current
     * @param current the new snapshot
     */
    void networksChanged(Snapshot previous, Snapshot current);
  }

  /** One reading of the directory. Immutable. */
  public static final class Snapshot {
    private final long generation;
    private final Path directory;
    private final List<LoadedNetwork> networks;
    private final List<LoadedNetwork> shadowed;
    private final List<ConfigException> problems;
    private final Optional<LoadedNetwork> defaultNetwork;
    private final NetworkReadiness readiness;
    private final Set<String> brokenLists;
    private final String content;

    Snapshot(long generation, Path directory, DirectoryScan.Outcome outcome) {
      this.generation = generation;
      this.directory = directory;
      this.networks = List.copyOf(outcome.networks());
      this.shadowed = List.copyOf(outcome.shadowed());
      this.problems = List.copyOf(outcome.problems());
      this.defaultNetwork = outcome.defaultNetwork();
      this.readiness = outcome.readiness();
      this.brokenLists = Set.copyOf(outcome.brokenLists());
      this.content = describe();
    }

    /** A text that differs whenever anything a caller can see differs (but the generation). */
    private String describe() {
      StringBuilder sb = new StringBuilder();
      for (LoadedNetwork n : networks) {
        describe(sb.append("network "), n);
      }
      for (LoadedNetwork n : shadowed) {
        describe(sb.append("shadowed "), n);
      }
      for (ConfigException e : problems) {
        sb.append("problem ").append(e.getMessage()).append('\n');
      }
      sb.append("default ").append(defaultNetwork.map(n -> n.file().toString()).orElse(""));
      sb.append('\n').append(readiness.status()).append(' ').append(readiness.message());
      return sb.toString();
    }

    private static void describe(StringBuilder sb, LoadedNetwork n) {
      sb.append(n.file())
          .append(' ')
          .append(new String(Json.compact(n.config().toJson()), StandardCharsets.UTF_8))
          .append(" stale=")
          .append(n.fileError().map(ConfigException::getMessage).orElse(""));
      for (LoadedNetwork.MissingPlugin m : n.missingPlugins()) {
        sb.append(" missing=").append(m.type()).append(':').append(m.problem());
      }
      sb.append('\n');
    }

    /**
     * Whether a problem of this snapshot left a stale network in it: the problem is that network's
     * file error. A broken drop-in names the drop-in, not the list file the network is kept for.
     */
    boolean keepsLastGoodVersion(ConfigException problem) {
      return Stream.concat(networks.stream(), shadowed.stream())
          .anyMatch(n -> n.fileError().orElse(null) == problem);
    }

    boolean sameContent(Snapshot other) {
      return content.equals(other.content);
    }

    /** The number of this snapshot: 1 for the first reading, one more for each change. */
    public long generation() {
      return generation;
    }

    /** The configuration directory. */
    public Path directory() {
      return directory;
    }

    /**
     * The networks, one per name, in file name order; usable or not ({@link
     * LoadedNetwork#isUsable()}).
     */
    public List<LoadedNetwork> networks() {
      return networks;
    }

    /**
     * Networks passed over because an earlier (or usable) network has their name, or an earlier
     * broken file declares it.
     */
    public List<LoadedNetwork> shadowed() {
      return shadowed;
    }

    /**
     * One exception per file that cannot be used now, in file name order (stale networks included),
     * or the one exception of a directory that cannot be listed.
     */
    public List<ConfigException> problems() {
      return problems;
    }

    /** The default network: the first usable one, or the one the runtime named if it is usable. */
    public Optional<LoadedNetwork> defaultNetwork() {
      return defaultNetwork;
    }

    /**
     * The network of a name.
     *
     * @param name the network's name
     * @return the network, usable or not, or empty when no file defines it
     */
    public Optional<LoadedNetwork> network(String name) {
      Objects.requireNonNull(name, "name");
      return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Whether the configuration lets the runtime report its network ready, and if not, why. */
    public NetworkReadiness readiness() {
      return readiness;
    }

    @Override
    public String toString() {
      List<String> names = new ArrayList<>();
      for (LoadedNetwork n : networks) {
        names.add(n.name() + (n.isStale() ? " (stale)" : "") + (n.isUsable() ? "" : " (unusable)"));
      }
      return "Snapshot[generation="
          + generation
          + ", directory="
          + UntrustedText.plainOrQuoted(directory)
          + ", networks="
          + names
          + ", default="
          + defaultNetwork.map(LoadedNetwork::name).orElse("none")
          + ", problems="
          + problems.size()
          + ", "
          + readiness.status()
          + "]";
    }
  }

  private final Path directory;
  private final DirectoryScan scan;
  private final List<Path> pluginDirectories;
  private final long debounceNanos;
  private final long maxDelayNanos;
  private final long rescanNanos;
  private final DirectoryWatch.ServiceFactory watchServiceFactory;
  private final ReentrantLock reloadLock = new ReentrantLock();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object lifecycle = new Object();
  private final AtomicLong readings = new AtomicLong();
  private volatile Snapshot current;
  private volatile boolean closed;
  private Thread watcher;
  private DirectoryWatch watch;

  private NetworkConfigs(Builder b) {
    this.directory = b.directory;
    ConfigParser parser = b.parser;
    PluginLocator locator = b.locator;
    if (locator == null && b.pluginDirectories != null) {
      locator = PluginLocator.inDirectories(b.pluginDirectories);
    }
    this.scan = new DirectoryScan(parser.directory(directory), parser, locator, b.defaultName);
    this.pluginDirectories = b.pluginDirectories == null ? List.of() : b.pluginDirectories;
    this.debounceNanos = b.debounce.toNanos();
    this.maxDelayNanos = Math.max(debounceNanos, b.maxDelay.toNanos());
    this.rescanNanos = b.rescanInterval.toNanos();
    this.watchServiceFactory = b.watchServiceFactory;
    this.current = new Snapshot(1, directory, scan.scan(List.of()));
    LOG.debug("loaded {}", current);
    logNewProblems(List.of(), current);
  }

  /**
   * Starts describing a watched configuration directory.
   *
   * @param configDirectory the directory, such as {@code /etc/cni/net.d}; it need not exist yet
   * @return a builder
   */
  public static Builder builder(Path configDirectory) {
    return new Builder(configDirectory);
  }

  /** The configuration directory. */
  public Path directory() {
    return directory;
  }

  /** The current snapshot; never blocks. */
  public Snapshot snapshot() {
    return current;
  }

  /**
   * Reads the directory now, publishes a new snapshot if anything changed and tells the listeners.
   * The watcher does the same on its own; calling this is never needed for correctness, only for
   * promptness (for example right after the runtime wrote a file itself).
   *
   * @return the current snapshot after the reading
   * @throws IllegalStateException when closed
   */
  public Snapshot reload() {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    return doReload();
  }

  private Snapshot doReload() {
    reloadLock.lock();
    try {
      readings.incrementAndGet();
      Snapshot previous = current;
      List<LoadedNetwork> known = new ArrayList<>(previous.networks());
      known.addAll(previous.shadowed());
      Snapshot next = new Snapshot(previous.generation() + 1, directory, scan.scan(known));
      if (next.sameContent(previous)) {
        return previous;
      }
      current = next;
      LOG.info("CNI configuration changed: {}", next);
      logNewProblems(previous.problems(), next);
      for (Listener l : listeners) {
        try {
          l.networksChanged(previous, next);
        } catch (RuntimeException e) {
          LOG.warn("a configuration listener failed", e);
        }
      }
      return next;
    } finally {
      reloadLock.unlock();
    }
  }

  /** Warns once about each problem, when it appears, not at every rescan while it lasts. */
  private static void logNewProblems(List<ConfigException> before, Snapshot next) {
    Set<String> known = new HashSet<>();
    for (ConfigException e : before) {
      known.add(e.getMessage());
    }
    for (ConfigException e : next.problems()) {
      if (!known.contains(e.getMessage())) {
        LOG.warn(
            "a CNI configuration file cannot be used{}: {}",
            next.keepsLastGoodVersion(e) ? " (its last good version stays in use)" : "",
            e.getMessage());
      }
    }
  }

  /** How many times the directory was read after the first reading; for tests. */
  long readings() {
    return readings.get();
  }

  /**
   * Adds a listener for later changes.
   *
   * @param listener the listener
   */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /**
   * Starts the watcher thread; calling it again does nothing. The directory is read once more as
   * soon as the watch is set up, so that no change since the last reading is missed.
   *
   * @throws IllegalStateException when closed
   */
  public void startWatching() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("closed: " + this);
      }
      if (watcher != null) {
        return;
      }
      DirectoryWatch w = new DirectoryWatch(directory.getFileSystem(), watchServiceFactory);
      Thread t = new Thread(() -> watchLoop(w), "jcni-netconf-watch " + directory);
      t.setDaemon(true);
      watch = w;
      watcher = t;
      t.start();
    }
  }

  /** Whether the watcher thread is running. */
  public boolean isWatching() {
    synchronized (lifecycle) {
      return watcher != null && watcher.isAlive();
    }
  }

  private void watchLoop(DirectoryWatch w) {
    ReloadSchedule schedule =
        new ReloadSchedule(debounceNanos, maxDelayNanos, rescanNanos, System.nanoTime());
    long syncedGeneration = -1;
    // read once the watch is in place: what changed since the last reading is then not missed
    schedule.onChange(System.nanoTime());
    try {
      while (!closed) {
        Snapshot s = current;
        if (s.generation() != syncedGeneration) {
          syncedGeneration = s.generation();
          if (w.watch(watchTargets(s))) {
            schedule.onChange(System.nanoTime());
          }
        }
        long wait = schedule.nanosUntilDue(System.nanoTime());
        if (wait > 0) {
          if (w.await(wait)) {
            schedule.onChange(System.nanoTime());
          }
          continue;
        }
        long started = System.nanoTime();
        try {
          doReload();
        } catch (RuntimeException e) {
          LOG.error("reading {} failed; trying again at the next change or rescan", directory, e);
        }
        schedule.onReloaded(started);
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      LOG.debug("configuration watcher of {} stopped", directory);
    } catch (RuntimeException e) {
      LOG.error("configuration watcher of {} stopped", directory, e);
    }
  }

  /**
   * The configuration directory, the drop-in directories of its lists (those that could not be used
   * too: a list that waits for its drop-ins, or whose drop-in is broken, is fixed there), the
   * plugin directories.
   */
  private Set<Path> watchTargets(Snapshot s) {
    Set<Path> targets = new LinkedHashSet<>();
    targets.add(directory.toAbsolutePath().normalize());
    List<LoadedNetwork> all = new ArrayList<>(s.networks());
    all.addAll(s.shadowed());
    for (LoadedNetwork n : all) {
      if (n.file().getFileName().toString().endsWith(".conflist")
          && !n.config().loadOnlyInlinedPlugins()) {
        targets.add(directory.resolve(n.name()).toAbsolutePath().normalize());
      }
    }
    for (String network : s.brokenLists) {
      targets.add(directory.resolve(network).toAbsolutePath().normalize());
    }
    for (Path dir : pluginDirectories) {
      targets.add(dir.toAbsolutePath().normalize());
    }
    return targets;
  }

  /**
   * Stops the watcher thread (waiting for it to end) and releases the file system notifications.
   * Idempotent. The last snapshot stays readable; {@link #reload()} and {@link #startWatching()}
   * are refused afterwards.
   */
  @Override
  public void close() {
    Thread t;
    DirectoryWatch w;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      t = watcher;
      w = watch;
    }
    if (w != null) {
      w.close();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        LOG.warn(
            "the configuration watcher of {} did not stop within {} s (a listener blocks?)",
            directory,
            CLOSE_WAIT.toSeconds());
      }
    }
  }

  @Override
  public String toString() {
    return "NetworkConfigs[" + UntrustedText.plainOrQuoted(directory) + "]";
  }

  /** Describes a watched configuration directory. Not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private ConfigParser parser = ConfigParser.defaults();
    private List<Path> pluginDirectories;
    private PluginLocator locator;
    private String defaultName;
    private Duration debounce = DEFAULT_DEBOUNCE;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private Duration rescanInterval = DEFAULT_RESCAN_INTERVAL;
    private DirectoryWatch.ServiceFactory watchServiceFactory = DirectoryWatch.DEFAULT_FACTORY;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "configDirectory");
    }

    /**
     * Reads files with this parser's limits instead of the default ones.
     *
     * @param configParser the parser
     * @return this builder
     */
    public Builder parser(ConfigParser configParser) {
      this.parser = Objects.requireNonNull(configParser, "configParser");
      return this;
    }

    /**
     * The plugin directories (CNI_PATH): watched for plugins being installed or removed, and, when
     * no {@link #pluginLocator} is set, searched with {@link PluginLocator#inDirectories}. Without
     * either, plugins are not checked and every readable network is usable.
     *
     * @param directories the directories, in search order
     * @return this builder
     */
    public Builder pluginDirectories(List<Path> directories) {
      this.pluginDirectories = List.copyOf(directories);
      return this;
    }

    /**
     * How plugins are found (for example CNI_PATH's search with its permission checks).
     *
     * @param pluginLocator the locator
     * @return this builder
     */
    public Builder pluginLocator(PluginLocator pluginLocator) {
      this.locator = Objects.requireNonNull(pluginLocator, "pluginLocator");
      return this;
    }

    /**
     * Fixes the default network by name, as a runtime configured with one does; otherwise the first
     * usable network is the default and changes with the files.
     *
     * @param name the network's name
     * @return this builder
     */
    public Builder defaultNetworkName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("the default network's name cannot be empty");
      }
      this.defaultName = name;
      return this;
    }

    /**
     * How long the directory must be quiet after a change before it is read (100 ms by default).
     *
     * @param quiet zero or more
     * @return this builder
     */
    public Builder debounce(Duration quiet) {
      this.debounce = nonNegative(quiet, "debounce");
      return this;
    }

    /**
     * The longest a change waits while the directory keeps changing (1 s by default); never shorter
     * than the debounce.
     *
     * @param delay zero or more
     * @return this builder
     */
    public Builder maxDelay(Duration delay) {
      this.maxDelay = nonNegative(delay, "maxDelay");
      return this;
    }

    /**
     * How often the directory is read when no change was reported (10 s by default).
     *
     * @param interval more than zero
     * @return this builder
     */
    public Builder rescanInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the rescan interval must be positive: " + interval);
      }
      this.rescanInterval = cap(interval);
      return this;
    }

    Builder watchServiceFactory(DirectoryWatch.ServiceFactory factory) {
      this.watchServiceFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    private static Duration nonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " cannot be negative: " + d);
      }
      return cap(d);
    }

    /** At most a year, so that adding it to a nanosecond clock cannot overflow. */
    private static Duration cap(Duration d) {
      Duration year = Duration.ofDays(365);
      return d.compareTo(year) > 0 ? year : d;
    }

    /**
     * Reads the directory once and returns the networks; no thread is started.
     *
     * @return the networks, with their first snapshot
     */
    public NetworkConfigs open() {
      return new NetworkConfigs(this);
    }
  }
}
