package dev.jcni;

import java.nio.file.Path;

/** Where the tests find the project's test data, for test classes of every package. */
public final class TestData {
  /**
   * {@code testdata/plugins}: the small real plugins the tests run (surefire sets {@code
   * jcni.testdata}; a test run from the project directory finds it without).
   */
  public static final Path PLUGINS =
      Path.of(System.getProperty("jcni.testdata", "testdata"), "plugins").toAbsolutePath();

  private TestData() {}
}
