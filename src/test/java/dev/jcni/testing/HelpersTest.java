package dev.jcni.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox's small parsers and rewrites, on fixed input. */
class HelpersTest {
  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) Json.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyHostLocalIpamOfAListGetsTheSandboxsDataDirAndNothingElseChanges() throws Exception {
    ObjectNode list =
        json(
            "{\"name\":\"n\",\"plugins\":["
                + "{\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"198.18.0.0/24\"}},"
                + "{\"type\":\"ptp\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/var/lib/cni\"}},"
                + "{\"type\":\"macvlan\",\"ipam\":{\"type\":\"static\"}},{\"type\":\"portmap\"}]}");

    assertThat(IpamDataDir.redirect(list, Path.of("/sb/ipam"))).isTrue();

    assertThat(list)
        .isEqualTo(
            json(
                "{\"name\":\"n\",\"plugins\":["
                    + "{\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
                    + "\"subnet\":\"198.18.0.0/24\",\"dataDir\":\"/sb/ipam\"}},"
                    + "{\"type\":\"ptp\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/sb/ipam\"}},"
                    + "{\"type\":\"macvlan\",\"ipam\":{\"type\":\"static\"}},"
                    + "{\"type\":\"portmap\"}]}"));
  }

  @Test
  void aSinglePluginConfigurationIsRedirectedTooAndARedirectedOneIsLeftAlone() throws Exception {
    ObjectNode conf =
        json("{\"name\":\"n\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\"}}");
    assertThat(IpamDataDir.redirect(conf, Path.of("/sb/ipam"))).isTrue();
    assertThat(conf.at("/ipam/dataDir").textValue()).isEqualTo("/sb/ipam");
    assertThat(IpamDataDir.redirect(conf, Path.of("/sb/ipam"))).isFalse();
    assertThat(IpamDataDir.redirect(json("{\"plugins\":[{\"type\":\"loopback\"}]}"), Path.of("/x")))
        .isFalse();
  }

  @Test
  void interfaceNamesAreReadFromNetDev() {
    List<String> netDev =
        List.of(
            "Inter-|   Receive                                                |  Transmit",
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets",
            "    lo:     100       1    0    0    0     0          0         0      100       1",
            "jcni-br0:      0       0    0    0    0     0          0         0        0       0",
            "  eth0@if12:   0       0    0    0    0     0          0         0        0       0");
    assertThat(Links.parse(netDev)).containsExactly("eth0@if12", "jcni-br0", "lo");
  }

  @Test
  void mountPointsUnderADirectoryAreFoundWithTheirEscapesDecoded() {
    List<String> mountinfo =
        List.of(
            "22 1 0:21 / /run rw,nosuid shared:5 - tmpfs tmpfs rw",
            "30 22 0:4 net:[4026532300] /run/jcni-testing/1-2-3/netns/host rw shared:9 - nsfs nsfs"
                + " rw",
            "31 22 0:21 /x /run/jcni-testing/a\\040b rw - tmpfs tmpfs rw",
            "32 22 0:21 / /run/jcni-testing-other rw - tmpfs tmpfs rw");
    assertThat(Mounts.under(Path.of("/run/jcni-testing"), mountinfo))
        .containsExactly(
            Path.of("/run/jcni-testing/1-2-3/netns/host"), Path.of("/run/jcni-testing/a b"));
    assertThat(Mounts.unescape("a\\134b\\011c")).isEqualTo("a\\b\tc");
  }
}
