package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jcni.CniException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rules of the conversion table; {@link ResultGoldenTest} checks them against libcni. */
class ResultConversionTest {
  private static Result decode(String json) throws MalformedResultException {
    return Result.decode(
        json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), CniVersion.V0_1_0);
  }

  @ParameterizedTest
  @EnumSource(CniVersion.class)
  void convertingToItsOwnVersionGivesTheSameResult(CniVersion version) throws Exception {
    Result r =
        decode(
            "{'cniVersion':'"
                + version
                + "','ips':[{'version':'4','address':'198.18.0.2/24'}],"
                + "'ip4':{'ip':'198.18.0.2/24'}}");
    assertThat(r.convertTo(version)).isSameAs(r);
  }

  @Test
  void relabelsBetween100And110() throws Exception {
    Result r100 =
        decode(
            "{'cniVersion':'1.0.0','interfaces':[{'name':'eth0','mtu':1400}],"
                + "'ips':[{'interface':0,'address':'198.18.0.2/24'}],"
                + "'routes':[{'dst':'0.0.0.0/0','table':5}]}");
    Result r110 = r100.convertTo(CniVersion.V1_1_0);
    assertThat(r110)
        .isEqualTo(
            new Result100(
                CniVersion.V1_1_0, r100.interfaces(), r100.ips(), r100.routes(), r100.dns()));
    assertThat(r110.convertTo(CniVersion.V1_0_0)).isEqualTo(r100);
  }

  @Test
  void failsWithTheVersionsNamedWhenNoIpFitsA02Result() throws Exception {
    Result r = decode("{'cniVersion':'1.1.0','interfaces':[{'name':'eth0'}]}");
    assertThatThrownBy(() -> r.convertTo(CniVersion.V0_2_0))
        .isInstanceOf(ResultConversionException.class)
        .isInstanceOf(CniException.class)
        .hasMessage("cannot convert result from 1.1.0 to 0.2.0: no valid IP addresses")
        .satisfies(
            e -> {
              assertThat(((ResultConversionException) e).from()).isEqualTo(CniVersion.V1_1_0);
              assertThat(((ResultConversionException) e).to()).isEqualTo(CniVersion.V0_2_0);
            });
  }

  @Test
  void anIpWithoutAVersionLabelCannotGoTo02() throws Exception {
    Result r = decode("{'cniVersion':'0.4.0','ips':[{'version':'','address':'198.18.0.2/24'}]}");
    assertThatThrownBy(() -> r.convertTo(CniVersion.V0_1_0))
        .isInstanceOf(ResultConversionException.class);
  }

  @Test
  void splitsByVersionLabelAndRoutesByDestinationFamily() throws Exception {
    Result r =
        decode(
            "{'cniVersion':'0.4.0','ips':[{'version':'6','address':'2001:db8::2/64'},"
                + "{'version':'4','address':'198.18.0.2/24','gateway':'198.18.0.1'},"
                + "{'version':'4','address':'198.18.1.2/24'}],"
                + "'routes':[{'dst':'::/0','mtu':1400},{'dst':'0.0.0.0/0','gw':'198.18.0.1'}]}");
    Result020 r020 = (Result020) r.convertTo(CniVersion.V0_2_0);
    assertThat(r020.ip4())
        .isEqualTo(
            new Result020.Ip(
                IpNet.parse("198.18.0.2/24"),
                IpAddress.parse("198.18.0.1"),
                List.of(new Route(IpNet.parse("0.0.0.0/0"), IpAddress.parse("198.18.0.1")))));
    assertThat(r020.ip6())
        .isEqualTo(
            new Result020.Ip(
                IpNet.parse("2001:db8::2/64"),
                null,
                List.of(new Route(IpNet.parse("::/0"), null))));
  }

  @Test
  void synthesisesVersionsFromAddressesGoingFrom1xTo04() throws Exception {
    Result r =
        decode(
            "{'cniVersion':'1.0.0','interfaces':[{'name':'eth0','mtu':1400,"
                + "'socketPath':'/s','pciID':'p'}],"
                + "'ips':[{'address':'2001:db8::2/64'},{'address':'::ffff:198.18.0.2/120'}]}");
    Result040 r040 = (Result040) r.convertTo(CniVersion.V0_3_0);
    assertThat(r040.ips()).extracting(IpConfig::version).containsExactly("6", "4");
    assertThat(r040.ips().get(1).address()).hasToString("198.18.0.2/24");
    assertThat(r040.interfaces()).containsExactly(new Interface("eth0", "", ""));
  }

  @Test
  void buildsIpsFromIp4AndIp6GoingFrom02() throws Exception {
    Result r =
        decode(
            "{'cniVersion':'0.2.0','ip6':{'ip':'2001:db8::2/64','routes':[{'dst':'::/0'}]},"
                + "'ip4':{'ip':'198.18.0.2/24','gateway':'198.18.0.1',"
                + "'routes':[{'dst':'0.0.0.0/0'}]}}");
    Result100 r110 = (Result100) r.convertTo(CniVersion.V1_1_0);
    assertThat(r110.ips())
        .containsExactly(
            new IpConfig(null, IpNet.parse("198.18.0.2/24"), IpAddress.parse("198.18.0.1")),
            new IpConfig(null, IpNet.parse("2001:db8::2/64"), null));
    assertThat(r110.routes())
        .extracting(Route::dst)
        .extracting(IpNet::toString)
        .containsExactly("0.0.0.0/0", "::/0");
    assertThat(r110.interfaces()).isEmpty();
  }
}
