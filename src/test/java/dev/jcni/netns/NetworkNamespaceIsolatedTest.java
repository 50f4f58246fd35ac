package dev.jcni.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jcni.NetnsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network namespaces for real, as root, inside the private network and mount namespaces of {@code
 * bin/isolated-java}: {@code /run/netns} here is a throwaway tmpfs and this JVM's own namespace is
 * a throwaway "host". Every fact is checked with tools other than the code under test ({@code
 * stat}, {@code readlink}, {@code ip}, mountinfo).
 */
@org.junit.jupiter.api.Tag("isolated")
class NetworkNamespaceIsolatedTest {
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void requireIsolation() throws IOException {
    IsolatedEnvironment.require();
  }

  @AfterEach
  void deleteWhatWasCreated() throws Exception {
    for (String name : created) {
      if (Files.exists(NetworkNamespace.DEFAULT_ROOT.resolve(name))) {
        NetworkNamespace.delete(name);
      }
    }
    assertThat(Shell.ok("ip", "netns", "list")).as("ip netns list after the test").isEmpty();
  }

  private NetworkNamespace create(String name) throws NetnsException {
    created.add(name);
    return NetworkNamespace.create(name);
  }

  /** The inode of the namespace a file refers to, as {@code stat -L} reports it. */
  private static long statInode(Path path) throws Exception {
    return Long.parseLong(Shell.ok("stat", "-L", "-c", "%i", path.toString()));
  }

