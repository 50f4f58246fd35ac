package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that decide whether a sandbox can be made, each with the reason it gives. */
class SandboxEnvironmentTest {
  private static final Path PLUGINS = TestData.PLUGINS;

  @TempDir Path tmp;

  private static String status(String uid, String capEff) {
    return "Name:\tjava\nUmask:\t0022\nState:\tR (running)\nUid:\t"
        + uid
        + "\nGid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t"
        + capEff
        + "\nCapEff:\t"
        + capEff
        + "\n";
  }

  @Test
  void rootWithEveryCapabilityCanHostASandbox() {
    assertThat(SandboxEnvironment.privilegeProblem(status("0\t0\t0\t0", "000001ffffffffff")))
        .isEmpty();
  }

  @Test
  void onlySysAdminAndNetAdminAreNeeded() {
    long both = (1L << SandboxEnvironment.CAP_SYS_ADMIN) | (1L << SandboxEnvironment.CAP_NET_ADMIN);
    assertThat(both).isEqualTo(0x201000L); // bits 21 and 12, as capability.h numbers them
    assertThat(
            SandboxEnvironment.privilegeProblem(
                status("1000\t1000\t1000\t1000", String.format("%016x", both))))
        .isEmpty();
  }

  @Test
  void anOrdinaryUserIsToldThatRootIsNeeded() {
    assertThat(
            SandboxEnvironment.privilegeProblem(
                status("1000\t1000\t1000\t1000", "0000000000000000")))
        .contains(
            "needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN are not effective"
                + " (uid 1000, CapEff 0000000000000000)");
  }

  @Test
  void aMissingCapabilityIsNamed() {
    assertThat(SandboxEnvironment.privilegeProblem(status("0\t0\t0\t0", "0000000000001000")))
        .contains("needs root: CAP_SYS_ADMIN is not effective (uid 0, CapEff 0000000000001000)");
  }

  @Test
  void noPluginDirectoryIsAReason() {
    Path missing = tmp.resolve("missing");
    assertThat(SandboxEnvironment.pluginProblem(List.of(missing), List.of()))
        .contains(
            "no CNI plugin directory: none of "
                + missing
                + " exists (set @CniTest(cniPath) or jcni.testing.cniPath)");
  }

  @Test
  void aDirectoryWithoutPluginsIsAReason() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Files.writeString(empty.resolve("README"), "not executable");
    assertThat(SandboxEnvironment.pluginProblem(List.of(empty), List.of()))
        .contains("no CNI plugin in " + empty);
  }

  @Test
  void aMissingRequiredPluginIsNamed() {
    assertThat(
            SandboxEnvironment.pluginProblem(
                List.of(tmp.resolve("missing"), PLUGINS), List.of("recorder", "no-such-plugin")))
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("no-such-plugin").doesNotContain("recorder"));
  }

  @Test
  void requiredPluginsThatArePresentAreNoReason() {
    assertThat(
            SandboxEnvironment.pluginProblem(
                List.of(tmp.resolve("missing"), PLUGINS), List.of("recorder", "link-maker")))
        .isEmpty();
    assertThat(SandboxEnvironment.pluginProblem(List.of(PLUGINS), List.of())).isEmpty();
  }
}
