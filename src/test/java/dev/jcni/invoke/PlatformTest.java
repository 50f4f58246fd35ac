package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PlatformTest {
  @Test
  void posixSplitsOnColonKeepingEmptyEntries() {
    assertThat(Platform.POSIX.split("/opt/cni/bin::/usr/lib/cni:"))
        .containsExactly("/opt/cni/bin", "", "/usr/lib/cni", "");
    assertThat(Platform.POSIX.split("")).containsExactly("");
    assertThat(Platform.POSIX.split("C:\\cni;D:\\x")).containsExactly("C", "\\cni;D", "\\x");
  }

  @Test
  void windowsSplitsOnSemicolon() {
    assertThat(Platform.WINDOWS.split("C:\\cni\\bin;;D:/plugins"))
        .containsExactly("C:\\cni\\bin", "", "D:/plugins");
    assertThat(Platform.WINDOWS.split("C:\\a:b")).containsExactly("C:\\a:b");
  }

  @Test
  void posixAbsoluteMeansLeadingSlash() {
    assertThat(Platform.POSIX.isAbsolute("/opt/cni/bin")).isTrue();
    assertThat(Platform.POSIX.isAbsolute("opt/cni")).isFalse();
    assertThat(Platform.POSIX.isAbsolute("./bin")).isFalse();
    assertThat(Platform.POSIX.isAbsolute("C:\\cni")).isFalse();
  }

  @Test
  void windowsAbsoluteMeansDriveWithSeparatorOrUncPath() {
    assertThat(Platform.WINDOWS.isAbsolute("C:\\cni\\bin")).isTrue();
    assertThat(Platform.WINDOWS.isAbsolute("c:/cni")).isTrue();
    assertThat(Platform.WINDOWS.isAbsolute("\\\\server\\share\\cni")).isTrue();
    // relative to the current drive or to the current directory of a drive
    assertThat(Platform.WINDOWS.isAbsolute("\\cni")).isFalse();
    assertThat(Platform.WINDOWS.isAbsolute("C:cni")).isFalse();
    assertThat(Platform.WINDOWS.isAbsolute("cni\\bin")).isFalse();
    assertThat(Platform.WINDOWS.isAbsolute("\\\\")).isFalse();
    assertThat(Platform.WINDOWS.isAbsolute("/opt/cni")).isFalse();
  }

  @Test
  void windowsTriesExeFirst() {
    assertThat(Platform.WINDOWS.fileNames("bridge")).containsExactly("bridge.exe", "bridge");
    assertThat(Platform.POSIX.fileNames("bridge")).containsExactly("bridge");
  }

  @Test
  void windowsRejectsColonInType() {
    assertThat(Platform.WINDOWS.typeProblem("c:reboot")).contains("drive or a stream");
    assertThat(Platform.WINDOWS.typeProblem("bridge")).isNull();
    assertThat(Platform.POSIX.typeProblem("a:b")).isNull();
  }

  @Test
  void currentIsPosixOnLinux() {
    assertThat(System.getProperty("os.name")).isEqualTo("Linux");
    assertThat(Platform.current()).isEqualTo(Platform.POSIX);
  }
}
