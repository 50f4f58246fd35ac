package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PluginInvocationTest {
  @Test
  void rejectsNulInAnythingThatBecomesEnvironment() {
    assertThatThrownBy(() -> PluginInvocation.of(Verb.ADD, "c\0", "", "eth0", "", "", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CNI_CONTAINERID must not contain a NUL character");
    assertThatThrownBy(() -> PluginInvocation.of(Verb.ADD, "c", "/n\0", "eth0", "", "", null))
        .hasMessageContaining("CNI_NETNS");
    assertThatThrownBy(() -> PluginInvocation.of(Verb.ADD, "c", "", "eth\0", "", "", null))
        .hasMessageContaining("CNI_IFNAME");
    assertThatThrownBy(() -> PluginInvocation.of(Verb.ADD, "c", "", "eth0", "A=\0", "", null))
        .hasMessageContaining("CNI_ARGS");
    assertThatThrownBy(() -> PluginInvocation.of(Verb.ADD, "c", "", "eth0", "", "/a\0", null))
        .hasMessageContaining("CNI_PATH");
    assertThatThrownBy(
            () -> new PluginInvocation(Verb.ADD, "c", "", "e", "", "", Map.of("X", "v\0"), null))
        .hasMessageContaining("X must not contain");
    assertThatThrownBy(
            () -> new PluginInvocation(Verb.ADD, "c", "", "e", "", "", Map.of("X\0Y", "v"), null))
        .hasMessageContaining("not a valid environment variable name");
  }

  @Test
  void rejectsExtrasThatWouldReplaceACniVariableOrAreNotNames() {
    assertThatThrownBy(
            () ->
                new PluginInvocation(
                    Verb.ADD, "c", "", "e", "", "", Map.of("CNI_COMMAND", "DEL"), null))
        .hasMessageContaining("CNI_COMMAND is set from the invocation's own fields");
    assertThatThrownBy(
            () -> new PluginInvocation(Verb.ADD, "c", "", "e", "", "", Map.of("A=B", "v"), null))
        .hasMessageContaining("not a valid environment variable name");
    assertThatThrownBy(
            () -> new PluginInvocation(Verb.ADD, "c", "", "e", "", "", Map.of("", "v"), null))
        .hasMessageContaining("not a valid environment variable name");
  }

  @Test
  void copiesStdinAndExtrasAndNormalisesNulls() {
    byte[] stdin = {1, 2, 3};
    Map<String, String> extra = new HashMap<>(Map.of("B", "2", "A", "1"));
    PluginInvocation inv =
        new PluginInvocation(Verb.DEL, null, null, null, null, null, extra, stdin);
    stdin[0] = 9;
    extra.put("C", "3");
    inv.stdin()[1] = 9;
    assertThat(inv.stdin()).containsExactly(1, 2, 3);
    assertThat(inv.extraEnv()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    assertThat(inv.containerId()).isEmpty();
    assertThat(inv.netns()).isEmpty();
    assertThat(inv.cniPath()).isEmpty();
    assertThat(inv)
        .isEqualTo(
            new PluginInvocation(
                Verb.DEL, "", "", "", "", "", Map.of("A", "1", "B", "2"), new byte[] {1, 2, 3}));
    assertThat(inv.toString()).contains("stdin=3 bytes").doesNotContain("[B@");
    assertThatThrownBy(() -> inv.extraEnv().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theCommandIsTheVerbsName() {
    assertThat(Verb.VERSION.command()).isEqualTo("VERSION");
    assertThat(Verb.GC.command()).isEqualTo("GC");
  }
}
