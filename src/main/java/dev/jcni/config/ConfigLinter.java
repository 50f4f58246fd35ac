package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.config.LintFinding.Severity;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks configuration files and directories and reports every problem with its file, line and
 * column, for {@code jcni conf lint}.
 *
 * <p>Errors are what strict parsing and validation reject: comments, trailing commas, unquoted
 * template placeholders (such as {@code __CNI_MTU__}), template actions, invalid names, types and
 * versions. A file that is not strict JSON is repaired in memory (positions kept) so that the rest
 * of it can still be checked. Warnings are what a runtime accepts but is likely a mistake: no
 * {@code cniVersion}, a version newer than jcni supports (ignored), a plugin {@code cniVersion}
 * that is not a CNI version, the reserved keys {@code runtimeConfig}, {@code args} and {@code
 * cni.dev/...} in a file, a network name used twice in one directory, and a drop-in directory that
 * is never read.
 *
 * <p>A directory is read as a runtime reads it ({@link ConfigDirectory}): {@code *.conflist},
 * {@code *.conf} and {@code *.json} files, and the drop-ins of each list; its other subdirectories
 * are linted as configuration directories of their own. A subdirectory named after a network that a
 * {@code .conflist} declares is that list's drop-in directory, even when the list is too broken to
 * lint (its name is then read as far as its JSON goes). Instances are immutable and thread-safe.
 */
public final class ConfigLinter {
  /** The most findings reported for one file; a note says when more were left out. */
  static final int MAX_FINDINGS_PER_FILE = 100;

  private static final Comparator<LintFinding> BY_POSITION =
      Comparator.comparingInt(LintFinding::line).thenComparingInt(LintFinding::column);

  private final ConfigParser parser;

  private ConfigLinter(ConfigParser parser) {
    this.parser = parser;
  }

  /** A linter with the default limits. */
  public static ConfigLinter create() {
    return new ConfigLinter(ConfigParser.defaults());
  }

  /**
   * A linter that reads files with the given parser's limits.
   *
   * @param parser the parser
   * @return the linter
   */
  public static ConfigLinter withParser(ConfigParser parser) {
    return new ConfigLinter(Objects.requireNonNull(parser, "parser"));
  }

