package dev.jcni.testing;

import dev.jcni.invoke.PluginPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a sandbox is made with: where its directory goes, where the plugins are, which plugins the
 * test needs, and whether an environment that cannot host it fails the test instead of skipping it.
 *
 * @param root the directory that holds one directory per sandbox
 * @param cniPath the plugin directories, in search order
 * @param requiredPlugins plugin types the test needs
 * @param strict whether an unsupported environment fails the test
 */
record SandboxSettings(
    Path root, List<Path> cniPath, List<String> requiredPlugins, boolean strict) {

  SandboxSettings {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("the sandbox root must be an absolute path: " + root);
    }
    cniPath = List.copyOf(cniPath);
    requiredPlugins = List.copyOf(requiredPlugins);
  }

  /**
   * The settings of one test: the annotation's values where it sets them, else the configuration
   * parameters ({@link CniExtension#ROOT_PARAMETER}, {@link CniExtension#CNI_PATH_PARAMETER},
   * {@link CniExtension#STRICT_PARAMETER}), else the defaults; strict also when the environment
   * variable {@link CniExtension#STRICT_ENVIRONMENT_VARIABLE} says so.
   *
   * @param annotation the test's {@link CniTest}, or {@code null} when it has none
   * @param parameters JUnit configuration parameters (which include system properties)
   * @param environment environment variables
   */
  static SandboxSettings resolve(
      CniTest annotation,
      Function<String, Optional<String>> parameters,
      Function<String, String> environment) {
    Path root =
        parameters
            .apply(CniExtension.ROOT_PARAMETER)
            .filter(s -> !s.isBlank())
            .map(s -> Path.of(s.trim()))
            .orElse(CniExtension.DEFAULT_ROOT);
    List<Path> cniPath = new ArrayList<>();
    if (annotation != null && annotation.cniPath().length > 0) {
      for (String dir : annotation.cniPath()) {
        cniPath.add(Path.of(dir));
      }
    } else {
      Optional<String> configured =
          parameters.apply(CniExtension.CNI_PATH_PARAMETER).filter(s -> !s.isBlank());
      cniPath.addAll(
          configured.isPresent()
              ? PluginPath.parse(configured.get().trim()).directories()
              : CniExtension.DEFAULT_CNI_PATH);
    }
    List<String> required = annotation == null ? List.of() : List.of(annotation.requiredPlugins());
    boolean strict =
        parameters.apply(CniExtension.STRICT_PARAMETER).map(SandboxSettings::isTrue).orElse(false)
            || isTrue(environment.apply(CniExtension.STRICT_ENVIRONMENT_VARIABLE));
    return new SandboxSettings(root, cniPath, required, strict);
  }

  private static boolean isTrue(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes");
  }
}
