package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Native;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A signal that ends the {@code jcni} process (Ctrl-C, SIGTERM) while a plugin runs: the plugin
 * is in a process group of its own, so the terminal's signal does not reach it, and jcni must stop
 * it before it exits rather than leave it running unseen.
 */
@Timeout(120)
class SignalStopsPluginTest {
  @TempDir Path tmp;

  @Test
  void aSignalToJcniStopsTheRunningPluginBeforeJcniExits() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path pidFile = tmp.resolve("plugin.pid");
    Path plugin = plugins.resolve("slow");
    Files.writeString(
        plugin,
        "#!/bin/sh\n"
            + "cat > /dev/null\n"
            + "echo $$ > '"
            + pidFile
            + ".tmp' && mv '"
            + pidFile
            + ".tmp' '"
            + pidFile
            + "'\n"
            + "exec sleep 1000\n");
    assertThat(plugin.toFile().setExecutable(true, false)).isTrue();
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    Files.writeString(
        conf.resolve("10-slow.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"slow\",\"plugins\":[{\"type\":\"slow\"}]}");

    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath(),
                Main.class.getName(),
                "add",
                "slow",
                "/var/run/netns/jcni-test-signal",
                "--cache-dir",
                tmp.resolve("cache").toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("jcni.out").toFile());
    pb.environment().put("NETCONFPATH", conf.toString());
    pb.environment().put("CNI_PATH", plugins.toString());
    Process jcni = pb.start();
    long pid = -1;
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(pidFile) && System.nanoTime() < until && jcni.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(pidFile).as("the plugin started; jcni said: %s", output()).exists();
      pid = Long.parseLong(Files.readString(pidFile).trim());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);

      jcni.destroy(); // SIGTERM, which runs the JVM's shutdown hooks as SIGINT does

      assertThat(jcni.waitFor(60, TimeUnit.SECONDS)).as("jcni exited").isTrue();
      Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      assertThat(left).as("the plugin was stopped before jcni exited").isEmpty();
      assertThat(output()).contains("interrupted");
    } finally {
      jcni.destroyForcibly();
      if (pid > 0) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private String output() throws Exception {
    Path out = tmp.resolve("jcni.out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  /** The CLI's classes and the libraries they use. */
  private static String classPath() {
    return Stream.of(
            Main.class,
            ObjectMapper.class,
            JsonFactory.class,
            JsonAutoDetect.class,
            LoggerFactory.class,
            Native.class)
        .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
        .map(
            url -> {
              try {
                return Path.of(url.toURI()).toString();
              } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
              }
            })
        .distinct()
        .collect(Collectors.joining(File.pathSeparator));
  }
}
