package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jcni.ConfigException;
import dev.jcni.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files built to break a parser: each must give a clear ConfigException, nothing worse. */
class HostileInputTest {
  private static final Path FILE = Path.of("hostile.conflist");

  @TempDir Path tmp;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ConfigException rejected(byte[] bytes) {
    try {
      NetworkConfigList.parse(bytes, FILE);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(before));
    out.writeBytes(middle);
    out.writeBytes(utf8(after));
    return out.toByteArray();
  }

  @Test
  void nestingOneHundredThousandDeepIsAClearErrorAtTheFirstLevelTooDeep() {
    String prefix = "{\"name\": \"n\", \"x\": ";
    String open = "[".repeat(100_000);
    ConfigException e = rejected(utf8(prefix + open + "]".repeat(100_000) + "}"));
    assertThat(e.problem()).isEqualTo("JSON nests deeper than 256 levels");
    assertThat(e.file()).contains(FILE);
    assertThat(e.line()).hasValue(1);
    // the object is level 1, so the 256th "[" opens level 257
    assertThat(e.column()).hasValue(prefix.length() + 256);
  }

  @Test
  void unclosedDeepObjectsAndArraysAreClearErrors() {
    assertThat(rejected(utf8("{\"a\":".repeat(100_000))).problem())
        .isEqualTo("JSON nests deeper than 256 levels");
    assertThat(rejected(utf8("[".repeat(100_000))).problem())
        .isEqualTo("JSON nests deeper than 256 levels");
    assertThat(rejected(utf8("{\"a\":[".repeat(50_000))).problem())
        .isEqualTo("JSON nests deeper than 256 levels");
  }

  @Test
  void bracketsInsideStringsDoNotCountForTheDepthPosition() {
    String prefix = "{\"s\": \"[[[[{{{{\",\n\"x\": ";
    ConfigException e = rejected(utf8(prefix + "[".repeat(300)));
    assertThat(e.line()).hasValue(2);
    assertThat(e.column()).hasValue("\"x\": ".length() + 256);
  }

  @Test
  void nestingUpToTheLimitIsAccepted() throws ConfigException {
    // levels: object 1, plugins 2, plugin 3, then 253 arrays: 256 in all
    String deep = "[".repeat(253) + "]".repeat(253);
    NetworkConfigList l =
        NetworkConfigList.parse(
            utf8("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"deep\":" + deep + "}]}"));
    assertThat(l.plugins().get(0).json().get("deep").isArray()).isTrue();
    String tooDeep = "[".repeat(254) + "]".repeat(254);
    assertThat(
            rejected(
                    utf8(
                        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"deep\":" + tooDeep + "}]}"))
                .problem())
        .isEqualTo("JSON nests deeper than " + Json.MAX_NESTING_DEPTH + " levels");
  }

  @Test
  void documentOverTheSizeCapIsRejectedWithoutParsing() throws ConfigException {
    String head = "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}],\"pad\":\"";
    int exact = ConfigParser.DEFAULT_MAX_BYTES - head.length() - 2;
    byte[] atCap = utf8(head + "x".repeat(exact) + "\"}");
    assertThat(atCap).hasSize(ConfigParser.DEFAULT_MAX_BYTES);
    assertThat(NetworkConfigList.parse(atCap).name()).isEqualTo("n");
    byte[] overCap = utf8(head + "x".repeat(exact + 1) + "\"}");
    ConfigException e = rejected(overCap);
    assertThat(e.problem()).isEqualTo("is 1048577 bytes, more than the limit of 1048576");
    assertThat(e.line()).isEmpty();
  }

