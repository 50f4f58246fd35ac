package dev.jcni.invoke;

import static dev.jcni.invoke.Plugins.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.internal.linux.NativeBuffer;
import dev.jcni.invoke.LaunchResult.Ending;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PosixSpawnLauncher} leaks nothing: after 10,000 calls of a small C plugin, and after every
 * way a call can fail, the JVM has as many open descriptors, threads and native buffers as before,
 * and no child left (running or zombie).
 */
@Timeout(120)
class PosixSpawnLauncherLeakTest {
  private static final PosixSpawnLauncher LAUNCHER = new PosixSpawnLauncher();
  private static final int CALLS = 10_000;

  /** JIT and GC threads come and go on their own; growth per call would be thousands. */
  private static final int THREAD_SLACK = 6;

  private static Path noop;

  @TempDir Path tmp;

  /** Builds bench/noop-plugin.c with the machine's C compiler; its absence is a failure. */
  @BeforeAll
  static void buildNoopPlugin() throws Exception {
    Path source = Plugins.testdata().getParent().resolve("bench/noop-plugin.c");
    noop = Plugins.compile("noop-plugin", Files.readString(source));
  }

  private static LaunchRequest request(Path exe, String command, Duration deadline, int limit) {
    return new LaunchRequest(
        exe,
        List.of("CNI_COMMAND=" + command, "CNI_IFNAME=eth0", "PATH=" + System.getenv("PATH")),
        utf8("{\"cniVersion\":\"1.0.0\",\"name\":\"leak\",\"type\":\"noop-plugin\"}"),
        Deadline.after(deadline),
        Duration.ofMillis(200),
        Duration.ofMillis(200),
        limit,
        ExecOptions.DEFAULT_STDERR_TAIL);
  }

  /** What the JVM holds that a launcher could leak. */
  private static final class Holdings {
    final long descriptors = count(Path.of("/proc/self/fd"));
    final long osThreads = count(Path.of("/proc/self/task"));
    final int javaThreads = Thread.getAllStackTraces().size();
    final long nativeBuffers = NativeBuffer.live();
    final List<Long> children = Plugins.children();

    void assertSameAfter(Holdings after) {
      assertThat(after.descriptors).as("open descriptors").isEqualTo(descriptors);
      assertThat(after.nativeBuffers).as("native buffers not freed").isEqualTo(nativeBuffers);
      assertThat(after.javaThreads).as("Java threads").isLessThanOrEqualTo(javaThreads + 1);
      assertThat(after.osThreads).as("OS threads").isLessThanOrEqualTo(osThreads + THREAD_SLACK);
      assertThat(after.children).as("children of the JVM (zombies included)").isEqualTo(children);
    }

    private static long count(Path dir) {
      try (Stream<Path> s = Files.list(dir)) {
        return s.count();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Holdings settled() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
    new Holdings(); // its first use of Files.readString opens the JDK's one-time socketpair
    return new Holdings();
  }

  @Test
  void tenThousandCallsLeakNoDescriptorThreadNativeMemoryOrChild() throws Exception {
    for (int i = 0; i < 200; i++) { // warm up: JIT, JNA's own one-time setup
      LAUNCHER.launch(request(noop, "ADD", Duration.ofSeconds(10), 4096));
    }
    Holdings before = settled();
    long stdoutBytes = 0;
    for (int i = 0; i < CALLS; i++) {
      LaunchResult r =
          LAUNCHER.launch(request(noop, i % 2 == 0 ? "ADD" : "DEL", Duration.ofSeconds(10), 4096));
      assertThat(r.exitStatus()).hasValue(0);
      stdoutBytes += r.stdout().length;
    }
    assertThat(stdoutBytes).as("every ADD printed its result").isGreaterThan(CALLS / 2 * 100L);
    before.assertSameAfter(settled());
  }

  @Test
  void failedCallsLeakNothingEither() throws Exception {
    Path missing = tmp.resolve("missing");
    Path busy = Plugins.copy(noop, tmp.resolve("busy"));
    LAUNCHER.launch(request(noop, "ADD", Duration.ofSeconds(10), 4096));
    Holdings before = settled();

    for (int i = 0; i < 1000; i++) {
      assertThatThrownBy(() -> LAUNCHER.launch(request(missing, "ADD", Duration.ofSeconds(5), 64)))
          .isInstanceOf(SpawnException.class);
    }
    try (FileChannel writer = FileChannel.open(busy, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 200; i++) {
        assertThatThrownBy(() -> LAUNCHER.launch(request(busy, "ADD", Duration.ofSeconds(5), 64)))
            .isInstanceOfSatisfying(
                SpawnException.class, e -> assertThat(e.isTextFileBusy()).isTrue());
      }
    }
    for (int i = 0; i < 20; i++) {
      LaunchResult r =
          LAUNCHER.launch(
              request(Plugins.dir().resolve("flood-stdout"), "ADD", Duration.ofSeconds(10), 1024));
      assertThat(r.ending()).isEqualTo(Ending.OUTPUT_LIMIT_EXCEEDED);
    }
    for (int i = 0; i < 10; i++) {
      LaunchResult r =
          LAUNCHER.launch(
              request(Plugins.dir().resolve("hang"), "ADD", Duration.ofMillis(150), 64));
      assertThat(r.ending()).isEqualTo(Ending.DEADLINE_EXCEEDED);
    }
    for (int i = 0; i < 5; i++) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  LAUNCHER.launch(
                      request(Plugins.dir().resolve("hang"), "ADD", Duration.ofSeconds(30), 64));
                  throw new AssertionError("not interrupted");
                } catch (InterruptedException expected) {
                  // the call was cancelled
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
      caller.start();
      Thread.sleep(100);
      caller.interrupt();
      caller.join(10_000);
      assertThat(caller.isAlive()).isFalse();
    }
    before.assertSameAfter(settled());
  }

  @Test
  void prestartedProcessesLeakNothingWhetherUsedOrKilledUnused() throws Exception {
    for (int i = 0; i < 100; i++) { // warm up
      LAUNCHER.launch(request(noop, "ADD", Duration.ofSeconds(10), 4096));
    }
    Holdings before = settled();
    int served = 0;
    for (int i = 0; i < 2_000; i++) {
      LaunchRequest call = request(noop, i % 2 == 0 ? "ADD" : "DEL", Duration.ofSeconds(10), 4096);
      PrestartedPlugin early =
          LAUNCHER.prestart(call.executable(), call.arguments(), call.environment()).orElseThrow();
      try (early) {
        if (i % 3 != 0) {
          assertThat(early.launch(call, () -> {}).exitStatus()).hasValue(0);
          served++;
        }
      }
    }
    assertThat(served).isEqualTo(1_333);
    before.assertSameAfter(settled());
  }
}
