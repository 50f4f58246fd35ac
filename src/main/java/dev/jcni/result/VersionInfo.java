package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's reply to the VERSION command: the version of the reply itself and the spec versions
 * the plugin supports.
 *
 * <p>Versions are kept as the plugin wrote them, since a plugin may list versions jcni does not
 * know; {@link #supports(CniVersion)} answers for the ones it does.
 *
 * @param cniVersion the version of the reply
 * @param supportedVersions every version the plugin says it supports, in the plugin's order
 */
public record VersionInfo(String cniVersion, List<String> supportedVersions) {

  /** What a plugin that predates the VERSION command supports: 0.1.0 only. */
  public static final VersionInfo LEGACY = new VersionInfo("0.1.0", List.of("0.1.0"));

  /** Copies the list and rejects {@code null}. */
  public VersionInfo {
    Objects.requireNonNull(cniVersion, "cniVersion");
    supportedVersions = List.copyOf(supportedVersions);
  }

  /**
   * Decodes a plugin's reply to VERSION, as libcni does: {@code cniVersion} is required; a reply
   * without {@code supportedVersions} is accepted only from a 0.2.0 plugin and means 0.1.0 and
   * 0.2.0.
   *
   * @param json the plugin's stdout
   * @return the reply
   * @throws MalformedResultException when the reply is not a VERSION reply
   */
  public static VersionInfo fromJson(byte[] json) throws MalformedResultException {
    ObjectNode o = JsonFields.parseObject(json, "VERSION reply");
    String version = JsonFields.optionalString(o, "cniVersion", "cniVersion");
    if (version == null || version.isEmpty()) {
      throw new MalformedResultException("cniVersion", "is missing", null);
    }
    List<String> supported = JsonFields.stringList(o, "supportedVersions", "supportedVersions");
    if (supported.isEmpty()) {
      if (version.equals("0.2.0")) {
        return new VersionInfo(version, List.of("0.1.0", "0.2.0"));
      }
      throw new MalformedResultException("supportedVersions", "is missing or empty", null);
    }
    return new VersionInfo(version, supported);
  }

  /**
   * What a plugin's failure of the VERSION command says about it. A plugin written before the
   * VERSION command existed fails it with the message {@code unknown CNI_COMMAND: VERSION}; libcni
   * takes that to mean the plugin supports 0.1.0 only. This is the one place where jcni reads the
   * text of a plugin's error.
   *
   * @param error the error the plugin printed for VERSION
   * @return {@link #LEGACY} for that message (without details), empty for any other error
   */
  public static Optional<VersionInfo> fromVersionCommandError(CniError error) {
    return UNKNOWN_VERSION_COMMAND.equals(error.toString())
        ? Optional.of(LEGACY)
        : Optional.empty();
  }

  private static final String UNKNOWN_VERSION_COMMAND = "unknown CNI_COMMAND: VERSION";

  /**
   * Whether the plugin lists the given version.
   *
   * @param version a spec version
   * @return {@code true} when the plugin's reply names it
   */
  public boolean supports(CniVersion version) {
    return supportedVersions.contains(version.toString());
  }
}
