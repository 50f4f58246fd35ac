package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.PluginErrorException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.PluginProtocolException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.result.CniError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The messages and values of the exceptions in {@code dev.jcni} that this package throws. */
@Timeout(10)
class PluginExceptionsTest {
  private static final Path PATH = Path.of("/usr/lib/cni/bridge");

  @Test
  void aKnownSignalIsNamed() {
    PluginErrorException e =
        new PluginErrorException(
            "bridge", PATH, Verb.DEL, 137, OptionalInt.of(9), Duration.ofMillis(12), "", null, "");
    assertThat(e.getMessage())
        .isEqualTo(
            "plugin type=\"bridge\" (/usr/lib/cni/bridge) failed (del): killed by signal 9"
                + " (SIGKILL) with nothing on stdout [after 12 ms]");
    assertThat(e.signal()).hasValue(9);
  }

  @Test
  void anExitStatusAbove128MentionsTheSignalItMayStandFor() {
    PluginErrorException e =
        new PluginErrorException(
            "bridge",
            PATH,
            Verb.ADD,
            143,
            OptionalInt.empty(),
            Duration.ofSeconds(2),
            "",
            null,
            "");
    assertThat(e.getMessage())
        .contains("exit status 143 (128+15: a death by signal 15 (SIGTERM) is reported this way)")
        .endsWith("[after 2 s]");
  }

  @Test
  void timeoutMessagesSayHowThePluginWasStopped() {
    PluginTimeoutException e =
        new PluginTimeoutException(
            "bridge",
            PATH,
            Verb.CHECK,
            Duration.ofMillis(1500),
            true,
            OptionalInt.of(137),
            OptionalInt.of(9),
            Duration.ofMillis(6520),
            "tail");
    assertThat(e.getMessage())
        .isEqualTo(
            "plugin type=\"bridge\" (/usr/lib/cni/bridge) failed (check): did not finish within its"
                + " 1.500 s deadline; stopped with SIGTERM, then SIGKILL after the grace period"
                + " [after 6.520 s]");
  }

  @Test
  void theOperationsLayerCanReportAResultThatDoesNotDecode() {
    IllegalStateException cause = new IllegalStateException("bad ips[0]");
    PluginProtocolException e =
        new PluginProtocolException(
            "bridge", PATH, Verb.ADD, "result is not valid: bad ips[0]", cause);
    assertThat(e.getMessage())
        .isEqualTo(
            "plugin type=\"bridge\" (/usr/lib/cni/bridge) failed (add): protocol error: result is"
                + " not valid: bad ips[0]");
    assertThat(e.exitStatus()).hasValue(0);
    assertThat(e.elapsed()).isEmpty();
    assertThat(e.cniError()).isEmpty();
    assertThat(e.getCause()).isSameAs(cause);
  }

  @Test
  void exceptionsSurviveSerialization() throws Exception {
    PluginErrorException e =
        new PluginErrorException(
            "bridge",
            PATH,
            Verb.ADD,
            1,
            OptionalInt.empty(),
            Duration.ofMillis(3),
            "stderr",
            new CniError("1.0.0", 11, "busy", "later"),
            "{}");
    PluginErrorException copy = roundTrip(e);
    assertThat(copy.cniError()).contains(new CniError("1.0.0", 11, "busy", "later"));
    assertThat(copy.pluginPath()).isEqualTo(PATH);
    assertThat(copy.verb()).isEqualTo(Verb.ADD);
    assertThat(copy.stderrTail()).isEqualTo("stderr");
    assertThat(copy.elapsed()).contains(Duration.ofMillis(3));

    PluginNotFoundException nf =
        new PluginNotFoundException(
            "x", List.of(new PluginNotFoundException.Skipped("/a/x", "no such file")));
    assertThat(roundTrip(nf).skipped()).isEqualTo(nf.skipped());
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void notFoundQuotesOddLocations() {
    PluginNotFoundException e =
        new PluginNotFoundException(
            "bridge", List.of(new PluginNotFoundException.Skipped("", "empty entry, ignored")));
    assertThat(e.getMessage())
        .isEqualTo("plugin type=\"bridge\" not found in CNI_PATH (\"\": empty entry, ignored)");
    assertThat(new PluginNotFoundException("bridge", List.of()).getMessage())
        .isEqualTo("plugin type=\"bridge\" not found in CNI_PATH: CNI_PATH has no directory");
  }
}
