package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.internal.linux.LibC;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Namespace names become file names under the namespace directory: only one path component. */
class NetworkNamespaceNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"ctr1", "cni-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab", "a.b_c-d", "..x", "-"})
  void acceptsSingleFileNames(String name) {
    assertThat(NetworkNamespace.checkName(name)).isEqualTo(name);
  }

  @Test
  void acceptsNameOfExactly255Bytes() {
    assertThat(NetworkNamespace.checkName("n".repeat(255))).hasSize(255);
  }

  @Test
  void rejectsNameLongerThan255Bytes() {
    assertThatThrownBy(() -> NetworkNamespace.checkName("n".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bytes long, more than 255");
  }

  @Test
  void countsBytesOfTheFileNameEncodingNotCharacters() {
    // 128 characters; in UTF-8 256 bytes. The JVM names files in sun.jnu.encoding, which is
    // ASCII under the POSIX locale: there the name cannot be a file name at all.
    String name = "é".repeat(128);
    Charset charset = LibC.fileNameCharset();
    if (charset.equals(StandardCharsets.UTF_8)) {
      assertThat(NetworkNamespace.checkName("é".repeat(127))).hasSize(127);
      assertThatThrownBy(() -> NetworkNamespace.checkName(name))
          .hasMessageContaining("256 bytes long");
    } else if (!charset.newEncoder().canEncode(name)) {
      assertThatThrownBy(() -> NetworkNamespace.checkName(name))
          .hasMessageContaining("cannot be encoded as a file name in " + charset);
    } else {
      int bytes = name.getBytes(charset).length;
      assertThat(bytes).as("a single-byte encoding").isEqualTo(128);
      assertThat(NetworkNamespace.checkName(name)).isEqualTo(name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "/abs", "../up", "trailing/"})
  void rejectsNameContainingPathSeparator(String name) {
    assertThatThrownBy(() -> NetworkNamespace.checkName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid network namespace name \"" + name + "\"")
        .hasMessageContaining("must not contain '/'");
  }

  @ParameterizedTest
  @ValueSource(strings = {".", ".."})
  void rejectsDotAndDotDot(String name) {
    assertThatThrownBy(() -> NetworkNamespace.checkName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be \".\" or \"..\"");
  }

  @Test
  void rejectsEmptyName() {
    assertThatThrownBy(() -> NetworkNamespace.checkName(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
  }

  @Test
  void rejectsNulAndShowsItEscaped() {
    assertThatThrownBy(() -> NetworkNamespace.checkName("a\0b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a\\0b\"")
        .hasMessageContaining("NUL");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> NetworkNamespace.checkName(null))
        .isInstanceOf(NullPointerException.class);
  }
}
