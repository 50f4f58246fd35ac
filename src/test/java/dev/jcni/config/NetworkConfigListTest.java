package dev.jcni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.InvalidNameException;
import dev.jcni.internal.json.Json;
import dev.jcni.result.CniVersion;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkConfigListTest {
  private static final Path FILE = Path.of("/etc/cni/net.d/10-test.conflist");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static NetworkConfigList parse(String json) throws ConfigException {
    return NetworkConfigList.parse(utf8(json), FILE);
  }

  private static ConfigException rejected(String json) {
    try {
      parse(json);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  private static String list(String topLevel) {
    return "{\"name\": \"net\", " + topLevel + "\"plugins\": [{\"type\": \"bridge\"}]}";
  }

  @Test
  void readsTheKeysTheRuntimeUses() throws ConfigException {
    NetworkConfigList l =
        parse(
            "{\"cniVersion\": \"1.0.0\", \"name\": \"dbnet\", \"disableCheck\": true,"
                + " \"disableGC\": false, \"plugins\": [{\"type\": \"bridge\", \"name\": \"x\"},"
                + " {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true,"
                + " \"bandwidth\": false, \"mac\": null}}]}");
    assertThat(l.name()).isEqualTo("dbnet");
    assertThat(l.cniVersion()).isEqualTo("1.0.0");
    assertThat(l.version()).isEqualTo(CniVersion.V1_0_0);
    assertThat(l.disableCheck()).isTrue();
    assertThat(l.disableGC()).isFalse();
    assertThat(l.loadOnlyInlinedPlugins()).isFalse();
    assertThat(l.plugins()).extracting(PluginConfig::type).containsExactly("bridge", "portmap");
    assertThat(l.plugins().get(0).name()).contains("x");
    assertThat(l.plugins().get(1).name()).isEmpty();
    assertThat(l.plugins().get(0).capabilities()).isEmpty();
    assertThat(l.plugins().get(1).capabilities()).containsExactly("portMappings");
    assertThat(l.source()).contains(FILE);
  }

  @Test
  void keepsUnknownKeysKeyOrderExactNumbersAndUnicode() throws ConfigException {
    String plugin =
        "{\"zeta\":1,\"type\":\"bridge\",\"alpha\":{\"z\":[1,2],\"a\":null},"
            + "\"big\":123456789012345678901234567890,\"rate\":1.50,\"neg\":-0.000,"
            + "\"text\":\"caf\u00e9 \\u2615\",\"emoji\":\"\\ud83d\\ude00\"}";
    NetworkConfigList l = parse("{\"name\":\"n\",\"plugins\":[" + plugin + "]}");
    ObjectNode json = l.plugins().get(0).json();
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("zeta", "type", "alpha", "big", "rate", "neg", "text", "emoji");
    assertThat(json.get("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(json.get("rate").decimalValue()).isEqualTo(new BigDecimal("1.50"));
    assertThat(json.get("text").textValue()).isEqualTo("caf\u00e9 \u2615");
    assertThat(json.get("emoji").textValue()).isEqualTo("\uD83D\uDE00");
    json.remove("emoji"); // the shared writer escapes non-BMP characters; the value is the same
    assertThat(new String(Json.compact(json), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"zeta\":1,\"type\":\"bridge\",\"alpha\":{\"z\":[1,2],\"a\":null},"
                + "\"big\":123456789012345678901234567890,\"rate\":1.50,\"neg\":0.000,"
                + "\"text\":\"caf\u00e9 \u2615\"}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Go's encoding/json refuses each of these numbers into a float64 (checked with go1.19)
        "{\"type\":\"bridge\",\"mtu\":1e400}|1e400|mtu|0|bridge",
        "{\"type\":\"bridge\",\"ipam\":{\"ranges\":[[{\"x\":-1e400}]]}}|-1e400"
            + "|ipam.ranges[0][0].x|0|bridge",
        "{\"type\":\"bridge\",\"x\":1.7976931348623159e308}|1.7976931348623159e308|x|0|bridge",
        "{\"type\":\"a\"},{\"type\":\"b\",\"k\":{\"a~/b\":[1,2,1E+400]}}|1E+400|k.a~/b[2]|1|b",
      })
  void rejectsNumbersBeyondTheRangeOfAFloat64(
      String plugins, String number, String field, int index, String type) {
    String text = "{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[" + plugins + "]}";
    ConfigException e = rejected(text);
    assertThat(e.file()).contains(FILE);
    assertThat(e.network()).contains("n");
    assertThat(e.pluginIndex()).hasValue(index);
    assertThat(e.pluginType()).contains(type);
    assertThat(e.field()).contains(field);
    assertThat(e.line()).hasValue(1);
    assertThat(e.column()).hasValue(text.indexOf(number) + 1);
    assertThat(e.problem())
        .isEqualTo(
            "number beyond the range of a float64 (1.8e308 in magnitude): plugins, written in Go,"
                + " cannot decode it");
  }

  @Test
  void rejectsNumbersBeyondTheRangeOfAFloat64AtTheTopAndInAConf() {
    ConfigException top = rejected("{\"name\":\"n\",\"x\":[1e400],\"plugins\":[{\"type\":\"b\"}]}");
    assertThat(top.network()).contains("n");
    assertThat(top.pluginIndex()).isEmpty();
    assertThat(top.field()).contains("x[0]");
    String digits = "1" + "0".repeat(309); // 1e309, as an integer
    assertThatThrownBy(
            () -> PluginConfig.parse(utf8("{\"name\":\"n\",\"type\":\"b\",\"v\":" + digits + "}")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).contains("v"));
  }

  @Test
  void keepsNumbersWithinTheRangeOfAFloat64ExactlyAsWritten() throws ConfigException {
    Map<String, String> numbers = new LinkedHashMap<>();
    numbers.put("tiny", "1E-400"); // Go reads it as 0, without an error
    numbers.put("min", "4.9e-324");
    numbers.put("max", "1.7976931348623158e308");
    numbers.put("i64", "-9223372036854775808");
    numbers.put("u64", "18446744073709551615");
    numbers.put("big", "123456789012345678901234567890");
    numbers.put("d", "0.10");
    numbers.put("digits", "9".repeat(308));
    StringBuilder plugin = new StringBuilder("{\"type\":\"bridge\"");
    numbers.forEach((k, v) -> plugin.append(",\"").append(k).append("\":").append(v));
    plugin.append('}');
    String text = "{\"name\":\"n\",\"plugins\":[" + plugin + "]}";
    NetworkConfigList l = parse(text);
    assertThat(l.bytes()).isEqualTo(utf8(text));
    ObjectNode json = l.plugins().get(0).json();
    numbers.forEach(
        (k, v) -> {
          if (json.get(k).isIntegralNumber()) {
            assertThat(json.get(k).bigIntegerValue()).as(k).isEqualTo(new BigInteger(v));
          } else {
            // equal value and scale: 0.10 stays 0.10
            assertThat(json.get(k).decimalValue()).as(k).isEqualTo(new BigDecimal(v));
          }
        });
    assertThat(PluginConfig.parse(utf8(plugin.toString())).bytes())
        .isEqualTo(utf8(plugin.toString()));
  }

  @Test
  void jsonAndBytesAreCopies() throws ConfigException {
    String text = list("\"cniVersion\": \"0.4.0\", ");
    NetworkConfigList l = parse(text);
    l.plugins().get(0).json().put("type", "changed");
    assertThat(l.plugins().get(0).json().get("type").textValue()).isEqualTo("bridge");
    byte[] b = l.bytes();
    assertThat(b).isEqualTo(utf8(text));
    b[0] = 'X';
    assertThat(l.bytes()).isEqualTo(utf8(text));
  }

  @Test
  void inputArrayChangesDoNotReachTheList() throws ConfigException {
    byte[] input = utf8(list(""));
    NetworkConfigList l = NetworkConfigList.parse(input);
    input[1] = 'X';
    assertThat(l.bytes()[1]).isEqualTo((byte) '"');
  }

  @Test
  void missingVersionIsEmptyTextAndVersion010() throws ConfigException {
    for (String top : new String[] {"", "\"cniVersion\": \"\", ", "\"cniVersions\": [], "}) {
      NetworkConfigList l = parse(list(top));
      assertThat(l.cniVersion()).isEmpty();
      assertThat(l.version()).isEqualTo(CniVersion.V0_1_0);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"cniVersions\": [\"0.3.1\", \"0.4.0\", \"1.0.0\", \"1.1.0\"]|1.1.0",
        "\"cniVersions\": [\"1.0.0\", \"0.3.1\"]|1.0.0",
        "\"cniVersion\": \"1.0.0\", \"cniVersions\": [\"0.4.0\"]|1.0.0",
        "\"cniVersion\": \"0.3.1\", \"cniVersions\": [\"0.4.0\"]|0.4.0",
        "\"cniVersions\": [\"0.4.0\", \"1.2.0\", \"2.0.0\"]|0.4.0",
        "\"cniVersion\": \"1.2.0\", \"cniVersions\": [\"1.0.0\"]|1.0.0",
        "\"cniVersion\": \"1.1.0\", \"cniVersions\": [\"1.1.0\", \"10.0.0\"]|1.1.0",
        "\"cniVersions\": [\"0.4.0\", \"1.9223372036854775807.0\"]|0.4.0",
        // entries libcni accepts but jcni does not know by their text are skipped
        "\"cniVersions\": [\"\", \"1.0.0\"]|1.0.0",
        "\"cniVersions\": [\"1.0.0\", \"0.5.0\"]|1.0.0",
        "\"cniVersions\": [\"1.0\", \"0.4.0\"]|0.4.0",
        "\"cniVersions\": [\"1.1\", \"+1.1.0\", \"01.1.0\", \"-1\", \"0.3.1\"]|0.3.1",
        "\"cniVersions\": [\"1.2\", \"2\", \"0.3.1\"]|0.3.1",
        "\"cniVersion\": \"1.0.0\", \"cniVersions\": [\"1.1\"]|1.0.0",
      })
  void picksTheHighestSupportedVersionIgnoringNewerOnes(String top, String expected)
      throws ConfigException {
    NetworkConfigList l = parse(list(top + ", "));
    assertThat(l.cniVersion()).isEqualTo(expected);
    assertThat(l.version().toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"cniVersion\": \"1.0\"|field \"cniVersion\": cniVersion \"1.0\" is not a version",
        "\"cniVersion\": \"v1.0.0\"|is not a version: expected MAJOR.MINOR.PATCH",
        "\"cniVersion\": \"01.0.0\"|is not a version",
        "\"cniVersion\": \"1.0.0-rc1\"|is not a version",
        "\"cniVersion\": \"0.5.0\"|cniVersion \"0.5.0\" is not a CNI version (jcni supports 0.1.0,",
        "\"cniVersion\": \"1.2.0\"|is newer than the newest version jcni supports (1.1.0)",
        "\"cniVersion\": 1|field \"cniVersion\": must be a string, not a number",
        "\"cniVersion\": null|field \"cniVersion\": must be a string, not null",
        "\"cniVersions\": \"1.0.0\"|field \"cniVersions\": must be an array of version strings",
        "\"cniVersions\": [\"1.0.0\", 1]|field \"cniVersions[1]\": must be a string, not a number",
        // entries that libcni's ParseVersion refuses fail the list, as in libcni
        "\"cniVersions\": [\"v1.0.0\"]|field \"cniVersions[0]\": cniVersions[0] \"v1.0.0\" is not"
            + " a version",
        "\"cniVersions\": [\"1.0.0\", \"1.0.0-rc1\"]|cniVersions[1] \"1.0.0-rc1\" is not a version",
        "\"cniVersions\": [\"1.0.0.0\"]|cniVersions[0] \"1.0.0.0\" is not a version",
        "\"cniVersions\": [\"1..0\"]|cniVersions[0] \"1..0\" is not a version",
        "\"cniVersions\": [\" 1.0.0\"]|cniVersions[0] \" 1.0.0\" is not a version",
        "\"cniVersions\": [\"1.\u0661.0\"]|cniVersions[0] \"1.\u0661.0\" is not a version",
        "\"cniVersions\": [\"0.4.0\", \"1.99999999999999999999.0\"]|cniVersions[1]"
            + " \"1.99999999999999999999.0\" is not a version",
        // skipped entries, and nothing else: as when every entry is newer
        "\"cniVersions\": [\"1.0\"]|field \"cniVersions\": none of the declared versions",
        "\"cniVersions\": [\"0.3.2\", \"\"]|none of the declared versions is one jcni supports",
        "\"cniVersions\": [\"2.0.0\"]|none of the declared versions is one jcni supports",
        "\"cniVersion\": \"3.0.0\", \"cniVersions\": [\"2.0.0\"]|none of the declared versions",
      })
  void rejectsVersionsThatAreNotSupportedVersions(String top, String message) {
    ConfigException e = rejected(list(top + ", "));
    assertThat(e.getMessage()).contains(message);
    assertThat(e.network()).contains("net");
    assertThat(e.field()).hasValueSatisfying(f -> assertThat(f).startsWith("cniVersion"));
    assertThat(e.line()).hasValue(1);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "true,true",
    "false,false",
    "'\"true\"',true",
    "'\"TRUE\"',true",
    "'\"False\"',false",
    "'\"fAlSe\"',false"
  })
  void flagsAcceptBooleansAndTrueFalseStringsInAnyCase(String value, boolean expected)
      throws ConfigException {
    NetworkConfigList l =
        parse(
            list(
                "\"disableCheck\": "
                    + value
                    + ", \"disableGC\": "
                    + value
                    + ", \"loadOnlyInlinedPlugins\": "
                    + value
                    + ", "));
    assertThat(l.disableCheck()).isEqualTo(expected);
    assertThat(l.disableGC()).isEqualTo(expected);
    assertThat(l.loadOnlyInlinedPlugins()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"yes\"|must be true or false, not \"yes\"",
        "1|must be true or false, not a number",
        "null|must be true or false, not null",
        "\"\"|must be true or false, not \"\""
      })
  void rejectsOtherFlagValues(String value, String message) {
    for (String key : List.of("disableCheck", "disableGC", "loadOnlyInlinedPlugins")) {
      ConfigException e = rejected(list("\"" + key + "\": " + value + ", "));
      assertThat(e.field()).contains(key);
      assertThat(e.problem()).isEqualTo(message);
    }
  }

  @Test
  void requiresAStringName() {
    ConfigException missing = rejected("{\"plugins\": [{\"type\": \"bridge\"}]}");
    assertThat(missing.field()).contains("name");
    assertThat(missing.getMessage()).contains("is missing");
    assertThat(rejected("{\"name\": 7, \"plugins\": [{\"type\": \"b\"}]}").problem())
        .isEqualTo("must be a string, not a number");
    assertThat(rejected("{\"name\": null, \"plugins\": [{\"type\": \"b\"}]}").problem())
        .isEqualTo("must be a string, not null");
  }

  @Test
  void rejectsNetworkNameThatCouldEscapeTheDropInDirectory() {
    ConfigException e =
        rejected("{\n  \"name\": \"../../etc\",\n  \"plugins\": [{\"type\": \"b\"}]\n}");
    assertThat(e).isInstanceOf(InvalidNameException.class);
    assertThat(((InvalidNameException) e).kind()).isEqualTo(InvalidNameException.Kind.NETWORK_NAME);
    assertThat(e.line()).hasValue(2);
    assertThat(e.column()).hasValue(11);
    assertThat(e.getMessage())
        .startsWith(FILE + ":2:11: field \"name\": invalid network name \"../../etc\"");
  }

  @Test
  void rejectsPluginTypeThatIsAPathWithItsPosition() {
    String text =
        "{\n"
            + "  \"name\": \"net\",\n"
            + "  \"plugins\": [\n"
            + "    {\"type\": \"bridge\"},\n"
            + "    {\"type\": \"../../sbin/reboot\"}\n"
            + "  ]\n"
            + "}\n";
    ConfigException e = rejected(text);
    assertThat(e).isInstanceOf(InvalidNameException.class);
    assertThat(e.file()).contains(FILE);
    assertThat(e.network()).contains("net");
    assertThat(e.pluginIndex()).hasValue(1);
    assertThat(e.field()).contains("type");
    assertThat(e.line()).hasValue(5);
    assertThat(e.column()).hasValue(14);
    assertThat(e.getMessage())
        .isEqualTo(
            FILE
                + ":5:14: network \"net\", plugins[1], field \"type\": invalid plugin type"
                + " \"../../sbin/reboot\": must be a plain file name, without \"/\"");
  }

  @Test
  void rejectsInvalidIpamTypeButAllowsAbsentOrEmptyOne() throws ConfigException {
    String text =
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\",\"ipam\":{\"type\":\"../x\"}}]}";
    ConfigException e = rejected(text);
    assertThat(e).isInstanceOf(InvalidNameException.class);
    assertThat(e.field()).contains("ipam.type");
    assertThat(e.pluginType()).contains("bridge");
    assertThat(e.column()).hasValue(text.indexOf("\"../x\"") + 1);
    assertThat(
            parse("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"ipam\":{}}]}")
                .plugins()
                .get(0)
                .ipamType())
        .isEmpty();
    assertThat(
            parse("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"ipam\":{\"type\":\"\"}}]}")
                .plugins()
                .get(0)
                .ipamType())
        .isEmpty();
    assertThat(
            parse("{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"ipam\":{\"type\":\"dhcp\"}}]}")
                .plugins()
                .get(0)
                .ipamType())
        .contains("dhcp");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"name\":\"n\"}|plugins|is missing",
        "{\"name\":\"n\",\"loadOnlyInlinedPlugins\":true}|plugins|loadOnlyInlinedPlugins is true"
            + " but there is no \"plugins\" key",
        "{\"name\":\"n\",\"plugins\":{}}|plugins|must be an array of plugin objects, not an object",
        "{\"name\":\"n\",\"plugins\":null}|plugins|must be an array of plugin objects, not null",
        "{\"name\":\"n\",\"plugins\":[]}|plugins|no plugins in the list",
        "{\"name\":\"n\",\"plugins\":[\"bridge\"]}||must be a plugin object, not a string",
        "{\"name\":\"n\",\"plugins\":[{}]}|type|is missing; a plugin configuration needs a type",
        "{\"name\":\"n\",\"plugins\":[{\"type\":null}]}|type|is missing",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"\"}]}|type|invalid plugin type \"\": is empty",
        "{\"name\":\"n\",\"plugins\":[{\"type\":[\"b\"]}]}|type|must be a string, not an array",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"name\":1}]}|name|must be a string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"cniVersion\":1}]}|cniVersion|must be a"
            + " string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"capabilities\":[]}]}|capabilities|must be"
            + " an object of capability names to true or false, not an array",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"capabilities\":{\"mac\":\"yes\"}}]}"
            + "|capabilities.mac|must be true or false, not a string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"ipam\":\"host-local\"}]}|ipam|must be an"
            + " object, not a string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"ipam\":{\"type\":1}}]}|ipam.type|must be a"
            + " string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"dns\":[]}]}|dns|must be an object",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"dns\":{\"nameservers\":\"1.1.1.1\"}}]}"
            + "|dns.nameservers|must be an array of strings, not a string",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"dns\":{\"search\":[1]}}]}"
            + "|dns.search[0]|must be a string, not a number",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"dns\":{\"domain\":[]}}]}"
            + "|dns.domain|must be"
            + " a string, not an array",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"prevResult\":[]}]}|prevResult|must be an"
            + " object",
      })
  void rejectsPluginsOfTheWrongShape(String json, String field, String problem) {
    ConfigException e = rejected(json);
    assertThat(e.problem()).contains(problem);
    if (field == null) {
      assertThat(e.field()).isEmpty();
    } else {
      assertThat(e.field()).contains(field);
    }
    assertThat(e.network()).contains("n");
    assertThat(e.line()).hasValue(1);
  }

  @Test
  void acceptsNullForOptionalPluginKeysAsGoDoes() throws ConfigException {
    NetworkConfigList l =
        parse(
            "{\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"name\":null,\"cniVersion\":null,"
                + "\"capabilities\":null,\"ipam\":null,\"dns\":{\"nameservers\":null,"
                + "\"search\":[null],\"domain\":null},\"prevResult\":null}]}");
    assertThat(l.plugins().get(0).name()).isEmpty();
    assertThat(l.plugins().get(0).capabilities()).isEmpty();
  }

  @Test
  void liftsAConfAsLibcniConfListFromConfDoes() throws ConfigException {
    String conf =
        "{\n  \"cniVersion\": \"0.3.1\",\n  \"cniVersions\": [\"1.0.0\"],\n  \"name\": \"mynet\","
            + "\n  \"disableCheck\": true,\n  \"type\": \"bridge\"\n}\n";
    PluginConfig plugin = PluginConfig.parse(utf8(conf), Path.of("10-mynet.conf"));
    NetworkConfigList l = NetworkConfigList.fromConf(plugin);
    assertThat(l.name()).isEqualTo("mynet");
    assertThat(l.cniVersion()).isEqualTo("0.3.1"); // cniVersions is not read for a .conf
    assertThat(l.disableCheck()).isFalse(); // libcni lifts name, cniVersion and the plugin only
    assertThat(l.plugins()).hasSize(1);
    assertThat(l.plugins().get(0).json()).isEqualTo(plugin.json());
    assertThat(l.bytes()).isEqualTo(utf8(conf));
    assertThat(plugin.bytes()).isEqualTo(utf8(conf));
    assertThat(l.source()).contains(Path.of("10-mynet.conf"));
    assertThat(new String(Json.compact(l.toJson()), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"cniVersion\":\"0.3.1\",\"name\":\"mynet\",\"plugins\":[{\"cniVersion\":\"0.3.1\","
                + "\"cniVersions\":[\"1.0.0\"],\"name\":\"mynet\",\"disableCheck\":true,"
                + "\"type\":\"bridge\"}]}");
  }

  @Test
  void liftedConfWithoutVersionHasEmptyVersion() throws ConfigException {
    NetworkConfigList l =
        NetworkConfigList.fromConf(PluginConfig.parse(utf8("{\"name\":\"a\",\"type\":\"b\"}")));
    assertThat(l.cniVersion()).isEmpty();
    assertThat(l.version()).isEqualTo(CniVersion.V0_1_0);
    assertThat(l.toJson().get("cniVersion").textValue()).isEmpty();
  }

  @Test
  void liftingNeedsAValidNameAndVersion() throws ConfigException {
    PluginConfig noName =
        PluginConfig.parse(utf8("{\n  \"type\": \"bridge\"\n}"), Path.of("x.conf"));
    assertThatThrownBy(() -> NetworkConfigList.fromConf(noName))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "x.conf:1:1: plugin type \"bridge\", field \"name\": is missing; a .conf"
                + " network configuration needs a name");
    PluginConfig badName = PluginConfig.parse(utf8("{\"type\":\"b\",\"name\":\"a b\"}"));
    assertThatThrownBy(() -> NetworkConfigList.fromConf(badName))
        .isInstanceOf(InvalidNameException.class);
    PluginConfig badVersion =
        PluginConfig.parse(utf8("{\"type\":\"b\",\"name\":\"a\",\"cniVersion\":\"9.9\"}"));
    assertThatThrownBy(() -> NetworkConfigList.fromConf(badVersion))
        .hasMessageContaining("cniVersion \"9.9\" is not a version")
        .hasMessageContaining("network \"a\"");
    PluginConfig nullVersion =
        PluginConfig.parse(utf8("{\"type\":\"b\",\"name\":\"a\",\"cniVersion\":null}"));
    assertThat(NetworkConfigList.fromConf(nullVersion).cniVersion()).isEmpty();
  }

  @Test
  void appendsPluginsUnlessOnlyInlinedPluginsAreLoaded() throws ConfigException {
    NetworkConfigList l = parse(list("\"cniVersion\": \"1.0.0\", "));
    PluginConfig extra = PluginConfig.parse(utf8("{\"type\":\"tuning\"}"));
    NetworkConfigList longer = l.withAppendedPlugins(List.of(extra));
    assertThat(longer.plugins()).extracting(PluginConfig::type).containsExactly("bridge", "tuning");
    assertThat(l.plugins()).hasSize(1);
    assertThat(longer.bytes()).isEqualTo(l.bytes());
    assertThat(longer.toJson().get("plugins")).hasSize(2);
    NetworkConfigList onlyInlined = parse(list("\"loadOnlyInlinedPlugins\": true, "));
    assertThatThrownBy(() -> onlyInlined.withAppendedPlugins(List.of(extra)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toJsonKeepsTheFileKeysAndListsEveryPlugin() throws ConfigException {
    NetworkConfigList l =
        parse("{\"z\":1,\"name\":\"n\",\"plugins\":[{\"type\":\"a\"}],\"cniVersion\":\"1.0.0\"}");
    ObjectNode json =
        l.withAppendedPlugins(List.of(PluginConfig.parse(utf8("{\"type\":\"b\"}")))).toJson();
    assertThat(new String(Json.compact(json), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"z\":1,\"name\":\"n\",\"plugins\":[{\"type\":\"a\"},{\"type\":\"b\"}],"
                + "\"cniVersion\":\"1.0.0\"}");
  }

  @Test
  void pluginConfigFromJsonValidatesACopy() throws ConfigException {
    ObjectNode o = Json.NODES.objectNode().put("type", "bridge");
    PluginConfig p = PluginConfig.fromJson(o);
    o.put("type", "changed");
    assertThat(p.type()).isEqualTo("bridge");
    assertThat(new String(p.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"bridge\"}");
    assertThatThrownBy(() -> PluginConfig.fromJson(Json.NODES.objectNode().put("type", "a/b")))
        .isInstanceOf(InvalidNameException.class)
        .satisfies(e -> assertThat(((ConfigException) e).line()).isEmpty());
  }

  @Test
  void columnsCountCharactersNotBytes() {
    // "é" and "☕" are 2 and 3 bytes in UTF-8 but one column each
    String prefix = "{\"x\":\"\u00e9\u2615\",\"name\":\"n\",\"plugins\":[{\"type\":";
    ConfigException e = rejected(prefix + "1}]}");
    assertThat(e.column()).hasValue(prefix.length() + 1);
    assertThat(prefix.getBytes(StandardCharsets.UTF_8).length).isEqualTo(prefix.length() + 3);
  }
}
