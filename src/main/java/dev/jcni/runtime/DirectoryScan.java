package dev.jcni.runtime;

import dev.jcni.CniException;
import dev.jcni.ConfigException;
import dev.jcni.config.ConfigDirectory;
import dev.jcni.config.ConfigParser;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.config.PluginConfig;
import dev.jcni.internal.text.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reading of a configuration directory, the way CRI-O's ocicni reads it: every {@code .conf},
 * {@code .conflist} and {@code .json} file in one name order (not libcni's conflists-first order),
 * each network checked for its plugins, the first usable network of each name kept, and the default
 * network the first usable one. A broken file that declares a network's name ends the search for
 * that name: later files of the name are shadowed, not used in its place.
 *
 * <p>A file that cannot be used keeps the network it held in the previous reading, marked stale, so
 * that a file caught half-written never replaces a good configuration. A file that vanished between
 * listing and reading is simply gone; a list whose drop-in vanished, or is a dangling link, is a
 * problem like any other.
 */
final class DirectoryScan {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryScan.class);

  /** Go's sort.Strings order of file names: by their UTF-8 bytes, unsigned. */
  private static final Comparator<Path> BY_NAME_BYTES =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
              b.getFileName().toString().getBytes(StandardCharsets.UTF_8));

  private final ConfigDirectory directory;
  private final ConfigParser parser;
  private final PluginLocator locator;
  private final String defaultName;

  /**
   * @param locator checks plugins, or {@code null} to take every readable network as usable
   * @param defaultName the runtime's fixed default network, or {@code null} for the first usable
   */
  DirectoryScan(
      ConfigDirectory directory, ConfigParser parser, PluginLocator locator, String defaultName) {
    this.directory = directory;
    this.parser = parser;
    this.locator = locator;
    this.defaultName = defaultName;
  }

  /**
   * What one reading found; the generation is assigned when it is published.
   *
   * @param brokenLists the networks declared by {@code .conflist} files that could not be used,
   *     whose drop-in directories may hold the fix
   */
  record Outcome(
      List<LoadedNetwork> networks,
      List<LoadedNetwork> shadowed,
      List<ConfigException> problems,
      Optional<LoadedNetwork> defaultNetwork,
      NetworkReadiness readiness,
      Set<String> brokenLists) {}

  Outcome scan(List<LoadedNetwork> previous) {
    Path dir = directory.path();
    List<Path> files;
    try {
      files = new ArrayList<>(directory.files());
    } catch (ConfigException e) {
      return new Outcome(
          List.of(),
          List.of(),
          List.of(e),
          Optional.empty(),
          new NetworkReadiness(
              NetworkReadiness.Status.CONFIG_DIRECTORY_UNUSABLE,
              "CNI configuration directory "
                  + UntrustedText.plainOrQuoted(dir)
                  + " cannot be used: "
                  + e.getMessage()),
          Set.of());
    }
    files.sort(BY_NAME_BYTES);

    Map<Path, LoadedNetwork> previousByFile = new HashMap<>();
    for (LoadedNetwork n : previous) {
      previousByFile.put(n.file(), n);
    }
    List<LoadedNetwork> candidates = new ArrayList<>();
    List<ConfigException> problems = new ArrayList<>();
    // per name declared by a broken file, the index in candidates from which that name is taken
    Map<String, Integer> brokenFrom = new HashMap<>();
    Set<String> brokenLists = new HashSet<>();
    for (Path file : files) {
      try {
        candidates.add(
            new LoadedNetwork(parser.readNetwork(file), file, Optional.empty(), List.of()));
      } catch (ConfigException e) {
        if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
          continue; // removed since the listing: not a problem, and no longer a network
        }
        problems.add(e);
        LoadedNetwork last = previousByFile.get(file);
        if (last != null) {
          LOG.debug(
              "keeping the last good version of {}: {}",
              UntrustedText.plainOrQuoted(file),
              e.getMessage());
          candidates.add(last.withFileError(e));
        } else {
          LOG.debug("skipping a configuration file that cannot be used: {}", e.getMessage());
        }
        e.network().ifPresent(name -> brokenFrom.putIfAbsent(name, candidates.size()));
        if (file.getFileName().toString().endsWith(".conflist")) {
          e.network().ifPresent(brokenLists::add);
        }
      }
    }

    Map<String, List<LoadedNetwork.MissingPlugin>> missingByType = new HashMap<>();
    List<LoadedNetwork> checked = new ArrayList<>(candidates.size());
    for (LoadedNetwork n : candidates) {
      checked.add(n.withMissingPlugins(missingPlugins(n.config(), missingByType)));
    }

    // per name, the first usable network, or the first one when none of the name is usable; a
    // broken file that declares the name ends the search (its last good version, if any, is the
    // last one considered): a later file of that name is no substitute for it
    Map<String, LoadedNetwork> chosen = new LinkedHashMap<>();
    for (int i = 0; i < checked.size(); i++) {
      LoadedNetwork n = checked.get(i);
      if (i >= brokenFrom.getOrDefault(n.name(), Integer.MAX_VALUE)) {
        continue;
      }
      LoadedNetwork current = chosen.get(n.name());
      if (current == null || (!current.isUsable() && n.isUsable())) {
        chosen.put(n.name(), n);
      }
    }
    Set<LoadedNetwork> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(chosen.values());
    List<LoadedNetwork> networks = new ArrayList<>();
    List<LoadedNetwork> shadowed = new ArrayList<>();
    for (LoadedNetwork n : checked) {
      (kept.contains(n) ? networks : shadowed).add(n);
    }

    Optional<LoadedNetwork> defaultNetwork;
    NetworkReadiness readiness;
    if (defaultName != null) {
      Optional<LoadedNetwork> named =
          networks.stream().filter(n -> n.name().equals(defaultName)).findFirst();
      defaultNetwork = named.filter(LoadedNetwork::isUsable);
      Optional<ConfigException> broken =
          problems.stream()
              .filter(e -> e.network().filter(defaultName::equals).isPresent())
              .findFirst();
      if (named.isEmpty() && broken.isPresent()) {
        readiness =
            new NetworkReadiness(
                NetworkReadiness.Status.DEFAULT_NETWORK_NOT_FOUND,
                "the CNI configuration of the default network \""
                    + defaultName
                    + "\" cannot be used: "
                    + broken.get().getMessage());
      } else if (named.isEmpty()) {
        readiness =
            new NetworkReadiness(
                NetworkReadiness.Status.DEFAULT_NETWORK_NOT_FOUND,
                "no CNI configuration of the default network \""
                    + defaultName
                    + "\" in "
                    + dir
                    + firstProblem(problems));
      } else if (defaultNetwork.isEmpty()) {
        readiness = pluginsMissing(named.get());
      } else {
        readiness = NetworkReadiness.ready();
      }
    } else {
      defaultNetwork = networks.stream().filter(LoadedNetwork::isUsable).findFirst();
      if (defaultNetwork.isPresent()) {
        readiness = NetworkReadiness.ready();
      } else if (!networks.isEmpty()) {
        readiness = pluginsMissing(networks.get(0));
      } else {
        readiness =
            new NetworkReadiness(
                NetworkReadiness.Status.NO_NETWORK,
                "no CNI network configuration in "
                    + dir
                    + " (has the network provider installed one?)"
                    + firstProblem(problems));
      }
    }
    return new Outcome(networks, shadowed, problems, defaultNetwork, readiness, brokenLists);
  }

  private List<LoadedNetwork.MissingPlugin> missingPlugins(
      NetworkConfigList network, Map<String, List<LoadedNetwork.MissingPlugin>> cache) {
    if (locator == null) {
      return List.of();
    }
    List<LoadedNetwork.MissingPlugin> missing = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (PluginConfig p : network.plugins()) {
      if (!seen.add(p.type())) {
        continue;
      }
      missing.addAll(cache.computeIfAbsent(p.type(), this::locate));
    }
    return missing;
  }

  private List<LoadedNetwork.MissingPlugin> locate(String type) {
    try {
      locator.find(type);
      return List.of();
    } catch (CniException | RuntimeException e) {
      return List.of(new LoadedNetwork.MissingPlugin(type, String.valueOf(e.getMessage())));
    }
  }

  private static NetworkReadiness pluginsMissing(LoadedNetwork network) {
    LoadedNetwork.MissingPlugin first = network.missingPlugins().get(0);
    return new NetworkReadiness(
        NetworkReadiness.Status.PLUGIN_NOT_FOUND,
        "network \""
            + network.name()
            + "\" ("
            + UntrustedText.plainOrQuoted(network.file())
            + ") cannot be used: "
            + first.problem()
            + (network.missingPlugins().size() > 1
                ? " (and " + (network.missingPlugins().size() - 1) + " more plugins missing)"
                : ""));
  }

  private static String firstProblem(List<ConfigException> problems) {
    if (problems.isEmpty()) {
      return "";
    }
    return "; "
        + problems.size()
        + (problems.size() == 1 ? " file" : " files")
        + " could not be used, the first: "
        + problems.get(0).getMessage();
  }
}
