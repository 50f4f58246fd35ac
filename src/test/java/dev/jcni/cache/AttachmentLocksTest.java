package dev.jcni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.CacheException;
import dev.jcni.CacheException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class AttachmentLocksTest {
  /** Long enough never to expire on a loaded machine when the lock is free. */
  private static final Duration GENEROUS = Duration.ofSeconds(30);

  /** Short: used only where the lock is known to be held, so the wait must expire. */
  private static final Duration SHORT = Duration.ofMillis(200);

  @TempDir Path dir;
  private AttachmentLocks locks;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    locks = AttachmentLocks.open(dir);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** A thread that takes locks, holds them until told, then releases them. */
  private final class Holder {
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Future<?> done;

    Holder(Callable<AttachmentLocks.Held> take) {
      done =
          pool.submit(
              () -> {
                try (AttachmentLocks.Held h = take.call()) {
                  held.countDown();
                  assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                }
                return null;
              });
    }

    Holder awaitHeld() throws Exception {
      if (!held.await(60, TimeUnit.SECONDS)) {
        done.get(1, TimeUnit.SECONDS); // surfaces the failure, if any
        throw new AssertionError("the holder never got its locks");
      }
      return this;
    }

    boolean isHeld() {
      return held.getCount() == 0;
    }

    void release() throws Exception {
      release.countDown();
      done.get(60, TimeUnit.SECONDS);
    }
  }

  private static void assertTimesOut(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CacheException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT));
  }

  private void awaitQueued(String network, int threads) throws InterruptedException {
    while (locks.queueLength(network) < threads) {
      Thread.sleep(1);
    }
  }

  // ---- containers ----

  @Test
  void serialisesOperationsOnOneContainerAcrossItsNetworks() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String network = "net" + (t % 3);
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  try (AttachmentLocks.Held h = locks.forOperation(network, "c1")) {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.yield();
                    inside.decrementAndGet();
                    done.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(done.get()).isEqualTo(1600);
    assertThat(most.get()).isEqualTo(1);
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void blocksASecondOperationOnTheSameContainerUntilTheFirstEnds() throws Exception {
    Holder first = new Holder(() -> locks.forOperation("net1", "c1")).awaitHeld();
    assertTimesOut(() -> locks.forOperation("net2", "c1", SHORT));
    first.release();
    locks.forOperation("net2", "c1", GENEROUS).close();
  }

  /** Every thread waits inside its lock for all the others: this only ends if they overlap. */
  @Test
  void runsOperationsOnDifferentContainersInParallel() throws Exception {
    int threads = 6;
    CyclicBarrier allInside = new CyclicBarrier(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String container = "c" + t;
      futures.add(
          pool.submit(
              () -> {
                try (AttachmentLocks.Held h = locks.forOperation("net1", container)) {
                  allInside.await(60, TimeUnit.SECONDS);
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(90, TimeUnit.SECONDS);
    }
  }

  @Test
  void letsOneThreadNestOperationsOnItsContainer() throws Exception {
    try (AttachmentLocks.Held outer = locks.forOperation("net1", "c1");
        AttachmentLocks.Held inner = locks.forOperation("net2", "c1")) {
      assertThat(pool.submit(() -> tryOperation("net3", "c1")).get()).isFalse();
    }
    assertThat(locks.trackedEntries()).isZero();
  }

  private boolean tryOperation(String network, String container) throws Exception {
    try (AttachmentLocks.Held h = locks.forOperation(network, container, SHORT)) {
      return true;
    } catch (CacheException e) {
      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      return false;
    }
  }

  // ---- GC ----

  @Test
  void gcWaitsForOperationsInFlightOnItsNetworkOnly() throws Exception {
    Holder op = new Holder(() -> locks.forOperation("net1", "c1")).awaitHeld();
    assertTimesOut(() -> locks.forGc("net1", SHORT));
    locks.forGc("net2", GENEROUS).close();
    op.release();
    locks.forGc("net1", GENEROUS).close();
  }

  @Test
  void aWaitingGcHoldsBackNewOperationsUntilItEnds() throws Exception {
    Holder op = new Holder(() -> locks.forOperation("net1", "c1")).awaitHeld();
    Holder gc = new Holder(() -> locks.forGc("net1"));
    awaitQueued("net1", 1);
    // a new operation on another container would be compatible with the one in flight, but it
    // queues behind the GC
    assertTimesOut(() -> locks.forOperation("net1", "c2", SHORT));
    assertThat(gc.isHeld()).isFalse();
    op.release();
    gc.awaitHeld();
    assertTimesOut(() -> locks.forOperation("net1", "c3", SHORT));
    locks.forOperation("net2", "c3", GENEROUS).close();
    gc.release();
    locks.forOperation("net1", "c3", GENEROUS).close();
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void operationsQueuedBehindAGcGoBeforeALaterGc() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Holder first = new Holder(() -> locks.forGc("net1")).awaitHeld();
    Future<?> op =
        pool.submit(
            () -> {
              try (AttachmentLocks.Held h = locks.forOperation("net1", "c1")) {
                order.add("operation");
              }
              return null;
            });
    awaitQueued("net1", 1);
    Future<?> second =
        pool.submit(
            () -> {
              try (AttachmentLocks.Held h = locks.forGc("net1")) {
                order.add("second gc");
              }
              return null;
            });
    awaitQueued("net1", 2);
    first.release();
    op.get(60, TimeUnit.SECONDS);
    second.get(60, TimeUnit.SECONDS);
    assertThat(order).containsExactly("operation", "second gc");
  }

  @Test
  void gcIsNotStarvedByAStreamOfOperations() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> stream = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      String container = "c" + t;
      stream.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  try (AttachmentLocks.Held h = locks.forOperation("net1", container)) {
                    Thread.yield();
                  }
                }
                return null;
              }));
    }
    try {
      for (int i = 0; i < 20; i++) {
        locks.forGc("net1", GENEROUS).close();
      }
    } finally {
      stop.set(true);
    }
    for (Future<?> f : stream) {
      f.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void operationsAreNotStarvedByAStreamOfGcs() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> stream = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      stream.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  try (AttachmentLocks.Held h = locks.forGc("net1")) {
                    Thread.yield();
                  }
                }
                return null;
              }));
    }
    try {
      for (int i = 0; i < 20; i++) {
        locks.forOperation("net1", "c" + i, GENEROUS).close();
      }
    } finally {
      stop.set(true);
    }
    for (Future<?> f : stream) {
      f.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theGcThreadMayDeleteAttachmentsOfItsNetwork() throws Exception {
    try (AttachmentLocks.Held gc = locks.forGc("net1");
        AttachmentLocks.Held del = locks.forOperation("net1", "stale")) {
      assertThat(pool.submit(() -> tryOperation("net1", "other")).get()).isFalse();
      assertThat(pool.submit(() -> tryOperation("net2", "stale")).get()).isFalse();
    }
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void refusesToTurnAnOperationIntoAGcOfTheSameNetwork() throws Exception {
    try (AttachmentLocks.Held op = locks.forOperation("net1", "c1")) {
      assertThatThrownBy(() -> locks.forGc("net1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("net1");
    }
    assertThat(locks.trackedEntries()).isZero();
    locks.forGc("net1", GENEROUS).close();
  }

  // ---- failure paths hold nothing ----

  @Test
  void aTimedOutWaitHoldsNothing() throws Exception {
    Holder op = new Holder(() -> locks.forOperation("net1", "c1")).awaitHeld();
    assertThatThrownBy(() -> locks.forOperation("net2", "c1", SHORT))
        .isInstanceOfSatisfying(
            CacheException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
              assertThat(e.file()).isEqualTo(dir.resolve("locks/jcni.lock"));
            })
        .hasMessageContaining("container \"c1\"")
        .hasMessageContaining("PT0.2S");
    // the timed-out call took net2 shared on its way and must have given it back
    locks.forGc("net2", GENEROUS).close();
    op.release();
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void anInterruptedWaitHoldsNothing() throws Exception {
    Holder op = new Holder(() -> locks.forOperation("net1", "c1")).awaitHeld();
    List<String> outcome = Collections.synchronizedList(new ArrayList<>());
    Thread waiter =
        new Thread(
            () -> {
              try (AttachmentLocks.Held h = locks.forOperation("net2", "c1")) {
                outcome.add("acquired");
              } catch (InterruptedException e) {
                outcome.add("interrupted");
              } catch (CacheException e) {
                outcome.add(e.toString());
              }
            });
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING) {
      Thread.sleep(1); // parked on the container's lock, behind the holder
    }
    waiter.interrupt();
    waiter.join();
    assertThat(outcome).containsExactly("interrupted");
    locks.forGc("net2", GENEROUS).close(); // the waiter gave back net2
    op.release();
    locks.forOperation("net1", "c1", GENEROUS).close();
    assertThat(locks.trackedEntries()).isZero();
  }

  // ---- bounded state ----

  @Test
  void keepsNoStateForContainersNoLongerInUse() throws Exception {
    for (int i = 0; i < 5000; i++) {
      locks.forOperation("net" + (i % 7), "sequential-" + i).close();
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  locks.forOperation("net" + (i % 5), "parallel-" + thread + "-" + i).close();
                  if (i % 100 == 0) {
                    locks.forGc("net" + thread).close();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(locks.trackedEntries()).isZero();
    try (Stream<Path> files = Files.list(dir.resolve("locks"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("jcni.lock");
    }
    assertThat(Files.size(dir.resolve("locks/jcni.lock"))).isZero();
  }

  // ---- API contract ----

  @Test
  void isOneInstancePerCacheDirectory() {
    assertThat(AttachmentLocks.open(dir.resolve("x/..")))
        .isSameAs(locks)
        .isNotSameAs(AttachmentLocks.open(dir.resolve("other")));
  }

  @Test
  void heldLocksAreReleasedByTheirOwnThreadOnce() throws Exception {
    AttachmentLocks.Held h = locks.forOperation("net1", "c1");
    assertThat(
            pool.submit(
                    () -> {
                      assertThatThrownBy(h::close).isInstanceOf(IllegalStateException.class);
                      return null;
                    })
                .get())
        .isNull();
    h.close();
    h.close();
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void rejectsNamesThatAreNotValid() {
    assertThatThrownBy(() -> locks.forOperation("net1", "../etc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("container id");
    assertThatThrownBy(() -> locks.forGc("net 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network name");
    assertThatThrownBy(() -> locks.forOperation("net1", "c1", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(locks.trackedEntries()).isZero();
  }

  @Test
  void givesDifferentNamesDifferentOffsets() {
    assertThat(AttachmentLocks.containerOffset("c1"))
        .isNotEqualTo(AttachmentLocks.containerOffset("c2"))
        .isNotEqualTo(AttachmentLocks.networkOffset("c1"))
        .isBetween(0L, Long.MAX_VALUE / 2);
    assertThat(AttachmentLocks.networkOffset("n")).isNotEqualTo(AttachmentLocks.gateOffset("n"));
  }
}
