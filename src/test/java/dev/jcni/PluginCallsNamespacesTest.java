package dev.jcni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link PluginCalls} tells which namespaces a process started by a thread would be in. */
class PluginCallsNamespacesTest {

  @TempDir Path tmp;

  /** A directory like {@code /proc/thread-self/ns}, with a link per kind except those left out. */
  private Path nsDir(String name, String netTarget, String... leftOut) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve(name));
    long inode = 4026531830L;
    for (String ns : PluginCalls.NAMESPACES) {
      inode++;
      if (Arrays.asList(leftOut).contains(ns)) {
        continue;
      }
      String target =
          ns.equals("net") ? netTarget : ns.replace("_for_children", "") + ":[" + inode + "]";
      Files.createSymbolicLink(dir.resolve(ns), Path.of(target));
    }
    return dir;
  }

  @Test
  void readsEveryKindAChildWouldInheritIncludingTheTimeNamespaceForChildren() throws Exception {
    String ids = PluginCalls.namespacesIn(Path.of("/proc/thread-self/ns"));

    String[] parts = ids.trim().split(" ");
    assertThat(parts).hasSize(PluginCalls.NAMESPACES.size());
    for (int i = 0; i < parts.length; i++) {
      String kind = PluginCalls.NAMESPACES.get(i);
      boolean there =
          Files.exists(Path.of("/proc/thread-self/ns", kind), LinkOption.NOFOLLOW_LINKS);
      // "-" exactly for the kinds this kernel lacks (time_for_children before Linux 5.6)
      if (there) {
        assertThat(parts[i]).as(kind).startsWith(kind.replace("_for_children", "") + ":[");
      } else {
        assertThat(parts[i]).as(kind).isEqualTo("-");
      }
    }
    assertThat(ids)
        .as("a test thread is in the process's own namespaces")
        .isEqualTo(PluginCalls.namespacesIn(Path.of("/proc/self/ns")));
  }

  @Test
  void aKindTheKernelDoesNotHaveReadsAsAbsentInsteadOfDisablingTheCheck() throws Exception {
    Path older = nsDir("older", "net:[4026531840]", "time_for_children");
    Path otherNet = nsDir("other-net", "net:[4026532999]", "time_for_children");

    String ids = PluginCalls.namespacesIn(older);

    assertThat(ids).isNotEmpty().startsWith("net:[4026531840] ").endsWith(" - ");
    assertThat(PluginCalls.namespacesIn(otherNet)).isNotEmpty().isNotEqualTo(ids);
    assertThat(PluginCalls.namespacesIn(nsDir("same", "net:[4026531840]", "time_for_children")))
        .isEqualTo(ids);
  }

  @Test
  void aDirectoryThatCannotBeReadGivesNothing() {
    assertThat(PluginCalls.namespacesIn(tmp.resolve("no-such-dir"))).isEmpty();
  }
}
