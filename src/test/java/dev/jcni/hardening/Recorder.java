package dev.jcni.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chains of {@code testdata/plugins/recorder} and the log they write: the plugins' own account of
 * which of them ran, with which verb, in which order.
 */
final class Recorder {
  private final Path log;

  Recorder(Path log) {
    this.log = log;
  }

  /**
   * A 1.0.0 list named {@code network}: each one-letter entry is a recorder tagged with that
   * letter, any other entry a plugin of that type.
   */
  NetworkConfigList list(String network, String... plugins) throws Exception {
    List<String> objects = new ArrayList<>();
    for (String p : plugins) {
      if (p.length() == 1) {
        objects.add("{\"type\":\"recorder\",\"recordTo\":\"" + log + "\",\"tag\":\"" + p + "\"}");
      } else {
        objects.add("{\"type\":\"" + p + "\"}");
      }
    }
    return NetworkConfigList.parse(
        ("{\"cniVersion\":\"1.0.0\",\"name\":\""
                + network
                + "\",\"plugins\":["
                + String.join(",", objects)
                + "]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** The recorders' calls since the last time, as {@code VERB#tag}. */
  List<String> calls() throws Exception {
    List<String> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        JsonNode call = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        out.add(call.get("command").asText() + "#" + call.get("stdin").get("tag").asText());
      }
      Files.delete(log);
    }
    return out;
  }
}
