package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.CniException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The test plugins under {@code testdata/plugins} and helpers to watch the processes they start.
 */
final class Plugins {
  private Plugins() {}

  static Path testdata() {
    String dir = System.getProperty("jcni.testdata");
    assertThat(dir).as("system property jcni.testdata (set by surefire)").isNotNull();
    return Path.of(dir).toAbsolutePath();
  }

  /** The directory of test plugins; it never holds the canary. */
  static Path dir() {
    return testdata().resolve("plugins");
  }

  /** The canary: must never run. */
  static Path canary() {
    return testdata().resolve("canary").resolve("canary");
  }

  static LocatedPlugin find(String type) throws CniException {
    return PluginPath.of(List.of(dir())).find(type);
  }

  /**
   * Compiles a C program with the machine's {@code cc} into {@code target/test-plugins/NAME}. The
   * build machines have a C compiler ({@code bin/setup} installs one): its absence is a failure,
   * not a reason to skip.
   */
  static Path compile(String name, String cSource) throws IOException, InterruptedException {
    Path out = Files.createDirectories(testdata().getParent().resolve("target/test-plugins"));
    Path source = out.resolve(name + ".c");
    Files.writeString(source, cSource);
    Path exe = out.resolve(name);
    Process cc =
        new ProcessBuilder("cc", "-O2", "-o", exe.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cc.waitFor()).as("cc %s: %s", source, output).isZero();
    return exe;
  }

  /** Copies a test plugin (or any file) to {@code dest}, keeping it executable. */
  static Path copy(Path source, Path dest) throws IOException {
    Files.createDirectories(dest.getParent());
    Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
    dest.toFile().setExecutable(true, false);
    return dest;
  }

  /**
   * A copy of a test plugin that records into {@code recordDir} whatever environment it gets (the
   * variable is set by the script itself, so it works under any environment policy).
   */
  static Path recordingCopy(String type, Path dest, Path recordDir) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(dir().resolve(type)));
    lines.add(1, "JCNI_TEST_RECORD='" + recordDir + "'; export JCNI_TEST_RECORD");
    Files.createDirectories(dest.getParent());
    Files.write(dest, lines);
    dest.toFile().setExecutable(true, false);
    return dest;
  }

  /** The environment the plugin started with, from {@code /proc/PID/environ}, in its order. */
  static List<String> recordedEnviron(Path recordDir) throws IOException {
    String raw = Files.readString(recordDir.resolve("environ"), StandardCharsets.UTF_8);
    List<String> entries = new ArrayList<>(Arrays.asList(raw.split("\0")));
    entries.removeIf(String::isEmpty);
    return entries;
  }

  /** Waits for a plugin to write a pid into {@code file}. */
  static long awaitPid(Path file, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(file)) {
        String s = Files.readString(file).trim();
        if (!s.isEmpty()) {
          return Long.parseLong(s);
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no pid in " + file + " after " + max);
  }

  /** Whether the process runs (a zombie waiting for a lazy init to reap it does not). */
  static boolean running(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** Asserts that the process stops running within {@code max}. */
  static void assertStops(long pid, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (running(pid) && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(running(pid)).as("process %d still runs after %s", pid, max).isFalse();
  }

  /** The processes whose parent is this JVM, zombies included, from {@code /proc}. */
  static List<Long> children() {
    List<Long> found = new ArrayList<>();
    String self = Long.toString(ProcessHandle.current().pid());
    try (var s = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (IOException e) {
          continue; // not a process, or gone
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f[1].equals(self)) {
          found.add(Long.parseLong(p.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return found;
  }

  /** Kills a process a test left behind on purpose. */
  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * The descriptors of this JVM open on {@code file} without close-on-exec (from {@code
   * /proc/self/fdinfo}), which a child would inherit unless its launcher closes them.
   */
  static List<Integer> inheritableDescriptorsOf(Path file) throws IOException {
    List<Integer> found = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String target;
        String info;
        try {
          target = Files.readSymbolicLink(fd).toString();
          info = Files.readString(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()));
        } catch (IOException e) {
          continue; // closed meanwhile (the listing's own descriptor, for one)
        }
        for (String line : info.split("\n")) {
          // flags are octal; O_CLOEXEC is 02000000
          if (line.startsWith("flags:")
              && target.equals(file.toString())
              && (Long.parseLong(line.substring(6).trim(), 8) & 02000000) == 0) {
            found.add(Integer.parseInt(fd.getFileName().toString()));
          }
        }
      }
    }
    return found;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
