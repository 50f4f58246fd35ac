package dev.jcni.result;

/**
 * The three result schemas of the spec, as libcni's {@code types/020}, {@code 040}, {@code 100}.
 */
enum ResultFamily {
  /** 0.1.0 and 0.2.0: {@code ip4}, {@code ip6}, {@code dns}. */
  V020("0.1.0/0.2.0"),
  /** 0.3.0, 0.3.1 and 0.4.0: {@code interfaces}, {@code ips} with {@code version}, ... */
  V040("0.3.x/0.4.0"),
  /** 1.0.0 and 1.1.0: {@code ips} without {@code version}, more interface and route fields. */
  V100("1.x");

  private final String label;

  ResultFamily(String label) {
    this.label = label;
  }

  /** The versions of the family, for messages: {@code 0.3.x/0.4.0}. */
  @Override
  public String toString() {
    return label;
  }

  static ResultFamily of(CniVersion version) {
    switch (version) {
      case V0_1_0:
      case V0_2_0:
        return V020;
      case V0_3_0:
      case V0_3_1:
      case V0_4_0:
        return V040;
      case V1_0_0:
      case V1_1_0:
        return V100;
      default:
        throw new AssertionError("no result family for " + version);
    }
  }
}
