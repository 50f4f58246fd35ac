package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The extension's decisions that need no privilege: skip or fail when no sandbox can be made, and
 * which {@link CniTest} configures a test.
 */
class CniExtensionTest {
  @TempDir Path tmp;

  private SandboxSettings withoutPlugins(boolean strict) {
    Path root = tmp.resolve("root");
    return new SandboxSettings(root, List.of(tmp.resolve("no-plugins")), List.of(), strict);
  }

  @Test
  void aMachineThatCannotHostASandboxSkipsTheTestWithTheReason() {
    assertThatThrownBy(() -> CniExtension.start(withoutPlugins(false)))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("no CNI sandbox: ")
        .hasMessageNotContaining(CniExtension.STRICT_PARAMETER);
    assertThat(tmp.resolve("root")).as("nothing was made").doesNotExist();
  }

  @Test
  void inStrictModeTheSameMachineFailsTheTest() {
    assertThatThrownBy(() -> CniExtension.start(withoutPlugins(true)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("no CNI sandbox: ")
        .hasMessageEndingWith("(jcni.testing.strict is set: failing, not skipping)");
    assertThat(tmp.resolve("root")).doesNotExist();
  }

  @Retention(RetentionPolicy.RUNTIME)
  @CniTest(requiredPlugins = "from-meta")
  @interface BridgeTest {}

  @CniTest(requiredPlugins = "from-class")
  static class Configured {
    @CniTest(requiredPlugins = "from-method")
    void onMethod() {}

    @BridgeTest
    void throughMetaAnnotation() {}

    void inherited() {}

    class Inner {
      void fromEnclosing() {}
    }
  }

  static class NotConfigured {
    void none() {}
  }

  private static List<String> required(Class<?> c, String method) throws Exception {
    Method m = c.getDeclaredMethod(method);
    return CniExtension.find(m, c).map(a -> List.of(a.requiredPlugins())).orElse(null);
  }

  @Test
  void theMethodsAnnotationWinsOverTheClasss() throws Exception {
    assertThat(required(Configured.class, "onMethod")).containsExactly("from-method");
    assertThat(required(Configured.class, "throughMetaAnnotation")).containsExactly("from-meta");
    assertThat(required(Configured.class, "inherited")).containsExactly("from-class");
    assertThat(required(Configured.Inner.class, "fromEnclosing")).containsExactly("from-class");
    assertThat(required(NotConfigured.class, "none")).isNull();
  }
}
