package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultEncodingTest {
  private static final Path PRETTY =
      Path.of(System.getProperty("jcni.testdata"), "results", "pretty");

  private static List<String> keys(JsonNode o) {
    List<String> keys = new ArrayList<>();
    o.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @ParameterizedTest
  @ValueSource(strings = {"v010", "v040", "v100"})
  void printsPrettyJsonByteForByteAsLibcniPrintTo(String name) throws Exception {
    // the .pretty.txt files are libcni 1.1.2's Result.PrintTo output (see the results README)
    Result r =
        Result.decode(Files.readAllBytes(PRETTY.resolve(name + ".input.json")), CniVersion.V0_1_0);
    assertThat(r.toPrettyJson()).isEqualTo(Files.readString(PRETTY.resolve(name + ".pretty.txt")));
  }

  @Test
  void writes1xFieldsInLibcniStructOrder() throws Exception {
    // field order of libcni main's types100.Interface and types.Route struct tags
    Result r =
        Result.decode(
            ("{\"dns\":{\"options\":[\"o\"],\"search\":[\"s\"],\"domain\":\"d\","
                    + "\"nameservers\":[\"n\"]},"
                    + "\"routes\":[{\"scope\":1,\"table\":2,\"priority\":3,\"advmss\":4,\"mtu\":5,"
                    + "\"gw\":\"198.18.0.1\",\"dst\":\"0.0.0.0/0\"}],"
                    + "\"ips\":[{\"gateway\":\"198.18.0.1\",\"address\":\"198.18.0.2/24\","
                    + "\"interface\":0}],"
                    + "\"interfaces\":[{\"pciID\":\"p\",\"socketPath\":\"s\",\"sandbox\":\"n\","
                    + "\"mtu\":9000,"
                    + "\"mac\":\"m\",\"name\":\"eth0\"}],\"cniVersion\":\"1.1.0\"}")
                .getBytes(StandardCharsets.UTF_8),
            CniVersion.V1_1_0);
    JsonNode json = r.toJson();
    assertThat(keys(json)).containsExactly("cniVersion", "interfaces", "ips", "routes", "dns");
    assertThat(keys(json.get("interfaces").get(0)))
        .containsExactly("name", "mac", "mtu", "sandbox", "socketPath", "pciID");
    assertThat(keys(json.get("ips").get(0))).containsExactly("interface", "address", "gateway");
    assertThat(keys(json.get("routes").get(0)))
        .containsExactly("dst", "gw", "mtu", "advmss", "priority", "table", "scope");
    assertThat(keys(json.get("dns"))).containsExactly("nameservers", "domain", "search", "options");
  }

  @Test
  void leavesOutWhatLibcniLeavesOutAndKeepsWhatItKeeps() {
    Result r =
        new Result100(
            CniVersion.V1_0_0,
            List.of(new Interface("", "", 0, "", "", "")),
            List.of(new IpConfig(0L, IpNet.parse("198.18.0.2/24"), null)),
            List.of(new Route(IpNet.parse("0.0.0.0/0"), null, 0, 0, 0, 0L, 0L)),
            Dns.EMPTY);
    assertThat(new String(r.toCompactJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"\"}],"
                + "\"ips\":[{\"interface\":0,\"address\":\"198.18.0.2/24\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"table\":0,\"scope\":0}],\"dns\":{}}");
    Result r040 =
        new Result040(
            CniVersion.V0_4_0,
            List.of(),
            List.of(new IpConfig("", null, IpNet.parse("198.18.0.2/24"), null)),
            List.of(),
            null);
    assertThat(new String(r040.toCompactJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"\",\"address\":\"198.18.0.2/24\"}],"
                + "\"dns\":{}}");
    Result r020 = new Result020(CniVersion.V0_1_0, null, null, null);
    assertThat(new String(r020.toCompactJson(), StandardCharsets.UTF_8))
        .isEqualTo("{\"cniVersion\":\"0.1.0\",\"dns\":{}}");
  }

  @Test
  void aWrittenTreeEqualsItsOwnParsedJson() throws Exception {
    Result r =
        Result.decode(
            Files.readAllBytes(
                Path.of(
                    System.getProperty("jcni.testdata"),
                    "results",
                    "inputs",
                    "v100-ipv4-all-fields.json")),
            CniVersion.V1_0_0);
    assertThat(Json.parse(r.toCompactJson())).isEqualTo(r.toJson());
  }

  @Test
  void eachCallGivesAFreshTree() {
    Result r = new Result100(CniVersion.V1_0_0, null, null, null, null);
    r.toJson().put("cniVersion", "changed");
    assertThat(r.toJson().get("cniVersion").textValue()).isEqualTo("1.0.0");
  }
}
