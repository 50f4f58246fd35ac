package dev.jcni.result;

import java.util.Optional;

/**
 * The CNI specification versions jcni speaks, oldest first.
 *
 * <p>The natural order of the constants is the order of the versions, so {@code compareTo} answers
 * "is this version at least that one" (for example CHECK needs {@link #V0_4_0} or later).
 */
public enum CniVersion {
  /** 0.1.0: {@code ip4}/{@code ip6} results. */
  V0_1_0("0.1.0"),
  /** 0.2.0: same result schema as 0.1.0. */
  V0_2_0("0.2.0"),
  /** 0.3.0: {@code interfaces} and {@code ips}; plugin chaining. */
  V0_3_0("0.3.0"),
  /** 0.3.1: same result schema as 0.3.0. */
  V0_3_1("0.3.1"),
  /** 0.4.0: adds CHECK and {@code prevResult} on DEL. */
  V0_4_0("0.4.0"),
  /** 1.0.0: drops {@code ips[].version}; adds {@code mtu}, {@code socketPath}, ... */
  V1_0_0("1.0.0"),
  /** 1.1.0: adds GC, STATUS and {@code cniVersions}. */
  V1_1_0("1.1.0");

  private final String text;

  CniVersion(String text) {
    this.text = text;
  }

  /** The newest version jcni supports. */
  public static CniVersion latest() {
    return V1_1_0;
  }

  /**
   * Looks up a version by its exact text, such as {@code "1.0.0"}.
   *
   * @param text the version as written in a config or result; {@code null} gives empty
   * @return the version, or empty when the text is not exactly one of the supported versions
   */
  public static Optional<CniVersion> find(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (CniVersion v : values()) {
      if (v.text.equals(text)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether this version is at least {@code other}.
   *
   * @param other the version to compare with
   * @return {@code true} when this version is the same as or newer than {@code other}
   */
  public boolean atLeast(CniVersion other) {
    return compareTo(other) >= 0;
  }

  /** The version as it is written in JSON, for example {@code "0.4.0"}. */
  @Override
  public String toString() {
    return text;
  }
}
