package dev.jcni.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LibC#certainlyAbsent}: true only when nothing at all, not even a link, is there. */
class LibCAbsentTest {

  @TempDir Path dir;

  @Test
  void aMissingFileIsCertainlyAbsent() {
    assertThat(LibC.certainlyAbsent(dir.resolve("missing"))).isTrue();
  }

  @Test
  void aFileADirectoryAndAnyLinkAreThere() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));

    assertThat(LibC.certainlyAbsent(file)).isFalse();
    assertThat(LibC.certainlyAbsent(sub)).isFalse();
    assertThat(LibC.certainlyAbsent(link)).isFalse();
    assertThat(LibC.certainlyAbsent(dangling))
        .as("the link itself is there, though what it names is not")
        .isFalse();
  }

  @Test
  void aPathOfAnotherFileSystemIsNeverCertainlyAbsent() throws Exception {
    Path zip = dir.resolve("cache.zip");
    try (FileSystem zipFs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
      Path missing = zipFs.getPath("/results/net1-c1-eth0");
      assertThat(Files.exists(missing)).isFalse();
      // the same string on the default file system is missing too, but says nothing of the zip
      assertThat(LibC.certainlyAbsent(Path.of(missing.toString()))).isTrue();

      assertThat(LibC.certainlyAbsent(missing)).isFalse();
    }
  }

  @Test
  void whatItCannotTellIsNotAbsent() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");

    assertThat(LibC.certainlyAbsent(file.resolve("below-a-file"))).as("ENOTDIR").isFalse();
    assertThat(LibC.certainlyAbsent(dir.resolve("x".repeat(300))))
        .as("ENAMETOOLONG")
        .isFalse();
  }
}
