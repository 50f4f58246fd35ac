package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.Attachment;
import dev.jcni.CacheException;
import dev.jcni.CniClient;
import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.InvalidAttachmentException;
import dev.jcni.InvalidNameException;
import dev.jcni.PluginExecutionException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.config.ConfigLinter;
import dev.jcni.config.LintFinding;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PluginPath;
import dev.jcni.result.CniVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties over hostile configuration documents, through parsing and, when they parse, the whole
 * {@link CniClient} path (ADD, then CHECK and DEL when ADD succeeded), with canaries outside
 * CNI_PATH (see {@link Canaries}).
 *
 * <p>Two generators: documents built at random with wrong types, hostile strings, huge and deeply
 * nested values, duplicate keys and broken syntax at every key jcni reads; and the real-world
 * corpus ({@code testdata/real-world}) with byte-level mutations, its plugin types pointed at the
 * test plugin {@code ok} half the time so that the mutated configurations reach a plugin.
 *
 * <p>Invariants: no canary (nor the {@code trap}) ever runs; parsing throws nothing but {@link
 * ConfigException}, and refuses every number beyond the range of a float64 (the generator writes
 * {@code 1e400}), which the plugins, written in Go, cannot decode; the operations throw nothing but
 * {@link PluginNotFoundException}, {@link InvalidNameException} (a type the file system's encoding
 * cannot hold, in the C locale), the {@link PluginExecutionException} family and {@link
 * CacheException}; every message, and every finding of {@link ConfigLinter} on the document, is one
 * line of visible characters ({@link MessageText}); every try ends within its bound.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileConflistPropertyTest {
  static final int GENERATED_TRIES = 1500;
  static final int MUTATED_TRIES = 1500;
  private static final Duration PER_TRY = Duration.ofSeconds(20);

  /** The exceptions the operations may throw on a configuration that parsed. */
  private static final Set<Class<? extends CniException>> OPERATION_EXCEPTIONS =
      Set.of(
          PluginNotFoundException.class,
          InvalidNameException.class, // a type the file system's encoding cannot hold
          // a network name so long that its cache file name would pass 255 bytes
          InvalidAttachmentException.class,
          PluginExecutionException.class,
          CacheException.class);

  private static final Attachment ATTACHMENT =
      Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

  @TempDir Path tmp;
  private Canaries canaries;
  private final List<CniClient> clients = new ArrayList<>();

  @BeforeEach
  void layOut() throws Exception {
    canaries = new Canaries(tmp.resolve("root"));
    // "trap" may run when asked for by its exact name: the names test covers it; here it is
    // left out of the generated names, so that it must never run at all
    for (PluginLauncher launcher : Launchers.list()) {
      clients.add(
          CniClient.builder()
              .pluginPath(PluginPath.of(List.of(canaries.plugins())))
              .cacheDirectory(tmp.resolve("cache"))
              .launcher(launcher)
              .build());
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    canaries.close();
  }

  /** One document, whether it is a list or a single-plugin {@code .conf}, and the client to use. */
  record Doc(byte[] bytes, boolean conf, int client) {
    String describe() {
      String text = new String(bytes, StandardCharsets.UTF_8);
      return (conf ? "conf " : "list ")
          + bytes.length
          + " bytes: "
          + (text.length() > 600 ? text.substring(0, 600) + "..." : text);
    }
  }

  private List<String> targetsWithoutTrap() {
    List<String> targets = new ArrayList<>(canaries.targets());
    targets.remove("trap");
    return targets;
  }

  // ------------------------------------------------------------------ the check

  private String attempt(Doc doc) throws Exception {
    String outcome = operate(doc);
    assertThat(canaries.ran()).as("canaries that ran").isEmpty();
    assertThat(canaries.trapRanAndReset()).as("trap ran").isFalse();
    return outcome;
  }

  private String operate(Doc doc) throws Exception {
    lint(doc);
    NetworkConfigList list;
    try {
      list =
          doc.conf()
              ? NetworkConfigList.fromConf(PluginConfig.parse(doc.bytes()))
              : NetworkConfigList.parse(doc.bytes());
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isNotBlank();
      MessageText.assertPrintable(e);
      return "parse: " + e.getClass().getSimpleName();
    }
    // the generator writes 1e400 and -1e400: Go's plugins cannot decode them, so nothing that
    // holds one may parse
    assertThat(outOfFloat64Range(list.toJson())).as("a number beyond a float64").isEmpty();
    CniClient client = clients.get(doc.client());
    try {
      client.add(list, ATTACHMENT);
      if (list.version().atLeast(CniVersion.V0_4_0)) {
        client.check(list, ATTACHMENT); // CHECK does not exist before 0.4.0
      }
      client.delete(list, ATTACHMENT);
      return "ADD, CHECK, DEL ran";
    } catch (CniException e) {
      assertThat(OPERATION_EXCEPTIONS.stream().anyMatch(c -> c.isInstance(e)))
          .as("%s is not one of the documented exceptions: %s", e.getClass(), e.getMessage())
          .isTrue();
      MessageText.assertPrintable(e);
      return "operation: " + e.getClass().getSimpleName();
    }
  }

  /** The numbers of a tree that a float64 cannot hold, as text. */
  private static List<String> outOfFloat64Range(JsonNode node) {
    List<String> found = new ArrayList<>();
    if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
      found.add(node.asText());
    }
    node.elements().forEachRemaining(child -> found.addAll(outOfFloat64Range(child)));
    return found;
  }

  /**
   * Lints the document as a file: the linter has messages of its own (unquoted words, warnings),
   * and every finding must be one line of visible characters too.
   */
  private void lint(Doc doc) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("lint"));
    Path file = dir.resolve(doc.conf() ? "doc.conf" : "doc.conflist");
    Files.write(file, doc.bytes());
    for (LintFinding finding : ConfigLinter.create().lint(file)) {
      String line = finding.toString();
      assertThat(MessageText.unprintable(line))
          .as("unescaped characters in a lint finding: %s", PropertyCheck.escape(line, 1000))
          .isEmpty();
    }
  }

  // ------------------------------------------------------------------ generated documents

  @Test
  void generatedHostileDocumentsGiveOnlyDocumentedExceptionsAndRunNoCanary() throws Exception {
    List<String> targets = targetsWithoutTrap();
    PropertyCheck<Doc> property =
        new PropertyCheck<>(
            "generated hostile configurations",
            GENERATED_TRIES,
            PER_TRY,
            r -> {
              boolean conf = r.nextInt(8) == 0;
              return new Doc(new Generator(r, targets).document(conf), conf, r.nextInt(2));
            },
            Doc::describe);
    PropertyCheck.Figures figures = property.check(this::attempt);
    // the generator reaches every stage: refused files, refused plugins, plugins that ran
    assertThat(figures.outcomes())
        .containsKeys(
            "parse: ConfigException", "parse: InvalidNameException", "ADD, CHECK, DEL ran");
  }

  /** Builds one hostile document as text. */
  static final class Generator {
    private static final List<String> VERSIONS =
        List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    private static final List<String> BAD_VERSIONS =
        List.of(
            "", "1.0", "v1.0.0", "1.0.0\0", "99.99.99", "1.0.0-rc1", "01.0.0", " 1.0.0", "1.0.0.0");

    private final Random r;
    private final List<String> targets;

    Generator(Random r, List<String> targets) {
      this.r = r;
      this.targets = targets;
    }

    private boolean chance(int percent) {
      return r.nextInt(100) < percent;
    }

    byte[] document(boolean conf) {
      StringBuilder sb = new StringBuilder();
      List<String> members = new ArrayList<>();
      if (chance(90)) {
        members.add(member("cniVersion", chance(85) ? str(pick(VERSIONS)) : version()));
      }
      if (chance(10)) {
        members.add(member("cniVersions", chance(50) ? "[\"1.0.0\",\"1.1.0\"]" : value(3)));
      }
      if (chance(95)) {
        members.add(member("name", chance(85) ? "\"net\"" : nameValue()));
      }
      for (String flag : List.of("disableCheck", "disableGC", "loadOnlyInlinedPlugins")) {
        if (chance(5)) {
          members.add(
              member(
                  flag,
                  pick(
                      List.of(
                          "true",
                          "false",
                          "\"true\"",
                          "\"FALSE\"",
                          "\"yes\"",
                          "1",
                          "null",
                          value(2)))));
        }
      }
      if (conf) {
        members.add(member("type", typeValue())); // a single-plugin .conf: type at the top
      } else if (chance(97)) {
        members.add(member("plugins", plugins()));
      }
      while (chance(25)) {
        members.add(member(key(), value(4)));
      }
      if (chance(5) && !members.isEmpty()) {
        members.add(pick(members)); // a duplicate key
      }
      if (chance(3)) {
        // huge: above or below the 1 MiB cap
        members.add(member("pad", "\"" + "x".repeat(chance(50) ? 1_100_000 : 600_000) + "\""));
      }
      sb.append('{').append(String.join(",", members)).append('}');
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      return chance(8) ? breakSyntax(bytes) : bytes;
    }

    private String plugins() {
      int kind = r.nextInt(100);
      if (kind < 85) {
        List<String> plugins = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          plugins.add(chance(95) ? plugin() : value(3));
        }
        return "[" + String.join(",", plugins) + "]";
      }
      if (kind < 90) {
        return "[]";
      }
      return value(3);
    }

    private String plugin() {
      List<String> m = new ArrayList<>();
      if (chance(95)) {
        m.add(member("type", typeValue()));
      }
      if (chance(15)) {
        m.add(member("name", nameValue()));
      }
      if (chance(15)) {
        m.add(member("cniVersion", version()));
      }
      if (chance(10)) {
        m.add(
            member(
                "capabilities",
                chance(50) ? "{\"portMappings\":true,\"bandwidth\":false}" : value(3)));
      }
      if (chance(10)) {
        m.add(member("ipam", chance(50) ? "{\"type\":" + typeValue() + "}" : value(3)));
      }
      if (chance(8)) {
        m.add(
            member(
                "dns",
                chance(50)
                    ? "{\"nameservers\":[\"198.18.0.1\"],\"search\":" + value(2) + "}"
                    : value(3)));
      }
      for (String reserved :
          List.of(
              "prevResult",
              "runtimeConfig",
              "args",
              "cni.dev/valid-attachments",
              "cni.dev/attachments")) {
        if (chance(4)) {
          m.add(member(reserved, value(4)));
        }
      }
      while (chance(30)) {
        m.add(member(key(), value(5)));
      }
      if (chance(4) && !m.isEmpty()) {
        m.add(pick(m));
      }
      return "{" + String.join(",", m) + "}";
    }

    private String typeValue() {
      int kind = r.nextInt(100);
      if (kind < 60) {
        return "\"ok\"";
      }
      if (kind < 90) {
        return JsonText.string(HostileText.type(r, targets), r);
      }
      return value(2);
    }

    private String nameValue() {
      return chance(60) ? JsonText.string(HostileText.type(r, targets), r) : value(2);
    }

    private String version() {
      return chance(60) ? str(pick(BAD_VERSIONS)) : value(2);
    }

    private String key() {
      return chance(70)
          ? JsonText.string(
              pick(
                  List.of(
                      "mtu",
                      "bridge",
                      "isGateway",
                      "ipMasq",
                      "k",
                      "",
                      "type ",
                      "Type",
                      "TYPE",
                      "plugins")),
              true)
          : JsonText.string(HostileText.type(r, targets), r);
    }

    private String member(String key, String value) {
      return JsonText.string(key, true) + ":" + value;
    }

    private static String str(String s) {
      return JsonText.string(s, true);
    }

    private <T> T pick(List<T> list) {
      return HostileText.pick(r, list);
    }

    /** A JSON value: scalars of every kind, or containers down to {@code depth}; sometimes deep. */
    String value(int depth) {
      int kind = r.nextInt(100);
      if (kind < 3) {
        // a deep chain, around the 256-level limit
        int levels = 200 + r.nextInt(150);
        boolean arrays = r.nextBoolean();
        return (arrays ? "[" : "{\"a\":").repeat(levels)
            + "1"
            + (arrays ? "]" : "}").repeat(levels);
      }
      if (depth <= 0 || kind < 60) {
        return scalar();
      }
      int n = r.nextInt(4);
      List<String> items = new ArrayList<>();
      if (kind < 80) {
        for (int i = 0; i < n; i++) {
          items.add(value(depth - 1));
        }
        return "[" + String.join(",", items) + "]";
      }
      for (int i = 0; i < n; i++) {
        items.add(
            member(
                chance(50)
                    ? pick(List.of("type", "name", "cniVersion", "ips", "interfaces", "address"))
                    : key(),
                value(depth - 1)));
      }
      return "{" + String.join(",", items) + "}";
    }

    private String scalar() {
      switch (r.nextInt(12)) {
        case 0:
          return "null";
        case 1:
          return r.nextBoolean() ? "true" : "false";
        case 2:
          return Integer.toString(r.nextInt());
        case 3:
          return pick(
              List.of("1e400", "-1e400", "1E-400", "-0", "-0.0", "0.1", "1.50", "4.9e-324"));
        case 4:
          return pick(
              List.of(
                  "123456789012345678901234567890",
                  "-9223372036854775809",
                  "18446744073709551616"));
        case 5:
          return str(pick(VERSIONS));
        case 6:
          return str("198.18.0." + r.nextInt(300) + "/" + r.nextInt(40));
        case 7:
          return JsonText.string(HostileText.longRun(r), r);
        default:
          return JsonText.string(HostileText.type(r, targets), r);
      }
    }

    /** Breaks the syntax: truncation, garbage, comments, trailing commas, bad bytes. */
    private byte[] breakSyntax(byte[] bytes) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = bytes.length == 0 ? 0 : r.nextInt(bytes.length);
      switch (r.nextInt(8)) {
        case 0:
          out.write(bytes, 0, at); // truncated
          break;
        case 1:
          out.writeBytes(bytes);
          out.writeBytes(
              pick(List.of("x", "{}", "\0", " // comment", ",")).getBytes(StandardCharsets.UTF_8));
          break;
        case 2:
          out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}); // a BOM
          out.writeBytes(bytes);
          break;
        case 3:
          out.write(bytes, 0, at);
          out.writeBytes(
              pick(
                  List.of(
                      new byte[] {(byte) 0xff},
                      new byte[] {(byte) 0xc0, (byte) 0x80},
                      new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                      new byte[] {0})));
          out.write(bytes, at, bytes.length - at);
          break;
        case 4:
          out.write(bytes, 0, at);
          out.writeBytes(
              pick(List.of("/* c */", ",", "NaN", "'x'", "]", "}", "\""))
                  .getBytes(StandardCharsets.UTF_8));
          out.write(bytes, at, bytes.length - at);
          break;
        case 5:
          out.writeBytes(
              pick(List.of("[", "\"", "null", "[]", "1", "")).getBytes(StandardCharsets.UTF_8));
          break;
        case 6:
          out.writeBytes(bytes);
          out.writeBytes(bytes); // two documents
          break;
        default:
          out.writeBytes(
              new String(bytes, StandardCharsets.UTF_8)
                  .replace(",", ",,")
                  .getBytes(StandardCharsets.UTF_8));
          break;
      }
      return out.toByteArray();
    }
  }

  // ------------------------------------------------------------------ mutated real-world files

  private static final Pattern TYPE = Pattern.compile("(\"type\"\\s*:\\s*)\"[^\"]*\"");

  @Test
  void mutatedRealWorldConfigurationsGiveOnlyDocumentedExceptionsAndRunNoCanary() throws Exception {
    List<Path> corpus;
    try (Stream<Path> files = Files.walk(Testdata.root().resolve("real-world"))) {
      corpus =
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().endsWith(".md"))
              .sorted()
              .toList();
    }
    assertThat(corpus).hasSizeGreaterThan(50);
    List<byte[]> contents = new ArrayList<>();
    for (Path p : corpus) {
      contents.add(Files.readAllBytes(p));
    }
    List<String> targets = targetsWithoutTrap();
    PropertyCheck<Doc> property =
        new PropertyCheck<>(
            "mutated real-world configurations",
            MUTATED_TRIES,
            PER_TRY,
            r -> {
              int i = r.nextInt(corpus.size());
              byte[] bytes = contents.get(i);
              if (r.nextBoolean()) {
                Matcher m = TYPE.matcher(new String(bytes, StandardCharsets.UTF_8));
                bytes = m.replaceAll("$1\"ok\"").getBytes(StandardCharsets.UTF_8);
              }
              int mutations = r.nextInt(4); // none a quarter of the time: the corpus as it is
              for (int k = 0; k < mutations; k++) {
                bytes = mutate(r, bytes, targets);
              }
              String name = corpus.get(i).getFileName().toString();
              return new Doc(bytes, !name.contains(".conflist"), r.nextInt(2));
            },
            Doc::describe);
    PropertyCheck.Figures figures = property.check(this::attempt);
    assertThat(figures.outcomes()).containsKeys("parse: ConfigException", "ADD, CHECK, DEL ran");
  }

  private static byte[] mutate(Random r, byte[] in, List<String> targets) {
    if (in.length == 0) {
      return in;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = r.nextInt(in.length);
    int len = Math.min(in.length - at, 1 + r.nextInt(16));
    switch (r.nextInt(7)) {
      case 0: // delete a range
        out.write(in, 0, at);
        out.write(in, at + len, in.length - at - len);
        break;
      case 1: // duplicate a range
        out.write(in, 0, at + len);
        out.write(in, at, in.length - at);
        break;
      case 2: // flip a byte
        byte[] copy = in.clone();
        copy[at] ^= (byte) (1 << r.nextInt(8));
        return copy;
      case 3: // insert a hostile piece of text, raw
        out.write(in, 0, at);
        out.writeBytes(HostileText.type(r, targets).getBytes(StandardCharsets.UTF_8));
        out.write(in, at, in.length - at);
        break;
      case 4: // insert a hostile string value where a string was
        String text = new String(in, StandardCharsets.UTF_8);
        int quote = text.indexOf('"', Math.min(at, text.length() - 1));
        if (quote < 0) {
          return in;
        }
        return (text.substring(0, quote)
                + JsonText.string(HostileText.type(r, targets), r)
                + ","
                + text.substring(quote))
            .getBytes(StandardCharsets.UTF_8);
      case 5: // a type pointed at a target
        return TYPE.matcher(new String(in, StandardCharsets.UTF_8))
            .replaceFirst(
                Matcher.quoteReplacement(
                    "\"type\":" + JsonText.string(HostileText.type(r, targets), true)))
            .getBytes(StandardCharsets.UTF_8);
      default: // truncate
        out.write(in, 0, at);
        break;
    }
    return out.toByteArray();
  }
}