  @Test
  void sizeCapIsConfigurable() throws ConfigException {
    ConfigParser small = ConfigParser.withMaxBytes(60);
    byte[] doc = utf8("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}]}");
    assertThat(small.parseList(doc, null).name()).isEqualTo("n");
    byte[] bigger =
        utf8("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}],\"pad\":\"" + "x".repeat(30) + "\"}");
    assertThatThrownBy(() -> small.parseList(bigger, null)).hasMessageContaining("limit of 60");
    assertThatThrownBy(() -> small.parsePlugin(bigger, null)).hasMessageContaining("limit of 60");
    assertThat(small.maxBytes()).isEqualTo(60);
    assertThatThrownBy(() -> ConfigParser.withMaxBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigParser.withMaxBytes(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hugeSparseFileIsRejectedAfterReadingOnlyTheCap() throws IOException {
    Path file = tmp.resolve("huge.conflist");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(8L * 1024 * 1024 * 1024); // 8 GiB of holes: reading it whole would not fit
    }
    ConfigException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> {
              try {
                NetworkConfigList.fromFile(file);
              } catch (ConfigException ce) {
                return ce;
              }
              throw new AssertionError("accepted");
            });
    assertThat(e.problem()).isEqualTo("is larger than the limit of 1048576 bytes");
    assertThat(e.file()).contains(file);
  }

  @Test
  void devicesAndFifosAreNotRead() throws Exception {
    Path fifo = tmp.resolve("fifo.conflist");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    for (Path p : List.of(fifo, Path.of("/dev/zero"), tmp)) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(() -> NetworkConfigList.fromFile(p))
                  .isInstanceOf(ConfigException.class)
                  .hasMessage(p + ": is not a regular file"));
    }
    // in a directory, the FIFO is one problem among good networks, and does not block the listing
    Files.writeString(
        tmp.resolve("10-good.conflist"), "{\"name\":\"good\",\"plugins\":[{\"type\":\"b\"}]}");
    ConfigDirectory.Listing listing =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ConfigDirectory.of(tmp).listAll());
    assertThat(listing.networks()).extracting(NetworkConfigList::name).containsExactly("good");
    assertThat(listing.problems()).hasSize(1);
  }

  @Test
  void duplicateKeysAreRejectedAtEveryLevel() {
    ConfigException top =
        rejected(utf8("{\n\"name\": \"a\",\n\"name\": \"b\",\n\"plugins\": [{\"type\": \"b\"}]}"));
    assertThat(top.problem()).contains("Duplicate field 'name'");
    assertThat(top.line()).hasValue(3);
    ConfigException nested =
        rejected(
            utf8(
                "{\"name\": \"a\",\n"
                    + "\"plugins\": [\n"
                    + "{\"type\": \"b\",\n"
                    + " \"ipam\": {\"x\": 1, \"x\": 2}}]}"));
    assertThat(nested.problem()).contains("Duplicate field 'x'");
    assertThat(nested.line()).hasValue(4);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "80", // a continuation byte without a lead
        "C3", // a lead byte without its continuation
        "C080", // overlong NUL
        "C1BF", // overlong
        "E08080", // overlong
        "EDA080", // a UTF-16 surrogate
        "F4908080", // above U+10FFFF
        "F5808080", // never valid
        "FF"
      })
  void invalidUtf8IsRejectedWithItsPosition(String hex) {
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    ConfigException e = rejected(concat("{\n  \"name\": \"", bad, "\", \"plugins\": []}"));
    assertThat(e.problem()).startsWith("is not valid UTF-8 (byte 0x" + hex.substring(0, 2) + ")");
    assertThat(e.line()).hasValue(2);
    assertThat(e.column()).hasValue("  \"name\": \"".length() + 1);
  }

  @Test
  void validMultiByteUtf8IsAccepted() throws ConfigException {
    byte[] text =
        utf8(
            "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\","
                + "\"s\":\"\u00e9\u2615\uD83D\uDE00\u07FF\uFFFD\"}]}");
    assertThat(NetworkConfigList.parse(text).plugins().get(0).json().get("s").textValue())
        .isEqualTo("\u00e9\u2615\uD83D\uDE00\u07FF\uFFFD");
  }

  @Test
  void nulBytesAreRejectedInsideAndOutsideStrings() {
    ConfigException inString = rejected(concat("{\"name\": \"a", new byte[] {0}, "\"}"));
    assertThat(inString.problem()).isEqualTo("contains a NUL byte");
    assertThat(inString.column()).hasValue("{\"name\": \"a".length() + 1);
    ConfigException outside = rejected(concat("{\n", new byte[] {0}, "}"));
    assertThat(outside.problem()).isEqualTo("contains a NUL byte");
    assertThat(outside.line()).hasValue(2);
    assertThat(outside.column()).hasValue(1);
  }

  @Test
  void utf16AndByteOrderMarksAreNotUtf8Json() {
    byte[] doc =
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}]}".getBytes(StandardCharsets.UTF_16BE);
    assertThat(rejected(doc).problem()).isEqualTo("contains a NUL byte");
    ConfigException bom =
        rejected(
            concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"name\":\"n\"}"));
    assertThat(bom.problem()).startsWith("starts with a UTF-8 byte order mark");
    assertThat(bom.line()).hasValue(1);
  }

  @Test
  void trailingDataEmptyDocumentsAndNonObjectsAreRejected() {
    ConfigException trailing =
        rejected(utf8("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}]}\n{}"));
    assertThat(trailing.problem()).isEqualTo("unexpected text after the end of the JSON object");
    assertThat(trailing.line()).hasValue(2);
    assertThat(rejected(utf8("")).problem()).isEqualTo("is empty: expected a JSON object");
    assertThat(rejected(utf8(" \n\t")).problem()).isEqualTo("is empty: expected a JSON object");
    assertThat(rejected(utf8("[]")).problem()).isEqualTo("must be a JSON object, not an array");
    assertThat(rejected(utf8("\"x\"")).problem()).isEqualTo("must be a JSON object, not a string");
    assertThat(rejected(utf8("null")).problem()).isEqualTo("must be a JSON object, not null");
  }

  @Test
  void overlongNumbersAndStringsAreBoundedErrors() {
    ConfigException number = rejected(utf8("{\"name\":\"n\",\"x\":" + "9".repeat(5000) + "}"));
    assertThat(number.problem()).startsWith("not valid JSON:");
    ConfigParser roomy = ConfigParser.withMaxBytes((int) Json.MAX_DOCUMENT_LENGTH);
    byte[] longString =
        utf8("{\"name\":\"n\",\"x\":\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}");
    assertThatThrownBy(() -> roomy.parseList(longString, FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":");
  }

  @Test
  void lintReportsHostileFilesAsFindings() throws IOException {
    Path deep = tmp.resolve("deep.conflist");
    Files.writeString(deep, "[".repeat(100_000));
    Path nul = tmp.resolve("nul.conf");
    Files.write(nul, concat("{\"name\": \"", new byte[] {0}, "\"}"));
    List<LintFinding> findings = ConfigLinter.create().lint(List.of(deep, nul));
    assertThat(findings)
        .extracting(LintFinding::toString)
        .containsExactly(
            deep + ":1:257: error: JSON nests deeper than 256 levels",
            deep
                + ":1:100001: error: unexpected end of file: the array opened at line 1, column"
                + " 100000 is not closed",
            nul + ":1:11: error: contains a NUL byte");
  }

  @Test
  void lintOfAFileFullOfProblemsIsBoundedInTimeAndOutput() throws IOException {
    Path comments = tmp.resolve("comments.conf");
    Files.writeString(
        comments, "{\"name\": \"n\", \"type\": \"b\"\n" + "//x\n".repeat(200_000) + "}");
    StringBuilder plugins =
        new StringBuilder("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[");
    for (int i = 0; i < 30_000; i++) {
      plugins.append(i == 0 ? "" : ",").append("{\"type\":\"b\",\"args\":{}}");
    }
    Path reserved = tmp.resolve("reserved.conflist");
    Files.writeString(reserved, plugins.append("]}"));
    List<LintFinding> findings =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> ConfigLinter.create().lint(List.of(comments, reserved)));
    for (Path file : List.of(comments, reserved)) {
      List<LintFinding> mine =
          findings.stream().filter(f -> f.file().equals(file)).collect(Collectors.toList());
      assertThat(mine).hasSize(ConfigLinter.MAX_FINDINGS_PER_FILE + 1);
      assertThat(mine.get(mine.size() - 1).toString())
          .isEqualTo(file + ": error: more than 100 problems; the rest are not shown");
    }
  }
}
