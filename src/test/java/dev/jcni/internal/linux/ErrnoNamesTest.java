package dev.jcni.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The error numbers in messages: the C library's text and the symbolic name, from one table. */
class ErrnoNamesTest {

  @Test
  void describesAnErrorByTheCLibrarysTextAndItsSymbolicName() {
    for (int errno : new int[] {1, 2, 13, 17, 22, 26, 38}) {
      String name = ErrnoNames.name(errno);
      assertThat(name).matches("E[0-9A-Z]+");
      assertThat(Spawn.describe(errno))
          .isEqualTo(Spawn.strerror(errno) + " (" + name + ")")
          .doesNotStartWith("error ");
    }
    assertThat(Spawn.describe(26)).endsWith(" (ETXTBSY)");
    assertThat(Spawn.describe(17)).endsWith(" (EEXIST)");
  }

  @Test
  void aNumberWithoutANameIsGivenAsANumber() {
    assertThat(ErrnoNames.name(4095)).isEqualTo("errno 4095");
    assertThat(Spawn.describe(4095)).endsWith("(errno 4095)");
  }

  @Test
  void aFailedNamespaceOrFileCallNamesTheCallAndTheError() {
    assertThatExceptionOfType(NativeCallException.class)
        .isThrownBy(() -> LibC.openReadOnly(Path.of("/proc/self/no-such-entry")))
        .satisfies(
            e -> {
              assertThat(e.errno()).isEqualTo(LibC.ENOENT);
              assertThat(e.call()).contains("/proc/self/no-such-entry");
              assertThat(e.getMessage()).startsWith(e.call() + ": ").endsWith(" (ENOENT)");
            });
  }
}
