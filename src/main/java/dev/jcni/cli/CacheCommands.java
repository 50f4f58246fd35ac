package dev.jcni.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.CniException;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jcni cache ...} commands: the attachments recorded in the cache directory, by jcni or
 * by libcni (the format is shared).
 */
final class CacheCommands {
  private static final Option NETWORK =
      Option.value("network", "NAME", "only the attachments of this network");

  /** The operations' {@code --container-id}, as a filter here. */
  private static final Option CONTAINER =
      Option.value(
          CnitoolEnvironment.CONTAINER_ID.name(), "ID", "only the attachments of this container");

  private CacheCommands() {}

  /** The cache commands, in the order help lists them. */
  static List<Command> all() {
    return List.of(new ListCommand(), new ShowCommand());
  }

  /** {@code jcni cache list}: one line (or JSON object) per cached attachment. */
  static final class ListCommand implements Command {
    @Override
    public List<String> words() {
      return List.of("cache", "list");
    }

    @Override
    public String summary() {
      return "list the cached attachments";
    }

    @Override
    public String usage() {
      return "[--network NAME] [--container-id ID] [--cache-dir DIR] [--json]\n\n"
          + "Lists the attachments recorded in the cache directory (by jcni or libcni), one per\n"
          + "line: network, container id, interface and netns (\"-\" when the entry does not\n"
          + "record it, as libcni up to 1.1.2 does not). --json prints a JSON array of objects\n"
          + "with networkName, containerId, ifName and netns. Files that are not entries are\n"
          + "skipped with a warning on stderr; nothing is changed.";
    }

    @Override
    public List<Option> options() {
      return List.of(NETWORK, CONTAINER, CnitoolEnvironment.CACHE_DIR);
    }

    @Override
    public int run(Call call) throws CniException {
      call.expectPositionals(0, 0, "no arguments");
      ResultCache cache = ResultCache.open(CnitoolEnvironment.of(call).cacheDir());
      Optional<String> network = call.option(NETWORK.name());
      Optional<String> container = call.option(CONTAINER.name());
      List<CachedAttachment> entries =
          cache.list(
              key ->
                  network.map(key.networkName()::equals).orElse(true)
                      && container.map(key.containerId()::equals).orElse(true));
      if (call.flag("json")) {
        ArrayNode array = Json.NODES.arrayNode();
        for (CachedAttachment a : entries) {
          array.add(identity(a));
        }
        call.out().println(Json.pretty(array));
        return ExitCode.OK;
      }
      TextTable table = new TextTable("NETWORK", "CONTAINER", "IFNAME", "NETNS");
      for (CachedAttachment a : entries) {
        AttachmentKey key = a.key();
        table.row(key.networkName(), key.containerId(), key.ifName(), shown(a.netns()));
      }
      if (!table.isEmpty()) {
        table.print(call.out());
      }
      return ExitCode.OK;
    }

    /** The netns as one safe token: {@code -} when unknown, JSON-quoted when it needs quoting. */
    private static String shown(String netns) {
      if (netns.isEmpty()) {
        return "-";
      }
      boolean plain =
          netns.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.isSpaceChar(c))
              && !netns.startsWith("\"");
      return plain
          ? netns
          : new String(Json.compact(Json.NODES.textNode(netns)), StandardCharsets.UTF_8);
    }
  }

  /** {@code jcni cache show NET CID IFNAME}: everything one entry records. */
  static final class ShowCommand implements Command {
    @Override
    public List<String> words() {
      return List.of("cache", "show");
    }

    @Override
    public String summary() {
      return "print one cached attachment: result, configuration, arguments";
    }

    @Override
    public String usage() {
      return "NET CID IFNAME [--cache-dir DIR]\n\n"
          + "Prints the cache entry of network NET, container CID, interface IFNAME as JSON\n"
          + "indented with four spaces: networkName, containerId, ifName, netns, the entry's\n"
          + "file, cniArgs, capabilityArgs, config (the network list ADD ran, decoded from\n"
          + "base64; a string when it is not JSON) and result (the cached result of ADD).\n"
          + "Exits 1 when there is no entry. As for CHECK and DEL, a corrupt entry is moved\n"
          + "into DIR/results-corrupt/ and reported.";
    }

    @Override
    public List<Option> options() {
      return List.of(CnitoolEnvironment.CACHE_DIR);
    }

    @Override
    public int run(Call call) throws CniException {
      call.expectPositionals(3, 3, "NET CID IFNAME");
      AttachmentKey key;
      try {
        key = AttachmentKey.of(call.positional(0), call.positional(1), call.positional(2));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      ResultCache cache = ResultCache.open(CnitoolEnvironment.of(call).cacheDir());
      CachedAttachment entry =
          cache
              .get(key)
              .orElseThrow(
                  () ->
                      new CniException(
                          "no cached attachment for network \""
                              + key.networkName()
                              + "\", container \""
                              + key.containerId()
                              + "\", interface \""
                              + key.ifName()
                              + "\" in "
                              + cache.directory()));
      ObjectNode shown = identity(entry);
      shown.put("file", cache.entryPath(key).toString());
      ArrayNode pairs = shown.putArray("cniArgs");
      for (Map.Entry<String, String> pair : entry.cniArgs()) {
        pairs.addArray().add(pair.getKey()).add(pair.getValue());
      }
      shown.set("capabilityArgs", entry.capabilityArgs());
      shown.set("config", decodedConfig(entry.config()));
      shown.set("result", entry.result().<JsonNode>map(r -> r).orElse(Json.NODES.nullNode()));
      call.out().println(Json.pretty(shown));
      return ExitCode.OK;
    }

    /** The network list as JSON when it is JSON, else as text (what an operator can read). */
    private static JsonNode decodedConfig(byte[] config) {
      try {
        return Json.parse(config);
      } catch (IOException e) {
        return Json.NODES.textNode(new String(config, StandardCharsets.UTF_8));
      }
    }
  }

  /** The four values that identify and locate an attachment, with libcni's key names. */
  private static ObjectNode identity(CachedAttachment a) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("networkName", a.key().networkName());
    o.put("containerId", a.key().containerId());
    o.put("ifName", a.key().ifName());
    o.put("netns", a.netns());
    return o;
  }
}
