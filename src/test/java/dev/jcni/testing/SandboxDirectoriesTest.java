package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the sweep of a sandbox root removes and what it leaves alone, and which roots go with their
 * last sandbox. No namespaces here (those are in {@link CniSandboxIsolatedTest}): the sandboxes of
 * other JVMs are directories with a marker written by hand in the documented format, and this JVM's
 * identity is read from {@code /proc} by the test itself.
 */
class SandboxDirectoriesTest {
  private static long selfPid;
  private static long selfStart;
  private static long selfPidNamespace;
  private static long selfTimeNamespace;
  private static String selfBoot;
  private static long deadPid;

  @TempDir Path tmp;
  private Path root;

  @BeforeAll
  static void identities() throws Exception {
    selfPid = ProcessHandle.current().pid();
    String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.ISO_8859_1);
    // fields after "PID (COMMAND) ": STATE is field 3, starttime field 22
    selfStart = Long.parseLong(stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[22 - 3]);
    selfPidNamespace = inode(Path.of("/proc/self/ns/pid"));
    Path time = Path.of("/proc/self/ns/time");
    selfTimeNamespace = Files.exists(time) ? inode(time) : 0; // no time namespaces before 5.6
    selfBoot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    deadPid = new ProcessBuilder("true").start().onExit().get().pid();
    assertThat(Path.of("/proc", Long.toString(deadPid))).doesNotExist();
  }

  @BeforeEach
  void makeRoot() throws Exception {
    root = Files.createDirectory(tmp.resolve("root"));
  }

  private static long inode(Path file) throws Exception {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }

  private static String marker(long pid, long start, long pidns, long timens, String boot) {
    return "jcni-sandbox 1\npid="
        + pid
        + "\nstart="
        + start
        + "\npidns="
        + pidns
        + "\ntimens="
        + timens
        + "\nboot="
        + boot
        + "\n";
  }

  /** The marker of a JVM of this PID namespace and boot that no longer runs. */
  private static String deadMarker(long start) {
    return marker(deadPid, start, selfPidNamespace, selfTimeNamespace, selfBoot);
  }

  /** A directory {@code name} under the root with {@code marker} and a file in a subdirectory. */
  private Path sandbox(String name, String marker) throws Exception {
    Path dir = Files.createDirectory(root.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path marked = Files.writeString(dir.resolve("jcni-sandbox"), marker, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(marked, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(Files.createDirectory(dir.resolve("cache")).resolve("entry"), "{}");
    return dir;
  }

  @Test
  void aDirectoryNamedLikeADateWithoutMarkerSurvivesASweep() throws Exception {
    Path dated = Files.createDirectory(root.resolve("2024-01-15"));
    Files.writeString(dated.resolve("notes.txt"), "keep me");
    Path sandboxLike = Files.createDirectory(root.resolve(deadPid + "-12345-1"));
    Files.writeString(sandboxLike.resolve("data"), "mine");

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    assertThat(dated.resolve("notes.txt")).hasContent("keep me");
    assertThat(sandboxLike.resolve("data")).hasContent("mine");
  }

  @Test
  void theSandboxOfAProcessThatNoLongerRunsIsRemoved() throws Exception {
    Path dir = sandbox(deadPid + "-12345-1", deadMarker(12345));

    assertThat(SandboxDirectories.sweep(root)).containsExactly(dir.getFileName().toString());

    assertThat(dir).doesNotExist();
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void theSandboxOfAnEarlierProcessWithThisJvmsIdIsRemoved() throws Exception {
    long otherStart = selfStart - 1;
    Path dir =
        sandbox(
            selfPid + "-" + otherStart + "-1",
            marker(selfPid, otherStart, selfPidNamespace, selfTimeNamespace, selfBoot));

    assertThat(SandboxDirectories.sweep(root)).containsExactly(dir.getFileName().toString());
  }

  @Test
  void aSandboxOfThisJvmIsKept() throws Exception {
    Path dir =
        sandbox(
            selfPid + "-" + selfStart + "-1",
            marker(selfPid, selfStart, selfPidNamespace, selfTimeNamespace, selfBoot));

    assertThat(SandboxDirectories.sweep(root)).isEmpty();
    assertThat(dir.resolve("cache/entry")).exists();
  }

  @Test
  void aSandboxOfAnotherPidNamespaceIsKeptThoughItsIdRunsNothingHere() throws Exception {
    Path dir =
        sandbox(
            deadPid + "-12345-1",
            marker(deadPid, 12345, selfPidNamespace + 1, selfTimeNamespace, selfBoot));

    assertThat(SandboxDirectories.sweep(root)).isEmpty();
    assertThat(dir.resolve("cache/entry")).exists();
  }

  @Test
  void aSandboxOfAnotherTimeNamespaceIsKeptThoughItsIdRunsNothingHere() throws Exception {
    Path dir =
        sandbox(
            deadPid + "-12345-1",
            marker(deadPid, 12345, selfPidNamespace, selfTimeNamespace + 1, selfBoot));

    assertThat(SandboxDirectories.sweep(root)).isEmpty();
    assertThat(dir.resolve("cache/entry")).exists();
  }

  @Test
  void aSandboxOfAnotherBootIsRemovedWhateverItsNamespaceAndProcess() throws Exception {
    String otherBoot = "00000000-1111-2222-3333-444444444444";
    assertThat(otherBoot).isNotEqualTo(selfBoot);
    // this JVM's own id and start time: it runs, but not in that boot
    Path sameProcess =
        sandbox(
            selfPid + "-" + selfStart + "-1",
            marker(selfPid, selfStart, selfPidNamespace, selfTimeNamespace, otherBoot));
    Path otherNamespace =
        sandbox(
            selfPid + "-" + selfStart + "-2",
            marker(selfPid, selfStart, selfPidNamespace + 1, selfTimeNamespace, otherBoot));

    assertThat(SandboxDirectories.sweep(root))
        .containsExactly(
            sameProcess.getFileName().toString(), otherNamespace.getFileName().toString());
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void aMarkerThatIsASymbolicLinkIsNotFollowedNorDeleted() throws Exception {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Path target = Files.writeString(elsewhere.resolve("jcni-sandbox"), deadMarker(12345));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path dir = Files.createDirectory(root.resolve(deadPid + "-12345-1"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path link = Files.createSymbolicLink(dir.resolve("jcni-sandbox"), target);

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    assertThat(link).isSymbolicLink();
    assertThat(target).hasContent(deadMarker(12345));
  }

  @Test
  void aSandboxDirectoryThatIsASymbolicLinkIsNotFollowedNorDeleted() throws Exception {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Path real = sandbox(deadPid + "-12345-1", deadMarker(12345));
    Path moved = Files.move(real, elsewhere.resolve(real.getFileName()));
    Path link = Files.createSymbolicLink(root.resolve(deadPid + "-12345-1"), moved);

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    assertThat(link).isSymbolicLink();
    assertThat(moved.resolve("cache/entry")).exists();
  }

  @Test
  void aMalformedMarkerIsLeftAlone() throws Exception {
    String valid = deadMarker(12345);
    List<String> malformed =
        List.of(
            "",
            "garbage\n",
            valid.substring(0, valid.length() - 1), // no final newline
            valid.replace("jcni-sandbox 1", "jcni-sandbox 2"),
            valid.replace("pid=" + deadPid, "pid=0" + deadPid),
            valid.replace("pid=" + deadPid, "pid=" + deadPid + " "),
            valid.replace("start=12345", "start=99999999999999999999"),
            valid.replace("start=12345", "start=-1"),
            valid.replace("\nboot=" + selfBoot, ""),
            valid.replace("boot=" + selfBoot, "boot=" + selfBoot.toUpperCase()),
            valid.replace("timens=", "time="),
            valid + "extra=1\n",
            valid.replace("\n", "\r\n"),
            valid.replace("pid=", "PID="),
            valid + valid);
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < malformed.size(); i++) {
      dirs.add(sandbox(deadPid + "-12345-" + i, malformed.get(i)));
    }

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    for (int i = 0; i < dirs.size(); i++) {
      assertThat(dirs.get(i).resolve("jcni-sandbox")).hasContent(malformed.get(i));
    }
  }

  @Test
  void aMarkerNamingAnotherProcessThanTheDirectoryIsLeftAlone() throws Exception {
    Path otherStart = sandbox(deadPid + "-12345-1", deadMarker(54321));
    Path otherPid =
        sandbox(
            (deadPid + 1) + "-12345-1",
            marker(deadPid, 12345, selfPidNamespace, selfTimeNamespace, selfBoot));
    Path noCounter = sandbox(deadPid + "-12345", deadMarker(12345));

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    assertThat(List.of(otherStart, otherPid, noCounter)).allMatch(Files::isDirectory);
  }

  @Test
  void aSandboxThatOthersCouldHaveWrittenIsLeftAlone() throws Exception {
    Path openDirectory = sandbox(deadPid + "-12345-1", deadMarker(12345));
    Files.setPosixFilePermissions(openDirectory, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path openMarker = sandbox(deadPid + "-12345-2", deadMarker(12345));
    Files.setPosixFilePermissions(
        openMarker.resolve("jcni-sandbox"), PosixFilePermissions.fromString("rw-rw-r--"));

    assertThat(SandboxDirectories.sweep(root)).isEmpty();

    assertThat(List.of(openDirectory, openMarker)).allMatch(Files::isDirectory);
  }

  @Test
  void aNewSandboxCarriesAMarkerNamingThisJvmAndSurvivesTheSweep() throws Exception {
    Path dir = SandboxDirectories.create(root);

    assertThat(dir.getParent()).isEqualTo(root);
    assertThat(dir.getFileName().toString()).startsWith(selfPid + "-" + selfStart + "-");
    assertThat(dir.resolve("jcni-sandbox"))
        .hasContent(marker(selfPid, selfStart, selfPidNamespace, selfTimeNamespace, selfBoot));
    assertThat(SandboxDirectories.sweep(root)).isEmpty();
    assertThat(dir).isDirectory();

    Leftovers found = new Leftovers();
    SandboxDirectories.remove(dir, found);
    assertThat(found.problems()).isEmpty();
    assertThat(dir).doesNotExist();
  }

  @Test
  void aRootThatExistedBeforeIsKeptWhenItsLastSandboxGoes() throws Exception {
    Path dir = SandboxDirectories.create(root);
    Leftovers found = new Leftovers();
    SandboxDirectories.remove(dir, found);

    SandboxDirectories.removeRootIfEmpty(root);

    assertThat(found.problems()).isEmpty();
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void aRootThisJvmCreatedIsRemovedWhenItsLastSandboxGoes() throws Exception {
    Path made = tmp.resolve("made/by/jcni");
    Path first = SandboxDirectories.create(made);
    Path second = SandboxDirectories.create(made);
    Leftovers found = new Leftovers();
    SandboxDirectories.remove(first, found);
    SandboxDirectories.removeRootIfEmpty(made);
    assertThat(made).as("still in use").isDirectory();

    SandboxDirectories.remove(second, found);
    SandboxDirectories.removeRootIfEmpty(made);

    assertThat(found.problems()).isEmpty();
    assertThat(made).doesNotExist();
    assertThat(made.getParent()).isEmptyDirectory();
  }
}
