package dev.jcni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jcni.ConfigException.Context;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {
  @Test
  void messageNamesFilePositionNetworkPluginAndField() {
    Context where =
        Context.NONE
            .withFile(Path.of("/etc/cni/net.d/10-a.conflist"))
            .withNetwork("a")
            .withPlugin(2, "bridge")
            .withField("ipam.type")
            .at(7, 15);
    ConfigException e = new ConfigException("must be a string", where, null);
    assertThat(e.getMessage())
        .isEqualTo(
            "/etc/cni/net.d/10-a.conflist:7:15: network \"a\", plugins[2] (type \"bridge\"),"
                + " field \"ipam.type\": must be a string");
    assertThat(e.detail())
        .isEqualTo(
            "network \"a\", plugins[2] (type \"bridge\"), field \"ipam.type\": must be a string");
    assertThat(e.problem()).isEqualTo("must be a string");
    assertThat(e.file()).contains(Path.of("/etc/cni/net.d/10-a.conflist"));
    assertThat(e.network()).contains("a");
    assertThat(e.pluginIndex()).hasValue(2);
    assertThat(e.pluginType()).contains("bridge");
    assertThat(e.field()).contains("ipam.type");
    assertThat(e.line()).hasValue(7);
    assertThat(e.column()).hasValue(15);
  }

  @Test
  void unknownPartsAreLeftOut() {
    ConfigException bare = new ConfigException("no net configurations found in /x");
    assertThat(bare.getMessage()).isEqualTo("no net configurations found in /x");
    assertThat(bare.file()).isEmpty();
    assertThat(bare.network()).isEmpty();
    assertThat(bare.pluginIndex()).isEmpty();
    assertThat(bare.pluginType()).isEmpty();
    assertThat(bare.field()).isEmpty();
    assertThat(bare.line()).isEmpty();
    assertThat(bare.column()).isEmpty();
    assertThat(new ConfigException("p", Context.NONE.withFile(Path.of("f")), null).getMessage())
        .isEqualTo("f: p");
    assertThat(new ConfigException("p", Context.NONE.at(3, 4), null).getMessage())
        .isEqualTo("line 3, column 4: p");
    assertThat(new ConfigException("p", Context.NONE.withPlugin(-1, "t"), null).getMessage())
        .isEqualTo("plugin type \"t\": p");
    assertThat(new ConfigException("p", Context.NONE.withPlugin(0, null), null).getMessage())
        .isEqualTo("plugins[0]: p");
  }

  @Test
  void aFileNameThatIsNotAValidPathGivesNoFileAndKeepsItsText() {
    // as a name with non-ASCII bytes is in a JVM started in the C locale: Path.of refuses it
    Context where = new Context("/etc/cni/net.d/10-a\u0000b.conflist", "a", -1, null, null, 3, 1);
    ConfigException e = new ConfigException("p", where, null);
    assertThat(e.file()).isEmpty();
    assertThat(e.context().file()).isEqualTo("/etc/cni/net.d/10-a\u0000b.conflist");
    assertThat(e.getMessage())
        .isEqualTo("\"/etc/cni/net.d/10-a\\u0000b.conflist\":3:1: network \"a\": p");
  }

  @Test
  void contextNormalisesUnknownNumbers() {
    Context c = new Context(null, null, -7, null, null, -1, 5);
    assertThat(c.pluginIndex()).isEqualTo(-1);
    assertThat(c.line()).isZero();
    assertThat(c.column()).isZero();
  }

  @Test
  void valuesFromTheFileAreEscapedSoTheMessageStaysOneLine() {
    ConfigException e =
        new ConfigException(
            "p", Context.NONE.withNetwork("a\nb").withPlugin(0, "x\"\u2028\u0000"), null);
    assertThat(e.getMessage())
        .isEqualTo("network \"a\\u000ab\", plugins[0] (type \"x\\\"\\u2028\\u0000\"): p");
    assertThat(ConfigException.quote("\uD83D\uDE00\uD800")).isEqualTo("\"\uD83D\uDE00\\ud800\"");
  }

  @Test
  void invalidNameExceptionKeepsTheValueAndItsKind() {
    InvalidNameException e =
        new InvalidNameException(
            InvalidNameException.Kind.PLUGIN_TYPE, "../x", "must not contain \"/\"", Context.NONE);
    assertThat(e.getMessage()).isEqualTo("invalid plugin type \"../x\": must not contain \"/\"");
    assertThat(e.value()).isEqualTo("../x");
    assertThat(e.kind()).isEqualTo(InvalidNameException.Kind.PLUGIN_TYPE);
    assertThat(e).isInstanceOf(ConfigException.class).isInstanceOf(CniException.class);
  }
}
