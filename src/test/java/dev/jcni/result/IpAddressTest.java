package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected texts were checked with libcni 1.1.2 on Go 1.19 (a {@code gateway} run through
 * result-convert), which parses with {@code net.ParseIP} and prints with {@code net.IP.String}.
 */
class IpAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "198.18.0.1, 198.18.0.1",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "0:0:0:0:0:0:0:1, ::1",
    "1:0:0:0:0:0:0:0, 1::",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    "::ffff:198.18.0.1, 198.18.0.1",
    "::ffff:c612:1, 198.18.0.1",
    "0:0:0:0:0:ffff:0:0, 0.0.0.0",
    "::198.18.0.1, ::c612:1",
    "1:2:3:4:5:6:198.18.0.1, 1:2:3:4:5:6:c612:1",
    "2001:db8::ffff:0:1, 2001:db8::ffff:0:1",
    "::ffff:0:0:1, ::ffff:0:0:1",
  })
  void printsTheCanonicalFormLibcniWrites(String text, String canonical) {
    assertThat(IpAddress.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.4 ",
        " 1.2.3.4",
        "1..2.3",
        "1.2.3.-4",
        "+1.2.3.4",
        "\uff11.2.3.4",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        ":1::2",
        "1::2:",
        "1:::2",
        "1::2::3",
        "1:2:3:4:5:198.18.0.1",
        "1:2:3:4:5:6:7:198.18.0.1",
        "::ffff:1.2.3.04",
        "fe80::1%eth0",
        "12345::1",
        "g::1",
        "\uff21::1",
        "1::\u0661",
        "localhost",
        "example.com",
      })
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid IP address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00001::1", "1:2:3:4:5:6:7:00008"})
  void rejectsGroupsOfMoreThanFourHexDigitsAsCurrentGoDoes(String text) {
    // Go 1.19 (Debian's libcni build) still accepted these; Go's netip-based parser and RFC 4291
    // do not
    assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"198.18.0.1, true", "::ffff:198.18.0.1, true", "2001:db8::1, false", "::, false"})
  void tellsTheFamilyAsLibcniDoes(String text, boolean ipv4) {
    assertThat(IpAddress.parse(text).isIpv4()).isEqualTo(ipv4);
  }

  @ParameterizedTest
  @CsvSource({"::ffff:198.18.0.1, 198.18.0.1", "2001:DB8::1, 2001:db8:0::1"})
  void equalsTheSameAddressInAnotherSpelling(String a, String b) {
    assertThat(IpAddress.parse(a)).isEqualTo(IpAddress.parse(b));
    assertThat(IpAddress.parse(a).hashCode()).isEqualTo(IpAddress.parse(b).hashCode());
  }

  @ParameterizedTest
  @ValueSource(ints = {1_000, 10_000_000})
  void keepsTheMessageShortForAHugeInvalidAddress(int length) {
    String huge = "1".repeat(length);
    assertThatThrownBy(() -> IpAddress.parse(huge))
        .satisfies(
            e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains(length + " characters"));
  }
}
