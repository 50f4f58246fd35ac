package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started in the C locale (as systemd starts services) reads file names with non-ASCII bytes
 * as U+FFFD, which its file name encoding cannot turn back into a path. Configuration problems in
 * such files must still be linted and reported, and listeners told of the change.
 */
@Timeout(120)
class NonAsciiFileNamesInTheCLocaleTest {
  @TempDir Path dir;

  @Test
  void problemsInFilesWithNonAsciiNamesAreLintedAndReloadedWithoutAnException() throws Exception {
    // the names are made by the shell, from bytes: this JVM's own locale does not matter
    Path netD = Files.createDirectory(dir.resolve("net.d"));
    Process make =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "printf '%s' \"$2\" > \"$1/10-caf$(printf '\\303\\251').conflist\" && "
                    + "printf '%s' '{\"name\":' > \"$1/20-na$(printf '\\303\\257')ve.conflist\"",
                "sh",
                netD.toString(),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]}")
            .inheritIO()
            .start();
    assertThat(make.waitFor()).isZero();

    Path stderr = dir.resolve("child.stderr");
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.java());
    command.add("-cp");
    command.add(ChildJvm.classPath(CLocaleConfigProcess.class, NetworkConfigs.class));
    command.add(CLocaleConfigProcess.class.getName());
    command.add(netD.toString());
    command.add("10-");
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().put("LC_ALL", "C");
    Process child = pb.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue())
        .as("stdout: %s%nstderr: %s", out, Files.readString(stderr))
        .isZero();
    assertThat(out.lines())
        .containsExactly(
            // the encoding that cannot hold the names: without it this test could not fail
            "encoding ANSI_X3.4-1968",
            "lint errors=1 findingFileIsTheListedFile=true",
            "reload stale=true problems=2 heard=1");
  }

}
