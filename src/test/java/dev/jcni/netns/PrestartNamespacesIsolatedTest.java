package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.TestData;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.invoke.HookedPrestarts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process takes its namespaces from the thread that creates it, and a thread from the thread
 * that created it. The client's prestart threads are created by operations: none may be created
 * while an operation runs inside a container's network namespace, where it would start a later
 * operation's plugins and keep that namespace alive.
 */
@org.junit.jupiter.api.Tag("isolated")
class PrestartNamespacesIsolatedTest {
  static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;

  @BeforeAll
  static void requireIsolation() throws IOException {
    IsolatedEnvironment.require();
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    if (Files.exists(NetworkNamespace.DEFAULT_ROOT.resolve("jcni-prestart-ns"))) {
      NetworkNamespace.delete("jcni-prestart-ns");
    }
  }

  /** posix_spawn, noting the thread and network namespace of each start ahead. */
  private static final class NotedStarts extends HookedPrestarts {
    final List<String> namespaces = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    protected void beforePrestart() throws IOException {
      namespaces.add(threadNetns());
      threads.add(Thread.currentThread().getName());
    }
  }

  private static String threadNetns() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  @Test
  void anOperationInAContainersNamespaceStartsAheadOnItsOwnThreadAndLeavesNoThreadThere()
      throws Exception {
    NotedStarts starts = new NotedStarts();
    CniClient client =
        CniClient.builder()
            .pluginDirectories(List.of(PLUGINS))
            .cacheDirectory(tmp.resolve("cache"))
            .launcher(starts)
            .prestartPlugins(2)
            .build();
    Path log = tmp.resolve("calls.jsonl");
    StringBuilder conf = new StringBuilder("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":[");
    for (String tag : List.of("a", "b", "c")) {
      conf.append(tag.equals("a") ? "" : ",")
          .append("{\"type\":\"timed-recorder\",\"recordTo\":\"")
          .append(log)
          .append("\",\"tag\":\"")
          .append(tag)
          .append("\"")
          .append(tag.equals("a") ? ",\"sleep\":\"0.2\"" : "")
          .append('}');
    }
    NetworkConfigList list =
        NetworkConfigList.parse(conf.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    String host = threadNetns();

    String container;
    String[] opThread = new String[1];
    try (NetworkNamespace ns = NetworkNamespace.create("jcni-prestart-ns")) {
      container =
          ns.run(
              () -> {
                opThread[0] = Thread.currentThread().getName();
                client.add(list, Attachment.builder("c1", "eth0").netns("/x").build());
                return threadNetns();
              });
    }
    assertThat(container).isNotEqualTo(host);
    assertThat(starts.namespaces)
        .as("the operation in the container's namespace had its plugins started ahead there")
        .containsOnly(container)
        .hasSize(2);
    assertThat(starts.threads)
        .as("by its own thread: no prestart thread was born in the container's namespace")
        .containsOnly(opThread[0]);

    starts.namespaces.clear();
    starts.threads.clear();
    client.add(list, Attachment.builder("c2", "eth0").netns("/x").build());

    assertThat(starts.namespaces)
        .as("the operation outside had its plugins started ahead in its own namespace")
        .containsOnly(host)
        .hasSize(2);
    assertThat(starts.threads).allMatch(t -> t.startsWith("jcni-prestart-"));
    assertThat(Files.readAllLines(log)).hasSize(6);
  }
}
