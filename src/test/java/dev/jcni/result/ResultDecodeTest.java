package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResultDecodeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Single quotes stand for double quotes, to keep the JSON in tests readable. */
  private static Result decode(String json, CniVersion configVersion) throws Exception {
    return Result.decode(utf8(json.replace('\'', '"')), configVersion);
  }

  private static MalformedResultException rejection(String json, CniVersion configVersion) {
    return catchThrowableOfType(MalformedResultException.class, () -> decode(json, configVersion));
  }

  // --- which version, which schema -------------------------------------------------------------

  @Test
  void takesTheConfigVersionWhenTheResultStatesNone() throws Exception {
    Result r = decode("{'ips':[{'address':'198.18.0.2/24'}]}", CniVersion.V1_0_0);
    assertThat(r).isInstanceOf(Result100.class);
    assertThat(r.cniVersion()).isEqualTo(CniVersion.V1_0_0);
    assertThat(decode("{'cniVersion':'','ip4':{'ip':'198.18.0.2/24'}}", CniVersion.V0_2_0))
        .isInstanceOf(Result020.class)
        .extracting(Result::cniVersion)
        .isEqualTo(CniVersion.V0_2_0);
    assertThat(decode("{'cniVersion':null}", CniVersion.V0_3_1).cniVersion())
        .isEqualTo(CniVersion.V0_3_1);
  }

  @Test
  void theResultsOwnVersionWinsOverTheConfigs() throws Exception {
    // libcni (pkg/invoke fixupResultVersion) creates the result in the version it states
    Result r =
        decode(
            "{'cniVersion':'0.3.1','ips':[{'version':'4','address':'198.18.0.2/24'}]}",
            CniVersion.V1_0_0);
    assertThat(r).isInstanceOf(Result040.class);
    assertThat(r.cniVersion()).isEqualTo(CniVersion.V0_3_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.5.0", "1.0", "v1.0.0", "2.0.0", "1.0.0 ", "1.1"})
  void rejectsAnUnknownVersionNamingTheField(String version) {
    MalformedResultException e = rejection("{'cniVersion':'" + version + "'}", CniVersion.V1_0_0);
    assertThat(e.field()).isEqualTo("cniVersion");
    assertThat(e).hasMessageContaining("unsupported CNI result version \"" + version + "\"");
  }

  @Test
  void readsBytesThatAreNotUtf8AsReplacementCharactersAsGoDoes() throws Exception {
    byte[] out =
        "{'cniVersion':'1.0.0','interfaces':[{'name':'eth\u00e9'}],'dns':{'search':['caf\u00e9']}}"
            .replace('\'', '"')
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Result100 r = (Result100) Result.decode(out, CniVersion.V1_0_0);
    assertThat(r.interfaces().get(0).name()).isEqualTo("eth\ufffd");
    assertThat(r.dns().search()).containsExactly("caf\ufffd");
    // outside a string, such a byte is still not JSON
    assertThat(
            catchThrowableOfType(
                MalformedResultException.class,
                () -> Result.decode(new byte[] {'{', (byte) 0xe9, '}'}, CniVersion.V1_0_0)))
        .hasMessageContaining("not valid JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "'1.0.0'", "null", "42", "true", "", "   "})
  void rejectsADocumentThatIsNotAnObject(String json) {
    MalformedResultException e = rejection(json, CniVersion.V1_0_0);
    assertThat(e.field()).isEmpty();
    assertThat(e).hasMessageContaining("result");
  }

  @Test
  void rejectsATreeThatIsNotAnObject() {
    assertThatThrownBy(() -> Result.decode(Json.NODES.arrayNode(), CniVersion.V1_0_0))
        .isInstanceOf(MalformedResultException.class)
        .hasMessageContaining("must be a JSON object, not an array");
    assertThatThrownBy(() -> Result.decode((ObjectNode) null, CniVersion.V1_0_0))
        .isInstanceOf(MalformedResultException.class);
  }

  // --- every field, wrong types, named by path -------------------------------------------------

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'cniVersion':7} | cniVersion",
        "{'interfaces':{}} | interfaces",
        "{'interfaces':[1]} | interfaces[0]",
        "{'interfaces':[null]} | interfaces[0]",
        "{'interfaces':[{'name':'a'},{'name':1}]} | interfaces[1].name",
        "{'interfaces':[{'name':'a','mac':true}]} | interfaces[0].mac",
        "{'interfaces':[{'name':'a','mtu':'1500'}]} | interfaces[0].mtu",
        "{'interfaces':[{'name':'a','mtu':1500.5}]} | interfaces[0].mtu",
        "{'interfaces':[{'name':'a','sandbox':[]}]} | interfaces[0].sandbox",
        "{'interfaces':[{'name':'a','socketPath':{}}]} | interfaces[0].socketPath",
        "{'interfaces':[{'name':'a','pciID':1}]} | interfaces[0].pciID",
        "{'ips':'198.18.0.2/24'} | ips",
        "{'ips':[[]]} | ips[0]",
        "{'ips':[{'address':'198.18.0.2/24'},{'address':5}]} | ips[1].address",
        "{'ips':[{'address':'198.18.0.2/24'},{'gateway':'198.18.0.1'}]} | ips[1].address",
        "{'ips':[{'address':null}]} | ips[0].address",
        "{'ips':[{'address':'198.18.0.2'}]} | ips[0].address",
        "{'ips':[{'address':'198.18.0.2/24','gateway':1}]} | ips[0].gateway",
        "{'ips':[{'address':'198.18.0.2/24','gateway':'198.18.0.300'}]} | ips[0].gateway",
        "{'ips':[{'address':'198.18.0.2/24','gateway':'198.18.0.1/24'}]} | ips[0].gateway",
        "{'ips':[{'address':'198.18.0.2/24','interface':'0'}]} | ips[0].interface",
        "{'ips':[{'address':'198.18.0.2/24','interface':1e2}]} | ips[0].interface",
        "{'ips':[{'address':'198.18.0.2/24','interface':0.0}]} | ips[0].interface",
        "{'ips':[{'address':'198.18.0.2/24','interface':99999999999999999999}]} | ips[0].interface",
        "{'routes':{}} | routes",
        "{'routes':['0.0.0.0/0']} | routes[0]",
        "{'routes':[{'gw':'198.18.0.1'}]} | routes[0].dst",
        "{'routes':[{'dst':'0.0.0.0/0','gw':'gateway'}]} | routes[0].gw",
        "{'routes':[{'dst':'0.0.0.0/0','mtu':true}]} | routes[0].mtu",
        "{'routes':[{'dst':'0.0.0.0/0','advmss':[]}]} | routes[0].advmss",
        "{'routes':[{'dst':'0.0.0.0/0','priority':'1'}]} | routes[0].priority",
        "{'routes':[{'dst':'0.0.0.0/0','table':'254'}]} | routes[0].table",
        "{'routes':[{'dst':'0.0.0.0/0','scope':1.5}]} | routes[0].scope",
        "{'dns':[]} | dns",
        "{'dns':'198.18.0.53'} | dns",
        "{'dns':{'nameservers':'198.18.0.53'}} | dns.nameservers",
        "{'dns':{'nameservers':['198.18.0.53',53]}} | dns.nameservers[1]",
        "{'dns':{'domain':1}} | dns.domain",
        "{'dns':{'search':{}}} | dns.search",
        "{'dns':{'options':[true]}} | dns.options[0]",
      })
  void rejectsAWrongTypeIn1xResultsNamingItsPath(String json, String field) {
    MalformedResultException e = rejection(json, CniVersion.V1_0_0);
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo(field);
    assertThat(e).hasMessageStartingWith("field \"" + field + "\": ");
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'ips':[{'version':4,'address':'198.18.0.2/24'}]} | ips[0].version",
        "{'interfaces':[{'name':['eth0']}]} | interfaces[0].name",
        "{'ips':[{'version':'4','address':'198.18.0.2/24','interface':true}]} | ips[0].interface",
        "{'routes':[{'dst':'::/129'}]} | routes[0].dst",
      })
  void rejectsAWrongTypeIn04ResultsNamingItsPath(String json, String field) {
    assertThat(rejection(json, CniVersion.V0_4_0).field()).isEqualTo(field);
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'ip4':[]} | ip4",
        "{'ip4':{'gateway':'198.18.0.1'}} | ip4.ip",
        "{'ip6':{'ip':'2001:db8::2'}} | ip6.ip",
        "{'ip6':{'ip':'2001:db8::2/64','gateway':6}} | ip6.gateway",
        "{'ip4':{'ip':'198.18.0.2/24','routes':{}}} | ip4.routes",
        "{'ip4':{'ip':'198.18.0.2/24','routes':[{'dst':1}]}} | ip4.routes[0].dst",
        "{'ip4':{'ip':'198.18.0.2/24'},'dns':{'search':[{}]}} | dns.search[0]",
      })
  void rejectsAWrongTypeIn02ResultsNamingItsPath(String json, String field) {
    assertThat(rejection(json, CniVersion.V0_2_0).field()).isEqualTo(field);
  }

  // --- what libcni accepts and how it reads it -------------------------------------------------

  @Test
  void readsNullAsGoDoes() throws Exception {
    // checked with result-convert: null strings are "", null list elements "", null objects absent
    Result r =
        decode(
            "{'cniVersion':'0.4.0','interfaces':[{'name':null,'mac':null}],"
                + "'ips':[{'version':null,'address':'198.18.0.2/24','gateway':null,"
                + "'interface':null}],"
                + "'routes':null,'dns':{'nameservers':[null,'198.18.0.53'],'domain':null}}",
            CniVersion.V0_4_0);
    assertThat(r.interfaces()).containsExactly(new Interface("", "", ""));
    assertThat(r.ips()).containsExactly(new IpConfig("", null, IpNet.parse("198.18.0.2/24"), null));
    assertThat(r.routes()).isEmpty();
    assertThat(r.dns().nameservers()).containsExactly("", "198.18.0.53");
    assertThat(Json.compact(r.toJson()))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(
            "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"\"}],"
                + "\"ips\":[{\"version\":\"\",\"address\":\"198.18.0.2/24\"}],"
                + "\"dns\":{\"nameservers\":[\"\",\"198.18.0.53\"]}}");
  }

  @Test
  void anEmptyGatewayIsNoGateway() throws Exception {
    Result r =
        decode(
            "{'cniVersion':'1.0.0','ips':[{'address':'198.18.0.2/24','gateway':''}],"
                + "'routes':[{'dst':'0.0.0.0/0','gw':''}]}",
            CniVersion.V1_0_0);
    assertThat(r.ips().get(0).gateway()).isNull();
    assertThat(r.routes().get(0).gw()).isNull();
  }

  @Test
  void keepsInterfaceIndexZeroAndNegativeIndexes() throws Exception {
    Result r =
        decode(
            "{'ips':[{'address':'198.18.0.2/24','interface':0},"
                + "{'address':'198.18.0.3/24','interface':-3},{'address':'198.18.0.4/24'}]}",
            CniVersion.V1_0_0);
    assertThat(r.ips()).extracting(IpConfig::interfaceIndex).containsExactly(0L, -3L, null);
  }

  @Test
  void ignoresUnknownFieldsAndFieldsOfOtherVersions() throws Exception {
    // a 0.4.0 interface has no mtu/socketPath/pciID, a 1.x IP no version, a 0.2.0 result no ips:
    // libcni's types do not have the fields, so their content does not matter
    Result r040 =
        decode(
            "{'cniVersion':'0.4.0','interfaces':[{'name':'eth0','mtu':'x','pciID':7}],"
                + "'unknown':{'a':[1,2]}}",
            CniVersion.V0_4_0);
    assertThat(r040.interfaces()).containsExactly(new Interface("eth0", "", ""));
    Result r100 =
        decode(
            "{'cniVersion':'1.0.0','ips':[{'version':4,'address':'198.18.0.2/24'}]}",
            CniVersion.V1_0_0);
    assertThat(r100.ips().get(0).version()).isNull();
    Result r020 =
        decode(
            "{'cniVersion':'0.2.0','ips':'x','interfaces':7,'ip4':{'ip':'198.18.0.2/24'}}",
            CniVersion.V0_2_0);
    assertThat(((Result020) r020).ip4().ip()).isEqualTo(IpNet.parse("198.18.0.2/24"));
  }

  @Test
  void matchesKeysExactlyUnlikeGoEncodingJson() throws Exception {
    // Go would read "IPS" as "ips"; jcni reads keys as the spec spells them
    Result r =
        decode("{'cniVersion':'1.0.0','IPS':[{'address':'198.18.0.2/24'}]}", CniVersion.V1_0_0);
    assertThat(r.ips()).isEmpty();
  }

  @Test
  void decodesAPrevResultTree() throws Exception {
    ObjectNode config =
        (ObjectNode)
            Json.parse(
                utf8(
                    "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"prevResult\":"
                        + "{\"ips\":[{\"address\":\"198.18.0.2/24\"}]}}"));
    Result r = Result.decode(config.get("prevResult"), CniVersion.V1_1_0);
    assertThat(r.cniVersion()).isEqualTo(CniVersion.V1_1_0);
    assertThat(r.ips()).extracting(IpConfig::address).containsExactly(IpNet.parse("198.18.0.2/24"));
  }

  // --- hostile plugin output -------------------------------------------------------------------

  @Test
  void rejectsDeepNestingWithoutOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    MalformedResultException e =
        rejection("{'cniVersion':'1.0.0','extra':" + deep + "}", CniVersion.V1_0_0);
    assertThat(e).hasMessageContaining("result is not valid JSON").hasMessageContaining("depth");
    String deepObjects = "{'a':".repeat(100_000) + "1" + "}".repeat(100_000);
    assertThat(rejection(deepObjects, CniVersion.V1_0_0)).isNotNull();
  }

  @Test
  void ignoresADeepTreeInAnUnknownFieldOfAnAlreadyParsedResult() throws Exception {
    ObjectNode result = Json.NODES.objectNode().put("cniVersion", "1.0.0");
    ArrayNode inner = result.putArray("extra");
    for (int i = 0; i < 100_000; i++) {
      inner = inner.addArray();
    }
    assertThat(Result.decode(result, CniVersion.V1_0_0).toJson().has("extra")).isFalse();
  }

  @Test
  void acceptsATenMegabyteStringWhereAnyStringIsValid() throws Exception {
    String mac = "a".repeat(10 * 1024 * 1024);
    Result r =
        decode(
            "{'cniVersion':'1.0.0','interfaces':[{'name':'eth0','mac':'" + mac + "'}]}",
            CniVersion.V1_0_0);
    assertThat(r.interfaces().get(0).mac()).hasSize(mac.length());
  }

  @Test
  void rejectsATenMegabyteAddressWithAShortMessage() {
    String address = "1".repeat(10 * 1024 * 1024);
    MalformedResultException e =
        rejection(
            "{'cniVersion':'1.0.0','ips':[{'address':'" + address + "'}]}", CniVersion.V1_0_0);
    assertThat(e.field()).isEqualTo("ips[0].address");
    assertThat(e.getMessage()).hasSizeLessThan(200).contains("10485760 characters");
    MalformedResultException v = rejection("{'cniVersion':'" + address + "'}", CniVersion.V1_0_0);
    assertThat(v.getMessage()).hasSizeLessThan(200);
  }

  @Test
  void rejectsAStringBeyondTheParserLimit() {
    String huge = "a".repeat(Json.MAX_STRING_LENGTH + 1);
    assertThat(rejection("{'cniVersion':'1.0.0','x':'" + huge + "'}", CniVersion.V1_0_0))
        .hasMessageContaining("result is not valid JSON");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'cniVersion':'1.0.0','cniVersion':'0.2.0'}",
        "{'cniVersion':'1.0.0','ips':[{'address':'198.18.0.2/24','address':'198.18.0.3/24'}]}",
        "{'cniVersion':'1.0.0','dns':{'domain':'a','domain':'b'}}",
      })
  void rejectsDuplicateKeys(String json) {
    assertThat(rejection(json, CniVersion.V1_0_0)).hasMessageContaining("Duplicate");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'cniVersion':'1.0.0'} x",
        "{'cniVersion':'1.0.0'}{}",
        "{'cniVersion':'1.0.0'}]",
        "{'cniVersion':'1.0.0'",
        "{'cniVersion':'1.0.0',}",
        "{'cniVersion':'1.0.0','ips':[{'address':'198.18.0.2/24'},]}",
        "{cniVersion:'1.0.0'}",
        "{'cniVersion':'1.0.0','routes':[{'dst':'0.0.0.0/0','mtu':NaN}]}",
      })
  void rejectsTrailingGarbageAndInvalidJson(String json) {
    MalformedResultException e = rejection(json, CniVersion.V1_0_0);
    assertThat(e.field()).isEmpty();
    assertThat(e).hasMessageContaining("result is not valid JSON");
  }

  @Test
  void decodesManyIps() throws Exception {
    StringBuilder b = new StringBuilder("{'cniVersion':'1.0.0','ips':[");
    for (int i = 0; i < 100_000; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{'address':'198.18.0.2/24','interface':")
          .append(i)
          .append('}');
    }
    Result r = decode(b.append("]}").toString(), CniVersion.V1_0_0);
    assertThat(r.ips()).hasSize(100_000);
    assertThat(r.ips().get(99_999).interfaceIndex()).isEqualTo(99_999L);
  }

  @Test
  void namesEveryFieldOfTheFirstProblemOnly() {
    // the first problem found is reported, with its path; nothing else is guessed
    MalformedResultException e =
        rejection(
            "{'cniVersion':'1.0.0','ips':[{'address':'x'},{'address':'y'}]}", CniVersion.V1_0_0);
    assertThat(e.field()).isEqualTo("ips[0].address");
    assertThat(e).hasMessage("field \"ips[0].address\": invalid CIDR address \"x\"");
  }

  @Test
  void exposesTheSameViewForEverySchema() throws Exception {
    Result r020 =
        decode(
            "{'cniVersion':'0.2.0','ip4':{'ip':'198.18.0.2/24','gateway':'198.18.0.1',"
                + "'routes':[{'dst':'0.0.0.0/0'}]},'ip6':{'ip':'2001:db8::2/64',"
                + "'routes':[{'dst':'::/0'}]},'dns':{'domain':'d'}}",
            CniVersion.V0_2_0);
    assertThat(r020.interfaces()).isEmpty();
    assertThat(r020.ips())
        .containsExactly(
            new IpConfig("4", null, IpNet.parse("198.18.0.2/24"), IpAddress.parse("198.18.0.1")),
            new IpConfig("6", null, IpNet.parse("2001:db8::2/64"), null));
    assertThat(r020.routes())
        .extracting(route -> route.dst().toString())
        .isEqualTo(List.of("0.0.0.0/0", "::/0"));
    assertThat(r020.dns().domain()).isEqualTo("d");
  }
}
