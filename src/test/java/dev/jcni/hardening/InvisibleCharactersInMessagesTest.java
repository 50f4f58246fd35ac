package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.ConfigException;
import dev.jcni.InvalidAttachmentException;
import dev.jcni.InvalidNameException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.config.ConfigLinter;
import dev.jcni.config.LintFinding;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.invoke.PluginPath;
import dev.jcni.result.CniVersion;
import dev.jcni.result.MalformedResultException;
import dev.jcni.result.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invisible characters that reached messages raw after the first escaping fix, found by {@link
 * HostileConflistPropertyTest} on fresh seeds: Jackson's own words (a duplicate key, an unexpected
 * character, an unrecognised token or escape) quote the document, and the linter's words for an
 * unquoted shell variable quoted the word as it was. Each is fed the next line (U+0085), a
 * right-to-left override (U+202E), a zero width space (U+200B), the line separator (U+2028) and a
 * noncharacter (U+FFFE): the message must hold the escape, and none of these characters raw.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InvisibleCharactersInMessagesTest {
  /** Every character that the escaping must catch, raw; the parameters add one at a time. */
  private static final List<String> INVISIBLE =
      List.of("\u0085", "\u202e", "\u200b", "\u2028", "\ufffe");

  @TempDir Path tmp;

  /** Each character with its escape as messages must show it, written out by hand. */
  static Stream<Arguments> characters() {
    return Stream.of(
        Arguments.of("\u0085", "\\u0085"),
        Arguments.of("\u202e", "\\u202e"),
        Arguments.of("\u200b", "\\u200b"),
        Arguments.of("\u2028", "\\u2028"),
        Arguments.of("\ufffe", "\\ufffe"));
  }

  private static void assertNoneRaw(String text) {
    for (String c : INVISIBLE) {
      assertThat(text)
          .as("U+%04X raw in: %s", (int) c.charAt(0), PropertyCheck.escape(text, 1000))
          .doesNotContain(c);
    }
    assertThat(MessageText.unprintable(text)).isEmpty();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Jackson's own message for a document, read directly: what jcni must not pass on raw. */
  private static String jacksonMessage(String document) {
    try {
      Json.mapper().readTree(utf8(document));
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("Jackson read " + PropertyCheck.escape(document, 200));
  }

  // ------------------------------------------------------------------ (a) a duplicate key

  @ParameterizedTest
  @MethodSource("characters")
  void duplicateKeyIsNamedEscapedWithItsFileAndPosition(String c, String escaped) {
    String document =
        "{\n"
            + "  \"cniVersion\": \"1.0.0\",\n"
            + "  \"name\": \"net\",\n"
            + "  \"k"
            + c
            + "\": 1,\n"
            + "  \"k"
            + c
            + "\": 2,\n"
            + "  \"plugins\": [{\"type\": \"ok\"}]\n"
            + "}\n";
    // the oracle: Jackson itself names the key raw
    assertThat(jacksonMessage(document)).contains("Duplicate field 'k" + c + "'");

    Throwable e =
        catchThrowable(() -> NetworkConfigList.parse(utf8(document), Path.of("dup.conflist")));

    assertThat(e).isInstanceOf(ConfigException.class);
    String message = e.getMessage();
    assertNoneRaw(message);
    assertThat(message)
        .startsWith("dup.conflist:5:")
        .contains("Duplicate field 'k" + escaped + "'");
    assertThat(((ConfigException) e).line()).hasValue(5);
    assertNoneRaw(((ConfigException) e).problem());
    assertNoneRaw(((ConfigException) e).detail());
  }

  @ParameterizedTest
  @MethodSource("characters")
  void duplicateKeyInAPluginIsNamedEscaped(String c, String escaped) {
    String document =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"ok\",\"x"
            + c
            + "\":1,\"x"
            + c
            + "\":2}]}";

    Throwable e = catchThrowable(() -> NetworkConfigList.parse(utf8(document)));

    assertThat(e).isInstanceOf(ConfigException.class);
    assertNoneRaw(e.getMessage());
    assertThat(e.getMessage()).contains("Duplicate field 'x" + escaped + "'");
  }

  // ------------------------------------------------------------------ (b) an unexpected character

  @ParameterizedTest
  @MethodSource("characters")
  void unexpectedCharacterInJsonIsShownEscaped(String c, String escaped) {
    // where Jackson quotes the character it did not expect: an escape it does not know, the start
    // of a value, a token; in a configuration file and in a plugin's output
    List<String> configs =
        List.of(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"n\\" + c + "\",\"plugins\":[{\"type\":\"ok\"}]}",
            "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"ok\"}],\"x\":["
                + c
                + "]}");
    List<String> results =
        List.of(
            "{\"cniVersion\":\"1.1.0\",\"dns\":{\"domain\":\"\\" + c + "\"}}",
            "{\"cniVersion\":\"1.1.0\",\"ips\":[" + c + "]}",
            "{\"cniVersion\":\"1.1.0\",\"ips\":x" + c + "}");
    List<String> shownEscaped = new ArrayList<>();

    for (String document : configs) {
      Throwable e =
          catchThrowable(() -> NetworkConfigList.parse(utf8(document), Path.of("c.conf")));
      assertThat(e).isInstanceOf(ConfigException.class);
      assertThat(e.getMessage()).startsWith("c.conf:1:");
      check(document, e.getMessage(), c, escaped, shownEscaped);
    }
    for (String document : results) {
      Throwable e = catchThrowable(() -> Result.decode(utf8(document), CniVersion.V1_1_0));
      assertThat(e).isInstanceOf(MalformedResultException.class);
      assertThat(e.getMessage()).contains("not valid JSON");
      check(document, e.getMessage(), c, escaped, shownEscaped);
    }

    // at least one message per source showed the character, escaped: the check above is not empty
    assertThat(shownEscaped)
        .anyMatch(s -> s.startsWith("c.conf"))
        .anyMatch(s -> !s.startsWith("c.conf"));
  }

  /**
   * No raw character; the escape wherever Jackson's own message (or the configuration scanner,
   * which reads the same word) quoted the character.
   */
  private static void check(
      String document, String message, String c, String escaped, List<String> shownEscaped) {
    assertNoneRaw(message);
    if (jacksonMessage(document).contains(c)) {
      assertThat(message).contains(escaped);
    }
    if (message.contains(escaped)) {
      shownEscaped.add(message);
    }
  }

  // ------------------------------------------------------------------ (c) lint findings

  @ParameterizedTest
  @MethodSource("characters")
  void lintFindingsShowTheCharacterEscaped(String c, String escaped) throws Exception {
    Path file = tmp.resolve("net.conflist");
    Files.writeString(
        file,
        "{\n"
            + "  \"cniVersion\": \"1.0.0\",\n"
            + "  \"name\": \"net\",\n"
            + "  \"mtu\": $MTU"
            + c
            + ",\n"
            + "  \"plugins\": [{\"type\": \"ok\", \"cniVersion\": \"9.9"
            + c
            + "\", \"cni.dev/x"
            + c
            + "\": true}]\n"
            + "}\n",
        StandardCharsets.UTF_8);

    List<LintFinding> findings = ConfigLinter.create().lint(file);

    for (LintFinding f : findings) {
      assertNoneRaw(f.toString());
      assertNoneRaw(f.message());
    }
    assertThat(findings)
        .anySatisfy(
            f -> {
              assertThat(f.isError()).isTrue();
              assertThat(f.line()).isEqualTo(4);
              assertThat(f.column()).isEqualTo(10);
              assertThat(f.message())
                  .isEqualTo(
                      "unquoted shell variable \"$MTU" + escaped + "\": substitute it before use");
            });
    assertThat(findings)
        .filteredOn(f -> !f.isError())
        .anySatisfy(f -> assertThat(f.message()).contains("\"cni.dev/x" + escaped + "\""))
        .anySatisfy(f -> assertThat(f.message()).contains("\"9.9" + escaped + "\""));
  }

  @ParameterizedTest
  @MethodSource("characters")
  void lintFindingOfAFileNamedWithTheCharacterQuotesTheName(String c, String escaped)
      throws Exception {
    Path file;
    try {
      file = tmp.resolve("net" + c + ".conflist");
    } catch (InvalidPathException e) {
      // a JVM whose file names are not UTF-8 (the C locale) cannot even name such a file
      assertThat(System.getProperty("sun.jnu.encoding")).isNotEqualToIgnoringCase("UTF-8");
      return;
    }
    Files.writeString(file, "{\"name\": \"net\", \"plugins\": [{\"type\": \"ok\"}]}");

    List<LintFinding> findings = ConfigLinter.create().lint(tmp);

    assertThat(findings).isNotEmpty(); // no cniVersion: a warning
    for (LintFinding f : findings) {
      assertNoneRaw(f.toString());
      assertThat(f.toString()).startsWith("\"" + tmp + "/net" + escaped + ".conflist\":");
    }
  }

  // ------------------------------------------------------------------ (d) a plugin type

  @ParameterizedTest
  @MethodSource("characters")
  void pluginTypeIsQuotedEscapedWhereverAMessageNamesIt(String c, String escaped) {
    String type = "bridge" + c;

    // looked up on CNI_PATH: not found, or refused by the name rule (U+0085 is a control; in the C
    // locale, no non-ASCII name can be a file name)
    Throwable lookup = catchThrowable(() -> PluginPath.of(List.of(tmp)).find(type));
    assertThat(lookup).isInstanceOfAny(InvalidNameException.class, PluginNotFoundException.class);
    assertNoneRaw(lookup.getMessage());
    assertThat(lookup.getMessage()).contains("\"bridge" + escaped + "\"");

    // named as the place of another problem in a configuration
    Throwable config =
        catchThrowable(
            () ->
                NetworkConfigList.parse(
                    utf8(
                        "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"bridge"
                            + c
                            + "\",\"capabilities\":1}]}")));
    assertThat(config).isInstanceOf(ConfigException.class);
    assertNoneRaw(config.getMessage());
    assertThat(config.getMessage()).contains("\"bridge" + escaped + "\"");
  }

  // ------------------------------------------------------------------ the caller's values

  @ParameterizedTest
  @MethodSource("characters")
  void interfaceNameIsEscapedInTheMessagesOfAnOperation(String c, String escaped) throws Exception {
    CniClient client =
        CniClient.builder()
            .pluginPath(PluginPath.of(List.of(tmp)))
            .cacheDirectory(tmp.resolve("cache"))
            .build();
    NetworkConfigList list =
        NetworkConfigList.parse(
            utf8("{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"none\"}]}"));
    Attachment attachment = Attachment.builder("c1", "e" + c).netns("/var/run/netns/x").build();

    Throwable e = catchThrowable(() -> client.add(list, attachment));

    // white space (U+0085, U+2028) is refused as libcni refuses it; the others name a plugin that
    // is not there, in the operation's context
    assertThat(e).isInstanceOfAny(InvalidAttachmentException.class, PluginNotFoundException.class);
    assertNoneRaw(e.getMessage());
    assertThat(e.getMessage()).contains("e" + escaped);
  }
}
