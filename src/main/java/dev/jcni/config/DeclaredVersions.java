package dev.jcni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.internal.json.Json;
import dev.jcni.result.CniVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The spec version a configuration declares, chosen as SPEC.md section 1 "Version considerations"
 * says: the highest supported version among {@code cniVersion} and {@code cniVersions}, ignoring
 * versions newer than jcni supports.
 *
 * <p>A {@code cniVersions} entry is read as libcni reads it (pkg/version's {@code ParseVersion}):
 * {@code ""} or one to three parts of decimal digits, each with an optional sign and within a
 * 64-bit integer. An entry that does not parse is an error, as in libcni; one that parses but is
 * not a version jcni knows by that exact text ({@code "1.0"}, {@code "0.5.0"}, {@code ""}) is
 * skipped, which the linter reports. {@code cniVersion} itself must be a known version, or a
 * well-formed newer one.
 */
final class DeclaredVersions {
  /**
   * A version a file declares that is not used: newer than jcni supports, or (a {@code cniVersions}
   * entry only) not a version jcni knows.
   */
  record Ignored(String pointer, String field, String version, boolean newer) {}

  /**
   * The outcome: the version text plugins receive ({@code ""} when none is declared), the version
   * for result handling (0.1.0 when none is declared, as libcni), and the ignored newer versions.
   */
  record Selection(String text, CniVersion version, List<Ignored> ignored) {
    Selection {
      ignored = List.copyOf(ignored);
    }
  }

  private static final Pattern WELL_FORMED =
      Pattern.compile("(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");

  /** One part of a version as Go's strconv.Atoi reads it (its range is checked apart). */
  private static final Pattern GO_INTEGER = Pattern.compile("[+-]?[0-9]+");

  private static final Selection NONE = new Selection("", CniVersion.V0_1_0, List.of());

  private DeclaredVersions() {}

  /**
   * Picks the version of a network configuration.
   *
   * @param root the list, or the {@code .conf} object
   * @param withList whether {@code cniVersions} counts (lists); a {@code .conf} is lifted by libcni
   *     with its {@code cniVersion} only
   * @param nullIsAbsent whether {@code "cniVersion": null} means "not declared" (Go structs, used
   *     for {@code .conf}) or is a type error (Go maps, used for lists)
   */
  static Selection select(
      ObjectNode root, ConfigSource src, Context context, boolean withList, boolean nullIsAbsent)
      throws ConfigException {
    JsonNode v = root.get("cniVersion");
    String declared = null;
    if (v != null && !(v.isNull() && nullIsAbsent)) {
      if (!v.isTextual()) {
        throw src.error(
            "must be a string, not " + Json.kind(v),
            context.withField("cniVersion"),
            "/cniVersion",
            false);
      }
      declared = v.textValue().isEmpty() ? null : v.textValue();
    }
    JsonNode list = withList ? root.get("cniVersions") : null;
    if (list == null) {
      if (declared == null) {
        return NONE;
      }
      Optional<CniVersion> known = supported(declared, "cniVersion", "/cniVersion", src, context);
      if (known.isEmpty()) {
        throw src.error(
            "cniVersion "
                + Messages.quote(declared)
                + " is newer than the newest version jcni supports ("
                + CniVersion.latest()
                + "); list older versions in \"cniVersions\" to fall back to them",
            context.withField("cniVersion"),
            "/cniVersion",
            false);
      }
      return new Selection(declared, known.get(), List.of());
    }
    if (!list.isArray()) {
      throw src.error(
          "must be an array of version strings, not " + Json.kind(list),
          context.withField("cniVersions"),
          "/cniVersions",
          false);
    }
    List<Ignored> ignored = new ArrayList<>();
    CniVersion best = null;
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String field = "cniVersions[" + i + "]";
      String pointer = "/cniVersions/" + i;
      if (!item.isTextual()) {
        throw src.error(
            "must be a string, not " + Json.kind(item),
            context.withField(field),
            pointer,
            false);
      }
      String text = item.textValue();
      Optional<CniVersion> known = CniVersion.find(text);
      if (known.isEmpty()) {
        long[] parts = goVersion(text);
        if (parts == null) {
          throw notAVersion(text, field, pointer, src, context);
        }
        // libcni would take it; jcni cannot speak a version it does not know, so skips it
        ignored.add(new Ignored(pointer, field, text, isNewerThanLatest(parts)));
      } else if (best == null || known.get().compareTo(best) > 0) {
        best = known.get();
      }
    }
    if (declared != null) {
      Optional<CniVersion> known = supported(declared, "cniVersion", "/cniVersion", src, context);
      if (known.isEmpty()) {
        ignored.add(new Ignored("/cniVersion", "cniVersion", declared, true));
      } else if (best == null || known.get().compareTo(best) > 0) {
        best = known.get();
      }
    }
    if (best == null) {
      if (ignored.isEmpty()) {
        return NONE;
      }
      throw src.error(
          "none of the declared versions is one jcni supports (the newest it supports is "
              + CniVersion.latest()
              + ")",
          context.withField("cniVersions"),
          "/cniVersions",
          false);
    }
    return new Selection(best.toString(), best, ignored);
  }

  /**
   * Checks a declared version: a supported version gives it; a well-formed version newer than the
   * newest supported gives empty (the caller decides whether to ignore it); anything else is an
   * error.
   */
  private static Optional<CniVersion> supported(
      String text, String field, String pointer, ConfigSource src, Context context)
      throws ConfigException {
    Optional<CniVersion> exact = CniVersion.find(text);
    if (exact.isPresent()) {
      return exact;
    }
    if (!WELL_FORMED.matcher(text).matches()) {
      throw notAVersion(text, field, pointer, src, context);
    }
    if (isNewerThanLatest(text)) {
      return Optional.empty();
    }
    throw src.error(
        field + " " + Messages.quote(text) + " is not a CNI version (" + supportedList() + ")",
        context.withField(field),
        pointer,
        false);
  }

  private static ConfigException notAVersion(
      String text, String field, String pointer, ConfigSource src, Context context) {
    return src.error(
        field
            + " "
            + Messages.quote(text)
            + " is not a version: expected MAJOR.MINOR.PATCH, such as \"1.0.0\"",
        context.withField(field),
        pointer,
        false);
  }

  /**
   * The major, minor and patch numbers of a version as libcni's {@code version.ParseVersion} reads
   * it, or {@code null} when it does not parse: {@code ""} is 0.1.0; otherwise one to three parts
   * separated by dots, each an optionally signed decimal integer of 64 bits, missing parts 0.
   */
  private static long[] goVersion(String text) {
    if (text.isEmpty()) {
      return new long[] {0, 1, 0};
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length > 3) {
      return null;
    }
    long[] numbers = new long[3];
    for (int i = 0; i < parts.length; i++) {
      if (!GO_INTEGER.matcher(parts[i]).matches()) {
        return null;
      }
      try {
        numbers[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        return null; // beyond 64 bits: Go's Atoi fails with a range error
      }
    }
    return numbers;
  }

  /** Whether a version read by {@link #goVersion} is newer than the newest supported one. */
  private static boolean isNewerThanLatest(long[] parts) {
    long[] latest = goVersion(CniVersion.latest().toString());
    for (int i = 0; i < 3; i++) {
      if (parts[i] != latest[i]) {
        return parts[i] > latest[i];
      }
    }
    return false;
  }

  /** Whether a version text names a supported version. */
  static boolean isSupported(String text) {
    return CniVersion.find(text).isPresent();
  }

  /** Whether a well-formed version is newer than the newest supported one. */
  static boolean isNewerThanLatest(String text) {
    return WELL_FORMED.matcher(text).matches() && compare(text, CniVersion.latest().toString()) > 0;
  }

  /** Compares two well-formed versions numerically, part by part (no overflow on long parts). */
  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < 3; i++) {
      int c =
          x[i].length() != y[i].length()
              ? Integer.compare(x[i].length(), y[i].length())
              : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The supported versions, for messages. */
  static String supportedList() {
    StringBuilder sb = new StringBuilder("jcni supports ");
    CniVersion[] all = CniVersion.values();
    for (int i = 0; i < all.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(all[i]);
    }
    return sb.toString();
  }
}
