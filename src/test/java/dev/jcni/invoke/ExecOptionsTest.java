package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExecOptionsTest {
  @Test
  void defaultsAreThoseOfTheIssue() {
    ExecOptions d = ExecOptions.defaults();
    assertThat(d.deadline()).isEqualTo(Duration.ofSeconds(120));
    assertThat(d.terminateGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.drainAfterExit()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.stdoutLimit()).isEqualTo(4 * 1024 * 1024);
    assertThat(d.stderrTail()).isEqualTo(64 * 1024);
    assertThat(d.inheritEnvironment()).isFalse();
    assertThat(d.passEnvironment()).isEmpty();
  }

  @Test
  void withDeadlineChangesOnlyTheDeadline() {
    ExecOptions base = ExecOptions.builder().stdoutLimit(100).passEnvironment("HOME").build();
    ExecOptions call = base.withDeadline(Duration.ofSeconds(3));
    assertThat(call.deadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(call.stdoutLimit()).isEqualTo(100);
    assertThat(call.passEnvironment()).containsExactly("HOME");
    assertThat(base.deadline()).isEqualTo(ExecOptions.DEFAULT_DEADLINE);
  }

  @Test
  void rejectsValuesThatCannotWork() {
    assertThatThrownBy(() -> ExecOptions.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.builder().terminateGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.builder().stdoutLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.builder().stdoutLimit(ExecOptions.MAX_STDOUT_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.builder().passEnvironment("CNI_PATH"))
        .hasMessageContaining("CNI_PATH is set by jcni");
    assertThatThrownBy(() -> ExecOptions.builder().passEnvironment("A=B"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.builder().textFileBusyRetry(-1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deadlinesCountDownOnTheMonotonicClock() throws Exception {
    Deadline d = Deadline.after(Duration.ofMillis(200));
    assertThat(d.budget()).isEqualTo(Duration.ofMillis(200));
    assertThat(d.remaining()).isLessThanOrEqualTo(Duration.ofMillis(200));
    assertThat(d.expired()).isFalse();
    Thread.sleep(250);
    assertThat(d.expired()).isTrue();
    assertThat(d.remaining()).isEqualTo(Duration.ZERO);
    assertThat(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE)).expired()).isFalse();
    assertThatThrownBy(() -> Deadline.after(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
