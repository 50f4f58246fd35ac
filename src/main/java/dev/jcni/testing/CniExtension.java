package dev.jcni.testing;

import dev.jcni.NetnsException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit 5 extension behind {@link CniTest}: makes a {@link CniSandbox} before each test,
 * resolves the {@code CniSandbox} parameters of the test method and of its before-each and
 * after-each methods, and tears the sandbox down after the test (after the test's own after-each
 * methods, whether the test passed or not). A teardown that finds something left fails the test.
 *
 * <p>Register it with {@link CniTest}, which also takes its settings, or with {@code
 * ExtendWith(CniExtension.class)}, which takes the defaults.
 *
 * <h2>When the machine cannot host a sandbox</h2>
 *
 * <p>A sandbox needs Linux, the capabilities {@code CAP_SYS_ADMIN} and {@code CAP_NET_ADMIN}
 * (root), and the plugins. Without them the test is reported as skipped (aborted) with the reason —
 * except in strict mode, where it fails: set the configuration parameter (or system property)
 * {@value #STRICT_PARAMETER} to {@code true}, or the environment variable {@value
 * #STRICT_ENVIRONMENT_VARIABLE}, in CI runs that must run these tests.
 *
 * <h2>Configuration parameters</h2>
 *
 * <p>Read with {@link ExtensionContext#getConfigurationParameter(String)}: from the launcher's
 * parameters, system properties or {@code junit-platform.properties}.
 *
 * <ul>
 *   <li>{@value #STRICT_PARAMETER}: {@code true} to fail instead of skipping;
 *   <li>{@value #ROOT_PARAMETER}: the directory of sandbox directories (default {@code
 *       /run/jcni-testing}); it may hold other things, which are left alone. When missing it is
 *       created, and removed again once empty by the JVM that created it; an existing root is
 *       never removed;
 *   <li>{@value #CNI_PATH_PARAMETER}: the plugin directories as a CNI_PATH value, for tests whose
 *       {@link CniTest#cniPath()} is empty.
 * </ul>
 *
 * <p>Leftovers of a run that ended without its teardown (a killed JVM) are recognised by the marker
 * file that jcni writes into every sandbox directory, which names the JVM (process, PID namespace,
 * boot), and removed when the next sandbox is made under the same root if that JVM is certainly
 * gone. Nothing without such a marker is ever removed.
 */
public final class CniExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** The configuration parameter that turns skips into failures: {@code true} or {@code false}. */
  public static final String STRICT_PARAMETER = "jcni.testing.strict";

  /** The environment variable that turns skips into failures when {@code true} or {@code 1}. */
  public static final String STRICT_ENVIRONMENT_VARIABLE = "JCNI_TESTING_STRICT";

  /** The configuration parameter naming the directory of sandbox directories. */
  public static final String ROOT_PARAMETER = "jcni.testing.root";

  /** The configuration parameter giving the plugin directories, as a CNI_PATH value. */
  public static final String CNI_PATH_PARAMETER = "jcni.testing.cniPath";

  /** The default directory of sandbox directories. */
  static final Path DEFAULT_ROOT = Path.of("/run/jcni-testing");

  /** The default plugin directories: Debian's package, then the upstream release. */
  static final List<Path> DEFAULT_CNI_PATH =
      List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(CniExtension.class);

  /** Creates the extension; JUnit does, for {@link CniTest}. */
  public CniExtension() {}

  /**
   * Makes the test's sandbox, or skips (in strict mode: fails) the test when the machine cannot
   * host one.
   *
   * @param context the test's context
   * @throws Exception when the sandbox cannot be made for another reason
   */
  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    CniTest annotation =
        find(context.getRequiredTestMethod(), context.getRequiredTestClass()).orElse(null);
    SandboxSettings settings =
        SandboxSettings.resolve(annotation, context::getConfigurationParameter, System::getenv);
    context.getStore(STORE).put(CniSandbox.class, start(settings));
  }

  /**
   * Tears the test's sandbox down and fails the test when something was left.
   *
   * @param context the test's context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    CniSandbox sandbox = context.getStore(STORE).remove(CniSandbox.class, CniSandbox.class);
    if (sandbox == null) {
      return; // skipped, or beforeEach failed
    }
    Leftovers found = sandbox.tearDown();
    if (!found.isEmpty()) {
      throw found.toError("the teardown of " + sandbox + " found:");
    }
  }

  /**
   * Whether the parameter is a {@link CniSandbox}.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return {@code true} for a {@code CniSandbox}
   */
  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == CniSandbox.class;
  }

  /**
   * The test's sandbox.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return the sandbox
   * @throws ParameterResolutionException outside a test, {@code @BeforeEach} or {@code @AfterEach}
   *     method (a constructor or {@code @BeforeAll} method: sandboxes are per test)
   */
  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    CniSandbox sandbox =
        parameterContext.getDeclaringExecutable() instanceof Constructor
            ? null
            : extensionContext.getStore(STORE).get(CniSandbox.class, CniSandbox.class);
    if (sandbox == null) {
      throw new ParameterResolutionException(
          "no CniSandbox for "
              + parameterContext.getDeclaringExecutable()
              + ": each test has its own, given to the test and its @BeforeEach and @AfterEach"
              + " methods only");
    }
    return sandbox;
  }

  /**
   * Makes a sandbox, or throws what the test reports when the machine cannot host one: {@link
   * TestAbortedException} (skipped), or in strict mode {@link AssertionError} (failed).
   */
  static CniSandbox start(SandboxSettings settings) throws Exception {
    Optional<String> reason = SandboxEnvironment.unsupportedReason(settings);
    if (reason.isPresent()) {
      throw unavailable(settings, reason.get(), null);
    }
    try {
      return CniSandbox.open(settings);
    } catch (NetnsException e) {
      if (e.isPermissionDenied()) { // capabilities present, but something (an LSM, seccomp) refuses
        throw unavailable(settings, e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * What the test reports when no sandbox can be made: throws the failure in strict mode, else
   * returns the abort for the caller to throw.
   */
  private static RuntimeException unavailable(
      SandboxSettings settings, String reason, Throwable cause) {
    String message = "no CNI sandbox: " + reason;
    if (settings.strict()) {
      AssertionError failure =
          new AssertionError(message + " (" + STRICT_PARAMETER + " is set: failing, not skipping)");
      if (cause != null) {
        failure.initCause(cause);
      }
      throw failure;
    }
    return new TestAbortedException(message, cause);
  }

  /** The {@link CniTest} of a test: on the method, else its class or an enclosing class. */
  static Optional<CniTest> find(AnnotatedElement method, Class<?> testClass) {
    Optional<CniTest> found = findOn(method, new HashSet<>());
    for (Class<?> c = testClass; found.isEmpty() && c != null; c = c.getEnclosingClass()) {
      found = findOn(c, new HashSet<>());
    }
    return found;
  }

  /** The annotation on {@code element} directly or through its meta-annotations. */
  private static Optional<CniTest> findOn(AnnotatedElement element, Set<Class<?>> seen) {
    CniTest direct = element.getAnnotation(CniTest.class);
    if (direct != null) {
      return Optional.of(direct);
    }
    for (Annotation a : element.getAnnotations()) {
      if (seen.add(a.annotationType())) {
        Optional<CniTest> meta = findOn(a.annotationType(), seen);
        if (meta.isPresent()) {
          return meta;
        }
      }
    }
    return Optional.empty();
  }
}
