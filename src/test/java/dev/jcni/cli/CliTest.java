package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
  /** A command that prints what it was given, to test the dispatcher alone. */
  private static final class EchoCommand implements Command {
    private final List<String> words;

    EchoCommand(String... words) {
      this.words = List.of(words);
    }

    @Override
    public List<String> words() {
      return words;
    }

    @Override
    public String summary() {
      return "echo " + String.join(" ", words);
    }

    @Override
    public String usage() {
      return "[ARGS]";
    }

    @Override
    public List<Option> options() {
      return List.of(
          Option.value("dir", "DIR", "a directory"),
          Option.value("keep", "ID", "repeatable"),
          Option.flag("all", "a flag"));
    }

    @Override
    public int run(Call call) {
      call.out().println(String.join(" ", words) + " " + call.positionals());
      call.out().println("dir=" + call.option("dir").orElse("-"));
      call.out().println("keep=" + call.values("keep"));
      call.out().println("all=" + call.flag("all"));
      call.out().println("confDir=" + call.confDir());
      return 0;
    }
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    Cli cli =
        new Cli(
            List.of(new EchoCommand("conf", "list"), new EchoCommand("conf", "show"), new EchoCommand("add")),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return cli.run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void acceptsOptionsBeforeAndAfterTheCommandWords() {
    assertThat(run(Map.of(), "--dir", "/a", "conf", "list", "x")).isZero();
    String before = out();
    out.reset();
    assertThat(run(Map.of(), "conf", "list", "x", "--dir=/a")).isZero();
    assertThat(out()).isEqualTo(before).contains("conf list [x]").contains("dir=/a");
  }

  @Test
  void collectsRepeatedOptionsAndFlags() {
    assertThat(run(Map.of(), "add", "--keep", "a/eth0", "n", "--keep=b/eth1", "--all")).isZero();
    assertThat(out()).contains("add [n]").contains("keep=[a/eth0, b/eth1]").contains("all=true");
  }

  @Test
  void doubleDashEndsOptions() {
    assertThat(run(Map.of(), "add", "--", "--all")).isZero();
    assertThat(out()).contains("add [--all]").contains("all=false");
  }

  @Test
  void confDirFallsBackFromOptionToNetconfpathToDefault() {
    run(Map.of("NETCONFPATH", "/env"), "conf", "list");
    assertThat(out()).contains("confDir=/env");
    out.reset();
    run(Map.of("NETCONFPATH", "/env"), "conf", "list", "--dir", "/opt");
    assertThat(out()).contains("confDir=/opt");
    out.reset();
    run(Map.of(), "conf", "list");
    assertThat(out()).contains("confDir=/etc/cni/net.d");
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertThat(run(Map.of(), "nope")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).startsWith("jcni: unknown command \"nope\"");
    err.reset();
    assertThat(run(Map.of(), "add", "--bogus")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).contains("unknown option --bogus");
    err.reset();
    assertThat(run(Map.of(), "add", "--dir")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).contains("--dir needs a value");
    err.reset();
    assertThat(run(Map.of(), "add", "--all=yes")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).contains("takes no value");
  }

  @Test
  void anIncompleteCommandLineWritesTheOverviewToStderrOnly() {
    // cnitool without arguments writes its usage to stderr and nothing to stdout (checked with the
    // reference cnitool, libcni 1.1.2); stdout is for results
    assertThat(run(Map.of())).isEqualTo(ExitCode.USAGE);
    assertThat(out()).isEmpty();
    assertThat(err()).startsWith("Usage: jcni [OPTIONS] COMMAND [ARGS]").contains("conf list");
    err.reset();
    assertThat(run(Map.of(), "--json")).isEqualTo(ExitCode.USAGE);
    assertThat(out()).isEmpty();
    assertThat(err()).isEqualTo("{\"error\":\"missing command\",\"exitCode\":2}\n");
    err.reset();
    assertThat(run(Map.of(), "conf", "--json")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).startsWith("{\"error\":\"incomplete command \\\"conf\\\"\"");
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out()).contains("conf list", "conf show", "add", "Exit codes", "4 timeout");
    out.reset();
    assertThat(run(Map.of(), "conf", "--help")).isZero();
    assertThat(out()).contains("conf list").doesNotContain(" add ");
    out.reset();
    assertThat(run(Map.of(), "conf")).isEqualTo(ExitCode.USAGE);
    assertThat(err()).contains("conf show");
    assertThat(out()).isEmpty();
    err.reset();
    assertThat(run(Map.of(), "conf", "show", "-h")).isZero();
    assertThat(out()).startsWith("Usage: jcni conf show [ARGS]").contains("--dir DIR");
  }
}
