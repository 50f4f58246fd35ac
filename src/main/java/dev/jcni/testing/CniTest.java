package dev.jcni.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of the annotated class (or the annotated test method) a {@link CniSandbox}:
 * declare a parameter of that type in the test, {@code @BeforeEach} or {@code @AfterEach} method.
 * It registers {@link CniExtension}; the attributes configure it.
 *
 * <p>When this machine cannot host a sandbox (not root, no plugins) the test is skipped with the
 * reason, or fails in strict mode (see {@link CniExtension}).
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CniExtension.class)
public @interface CniTest {
  /**
   * The plugin directories (CNI_PATH), searched in order. Empty, the default: the configuration
   * parameter {@value CniExtension#CNI_PATH_PARAMETER} (a CNI_PATH value) if set, else {@code
   * /usr/lib/cni} (Debian's and Ubuntu's package) and {@code /opt/cni/bin} (the upstream release),
   * those that exist.
   *
   * @return absolute directories
   */
  String[] cniPath() default {};

  /**
   * Plugin types the test needs, for example {@code {"bridge", "host-local"}}: when one is not in
   * the plugin directories the test is skipped (or fails in strict mode) before anything is made.
   *
   * @return plugin types
   */
  String[] requiredPlugins() default {};
}
