package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected texts were checked with libcni 1.1.2 (an {@code address} run through result-convert).
 */
class IpNetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "198.18.0.2/24, 198.18.0.2/24",
    "198.18.0.2/0, 198.18.0.2/0",
    "198.18.0.2/32, 198.18.0.2/32",
    "198.18.0.2/024, 198.18.0.2/24",
    "198.18.0.2/00000000000000000000024, 198.18.0.2/24",
    "2001:db8::2/128, 2001:db8::2/128",
    "2001:DB8::2/64, 2001:db8::2/64",
    "::ffff:198.18.0.2/120, 198.18.0.2/24",
    "::ffff:198.18.0.2/128, 198.18.0.2/32",
    "::ffff:198.18.0.2/96, 198.18.0.2/0",
    "::ffff:198.18.0.2/95, 198.18.0.2/0",
    "::ffff:198.18.0.2/33, 198.18.0.2/0",
    "::/0, ::/0",
    "0.0.0.0/0, 0.0.0.0/0",
  })
  void keepsHostBitsAndPrintsWhatLibcniWrites(String text, String canonical) {
    assertThat(IpNet.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "198.18.0.2/33",
        "198.18.0.2/",
        "198.18.0.2",
        "198.18.0.2/+24",
        "198.18.0.2/-1",
        "198.18.0.2/ 24",
        "198.18.0.2/24/1",
        "2001:db8::2/129",
        "fe80::1%eth0/64",
        "198.18.0.2/99999999999",
        "/24",
        "",
      })
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> IpNet.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid CIDR address");
  }

  @Test
  void exposesAddressAndPrefixLength() {
    IpNet net = IpNet.parse("2001:db8::5/64");
    assertThat(net.address()).isEqualTo(IpAddress.parse("2001:db8::5"));
    assertThat(net.prefixLength()).isEqualTo(64);
  }

  @Test
  void rejectsAPrefixLengthLongerThanTheAddress() {
    assertThatThrownBy(() -> new IpNet(IpAddress.parse("198.18.0.1"), 33))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new IpNet(IpAddress.parse("2001:db8::1"), 128)).hasToString("2001:db8::1/128");
  }
}
