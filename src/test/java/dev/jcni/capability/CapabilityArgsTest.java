package dev.jcni.capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON each builder produces, compared with the examples of CONVENTIONS.md (copied from the
 * document, not from our output) and with the field names of the plugins' Go structs.
 */
class CapabilityArgsTest {

  private static JsonNode json(String text) throws IOException {
    return Json.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Numbers compare by value: the shared mapper reads 80 as a BigInteger node, we write an int. */
  static final Comparator<JsonNode> SAME_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static void assertSameJson(JsonNode actual, JsonNode expected) {
    assertThat(actual.equals(SAME_VALUE, expected)).as("%s is %s", actual, expected).isTrue();
  }

  @Test
  void emptyBuilderGivesAnEmptyObject() {
    assertThat(CapabilityArgs.builder().build()).isEqualTo(Json.NODES.objectNode());
  }

  // --- portMappings

  @Test
  void portMappingsMatchTheConventionsExample() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder()
            .portMapping(8080, 80, "tcp")
            .portMapping(8000, 8001, "udp")
            .build();
    assertSameJson(
        args.get("portMappings"),
        json(
            "[{ \"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\" },"
                + " { \"hostPort\": 8000, \"containerPort\": 8001, \"protocol\": \"udp\" }]"));
  }

  @Test
  void portMappingWritesHostIpAsPortmapNamesItAndProtocolInLowerCase() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder()
            .portMapping(PortMapping.of(443, 8443, "SCTP").withHostIp("198.18.0.1"))
            .build();
    // portmap's PortMapEntry: hostPort, containerPort, protocol, hostIP
    assertSameJson(
        args.get("portMappings"),
        json(
            "[{\"hostPort\":443,\"containerPort\":8443,\"protocol\":\"sctp\","
                + "\"hostIP\":\"198.18.0.1\"}]"));
  }

  @Test
  void rejectsPortsOutsideOneTo65535() {
    assertThatThrownBy(() -> PortMapping.of(0, 80, "tcp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hostPort 0");
    assertThatThrownBy(() -> PortMapping.of(80, 65536, "tcp"))
        .hasMessageContaining("containerPort 65536");
    assertThatThrownBy(() -> PortMapping.of(-1, 80, "tcp")).hasMessageContaining("hostPort -1");
    assertThat(PortMapping.of(65535, 1, "udp").hostPort()).isEqualTo(65535);
  }

  @Test
  void rejectsProtocolsOtherThanTcpUdpSctp() {
    assertThatThrownBy(() -> PortMapping.of(80, 80, "icmp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"icmp\"");
    assertThatThrownBy(() -> PortMapping.of(80, 80, "")).hasMessageContaining("protocol");
    assertThatThrownBy(() -> PortMapping.of(80, 80, "6")).hasMessageContaining("protocol");
  }

  @Test
  void hostIpIsParsedNumericallyNeverResolved() {
    assertThatThrownBy(() -> PortMapping.of(80, 80, "tcp").withHostIp("localhost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortMapping.of(80, 80, "tcp").withHostIp("198.18.0.256"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PortMapping.of(80, 80, "tcp").withHostIp("2001:DB8::0001").toJson().get("hostIP"))
        .isEqualTo(Json.NODES.textNode("2001:db8::1"));
  }

  @Test
  void rejectsTheSameHostPortTwiceButNotOnAnotherProtocolOrAddress() {
    CapabilityArgs.Builder b = CapabilityArgs.builder().portMapping(8080, 80, "tcp");
    b.portMapping(8080, 80, "udp");
    b.portMapping(PortMapping.of(8080, 81, "tcp").withHostIp("198.18.0.1"));
    assertThatThrownBy(() -> b.portMapping(8080, 90, "TCP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host port 8080/tcp is already mapped");
    assertThat(b.build().get("portMappings")).hasSize(3);
  }

  // --- bandwidth

  @Test
  void bandwidthMatchesTheConventionsExample() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder().bandwidth(new Bandwidth(2048, 1600, 4096, 1600)).build();
    assertSameJson(
        args.get("bandwidth"),
        json(
            "{ \"ingressRate\": 2048, \"ingressBurst\": 1600, \"egressRate\": 4096,"
                + " \"egressBurst\": 1600 }"));
  }

  @Test
  void bandwidthOneDirectionWritesZerosForTheOther() throws IOException {
    assertSameJson(
        Bandwidth.egress(1000, 80).toJson(),
        json("{\"ingressRate\":0,\"ingressBurst\":0,\"egressRate\":1000,\"egressBurst\":80}"));
    assertThat(Bandwidth.ingress(5, 6).withEgress(7, 8)).isEqualTo(new Bandwidth(5, 6, 7, 8));
  }

  @Test
  void bandwidthRejectsARateWithoutBurstAndABurstWithoutRate() {
    assertThatThrownBy(() -> Bandwidth.ingress(1000, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ingress")
        .hasMessageContaining("needs a burst");
    assertThatThrownBy(() -> Bandwidth.egress(0, 10))
        .hasMessageContaining("egress")
        .hasMessageContaining("needs a rate");
    assertThatThrownBy(() -> new Bandwidth(-1, 1, 0, 0)).hasMessageContaining("negative");
  }

  @Test
  void bandwidthRejectsBurstsThePluginRefuses() {
    // the plugin refuses burst/8 >= 2^32-1 (in integer division): 8 * 4294967295 is the first
    long refused = 8L * 4294967295L;
    assertThatThrownBy(() -> Bandwidth.ingress(1, refused))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThat(Bandwidth.ingress(1, refused - 1).ingressBurst()).isEqualTo(refused - 1);
  }

  // --- ipRanges

  @Test
  void ipRangesMatchTheConventionsExample() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder()
            .ipRangeSet(
                IpRange.of("10.1.2.0/24")
                    .withRangeStart("10.1.2.3")
                    .withRangeEnd("10.1.2.99")
                    .withGateway("10.1.2.254"))
            .build();
    assertSameJson(
        args.get("ipRanges"),
        json(
            "[[{ \"subnet\": \"10.1.2.0/24\", \"rangeStart\": \"10.1.2.3\", \"rangeEnd\":"
                + " \"10.1.2.99\", \"gateway\": \"10.1.2.254\" }]]"));
  }

  @Test
  void ipRangesAreAListOfRangeSetsEachAListOfRanges() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder()
            .ipRangeSet(IpRange.of("198.18.0.0/25"), IpRange.of("198.18.0.128/25"))
            .ipRangeSet(IpRange.of("2001:db8::/64"))
            .build();
    assertSameJson(
        args.get("ipRanges"),
        json(
            "[[{\"subnet\":\"198.18.0.0/25\"},{\"subnet\":\"198.18.0.128/25\"}],"
                + "[{\"subnet\":\"2001:db8::/64\"}]]"));
  }

  @Test
  void ipRangeRejectsASubnetWithHostBitsAsHostLocalDoes() {
    assertThatThrownBy(() -> IpRange.of("198.18.0.1/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host bits")
        .hasMessageContaining("198.18.0.0/24");
    assertThatThrownBy(() -> IpRange.of("2001:db8::1/64")).hasMessageContaining("2001:db8::/64");
  }

  @Test
  void ipRangeRejectsSubnetsTooSmallToAllocateFrom() {
    assertThatThrownBy(() -> IpRange.of("198.18.0.0/31")).hasMessageContaining("too small");
    assertThatThrownBy(() -> IpRange.of("198.18.0.0/32")).hasMessageContaining("too small");
    assertThatThrownBy(() -> IpRange.of("2001:db8::/127")).hasMessageContaining("too small");
    assertThat(IpRange.of("198.18.0.0/30").subnet().prefixLength()).isEqualTo(30);
    assertThat(IpRange.of("2001:db8::/126").subnet().prefixLength()).isEqualTo(126);
  }

  @Test
  void ipRangeRejectsStartOrEndOutsideTheSubnetOrStartAfterEnd() {
    IpRange r = IpRange.of("198.18.0.0/24");
    assertThatThrownBy(() -> r.withRangeStart("198.18.1.1"))
        .hasMessageContaining("rangeStart 198.18.1.1 is not in subnet 198.18.0.0/24");
    assertThatThrownBy(() -> r.withRangeEnd("198.17.255.255")).hasMessageContaining("rangeEnd");
    assertThatThrownBy(() -> r.withRangeStart("198.18.0.50").withRangeEnd("198.18.0.40"))
        .hasMessageContaining("after its end");
    // a start after the default end (.254) is refused too
    assertThatThrownBy(() -> r.withRangeStart("198.18.0.255"))
        .hasMessageContaining("after its end");
  }

  @Test
  void ipRangeRejectsAddressesOfTheOtherFamily() {
    assertThatThrownBy(() -> IpRange.of("198.18.0.0/24").withGateway("2001:db8::1"))
        .hasMessageContaining("same address family");
    assertThatThrownBy(() -> IpRange.of("2001:db8::/64").withRangeStart("198.18.0.1"))
        .hasMessageContaining("same address family");
  }

  @Test
  void rangeSetRejectsMixedFamiliesAndOverlaps() {
    assertThatThrownBy(
            () ->
                CapabilityArgs.builder()
                    .ipRangeSet(IpRange.of("198.18.0.0/24"), IpRange.of("2001:db8::/64")))
        .hasMessageContaining("mixes IPv4 and IPv6");
    assertThatThrownBy(
            () ->
                CapabilityArgs.builder()
                    .ipRangeSet(IpRange.of("198.18.0.0/24"), IpRange.of("198.18.0.0/25")))
        .hasMessageContaining("overlap");
    assertThatThrownBy(
            () ->
                CapabilityArgs.builder()
                    .ipRangeSet(IpRange.of("198.18.0.0/24"))
                    .ipRangeSet(IpRange.of("198.18.0.0/16")))
        .hasMessageContaining("earlier range set");
    assertThatThrownBy(() -> CapabilityArgs.builder().ipRangeSet(List.of()))
        .hasMessageContaining("at least one range");
  }

  @Test
  void rangesOfOneSubnetThatDoNotMeetAreAccepted() {
    ObjectNode args =
        CapabilityArgs.builder()
            .ipRangeSet(
                IpRange.of("198.18.0.0/24").withRangeEnd("198.18.0.99"),
                IpRange.of("198.18.0.0/24").withRangeStart("198.18.0.100"))
            .build();
    assertThat(args.get("ipRanges").get(0)).hasSize(2);
    assertThatThrownBy(
            () ->
                CapabilityArgs.builder()
                    .ipRangeSet(
                        IpRange.of("198.18.0.0/24").withRangeEnd("198.18.0.100"),
                        IpRange.of("198.18.0.0/24").withRangeStart("198.18.0.100")))
        .hasMessageContaining("overlap");
  }

  // --- dns

  @Test
  void dnsMatchesTheConventionsExample() throws IOException {
    ObjectNode args =
        CapabilityArgs.builder()
            .dns(
                DnsConfig.ofServers("8.8.8.8", "10.0.0.10")
                    .withSearches("internal.yoyodyne.net", "corp.tyrell.net"))
            .build();
    assertSameJson(
        args.get("dns"),
        json(
            "{ \"searches\" : [ \"internal.yoyodyne.net\", \"corp.tyrell.net\" ],"
                + " \"servers\": [ \"8.8.8.8\", \"10.0.0.10\" ] }"));
  }

  @Test
  void dnsWritesOptionsAndLeavesEmptyListsOut() throws IOException {
    assertSameJson(
        DnsConfig.ofServers().withOptions("ndots:5", "edns0").toJson(),
        json("{\"options\":[\"ndots:5\",\"edns0\"]}"));
  }

  @Test
  void dnsRejectsNamesAsServersAndMalformedSearchesAndOptions() {
    assertThatThrownBy(() -> DnsConfig.ofServers("dns.example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsConfig.ofServers().withSearches("bad domain"))
        .hasMessageContaining("\"bad domain\"");
    assertThatThrownBy(() -> DnsConfig.ofServers().withSearches("a..b"))
        .hasMessageContaining("a..b");
    assertThatThrownBy(() -> DnsConfig.ofServers().withSearches("x".repeat(64) + ".com"))
        .hasMessageContaining("not a valid domain name");
    assertThatThrownBy(() -> DnsConfig.ofServers().withOptions("ndots: 5"))
        .hasMessageContaining("option");
    assertThat(DnsConfig.ofServers().withSearches("svc.cluster.local.").searches())
        .containsExactly("svc.cluster.local.");
  }

  // --- ips

  @Test
  void ipsTakeAddressesWithAndWithoutPrefixInCanonicalForm() throws IOException {
    // the CONVENTIONS.md example; Go prints 3ffe:ffff:0:01ff::2 as 3ffe:ffff:0:1ff::2
    ObjectNode args =
        CapabilityArgs.builder()
            .ips("192.168.0.1", "10.10.0.1/24", "3ffe:ffff:0:01ff::2", "3ffe:ffff:0:01ff::1/64")
            .build();
    assertSameJson(
        args.get("ips"),
        json(
            "[\"192.168.0.1\", \"10.10.0.1/24\", \"3ffe:ffff:0:1ff::2\","
                + " \"3ffe:ffff:0:1ff::1/64\"]"));
  }

  @Test
  void ipsRejectNamesBadPrefixesAndRepeats() {
    assertThatThrownBy(() -> CapabilityArgs.builder().ips("host.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CapabilityArgs.builder().ips("198.18.0.1/33"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CapabilityArgs.builder().ips("198.18.0.1", "198.18.0.1/24"))
        .hasMessageContaining("198.18.0.1 is given twice");
  }

  // --- mac, infinibandGUID

  @Test
  void macIsWrittenInLowerCaseWithColons() {
    assertThat(CapabilityArgs.builder().mac("c2:11:22:33:44:55").build().get("mac").textValue())
        .isEqualTo("c2:11:22:33:44:55");
    assertThat(CapabilityArgs.builder().mac("C2-11-22-AA-bb-55").build().get("mac").textValue())
        .isEqualTo("c2:11:22:aa:bb:55");
  }

  @Test
  void macRejectsMalformedMulticastAndZeroAddresses() {
    CapabilityArgs.Builder b = CapabilityArgs.builder();
    for (String bad :
        List.of(
            "c2:11:22:33:44",
            "c2:11:22:33:44:55:66",
            "c2:11:22-33:44:55",
            "c2:11:22:33:44:5g",
            "c2112233445",
            "c2:11:22:33:44:\uFF15\uFF15")) {
      assertThatThrownBy(() -> b.mac(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a MAC address");
    }
    assertThatThrownBy(() -> b.mac("01:00:5e:00:00:01")).hasMessageContaining("multicast");
    assertThatThrownBy(() -> b.mac("00:00:00:00:00:00")).hasMessageContaining("all-zero");
  }

  @Test
  void infinibandGuidTakesEightBytes() {
    assertThat(
            CapabilityArgs.builder()
                .infinibandGUID("C2:11:22:33:44:55:66:77")
                .build()
                .get("infinibandGUID")
                .textValue())
        .isEqualTo("c2:11:22:33:44:55:66:77");
    assertThatThrownBy(() -> CapabilityArgs.builder().infinibandGUID("c2:11:22:33:44:55"))
        .hasMessageContaining("not a GUID");
    assertThatThrownBy(() -> CapabilityArgs.builder().infinibandGUID("c2-11-22-33-44-55-66-77"))
        .hasMessageContaining("not a GUID");
  }

  // --- deviceID, aliases, cgroupPath

  @Test
  void deviceIdTakesPciAndAuxiliaryNamesButNothingThatLeavesSysBus() {
    assertThat(CapabilityArgs.builder().deviceID("0000:04:00.5").build().get("deviceID").asText())
        .isEqualTo("0000:04:00.5");
    assertThat(CapabilityArgs.builder().deviceID("mlx5_core.sf.4").build().get("deviceID").asText())
        .isEqualTo("mlx5_core.sf.4");
    for (String bad : List.of("", ".", "..", "../../etc/passwd", "a/b", "a b", "a\0b")) {
      assertThatThrownBy(() -> CapabilityArgs.builder().deviceID(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("deviceID");
    }
  }

  @Test
  void aliasesMatchTheConventionsExampleAndRejectRepeatsAndBlanks() throws IOException {
    assertSameJson(
        CapabilityArgs.builder().aliases("my-container", "primary-db").build().get("aliases"),
        json("[\"my-container\", \"primary-db\"]"));
    assertThatThrownBy(() -> CapabilityArgs.builder().aliases("db", "db"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> CapabilityArgs.builder().aliases("")).hasMessageContaining("aliases");
    assertThatThrownBy(() -> CapabilityArgs.builder().aliases("my db"))
        .hasMessageContaining("aliases");
  }

  @Test
  void cgroupPathTakesPathsAndSlicesButNoControlCharacters() {
    String example =
        "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/"
            + "kubelet-kubepods-burstable-pod28ce45bc_63f8_48a3_a99b_cfb9e63c856c.slice";
    assertThat(CapabilityArgs.builder().cgroupPath(example).build().get("cgroupPath").asText())
        .isEqualTo(example);
    assertThat(
            CapabilityArgs.builder()
                .cgroupPath("kubepods-besteffort-pod1.slice")
                .build()
                .get("cgroupPath")
                .asText())
        .isEqualTo("kubepods-besteffort-pod1.slice");
    assertThatThrownBy(() -> CapabilityArgs.builder().cgroupPath("/a\nb"))
        .hasMessageContaining("cgroupPath");
    assertThatThrownBy(() -> CapabilityArgs.builder().cgroupPath(""))
        .hasMessageContaining("cgroupPath");
  }

  // --- the whole object

  @Test
  void otherCapabilitiesPassThroughButWellKnownOnesNeedTheirTypedMethod() throws IOException {
    JsonNode annotations = json("{\"io.kubernetes.cri.sandbox-id\":\"abc\"}");
    ObjectNode args =
        CapabilityArgs.builder()
            .capability("io.kubernetes.cri.pod-annotations", annotations)
            .build();
    assertThat(args.get("io.kubernetes.cri.pod-annotations")).isEqualTo(annotations);
    assertThatThrownBy(() -> CapabilityArgs.builder().capability("mac", Json.NODES.textNode("x")))
        .hasMessageContaining("typed method");
    assertThatThrownBy(() -> CapabilityArgs.builder().capability("", Json.NODES.nullNode()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildKeysEveryCapabilitySetByItsNameInTheOrderOfTheEnum() {
    ObjectNode args =
        CapabilityArgs.builder()
            .cgroupPath("/pod")
            .aliases("a")
            .deviceID("0000:04:00.5")
            .infinibandGUID("00:11:22:33:44:55:66:77")
            .mac("02:00:00:00:00:01")
            .ips("198.18.0.2/24")
            .dns(DnsConfig.ofServers("198.18.0.1"))
            .bandwidth(Bandwidth.ingress(1, 1))
            .ipRangeSet(IpRange.of("198.18.0.0/24"))
            .portMapping(1, 1, "tcp")
            .capability("custom", Json.NODES.booleanNode(true))
            .build();
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    List<String> expected = new ArrayList<>();
    for (Capability c : Capability.values()) {
      expected.add(c.key());
    }
    expected.add("custom");
    assertThat(keys).isEqualTo(expected);
    // the names of CONVENTIONS.md's table of well-known capabilities
    assertThat(expected)
        .containsExactly(
            "portMappings",
            "ipRanges",
            "bandwidth",
            "dns",
            "ips",
            "mac",
            "infinibandGUID",
            "deviceID",
            "aliases",
            "cgroupPath",
            "custom");
  }

  @Test
  void laterSingleValuesReplaceEarlierOnesAndBuildLeavesTheBuilderUsable() {
    CapabilityArgs.Builder b = CapabilityArgs.builder().mac("02:00:00:00:00:01");
    ObjectNode first = b.build();
    b.mac("02:00:00:00:00:02");
    first.put("mac", "changed by the caller");
    assertThat(b.build().get("mac").textValue()).isEqualTo("02:00:00:00:00:02");
  }

  @Test
  void theResultIsWhatAnAttachmentTakes() {
    ObjectNode args = CapabilityArgs.builder().portMapping(8080, 80, "tcp").build();
    Attachment a = Attachment.builder("c1", "eth0").capabilityArgs(args).build();
    assertThat(a.capabilityArgs()).isEqualTo(args);
  }

  @Test
  void capabilityByKeyFindsWellKnownNamesOnly() {
    assertThat(Capability.byKey("portMappings")).contains(Capability.PORT_MAPPINGS);
    assertThat(Capability.byKey("portmappings")).isEmpty();
  }
}
