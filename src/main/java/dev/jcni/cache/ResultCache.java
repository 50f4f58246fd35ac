package dev.jcni.cache;

import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.linux.LibC;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attachment cache on disk, in libcni's place and format so that Go and Java runtimes can read
 * and delete each other's entries: one file per attachment, {@code <cacheDir>/results/<network>-
 * <containerId>-<ifName>} (see {@link CachedAttachment} for the content).
 *
 * <p>What jcni adds to libcni's behaviour:
 *
 * <ul>
 *   <li><b>Atomic writes.</b> An entry is written to a temporary file in {@code results-tmp/}
 *       beside {@code results/} (named {@code .jcnitmp.<random>}, same file system) and renamed
 *       over the entry's name; with {@link Durability#SYNCED} the file and {@code results/} are
 *       also forced to disk (see {@link Durability} for why that is not the default). A reader never
 *       sees a half-written or empty entry, and libcni's listing, which reads every file in {@code
 *       results/}, never sees a temporary file, even one left by a crash. Temporary files older
 *       than five minutes (a writer that crashed) are removed by {@link #open}. When {@code
 *       results/} is a file system of its own (a rename from {@code results-tmp/} fails with
 *       {@code EXDEV}), the temporary files are made in {@code results/} itself: libcni reads
 *       them there, finds no cniCacheV1 entry and skips them, as it skips any such file.
 *   <li><b>Identity checked on every read.</b> libcni's file names collide (network {@code a-b}
 *       with container {@code c}, network {@code a} with container {@code b-c}); an entry whose
 *       stored network, container id and interface are not the ones asked for is absent for that
 *       key, is never returned, removed or overwritten for it, and is logged.
 *   <li><b>Corrupt entries kept.</b> An empty or unreadable file under an entry's name is moved
 *       into {@code <cacheDir>/results-corrupt/<name>.<UTC timestamp>} (or renamed to {@code
 *       results/.jcnicorrupt.<name>.<UTC timestamp>} when {@code results/} is a file system of its
 *       own), logged at WARN and treated as absent. {@link #list} only skips them (it never moves
 *       anything: libcni writes its files in place, and one may be mid-write).
 *   <li><b>Paths checked.</b> {@code results/} and every entry must be a real directory and real
 *       regular files: a symbolic link, a directory or a special file where an entry belongs gives
 *       a {@link CacheException} ({@link Reason#UNSAFE_PATH}); links are never followed, so nothing
 *       outside the cache directory is read or written. The cache directory itself may be a link.
 *   <li>Directories are created when first needed with mode 0700, entries with mode 0600.
 * </ul>
 *
 * <p>Thread-safe. Operations on one entry name are serialised within this instance; across
 * instances and processes, the caller holds {@link AttachmentLocks} for the container, as the spec
 * requires of runtimes anyway.
 */
public final class ResultCache {
  private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);

  /** The directory under the cache directory holding the entries, as in libcni. */
  public static final String RESULTS_DIR = "results";

  /** The directory under the cache directory where corrupt entries are moved. */
  public static final String QUARANTINE_DIR = "results-corrupt";

  static final String TEMP_PREFIX = ".jcnitmp.";
  /** Where entries are written before their rename: beside results/, so Go never lists them. */
  static final String TEMP_DIR = "results-tmp";
  /**
   * The name prefix of a corrupt file moved aside inside {@code results/}, when {@code results/}
   * is a file system of its own and {@code results-corrupt/} is not on it. No entry's name starts
   * with a dot (a network name starts with a letter or digit).
   */
  static final String CORRUPT_PREFIX = ".jcnicorrupt.";
  static final long STALE_TEMP_MINUTES = 5;

  /** Entries larger than this are not read; a real one is a few kilobytes. */
  static final long MAX_ENTRY_BYTES = Json.MAX_DOCUMENT_LENGTH;

  /** How many times a put looks again when another writer took the free name it was writing to. */
  private static final int MAX_PUT_ATTEMPTS = 3;

  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final int STRIPES = 64;

  private final Path cacheDir;
  private final Path resultsDir;
  private final Path quarantineDir;
  private final Path tempDir;
  private final Clock clock;
  private final Durability durability;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  /**
   * Set once a rename from {@code results-tmp/} into {@code results/} failed with {@code EXDEV}:
   * {@code results/} is then a mount point of its own (a tmpfs or a bind mount), and temporary
   * files are made inside it instead, where a rename is always possible.
   */
  private volatile boolean stageInResults;

  /** Whether a hard link that could not be made was logged (once per cache). */
  private volatile boolean linkRefusalLogged;

  private ResultCache(Path cacheDir, Clock clock, Durability durability) {
    this.cacheDir = cacheDir;
    this.durability = durability;
    this.resultsDir = cacheDir.resolve(RESULTS_DIR);
    this.quarantineDir = cacheDir.resolve(QUARANTINE_DIR);
    this.tempDir = cacheDir.resolve(TEMP_DIR);
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /**
   * Opens the cache in {@code cacheDir} (libcni's default is {@code /var/lib/cni}). Nothing is
   * created until the first {@link #put}; temporary files left by a crashed writer are removed.
   *
   * @param cacheDir the cache directory; need not exist yet
   * @return the cache
   * @throws CacheException if {@code results/} exists but is a symbolic link or not a directory
   */
  public static ResultCache open(Path cacheDir) throws CacheException {
    return open(cacheDir, Durability.ATOMIC);
  }

  /**
   * Opens the cache in {@code cacheDir} with the given durability.
   *
   * @param cacheDir the cache directory; need not exist yet
   * @param durability whether writes are also forced to disk
   * @return the cache
   * @throws CacheException if {@code results/} exists but is a symbolic link or not a directory
   */
  public static ResultCache open(Path cacheDir, Durability durability) throws CacheException {
    return open(cacheDir, Clock.systemUTC(), durability);
  }

  static ResultCache open(Path cacheDir, Clock clock) throws CacheException {
    return open(cacheDir, clock, Durability.ATOMIC);
  }

  static ResultCache open(Path cacheDir, Clock clock, Durability durability)
      throws CacheException {
    ResultCache cache =
        new ResultCache(
            cacheDir.toAbsolutePath().normalize(), clock, Objects.requireNonNull(durability));
    // refuses a results/ that is a link or a file, before any use
    if (cache.resultsDirExists()) {
      cache.removeStaleTemporaryFiles(cache.resultsDir);
    }
    if (checkDirectory(cache.tempDir)) {
      cache.removeStaleTemporaryFiles(cache.tempDir);
    }
    return cache;
  }

  /** The cache directory (absolute). */
  public Path directory() {
    return cacheDir;
  }

  /**
   * The file that holds (or would hold) the entry for {@code key}.
   *
   * @param key the attachment
   * @return {@code <cacheDir>/results/<network>-<containerId>-<ifName>}
   */
  public Path entryPath(AttachmentKey key) {
    Path entry = resultsDir.resolve(key.fileName());
    // AttachmentKey's rules make the name one plain component; check anyway, it is cheap
    if (!resultsDir.equals(entry.getParent()) || !entry.normalize().equals(entry)) {
      throw new IllegalStateException("entry name escapes " + resultsDir + ": " + key.fileName());
    }
    return entry;
  }

  /**
   * Writes the entry for {@code attachment.key()}, replacing an earlier one for the same key.
   *
   * <p>A corrupt file under that name, or a file of another kind, is first moved into {@code
   * results-corrupt/}.
   *
   * @param attachment the entry
   * @throws CacheException {@link Reason#COLLISION} if the file holds another attachment's entry
   *     (which is kept); {@link Reason#UNENCODABLE} if a number could not be read back by Go;
   *     {@link Reason#UNSAFE_PATH} or {@link Reason#IO_ERROR} as described on this class
   */
  public void put(CachedAttachment attachment) throws CacheException {
    AttachmentKey key = attachment.key();
    Path entry = entryPath(key);
    byte[] bytes;
    try {
      bytes = CacheEntryFormat.encode(attachment);
    } catch (GoJson.UnencodableNumberException e) {
      throw new CacheException(
          entry,
          Reason.UNENCODABLE,
          "cannot store the entry of "
              + describe(key)
              + ": the number "
              + e.getMessage()
              + " is beyond the range of a float64, so Go's libcni could not read the file");
    }
    ensureDirectory(resultsDir);
    ReentrantLock stripe = stripe(entry);
    stripe.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        // A new attachment's entry is usually absent: probe that first, without the exceptions
        // that read() takes to find it out (25 of the 100 µs an ADD spent after its last call).
        CacheEntryFormat.Decoded existing = LibC.certainlyAbsent(entry) ? null : read(entry);
        boolean replace = false;
        if (existing instanceof CacheEntryFormat.Entry) {
          AttachmentKey other = ((CacheEntryFormat.Entry) existing).attachment().key();
          if (!other.equals(key)) {
            throw collision(entry, other, key);
          }
          replace = true;
        } else if (existing instanceof CacheEntryFormat.Corrupt) {
          quarantine(entry, ((CacheEntryFormat.Corrupt) existing).problem());
        } else if (existing instanceof CacheEntryFormat.OtherKind) {
          quarantine(
              entry,
              "is not a cniCacheV1 entry (kind "
                  + ((CacheEntryFormat.OtherKind) existing).kind()
                  + ") and is in the way of "
                  + describe(key));
        }
        // Where no entry was, another process may store one (of a colliding attachment, which
        // its own container lock does not hold back) between the look above and the write: the
        // write then takes the name only if it is still free, and looks again when it is not.
        if (writeAtomically(entry, bytes, replace)) {
          break;
        }
        if (attempt >= MAX_PUT_ATTEMPTS) {
          throw new CacheException(
              entry,
              Reason.IO_ERROR,
              "cannot store the entry of "
                  + describe(key)
                  + ": the file name was taken by another writer "
                  + attempt
                  + " times in a row");
        }
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "cached {} in {} ({} bytes)",
            describe(key),
            UntrustedText.plainOrQuoted(entry),
            bytes.length);
      }
    } finally {
      stripe.unlock();
    }
  }

  /**
   * Reads the entry for {@code key}.
   *
   * @param key the attachment
   * @return the entry, or empty if there is none for this key: no file, a file holding another
   *     attachment (logged), a file of another kind (logged, left in place) or a corrupt file
   *     (moved into {@code results-corrupt/}, logged at WARN)
   * @throws CacheException {@link Reason#UNSAFE_PATH} or {@link Reason#IO_ERROR}
   */
  public Optional<CachedAttachment> get(AttachmentKey key) throws CacheException {
    Path entry = entryPath(key);
    if (!resultsDirExists()) {
      return Optional.empty();
    }
    ReentrantLock stripe = stripe(entry);
    stripe.lock();
    try {
      CacheEntryFormat.Decoded existing = read(entry);
      if (existing == null) {
        return Optional.empty();
      }
      if (existing instanceof CacheEntryFormat.Entry) {
        CachedAttachment found = ((CacheEntryFormat.Entry) existing).attachment();
        if (found.key().equals(key)) {
          return Optional.of(found);
        }
        LOG.info(
            "cache file {} holds the entry of {}, not of {}: treating {} as not cached",
            UntrustedText.plainOrQuoted(entry),
            describe(found.key()),
            describe(key),
            describe(key));
      } else if (existing instanceof CacheEntryFormat.Corrupt) {
        quarantine(entry, ((CacheEntryFormat.Corrupt) existing).problem());
      } else {
        LOG.warn(
            "cache file {} is not a cniCacheV1 entry (kind {}): treating {} as not cached",
            UntrustedText.plainOrQuoted(entry),
            UntrustedText.visible(((CacheEntryFormat.OtherKind) existing).kind()),
            describe(key));
      }
      return Optional.empty();
    } finally {
      stripe.unlock();
    }
  }

  /**
   * Removes the entry for {@code key}, and only it.
   *
   * @param key the attachment
   * @return {@code true} if an entry for this key was removed; {@code false} if there was none,
   *     including a file that holds another attachment or another kind (left in place) and a
   *     corrupt file (moved into {@code results-corrupt/})
   * @throws CacheException {@link Reason#UNSAFE_PATH} or {@link Reason#IO_ERROR}
   */
  public boolean remove(AttachmentKey key) throws CacheException {
    Path entry = entryPath(key);
    if (!resultsDirExists()) {
      return false;
    }
    ReentrantLock stripe = stripe(entry);
    stripe.lock();
    try {
      CacheEntryFormat.Decoded existing = read(entry);
      if (existing == null) {
        return false;
      }
      if (existing instanceof CacheEntryFormat.Entry) {
        AttachmentKey found = ((CacheEntryFormat.Entry) existing).attachment().key();
        if (!found.equals(key)) {
          LOG.info(
              "cache file {} holds the entry of {}, not of {}: left in place",
              UntrustedText.plainOrQuoted(entry),
              describe(found),
              describe(key));
          return false;
        }
        try {
          Files.delete(entry);
        } catch (NoSuchFileException e) {
          return false;
        } catch (IOException e) {
          throw new CacheException(entry, Reason.IO_ERROR, "cannot remove: " + e, e);
        }
        syncIfDurable(resultsDir);
        if (LOG.isDebugEnabled()) {
          LOG.debug("removed the cached entry of {}", describe(key));
        }
        return true;
      }
      if (existing instanceof CacheEntryFormat.Corrupt) {
        quarantine(entry, ((CacheEntryFormat.Corrupt) existing).problem());
      } else {
        LOG.warn(
            "cache file {} is not a cniCacheV1 entry (kind {}): left in place",
            UntrustedText.plainOrQuoted(entry),
            UntrustedText.visible(((CacheEntryFormat.OtherKind) existing).kind()));
      }
      return false;
    } finally {
      stripe.unlock();
    }
  }

  /**
   * Every entry, in the order of their file names (as libcni lists them).
   *
   * <p>Files that are not entries are skipped and logged, never fatal: temporary files, corrupt
   * files, files of another kind, entries stored under a name that is not their own, links,
   * directories.
   *
   * @return the entries
   * @throws CacheException if {@code results/} is unsafe or cannot be listed
   */
  public List<CachedAttachment> list() throws CacheException {
    return list(name -> true, key -> true);
  }

  /**
   * The entries of one container (all its networks and interfaces), as libcni's {@code
   * GetCachedAttachments(containerID)}.
   *
   * @param containerId the container id
   * @return the entries, in the order of their file names
   * @throws CacheException if {@code results/} is unsafe or cannot be listed
   */
  public List<CachedAttachment> listForContainer(String containerId) throws CacheException {
    Objects.requireNonNull(containerId, "containerId");
    String part = "-" + containerId + "-";
    return list(name -> name.contains(part), key -> key.containerId().equals(containerId));
  }

  /**
   * The entries of one network (what GC examines).
   *
   * @param networkName the network name
   * @return the entries, in the order of their file names
   * @throws CacheException if {@code results/} is unsafe or cannot be listed
   */
  public List<CachedAttachment> listForNetwork(String networkName) throws CacheException {
    Objects.requireNonNull(networkName, "networkName");
    String prefix = networkName + "-";
    return list(name -> name.startsWith(prefix), key -> key.networkName().equals(networkName));
  }

  /**
   * The entries whose key {@code filter} accepts.
   *
   * @param filter for example {@code key -> key.networkName().equals("net1")}
   * @return the entries, in the order of their file names
   * @throws CacheException if {@code results/} is unsafe or cannot be listed
   */
  public List<CachedAttachment> list(Predicate<AttachmentKey> filter) throws CacheException {
    Objects.requireNonNull(filter, "filter");
    return list(name -> true, filter);
  }

  private List<CachedAttachment> list(Predicate<String> nameFilter, Predicate<AttachmentKey> filter)
      throws CacheException {
    if (!resultsDirExists()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(resultsDir)) {
      for (Path p : dir) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new CacheException(resultsDir, Reason.IO_ERROR, "cannot list: " + e, e);
    }
    names.sort(GoJson::compareUtf8);
    List<CachedAttachment> found = new ArrayList<>();
    for (String name : names) {
      if (name.startsWith(TEMP_PREFIX)
          || name.startsWith(CORRUPT_PREFIX)
          || !nameFilter.test(name)) {
        continue;
      }
      Path file = resultsDir.resolve(name);
      CacheEntryFormat.Decoded decoded;
      try {
        decoded = read(file);
      } catch (CacheException e) {
        LOG.warn(
            "skipping a file while listing the cache: {}", UntrustedText.visible(e.getMessage()));
        continue;
      }
      if (decoded == null) {
        continue; // removed meanwhile
      }
      if (decoded instanceof CacheEntryFormat.Entry) {
        CachedAttachment a = ((CacheEntryFormat.Entry) decoded).attachment();
        if (!a.key().fileName().equals(name)) {
          LOG.info(
              "skipping {} while listing the cache: it holds the entry of {}, whose file is {}",
              UntrustedText.plainOrQuoted(file),
              describe(a.key()),
              UntrustedText.plainOrQuoted(a.key().fileName()));
        } else if (filter.test(a.key())) {
          found.add(a);
        }
      } else if (decoded instanceof CacheEntryFormat.Corrupt) {
        LOG.warn(
            "skipping {} while listing the cache: {}",
            UntrustedText.plainOrQuoted(file),
            UntrustedText.visible(((CacheEntryFormat.Corrupt) decoded).problem()));
      } else {
        LOG.info(
            "skipping {} while listing the cache: not a cniCacheV1 entry (kind {})",
            UntrustedText.plainOrQuoted(file),
            UntrustedText.visible(((CacheEntryFormat.OtherKind) decoded).kind()));
      }
    }
    return found;
  }

  // ---- files ----

  /**
   * Reads and decodes one file, never following a link.
   *
   * @return {@code null} if there is no file
   */
  private CacheEntryFormat.Decoded read(Path file) throws CacheException {
    BasicFileAttributes attrs = attributes(file);
    if (attrs == null) {
      return null;
    }
    if (attrs.isSymbolicLink()) {
      throw new CacheException(
          file, Reason.UNSAFE_PATH, "is a symbolic link; the cache never follows links");
    }
    if (attrs.isDirectory()) {
      throw new CacheException(
          file, Reason.UNSAFE_PATH, "is a directory where a cache entry belongs");
    }
    if (!attrs.isRegularFile()) {
      throw new CacheException(
          file, Reason.UNSAFE_PATH, "is a special file where a cache entry belongs");
    }
    if (attrs.size() > MAX_ENTRY_BYTES) {
      return new CacheEntryFormat.Corrupt(
          "is " + attrs.size() + " bytes long, more than any entry (" + MAX_ENTRY_BYTES + ")");
    }
    byte[] bytes;
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      bytes = readAll(ch, file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CacheException(file, Reason.IO_ERROR, "cannot read: " + e, e);
    }
    return CacheEntryFormat.decode(bytes);
  }

  private static byte[] readAll(SeekableByteChannel ch, Path file) throws IOException {
    long size = ch.size();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size + 1, MAX_ENTRY_BYTES + 1));
    while (ch.read(buf) > 0) {
      if (!buf.hasRemaining()) {
        if (buf.capacity() > MAX_ENTRY_BYTES) {
          throw new IOException("grew beyond " + MAX_ENTRY_BYTES + " bytes while being read");
        }
        ByteBuffer bigger =
            ByteBuffer.allocate((int) Math.min(buf.capacity() * 2L, MAX_ENTRY_BYTES + 1));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }
    byte[] bytes = new byte[buf.position()];
    buf.flip();
    buf.get(bytes);
    return bytes;
  }

  /**
   * Writes the entry atomically: a reader sees the old file or the whole new one.
   *
   * @param replace whether an entry already at the name is replaced; when not, the name is taken
   *     only if it is free (a hard link, which fails on an existing name, where {@code rename}
   *     would replace it)
   * @return {@code false} when {@code replace} is not set and the name was taken meanwhile
   */
  private boolean writeAtomically(Path entry, byte[] bytes, boolean replace)
      throws CacheException {
    boolean stored;
    try {
      if (!stageInResults) {
        try {
          stored = writeVia(tempDir, entry, bytes, replace);
          syncIfDurable(resultsDir);
          return stored;
        } catch (AtomicMoveNotSupportedException e) {
          stageInResults = true;
          LOG.info(
              "{} is on another file system than {}: temporary files are made in {} from now on",
              UntrustedText.plainOrQuoted(resultsDir),
              UntrustedText.plainOrQuoted(tempDir),
              UntrustedText.plainOrQuoted(resultsDir));
        }
      }
      stored = writeVia(resultsDir, entry, bytes, replace);
    } catch (AtomicMoveNotSupportedException e) {
      throw new CacheException(entry, Reason.IO_ERROR, "cannot rename atomically: " + e, e);
    } catch (IOException e) {
      throw new CacheException(entry, Reason.IO_ERROR, "cannot write: " + e, e);
    }
    syncIfDurable(resultsDir);
    return stored;
  }

  /**
   * Writes {@code bytes} to a new temporary file in {@code stageDir}, then renames it over {@code
   * entry} ({@code replace}) or links it to {@code entry} if that name is free; the temporary file
   * is removed in the end, and when anything fails.
   *
   * @return {@code false} when the name was not free to link to
   */
  private boolean writeVia(Path stageDir, Path entry, byte[] bytes, boolean replace)
      throws IOException, CacheException {
    Path temp = null;
    try {
      FileAttribute<Set<PosixFilePermission>> mode =
          PosixFilePermissions.asFileAttribute(FILE_MODE);
      Set<OpenOption> options =
          Set.of(
              StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      ensureDirectory(stageDir);
      FileChannel ch = null;
      while (ch == null) {
        temp =
            stageDir.resolve(
                TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
          ch = FileChannel.open(temp, options, mode);
        } catch (FileAlreadyExistsException e) {
          temp = null; // another writer drew the same name; draw again
        }
      }
      try (FileChannel out = ch) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        if (durability == Durability.SYNCED) {
          out.force(true);
        }
      }
      if (!replace && linkToFreeName(temp, entry)) {
        return true; // the finally block removes the temporary name
      }
      if (!replace && Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      return true;
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.warn(
              "cannot remove the temporary file {}: {}",
              UntrustedText.plainOrQuoted(temp),
              UntrustedText.visible(e.toString()));
        }
      }
    }
  }

  /**
   * Gives the complete file {@code temp} the name {@code entry} if no file has it: {@code link(2)}
   * fails on an existing name. Returns {@code false} when the name is taken, or the link cannot
   * be made (a file system without hard links, or {@code temp} on another one): the caller then
   * looks at the name and renames, as before.
   */
  private boolean linkToFreeName(Path temp, Path entry) {
    try {
      Files.createLink(entry, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      if (!linkRefusalLogged) {
        linkRefusalLogged = true;
        LOG.info(
            "cannot link {} to {} ({}): renaming it instead, which does not stop a writer of a"
                + " colliding entry in another process",
            UntrustedText.plainOrQuoted(temp),
            UntrustedText.plainOrQuoted(entry),
            UntrustedText.visible(e.toString()));
      }
      return false;
    }
  }

  private static CacheException collision(Path entry, AttachmentKey other, AttachmentKey key) {
    return new CacheException(
        entry,
        Reason.COLLISION,
        "holds the entry of "
            + describe(other)
            + ", not of "
            + describe(key)
            + " (libcni's file names collide); refusing to replace it");
  }

  /** Moves a corrupt file aside and logs it; it may have vanished meanwhile. */
  private void quarantine(Path entry, String problem) throws CacheException {
    String base = entry.getFileName() + "." + STAMP.format(Instant.now(clock));
    Path target;
    try {
      try {
        ensureDirectory(quarantineDir);
        target = moveAside(entry, quarantineDir, base);
      } catch (AtomicMoveNotSupportedException e) {
        // results/ is a file system of its own: keep the file in it, under a name no entry has
        target = moveAside(entry, resultsDir, CORRUPT_PREFIX + base);
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new CacheException(
          entry, Reason.IO_ERROR, problem + ", and cannot be moved aside: " + e, e);
    }
    syncIfDurable(resultsDir);
    LOG.warn(
        "cache file {} {}: moved it to {}; the attachment counts as not cached",
        UntrustedText.plainOrQuoted(entry),
        UntrustedText.visible(problem),
        UntrustedText.plainOrQuoted(target));
  }

  /** Renames {@code entry} to {@code base} in {@code dir}, or to the first free {@code base-N}. */
  private static Path moveAside(Path entry, Path dir, String base) throws IOException {
    Path target = dir.resolve(base);
    for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
      target = dir.resolve(base + "-" + n);
    }
    Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** Removes temporary files older than five minutes from {@code dir}. */
  private void removeStaleTemporaryFiles(Path dir) {
    Instant cutoff = Instant.now(clock).minus(Duration.ofMinutes(STALE_TEMP_MINUTES));
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path temp : temps) {
        BasicFileAttributes attrs = attributes(temp);
        if (attrs != null
            && attrs.isRegularFile()
            && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(temp);
          LOG.info(
              "removed {}, a temporary file left by an interrupted cache write",
              UntrustedText.plainOrQuoted(temp));
        }
      }
    } catch (IOException | CacheException e) {
      LOG.warn(
          "cannot clean the temporary files of {}: {}",
          UntrustedText.plainOrQuoted(dir),
          UntrustedText.visible(e.toString()));
    }
  }

  // ---- directories ----

  /** Whether {@code results/} exists; it must be a real directory if it does. */
  private boolean resultsDirExists() throws CacheException {
    return checkDirectory(resultsDir);
  }

  static boolean checkDirectory(Path dir) throws CacheException {
    BasicFileAttributes attrs = attributes(dir);
    if (attrs == null) {
      return false;
    }
    if (attrs.isSymbolicLink()) {
      throw new CacheException(
          dir,
          Reason.UNSAFE_PATH,
          "is a symbolic link; the cache never follows links below the cache directory");
    }
    if (!attrs.isDirectory()) {
      throw new CacheException(dir, Reason.UNSAFE_PATH, "is not a directory");
    }
    return true;
  }

  /** Creates {@code dir} (and the cache directory) with mode 0700 if missing, then checks it. */
  static void ensureDirectory(Path dir) throws CacheException {
    if (checkDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(DIR_MODE));
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
      // the umask may have removed bits from 0700, never added any; set it exactly, as libcni
      // gets it with the usual umask
      Files.setPosixFilePermissions(dir, DIR_MODE);
    } catch (FileAlreadyExistsException e) {
      // created meanwhile by another thread or process; checked below
    } catch (IOException e) {
      throw new CacheException(dir, Reason.IO_ERROR, "cannot create: " + e, e);
    }
    if (!checkDirectory(dir)) {
      throw new CacheException(dir, Reason.IO_ERROR, "vanished right after being created");
    }
  }

  /** The durability writes are made with. */
  public Durability durability() {
    return durability;
  }

  private void syncIfDurable(Path dir) throws CacheException {
    if (durability == Durability.SYNCED) {
      syncDirectory(dir);
    }
  }

  static void syncDirectory(Path dir) throws CacheException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new CacheException(dir, Reason.IO_ERROR, "cannot sync the directory: " + e, e);
    }
  }

  /** The attributes of {@code path} itself (not of a link's target), or {@code null}. */
  static BasicFileAttributes attributes(Path path) throws CacheException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CacheException(path, Reason.IO_ERROR, "cannot examine: " + e, e);
    }
  }

  private ReentrantLock stripe(Path entry) {
    return stripes[Math.floorMod(entry.getFileName().toString().hashCode(), STRIPES)];
  }

  static String describe(AttachmentKey key) {
    // the values passed AttachmentKey's rules, but an interface name may still hold invisible
    // characters such as a right-to-left override
    return "network "
        + UntrustedText.quote(key.networkName())
        + " container "
        + UntrustedText.quote(key.containerId())
        + " interface "
        + UntrustedText.quote(key.ifName());
  }
}
