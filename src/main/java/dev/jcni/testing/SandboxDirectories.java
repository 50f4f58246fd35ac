package dev.jcni.testing;

import dev.jcni.NetnsException;
import dev.jcni.internal.linux.NativeCallException;
import dev.jcni.internal.linux.LibC;
import dev.jcni.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox directories under the root: one per sandbox, named {@code PID-START-N} after the JVM
 * that owns it (its process id and its start time in clock ticks since boot, which together name
 * one process even after its id is reused) and a counter. A directory whose JVM is gone is the
 * leftover of a crashed run: the first sandbox a JVM makes under a root removes those first.
 *
 * <p>Layout of one directory: {@code netns/} (the namespace files, a bind mount of itself as {@code
 * ip netns} makes), {@code cache/} (the client's cache), {@code ipam/} (host-local's leases).
 */
final class SandboxDirectories {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxDirectories.class);

  /** The subdirectory that holds the namespace files. */
  static final String NAMESPACES = "netns";

  private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
  private static final int CREATE_ATTEMPTS = 5;

  private SandboxDirectories() {}

  /** This JVM's part of every directory name: {@code PID-START}. */
  static String owner() {
    long pid = ProcessHandle.current().pid();
    return pid + "-" + startTicks(pid).orElse(0);
  }

  /**
   * Makes a new sandbox directory under {@code root}, creating the root if needed; the first call
   * for a root in this JVM first removes the leftovers of crashed runs there.
   */
  static Path create(Path root) throws IOException {
    if (SWEPT.add(root)) {
      sweep(root);
    }
    String owner = owner();
    for (int attempt = 1; ; attempt++) {
      Files.createDirectories(
          root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      try {
        return Files.createDirectory(root.resolve(owner + "-" + SEQUENCE.incrementAndGet()));
      } catch (NoSuchFileException rootRemoved) {
        // another sandbox's teardown removed the root as empty between the two calls: again
        if (attempt == CREATE_ATTEMPTS) {
          throw rootRemoved;
        }
      }
    }
  }

  /**
   * Removes every sandbox directory under {@code root} whose JVM no longer runs, with its
   * namespaces and mounts.
   *
   * @return the names of the directories removed
   */
  static List<String> sweep(Path root) {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return removed;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(root)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      LOG.warn("cannot list {} to remove the leftovers of crashed runs: {}", root, e.toString());
      return removed;
    }
    for (Path dir : entries) {
      String name = dir.getFileName().toString();
      Matcher m = NAME.matcher(name);
      if (!m.matches() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        LOG.debug("{} is not a sandbox directory; left alone", dir);
        continue;
      }
      if (isRunning(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))) {
        continue;
      }
      Leftovers problems = new Leftovers();
      remove(dir, problems);
      if (problems.isEmpty()) {
        LOG.info("removed {}, left by a test run that ended without its teardown", dir);
        removed.add(name);
      } else {
        LOG.warn("could not remove {}, left by a crashed test run: {}", dir, problems.problems());
      }
    }
    return removed;
  }

  /**
   * Removes a sandbox directory: deletes every namespace file under {@code netns/} (unmounting it),
   * unmounts {@code netns/} itself, checks that nothing under the directory is still mounted, then
   * deletes the directory. Whatever fails or is left is added to {@code found}; a missing directory
   * is not a problem.
   */
  static void remove(Path dir, Leftovers found) {
    Path namespaces = dir.resolve(NAMESPACES);
    if (Files.isDirectory(namespaces, LinkOption.NOFOLLOW_LINKS)) {
      deleteNamespaces(namespaces, found);
      try {
        LibC.detach(namespaces);
      } catch (NativeCallException e) {
        if (e.errno() != LibC.EINVAL) { // EINVAL: not a mount point
          found.add("cannot unmount " + namespaces + ": " + e.getMessage(), e);
        }
      }
    }
    List<Path> mounts;
    try {
      mounts = Mounts.under(dir);
    } catch (IOException e) {
      found.add("cannot read the mount table to check " + dir + ": " + e, e);
      return;
    }
    if (!mounts.isEmpty()) {
      found.add("still mounted, so " + dir + " is kept: " + mounts);
      return;
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      found.add("cannot delete " + dir + ": " + e, e);
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      found.add(dir + " still exists");
    }
  }

  /** Removes {@code root} if it is empty; another JVM may be using it, so failure is normal. */
  static void removeRootIfEmpty(Path root) {
    try {
      Files.delete(root);
    } catch (DirectoryNotEmptyException | NoSuchFileException expected) {
      // in use, or removed by another sandbox
    } catch (IOException e) {
      LOG.debug("cannot remove the empty sandbox root {}: {}", root, e.toString());
    }
  }

  private static void deleteNamespaces(Path namespaces, Leftovers found) {
    List<Path> files;
    try (Stream<Path> list = Files.list(namespaces)) {
      files = list.sorted().toList();
    } catch (IOException e) {
      found.add("cannot list the namespaces in " + namespaces + ": " + e, e);
      return;
    }
    for (Path file : files) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        continue; // a namespace file is a regular file; the mount shows through it
      }
      try {
        NetworkNamespace.delete(namespaces, file.getFileName().toString());
      } catch (NetnsException e) {
        if (!e.isNotFound()) {
          found.add(e.getMessage(), e);
        }
      }
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        found.add("network namespace file " + file + " still exists");
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // walkFileTree does not follow symbolic links: a link is deleted, never what it points to
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Whether the process {@code pid} runs and started at {@code ticks}. */
  static boolean isRunning(long pid, long ticks) {
    OptionalLong started = startTicks(pid);
    return started.isPresent() && started.getAsLong() == ticks;
  }

  /** When process {@code pid} started, in clock ticks since boot (field 22 of its stat file). */
  static OptionalLong startTicks(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    // "PID (COMMAND) STATE ...": the command may hold spaces and parentheses, so count after the
    // last ')'; the field after it is field 3
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    try {
      return OptionalLong.of(Long.parseLong(fields[22 - 3]));
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return OptionalLong.empty();
    }
  }
}
