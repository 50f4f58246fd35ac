package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Where a sandbox's settings come from: the annotation, configuration parameters, defaults. */
class SandboxSettingsTest {
  @CniTest(
      cniPath = {"/opt/a", "/opt/b"},
      requiredPlugins = "bridge")
  private static final class Annotated {}

  @CniTest
  private static final class Plain {}

  private static Function<String, Optional<String>> parameters(Map<String, String> values) {
    return key -> Optional.ofNullable(values.get(key));
  }

  private static CniTest annotationOf(Class<?> c) {
    return c.getAnnotation(CniTest.class);
  }

  @Test
  void withoutAnythingSetTheDefaultsApplyAndTestsSkip() {
    SandboxSettings s = SandboxSettings.resolve(null, parameters(Map.of()), name -> null);
    assertThat(s.root()).isEqualTo(Path.of("/run/jcni-testing"));
    assertThat(s.cniPath()).containsExactly(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));
    assertThat(s.requiredPlugins()).isEmpty();
    assertThat(s.strict()).isFalse();
  }

  @Test
  void theAnnotationsPluginDirectoriesWinOverTheParameter() {
    SandboxSettings s =
        SandboxSettings.resolve(
            annotationOf(Annotated.class),
            parameters(Map.of(CniExtension.CNI_PATH_PARAMETER, "/srv/cni")),
            name -> null);
    assertThat(s.cniPath()).containsExactly(Path.of("/opt/a"), Path.of("/opt/b"));
    assertThat(s.requiredPlugins()).containsExactly("bridge");
  }

  @Test
  void theParameterGivesThePluginDirectoriesWhenTheAnnotationDoesNot() {
    SandboxSettings s =
        SandboxSettings.resolve(
            annotationOf(Plain.class),
            parameters(Map.of(CniExtension.CNI_PATH_PARAMETER, "/srv/cni:relative:/opt/cni/bin")),
            name -> null);
    assertThat(s.cniPath()).containsExactly(Path.of("/srv/cni"), Path.of("/opt/cni/bin"));
  }

  @Test
  void theRootComesFromItsParameterAndMustBeAbsolute() {
    assertThat(
            SandboxSettings.resolve(
                    null, parameters(Map.of(CniExtension.ROOT_PARAMETER, "/tmp/sb")), n -> null)
                .root())
        .isEqualTo(Path.of("/tmp/sb"));
    assertThatThrownBy(
            () ->
                SandboxSettings.resolve(
                    null, parameters(Map.of(CniExtension.ROOT_PARAMETER, "sb")), n -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
  }

  @Test
  void strictModeComesFromTheParameterOrTheEnvironment() {
    assertThat(
            SandboxSettings.resolve(
                    null, parameters(Map.of(CniExtension.STRICT_PARAMETER, "true")), n -> null)
                .strict())
        .isTrue();
    assertThat(
            SandboxSettings.resolve(
                    null, parameters(Map.of(CniExtension.STRICT_PARAMETER, "false")), n -> null)
                .strict())
        .isFalse();
    assertThat(
            SandboxSettings.resolve(
                    null,
                    parameters(Map.of()),
                    n -> n.equals(CniExtension.STRICT_ENVIRONMENT_VARIABLE) ? "1" : null)
                .strict())
        .isTrue();
    assertThat(
            SandboxSettings.resolve(
                    null,
                    parameters(Map.of()),
                    n -> n.equals(CniExtension.STRICT_ENVIRONMENT_VARIABLE) ? "0" : null)
                .strict())
        .isFalse();
  }

  @Test
  void settingsAreImmutable() {
    List<Path> dirs = new java.util.ArrayList<>(List.of(Path.of("/a")));
    SandboxSettings s = new SandboxSettings(Path.of("/r"), dirs, List.of(), false);
    dirs.add(Path.of("/b"));
    assertThat(s.cniPath()).containsExactly(Path.of("/a"));
  }
}
