package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the fixtures of the hardening tests are, and the few file chores they share. */
final class Testdata {
  private Testdata() {}

  /** {@code testdata/}, from the system property {@code jcni.testdata} that surefire sets. */
  static Path root() {
    String dir = System.getProperty("jcni.testdata");
    assertThat(dir).as("system property jcni.testdata (set by surefire)").isNotNull();
    return Path.of(dir).toAbsolutePath();
  }

  /** The test plugins of issue C ({@code testdata/plugins}). */
  static Path plugins() {
    return root().resolve("plugins");
  }

  /** This package's own plugins ({@code testdata/hardening/plugins}). */
  static Path hardeningPlugins() {
    return root().resolve("hardening").resolve("plugins");
  }

  /** The canary: a plugin that must never run (it leaves {@code canary-ran} beside itself). */
  static Path canary() {
    return root().resolve("canary").resolve("canary");
  }

  /** {@code target/} of the project. */
  static Path target() {
    return root().getParent().resolve("target");
  }

  /**
   * Compiles a C source of {@code testdata/hardening} with the machine's {@code cc} into {@code
   * target/hardening-plugins/NAME}, once per JVM run and source version. The build machines have a
   * C compiler ({@code bin/setup} installs one): its absence fails the test.
   */
  static synchronized Path compiled(String name) throws IOException, InterruptedException {
    Path source = root().resolve("hardening").resolve(name + ".c");
    Path out = Files.createDirectories(target().resolve("hardening-plugins"));
    Path exe = out.resolve(name);
    if (Files.exists(exe)
        && Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(source)) > 0) {
      return exe;
    }
    Path building = out.resolve(name + ".building");
    Process cc =
        new ProcessBuilder("cc", "-O2", "-Wall", "-o", building.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cc.waitFor()).as("cc %s: %s", source, output).isZero();
    Files.move(building, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return exe;
  }

  /** Copies an executable, keeping it executable. */
  static Path copyExecutable(Path source, Path dest) throws IOException {
    Files.createDirectories(dest.getParent());
    Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
    assertThat(dest.toFile().setExecutable(true, false)).isTrue();
    return dest;
  }

  /** Writes a shell script and makes it executable. */
  static Path script(Path dest, String body) throws IOException {
    Files.createDirectories(dest.getParent());
    Files.writeString(dest, "#!/bin/sh\n" + body);
    assertThat(dest.toFile().setExecutable(true, false)).isTrue();
    return dest;
  }

  /** Removes a directory tree (mount points aside, which the caller unmounts first). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
