package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1.1.0 results against expectations written from SPEC.md (section 5 and the appendix), which
 * libcni 1.1.2 cannot check: 1.1.0 has the 1.0.0 schema, and converts like it.
 */
class Result110Test {
  private static byte[] utf8(String json) {
    return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode tree(String json) throws Exception {
    return Json.parse(utf8(json));
  }

  /** The bridge plugin's result in SPEC.md's "Add example", which states no cniVersion. */
  private static final String SPEC_BRIDGE_RESULT =
      "{'ips':[{'address':'10.1.0.5/16','gateway':'10.1.0.1','interface':2}],"
          + "'routes':[{'dst':'0.0.0.0/0'}],"
          + "'interfaces':[{'name':'cni0','mac':'00:11:22:33:44:55'},"
          + "{'name':'veth3243','mac':'55:44:33:22:11:11'},"
          + "{'name':'eth0','mac':'99:88:77:66:55:44','sandbox':'/var/run/netns/blue'}],"
          + "'dns':{'nameservers':['10.1.0.1']}}";

  @Test
  void decodesTheSpecsAddExampleInTheConfigsVersion() throws Exception {
    Result r = Result.decode(utf8(SPEC_BRIDGE_RESULT), CniVersion.V1_1_0);
    assertThat(r).isInstanceOf(Result100.class);
    assertThat(r.cniVersion()).isEqualTo(CniVersion.V1_1_0);
    assertThat(r.interfaces())
        .containsExactly(
            new Interface("cni0", "00:11:22:33:44:55", ""),
            new Interface("veth3243", "55:44:33:22:11:11", ""),
            new Interface("eth0", "99:88:77:66:55:44", "/var/run/netns/blue"));
    assertThat(r.ips())
        .containsExactly(new IpConfig(2L, IpNet.parse("10.1.0.5/16"), IpAddress.parse("10.1.0.1")));
    assertThat(r.routes()).containsExactly(new Route(IpNet.parse("0.0.0.0/0"), null));
    assertThat(r.dns()).isEqualTo(new Dns(List.of("10.1.0.1"), "", List.of(), List.of()));
    assertThat(r.toJson())
        .isEqualTo(tree("{'cniVersion':'1.1.0'," + SPEC_BRIDGE_RESULT.substring(1)));
  }

  @Test
  void readsEverySection5FieldOfA110Result() throws Exception {
    Result r =
        Result.decode(
            utf8(
                "{'cniVersion':'1.1.0','interfaces':[{'name':'eth0','mac':'0a:00:00:00:00:01',"
                    + "'mtu':1400,'sandbox':'/var/run/netns/c','socketPath':'/run/s.sock',"
                    + "'pciID':'0000:af:00.2'}],"
                    + "'ips':[{'address':'198.18.0.2/24','gateway':'198.18.0.1','interface':0}],"
                    + "'routes':[{'dst':'0.0.0.0/0','gw':'198.18.0.1','mtu':1400,'advmss':1360,"
                    + "'priority':10,'table':100,'scope':253}],"
                    + "'dns':{'nameservers':['198.18.0.53'],'domain':'d','search':['s'],"
                    + "'options':['ndots:1']}}"),
            CniVersion.V1_0_0);
    assertThat(r.cniVersion()).isEqualTo(CniVersion.V1_1_0);
    assertThat(r.interfaces())
        .containsExactly(
            new Interface(
                "eth0",
                "0a:00:00:00:00:01",
                1400,
                "/var/run/netns/c",
                "/run/s.sock",
                "0000:af:00.2"));
    assertThat(r.routes())
        .containsExactly(
            new Route(
                IpNet.parse("0.0.0.0/0"),
                IpAddress.parse("198.18.0.1"),
                1400,
                1360,
                10,
                100L,
                253L));
    assertThat(r.dns())
        .isEqualTo(new Dns(List.of("198.18.0.53"), "d", List.of("s"), List.of("ndots:1")));
  }

  @Test
  void convertsTo100AndBackByRelabelling() throws Exception {
    Result r110 = Result.decode(utf8(SPEC_BRIDGE_RESULT), CniVersion.V1_1_0);
    Result r100 = r110.convertTo(CniVersion.V1_0_0);
    assertThat(r100.toJson())
        .isEqualTo(tree("{'cniVersion':'1.0.0'," + SPEC_BRIDGE_RESULT.substring(1)));
    assertThat(r100.convertTo(CniVersion.V1_1_0)).isEqualTo(r110);
  }

  @Test
  void convertsTo040WithVersionsFromAddresses() throws Exception {
    Result r =
        Result.decode(
            utf8(
                "{'cniVersion':'1.1.0','interfaces':[{'name':'eth0','mtu':1400,'pciID':'p'}],"
                    + "'ips':[{'address':'2001:db8::2/64','interface':0},"
                    + "{'address':'198.18.0.2/24'}],"
                    + "'routes':[{'dst':'0.0.0.0/0','table':0}]}"),
            CniVersion.V1_1_0);
    assertThat(r.convertTo(CniVersion.V0_4_0).toJson())
        .isEqualTo(
            tree(
                "{'cniVersion':'0.4.0','interfaces':[{'name':'eth0'}],"
                    + "'ips':[{'version':'6','interface':0,'address':'2001:db8::2/64'},"
                    + "{'version':'4','address':'198.18.0.2/24'}],"
                    + "'routes':[{'dst':'0.0.0.0/0','table':0}],'dns':{}}"));
  }

  @Test
  void convertsTo020KeepingTheFirstIpOfEachFamily() throws Exception {
    Result r = Result.decode(utf8(SPEC_BRIDGE_RESULT), CniVersion.V1_1_0);
    assertThat(r.convertTo(CniVersion.V0_2_0).toJson())
        .isEqualTo(
            tree(
                "{'cniVersion':'0.2.0','ip4':{'ip':'10.1.0.5/16','gateway':'10.1.0.1',"
                    + "'routes':[{'dst':'0.0.0.0/0'}]},'dns':{'nameservers':['10.1.0.1']}}"));
  }

  @Test
  void convertsFrom020To110() throws Exception {
    Result r =
        Result.decode(
            utf8("{'cniVersion':'0.2.0','ip6':{'ip':'2001:db8::2/64','gateway':'2001:db8::1'}}"),
            CniVersion.V0_2_0);
    assertThat(r.convertTo(CniVersion.V1_1_0).toJson())
        .isEqualTo(
            tree(
                "{'cniVersion':'1.1.0','ips':[{'address':'2001:db8::2/64',"
                    + "'gateway':'2001:db8::1'}],"
                    + "'dns':{}}"));
  }
}