  /** The namespace of the calling thread, as {@code net:[N]}. */
  private static String threadNamespace() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  /** Names of this JVM's threads that are in the network namespace with this inode. */
  private static List<String> jvmThreadsIn(long inode) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (((Number) Files.getAttribute(task.resolve("ns/net"), "unix:ino")).longValue()
              == inode) {
            names.add(Files.readString(task.resolve("comm")).trim());
          }
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException threadEnded) {
          // gone between the listing and the read: an exiting task's ns links give ENOENT or, while
          // the kernel tears it down, EACCES (even to root)
        }
      }
    }
    return names;
  }

  @Test
  void createBindMountsANewNamespaceUnderRunNetnsThatIpNetnsLists() throws Exception {
    try (NetworkNamespace ns = create("jcni-create");
        NetworkNamespace here = NetworkNamespace.current()) {
      Path file = Path.of("/run/netns/jcni-create");
      assertThat(ns.path()).isEqualTo(file);
      assertThat(ns.inode()).isEqualTo(statInode(file)).isNotEqualTo(here.inode());
      assertThat(MountInfo.at(file)).extracting(MountInfo.Mount::fsType).containsExactly("nsfs");
      assertThat(MountInfo.at(NetworkNamespace.DEFAULT_ROOT))
          .as("/run/netns made shared, as ip netns add does")
          .last()
          .matches(MountInfo.Mount::isShared);
      assertThat(Shell.ok("ip", "netns", "list")).contains("jcni-create");
      // a new namespace holds only a loopback interface
      assertThat(Shell.ok("ip", "netns", "exec", "jcni-create", "ip", "-o", "link", "show"))
          .hasLineCount(1)
          .contains(": lo: ");
    }
  }

  @Test
  void processStartedInsideRunIsInTheNamespace() throws Exception {
    try (NetworkNamespace ns = create("jcni-process")) {
      String seen = ns.run(() -> Shell.ok("/bin/sh", "-c", "readlink /proc/self/ns/net"));
      assertThat(seen).isEqualTo("net:[" + statInode(ns.path()) + "]");
      assertThat(Shell.ok("/bin/sh", "-c", "readlink /proc/self/ns/net"))
          .as("a process started outside run()")
          .isNotEqualTo(seen);
    }
  }

  @Test
  void runLeavesTheCallingThreadAndEveryOtherThreadWhereTheyWere() throws Exception {
    try (NetworkNamespace ns = create("jcni-threads")) {
      String before = threadNamespace();
      AtomicReference<Thread> runner = new AtomicReference<>();
      String inside =
          ns.run(
              () -> {
                runner.set(Thread.currentThread());
                return threadNamespace();
              });
      assertThat(inside).isEqualTo("net:[" + ns.inode() + "]");
      assertThat(threadNamespace()).isEqualTo(before);
      assertThat(runner.get()).isNotSameAs(Thread.currentThread());
      assertThat(runner.get().isAlive()).as("the task's thread has ended").isFalse();
      assertThat(jvmThreadsIn(ns.inode())).as("JVM threads left in the namespace").isEmpty();

      AtomicReference<Thread> second = new AtomicReference<>();
      ns.run(() -> second.getAndSet(Thread.currentThread()));
      assertThat(second.get()).as("each run gets a fresh thread").isNotSameAs(runner.get());
    }
  }

  @Test
  void threadsStartedByTheTaskStayInTheNamespace() throws Exception {
    // The documented caveat: a new thread inherits its creator's namespace.
    try (NetworkNamespace ns = create("jcni-child-thread")) {
      AtomicReference<String> childSaw = new AtomicReference<>();
      ns.run(
          () -> {
            Thread child =
                new Thread(
                    () -> {
                      try {
                        childSaw.set(threadNamespace());
                      } catch (IOException e) {
                        childSaw.set(e.toString());
                      }
                    });
            child.start();
            child.join();
            return null;
          });
      assertThat(childSaw.get()).isEqualTo("net:[" + ns.inode() + "]");
    }
  }

  @Test
  void interfacesMadeInsideStayInsideAndLiveAsLongAsTheNamespace() throws Exception {
    try (NetworkNamespace ns = create("jcni-isolation")) {
      ns.run(
          () -> {
            Shell.ok("ip", "link", "add", "jcni-br0", "type", "bridge");
            return Shell.ok("ip", "addr", "add", "198.18.0.1/24", "dev", "jcni-br0");
          });
      assertThat(Shell.run("ip", "link", "show", "jcni-br0").exitCode())
          .as("the bridge seen from this JVM's own namespace")
          .isNotZero();
      // a second run, a new thread: the namespace kept the bridge; iproute2 sees it by name too
      assertThat(ns.run(() -> Shell.ok("ip", "-o", "-4", "addr", "show", "jcni-br0")))
          .contains("198.18.0.1/24");
      assertThat(
              Shell.ok("ip", "netns", "exec", "jcni-isolation", "ip", "-o", "-4", "addr", "show"))
          .contains("jcni-br0")
          .contains("198.18.0.1/24");
    }
  }

  @Test
  void namespaceIsUsableByNameFromIproute2() throws Exception {
    try (NetworkNamespace ns = create("jcni-veth")) {
      // a veth pair from this JVM's (throwaway) namespace into the new one, as a plugin makes
      Shell.ok(
          "ip",
          "link",
          "add",
          "jcni-v0",
          "type",
          "veth",
          "peer",
          "name",
          "jcni-v1",
          "netns",
          "jcni-veth");
      try {
        assertThat(ns.run(() -> Shell.ok("ip", "-o", "link", "show", "jcni-v1")))
            .contains("jcni-v1");
      } finally {
        Shell.ok("ip", "link", "del", "jcni-v0");
      }
    }
  }

  @Test
  void deleteUnmountsAndRemovesTheFile() throws Exception {
    create("jcni-delete").close();
    Path file = Path.of("/run/netns/jcni-delete");
    NetworkNamespace.delete("jcni-delete");
    assertThat(file).doesNotExist();
    assertThat(MountInfo.at(file)).isEmpty();
    assertThat(Shell.ok("ip", "netns", "list")).doesNotContain("jcni-delete");
  }

  @Test
  void openHandleKeepsTheNamespaceAfterDelete() throws Exception {
    try (NetworkNamespace ns = create("jcni-pinned")) {
      ns.run(() -> Shell.ok("ip", "link", "add", "jcni-br1", "type", "bridge"));
      NetworkNamespace.delete("jcni-pinned");
      assertThat(ns.path()).doesNotExist();
      assertThat(ns.run(() -> Shell.ok("ip", "-o", "link", "show", "jcni-br1")))
          .contains("jcni-br1");
      assertThat(ns.run(NetworkNamespaceIsolatedTest::threadNamespace))
          .isEqualTo("net:[" + ns.inode() + "]");
    }
  }

  @Test
  void createFailsWhenTheNameExistsAndLeavesTheExistingNamespaceAlone() throws Exception {
    try (NetworkNamespace first = create("jcni-twice")) {
      assertThatThrownBy(() -> NetworkNamespace.create("jcni-twice"))
          .isInstanceOfSatisfying(
              NetnsException.class,
              e -> {
                assertThat(e.isAlreadyExists()).isTrue();
                assertThat(e.path()).contains(Path.of("/run/netns/jcni-twice"));
              })
          .hasMessageContaining("/run/netns/jcni-twice")
          .hasMessageContaining("exists already");
      assertThat(statInode(first.path())).isEqualTo(first.inode());
    }
  }

  @Test
  void deleteOfAMissingNamespaceIsNotFound() {
    assertThatThrownBy(() -> NetworkNamespace.delete("jcni-never-made"))
        .isInstanceOfSatisfying(NetnsException.class, e -> assertThat(e.isNotFound()).isTrue())
        .hasMessageContaining("cannot delete network namespace /run/netns/jcni-never-made")
        .hasMessageContaining("ENOENT");
  }

  @Test
  void deleteRemovesAFileLeftUnmountedByAFailedCreation(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("netns");
    Files.createDirectories(root);
    Files.createFile(root.resolve("jcni-leftover"));
    NetworkNamespace.delete(root, "jcni-leftover");
    assertThat(root.resolve("jcni-leftover")).doesNotExist();
  }

  @Test
  void deleteOfASymbolicLinkRemovesTheLinkAndLeavesTheMountItPointsToAlone(@TempDir Path dir)
      throws Exception {
    Path root = Files.createDirectories(dir.resolve("netns"));
    Path target = Files.createDirectories(dir.resolve("somebody-elses-mount"));
    Shell.ok("mount", "-t", "tmpfs", "jcni-victim", target.toString());
    try {
      Files.createSymbolicLink(root.resolve("jcni-link"), target);
      NetworkNamespace.delete(root, "jcni-link");
      assertThat(root.resolve("jcni-link")).doesNotExist();
      assertThat(MountInfo.at(target)).as("the mount the link pointed to").hasSize(1);
    } finally {
      if (!MountInfo.at(target).isEmpty()) {
        Shell.ok("umount", target.toString());
      }
    }
  }

  @Test
  void createUnderAnotherRootMakesThatRootASharedMountPoint(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("netns");
    try {
      try (NetworkNamespace ns = NetworkNamespace.create(root, "jcni-elsewhere")) {
        assertThat(ns.path()).isEqualTo(root.resolve("jcni-elsewhere"));
        assertThat(ns.inode()).isEqualTo(statInode(ns.path()));
        assertThat(MountInfo.at(root)).as("root bind-mounted on itself").hasSize(1);
        assertThat(MountInfo.at(root).get(0).isShared()).isTrue();
        assertThat(Shell.ok("ip", "netns", "list")).doesNotContain("jcni-elsewhere");
        // the root is prepared once: a second namespace adds no second mount on it
        NetworkNamespace.create(root, "jcni-elsewhere2").close();
        assertThat(MountInfo.at(root)).hasSize(1);
      } finally {
        NetworkNamespace.delete(root, "jcni-elsewhere");
        NetworkNamespace.delete(root, "jcni-elsewhere2");
      }
      assertThat(root).isEmptyDirectory();
    } finally {
      if (!MountInfo.at(root).isEmpty()) {
        Shell.ok("umount", root.toString());
      }
    }
  }

  @Test
  void invalidNameIsRejectedBeforeAnythingIsCreated(@TempDir Path dir) {
    Path root = dir.resolve("netns");
    assertThatThrownBy(() -> NetworkNamespace.create(root, "../escape"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain '/'");
    assertThat(root).doesNotExist();
    assertThat(dir.resolveSibling("escape")).doesNotExist();
  }

  @Test
  void currentIsTheNamespaceOfTheCallingThread() throws Exception {
    try (NetworkNamespace here = NetworkNamespace.current()) {
      assertThat(here.path().toString()).matches("/proc/\\d+/task/\\d+/ns/net");
      assertThat(here.inode())
          .isEqualTo(Long.parseLong(Shell.ok("stat", "-L", "-c", "%i", "/proc/self/ns/net")));
    }
  }

  @Test
  void openRejectsFilesThatAreNotNetworkNamespaces(@TempDir Path dir) throws Exception {
    Path plain = Files.createFile(dir.resolve("plain"));
    assertThatThrownBy(() -> NetworkNamespace.open(plain))
        .isInstanceOf(NetnsException.class)
        .hasMessageContaining("cannot open network namespace " + plain)
        .hasMessageContaining("not a namespace");
    assertThatThrownBy(() -> NetworkNamespace.open(Path.of("/proc/self/ns/mnt")))
        .isInstanceOf(NetnsException.class)
        .hasMessageContaining("a mount namespace, not a network namespace");
    assertThatThrownBy(() -> NetworkNamespace.open(dir.resolve("missing")))
        .isInstanceOfSatisfying(NetnsException.class, e -> assertThat(e.isNotFound()).isTrue())
        .hasMessageContaining("ENOENT");
  }

  @Test
  void openOfAFifoFailsAtOnceInsteadOfWaitingForAWriter(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    Shell.ok("mkfifo", fifo.toString());
    // without O_NONBLOCK, open(2) of a FIFO waits until someone opens it for writing: for ever
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            assertThatThrownBy(() -> NetworkNamespace.open(fifo))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("cannot open network namespace " + fifo)
                .hasMessageContaining("not a namespace"));
  }

  @Test
  void openByPathGivesTheSameNamespace() throws Exception {
    try (NetworkNamespace ns = create("jcni-open");
        NetworkNamespace again = NetworkNamespace.open(Path.of("/run/netns/jcni-open"))) {
      assertThat(again.inode()).isEqualTo(ns.inode());
      assertThat(again.run(NetworkNamespaceIsolatedTest::threadNamespace))
          .isEqualTo("net:[" + ns.inode() + "]");
    }
  }

  @Test
  void whatTheTaskThrowsReachesTheCallerUnwrapped() throws Exception {
    try (NetworkNamespace ns = create("jcni-throws")) {
      IOException checked = new IOException("checked");
      IllegalStateException unchecked = new IllegalStateException("unchecked");
      AssertionError error = new AssertionError("error");
      assertThatThrownBy(
              () ->
                  ns.run(
                      () -> {
                        throw checked;
                      }))
          .isSameAs(checked);
      assertThatThrownBy(
              () ->
                  ns.run(
                      () -> {
                        throw unchecked;
                      }))
          .isSameAs(unchecked);
      assertThatThrownBy(
              () ->
                  ns.run(
                      () -> {
                        throw error;
                      }))
          .isSameAs(error);
      assertThat(jvmThreadsIn(ns.inode())).isEmpty();
    }
  }

  @Test
  void interruptingTheCallerInterruptsTheTaskAndIsKept() throws Exception {
    try (NetworkNamespace ns = create("jcni-interrupt")) {
      Thread.currentThread().interrupt();
      String outcome =
          ns.run(
              () -> {
                try {
                  Thread.sleep(60_000);
                  return "slept";
                } catch (InterruptedException e) {
                  return "interrupted";
                }
              });
      assertThat(Thread.interrupted()).as("caller's interrupt status kept").isTrue();
      assertThat(outcome).isEqualTo("interrupted");
    }
  }

  @Test
  void concurrentCallersOnPooledThreadsEachSeeTheirOwnNamespaceAndStayPut() throws Exception {
    String jvmNamespace = threadNamespace();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int worker = 0; worker < 4; worker++) {
        String prefix = "jcni-par" + worker + "-";
        futures.add(
            pool.submit(
                () -> {
                  List<String> leftovers = new ArrayList<>();
                  for (int round = 0; round < 5; round++) {
                    String name = prefix + round;
                    long inode;
                    try (NetworkNamespace ns = NetworkNamespace.create(name)) {
                      inode = ns.inode();
                      assertThat(ns.run(NetworkNamespaceIsolatedTest::threadNamespace))
                          .isEqualTo("net:[" + inode + "]");
                    } finally {
                      NetworkNamespace.delete(name);
                    }
                    assertThat(threadNamespace()).as("pooled caller").isEqualTo(jvmNamespace);
                    leftovers.addAll(jvmThreadsIn(inode));
                  }
                  return leftovers;
                }));
      }
      for (Future<List<String>> f : futures) {
        assertThat(f.get(5, TimeUnit.MINUTES)).as("JVM threads left in a namespace").isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(MountInfo.at(NetworkNamespace.DEFAULT_ROOT)).hasSize(1);
  }

  @Test
  void closedHandleCannotRun() throws Exception {
    NetworkNamespace ns = create("jcni-closed");
    ns.close();
    ns.close(); // twice is fine
    assertThat(ns.isClosed()).isTrue();
    assertThatThrownBy(() -> ns.run(() -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/run/netns/jcni-closed");
  }
}
