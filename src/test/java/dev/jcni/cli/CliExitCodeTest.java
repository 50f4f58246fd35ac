package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.PluginErrorException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.invoke.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CliExitCodeTest {
  @Test
  void aPluginTimeoutExitsWithTheTimeoutCode() {
    PluginTimeoutException timeout =
        new PluginTimeoutException(
            "bridge",
            Path.of("/p/bridge"),
            Verb.ADD,
            Duration.ofSeconds(1),
            false,
            OptionalInt.empty(),
            OptionalInt.empty(),
            Duration.ofSeconds(1),
            "");
    assertThat(Cli.exitCodeFor(timeout)).isEqualTo(ExitCode.TIMEOUT);
    PluginErrorException failed =
        new PluginErrorException(
            "bridge",
            Path.of("/p/bridge"),
            Verb.ADD,
            1,
            OptionalInt.empty(),
            Duration.ZERO,
            "",
            null,
            "");
    assertThat(Cli.exitCodeFor(failed)).isEqualTo(ExitCode.FAILURE);
  }
}
