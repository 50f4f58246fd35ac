package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.ConfigException;
import dev.jcni.InvalidNameException;
import dev.jcni.result.CniVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {
  private static final Path NET_D = Path.of(System.getProperty("jcni.testdata"), "config", "net.d");

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static String list(String name, String type) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\""
        + name
        + "\",\"plugins\":[{\"type\":\""
        + type
        + "\"}]}";
  }

  @Test
  void readsConflistsThenConfAndJsonFilesEachSortedByName() throws ConfigException {
    assertThat(ConfigDirectory.of(NET_D).files())
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "10-alpha.conflist",
            "20-beta.conflist",
            "30-alpha.conflist",
            "40-broken.conflist",
            "50-gamma.conf",
            "60-delta.json");
  }

  @Test
  void loadsTheFirstListOfTheNameWithItsDropInsAppendedInNameOrder() throws Exception {
    NetworkConfigList alpha = ConfigDirectory.of(NET_D).load("alpha");
    assertThat(alpha.source()).contains(NET_D.resolve("10-alpha.conflist"));
    assertThat(alpha.plugins())
        .extracting(PluginConfig::type)
        .containsExactly("bridge", "tuning", "portmap");
    assertThat(alpha.plugins().get(1).source()).contains(NET_D.resolve("alpha/10-tuning.conf"));
    assertThat(alpha.plugins().get(2).capabilities()).containsExactly("portMappings");
    assertThat(alpha.plugins().get(2).bytes())
        .isEqualTo(Files.readAllBytes(NET_D.resolve("alpha/20-portmap.conf")));
    // cniVersion 1.0.0 and cniVersions up to 1.1.0 (2.0.0 is newer than supported): 1.1.0
    assertThat(alpha.cniVersion()).isEqualTo("1.1.0");
    assertThat(alpha.version()).isEqualTo(CniVersion.V1_1_0);
    // the cached bytes are the list's file only, as libcni's NetworkConfigList.Bytes
    assertThat(alpha.bytes()).isEqualTo(Files.readAllBytes(NET_D.resolve("10-alpha.conflist")));
  }

  @Test
  void loadOnlyInlinedPluginsIgnoresTheDropInDirectory() throws ConfigException {
    NetworkConfigList beta = ConfigDirectory.of(NET_D).load("beta");
    assertThat(beta.plugins()).extracting(PluginConfig::type).containsExactly("macvlan");
    assertThat(beta.loadOnlyInlinedPlugins()).isTrue();
    assertThat(beta.disableCheck()).isTrue();
    assertThat(beta.disableGC()).isTrue();
  }

  @Test
  void liftsConfAndJsonFiles() throws ConfigException {
    NetworkConfigList gamma = ConfigDirectory.of(NET_D).load("gamma");
    assertThat(gamma.plugins()).extracting(PluginConfig::type).containsExactly("ptp");
    assertThat(gamma.cniVersion()).isEqualTo("0.3.1");
    NetworkConfigList delta = ConfigDirectory.of(NET_D).load("delta");
    assertThat(delta.plugins()).extracting(PluginConfig::type).containsExactly("loopback");
    assertThat(delta.version()).isEqualTo(CniVersion.V1_1_0);
  }

  @Test
  void aBrokenFileDoesNotHideOtherNetworksButIsNamedWhenNothingMatches() {
    assertThatThrownBy(() -> ConfigDirectory.of(NET_D).load("epsilon"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "no net configuration with name \"epsilon\" in "
                + NET_D
                + "; 1 file could not be used, the first: "
                + NET_D.resolve("40-broken.conflist")
                + ":5:22: network \"broken\": trailing comma before \"}\": JSON does not allow it")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    // the network the broken file declares fails with the file's own problem, as in libcni
    assertThatThrownBy(() -> ConfigDirectory.of(NET_D).load("broken"))
        .hasMessage(
            NET_D.resolve("40-broken.conflist")
                + ":5:22: network \"broken\": trailing comma before \"}\": JSON does not allow it");
  }

  @Test
  void aBrokenFileThatDeclaresTheNetworkIsNotReplacedByALaterFileOfThatName() throws Exception {
    // libcni's LoadConfList fails on the first file; the later one is an old copy left behind
    Path broken =
        write(
            "10-foo.conflist",
            "{\"name\":\"foo\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\","
                + "\"ipam\":\"host-local\"}]}");
    write("99-foo-old.conflist", list("foo", "macvlan"));
    write("50-other.conflist", list("other", "ptp"));
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("foo"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.file()).contains(broken);
              assertThat(e.network()).contains("foo");
              assertThat(e.field()).contains("ipam");
            });
    assertThat(ConfigDirectory.of(tmp).load("other").plugins().get(0).type()).isEqualTo("ptp");

    ConfigDirectory.Listing listing = ConfigDirectory.of(tmp).listAll();
    assertThat(listing.networks()).extracting(NetworkConfigList::name).containsExactly("other");
    assertThat(listing.shadowed())
        .extracting(n -> n.source().orElseThrow().getFileName().toString())
        .containsExactly("99-foo-old.conflist");
    assertThat(listing.problems()).extracting(e -> e.file().orElseThrow()).containsExactly(broken);
  }

  @Test
  void aBrokenConfFileThatDeclaresTheNetworkNamesItAndIsNotReplacedEither() throws Exception {
    Path broken = write("10-bar.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"bar\"}");
    write("20-bar.json", "{\"cniVersion\":\"1.0.0\",\"name\":\"bar\",\"type\":\"bridge\"}");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("bar"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.file()).contains(broken);
              assertThat(e.network()).contains("bar");
              assertThat(e.field()).contains("type");
            });
    assertThat(ConfigDirectory.of(tmp).listAll().networks()).isEmpty();
  }

  @Test
  void listsEveryNetworkWithShadowedOnesAndOneProblemPerBadFile() throws ConfigException {
    ConfigDirectory.Listing listing = ConfigDirectory.of(NET_D).listAll();
    assertThat(listing.networks())
        .extracting(NetworkConfigList::name)
        .containsExactly("alpha", "beta", "gamma", "delta");
    assertThat(listing.networks().get(0).plugins()).hasSize(3);
    assertThat(listing.shadowed())
        .extracting(n -> n.source().orElseThrow().getFileName().toString())
        .containsExactly("30-alpha.conflist");
    assertThat(listing.problems()).hasSize(1);
    assertThat(listing.problems().get(0).file()).contains(NET_D.resolve("40-broken.conflist"));
    assertThat(listing.problems().get(0).line()).hasValue(5);
  }

  @Test
  void checksTheNameBeforeTouchingTheFileSystem() {
    ConfigDirectory missing = ConfigDirectory.of(tmp.resolve("does-not-exist"));
    assertThatThrownBy(() -> missing.load("../../etc/passwd"))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> missing.load("ok"))
        .isNotInstanceOf(InvalidNameException.class)
        .hasMessage("no net configurations found in " + tmp.resolve("does-not-exist"));
  }

  @Test
  void conflistsWinOverConfFilesWhateverTheirNames() throws Exception {
    write("00-x.conf", "{\"name\":\"x\",\"type\":\"from-conf\"}");
    write("99-x.conflist", list("x", "from-conflist"));
    assertThat(ConfigDirectory.of(tmp).load("x").plugins().get(0).type())
        .isEqualTo("from-conflist");
  }

  @Test
  void sortsFileNamesByUtf8BytesAsGoDoes() throws Exception {
    // U+FF5E is EF BD 9E in UTF-8 and U+1F600 is F0 9F 98 80: Go reads U+FF5E first, although
    // Java's String order (UTF-16 D83D < FF5E) would put U+1F600 first.
    write("\uD83D\uDE00.conflist", list("same", "emoji"));
    write("\uFF5E.conflist", list("same", "tilde"));
    write("B.conflist", list("upper", "B"));
    write("a.conflist", list("upper", "a"));
    assertThat(ConfigDirectory.of(tmp).load("same").plugins().get(0).type()).isEqualTo("tilde");
    assertThat(ConfigDirectory.of(tmp).load("upper").plugins().get(0).type()).isEqualTo("B");
  }

  @Test
  void dropInsAreOnlyConfFilesSortedByName() throws Exception {
    write("net.conflist", list("n", "main"));
    write("n/2.conf", "{\"type\":\"two\"}");
    write("n/10.conf", "{\"type\":\"ten\"}");
    write("n/x.json", "{\"type\":\"json-is-not-a-drop-in\"}");
    Files.createDirectories(tmp.resolve("n/sub.conf"));
    write("n/sub.conf/inner.conf", "{\"type\":\"nested\"}");
    assertThat(ConfigDirectory.of(tmp).load("n").plugins())
        .extracting(PluginConfig::type)
        .containsExactly("main", "ten", "two");
    assertThat(NetworkConfigList.fromFile(tmp.resolve("net.conflist")).plugins()).hasSize(3);
  }

  @Test
  void aListWithoutPluginsTakesThemAllFromItsDropIns() throws Exception {
    write("only-drop-ins.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"d\"}");
    write("d/a.conf", "{\"type\":\"bridge\"}");
    NetworkConfigList d = ConfigDirectory.of(tmp).load("d");
    assertThat(d.plugins()).extracting(PluginConfig::type).containsExactly("bridge");
    assertThat(d.toJson().get("plugins")).hasSize(1);
    write("empty.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"e\"}");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("e"))
        .hasMessageContaining("network \"e\": no plugins");
  }

  @Test
  void aBrokenDropInBreaksItsNetworkOnly() throws Exception {
    write("10-a.conflist", list("a", "bridge"));
    write("a/x.conf", "{\n  \"type\": \"../evil\"\n}");
    write("20-b.conflist", list("b", "bridge"));
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("a"))
        .isInstanceOfSatisfying(
            InvalidNameException.class,
            e -> {
              assertThat(e.file()).contains(tmp.resolve("a/x.conf"));
              assertThat(e.network()).contains("a");
              assertThat(e.pluginIndex()).hasValue(1);
              assertThat(e.line()).hasValue(2);
            });
    ConfigDirectory.Listing listing = ConfigDirectory.of(tmp).listAll();
    assertThat(listing.networks()).extracting(NetworkConfigList::name).containsExactly("b");
    assertThat(listing.problems()).hasSize(1);
    assertThat(ConfigDirectory.of(tmp).load("b").name()).isEqualTo("b");
  }

  @Test
  void aDropInThatIsNotJsonNamesItsNetworkAndPlugin() throws Exception {
    write("10-a.conflist", list("a", "bridge"));
    Path dropIn = write("a/x.conf", "{\"type\":");
    ConfigDirectory.Listing listing = ConfigDirectory.of(tmp).listAll();
    assertThat(listing.problems()).hasSize(1);
    ConfigException e = listing.problems().get(0);
    assertThat(e.file()).contains(dropIn);
    assertThat(e.network()).contains("a");
    assertThat(e.pluginIndex()).hasValue(1);
    assertThat(e.getMessage()).startsWith(dropIn + ":1:9: network \"a\", plugins[1]: ");
  }

  @Test
  void aDropInPathThatIsNotADirectoryIsAnErrorAndOneThatLeadsNowhereHasNoDropIns()
      throws Exception {
    Path list = write("10-n.conflist", list("n", "bridge"));
    Path notADirectory = write("n", "a file where the drop-in directory belongs");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("n"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.file()).contains(notADirectory);
              assertThat(e.network()).contains("n");
              assertThat(e.getMessage())
                  .isEqualTo(
                      notADirectory
                          + ": network \"n\": is not a directory, so the drop-in plugins of the"
                          + " network's list cannot be read from it");
            });
    assertThatThrownBy(() -> NetworkConfigList.fromFile(list))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a directory");
    assertThat(ConfigLinter.create().lint(tmp))
        .extracting(LintFinding::toString)
        .containsExactly(
            notADirectory
                + ": error: network \"n\": is not a directory, so the drop-in plugins of the"
                + " network's list cannot be read from it");

    // loadOnlyInlinedPlugins: the path is never read
    write(
        "10-n.conflist",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"loadOnlyInlinedPlugins\":true,"
            + "\"plugins\":[{\"type\":\"bridge\"}]}");
    assertThat(ConfigDirectory.of(tmp).load("n").plugins()).hasSize(1);

    write("20-m.conflist", list("m", "bridge"));
    Files.createSymbolicLink(tmp.resolve("m"), tmp.resolve("nowhere"));
    assertThat(ConfigDirectory.of(tmp).load("m").plugins()).hasSize(1);
  }

  @Test
  void aListSavedAsConfOrAPluginSavedAsConflistGetsAHint() throws Exception {
    write(
        "30-bar.conf",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"bar\",\"plugins\":[{\"type\":\"b\"}]}");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("bar"))
        .hasMessageEndingWith(
            "field \"type\": is missing; a plugin configuration needs a type; it has \"plugins\":"
                + " a network configuration list belongs in a .conflist file");
    write("40-baz.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"baz\",\"type\":\"bridge\"}");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("baz"))
        .hasMessageEndingWith(
            "has no *.conf files; it has \"type\": a single plugin configuration belongs in a .conf"
                + " file");
    assertThatThrownBy(
            () -> NetworkConfigList.parse(utf8("{\"name\":\"baz\",\"type\":\"bridge\"}")))
        .hasMessageEndingWith(
            "; it has \"type\": a single plugin configuration belongs in a .conf file");
    assertThat(ConfigLinter.create().lint(tmp))
        .extracting(f -> f.message())
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith("network \"bar\", field \"type\": is missing")
                    .endsWith("belongs in a .conflist file"))
        .anySatisfy(m -> assertThat(m).endsWith("belongs in a .conf file"));
    // a plugin of a list without a type gets no such hint, nor a list without plugins
    assertThatThrownBy(
            () -> NetworkConfigList.parse(utf8("{\"name\":\"x\",\"plugins\":[{\"plugins\":[]}]}")))
        .hasMessageEndingWith("is missing; a plugin configuration needs a type");
    write("50-empty.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"empty\"}");
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("empty"))
        .hasMessageEndingWith("has no *.conf files");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void confNetworksGetNoDropIns() throws Exception {
    write("c.conf", "{\"name\":\"c\",\"type\":\"bridge\"}");
    write("c/extra.conf", "{\"type\":\"tuning\"}");
    assertThat(ConfigDirectory.of(tmp).load("c").plugins()).hasSize(1);
  }

  @Test
  void symbolicLinksToFilesAreRead() throws Exception {
    Path target = write("real/target.json", list("linked", "bridge"));
    Files.createSymbolicLink(tmp.resolve("10-linked.conflist"), target);
    assertThat(ConfigDirectory.of(tmp).load("linked").name()).isEqualTo("linked");
  }

  @Test
  void missingAndEmptyDirectoriesHaveNoNetworks() throws Exception {
    Path missing = tmp.resolve("missing");
    assertThat(ConfigDirectory.of(missing).files()).isEmpty();
    assertThat(ConfigDirectory.of(missing).listAll().networks()).isEmpty();
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("x"))
        .hasMessage("no net configurations found in " + tmp);
    write("10-other.conflist", list("other", "bridge"));
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("x"))
        .hasMessage("no net configuration with name \"x\" in " + tmp);
  }

  @Test
  void aFileIsNotAConfigurationDirectory() throws Exception {
    Path file = write("plain", "x");
    assertThatThrownBy(() -> ConfigDirectory.of(file).load("x"))
        .hasMessage(file + ": is not a directory");
  }

  @Test
  void aLinkToADirectoryIsListedAsAFileAndSkippedWithAProblem() throws Exception {
    // libcni's ConfFiles tests the entry itself, not what a link leads to, so a link named
    // *.conflist that leads to a directory is listed and then fails to read ("is a directory");
    // checked with libcni 1.1.2
    Files.createDirectories(tmp.resolve("real"));
    Files.createSymbolicLink(tmp.resolve("05-dir.conflist"), tmp.resolve("real"));
    Files.createDirectories(tmp.resolve("06-plain-dir.conflist"));
    write("10-n.conflist", list("n", "bridge"));
    assertThat(ConfigDirectory.of(tmp).files())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("05-dir.conflist", "10-n.conflist");
    assertThat(ConfigDirectory.of(tmp).load("n").plugins()).hasSize(1);
    ConfigDirectory.Listing listing = ConfigDirectory.of(tmp).listAll();
    assertThat(listing.problems())
        .singleElement()
        .satisfies(e -> assertThat(e.file()).contains(tmp.resolve("05-dir.conflist")));
  }

  @Test
  void aDropInLinkToADirectoryFailsTheLoadRatherThanDroppingAPlugin() throws Exception {
    // upstream libcni reads drop-ins with ConfFiles too: such a link is read and the load fails
    write("10-n.conflist", list("n", "bridge"));
    write("n/10-tuning.conf", "{\"type\":\"tuning\"}");
    Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(tmp.resolve("n/20-firewall.conf"), tmp.resolve("elsewhere"));
    assertThatThrownBy(() -> ConfigDirectory.of(tmp).load("n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              ConfigException c = (ConfigException) e;
              assertThat(c.file()).contains(tmp.resolve("n/20-firewall.conf"));
              assertThat(c.network()).contains("n");
            });
  }

  @Test
  void aFileThatIsNotValidJsonStillNamesTheNetworkItDeclaresAndIsNotReplaced() throws Exception {
    // libcni's LoadConfList fails on a truncated write or a byte order mark, so the older copy
    // of the network is never used; checked with libcni 1.1.2
    Path truncated =
        write("10-foo.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"foo\",\"plugins\":[{\"ty");
    write("20-foo-old.conflist", list("foo", "macvlan"));
    Path bom = tmp.resolve("11-bar.conflist");
    Files.write(
        bom,
        ("\uFEFF" + list("bar", "bridge")).getBytes(StandardCharsets.UTF_8));
    write("21-bar-old.conflist", list("bar", "macvlan"));
    Path conf = write("30-baz.conf", "{\"name\":\"baz\",\"type\":\"bridge\",}");
    write("31-baz-old.conf", "{\"name\":\"baz\",\"type\":\"macvlan\"}");
    for (String network : new String[] {"foo", "bar", "baz"}) {
      assertThatThrownBy(() -> ConfigDirectory.of(tmp).load(network))
          .isInstanceOfSatisfying(
              ConfigException.class, e -> assertThat(e.network()).contains(network));
    }
    ConfigDirectory.Listing listing = ConfigDirectory.of(tmp).listAll();
    assertThat(listing.networks()).isEmpty();
    assertThat(listing.problems())
        .extracting(e -> e.file().orElseThrow())
        .containsExactlyInAnyOrder(truncated, bom, conf);
    // a file broken before any name is a neighbour like any other
    write("00-nameless.conflist", "{\"plugins\":[");
    write("40-qux.conflist", list("qux", "bridge"));
    assertThat(ConfigDirectory.of(tmp).load("qux").plugins()).hasSize(1);
  }

  @Test
  void aFileOverTheSizeLimitStillNamesTheNetworkItDeclaresAndIsNotReplaced() throws Exception {
    // libcni reads the large file and uses it: the older copy after it must not stand in
    Path large =
        write(
            "10-foo.conflist",
            "{\"name\":\"foo\",\"cniVersion\":\"1.0.0\",\"pad\":\""
                + "x".repeat(400)
                + "\",\"plugins\":[{\"type\":\"bridge\"}]}");
    write("20-foo-old.conflist", list("foo", "macvlan"));
    write("30-bar.conflist", list("bar", "ptp"));
    ConfigDirectory dir = ConfigParser.withMaxBytes(300).directory(tmp);
    assertThatThrownBy(() -> dir.load("foo"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.file()).contains(large);
              assertThat(e.network()).contains("foo");
            });
    assertThat(dir.load("bar").plugins()).hasSize(1);
  }
}
