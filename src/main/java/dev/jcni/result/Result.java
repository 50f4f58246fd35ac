package dev.jcni.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.List;
import java.util.Objects;

/**
 * The result of a successful ADD (SPEC.md section 5), in the schema of its spec version: {@link
 * Result020} for 0.1.0/0.2.0, {@link Result040} for 0.3.0/0.3.1/0.4.0, {@link Result100} for
 * 1.0.0/1.1.0. Each keeps its exact {@link #cniVersion()}.
 *
 * <p>Results are immutable. {@link #decode(byte[], CniVersion)} reads a plugin's output, {@link
 * #convertTo(CniVersion)} converts between versions with libcni's losses and synthesis, {@link
 * #toJson()} writes what libcni would write for the same result.
 *
 * <p>The accessors {@link #interfaces()}, {@link #ips()}, {@link #routes()} and {@link #dns()} give
 * every version the same view; for a 0.1.0/0.2.0 result it is the view libcni gives when it
 * converts one to 0.4.0.
 */
public sealed interface Result permits Result020, Result040, Result100 {

  /**
   * Decodes a plugin's stdout, as libcni does after ADD: the result's own {@code cniVersion}
   * selects its schema; a result without one (or with {@code ""}) is taken to be in the version of
   * the configuration the plugin was given.
   *
   * @param stdout the plugin's output
   * @param configVersion the {@code cniVersion} of the configuration sent to the plugin
   * @return the result
   * @throws MalformedResultException when the output is not JSON, not an object, names an unknown
   *     version, or has a field of the wrong type or an invalid address; the exception names the
   *     field, for example {@code ips[1].address}
   */
  static Result decode(byte[] stdout, CniVersion configVersion) throws MalformedResultException {
    Objects.requireNonNull(configVersion, "configVersion");
    return ResultDecoder.decode(JsonFields.parseObject(stdout, "result"), configVersion);
  }

  /**
   * Decodes a result that is already a JSON tree, such as the {@code prevResult} of a configuration
   * or the {@code result} of a cache file. Rules as {@link #decode(byte[], CniVersion)}.
   *
   * @param json the result object
   * @param configVersion the version to assume when the result states none
   * @return the result
   * @throws MalformedResultException when the tree is not a valid result
   */
  static Result decode(JsonNode json, CniVersion configVersion) throws MalformedResultException {
    Objects.requireNonNull(configVersion, "configVersion");
    if (json == null || !json.isObject()) {
      throw new MalformedResultException(
          "",
          "result must be a JSON object, not " + (json == null ? "nothing" : Json.kind(json)),
          null);
    }
    return ResultDecoder.decode((ObjectNode) json, configVersion);
  }

  /**
   * The spec version of this result.
   *
   * @return the exact version, for example 0.3.1 rather than 0.4.0
   */
  CniVersion cniVersion();

  /**
   * The interfaces the attachment created.
   *
   * @return the interfaces; empty for a 0.1.0/0.2.0 result, which has none
   */
  List<Interface> interfaces();

  /**
   * The IP configurations.
   *
   * @return the IPs; for a 0.1.0/0.2.0 result {@code ip4} then {@code ip6}, with version {@code
   *     "4"}/{@code "6"}
   */
  List<IpConfig> ips();

  /**
   * The routes.
   *
   * @return the routes; for a 0.1.0/0.2.0 result those of {@code ip4} then those of {@code ip6}
   */
  List<Route> routes();

  /**
   * The DNS settings.
   *
   * @return the settings, {@link Dns#EMPTY} when the result has none
   */
  Dns dns();

  /**
   * Converts this result to another spec version exactly as libcni does.
   *
   * <ul>
   *   <li>The same version gives this result; versions of the same schema are relabelled.
   *   <li>To 0.1.0/0.2.0: the first IP whose version is {@code "4"} becomes {@code ip4}, the first
   *       {@code "6"} becomes {@code ip6}; each route goes to the IP of its destination's family
   *       with only {@code dst} and {@code gw}, or is dropped when that family has no IP;
   *       interfaces are dropped. A result without such an IP cannot be converted.
   *   <li>From 0.1.0/0.2.0: {@code ips} and {@code routes} are built from {@code ip4} and {@code
   *       ip6}.
   *   <li>From 1.x to 0.3.x/0.4.0: each IP's {@code version} is taken from its address family;
   *       interfaces lose {@code mtu}, {@code socketPath} and {@code pciID}; routes keep all
   *       fields.
   *   <li>From 0.3.x/0.4.0 to 1.x: each IP's {@code version} is dropped.
   * </ul>
   *
   * @param version the version to convert to
   * @return the converted result
   * @throws ResultConversionException when the result cannot be expressed in that version
   */
  default Result convertTo(CniVersion version) throws ResultConversionException {
    return ResultConversions.convert(this, Objects.requireNonNull(version, "version"));
  }

  /**
   * This result as a JSON tree in libcni's field order, with libcni's rules for which empty fields
   * are left out ({@code dns} is always written, as libcni 1.1 does).
   *
   * @return a new tree, which the caller may modify
   */
  ObjectNode toJson();

  /**
   * This result as compact JSON, for a plugin's {@code prevResult} or the cache.
   *
   * @return UTF-8 JSON without whitespace
   */
  default byte[] toCompactJson() {
    return Json.compact(toJson());
  }

  /**
   * This result as JSON indented by four spaces, for people (as cnitool prints results).
   *
   * @return the indented JSON, without a final newline
   */
  default String toPrettyJson() {
    return Json.pretty(toJson());
  }
}
