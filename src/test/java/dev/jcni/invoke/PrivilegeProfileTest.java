package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivilegeProfileTest {
  private static final Path PLUGIN = Path.of("/opt/cni/bin/bridge");

  @TempDir Path tmp;

  @Test
  void basicProfileWrapsThePluginInSetprivWithNoNewPrivsAndTheThreeCapabilities() {
    List<String> argv = PrivilegeProfile.leastPrivilege().command(PLUGIN, "/run/netns/c1");

    String caps = "-all,+net_admin,+net_raw,+sys_admin";
    assertThat(argv)
        .containsExactly(
            "/usr/bin/setpriv",
            "--no-new-privs",
            "--inh-caps=" + caps,
            "--ambient-caps=-all",
            "--bounding-set=" + caps,
            "--",
            "/opt/cni/bin/bridge");
  }

  @Test
  void capabilityMaskMatchesTheKernelNumbering() {
    // capability.h: NET_ADMIN 12, NET_RAW 13, SYS_ADMIN 21, SYS_PTRACE 19
    assertThat(PrivilegeProfile.leastPrivilege().capabilityMask())
        .isEqualTo((1L << 12) | (1L << 13) | (1L << 21))
        .isEqualTo(0x203000L);
    assertThat(PrivilegeProfile.builder().capability("sys_ptrace").build().capabilityMask())
        .isEqualTo(0x203000L | (1L << 19));
    assertThat(PrivilegeProfile.builder().capability("CAP_CHECKPOINT_RESTORE").build().capabilityMask())
        .isEqualTo(0x203000L | (1L << 40));
  }

  @Test
  void extraCapabilitiesAreNormalisedSortedAndDeduplicated() {
    PrivilegeProfile p =
        PrivilegeProfile.builder().capability("net_bind_service", "CAP_KILL", "kill", "NET_RAW").build();

    assertThat(p.extraCapabilities()).containsExactly("CAP_KILL", "CAP_NET_BIND_SERVICE");
    assertThat(p.capabilities())
        .containsExactly(
            "CAP_KILL", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_ADMIN");
    assertThat(p.command(PLUGIN, ""))
        .contains("--bounding-set=-all,+kill,+net_admin,+net_bind_service,+net_raw,+sys_admin");
  }

  @Test
  void rejectsUnknownCapabilityNames() {
    assertThatThrownBy(() -> PrivilegeProfile.builder().capability("CAP_EVERYTHING"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CAP_EVERYTHING");
    assertThatThrownBy(() -> PrivilegeProfile.builder().capability("all"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivilegeProfile.builder().capability("net_admin,+sys_module"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void userSwitchClearsGroupsAndRaisesTheCapabilitiesAsAmbient() {
    List<String> argv = PrivilegeProfile.builder().user(65534, 65533).build().command(PLUGIN, "");

    String caps = "-all,+net_admin,+net_raw,+sys_admin";
    assertThat(argv)
        .containsExactly(
            "/usr/bin/setpriv",
            "--no-new-privs",
            "--reuid=65534",
            "--regid=65533",
            "--clear-groups",
            "--inh-caps=" + caps,
            "--ambient-caps=" + caps,
            "--bounding-set=" + caps,
            "--",
            "/opt/cni/bin/bridge");
  }

  @Test
  void rejectsRootAsTheUnprivilegedUser() {
    assertThatThrownBy(() -> PrivilegeProfile.builder().user(0, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivilegeProfile.builder().user(100, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readOnlyRootRunsSetprivUnderBwrapWithTheWritablePathsParentsFirst() throws Exception {
    Path netnsDir = Files.createDirectories(tmp.resolve("netns"));
    PrivilegeProfile p =
        PrivilegeProfile.builder()
            .readOnlyRoot(true)
            .writablePath(Path.of("/var/lib/leases"), Path.of("/run/extra"))
            .build();

    List<String> argv = p.command(PLUGIN, netnsDir.resolve("c1").toString());

    int separator = argv.indexOf("--");
    assertThat(argv.subList(0, separator))
        .containsExactly(
            "/usr/bin/bwrap",
            "--ro-bind", "/", "/",
            "--dev-bind", "/dev", "/dev",
            "--bind-try", "/proc/sys/net", "/proc/sys/net",
            "--bind-try", "/run", "/run",
            "--bind-try", "/run/extra", "/run/extra",
            "--bind-try", netnsDir.toRealPath().toString(), netnsDir.toRealPath().toString(),
            "--bind-try", "/var/lib/cni", "/var/lib/cni",
            "--bind-try", "/var/lib/leases", "/var/lib/leases");
    assertThat(argv.get(separator + 1)).isEqualTo("/usr/bin/setpriv");
    assertThat(argv.get(argv.size() - 1)).isEqualTo("/opt/cni/bin/bridge");
  }

  @Test
  void netnsDirectoriesUnderProcOrAlreadyWritableAreNotBoundAgain() {
    PrivilegeProfile p = PrivilegeProfile.builder().readOnlyRoot(true).build();

    assertThat(p.writableAt("/proc/1/ns/net")).isEqualTo(p.writableAt(""));
    assertThat(p.writableAt("/run/netns/c1")).isEqualTo(p.writableAt(""));
    assertThat(p.writableAt("relative/c1")).isEqualTo(p.writableAt(""));
    assertThat(p.writableAt(""))
        .containsExactly(Path.of("/proc/sys/net"), Path.of("/run"), Path.of("/var/lib/cni"));
  }

  @Test
  void rejectsRelativeUnnormalisedOrRootWritablePaths() {
    for (String bad : List.of("var/lib", "/var/../etc", "/")) {
      assertThatThrownBy(() -> PrivilegeProfile.builder().writablePath(Path.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsRelativePluginPaths() {
    assertThatThrownBy(() -> PrivilegeProfile.leastPrivilege().command(Path.of("bridge"), ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profilesWithTheSameSettingsAreEqual() {
    assertThat(PrivilegeProfile.builder().capability("kill", "net_raw").build())
        .isEqualTo(PrivilegeProfile.builder().capability("CAP_KILL").build())
        .isNotEqualTo(PrivilegeProfile.leastPrivilege());
  }

  @Test
  void wrapperMustBeARootOwnedRegularExecutableWritableByNoOneElse() throws Exception {
    assertThat(PrivilegeProfile.untrusted(Path.of("/usr/bin/setpriv"), "util-linux")).isEmpty();

    assertThat(PrivilegeProfile.untrusted(tmp.resolve("missing"), "bubblewrap"))
        .hasValueSatisfying(r -> assertThat(r).contains("missing").contains("install bubblewrap"));
    assertThat(PrivilegeProfile.untrusted(tmp, "x"))
        .hasValueSatisfying(r -> assertThat(r).contains("not a regular file"));

    Path file = Files.createFile(tmp.resolve("wrapper"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PrivilegeProfile.untrusted(file, "x"))
        .hasValueSatisfying(r -> assertThat(r).contains("not executable"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertThat(PrivilegeProfile.untrusted(file, "x"))
        .hasValueSatisfying(r -> assertThat(r).contains("writable by no one else"));

    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("/usr/bin/setpriv"));
    assertThat(PrivilegeProfile.untrusted(link, "x"))
        .as("a symbolic link is not followed")
        .hasValueSatisfying(r -> assertThat(r).contains("not a regular file"));
  }

  @Test
  void execOptionsCarryTheProfileThroughCopies() {
    PrivilegeProfile p = PrivilegeProfile.builder().capability("kill").build();
    ExecOptions options = ExecOptions.builder().privilegeProfile(p).build();

    assertThat(ExecOptions.defaults().privilegeProfile()).isEmpty();
    assertThat(options.privilegeProfile()).contains(p);
    assertThat(options.withDeadline(java.time.Duration.ofSeconds(3)).privilegeProfile()).contains(p);
    assertThat(options.toBuilder().privilegeProfile(null).build().privilegeProfile()).isEmpty();
  }

  @Test
  void executorLaunchesTheWrapperWithThePluginLastAndTheSameEnvironment() throws Exception {
    List<LaunchRequest> seen = new java.util.ArrayList<>();
    PluginLauncher recording =
        request -> {
          seen.add(request);
          return new LaunchResult(
              LaunchResult.Ending.EXITED,
              java.util.OptionalInt.of(0),
              java.util.OptionalInt.empty(),
              "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
              new byte[0],
              0,
              java.time.Duration.ZERO,
              false,
              false);
        };
    LocatedPlugin plugin = Plugins.find("echo-plugin");
    PluginInvocation invocation =
        PluginInvocation.of(Verb.DEL, "c1", "/run/netns/c1", "eth0", "", "/opt/cni/bin", null);
    ExecOptions plain = ExecOptions.defaults();
    ExecOptions profiled =
        ExecOptions.builder().privilegeProfile(PrivilegeProfile.leastPrivilege()).build();

    new PluginExecutor(recording, plain).execute(plugin, invocation);
    new PluginExecutor(recording, profiled).execute(plugin, invocation);

    assertThat(seen.get(0).executable()).isEqualTo(plugin.path());
    assertThat(seen.get(0).arguments()).isEmpty();
    assertThat(seen.get(1).executable()).isEqualTo(PrivilegeProfile.SETPRIV);
    assertThat(seen.get(1).arguments())
        .isEqualTo(
            PrivilegeProfile.leastPrivilege()
                .command(plugin.path(), "/run/netns/c1")
                .subList(1, 7));
    assertThat(seen.get(1).arguments()).last().isEqualTo(plugin.path().toString());
    assertThat(seen.get(1).environment()).isEqualTo(seen.get(0).environment());
  }
}
