package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.jcni.ConfigException;
import dev.jcni.InvalidNameException;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginInvocation;
import dev.jcni.invoke.PluginPath;
import dev.jcni.invoke.Verb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Untrusted text in every kind of message is escaped when it is not visible text: a type, a
 * location, a configuration value, a plugin's output. Found by the hostile-input properties: a
 * right-to-left override or a zero-width character made a plugin type read as another, and U+FFFF
 * in a logged message made the test report XML unreadable (XML 1.0 cannot carry it).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExceptionMessagesTest {
  @TempDir Path tmp;

  /** The character inside a name, and its escape as messages must show it. */
  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(String.format("\\u%04x", (int) c));
    }
    return sb.toString();
  }

  private static void assertEscaped(Throwable e, String character) {
    assertThat(e).isNotNull();
    MessageText.assertPrintable(e);
    assertThat(e.getMessage()).contains(escaped(character));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u202e", // right-to-left override
        "\u200b", // zero width space
        "\ufeff", // byte order mark
        "\u2028", // line separator
        "\uffff", // noncharacter
        "\ufdd0", // noncharacter
        "\udbff\udfff", // U+10FFFF, a noncharacter beyond the BMP
        "\ud800" // unpaired surrogate
      })
  void invisibleAndNonCharactersAreEscapedInEveryMessage(String character) throws Exception {
    // a plugin type that passes the name rule but is not found: type and location are quoted
    String type = "bridge" + character;
    Throwable notFound = catchThrowable(() -> PluginPath.of(List.of(tmp)).find(type));
    if (character.equals("\ud800")) {
      assertThat(notFound).isInstanceOf(InvalidNameException.class); // refused by the name rule
    } else {
      assertThat(notFound).isInstanceOf(PluginNotFoundException.class);
    }
    assertEscaped(notFound, character);

    // a network name that breaks the rule: quoted by ConfigException
    Throwable badName =
        catchThrowable(
            () ->
                NetworkConfigList.parse(
                    ("{\"name\":\"net" + character + "\",\"plugins\":[{\"type\":\"b\"}]}")
                        .getBytes(StandardCharsets.UTF_8)));
    assertThat(badName).isInstanceOf(InvalidNameException.class);
    if (!character.equals("\ud800")) { // raw UTF-8 cannot carry an unpaired surrogate
      assertEscaped(badName, character);
    }

    // a word the parser cannot read: quoted by the configuration's messages
    Throwable unquoted =
        catchThrowable(
            () ->
                NetworkConfigList.parse(
                    ("{\n  " + "k" + character + ": 1}").getBytes(StandardCharsets.UTF_8)));
    assertThat(unquoted).isInstanceOf(ConfigException.class);
    MessageText.assertPrintable(unquoted);

    // a plugin's output in a failure: quoted excerpt
    Path plugin =
        Testdata.script(
            tmp.resolve("bin/noisy"),
            "cat > /dev/null\nprintf 'out%s.' \"$(printf '"
                + utf8Octal(character)
                + "')\"\nexit 3\n");
    Throwable failed =
        catchThrowable(
            () ->
                new PluginExecutor()
                    .execute(
                        PluginPath.of(List.of(plugin.getParent())).find("noisy"),
                        PluginInvocation.of(
                            Verb.ADD, "c1", "", "eth0", "", tmp.toString(), new byte[0])));
    assertThat(failed).isInstanceOf(PluginErrorException.class);
    if (!character.equals("\ud800")) {
      assertEscaped(failed, character);
    }
  }

  /** The UTF-8 bytes of a string as printf octal escapes. */
  private static String utf8Octal(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      sb.append(String.format("\\%03o", b & 0xff));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"caf\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "ok"})
  void visibleTextIsKeptAsItIs(String visible) throws Exception {
    Throwable notFound = catchThrowable(() -> PluginPath.of(List.of(tmp)).find(visible));
    assertThat(notFound).isInstanceOf(PluginNotFoundException.class);
    assertThat(notFound.getMessage()).contains("\"" + visible + "\"");
    assertThat(Files.exists(tmp)).isTrue();
  }
}
