package dev.jcni.runtime;

import dev.jcni.internal.text.UntrustedText;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File system notifications for a set of directories, kept working when a directory is missing or
 * is deleted and created again: a missing directory is watched through its parent until it appears.
 *
 * <p>Notifications are a hint, never the only source of truth: when the watch service cannot be
 * created or a directory cannot be registered (inotify's limits), this watch just waits, and the
 * caller's periodic rescan finds the changes. Used by one thread; {@link #close()} may be called
 * from any thread and wakes it.
 */
final class DirectoryWatch implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

  /** Creates the watch service; replaceable in tests to simulate exhausted inotify instances. */
  @FunctionalInterface
  interface ServiceFactory {
    WatchService create(FileSystem fs) throws IOException;
  }

  static final ServiceFactory DEFAULT_FACTORY = FileSystem::newWatchService;

  /** What one registered directory stands for: itself, or missing children of it. */
  private static final class Registration {
    final Path dir;
    final WatchKey key;
    boolean self;
    final Set<Path> missingChildren = new HashSet<>();

    Registration(Path dir, WatchKey key) {
      this.dir = dir;
      this.key = key;
    }
  }

  private final WatchService service;
  private final Object sleep = new Object();
  private final Map<Path, Registration> registrations = new HashMap<>();
  private final Set<Path> failedToRegister = new HashSet<>();
  private Set<Path> targets = Set.of();
  private volatile boolean closed;

  /**
   * @param fs the file system of the directories
   * @param factory creates the watch service; when it fails, the watch only waits
   */
  DirectoryWatch(FileSystem fs, ServiceFactory factory) {
    WatchService created = null;
    try {
      created = factory.create(fs);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn(
          "cannot watch for configuration changes ({}); relying on periodic rescans", e.toString());
    }
    this.service = created;
  }

  /**
   * Sets the directories to watch and registers them.
   *
   * @return whether a directory appeared while registering, which the caller should treat as a
   *     change
   */
  boolean watch(Set<Path> dirs) {
    targets = new LinkedHashSet<>(dirs);
    return resync();
  }

  /**
   * Waits until a watched directory reports a change, or the timeout passes.
   *
   * @return whether a change was reported
   * @throws InterruptedException when the thread is interrupted
   * @throws ClosedWatchServiceException when the watch was closed
   */
  boolean await(long timeoutNanos) throws InterruptedException {
    if (closed) {
      throw new ClosedWatchServiceException();
    }
    if (service == null) {
      synchronized (sleep) {
        if (!closed && timeoutNanos > 0) {
          TimeUnit.NANOSECONDS.timedWait(sleep, timeoutNanos);
        }
      }
      if (closed) {
        throw new ClosedWatchServiceException();
      }
      return false;
    }
    WatchKey key = service.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    boolean changed = false;
    boolean structure = false;
    while (key != null) {
      Registration r = registrationOf(key);
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          changed = true;
          structure = true;
        } else if (r != null) {
          if (r.self) {
            changed = true;
          }
          Object name = event.context();
          if (name instanceof Path && r.missingChildren.contains(r.dir.resolve((Path) name))) {
            changed = true;
            structure = true;
          }
        }
      }
      if (!key.reset()) {
        // the directory is gone (deleted or renamed): its content changed, watch its parent now
        changed = true;
        structure = true;
      }
      key = service.poll();
    }
    if (structure) {
      changed |= resync();
    }
    return changed;
  }

  private Registration registrationOf(WatchKey key) {
    for (Registration r : registrations.values()) {
      if (r.key == key) {
        return r;
      }
    }
    return null;
  }

  /**
   * Registers each target, or its parent when it is missing, and drops registrations no longer
   * needed.
   *
   * @return whether a target that was watched through its parent now exists
   */
  private boolean resync() {
    if (service == null || closed) {
      return false;
    }
    boolean appeared = false;
    Map<Path, Boolean> wantSelf = new LinkedHashMap<>();
    Map<Path, Set<Path>> wantChildren = new LinkedHashMap<>();
    for (Path target : targets) {
      if (Files.isDirectory(target)) {
        wantSelf.put(target, true);
      } else {
        Path parent = target.getParent();
        if (parent != null && Files.isDirectory(parent)) {
          wantChildren.computeIfAbsent(parent, p -> new HashSet<>()).add(target);
        }
      }
    }
    Set<Path> wanted = new HashSet<>(wantSelf.keySet());
    wanted.addAll(wantChildren.keySet());
    registrations
        .entrySet()
        .removeIf(
            e -> {
              boolean drop = !wanted.contains(e.getKey()) || !e.getValue().key.isValid();
              if (drop) {
                e.getValue().key.cancel();
              }
              return drop;
            });
    for (Path dir : wanted) {
      Registration r = registrations.get(dir);
      if (r == null) {
        r = register(dir);
        if (r == null) {
          continue;
        }
        registrations.put(dir, r);
      }
      r.self = wantSelf.containsKey(dir);
      r.missingChildren.clear();
      r.missingChildren.addAll(wantChildren.getOrDefault(dir, Set.of()));
    }
    // a child may have appeared between the check above and its parent's registration
    for (Set<Path> children : wantChildren.values()) {
      for (Path child : children) {
        if (Files.isDirectory(child)) {
          appeared = true;
        }
      }
    }
    if (appeared) {
      resync();
    }
    return appeared;
  }

  private Registration register(Path dir) {
    try {
      WatchKey key =
          dir.register(
              service,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY);
      failedToRegister.remove(dir);
      return new Registration(dir, key);
    } catch (ClosedWatchServiceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (failedToRegister.add(dir)) {
        LOG.warn(
            "cannot watch {} ({}); its changes are found by periodic rescans",
            UntrustedText.plainOrQuoted(dir),
            UntrustedText.visible(e.toString()));
      }
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (sleep) {
      sleep.notifyAll();
    }
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.debug("closing the watch service failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "DirectoryWatch" + Objects.toString(targets);
  }
}
