package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.NetnsException;
import dev.jcni.PluginErrorException;
import dev.jcni.TestData;
import dev.jcni.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox for real, as root, in the isolated JVM: made and torn down directly (the way {@link
 * CniExtension} does around a test) under a root in a temporary directory, with the test plugins of
 * testdata/plugins. Facts are checked with other means than the code under test: {@code stat} of
 * namespace files, the mount table, a plugin that records the namespace it runs in.
 */
@Tag("isolated")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CniSandboxIsolatedTest {
  private static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;
  private Path root;
  private Path record;
  private final List<CniSandbox> made = new ArrayList<>();

  @BeforeAll
  static void isolated() throws Exception {
    Isolation.require();
  }

  @BeforeEach
  void setUp() {
    root = tmp.resolve("sandboxes");
    record = tmp.resolve("calls.txt");
  }

  @AfterEach
  void tearDownWhatIsLeft() {
    for (CniSandbox sandbox : made) {
      sandbox.tearDown();
    }
  }

  private CniSandbox open() throws Exception {
    CniSandbox sandbox =
        CniExtension.start(new SandboxSettings(root, List.of(PLUGINS), List.of(), true));
    made.add(sandbox);
    return sandbox;
  }

  /** A one-plugin list of link-maker with the extra keys given. */
  private CniNetwork linkMaker(CniSandbox sandbox, String name, String extra) throws Exception {
    return sandbox.network(
        "{\"cniVersion\":\"1.0.0\",\"name\":\""
            + name
            + "\",\"plugins\":[{\"type\":\"link-maker\",\"recordTo\":\""
            + record
            + "\""
            + extra
            + "}]}");
  }

  private List<String> calls() throws Exception {
    return Files.exists(record) ? Files.readAllLines(record) : List.of();
  }

  private static String netnsOf(NetworkNamespace ns) {
    return "net:[" + ns.inode() + "]";
  }

  private static long statInode(Path file) throws Exception {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }

  @Test
  void makesTwoNewNamespacesUnderItsOwnDirectoryNeitherOfThemTheJvms() throws Exception {
    CniSandbox sandbox = open();

    assertThat(sandbox.directory().getParent()).isEqualTo(root);
    assertThat(sandbox.host().path()).isEqualTo(sandbox.directory().resolve("netns/host"));
    assertThat(sandbox.container().path())
        .isEqualTo(sandbox.directory().resolve("netns/container"));
    assertThat(sandbox.host().inode()).isEqualTo(statInode(sandbox.host().path()));
    assertThat(sandbox.container().inode()).isEqualTo(statInode(sandbox.container().path()));
    long jvm = statInode(Path.of("/proc/self/ns/net"));
    assertThat(List.of(sandbox.host().inode(), sandbox.container().inode()))
        .doesNotHaveDuplicates()
        .doesNotContain(jvm);
    assertThat(Links.in(sandbox.host())).containsExactly("lo");
    assertThat(Links.in(sandbox.container())).containsExactly("lo");
    assertThat(Mounts.under(sandbox.directory()))
        .contains(sandbox.host().path(), sandbox.container().path());
    assertThat(sandbox.containerId()).startsWith("jcni-");
  }

  @Test
  void pluginsRunInTheHostNamespaceWhicheverThreadCallsTheClient() throws Exception {
    CniSandbox sandbox = open();
    CniNetwork network = linkMaker(sandbox, "in-host", "");

    CniAttachment eth0 = network.add();
    eth0.check();
    eth0.delete();

    String host = netnsOf(sandbox.host());
    assertThat(calls())
        .containsExactly("ADD eth0 " + host, "CHECK eth0 " + host, "DEL eth0 " + host);
    assertThat(eth0.result().ips()).singleElement();
    assertThat(eth0.addresses()).extracting(a -> a.getHostAddress()).containsExactly("198.18.9.2");
  }

  @Test
  void hostLocalKeepsItsLeasesInTheSandboxWhateverDataDirTheConfigurationNames() throws Exception {
    CniSandbox sandbox = open();
    CniNetwork network =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"leases\",\"type\":\"link-maker\",\"ipam\":"
                + "{\"type\":\"host-local\",\"dataDir\":\"/var/lib/cni/networks\"}}");
    assertThat(network.config().plugins().get(0).json().at("/ipam/dataDir").textValue())
        .isEqualTo(sandbox.ipamDataDir().toString());
    assertThat(sandbox.ipamDataDir()).isDirectory().startsWith(sandbox.directory());
  }

  @Test
  void teardownRunsDelForEveryAttachmentStillAttachedNewestFirst() throws Exception {
    CniSandbox sandbox = open();
    CniNetwork network = linkMaker(sandbox, "dels", "");
    network.add("eth0");
    CniAttachment eth1 = network.add("eth1");
    network.add("eth2");
    eth1.delete();
    Files.delete(record);

    Leftovers found = sandbox.tearDown();

    assertThat(found.problems()).isEmpty();
    String host = netnsOf(sandbox.host());
    assertThat(calls()).containsExactly("DEL eth2 " + host, "DEL eth0 " + host);
  }

  @Test
  void teardownDeletesTheNamespacesAndTheDirectoryAndLeavesNoMount() throws Exception {
    CniSandbox sandbox = open();
    NetworkNamespace second = sandbox.createNamespace("second");
    linkMaker(sandbox, "gone", ",\"hostLink\":\"jcni-gone\"").add();
    Path directory = sandbox.directory();

    Leftovers found = sandbox.tearDown();

    assertThat(found.problems()).isEmpty();
    assertThat(directory).doesNotExist();
    assertThat(root).as("the root is removed once empty").doesNotExist();
    assertThat(Mounts.under(tmp)).isEmpty();
    assertThat(second.isClosed()).isTrue();
    assertThat(sandbox.host().isClosed()).isTrue();
    assertThatThrownBy(() -> linkMaker(sandbox, "late", "").add())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("torn down");
  }

  @Test
  void teardownReportsTheInterfacesThatADelLeftInTheHostAndInTheContainer() throws Exception {
    CniSandbox sandbox = open();
    linkMaker(sandbox, "leaky", ",\"hostLink\":\"jcni-leak\",\"leak\":\"true\"").add();

    Leftovers found = sandbox.tearDown();

    assertThat(found.problems())
        .containsExactlyInAnyOrder(
            "interface eth0, created in its namespace "
                + sandbox.container().path()
                + " by the ADD of network \"leaky\" (container "
                + sandbox.containerId()
                + ", eth0), is still there after its DEL",
            "interface eth0-p, created in its namespace "
                + sandbox.container().path()
                + " by the ADD of network \"leaky\" (container "
                + sandbox.containerId()
                + ", eth0), is still there after its DEL",
            "interface jcni-leak, created in the host namespace by the ADD of network \"leaky\""
                + " (container "
                + sandbox.containerId()
                + ", eth0), is still there after its DEL",
            "interface jcni-leak-p, created in the host namespace by the ADD of network"
                + " \"leaky\" (container "
                + sandbox.containerId()
                + ", eth0), is still there after its DEL");
    assertThat(sandbox.directory()).as("the rest is removed all the same").doesNotExist();
  }

  @Test
  void teardownReportsAFailedDelOfAnAttachmentThatWasAdded() throws Exception {
    CniSandbox sandbox = open();
    sandbox
        .network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"no-del\",\"plugins\":[{\"type\":\"recorder\","
                + "\"failOn\":\"DEL\"}]}")
        .add();

    Leftovers found = sandbox.tearDown();

    assertThat(found.problems())
        .singleElement()
        .asString()
        .startsWith(
            "DEL of network \"no-del\" (container " + sandbox.containerId() + ", eth0) failed: ")
        .contains("asked to fail");
  }

  @Test
  void teardownToleratesAFailedDelAfterAFailedAdd() throws Exception {
    CniSandbox sandbox = open();
    CniNetwork broken =
        sandbox.network(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"broken\",\"plugins\":[{\"type\":\"cni-error\"}]}");
    assertThatThrownBy(broken::add).isInstanceOf(PluginErrorException.class);

    assertThat(sandbox.tearDown().problems()).isEmpty();
  }

  @Test
  void teardownIsUnaffectedByAThreadLeftInsideTheHostNamespace() throws Exception {
    // Like the JDK's process reaper, started by a process launch inside the namespace: the
    // namespace stays referenced, but its file and mount are gone, which is what is verified.
    CniSandbox sandbox = open();
    CountDownLatch release = new CountDownLatch(1);
    Thread lingering =
        sandbox
            .host()
            .run(
                () -> {
                  Thread t =
                      new Thread(
                          () -> {
                            try {
                              release.await();
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                          },
                          "lingering");
                  t.setDaemon(true);
                  t.start();
                  return t;
                });
    long hostInode = sandbox.host().inode();
    try {
      assertThat(statInode(Path.of("/proc/self/task/" + tid(lingering) + "/ns/net")))
          .isEqualTo(hostInode);

      assertThat(sandbox.tearDown().problems()).isEmpty();
      assertThat(sandbox.directory()).doesNotExist();
    } finally {
      release.countDown();
      lingering.join();
    }
  }

  /**
   * The kernel thread id of a live Java thread, found by its name in /proc/self/task. The new
   * thread names its OS thread itself, after {@code start()} has returned: wait for that.
   */
  private static String tid(Thread thread) throws Exception {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    do {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            if (Files.readString(task.resolve("comm")).trim().equals(thread.getName())) {
              return task.getFileName().toString();
            }
          } catch (java.io.IOException e) {
            // a thread that ended meanwhile
          }
        }
      }
      Thread.sleep(5);
    } while (System.nanoTime() < end);
    throw new AssertionError("no task named " + thread.getName());
  }

  @Test
  void aNamespaceNameIsTakenOnlyOnce() throws Exception {
    CniSandbox sandbox = open();
    sandbox.createNamespace("twice");
    assertThatThrownBy(() -> sandbox.createNamespace("twice"))
        .isInstanceOf(NetnsException.class)
        .satisfies(e -> assertThat(((NetnsException) e).isAlreadyExists()).isTrue());
    assertThatThrownBy(() -> sandbox.createNamespace("host"))
        .isInstanceOf(NetnsException.class)
        .hasMessageContaining("exists already");
  }

  @Test
  void leftoversOfACrashedRunAreRemovedAndThoseOfLiveRunsKept() throws Exception {
    long deadPid = new ProcessBuilder("true").start().onExit().get().pid();
    SandboxMarker self = SandboxMarker.ofThisJvm();
    SandboxMarker dead =
        new SandboxMarker(deadPid, 12345, self.pidNamespace(), self.timeNamespace(), self.bootId());
    // our pid, another start time: a dead JVM
    SandboxMarker earlier =
        new SandboxMarker(
            self.pid(),
            self.startTicks() - 1,
            self.pidNamespace(),
            self.timeNamespace(),
            self.bootId());
    Path crashed = marked(dead, 1);
    Path reused = marked(earlier, 7);
    Path live = marked(self, 999);
    Path unrelated = Files.createDirectories(root.resolve("notes"));
    Path dated = Files.createDirectories(root.resolve("2024-01-15"));
    Files.writeString(dated.resolve("plan.txt"), "keep");
    NetworkNamespace.create(crashed.resolve("netns"), "host").close();
    NetworkNamespace.create(crashed.resolve("netns"), "container").close();
    NetworkNamespace.create(live.resolve("netns"), "host").close();
    assertThat(Mounts.under(crashed)).hasSize(3);

    List<String> removed = SandboxDirectories.sweep(root);

    assertThat(removed)
        .containsExactlyInAnyOrder(
            crashed.getFileName().toString(), reused.getFileName().toString());
    assertThat(crashed).doesNotExist();
    assertThat(reused).doesNotExist();
    assertThat(Mounts.under(crashed)).isEmpty();
    assertThat(live.resolve("netns/host")).exists();
    assertThat(unrelated).isDirectory();
    assertThat(dated.resolve("plan.txt")).hasContent("keep");

    Leftovers found = new Leftovers();
    SandboxDirectories.remove(live, found);
    assertThat(found.problems()).isEmpty();
    assertThat(Mounts.under(root)).isEmpty();
  }

  @Test
  void aLeftoverOfAnotherUserIsLeftAlone() throws Exception {
    long deadPid = new ProcessBuilder("true").start().onExit().get().pid();
    SandboxMarker self = SandboxMarker.ofThisJvm();
    SandboxMarker dead =
        new SandboxMarker(deadPid, 12345, self.pidNamespace(), self.timeNamespace(), self.bootId());
    Path theirDirectory = marked(dead, 1);
    Files.setAttribute(theirDirectory, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    Path theirMarker = marked(dead, 2);
    Files.setAttribute(
        theirMarker.resolve(SandboxMarker.FILE_NAME), "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    Path ours = marked(dead, 3);

    assertThat(SandboxDirectories.sweep(root)).containsExactly(ours.getFileName().toString());

    assertThat(theirDirectory.resolve("cache")).isDirectory();
    assertThat(theirMarker.resolve("cache")).isDirectory();
  }

  /** A sandbox directory of {@code owner}'s, with its marker and a cache directory. */
  private Path marked(SandboxMarker owner, int n) throws Exception {
    Path dir = root.resolve(owner.pid() + "-" + owner.startTicks() + "-" + n);
    Files.createDirectories(dir.resolve("cache"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    owner.writeTo(dir);
    return dir;
  }
}
