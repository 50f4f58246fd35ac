package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/testing-with-jcni.md are copies of test files that the build compiles and
 * runs: each {@code <!-- example: PATH -->} marker must be followed by a fenced block equal to the
 * file at PATH, so that the documentation cannot drift from code that works.
 */
class TestingDocExampleTest {
  private static final Path PROJECT =
      Path.of(System.getProperty("jcni.testdata", "testdata")).toAbsolutePath().getParent();

  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);

  @Test
  void everyExampleOfTheDocumentIsTheFileItNames() throws Exception {
    String doc = Files.readString(PROJECT.resolve("docs/testing-with-jcni.md"));
    Matcher m = EXAMPLE.matcher(doc);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      Path file = PROJECT.resolve(m.group(1));
      assertThat(m.group(2))
          .as("the copy of %s in the document", file)
          .isEqualTo(Files.readString(file));
      checked.add(m.group(1));
    }
    assertThat(checked)
        .as("the document's examples")
        .contains("src/test/java/dev/jcni/testing/example/EchoOverBridgeIsolatedTest.java");
    assertThat(doc.split("<!-- example: ", -1))
        .as("every marker is followed by a java block")
        .hasSize(checked.size() + 1);
  }
}
