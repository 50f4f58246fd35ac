package dev.jcni.result;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.util.List;
import java.util.Objects;

/**
 * The DNS settings of a result (SPEC.md section 5, {@code dns}), the same in every spec version.
 * Values are kept as the plugin wrote them; nameservers are not checked to be addresses (libcni
 * does not check them either).
 *
 * @param nameservers the name servers in priority order
 * @param domain the local domain for short host names, or {@code ""}
 * @param search the search domains in priority order
 * @param options resolver options such as {@code ndots:5}
 */
public record Dns(
    List<String> nameservers, String domain, List<String> search, List<String> options) {

  /** No DNS settings at all, what a result without {@code dns} holds. */
  public static final Dns EMPTY = new Dns(List.of(), "", List.of(), List.of());

  /** Copies the lists; {@code null} lists become empty and a {@code null} domain {@code ""}. */
  public Dns {
    nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
    domain = Objects.requireNonNullElse(domain, "");
    search = search == null ? List.of() : List.copyOf(search);
    options = options == null ? List.of() : List.copyOf(options);
  }

  /**
   * Whether nothing is set.
   *
   * @return {@code true} when every list is empty and the domain is {@code ""}
   */
  public boolean isEmpty() {
    return nameservers.isEmpty() && domain.isEmpty() && search.isEmpty() && options.isEmpty();
  }

  static Dns decode(ObjectNode o, String path) throws MalformedResultException {
    if (o == null) {
      return EMPTY;
    }
    return new Dns(
        JsonFields.goStringList(o, "nameservers", path + ".nameservers"),
        JsonFields.goString(o, "domain", path + ".domain"),
        JsonFields.goStringList(o, "search", path + ".search"),
        JsonFields.goStringList(o, "options", path + ".options"));
  }

  /** libcni's field order; empty lists and an empty domain are left out ({@code omitempty}). */
  ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    putList(o, "nameservers", nameservers);
    if (!domain.isEmpty()) {
      o.put("domain", domain);
    }
    putList(o, "search", search);
    putList(o, "options", options);
    return o;
  }

  private static void putList(ObjectNode o, String name, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = o.putArray(name);
      values.forEach(a::add);
    }
  }
}
