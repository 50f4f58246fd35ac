package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** One run of the real {@code jcni} command set, with a given environment, output captured. */
final class JcniRun {
  final int exitCode;
  final String out;
  final String err;

  private JcniRun(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs {@code jcni ARGS} with every command of the tool.
   *
   * @param env the whole environment jcni sees
   * @param args the command line
   * @return what it did
   */
  static JcniRun of(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Cli(
                Cli.allCommands(),
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
    return new JcniRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The {@code testdata} directory. */
  static Path testdata() {
    String dir = System.getProperty("jcni.testdata");
    assertThat(dir).as("system property jcni.testdata (set by surefire)").isNotNull();
    return Path.of(dir).toAbsolutePath();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }
}
