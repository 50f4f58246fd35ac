package dev.jcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoWarmupTest {
  private static final long MS = 1_000_000L;

  /**
   * A fake JVM: each block takes 100 ms of wall time and compiles for the milliseconds given, one
   * entry per block (the last entry repeats).
   */
  private static final class FakeJvm {
    final long[] compilePerBlock;
    long compiledMs;
    long nanos;
    final List<Integer> ran = new ArrayList<>();

    FakeJvm(long... compilePerBlock) {
      this.compilePerBlock = compilePerBlock;
    }

    void block(int index) {
      ran.add(index);
      compiledMs += compilePerBlock[Math.min(index, compilePerBlock.length - 1)];
      nanos += 100 * MS;
    }

    AutoWarmup warmup(long maxNanos) {
      return new AutoWarmup(() -> compiledMs, () -> nanos, maxNanos);
    }
  }

  @Test
  void endsAfterTheFirstFiveBlocksThatTogetherCompiledUnderOnePercent() throws Exception {
    // 500 ms of blocks allow under 5 ms of compilation
    FakeJvm jvm = new FakeJvm(300, 200, 50, 3, 1, 0, 0, 0, 0);
    AutoWarmup.Outcome outcome = jvm.warmup(60_000 * MS).run(jvm::block);

    // blocks 3..7 compile 3+1+0+0+0 = 4 ms; blocks 2..6 still held 50 ms
    assertThat(outcome).isEqualTo(new AutoWarmup.Outcome(8, true));
    assertThat(jvm.ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void aWaveOfCompilationKeepsItWarmingUp() throws Exception {
    FakeJvm jvm = new FakeJvm(0, 0, 0, 0, 5, 0, 0, 0, 0, 0);
    AutoWarmup.Outcome outcome = jvm.warmup(60_000 * MS).run(jvm::block);

    // 5 ms in the first five blocks is 1 %, not under it: settled only once block 4 left the window
    assertThat(outcome).isEqualTo(new AutoWarmup.Outcome(10, true));
  }

  @Test
  void givesUpUnsettledWhenTheTimeIsUp() throws Exception {
    FakeJvm jvm = new FakeJvm(50);
    AutoWarmup.Outcome outcome = jvm.warmup(1_000 * MS).run(jvm::block);

    // the block that ends past the deadline (t = 1.1 s) is the last
    assertThat(outcome).isEqualTo(new AutoWarmup.Outcome(11, false));
  }

  @Test
  void runsAFixedNumberOfBlocksWhenTheJvmDoesNotTellItsCompilationTime() throws Exception {
    List<Integer> ran = new ArrayList<>();
    AutoWarmup.Outcome outcome =
        new AutoWarmup(() -> -1, System::nanoTime, 60_000 * MS).run(ran::add);

    assertThat(outcome).isEqualTo(new AutoWarmup.Outcome(AutoWarmup.BLIND_BLOCKS, null));
    assertThat(ran).hasSize(AutoWarmup.BLIND_BLOCKS);
  }

  @Test
  void settledMeansUnderOnePercentOfTheWindowsWallTime() {
    long[] fiveBlocks = {100 * MS, 100 * MS, 100 * MS, 100 * MS, 100 * MS};
    assertThat(AutoWarmup.settled(new long[] {0, 0, 0, 0, 0}, fiveBlocks)).isTrue();
    assertThat(AutoWarmup.settled(new long[] {4, 0, 0, 0, 0}, fiveBlocks)).as("4 ms of 500").isTrue();
    assertThat(AutoWarmup.settled(new long[] {0, 0, 5, 0, 0}, fiveBlocks))
        .as("5 ms of 500 is 1 %, not under it")
        .isFalse();
    assertThat(AutoWarmup.settled(new long[] {0, 0, 0, 0, 300}, fiveBlocks))
        .as("a wave of compilation in the last block")
        .isFalse();
  }

  @Test
  void thisJvmTellsItsCompilationTime() {
    assertThat(AutoWarmup.jvmCompilationMillis()).isNotNegative();
  }
}
