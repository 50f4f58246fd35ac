package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.CniException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a configuration directory, driven by explicit {@code reload()} calls: no threads. */
class NetworkConfigsTest {
  @TempDir Path tmp;
  Path netD;
  Path bin;

  @BeforeEach
  void dirs() throws IOException {
    netD = Files.createDirectories(tmp.resolve("net.d"));
    bin = Files.createDirectories(tmp.resolve("bin"));
  }

  static String list(String name, int generation, String... types) {
    StringBuilder plugins = new StringBuilder();
    for (String t : types) {
      if (plugins.length() > 0) {
        plugins.append(',');
      }
      plugins
          .append("{\"type\":\"")
          .append(t)
          .append("\",\"generation\":")
          .append(generation)
          .append('}');
    }
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"plugins\":[" + plugins + "]}";
  }

  static String conf(String name, String type) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"type\":\"" + type + "\"}";
  }

  Path write(String file, String content) throws IOException {
    Path p = netD.resolve(file);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  void install(String... plugins) throws IOException {
    for (String plugin : plugins) {
      Path p = bin.resolve(plugin);
      Files.writeString(p, "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  NetworkConfigs open() {
    return NetworkConfigs.builder(netD).pluginDirectories(List.of(bin)).open();
  }

  static List<String> names(List<LoadedNetwork> networks) {
    return networks.stream().map(LoadedNetwork::name).collect(Collectors.toList());
  }

  static int generationOf(LoadedNetwork n) {
    return n.config().plugins().get(0).json().get("generation").asInt();
  }

  @Test
  void theDefaultIsTheFirstNetworkInNameOrderWhateverTheExtension() throws Exception {
    // libcni's LoadConfList would read the conflist first; ocicni sorts all three kinds together
    install("bridge", "ptp", "macvlan");
    write("30-c.conflist", list("c", 1, "bridge"));
    write("10-a.conf", conf("a", "ptp"));
    write("20-b.json", conf("b", "macvlan"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(names(s.networks())).containsExactly("a", "b", "c");
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("a");
      assertThat(s.defaultNetwork().get().file()).isEqualTo(netD.resolve("10-a.conf"));
      assertThat(s.readiness().isReady()).isTrue();
      assertThat(s.readiness().reason()).isEmpty();
      assertThat(s.generation()).isEqualTo(1);
    }
  }

  @Test
  void namesSortByTheirBytesAsGoSortsThem() throws Exception {
    install("bridge");
    write("a.conflist", list("lower", 1, "bridge"));
    write("B.conflist", list("upper", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      assertThat(names(configs.snapshot().networks())).containsExactly("upper", "lower");
    }
  }

  @Test
  void aNetworkWhosePluginIsMissingIsNotTheDefault() throws Exception {
    install("bridge");
    write("10-flannel.conflist", list("flannel", 1, "flannel", "portmap"));
    write("20-bridge.conflist", list("br", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("br");
      LoadedNetwork flannel = s.network("flannel").orElseThrow();
      assertThat(flannel.isUsable()).isFalse();
      assertThat(flannel.missingPlugins())
          .extracting(LoadedNetwork.MissingPlugin::type)
          .containsExactly("flannel", "portmap");
      assertThat(flannel.missingPlugins().get(0).problem()).contains(bin.toString());
    }
  }

  @Test
  void noUsableNetworkIsNotReadyNamingTheMissingPluginAndBecomesReadyWhenItIsInstalled()
      throws Exception {
    write("10-flannel.conflist", list("flannel", 1, "flannel"));
    try (NetworkConfigs configs = open()) {
      NetworkReadiness r = configs.snapshot().readiness();
      assertThat(r.status()).isEqualTo(NetworkReadiness.Status.PLUGIN_NOT_FOUND);
      assertThat(r.reason()).isEqualTo("NetworkPluginNotReady");
      assertThat(r.message())
          .contains("network \"flannel\"")
          .contains("10-flannel.conflist")
          .contains("plugin type \"flannel\" not found");
      assertThat(configs.snapshot().defaultNetwork()).isEmpty();

      install("flannel");
      NetworkConfigs.Snapshot s = configs.reload();
      assertThat(s.readiness().isReady()).isTrue();
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("flannel");
    }
  }

  @Test
  void withoutPluginDirectoriesEveryReadableNetworkIsUsable() throws Exception {
    write("10-x.conflist", list("x", 1, "not-installed-anywhere"));
    try (NetworkConfigs configs = NetworkConfigs.builder(netD).open()) {
      assertThat(configs.snapshot().defaultNetwork()).map(LoadedNetwork::name).contains("x");
    }
  }

  @Test
  void aPluginLocatorReplacesTheDirectorySearch() throws Exception {
    write("10-x.conflist", list("x", 1, "bridge"));
    PluginLocator refuseAll =
        type -> {
          throw new CniException("refused " + type + " by policy");
        };
    try (NetworkConfigs configs = NetworkConfigs.builder(netD).pluginLocator(refuseAll).open()) {
      assertThat(configs.snapshot().readiness().message()).contains("refused bridge by policy");
    }
  }

  @Test
  void anEmptyOrMissingDirectoryHasNoNetworkAndSaysWhere() throws Exception {
    try (NetworkConfigs configs = open()) {
      NetworkReadiness r = configs.snapshot().readiness();
      assertThat(r.status()).isEqualTo(NetworkReadiness.Status.NO_NETWORK);
      assertThat(r.message()).contains(netD.toString());
    }
    try (NetworkConfigs configs = NetworkConfigs.builder(tmp.resolve("absent")).open()) {
      assertThat(configs.snapshot().readiness().status())
          .isEqualTo(NetworkReadiness.Status.NO_NETWORK);
      assertThat(configs.snapshot().problems()).isEmpty();
    }
  }

  @Test
  void aConfigDirectoryThatIsAFileIsUnusable() throws Exception {
    Path file = Files.writeString(tmp.resolve("net.d.file"), "{}");
    try (NetworkConfigs configs = NetworkConfigs.builder(file).open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(s.readiness().status())
          .isEqualTo(NetworkReadiness.Status.CONFIG_DIRECTORY_UNUSABLE);
      assertThat(s.readiness().message()).contains(file.toString()).contains("not a directory");
      assertThat(s.problems()).hasSize(1);
    }
  }

  @Test
  void brokenFilesAreReportedPerFileAndDoNotHideTheirNeighbours() throws Exception {
    install("bridge");
    write("10-broken.conflist", "{\"name\":");
    write("20-notype.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
    write("30-good.conflist", list("good", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(names(s.networks())).containsExactly("good");
      assertThat(s.problems())
          .extracting(e -> e.file().orElseThrow().getFileName().toString())
          .containsExactly("10-broken.conflist", "20-notype.conf");
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("good");
    }
  }

  @Test
  void onlyBrokenFilesIsNotReadyAndTheMessageQuotesTheFirstProblem() throws Exception {
    write("10-broken.conflist", "{\"name\":");
    try (NetworkConfigs configs = open()) {
      NetworkReadiness r = configs.snapshot().readiness();
      assertThat(r.status()).isEqualTo(NetworkReadiness.Status.NO_NETWORK);
      assertThat(r.message()).contains("1 file could not be used").contains("10-broken.conflist");
    }
  }

  @Test
  void aHalfWrittenFileKeepsTheLastGoodVersionAndReportsTheError() throws Exception {
    install("bridge");
    String good = list("net", 1, "bridge");
    Path file = write("10-net.conflist", good);
    try (NetworkConfigs configs = open()) {
      assertThat(generationOf(configs.snapshot().defaultNetwork().orElseThrow())).isEqualTo(1);

      Files.writeString(file, list("net", 2, "bridge").substring(0, good.length() / 2));
      NetworkConfigs.Snapshot broken = configs.reload();
      LoadedNetwork kept = broken.defaultNetwork().orElseThrow();
      assertThat(kept.isStale()).isTrue();
      assertThat(generationOf(kept)).isEqualTo(1);
      assertThat(kept.fileError().orElseThrow().file()).contains(file);
      assertThat(broken.problems()).hasSize(1);
      assertThat(broken.readiness().isReady()).isTrue();

      Files.writeString(file, "");
      assertThat(generationOf(configs.reload().defaultNetwork().orElseThrow())).isEqualTo(1);

      Files.writeString(file, list("net", 3, "bridge"));
      NetworkConfigs.Snapshot fixed = configs.reload();
      assertThat(fixed.defaultNetwork().orElseThrow().isStale()).isFalse();
      assertThat(generationOf(fixed.defaultNetwork().orElseThrow())).isEqualTo(3);
      assertThat(fixed.problems()).isEmpty();
    }
  }

  @Test
  void aDanglingDropInLinkIsAProblemAndTheListKeepsItsLastGoodVersion() throws Exception {
    install("bridge", "tuning");
    write("10-net.conflist", list("net", 1, "bridge"));
    write("net/50-tuning.conf", "{\"type\":\"tuning\"}");
    try (NetworkConfigs configs = open()) {
      assertThat(configs.snapshot().network("net").orElseThrow().config().plugins()).hasSize(2);
      // the lock link emacs makes next to a file being edited: a *.conf that leads nowhere
      Path lock = netD.resolve("net/.#50-tuning.conf");
      Files.createSymbolicLink(lock, Path.of("root@node1.12345:1700000000"));
      NetworkConfigs.Snapshot s = configs.reload();
      LoadedNetwork kept = s.network("net").orElseThrow();
      assertThat(kept.isStale()).isTrue();
      assertThat(kept.config().plugins()).hasSize(2);
      assertThat(s.problems()).hasSize(1);
      assertThat(s.problems().get(0).file()).contains(lock);
      assertThat(kept.fileError()).containsSame(s.problems().get(0));
      assertThat(s.keepsLastGoodVersion(s.problems().get(0))).isTrue();
      assertThat(s.readiness().isReady()).isTrue();
    }
  }

  @Test
  void aListFirstSeenWithADanglingDropInIsAProblemNotAVanishedFile() throws Exception {
    install("bridge");
    write("10-net.conflist", list("net", 1, "bridge"));
    Files.createDirectories(netD.resolve("net"));
    Files.createSymbolicLink(netD.resolve("net/50-gone.conf"), tmp.resolve("nowhere.conf"));
    Files.createSymbolicLink(netD.resolve("20-gone.conflist"), tmp.resolve("nowhere.conflist"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(s.networks()).isEmpty();
      assertThat(s.problems())
          .extracting(e -> e.file().orElseThrow())
          .containsExactly(netD.resolve("net/50-gone.conf"), netD.resolve("20-gone.conflist"));
      assertThat(s.keepsLastGoodVersion(s.problems().get(0))).isFalse();
      assertThat(s.readiness().status()).isEqualTo(NetworkReadiness.Status.NO_NETWORK);
    }
  }

  @Test
  void aNewFileThatIsBrokenFromTheStartHasNoNetworkToKeep() throws Exception {
    install("bridge");
    write("10-net.conflist", list("net", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      write("05-new.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"new\",\"plugins\":[");
      NetworkConfigs.Snapshot s = configs.reload();
      assertThat(names(s.networks())).containsExactly("net");
      assertThat(s.problems()).hasSize(1);
    }
  }

  @Test
  void aDeletedFileTakesItsNetworkWithIt() throws Exception {
    install("bridge");
    Path a = write("10-a.conflist", list("a", 1, "bridge"));
    write("20-b.conflist", list("b", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      Files.delete(a);
      NetworkConfigs.Snapshot s = configs.reload();
      assertThat(names(s.networks())).containsExactly("b");
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("b");
      assertThat(s.problems()).isEmpty();
    }
  }

  @Test
  void ofTwoFilesWithOneNameTheFirstUsableOneCountsAndTheOtherIsShadowed() throws Exception {
    install("bridge");
    write("10-first.conflist", list("same", 1, "not-installed"));
    write("20-second.conflist", list("same", 2, "bridge"));
    write("30-third.conflist", list("same", 3, "bridge"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(s.networks()).hasSize(1);
      assertThat(generationOf(s.networks().get(0))).isEqualTo(2);
      assertThat(s.shadowed()).extracting(NetworkConfigsTest::generationOf).containsExactly(1, 3);
    }
  }

  static final String FOO_WITH_IPAM_AS_A_STRING =
      "{\"cniVersion\":\"1.0.0\",\"name\":\"foo\",\"plugins\":[{\"type\":\"bridge\","
          + "\"ipam\":\"host-local\"}]}";

  @Test
  void aBrokenFileThatDeclaresANameIsNotReplacedByALaterFileOfThatName() throws Exception {
    install("bridge", "macvlan");
    write("10-foo.conflist", FOO_WITH_IPAM_AS_A_STRING);
    write("99-foo-old.conflist", list("foo", 1, "macvlan"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThat(s.networks()).isEmpty();
      assertThat(s.shadowed())
          .extracting(LoadedNetwork::file)
          .containsExactly(netD.resolve("99-foo-old.conflist"));
      assertThat(s.problems())
          .extracting(e -> e.file().orElseThrow())
          .containsExactly(netD.resolve("10-foo.conflist"));
      assertThat(s.readiness().status()).isEqualTo(NetworkReadiness.Status.NO_NETWORK);
    }
    try (NetworkConfigs configs =
        NetworkConfigs.builder(netD)
            .pluginDirectories(List.of(bin))
            .defaultNetworkName("foo")
            .open()) {
      NetworkReadiness r = configs.snapshot().readiness();
      assertThat(r.status()).isEqualTo(NetworkReadiness.Status.DEFAULT_NETWORK_NOT_FOUND);
      assertThat(r.message())
          .startsWith("the CNI configuration of the default network \"foo\" cannot be used: ")
          .contains("10-foo.conflist")
          .contains("field \"ipam\"");
      assertThat(configs.snapshot().defaultNetwork()).isEmpty();
    }
  }

  @Test
  void aBrokenFileThatDeclaresANameKeepsItsLastGoodVersionAheadOfLaterFiles() throws Exception {
    install("bridge", "macvlan");
    Path first = write("10-foo.conflist", list("foo", 1, "flannel"));
    write("99-foo-old.conflist", list("foo", 9, "macvlan"));
    try (NetworkConfigs configs = open()) {
      // readable files: the first usable one counts
      assertThat(generationOf(configs.snapshot().network("foo").orElseThrow())).isEqualTo(9);
      install("flannel");
      assertThat(generationOf(configs.reload().network("foo").orElseThrow())).isEqualTo(1);

      Files.writeString(first, FOO_WITH_IPAM_AS_A_STRING);
      Files.delete(bin.resolve("flannel"));
      NetworkConfigs.Snapshot s = configs.reload();
      LoadedNetwork kept = s.network("foo").orElseThrow();
      assertThat(kept.isStale()).isTrue();
      assertThat(generationOf(kept)).isEqualTo(1);
      // unusable, yet the old copy does not stand in for the file that is being fixed
      assertThat(s.shadowed()).extracting(NetworkConfigsTest::generationOf).containsExactly(9);
      assertThat(s.readiness().status()).isEqualTo(NetworkReadiness.Status.PLUGIN_NOT_FOUND);
    }
  }

  @Test
  void aFixedDefaultNameWaitsForThatNetwork() throws Exception {
    install("bridge");
    write("10-other.conflist", list("other", 1, "bridge"));
    try (NetworkConfigs configs =
        NetworkConfigs.builder(netD)
            .pluginDirectories(List.of(bin))
            .defaultNetworkName("mine")
            .open()) {
      NetworkReadiness r = configs.snapshot().readiness();
      assertThat(r.status()).isEqualTo(NetworkReadiness.Status.DEFAULT_NETWORK_NOT_FOUND);
      assertThat(r.message()).contains("\"mine\"").contains(netD.toString());
      assertThat(configs.snapshot().defaultNetwork()).isEmpty();

      write("99-mine.conflist", list("mine", 1, "ptp"));
      assertThat(configs.reload().readiness().status())
          .isEqualTo(NetworkReadiness.Status.PLUGIN_NOT_FOUND);
      install("ptp");
      NetworkConfigs.Snapshot s = configs.reload();
      assertThat(s.readiness().isReady()).isTrue();
      assertThat(s.defaultNetwork()).map(LoadedNetwork::name).contains("mine");
    }
  }

  @Test
  void dropInPluginsArePartOfTheNetworkAndTheirChangesAreChanges() throws Exception {
    install("bridge", "tuning");
    write(
        "10-net.conflist",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"bridge\"}]}");
    try (NetworkConfigs configs = open()) {
      write("net/10-tuning.conf", "{\"type\":\"tuning\"}");
      NetworkConfigs.Snapshot s = configs.reload();
      assertThat(s.generation()).isEqualTo(2);
      assertThat(s.defaultNetwork().orElseThrow().config().plugins())
          .extracting(p -> p.type())
          .containsExactly("bridge", "tuning");
    }
  }

  @Test
  void listenersHearOfEachChangeOnceAndNotOfReadingsThatChangedNothing() throws Exception {
    install("bridge");
    write("10-a.conflist", list("a", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      List<long[]> heard = new ArrayList<>();
      configs.addListener(
          (previous, current) ->
              heard.add(new long[] {previous.generation(), current.generation()}));
      configs.addListener(
          (previous, current) -> {
            throw new IllegalStateException("a broken listener does not stop the others");
          });
      assertThat(configs.reload().generation()).isEqualTo(1);
      assertThat(heard).isEmpty();

      write("20-b.conflist", list("b", 1, "bridge"));
      assertThat(configs.reload().generation()).isEqualTo(2);
      configs.reload();
      write("20-b.conflist", list("b", 2, "bridge"));
      configs.reload();
      assertThat(heard).extracting(Arrays::toString).containsExactly("[1, 2]", "[2, 3]");
    }
  }

  @Test
  void snapshotsAreImmutable() throws Exception {
    install("bridge");
    write("10-a.conflist", list("a", 1, "bridge"));
    try (NetworkConfigs configs = open()) {
      NetworkConfigs.Snapshot s = configs.snapshot();
      assertThatThrownBy(() -> s.networks().clear())
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> s.problems().clear())
          .isInstanceOf(UnsupportedOperationException.class);
      write("10-a.conflist", list("a", 2, "bridge"));
      configs.reload();
      assertThat(generationOf(s.networks().get(0))).isEqualTo(1);
    }
  }

  @Test
  void openingAndReloadingStartNoThread() throws Exception {
    install("bridge");
    write("10-a.conflist", list("a", 1, "bridge"));
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (NetworkConfigs configs = open()) {
      configs.reload();
      assertThat(configs.isWatching()).isFalse();
      Set<Thread> started =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t))
              .filter(t -> t.getName().contains("jcni") || t.getName().contains("Watch"))
              .collect(Collectors.toSet());
      assertThat(started).isEmpty();
    }
  }

  @Test
  void aClosedInstanceRefusesToReloadButKeepsItsLastSnapshot() throws Exception {
    install("bridge");
    write("10-a.conflist", list("a", 1, "bridge"));
    NetworkConfigs configs = open();
    configs.close();
    configs.close();
    assertThat(configs.snapshot().networks()).hasSize(1);
    assertThatThrownBy(configs::reload).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(configs::startWatching).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDefaultLocatorRefusesTypesThatAreNotFileNames() {
    PluginLocator locator = PluginLocator.inDirectories(List.of(Path.of("/")));
    for (String bad : List.of("", "..", "../bin/sh", "a/b", "a\0b")) {
      assertThatThrownBy(() -> locator.find(bad)).as(bad).isInstanceOf(CniException.class);
    }
  }

  @Test
  void theDefaultLocatorSkipsFilesThatAreNotExecutable() throws Exception {
    Path plain = Files.writeString(bin.resolve("bridge"), "not executable");
    assertThat(plain).exists();
    assertThatThrownBy(() -> PluginLocator.inDirectories(List.of(bin)).find("bridge"))
        .isInstanceOf(CniException.class)
        .hasMessageContaining("not found");
    install("bridge");
    assertThat(PluginLocator.inDirectories(List.of(tmp.resolve("none"), bin)).find("bridge"))
        .isEqualTo(bin.resolve("bridge"));
  }
}
