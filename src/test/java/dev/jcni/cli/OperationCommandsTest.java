package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** add, check, del, gc, status and validate, driven like cnitool against the recorder plugin. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperationCommandsTest {
  @TempDir Path tmp;
  private Path log;
  private Path conf;
  private Path cache;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    log = tmp.resolve("calls.jsonl");
    conf = Files.createDirectories(tmp.resolve("net.d"));
    cache = tmp.resolve("cache");
    writeList("net1", "1.1.0", "");
    env =
        Map.of(
            "NETCONFPATH", conf.toString(),
            "CNI_PATH", JcniRun.testdata().resolve("plugins").toString(),
            "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=p1",
            "CAP_ARGS", "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80}]}");
  }

  private void writeList(String name, String version, String pluginExtra) throws Exception {
    Files.writeString(
        conf.resolve("10-" + name + ".conflist"),
        "{\"cniVersion\":\""
            + version
            + "\",\"name\":\""
            + name
            + "\",\"plugins\":[{\"type\":\"recorder\",\"recordTo\":\""
            + log
            + "\",\"capabilities\":{\"portMappings\":true}"
            + pluginExtra
            + "}]}\n");
  }

  private JcniRun jcni(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--cache-dir");
    all.add(cache.toString());
    return JcniRun.of(env, all.toArray(new String[0]));
  }

  private List<JsonNode> calls() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        out.add(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  @Test
  void addCheckDelAsCnitoolWithItsContainerIdAndEnvironment() throws Exception {
    JcniRun add = jcni("add", "net1", "/var/run/netns/cniref-c1");
    assertThat(add.exitCode).as(add.toString()).isZero();
    JsonNode result = Json.parse(add.out.getBytes(StandardCharsets.UTF_8));
    assertThat(result.get("cniVersion").asText()).isEqualTo("1.1.0");
    assertThat(add.out).startsWith("{\n    \"cniVersion\": \"1.1.0\",\n    \"interfaces\": [");

    JsonNode call = calls().get(0);
    assertThat(call.get("command").asText()).isEqualTo("ADD");
    assertThat(call.get("containerId").asText()).isEqualTo("cnitool-705c6e61e3b30c99ec77");
    assertThat(call.get("netns").asText()).isEqualTo("/var/run/netns/cniref-c1");
    assertThat(call.get("ifname").asText()).isEqualTo("eth0");
    assertThat(call.get("args").asText()).isEqualTo("IgnoreUnknown=1;K8S_POD_NAME=p1");
    assertThat(call.get("stdin").get("runtimeConfig").get("portMappings").get(0).get("hostPort").asInt())
        .isEqualTo(8080);
    assertThat(cache.resolve("results/net1-cnitool-705c6e61e3b30c99ec77-eth0")).exists();

    JcniRun check = jcni("check", "net1", "/var/run/netns/cniref-c1");
    assertThat(check.exitCode).as(check.toString()).isZero();
    assertThat(check.out).isEmpty();

    JcniRun del = jcni("--timeout", "5s", "del", "net1", "/var/run/netns/cniref-c1");
    assertThat(del.exitCode).as(del.toString()).isZero();
    assertThat(calls()).extracting(c -> c.get("command").asText()).containsExactly("ADD", "CHECK", "DEL");
    assertThat(calls().get(2).get("stdin").get("prevResult")).isEqualTo(result);
    assertThat(cache.resolve("results/net1-cnitool-705c6e61e3b30c99ec77-eth0")).doesNotExist();
  }

  @Test
  void optionsGoBeforeOrAfterTheCommandWords() throws Exception {
    JcniRun add = jcni("--ifname", "net9", "--container-id", "c1", "add", "net1", "/n");
    assertThat(add.exitCode).as(add.toString()).isZero();
    JcniRun del = jcni("del", "net1", "/n", "--ifname=net9", "--container-id", "c1");
    assertThat(del.exitCode).as(del.toString()).isZero();
    assertThat(calls())
        .allSatisfy(
            c -> {
              assertThat(c.get("containerId").asText()).isEqualTo("c1");
              assertThat(c.get("ifname").asText()).isEqualTo("net9");
            });
  }

  @Test
  void aFailingPluginExitsOneWithItsCniErrorAndAMissingNetworkExitsThree() throws Exception {
    writeList("bad", "1.0.0", ",\"failOn\":\"ADD\"");
    JcniRun add = jcni("add", "bad", "/n");
    assertThat(add.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(add.err)
        .startsWith("jcni: network \"bad\" (container cnitool-")
        .contains("plugin type=\"recorder\"")
        .contains("asked to fail")
        .doesNotContain("\tat ");
    JcniRun json = jcni("--json", "add", "bad", "/n");
    JsonNode error = Json.parse(json.err.getBytes(StandardCharsets.UTF_8));
    assertThat(error.get("code").asInt()).isEqualTo(7);
    assertThat(error.get("exitCode").asInt()).isEqualTo(1);

    JcniRun missing = jcni("add", "nope", "/n");
    assertThat(missing.exitCode).as(missing.toString()).isEqualTo(ExitCode.CONFIG);
    assertThat(missing.err).contains("nope");
    assertThat(jcni("add", "net1").exitCode).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void gcNeedsKeepOrAllAndDeletesTheRest() throws Exception {
    assertThat(jcni("add", "net1", "/n", "--container-id", "keep").exitCode).isZero();
    assertThat(jcni("add", "net1", "/n", "--container-id", "stale").exitCode).isZero();
    assertThat(jcni("gc", "net1").exitCode).isEqualTo(ExitCode.USAGE);
    assertThat(jcni("gc", "net1", "--keep", "nobody").exitCode).isEqualTo(ExitCode.USAGE);

    JcniRun gc = jcni("gc", "net1", "--keep", "keep/eth0");
    assertThat(gc.exitCode).as(gc.toString()).isZero();
    assertThat(gc.out).isEqualTo("deleted stale/eth0\n");
    JsonNode gcCall = calls().get(calls().size() - 1);
    assertThat(gcCall.get("command").asText()).isEqualTo("GC");
    assertThat(gcCall.get("stdin").get("cni.dev/valid-attachments").get(0).get("containerID").asText())
        .isEqualTo("keep");

    JcniRun all = jcni("gc", "net1", "--all");
    assertThat(all.out).isEqualTo("deleted keep/eth0\n");
  }

  @Test
  void gcAndStatusRefuseMalformedCnitoolVariablesBeforeAnyPluginRuns() throws Exception {
    for (Map.Entry<String, String> bad :
        List.of(
            Map.entry("CNI_ARGS", "bad"),
            Map.entry("CAP_ARGS", "[1]"),
            Map.entry("CNI_IFNAME", ""),
            Map.entry("CNI_IFNAME", "a/b"))) {
      Map<String, String> withBad = new HashMap<>(env);
      withBad.put(bad.getKey(), bad.getValue());
      env = withBad;
      for (String[] line :
          List.of(new String[] {"gc", "net1", "--all"}, new String[] {"status", "net1"})) {
        JcniRun run = jcni(line);
        assertThat(run.exitCode).as("%s with %s: %s", line[0], bad, run).isEqualTo(ExitCode.USAGE);
        assertThat(run.err).contains(bad.getKey());
      }
      setUp();
    }
    assertThat(calls()).as("no plugin ran").isEmpty();
  }

  @Test
  void reportsTheProblemCnitoolReportsWhenThereAreSeveral() throws Exception {
    // cnitool loads the network, then reads CAP_ARGS, CNI_ARGS and CNI_IFNAME, and stops at the
    // first problem (checked with the reference cnitool, libcni 1.1.2):
    //   add nonet + all three malformed -> no net configuration with name "nonet" in DIR
    //   add NET + all three malformed   -> json: cannot unmarshal array into Go value ...
    //   add/del NET + CNI_ARGS=bad CNI_IFNAME=a/b -> invalid CNI_ARGS pair "bad"
    Map<String, String> bad = new HashMap<>(env);
    bad.put("CNI_ARGS", "bad");
    bad.put("CAP_ARGS", "[1]");
    bad.put("CNI_IFNAME", "a/b");
    env = bad;
    for (String verb : List.of("add", "check", "del")) {
      JcniRun missing = jcni(verb, "nonet", "/n");
      assertThat(missing.exitCode).as(missing.toString()).isEqualTo(ExitCode.CONFIG);
      assertThat(missing.err).startsWith("jcni: no net configuration with name \"nonet\"");

      JcniRun all = jcni(verb, "net1", "/n");
      assertThat(all.exitCode).as(all.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(all.err).startsWith("jcni: CAP_ARGS ");
    }
    for (String[] line :
        List.of(new String[] {"gc", "nonet", "--all"}, new String[] {"status", "nonet"})) {
      JcniRun missing = jcni(line);
      assertThat(missing.exitCode).as(missing.toString()).isEqualTo(ExitCode.CONFIG);
      assertThat(missing.err).startsWith("jcni: no net configuration with name \"nonet\"");
    }
    bad.remove("CAP_ARGS");
    for (String[] line :
        List.of(
            new String[] {"add", "net1", "/n"},
            new String[] {"del", "net1", "/n"},
            new String[] {"gc", "net1", "--all"},
            new String[] {"status", "net1"})) {
      JcniRun run = jcni(line);
      assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(run.err).as(line[0]).startsWith("jcni: invalid CNI_ARGS pair \"bad\"");
    }
    assertThat(calls()).as("no plugin ran").isEmpty();
  }

  @Test
  void statusAndValidate() throws Exception {
    JcniRun ready = jcni("status", "net1");
    assertThat(ready.exitCode).as(ready.toString()).isZero();
    assertThat(ready.out).isEqualTo("ready\n");
    writeList("down", "1.1.0", ",\"statusCode\":\"50\"");
    JcniRun down = jcni("status", "down");
    assertThat(down.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(down.out).contains("not ready").contains("code 50");

    JcniRun valid = jcni("validate", "net1");
    assertThat(valid.exitCode).as(valid.toString()).isZero();
    assertThat(valid.out).isEqualTo("capabilities: portMappings\nvalid\n");
  }
}
