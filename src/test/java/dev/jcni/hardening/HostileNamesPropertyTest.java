package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.ConfigException;
import dev.jcni.InvalidNameException;
import dev.jcni.PluginNotFoundException;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PluginPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties over hostile plugin {@code type} values and CNI_PATH values, through parsing and the
 * whole {@link CniClient#add} path, with canaries outside CNI_PATH (see {@link Canaries}).
 *
 * <p>Invariants: no canary ever runs; the plugin named {@code trap} runs exactly when a type is
 * exactly {@code "trap"}; a type holding a separator, NUL or {@code ..} is refused by the parser
 * with {@link InvalidNameException}; the only exceptions are {@link ConfigException} (and its
 * {@link InvalidNameException}) from parsing, and from ADD {@link PluginNotFoundException} or
 * {@link InvalidNameException} for a name the file system's encoding cannot hold (in a JVM started
 * in the C locale); every message is one line of visible characters ({@link MessageText}); every
 * try ends within its bound (and the whole test within its {@code @Timeout}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileNamesPropertyTest {
  static final int TYPE_TRIES = 3000;
  static final int CNI_PATH_TRIES = 600;
  private static final Duration PER_TRY = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private Canaries canaries;
  private final List<CniClient> clients = new ArrayList<>();

  @BeforeEach
  void layOut() throws Exception {
    canaries = new Canaries(tmp.resolve("root"));
    for (PluginLauncher launcher : Launchers.list()) {
      clients.add(client(PluginPath.of(List.of(canaries.plugins())), launcher));
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    canaries.close();
  }

  private CniClient client(PluginPath path, PluginLauncher launcher) throws Exception {
    return CniClient.builder()
        .pluginPath(path)
        .cacheDirectory(tmp.resolve("cache"))
        .launcher(launcher)
        .build();
  }

  private static final Attachment ATTACHMENT =
      Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

  /** Where a hostile type sits in a configuration. */
  enum Shape {
    /** {@code plugins: [{type}]} in a list. */
    LIST,
    /** A single-plugin {@code .conf}. */
    CONF,
    /** {@code plugins: [{type: ok}, {type}]}: the hostile plugin comes second. */
    CHAIN,
    /** {@code ipam.type} of the {@code ok} plugin. */
    IPAM
  }

  record TypeCase(String type, Shape shape, boolean asciiJson, int client) {
    /** The type as the parser reads it: raw UTF-8 cannot carry an unpaired surrogate ("?"). */
    String parsedType() {
      return asciiJson
          ? type
          : new String(type.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
  }

  private static byte[] document(TypeCase c) {
    String t = JsonText.string(c.type(), c.asciiJson());
    String json;
    switch (c.shape()) {
      case CONF:
        json = "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":" + t + "}";
        break;
      case CHAIN:
        json =
            "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"ok\"},{\"type\":"
                + t
                + "}]}";
        break;
      case IPAM:
        json =
            "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"ok\","
                + "\"ipam\":{\"type\":"
                + t
                + "}}]}";
        break;
      case LIST:
      default:
        json = "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":" + t + "}]}";
        break;
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** What the parser must refuse whatever else the rules say: separators, NUL, dot names. */
  private static boolean plainlyNotAFileName(String type) {
    return type.isEmpty()
        || type.equals(".")
        || type.equals("..")
        || type.indexOf('/') >= 0
        || type.indexOf('\\') >= 0
        || type.indexOf('\0') >= 0;
  }

  @Test
  void noHostileTypeRunsAnythingButThePluginOfExactlyThatName() throws Exception {
    List<String> targets = canaries.targets();
    PropertyCheck<TypeCase> property =
        new PropertyCheck<>(
            "hostile plugin types",
            TYPE_TRIES,
            PER_TRY,
            (Random r) -> {
              // one try in twenty asks for a real plugin by its exact name: the control
              String type =
                  r.nextInt(20) == 0
                      ? HostileText.pick(r, List.of("ok", "trap"))
                      : typeFrom(r, targets);
              return new TypeCase(
                  type,
                  HostileText.pick(r, List.of(Shape.values())),
                  r.nextBoolean(),
                  r.nextInt(2));
            },
            c -> c.shape() + " " + c.type() + " (client " + c.client() + ")");
    PropertyCheck.Figures figures =
        property.check(
            c -> {
              String outcome = attemptType(c);
              assertThat(canaries.ran()).as("canaries that ran").isEmpty();
              return outcome;
            });
    assertThat(figures.outcomes()).containsKeys("ran ok", "ran trap", "InvalidNameException");
  }

  private static String typeFrom(Random r, List<String> targets) {
    String type = HostileText.type(r, targets);
    return type.equals("ok") || type.equals("trap") ? type + "\0" : type;
  }

  private String attemptType(TypeCase c) throws Exception {
    byte[] doc = document(c);
    // the ipam type is never run by jcni; the plugin "ok" is
    String runs = c.shape() == Shape.IPAM ? "ok" : c.parsedType();
    boolean exists = runs.equals("ok") || runs.equals("trap");
    NetworkConfigList list;
    try {
      list =
          c.shape() == Shape.CONF
              ? NetworkConfigList.fromConf(PluginConfig.parse(doc))
              : NetworkConfigList.parse(doc);
    } catch (InvalidNameException e) {
      assertThat(e.kind()).isEqualTo(InvalidNameException.Kind.PLUGIN_TYPE);
      assertThat(e.value()).isEqualTo(c.parsedType());
      MessageText.assertPrintable(e);
      assertThat(canaries.trapRanAndReset()).isFalse();
      return "InvalidNameException";
    }
    assertThat(plainlyNotAFileName(c.parsedType())).as("accepted by the parser").isFalse();
    try {
      clients.get(c.client()).add(list, ATTACHMENT);
    } catch (InvalidNameException e) {
      // a name the file system's encoding cannot hold (a JVM started in the C locale, say)
      assertThat(e.kind()).isEqualTo(InvalidNameException.Kind.PLUGIN_TYPE);
      assertThat(e.value()).isEqualTo(c.parsedType());
      assertThat(e.getMessage()).contains("is not a valid file name here");
      MessageText.assertPrintable(e);
      assertThat(canaries.trapRanAndReset()).isFalse();
      return "InvalidNameException at lookup";
    } catch (PluginNotFoundException e) {
      assertThat(exists).as("%s exists but was not found: %s", runs, e.getMessage()).isFalse();
      assertThat(e.pluginType()).isEqualTo(c.parsedType());
      MessageText.assertPrintable(e);
      assertThat(canaries.trapRanAndReset()).isFalse();
      return "PluginNotFoundException";
    }
    assertThat(exists).as("ADD of a type that does not exist succeeded").isTrue();
    assertThat(canaries.trapRanAndReset()).as("trap ran").isEqualTo(runs.equals("trap"));
    return "ran " + runs;
  }

  // ------------------------------------------------------------------ CNI_PATH

  /** One CNI_PATH entry and whether it names the plugin directory itself. */
  record Entry(String text, boolean isPluginDir) {}

  /** Entries a CNI_PATH might hold; only those marked reach the plugin directory. */
  private List<Entry> entries() {
    String plugins = canaries.plugins().toString();
    String root = canaries.root().toString();
    List<Entry> e = new ArrayList<>();
    for (String dir :
        List.of(plugins, plugins + "/", plugins + "//", plugins + "/.", root + "/./plugins")) {
      e.add(new Entry(dir, true));
    }
    for (String bad :
        List.of(
            "",
            ".",
            "./",
            "..",
            "../",
            "target",
            canaries.relativeDir(),
            "./" + canaries.relativeDir(),
            canaries.relativeDir() + "/",
            "~",
            "$HOME",
            root + "/nowhere/../outside", // the kernel cannot resolve it: must not be normalised
            root + "/nowhere/..",
            plugins + "/nowhere/../../outside",
            root + "/outside\0",
            root + "\0/outside",
            plugins + "\0",
            root + "/outside\n",
            root + "/outside ",
            " " + root + "/outside",
            root + "/\uff4f\uff55\uff54\uff53\uff49\uff44\uff45", // fullwidth "outside"
            root + "/OUTSIDE",
            root + "/canary", // a file, not a directory
            root + "/outside/canary",
            "C:\\outside",
            "\\" + root + "\\outside")) {
      e.add(new Entry(bad, false));
    }
    return e;
  }

  record PathCase(List<Entry> entries, String separatorNoise, String type, int launcher) {
    String cniPath() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) {
          sb.append(':').append(separatorNoise);
        }
        sb.append(entries.get(i).text());
      }
      return sb.toString();
    }

    boolean reachesPlugins() {
      // noise after a separator makes every later entry relative, except one more separator
      boolean laterEntriesCount = separatorNoise.isEmpty() || separatorNoise.equals(":");
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).isPluginDir() && (i == 0 || laterEntriesCount)) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  void noHostileCniPathReachesACanary() throws Exception {
    List<Entry> all = entries();
    PropertyCheck<PathCase> property =
        new PropertyCheck<>(
            "hostile CNI_PATH values",
            CNI_PATH_TRIES,
            PER_TRY,
            (Random r) -> {
              int n = 1 + r.nextInt(5);
              List<Entry> chosen = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                chosen.add(HostileText.pick(r, all));
              }
              String noise =
                  r.nextInt(4) == 0 ? HostileText.pick(r, List.of(":", " ", ";", "\0")) : "";
              String type = HostileText.pick(r, List.of("canary", canaries.cwdName(), "ok"));
              return new PathCase(chosen, noise, type, r.nextInt(2));
            },
            c -> "type " + c.type() + " CNI_PATH " + c.cniPath());
    PropertyCheck.Figures figures =
        property.check(
            c -> {
              String outcome = attemptPath(c);
              assertThat(canaries.ran()).as("canaries that ran").isEmpty();
              assertThat(canaries.trapRanAndReset()).isFalse();
              return outcome;
            });
    assertThat(figures.outcomes()).containsKeys("ran ok", "PluginNotFoundException");
  }

  private String attemptPath(PathCase c) throws Exception {
    PluginPath path = PluginPath.parse(c.cniPath());
    CniClient client = client(path, Launchers.list().get(c.launcher()));
    NetworkConfigList list =
        NetworkConfigList.parse(
            ("{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":"
                    + JsonText.string(c.type(), true)
                    + "}]}")
                .getBytes(StandardCharsets.UTF_8));
    boolean findable = c.type().equals("ok") && c.reachesPlugins();
    try {
      client.add(list, ATTACHMENT);
    } catch (PluginNotFoundException e) {
      assertThat(findable).as("ok was reachable but not found: %s", e.getMessage()).isFalse();
      MessageText.assertPrintable(e);
      return "PluginNotFoundException";
    }
    assertThat(findable).as("ADD succeeded").isTrue();
    return "ran ok";
  }
}
