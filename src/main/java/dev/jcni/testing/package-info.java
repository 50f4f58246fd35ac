/**
 * A JUnit 5 extension for integration tests that need real CNI networking: each test gets a {@link
 * dev.jcni.testing.CniSandbox} — a private "host" network namespace where the plugins run, a
 * container network namespace, and a {@link dev.jcni.CniClient} with its own cache directory — and
 * everything is torn down and checked after the test, even when it failed.
 *
 * <p>Annotate the test class (or method) with {@link dev.jcni.testing.CniTest} and declare a {@code
 * CniSandbox} parameter. JUnit Jupiter is an optional dependency of jcni: only code that uses this
 * package needs it. See {@code docs/testing-with-jcni.md} for a complete example.
 */
package dev.jcni.testing;
