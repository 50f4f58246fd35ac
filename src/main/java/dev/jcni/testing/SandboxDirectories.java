package dev.jcni.testing;

import dev.jcni.NetnsException;
import dev.jcni.internal.linux.LibC;
import dev.jcni.internal.linux.NativeCallException;
import dev.jcni.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * that owns it (its process id and its start time in clock ticks since boot) and a counter, and
 * holding a {@link SandboxMarker} that jcni writes first, which names that JVM together with its
 * PID and time namespaces and the boot it ran in.
 *
 * <p>The root is the user's choice and may hold anything else: the first sandbox a JVM makes under
 * a root removes the leftovers of crashed runs there, and a leftover is only a directory (not a
 * symbolic link) named like a sandbox, owned by this user and writable by no one else, whose marker
 * is valid, names the same JVM as the directory's name and says that JVM is gone (see {@link
 * SandboxMarker#ownerIsGone}). Whatever has no such marker is never touched, whatever its name. A
 * root is removed when its last sandbox goes only if this JVM created it.
 *
 * <p>Layout of one directory: {@value SandboxMarker#FILE_NAME} (the marker, deleted last), {@code
 * netns/} (the namespace files, a bind mount of itself as {@code ip netns} makes), {@code cache/}
 * (the client's cache), {@code ipam/} (host-local's leases).
 */
final class SandboxDirectories {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxDirectories.class);

  /** The subdirectory that holds the namespace files. */
  static final String NAMESPACES = "netns";

  private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

  /** The roots this JVM created (and has not removed since): only those are removed when empty. */
  private static final Set<Path> CREATED_ROOTS = ConcurrentHashMap.newKeySet();

  private static final int CREATE_ATTEMPTS = 5;
  private static final FileAttribute<Set<PosixFilePermission>> RWXR_XR_X =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  private SandboxDirectories() {}

  /**
   * Makes a new sandbox directory under {@code root}, with this JVM's marker, creating the root if
   * needed; the first call for a root in this JVM first removes the leftovers of crashed runs
   * there.
   */
  static Path create(Path root) throws IOException {
    if (SWEPT.add(root)) {
      sweep(root);
    }
    SandboxMarker self = SandboxMarker.ofThisJvm();
    String owner = self.pid() + "-" + self.startTicks();
    for (int attempt = 1; ; attempt++) {
      createRoot(root);
      Path dir = root.resolve(owner + "-" + SEQUENCE.incrementAndGet());
      try {
        Files.createDirectory(dir, RWXR_XR_X);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // NoSuchFile: another sandbox's teardown removed the root as empty meanwhile. Exists: a JVM
        // in another PID namespace with the same id and start time. Either way: again.
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
        continue;
      }
      try {
        self.writeTo(dir);
      } catch (IOException e) {
        try {
          Files.deleteIfExists(dir.resolve(SandboxMarker.FILE_NAME));
          Files.delete(dir);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      return dir;
    }
  }

  /** Creates {@code root} (and its parents) unless it is a directory, remembering that it did. */
  private static void createRoot(Path root) throws IOException {
    if (Files.isDirectory(root)) {
      return;
    }
    Path parent = root.getParent();
    if (parent != null) {
      Files.createDirectories(parent, RWXR_XR_X);
    }
    try {
      Files.createDirectory(root, RWXR_XR_X);
      CREATED_ROOTS.add(root);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(root)) {
        throw e;
      }
      // made by another JVM or thread meanwhile: in use, not ours to remove
    }
  }

  /**
   * Removes every leftover of a crashed run under {@code root} (a directory made by a JVM that no
   * longer runs, as its marker tells), with its namespaces and mounts. Everything else is left
   * alone.
   *
   * @return the names of the directories removed
   */
  static List<String> sweep(Path root) {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return removed;
    }
    SandboxMarker self;
    int uid;
    try {
      self = SandboxMarker.ofThisJvm();
      uid = fileSystemUid();
    } catch (IOException e) {
      LOG.warn("cannot tell the leftovers of crashed runs in {} from live sandboxes: {}", root, e);
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
      Optional<SandboxMarker> marker = markerOf(dir, uid);
      if (marker.isEmpty()) {
        LOG.debug(
            "{} is not a sandbox directory of this user with a valid marker; left alone", dir);
        continue;
      }
      if (!marker.get().ownerIsGone(self)) {
        continue;
      }
      Leftovers problems = new Leftovers();
      remove(dir, problems);
      if (problems.isEmpty()) {
        LOG.info("removed {}, left by a test run that ended without its teardown", dir);
        removed.add(dir.getFileName().toString());
      } else {
        LOG.warn("could not remove {}, left by a crashed test run: {}", dir, problems.problems());
      }
    }
    return removed;
  }

  /**
   * The marker of {@code dir} if it is a sandbox directory: a directory, not a symbolic link, named
   * like one, owned by {@code uid} and writable by no one else, holding a valid marker that names
   * the JVM its name names.
   */
  private static Optional<SandboxMarker> markerOf(Path dir, int uid) {
    Matcher name = NAME.matcher(dir.getFileName().toString());
    if (!name.matches()) {
      return Optional.empty();
    }
    try {
      Map<String, Object> attributes =
          Files.readAttributes(dir, "unix:isDirectory,uid,mode", LinkOption.NOFOLLOW_LINKS);
      if (!Boolean.TRUE.equals(attributes.get("isDirectory"))
          || !SandboxMarker.isGuardedBy(attributes, uid)) {
        return Optional.empty();
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    return SandboxMarker.read(dir, uid)
        .filter(m -> name.group(1).equals(Long.toString(m.pid())))
        .filter(m -> name.group(2).equals(Long.toString(m.startTicks())));
  }

  /** The user id this JVM creates files as (the fourth, file system, id of its {@code Uid:}). */
  static int fileSystemUid() throws IOException {
    Path status = Path.of("/proc/self/status");
    for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("Uid:")) {
        String[] ids = line.substring("Uid:".length()).trim().split("\\s+");
        try {
          return Integer.parseInt(ids[3]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          throw new IOException("unexpected Uid line in " + status + ": " + line, e);
        }
      }
    }
    throw new IOException("no Uid line in " + status);
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

  /**
   * Removes {@code root} if this JVM created it and it is empty. A root that existed before is the
   * user's and is kept; another JVM may be using the root, so failure is normal.
   */
  static void removeRootIfEmpty(Path root) {
    if (!CREATED_ROOTS.contains(root)) {
      return;
    }
    try {
      Files.delete(root);
      CREATED_ROOTS.remove(root);
    } catch (NoSuchFileException removed) {
      CREATED_ROOTS.remove(root); // removed by someone else: whoever makes it again owns it
    } catch (DirectoryNotEmptyException expected) {
      // in use
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

  /**
   * Deletes {@code dir} and everything under it, without following symbolic links; the marker goes
   * last, so a directory that could not be emptied is still recognised as a sandbox next time.
   */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path marker = dir.resolve(SandboxMarker.FILE_NAME);
    // walkFileTree does not follow symbolic links: a link is deleted, never what it points to
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!file.equals(marker)) {
              Files.deleteIfExists(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            if (d.equals(dir)) {
              Files.deleteIfExists(marker);
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
