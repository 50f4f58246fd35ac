package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment that plugins run by {@code jcni} receive, seen from a {@code jcni} process of its
 * own (a plugin inherits the process's environment, which a test cannot set in its own JVM).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliPluginEnvironmentTest {
  @TempDir Path tmp;

  @Test
  void pluginsInheritJcnisEnvironmentAsCnitoolsDoWithTheCniVariablesItsOwn() throws Exception {
    // cnitool's plugins get cnitool's whole environment plus the CNI_* variables (checked with the
    // reference cnitool, libcni 1.1.2: a variable set for cnitool reached the capturing plugin)
    List<String> environ = pluginEnvironment();
    assertThat(environ)
        .contains(
            "PLUGIN_DEBUG_PROBE=passed on",
            "JCNI_TEST_RECORD=" + tmp.resolve("record"),
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=cnitool-705c6e61e3b30c99ec77",
            "CNI_PATH=" + JcniRun.testdata().resolve("plugins"))
        .doesNotContain("CNI_CONTAINERID=not-this-one", "CNI_COMMAND=DEL");
  }

  @Test
  void minimalEnvKeepsJcnisOwnVariablesFromThePlugins() throws Exception {
    // the echo plugin records its environment only when it sees JCNI_TEST_RECORD: it ran (jcni
    // printed its result) and recorded nothing, so the variable set for jcni did not reach it
    String output = runAdd("--minimal-env");
    assertThat(output).contains("\"cniVersion\": \"1.0.0\"");
    assertThat(tmp.resolve("record/environ")).doesNotExist();
  }

  /** The environment the echo plugin saw when {@code jcni add} ran it. */
  private List<String> pluginEnvironment() throws Exception {
    runAdd();
    Path environ = tmp.resolve("record/environ");
    assertThat(environ).as("the plugin saw JCNI_TEST_RECORD").exists();
    return Arrays.asList(
        new String(Files.readAllBytes(environ), StandardCharsets.UTF_8).split("\0"));
  }

  /** Runs {@code jcni add} with {@code flags} in a child JVM; returns its output. */
  private String runAdd(String... flags) throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    Files.writeString(
        conf.resolve("10-envnet.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"envnet\",\"plugins\":[{\"type\":\"echo-plugin\"}]}");
    Path record = Files.createDirectories(tmp.resolve("record"));
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.java());
    command.add("-cp");
    command.add(ChildJvm.classPath(Main.class));
    command.add(Main.class.getName());
    command.addAll(
        List.of("add", "envnet", "/var/run/netns/cniref-c1", "--cache-dir", tmp + "/cache"));
    command.addAll(List.of(flags));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("jcni.out").toFile());
    Map<String, String> env = pb.environment();
    env.put("NETCONFPATH", conf.toString());
    env.put("CNI_PATH", JcniRun.testdata().resolve("plugins").toString());
    env.put("JCNI_TEST_RECORD", record.toString()); // the echo plugin's own variable
    env.put("PLUGIN_DEBUG_PROBE", "passed on");
    env.put("CNI_CONTAINERID", "not-this-one"); // jcni's CNI_* values win, as libcni's do
    env.put("CNI_COMMAND", "DEL");
    Process p = pb.start();
    assertThat(p.waitFor(50, TimeUnit.SECONDS)).as("jcni finished").isTrue();
    String output = Files.readString(tmp.resolve("jcni.out"));
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
