package dev.jcni.runtime.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/embedding.md shows files of the build verbatim: each code block that follows a line {@code
 * <!-- file: PATH -->} must equal that file, so that the document cannot drift from the example the
 * build compiles and runs ({@link MiniRuntimeIsolatedTest}).
 */
class EmbeddingDocTest {
  static final Path BASE =
      Path.of(System.getProperty("jcni.testdata", "testdata")).toAbsolutePath().getParent();

  /** Each block of the document that names its file, by that file's path. */
  static Map<String, String> blocks(List<String> lines) {
    Map<String, String> blocks = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.startsWith("<!-- file: ") || !line.endsWith(" -->")) {
        continue;
      }
      String path = line.substring("<!-- file: ".length(), line.length() - " -->".length());
      int open = i + 1;
      assertThat(lines.get(open)).as("a code block follows %s", line).startsWith("```");
      StringBuilder block = new StringBuilder();
      int j = open + 1;
      while (!lines.get(j).equals("```")) {
        block.append(lines.get(j)).append('\n');
        j++;
      }
      blocks.put(path, block.toString());
      i = j;
    }
    return blocks;
  }

  @Test
  void everyFileTheDocumentShowsIsShownExactly() throws IOException {
    Map<String, String> blocks = blocks(Files.readAllLines(BASE.resolve("docs/embedding.md")));
    assertThat(blocks)
        .containsKeys(
            "src/test/java/dev/jcni/runtime/example/MiniRuntime.java",
            "testdata/runtime/example/10-mini-bridge.conflist",
            "testdata/runtime/example/20-mini-ptp.conflist");
    for (Map.Entry<String, String> e : blocks.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(Files.readString(BASE.resolve(e.getKey())));
    }
  }

  @Test
  void aChangedLineIsCaught() {
    Map<String, String> blocks =
        blocks(List.of("text", "<!-- file: a/B.java -->", "```java", "class B {}", "```", "more"));
    assertThat(blocks).containsExactly(Map.entry("a/B.java", "class B {}\n"));
  }
}
