package dev.jcni.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The debounce and rescan rules, on a clock the test moves by hand. */
class ReloadScheduleTest {
  private static final long MS = 1_000_000L;

  @Test
  void aChangeIsReadOnceTheDirectoryHasBeenQuietForTheDebounceTime() {
    ReloadSchedule s = new ReloadSchedule(100 * MS, 1000 * MS, 10_000 * MS, 0);
    s.onChange(0);
    s.onChange(50 * MS);
    s.onChange(120 * MS);
    assertThat(s.isDue(200 * MS)).isFalse();
    assertThat(s.isDue(219 * MS)).isFalse();
    assertThat(s.isDue(220 * MS)).isTrue();
    assertThat(s.nanosUntilDue(200 * MS)).isEqualTo(20 * MS);
  }

  @Test
  void aDirectoryThatNeverStaysQuietIsStillReadAfterTheMaximumDelay() {
    ReloadSchedule s = new ReloadSchedule(100 * MS, 1000 * MS, 10_000 * MS, 0);
    for (long t = 0; t < 1000 * MS; t += 50 * MS) {
      s.onChange(t);
      assertThat(s.isDue(t)).isFalse();
    }
    assertThat(s.isDue(1000 * MS)).isTrue();
  }

  @Test
  void withoutChangesTheDirectoryIsReadEveryRescanInterval() {
    ReloadSchedule s = new ReloadSchedule(100 * MS, 1000 * MS, 10_000 * MS, 5 * MS);
    assertThat(s.isPending()).isFalse();
    assertThat(s.isDue(10_004 * MS)).isFalse();
    assertThat(s.isDue(10_005 * MS)).isTrue();
    s.onReloaded(10_005 * MS);
    assertThat(s.isDue(20_004 * MS)).isFalse();
    assertThat(s.isDue(20_005 * MS)).isTrue();
  }

  @Test
  void aReloadClearsThePendingChangeAndALaterChangeStartsANewWait() {
    ReloadSchedule s = new ReloadSchedule(100 * MS, 1000 * MS, 10_000 * MS, 0);
    s.onChange(0);
    s.onReloaded(100 * MS);
    assertThat(s.isPending()).isFalse();
    assertThat(s.isDue(200 * MS)).isFalse();
    s.onChange(5000 * MS);
    // the maximum delay counts from the first change after the reload, not from the old one
    assertThat(s.isDue(5099 * MS)).isFalse();
    assertThat(s.isDue(5100 * MS)).isTrue();
  }

  @Test
  void worksAcrossTheWrapOfTheNanosecondClock() {
    long start = Long.MAX_VALUE - 50 * MS;
    ReloadSchedule s = new ReloadSchedule(100 * MS, 1000 * MS, 10_000 * MS, start);
    s.onChange(start);
    assertThat(s.isDue(start + 99 * MS)).isFalse();
    assertThat(s.isDue(start + 100 * MS)).isTrue();
  }

  @Test
  void zeroDebounceReadsAtOnce() {
    ReloadSchedule s = new ReloadSchedule(0, 0, 10_000 * MS, 0);
    s.onChange(7);
    assertThat(s.isDue(7)).isTrue();
  }

  @Test
  void rejectsAMaximumDelayShorterThanTheDebounce() {
    assertThatThrownBy(() -> new ReloadSchedule(100 * MS, 50 * MS, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReloadSchedule(0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
