package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.ConfigException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory whose listing fails part way, as {@code readdir} fails on an I/O error: the stream's
 * iterator throws the unchecked {@link DirectoryIteratorException}, which must become the same
 * checked error as a directory that cannot be opened.
 *
 * <p>No local file system fails on demand, so the directory lives on a small file system of this
 * test: its one path is a directory (the attributes of a real one) whose listing fails.
 */
class DirectoryListingFailureTest {
  @TempDir Path tmp;

  @Test
  void anIoErrorWhileReadingTheEntriesIsAConfigException() {
    Path dir = new FailingListing(tmp).directory();
    assertThatThrownBy(() -> ConfigDirectory.of(dir).files())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.context().file()).isEqualTo(dir.toString());
              assertThat(e.getCause()).isInstanceOf(IOException.class);
            })
        .hasMessage(
            dir
                + ": cannot list the directory: cannot be read: java.io.IOException: Input/output"
                + " error (simulated)");
    assertThatThrownBy(() -> ConfigParser.subdirectories(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot list the directory");
  }

  @Test
  void theLinterReportsItAsAnErrorOfTheDirectory() {
    Path dir = new FailingListing(tmp).directory();
    assertThat(ConfigLinter.create().lint(dir))
        .extracting(LintFinding::toString)
        .containsExactly(
            dir
                + ": error: cannot list the directory: cannot be read: java.io.IOException:"
                + " Input/output error (simulated)");
  }

  /** A file system of one directory, named after a real one, whose listing fails. */
  private static final class FailingListing extends FileSystemProvider {
    private final Path real;
    private final FileSystem fs = new OnePathFileSystem(this);
    private final Path directory = new OnePath(fs, this);

    FailingListing(Path real) {
      this.real = real;
    }

    Path directory() {
      return directory;
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) {
      return new DirectoryStream<>() {
        @Override
        public Iterator<Path> iterator() {
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              throw new DirectoryIteratorException(
                  new IOException("Input/output error (simulated)"));
            }

            @Override
            public Path next() {
              throw new NoSuchElementException();
            }
          };
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) {}

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      return Files.readAttributes(real, type, options);
    }

    @Override
    public String getScheme() {
      return "failing-listing";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
      return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
      return false;
    }

    @Override
    public FileStore getFileStore(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      return null;
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class OnePathFileSystem extends FileSystem {
    private final FileSystemProvider provider;

    OnePathFileSystem(FileSystemProvider provider) {
      this.provider = provider;
    }

    @Override
    public FileSystemProvider provider() {
      return provider;
    }

    @Override
    public void close() {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public boolean isReadOnly() {
      return true;
    }

    @Override
    public String getSeparator() {
      return File.separator;
    }

    @Override
    public Iterable<Path> getRootDirectories() {
      return List.of();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
      return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
      return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
      throw new UnsupportedOperationException();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
      throw new UnsupportedOperationException();
    }

    @Override
    public WatchService newWatchService() {
      throw new UnsupportedOperationException();
    }
  }

  /** The one path: only what listing a configuration directory asks of it. */
  private static final class OnePath implements Path {
    private final FileSystem fs;
    private final FailingListing provider;

    OnePath(FileSystem fs, FailingListing provider) {
      this.fs = fs;
      this.provider = provider;
    }

    @Override
    public FileSystem getFileSystem() {
      return fs;
    }

    @Override
    public Path toRealPath(LinkOption... options) {
      return this;
    }

    @Override
    public Path toAbsolutePath() {
      return this;
    }

    @Override
    public Path normalize() {
      return this;
    }

    @Override
    public boolean isAbsolute() {
      return true;
    }

    @Override
    public String toString() {
      return "failing-listing:" + provider.real;
    }

    @Override
    public Path getRoot() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getFileName() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getParent() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int getNameCount() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getName(int index) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean startsWith(Path other) {
      return equals(other);
    }

    @Override
    public boolean endsWith(Path other) {
      return equals(other);
    }

    @Override
    public Path resolve(Path other) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path relativize(Path other) {
      throw new UnsupportedOperationException();
    }

    @Override
    public URI toUri() {
      throw new UnsupportedOperationException();
    }

    @Override
    public WatchKey register(
        WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int compareTo(Path other) {
      return toString().compareTo(other.toString());
    }
  }
}
