package dev.jcni.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The error numbers in messages: the C library's text and the symbolic name, from one table. */
class ErrnoNamesTest {

  @Test
  void bothDescriptionsNameTheErrorTheSameWay() {
    for (int errno : new int[] {1, 2, 13, 17, 22, 26, 38}) {
      String name = ErrnoNames.name(errno);
      assertThat(name).matches("E[0-9A-Z]+");
      assertThat(LibC.describe(errno)).endsWith("(" + name + ")");
      assertThat(Spawn.describe(errno)).isEqualTo(LibC.describe(errno));
    }
    // the text before the name is the C library's, in the locale's language
    assertThat(Spawn.describe(26)).endsWith(" (ETXTBSY)").doesNotStartWith(" ");
    assertThat(LibC.describe(17)).endsWith(" (EEXIST)").doesNotStartWith(" ");
  }

  @Test
  void aNumberWithoutANameIsGivenAsANumber() {
    assertThat(ErrnoNames.name(4095)).isEqualTo("errno 4095");
    assertThat(LibC.describe(4095)).endsWith("(errno 4095)");
  }
}
