package dev.jcni.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

/**
 * {@code jcni bench --warmup auto}: runs blocks of untimed work until the JIT compiler has
 * settled, that is until the last {@value #WINDOW} blocks together spent under 1 % of their wall
 * time compiling. A JVM that has run a few hundred add+del pairs is still compiling its hot path
 * (in waves, for thousands of pairs), on the cores the plugins need: timing it then would measure
 * the JIT, not the library a long-lived runtime runs.
 */
final class AutoWarmup {
  /** Blocks looked at together. */
  static final int WINDOW = 5;

  /** Blocks run when the JVM does not tell its compilation time. */
  static final int BLIND_BLOCKS = 10;

  /** One block of untimed work. */
  interface Block {
    void run(int index) throws Exception;
  }

  /**
   * What the warm-up did.
   *
   * @param blocks the blocks run
   * @param settled whether the JIT had settled at the end; {@code null} when the JVM does not tell
   *     its compilation time
   */
  record Outcome(int blocks, Boolean settled) {}

  private final LongSupplier compilationMillis;
  private final LongSupplier nanoTime;
  private final long maxNanos;

  /**
   * A warm-up reading the clocks given.
   *
   * @param compilationMillis the JIT's total compilation time so far, or -1 if unknown
   * @param nanoTime a monotonic clock
   * @param maxNanos when to give up unsettled
   */
  AutoWarmup(LongSupplier compilationMillis, LongSupplier nanoTime, long maxNanos) {
    this.compilationMillis = compilationMillis;
    this.nanoTime = nanoTime;
    this.maxNanos = maxNanos;
  }

  /** A warm-up on this JVM's compiler and clock, giving up after {@code maxNanos}. */
  static AutoWarmup ofThisJvm(long maxNanos) {
    return new AutoWarmup(AutoWarmup::jvmCompilationMillis, System::nanoTime, maxNanos);
  }

  /**
   * Runs blocks until the JIT has settled, or until the time is up, or {@value #BLIND_BLOCKS}
   * blocks when the compilation time is unknown.
   */
  Outcome run(Block block) throws Exception {
    if (compilationMillis.getAsLong() < 0) {
      for (int i = 0; i < BLIND_BLOCKS; i++) {
        block.run(i);
      }
      return new Outcome(BLIND_BLOCKS, null);
    }
    long deadline = nanoTime.getAsLong() + maxNanos;
    long[] jitMs = new long[WINDOW];
    long[] wallNanos = new long[WINDOW];
    int blocks = 0;
    while (true) {
      long jit0 = compilationMillis.getAsLong();
      long t0 = nanoTime.getAsLong();
      block.run(blocks);
      long t1 = nanoTime.getAsLong();
      jitMs[blocks % WINDOW] = compilationMillis.getAsLong() - jit0;
      wallNanos[blocks % WINDOW] = t1 - t0;
      blocks++;
      if (blocks >= WINDOW && settled(jitMs, wallNanos)) {
        return new Outcome(blocks, true);
      }
      if (t1 - deadline > 0) {
        return new Outcome(blocks, false);
      }
    }
  }

  /**
   * Whether the JIT has settled: the blocks together spent under 1 % of their wall time compiling.
   *
   * @param jitMs each block's compilation time, in milliseconds
   * @param wallNanos each block's wall time, in nanoseconds
   */
  static boolean settled(long[] jitMs, long[] wallNanos) {
    return LongStream.of(jitMs).sum() * 1_000_000L * 100 < LongStream.of(wallNanos).sum();
  }

  /**
   * Milliseconds this JVM's JIT compilers have spent so far, or -1 where the JVM does not tell (no
   * JIT, no compilation time monitoring, or java.management not in the module graph).
   */
  static long jvmCompilationMillis() {
    try {
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      return jit != null && jit.isCompilationTimeMonitoringSupported()
          ? jit.getTotalCompilationTime()
          : -1;
    } catch (LinkageError e) {
      return -1;
    }
  }
}
