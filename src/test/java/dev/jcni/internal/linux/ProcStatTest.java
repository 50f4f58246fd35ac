package dev.jcni.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading /proc/PID/stat lines, whose command may hold anything. */
class ProcStatTest {
  @TempDir Path tmp;

  @Test
  void countsTheFieldsAfterTheLastParenthesisOfTheCommand() throws Exception {
    // a command that looks like the start of other fields
    Path stat =
        Files.writeString(
            tmp.resolve("stat"),
            "4711 (a) Z 1 2 (x) S 10 20 30 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0\n");
    ProcStat s = ProcStat.read(stat).orElseThrow();
    assertThat(s.isZombie()).isFalse();
    assertThat(s.processGroup()).hasValue(20);
    assertThat(s.startTicks()).hasValue(987654);
  }

  @Test
  void readsThisProcess() {
    ProcStat self = ProcStat.of(ProcessHandle.current().pid()).orElseThrow();
    assertThat(self.isZombie()).isFalse();
    assertThat(self.startTicks()).isPresent();
    assertThat(self.processGroup()).isPresent();
  }

  @Test
  void aMissingFileOrALineWithoutACommandIsNothing() throws Exception {
    assertThat(ProcStat.read(tmp.resolve("none"))).isEmpty();
    assertThat(ProcStat.read(Files.writeString(tmp.resolve("bad"), "4711 a Z 1 2"))).isEmpty();
    assertThat(ProcStat.read(Files.writeString(tmp.resolve("short"), "4711 (a) S")).orElseThrow()
            .startTicks())
        .isEmpty();
  }
}
