package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PluginEnvironmentTest {
  private static final Map<String, String> PARENT =
      new TreeMap<>(
          Map.of(
              "PATH", "/usr/sbin:/usr/bin",
              "HOME", "/root",
              "AWS_SECRET_ACCESS_KEY", "do-not-leak",
              "HTTP_PROXY", "http://proxy:3128",
              "CNI_COMMAND", "DEL",
              "CNI_NOOP_LOG", "/tmp/log",
              "TRACEPARENT", "from-parent"));

  private static PluginInvocation invocation(Map<String, String> extra) {
    return new PluginInvocation(
        Verb.ADD, "c1", "/var/run/netns/c1", "eth0", "A=1;B=2", "/opt/cni/bin", extra, new byte[0]);
  }

  @Test
  void minimalByDefaultWithCniVariablesFirstInAFixedOrder() {
    assertThat(PluginEnvironment.build(invocation(Map.of()), ExecOptions.defaults(), PARENT))
        .containsExactly(
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=c1",
            "CNI_NETNS=/var/run/netns/c1",
            "CNI_IFNAME=eth0",
            "CNI_ARGS=A=1;B=2",
            "CNI_PATH=/opt/cni/bin",
            "PATH=/usr/sbin:/usr/bin");
  }

  @Test
  void passesNamedVariablesOfTheJvmAndThenTheExtrasSortedByName() {
    ExecOptions opts = ExecOptions.builder().passEnvironment("HTTP_PROXY", "HOME", "UNSET").build();
    assertThat(
            PluginEnvironment.build(
                invocation(Map.of("TRACESTATE", "s", "TRACEPARENT", "p")), opts, PARENT))
        .containsExactly(
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=c1",
            "CNI_NETNS=/var/run/netns/c1",
            "CNI_IFNAME=eth0",
            "CNI_ARGS=A=1;B=2",
            "CNI_PATH=/opt/cni/bin",
            "PATH=/usr/sbin:/usr/bin",
            "HOME=/root",
            "HTTP_PROXY=http://proxy:3128",
            "TRACEPARENT=p",
            "TRACESTATE=s");
  }

  @Test
  void inheritingTakesEverythingButTheCniValuesAndExtrasWin() {
    ExecOptions opts = ExecOptions.builder().inheritEnvironment(true).build();
    assertThat(PluginEnvironment.build(invocation(Map.of("TRACEPARENT", "mine")), opts, PARENT))
        .containsExactly(
            "CNI_COMMAND=ADD",
            "CNI_CONTAINERID=c1",
            "CNI_NETNS=/var/run/netns/c1",
            "CNI_IFNAME=eth0",
            "CNI_ARGS=A=1;B=2",
            "CNI_PATH=/opt/cni/bin",
            "PATH=/usr/sbin:/usr/bin",
            "AWS_SECRET_ACCESS_KEY=do-not-leak",
            "CNI_NOOP_LOG=/tmp/log",
            "HOME=/root",
            "HTTP_PROXY=http://proxy:3128",
            "TRACEPARENT=mine");
  }

  @Test
  void anExtraPathReplacesTheCallersPath() {
    assertThat(
            PluginEnvironment.build(
                invocation(Map.of("PATH", "/sbin")), ExecOptions.defaults(), PARENT))
        .contains("PATH=/sbin")
        .doesNotContain("PATH=/usr/sbin:/usr/bin");
  }

  @Test
  void withoutAPathInTheJvmThereIsNoPath() {
    assertThat(PluginEnvironment.build(invocation(Map.of()), ExecOptions.defaults(), Map.of()))
        .hasSize(6)
        .noneMatch(e -> e.startsWith("PATH="));
  }
}
