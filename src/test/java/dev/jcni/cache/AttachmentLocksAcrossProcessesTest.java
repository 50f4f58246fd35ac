package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import dev.jcni.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file lock between processes: a child JVM ({@link LockHolderProcess}) and this one share a
 * cache directory. JVM file locks belong to the whole process, so this cannot be shown with
 * threads.
 */
@Timeout(180)
class AttachmentLocksAcrossProcessesTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  private static final Duration SHORT = Duration.ofMillis(300);

  @TempDir Path dir;
  private AttachmentLocks locks;
  private final List<Child> children = new ArrayList<>();

  @BeforeEach
  void setUp() {
    locks = AttachmentLocks.open(dir.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Child c : children) {
      c.close();
    }
  }

  /** A child JVM running {@link LockHolderProcess}, read line by line. */
  private final class Child implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;

    Child(String... args) throws IOException {
      stderr = Files.createTempFile(dir, "child", ".stderr");
      List<String> command = new ArrayList<>();
      command.add(ChildJvm.java());
      command.add("-cp");
      command.add(ChildJvm.classPath(LockHolderProcess.class, AttachmentLocks.class));
      command.add(LockHolderProcess.class.getName());
      command.add(dir.resolve("cache").toString());
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  lines.add("read failed: " + e);
                }
              });
      reader.setDaemon(true);
      reader.start();
      children.add(this);
    }

    String nextLine() throws Exception {
      String line = lines.poll(120, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("child printed nothing; stderr: " + Files.readString(stderr));
      }
      return line;
    }

    void send(String line) throws IOException {
      stdin.write(line + "\n");
      stdin.flush();
    }

    int exitCode() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      return process.exitValue();
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }


  private static void assertTimesOut(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT));
  }

  /**
   * Waits until an operation on net1 for a new container, tried from a thread that holds nothing,
   * is held back (times out): the other process's GC has then closed the gate.
   */
  private void awaitGateClosedForOtherThreads() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      for (int i = 0; System.nanoTime() < deadline; i++) {
        String container = "new" + i;
        boolean heldBack =
            other
                .submit(
                    () -> {
                      try (AttachmentLocks.Held h = locks.forOperation("net1", container, SHORT)) {
                        Thread.sleep(10);
                        return false;
                      } catch (CacheException e) {
                        assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
                        return true;
                      }
                    })
                .get();
        if (heldBack) {
          return;
        }
      }
      throw new AssertionError("a new operation was never held back by the waiting GC");
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aContainerHeldByAnotherProcessWaitsAcrossAllItsNetworks() throws Exception {
    Child child = new Child("hold-op", "net1", "c1");
    assertThat(child.nextLine()).isEqualTo("HELD");
    assertTimesOut(() -> locks.forOperation("net1", "c1", SHORT));
    assertTimesOut(() -> locks.forOperation("net2", "c1", SHORT));
    // another container on the same network proceeds in parallel with the other process
    locks.forOperation("net1", "c2", GENEROUS).close();
    child.send("release");
    assertThat(child.nextLine()).isEqualTo("RELEASED");
    assertThat(child.exitCode()).isZero();
    locks.forOperation("net1", "c1", GENEROUS).close();
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void aGcInAnotherProcessExcludesOperationsOnItsNetwork() throws Exception {
    Child child = new Child("hold-gc", "net1");
    assertThat(child.nextLine()).isEqualTo("HELD");
    assertTimesOut(() -> locks.forOperation("net1", "c1", SHORT));
    assertTimesOut(() -> locks.forGc("net1", SHORT));
    locks.forOperation("net2", "c1", GENEROUS).close();
    child.send("release");
    assertThat(child.nextLine()).isEqualTo("RELEASED");
    locks.forOperation("net1", "c1", GENEROUS).close();
  }

  @Test
  void anotherProcessWaitsForTheLocksOfThisOne() throws Exception {
    try (AttachmentLocks.Held held = locks.forOperation("net1", "c1")) {
      Child sameContainer = new Child("try-op", "net2", "c1", "300");
      assertThat(sameContainer.nextLine()).isEqualTo("TIMEOUT");
      Child gc = new Child("try-gc", "net1", "300");
      assertThat(gc.nextLine()).isEqualTo("TIMEOUT");
      Child otherContainer = new Child("try-op", "net1", "c2", "60000");
      assertThat(otherContainer.nextLine()).isEqualTo("ACQUIRED");
    }
    Child after = new Child("try-op", "net1", "c1", "60000");
    assertThat(after.nextLine()).isEqualTo("ACQUIRED");
    Child gcAfter = new Child("try-gc", "net1", "60000");
    assertThat(gcAfter.nextLine()).isEqualTo("ACQUIRED");
  }

  /**
   * While this JVM has an operation in flight on net1, another process's GC waits; new operations
   * here must then wait too (they would otherwise keep net1 shared for ever).
   */
  @Test
  void aGcWaitingInAnotherProcessHoldsBackNewOperationsHere() throws Exception {
    Child gc;
    try (AttachmentLocks.Held inFlight = locks.forOperation("net1", "c1")) {
      gc = new Child("try-gc", "net1", "120000");
      // until the child has closed the gate, new operations still get in; then they must not
      awaitGateClosedForOtherThreads();
      assertThat(gc.lines).isEmpty(); // it waits for the operation in flight
    }
    assertThat(gc.nextLine()).isEqualTo("ACQUIRED");
    locks.forOperation("net1", "c2", GENEROUS).close();
    assertThat(locks.trackedEntries()).isZero();
  }

  /**
   * A thread that nests operations on one network (the container lock is reentrant) must not wait
   * at the gate that another process's GC closed: that GC waits for the outer operation.
   */
  @Test
  void aThreadNestingOperationsOnANetworkPassesTheGateOfAGcWaitingForIt() throws Exception {
    Child gc;
    try (AttachmentLocks.Held outer = locks.forOperation("net1", "c1")) {
      gc = new Child("try-gc", "net1", "120000");
      awaitGateClosedForOtherThreads();

      // without the fix, these wait for the GC that waits for this thread: until their timeout
      Duration nested = Duration.ofSeconds(10);
      try (AttachmentLocks.Held inner = locks.forOperation("net1", "c1", nested)) {
        assertThat(gc.lines).as("the GC still waits for this thread").isEmpty();
      }
      try (AttachmentLocks.Held sameNetworkOtherContainer =
          locks.forOperation("net1", "c2", nested)) {
        // a nested hold on another container of the same network gets through too
        assertThat(gc.lines).isEmpty();
      }
    }
    assertThat(gc.nextLine()).isEqualTo("ACQUIRED");
    locks.forOperation("net1", "c1", GENEROUS).close();
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void anInterruptedWaitForAnotherProcessLeavesTheLockFileUsable() throws Exception {
    Child child = new Child("hold-op", "net1", "c1");
    assertThat(child.nextLine()).isEqualTo("HELD");
    List<String> outcome = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread waiter =
        new Thread(
            () -> {
              try (AttachmentLocks.Held h = locks.forOperation("net1", "c1")) {
                outcome.add("acquired");
              } catch (InterruptedException e) {
                outcome.add("interrupted");
              } catch (CacheException e) {
                outcome.add(e.toString());
              }
            });
    waiter.start();
    while (waiter.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(1); // polling the file lock, between two attempts
    }
    waiter.interrupt();
    waiter.join();
    assertThat(outcome).containsExactly("interrupted");
    child.send("release");
    assertThat(child.nextLine()).isEqualTo("RELEASED");
    // the shared channel is still open and the locks still work both ways
    try (AttachmentLocks.Held h = locks.forOperation("net1", "c1", GENEROUS)) {
      Child other = new Child("try-op", "net1", "c1", "300");
      assertThat(other.nextLine()).isEqualTo("TIMEOUT");
    }
  }
}