  /**
   * Lints files and directories.
   *
   * @param paths files (read as a list for {@code .conflist}, as a single plugin for {@code .conf}
   *     and {@code .json}, by their content otherwise) and directories
   * @return the findings, grouped by file in reading order and sorted by position within a file
   */
  public List<LintFinding> lint(List<Path> paths) {
    Run run = new Run();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        run.directory(path);
      } else if (Files.exists(path)) {
        Kind kind =
            ConfigDirectory.isListFile(path)
                ? Kind.LIST
                : isConfFile(path) ? Kind.CONF : Kind.BY_CONTENT;
        run.file(path, kind);
      } else {
        run.add(path, new LintFinding(Severity.ERROR, path, 0, 0, "no such file or directory"));
      }
    }
    return run.findings();
  }

  /**
   * Lints one file or directory.
   *
   * @param path the file or directory
   * @return the findings (see {@link #lint(List)})
   */
  public List<LintFinding> lint(Path path) {
    return lint(List.of(path));
  }

  /** Whether any finding is an error. */
  public static boolean hasErrors(List<LintFinding> findings) {
    return findings.stream().anyMatch(LintFinding::isError);
  }

  private static boolean isConfFile(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".conf") || name.endsWith(".json");
  }

  private enum Kind {
    LIST,
    CONF,
    DROP_IN,
    BY_CONTENT
  }

  /** A file that parsed (perhaps after repair): its source, its object and the network name. */
  private record Parsed(ConfigSource src, ObjectNode root, String network) {}

  /** The state of one lint call. */
  private final class Run {
    private final Map<Path, List<LintFinding>> byFile = new LinkedHashMap<>();
    private final Set<Path> visitedDirectories = new HashSet<>();
    private final Set<Path> lintedDropIns = new HashSet<>();
    private final Set<Path> truncated = new HashSet<>();
    private final Map<Path, Set<String>> listNetworksByDirectory = new HashMap<>();

    List<LintFinding> findings() {
      List<LintFinding> all = new ArrayList<>();
      for (Map.Entry<Path, List<LintFinding>> e : byFile.entrySet()) {
        List<LintFinding> list = e.getValue();
        list.sort(BY_POSITION);
        all.addAll(list);
        if (truncated.contains(e.getKey())) {
          all.add(
              new LintFinding(
                  Severity.ERROR,
                  e.getKey(),
                  0,
                  0,
                  "more than " + MAX_FINDINGS_PER_FILE + " problems; the rest are not shown"));
        }
      }
      return List.copyOf(all);
    }

    /** Whether a file has all the findings it may have; further ones are dropped. */
    boolean full(Path file) {
      List<LintFinding> list = byFile.get(file);
      if (list != null && list.size() >= MAX_FINDINGS_PER_FILE) {
        truncated.add(file);
        return true;
      }
      return false;
    }

    void add(Path file, LintFinding finding) {
      if (full(file)) {
        return;
      }
      List<LintFinding> list = byFile.computeIfAbsent(file, k -> new ArrayList<>());
      boolean duplicate =
          list.stream()
              .anyMatch(
                  f ->
                      finding.isError()
                          && f.isError()
                          && f.line() == finding.line()
                          && f.column() == finding.column()
                          && finding.line() != 0);
      if (!duplicate) {
        list.add(finding);
      }
    }

    void error(Path file, ConfigException e) {
      // the exception keeps its file as text: compare the text rather than parse it again, which
      // fails for names the JVM's file name encoding cannot hold (non-ASCII in the C locale)
      String named = e.context().file();
      Path where = named == null || named.equals(file.toString()) ? file : e.file().orElse(file);
      add(
          file,
          new LintFinding(
              Severity.ERROR, where, e.line().orElse(0), e.column().orElse(0), e.detail()));
    }

    void warning(Path file, ConfigSource src, String pointer, boolean atKey, String message) {
      if (full(file)) {
        return;
      }
      Context at = src.locate(Context.NONE, pointer, atKey);
      add(file, new LintFinding(Severity.WARNING, file, at.line(), at.column(), message));
    }

    void directory(Path dir) {
      try {
        if (!visitedDirectories.add(dir.toRealPath())) {
          return; // a symbolic link back to a directory already linted
        }
      } catch (IOException e) {
        add(dir, new LintFinding(Severity.ERROR, dir, 0, 0, ConfigParser.ioProblem(e)));
        return;
      }
      List<Path> files;
      try {
        files = new ConfigDirectory(dir, parser).files();
      } catch (ConfigException e) {
        error(dir, e);
        return;
      }
      Map<String, Path> firstByName = new HashMap<>();
      Set<String> networkDirectories = new HashSet<>();
      for (Path file : files) {
        Parsed parsed = file(file, ConfigDirectory.isListFile(file) ? Kind.LIST : Kind.CONF);
        if (parsed == null || parsed.network() == null) {
          continue;
        }
        networkDirectories.add(parsed.network());
        Path first = firstByName.putIfAbsent(parsed.network(), file);
        if (first != null) {
          warning(
              file,
              parsed.src(),
              "/name",
              false,
              "network name "
                  + Messages.quote(parsed.network())
                  + " is already used by "
                  + Messages.path(first)
                  + ", which is read first: this file is never loaded");
        }
      }
      for (Path sub : subdirectories(dir)) {
        String name = sub.getFileName().toString();
        // a drop-in directory, even of a list too broken to lint, is no configuration directory
        if (!networkDirectories.contains(name) && !listNetworks(dir).contains(name)) {
          directory(sub);
        }
      }
    }

    /**
     * The networks the {@code .conflist} files of a directory declare, as far as their names can be
     * read (a list that cannot be parsed may still name its network before the first error): the
     * names of the subdirectories that hold drop-ins.
     */
    Set<String> listNetworks(Path dir) {
      return listNetworksByDirectory.computeIfAbsent(
          dir.toAbsolutePath().normalize(),
          d -> {
            Set<String> names = new HashSet<>();
            try {
              for (Path list : ConfigParser.listFiles(d, List.of(".conflist"), false)) {
                String name = ConfigSource.declaredNetwork(parser.readFile(list));
                if (name != null) {
                  names.add(name);
                }
              }
            } catch (ConfigException e) {
              // reported where the directory or the file is linted; only the names count here
            }
            return names;
          });
    }

    private List<Path> subdirectories(Path dir) {
      try {
        return ConfigParser.subdirectories(dir);
      } catch (ConfigException e) {
        error(dir, e);
        return List.of();
      }
    }

    /** Lints one file; returns what parsed, or {@code null}. */
    Parsed file(Path file, Kind kind) {
      byFile.computeIfAbsent(file, k -> new ArrayList<>());
      byte[] bytes;
      try {
        bytes = parser.readFile(file);
      } catch (ConfigException e) {
        error(file, e);
        return null;
      }
      ConfigSource src = new ConfigSource(bytes, file);
      try {
        src.checkEncoding();
      } catch (ConfigException e) {
        error(file, e);
        return null;
      }
      ObjectNode root;
      try {
        root = src.parseObject();
      } catch (ConfigException e) {
        error(file, e);
        TolerantScanner.Scan scan = TolerantScanner.scan(bytes);
        if (scan.defects().isEmpty()) {
          return null;
        }
        for (TolerantScanner.Defect d : scan.defects()) {
          if (full(file)) {
            break;
          }
          error(file, src.errorAt(d.message(), Context.NONE, d.offset(), null));
        }
        src = new ConfigSource(scan.repaired(), file);
        try {
          root = src.parseObject();
        } catch (ConfigException again) {
          if (!scan.template()) {
            error(file, again);
          }
          return null;
        }
      }
      if (kind == Kind.BY_CONTENT) {
        kind = root.has("plugins") ? Kind.LIST : Kind.CONF;
      }
      switch (kind) {
        case LIST:
          return list(file, src, root);
        case CONF:
          return conf(file, src, root);
        default:
          dropIn(file, src, root);
          return null;
      }
    }

    private Parsed list(Path file, ConfigSource src, ObjectNode root) {
      String network = null;
      try {
        NetworkConfigList list = NetworkConfigList.fromTree(root, src, true);
        network = list.name();
        for (DeclaredVersions.Ignored v : list.ignoredVersions()) {
          warning(
              file,
              src,
              v.pointer(),
              false,
              v.field()
                  + " "
                  + Messages.quote(v.version())
                  + (v.newer()
                      ? " is newer than the newest version jcni supports ("
                          + dev.jcni.result.CniVersion.latest()
                          + ") and is ignored"
                      : " is not a CNI version jcni knows and is skipped ("
                          + DeclaredVersions.supportedList()
                          + ")"));
        }
        dropIns(file, src, list);
      } catch (ConfigException e) {
        error(file, e);
        network = validName(root);
      }
      if (!declaresVersion(root, true)) {
        warning(
            file,
            src,
            "",
            false,
            "no cniVersion: plugins get an empty version and results are read as 0.1.0");
      }
      JsonNode plugins = root.get("plugins");
      if (plugins != null && plugins.isArray()) {
        for (int i = 0; i < plugins.size(); i++) {
          if (plugins.get(i).isObject()) {
            pluginWarnings(file, src, (ObjectNode) plugins.get(i), "/plugins/" + i, true);
          }
        }
      }
      return new Parsed(src, root, network);
    }

    private void dropIns(Path file, ConfigSource src, NetworkConfigList list)
        throws ConfigException {
      Path dir = ConfigParser.dropInDirectory(file, list.name());
      if (list.loadOnlyInlinedPlugins()) {
        if (!ConfigParser.listFiles(dir, List.of(".conf"), false).isEmpty()) {
          warning(
              file,
              src,
              "/loadOnlyInlinedPlugins",
              true,
              "the drop-in directory "
                  + Messages.path(dir)
                  + " is ignored because loadOnlyInlinedPlugins is true");
        }
        return;
      }
      List<Path> files = ConfigParser.dropInFiles(dir, list.name());
      if (list.plugins().isEmpty() && files.isEmpty()) {
        throw src.error(
            ConfigParser.noPlugins(list, dir), Context.NONE.withNetwork(list.name()), "", false);
      }
      if (lintedDropIns.add(dir.toAbsolutePath().normalize())) {
        for (Path dropIn : files) {
          file(dropIn, Kind.DROP_IN);
        }
      }
    }

    private Parsed conf(Path file, ConfigSource src, ObjectNode root) {
      String network = null;
      try {
        PluginConfig conf =
            PluginConfig.validate(root, src, "", ConfigParser.confContext(root), src.bytes());
        network = NetworkConfigList.fromConf(conf).name();
        Path dropIns = ConfigParser.dropInDirectory(file, network);
        if (Files.isDirectory(dropIns)
            && !listNetworks(file.toAbsolutePath().getParent()).contains(network)) {
          warning(
              file,
              src,
              "/name",
              false,
              "the directory "
                  + Messages.path(dropIns)
                  + " is not read: only .conflist networks take drop-in plugins");
        }
      } catch (ConfigException e) {
        error(file, e);
        network = validName(root);
      }
      if (!declaresVersion(root, false)) {
        warning(
            file,
            src,
            "",
            false,
            "no cniVersion: the plugin gets an empty version and results are read as 0.1.0");
      }
      pluginWarnings(file, src, root, "", false);
      return new Parsed(src, root, network);
    }

    private void dropIn(Path file, ConfigSource src, ObjectNode root) {
      try {
        PluginConfig.validate(root, src, "", Context.NONE, src.bytes());
      } catch (ConfigException e) {
        error(file, e);
      }
      pluginWarnings(file, src, root, "", true);
    }

    private void pluginWarnings(
        Path file, ConfigSource src, ObjectNode plugin, String pointer, boolean inList) {
      for (Map.Entry<String, JsonNode> e : plugin.properties()) {
        String key = e.getKey();
        if (key.equals("runtimeConfig") || key.equals("args") || key.startsWith("cni.dev/")) {
          warning(
              file,
              src,
              pointer + "/" + PluginConfig.pointerToken(key),
              true,
              "reserved key "
                  + Messages.quote(key)
                  + ": the runtime sets it when it runs the plugin; it does not belong in a"
                  + " configuration file");
        }
      }
      JsonNode version = plugin.get("cniVersion");
      if (inList
          && version != null
          && version.isTextual()
          && !version.textValue().isEmpty()
          && !DeclaredVersions.isSupported(version.textValue())) {
        warning(
            file,
            src,
            pointer + "/cniVersion",
            false,
            "plugin cniVersion "
                + Messages.quote(version.textValue())
                + " is not a CNI version jcni supports; the network's cniVersion replaces it"
                + " when the plugin runs");
      }
    }
  }

  private static boolean declaresVersion(ObjectNode root, boolean withList) {
    JsonNode v = root.get("cniVersion");
    if (v != null && v.isTextual() && !v.textValue().isEmpty()) {
      return true;
    }
    JsonNode list = withList ? root.get("cniVersions") : null;
    return list != null && list.isArray() && !list.isEmpty();
  }

  private static String validName(ObjectNode root) {
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual() || Names.networkNameProblem(name.textValue()) != null) {
      return null;
    }
    return name.textValue();
  }
}
