package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.InvalidNameException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.PluginNotFoundException.Skipped;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class PluginPathTest {
  @TempDir Path tmp;

  /** Strict mode refuses anything under /tmp (sticky, world-writable): see {@link #safeDir()}. */
  private Path safeDir;

  @AfterEach
  void removeSafeDir() throws IOException {
    if (safeDir != null) {
      try (Stream<Path> s = Files.walk(safeDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * A fresh directory whose ancestors strict mode accepts: under target/, or, when the checkout
   * itself lies under a directory others may write (a clone in /tmp), under /run, root's own.
   */
  private Path safeDir() throws IOException {
    Path target = Plugins.testdata().getParent().resolve("target");
    Path base =
        StrictPermissions.forCurrentUser().problem(target) == null ? target : Path.of("/run");
    safeDir = base.resolve("jcni-strict-" + UUID.randomUUID());
    Files.createDirectories(safeDir);
    Files.setPosixFilePermissions(safeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(StrictPermissions.forCurrentUser().problem(safeDir))
        .as("strict mode accepts the tests' own directory")
        .isNull();
    return safeDir;
  }

  private static Path plugin(Path dir, String name) throws IOException {
    Path p = Plugins.copy(Plugins.dir().resolve("echo-plugin"), dir.resolve(name));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static PluginNotFoundException notFound(PluginPath path, String type) {
    try {
      path.find(type);
    } catch (PluginNotFoundException e) {
      return e;
    } catch (InvalidNameException e) {
      throw new AssertionError("unexpected", e);
    }
    throw new AssertionError("found " + type);
  }

  @Test
  void parseKeepsAbsoluteDirectoriesInOrderAndDropsEmptyAndRelativeEntries() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    PluginPath p = PluginPath.parse(":" + a + ":bin:./x::" + b + ":", Platform.POSIX);
    assertThat(p.directories()).containsExactly(a, b);
    assertThat(p.toCniPath()).isEqualTo(a + ":" + b);
    PluginNotFoundException e = notFound(p, "bridge");
    assertThat(e.skipped())
        .extracting(Skipped::location)
        .containsExactly("", "bin", "./x", "", "", a + "/bridge", b + "/bridge");
    assertThat(e.skipped().get(0).reason()).startsWith("empty entry, ignored");
    assertThat(e.skipped().get(1).reason()).isEqualTo("relative directory, ignored");
  }

  @Test
  void ofDropsRelativeDirectories() {
    PluginPath p = PluginPath.of(List.of(Path.of("rel"), Path.of("/abs"), Path.of("")));
    assertThat(p.directories()).containsExactly(Path.of("/abs"));
  }

  @Test
  void windowsPathsAreParsedByWindowsRules() {
    PluginPath p = PluginPath.parse("C:\\cni\\bin;relative;;\\\\srv\\share", Platform.WINDOWS);
    // On Linux a Windows path is not absolute for the file system: it is dropped, never searched.
    assertThat(p.directories()).isEmpty();
    PluginNotFoundException e = notFound(p, "bridge");
    assertThat(e.skipped())
        .extracting(Skipped::location)
        .containsExactly("relative", "", "C:\\cni\\bin", "\\\\srv\\share");
    assertThat(e.skipped().get(2).reason()).isEqualTo("relative directory, ignored");
  }

  @Test
  void findsTheFirstExecutableInSearchOrder() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    plugin(b, "bridge");
    plugin(a, "bridge");
    LocatedPlugin found = PluginPath.of(List.of(a, b)).find("bridge");
    assertThat(found.path()).isEqualTo(a.resolve("bridge"));
    assertThat(found.realPath()).isEqualTo(a.resolve("bridge").toRealPath());
    assertThat(found.type()).isEqualTo("bridge");
    assertThat(found.identity().size()).isEqualTo(Files.size(a.resolve("bridge")));
    assertThat(found.identity().fileKey()).contains("ino=");
  }

  @Test
  void passesOverEverythingThatIsNotAnExecutableRegularFileAndSaysWhy() throws Exception {
    Path missing = tmp.resolve("missing");
    Path notDir = Files.writeString(tmp.resolve("file"), "x");
    Path dirHit = Files.createDirectories(tmp.resolve("d1/bridge")).getParent();
    Path noExec = Files.createDirectories(tmp.resolve("d2"));
    Files.writeString(noExec.resolve("bridge"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        noExec.resolve("bridge"), PosixFilePermissions.fromString("rw-r--r--"));
    Path sock = Files.createDirectories(tmp.resolve("d3"));
    Path dangling = Files.createDirectories(tmp.resolve("d4"));
    Files.createSymbolicLink(dangling.resolve("bridge"), tmp.resolve("nowhere"));
    Path empty = Files.createDirectories(tmp.resolve("d5"));
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(sock.resolve("bridge")));
      PluginPath path =
          PluginPath.of(List.of(missing, notDir, dirHit, noExec, sock, dangling, empty));
      PluginNotFoundException e = notFound(path, "bridge");
      assertThat(e.skipped())
          .containsExactly(
              new Skipped(missing.toString(), "directory does not exist"),
              new Skipped(notDir.toString(), "not a directory"),
              new Skipped(dirHit.resolve("bridge").toString(), "is a directory"),
              new Skipped(noExec.resolve("bridge").toString(), "not executable by this process"),
              new Skipped(
                  sock.resolve("bridge").toString(),
                  "not a regular file (a socket, pipe or device)"),
              new Skipped(dangling.resolve("bridge").toString(), "dangling symbolic link"),
              new Skipped(empty.resolve("bridge").toString(), "no such file"));
      assertThat(e.getMessage())
          .startsWith(
              "plugin type=\"bridge\" not found in CNI_PATH ("
                  + missing
                  + ": directory does not exist; ")
          .contains(noExec.resolve("bridge") + ": not executable by this process");
    }
  }

  @Test
  void followsSymbolicLinksAndReportsTheResolvedPath() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    plugin(real, "bridge-1.2");
    Path dir = Files.createDirectories(tmp.resolve("cni"));
    Files.createSymbolicLink(dir.resolve("bridge"), real.resolve("bridge-1.2"));
    Path linkedDir = tmp.resolve("linked-dir");
    Files.createSymbolicLink(linkedDir, real);

    LocatedPlugin viaFile = PluginPath.of(List.of(dir)).find("bridge");
    assertThat(viaFile.path()).isEqualTo(dir.resolve("bridge"));
    assertThat(viaFile.realPath()).isEqualTo(real.resolve("bridge-1.2").toRealPath());

    LocatedPlugin viaDir = PluginPath.of(List.of(linkedDir)).find("bridge-1.2");
    assertThat(viaDir.path()).isEqualTo(linkedDir.resolve("bridge-1.2"));
    assertThat(viaDir.realPath()).isEqualTo(real.resolve("bridge-1.2").toRealPath());
    assertThat(viaDir.identity()).isEqualTo(viaFile.identity());
  }

  @Test
  void windowsRulesPreferTheExeFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("win"));
    plugin(dir, "bridge");
    plugin(dir, "bridge.exe");
    Path only = Files.createDirectories(tmp.resolve("win2"));
    plugin(only, "host-local");
    assertThat(PluginPath.of(List.of(dir), Platform.WINDOWS).find("bridge").path())
        .isEqualTo(dir.resolve("bridge.exe"));
    assertThat(PluginPath.of(List.of(only), Platform.WINDOWS).find("host-local").path())
        .isEqualTo(only.resolve("host-local"));
    assertThat(PluginPath.of(List.of(dir), Platform.POSIX).find("bridge").path())
        .isEqualTo(dir.resolve("bridge"));
    assertThatThrownBy(() -> PluginPath.of(List.of(dir), Platform.WINDOWS).find("c:bridge"))
        .isInstanceOf(InvalidNameException.class);
  }

  @Test
  void anInvalidTypeFailsBeforeAnyFileSystemAccess() {
    // A directory that cannot be read would be reported; an invalid type never gets that far.
    PluginPath path = PluginPath.of(List.of(tmp.resolve("does-not-exist")));
    assertThatThrownBy(() -> path.find("../bridge")).isInstanceOf(InvalidNameException.class);
  }

  @Test
  void strictModeAcceptsAPluginOwnedByRootOrTheUserInSafeDirectories() throws Exception {
    Path dir = Files.createDirectories(safeDir().resolve("bin"));
    plugin(dir, "bridge");
    PluginPath strict = PluginPath.of(List.of(dir)).strict();
    assertThat(strict.isStrict()).isTrue();
    assertThat(strict.find("bridge").path()).isEqualTo(dir.resolve("bridge"));
  }

  @Test
  void strictModeRefusesAGroupWritablePluginAndStopsTheSearch() throws Exception {
    Path dir = Files.createDirectories(safeDir().resolve("bin"));
    Path later = Files.createDirectories(safeDir.resolve("later"));
    Path p = plugin(dir, "bridge");
    plugin(later, "bridge");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxr-x"));
    PluginNotFoundException e = notFound(PluginPath.of(List.of(dir, later)).strict(), "bridge");
    assertThat(e.skipped()).hasSize(1);
    assertThat(e.skipped().get(0).reason())
        .isEqualTo("refused by strict mode: " + p.toRealPath() + " is writable by its group");
    // the same plugin path without strict mode finds it
    assertThat(PluginPath.of(List.of(dir, later)).find("bridge").path()).isEqualTo(p);
  }

  @Test
  void strictModeRefusesAnOtherWritableDirectoryOnTheWay() throws Exception {
    Path parent = Files.createDirectories(safeDir().resolve("opt"));
    Path dir = Files.createDirectories(parent.resolve("bin"));
    plugin(dir, "bridge");
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xrwx"));
    PluginNotFoundException e = notFound(PluginPath.of(List.of(dir)).strict(), "bridge");
    assertThat(e.skipped().get(0).reason())
        .isEqualTo("refused by strict mode: " + parent.toRealPath() + " is writable by others");
  }

  @Test
  void strictModeChecksTheDirectoriesASymbolicLinkGoesThrough() throws Exception {
    Path dir = Files.createDirectories(safeDir().resolve("bin"));
    Path unsafe = Files.createDirectories(safeDir.resolve("unsafe"));
    Path real = Files.createDirectories(safeDir.resolve("real"));
    plugin(real, "bridge");
    // bin/bridge -> unsafe/hop -> real/bridge: whoever can write unsafe/ can retarget the hop
    Files.createSymbolicLink(unsafe.resolve("hop"), real.resolve("bridge"));
    Files.createSymbolicLink(dir.resolve("bridge"), unsafe.resolve("hop"));
    Files.setPosixFilePermissions(unsafe, PosixFilePermissions.fromString("rwxrwx---"));
    PluginNotFoundException e = notFound(PluginPath.of(List.of(dir)).strict(), "bridge");
    assertThat(e.skipped().get(0).reason())
        .isEqualTo("refused by strict mode: " + unsafe.toRealPath() + " is writable by its group");
    Files.setPosixFilePermissions(unsafe, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(PluginPath.of(List.of(dir)).strict().find("bridge").realPath())
        .isEqualTo(real.resolve("bridge").toRealPath());
  }

  @Test
  void strictModeRefusesAPluginOwnedBySomeoneElse() throws Exception {
    Path dir = Files.createDirectories(safeDir().resolve("bin"));
    Path p = plugin(dir, "bridge");
    int owner = (Integer) Files.getAttribute(p, "unix:uid");
    if (owner == 0) {
      // Running as root: hand the file to another user so that the rule has something to refuse.
      Files.setAttribute(p, "unix:uid", 65534);
      owner = 65534;
    }
    // The rule trusts root and "the current user"; claim to be someone who is not the owner.
    StrictPermissions notTheOwner = new StrictPermissions(owner + 1);
    PluginNotFoundException e = notFound(PluginPath.of(List.of(dir)).strict(notTheOwner), "bridge");
    assertThat(e.skipped().get(0).reason())
        .isEqualTo(
            "refused by strict mode: "
                + p.toRealPath()
                + " is owned by uid "
                + owner
                + ", neither root nor the current user (uid "
                + (owner + 1)
                + ")");
    assertThat(PluginPath.of(List.of(dir)).strict(new StrictPermissions(owner)).find("bridge"))
        .isNotNull();
  }

  @Test
  void strictModeRefusesTheStickyWorldWritableTmp() throws Exception {
    // /tmp is drwxrwxrwt: sticky, but strict mode makes no exception for it (as OpenSSH).
    Path dir = Files.createDirectories(tmp.resolve("bin"));
    plugin(dir, "bridge");
    assertThat(Files.getPosixFilePermissions(Path.of("/tmp")))
        .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    PluginNotFoundException e = notFound(PluginPath.of(List.of(dir)).strict(), "bridge");
    assertThat(e.skipped().get(0).reason())
        .startsWith("refused by strict mode: /tmp is writable by");
  }

  @Test
  void theIdentityChangesWhenThePluginIsReplaced() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bin"));
    Path p = plugin(dir, "bridge");
    LocatedPlugin before = PluginPath.of(List.of(dir)).find("bridge");
    Files.writeString(p, Files.readString(p) + "\n# new build\n");
    LocatedPlugin after = PluginPath.of(List.of(dir)).find("bridge");
    assertThat(after.identity()).isNotEqualTo(before.identity());
    assertThat(after).isNotEqualTo(before);
    assertThat(PluginPath.of(List.of(dir)).find("bridge")).isEqualTo(after);
  }

  @Test
  void equalPathsAreEqual() {
    assertThat(PluginPath.parse("/a:/b", Platform.POSIX))
        .isEqualTo(PluginPath.of(List.of(Path.of("/a"), Path.of("/b")), Platform.POSIX))
        .hasSameHashCodeAs(PluginPath.of(List.of(Path.of("/a"), Path.of("/b")), Platform.POSIX))
        .isNotEqualTo(PluginPath.parse("/b:/a", Platform.POSIX));
    assertThat(Map.of("k", PluginPath.parse("/a", Platform.POSIX)).toString()).contains("/a");
  }
}
