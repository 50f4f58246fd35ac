package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command from the calling thread and collects what it printed. */
final class Shell {
  /** What a finished command left. */
  record Result(int exitCode, String stdout, String stderr) {}

  private Shell() {}

  /** Runs {@code argv} and returns its exit code and output; fails after a generous deadline. */
  static Result run(String... argv) throws IOException, InterruptedException {
    return run(List.of(argv));
  }

  static Result run(List<String> argv) throws IOException, InterruptedException {
    Path err = Files.createTempFile("jcni-shell", ".err");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectError(err.toFile())
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished within 60 s", argv).isTrue();
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Runs {@code argv}, checks that it succeeded, and returns its standard output, trimmed. */
  static String ok(String... argv) throws IOException, InterruptedException {
    Result r = run(argv);
    assertThat(r.exitCode()).as("exit code of %s (stderr: %s)", List.of(argv), r.stderr()).isZero();
    return r.stdout().trim();
  }
}
