package dev.jcni.capability;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dns} capability (CONVENTIONS.md): the resolver settings a runtime wants the container
 * to have. Empty lists are left out of the JSON.
 *
 * @param servers name server addresses, parsed numerically (never resolved) and written in
 *     canonical form
 * @param searches search domains: host names of letters, digits, {@code -} and {@code _} in labels
 *     of 1 to 63 characters, at most 253 characters in all, a final {@code .} allowed
 * @param options resolver options such as {@code ndots:5}: non-empty, without white space or
 *     control characters
 */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {

  /** Checks and copies the lists; servers are rewritten in canonical form. */
  public DnsConfig {
    List<String> canonical = new ArrayList<>(servers.size());
    for (String s : servers) {
      canonical.add(IpAddress.parse(s).toString());
    }
    servers = List.copyOf(canonical);
    searches = List.copyOf(searches);
    for (String d : searches) {
      checkDomain(d);
    }
    options = List.copyOf(options);
    for (String o : options) {
      if (o.isEmpty() || !CapabilityArgs.isPrintableWord(o)) {
        throw new IllegalArgumentException(
            "dns: option \""
                + o
                + "\" must be a non-empty word without white space or control characters");
      }
    }
  }

  /**
   * Resolver settings with name servers only.
   *
   * @param servers name server addresses
   * @return the settings
   * @throws IllegalArgumentException when an entry is not an IP address
   */
  public static DnsConfig ofServers(String... servers) {
    return new DnsConfig(List.of(servers), List.of(), List.of());
  }

  /**
   * These settings with search domains.
   *
   * @param domains the search domains, in order
   * @return the new settings
   * @throws IllegalArgumentException when a domain is not a valid host name
   */
  public DnsConfig withSearches(String... domains) {
    return new DnsConfig(servers, List.of(domains), options);
  }

  /**
   * These settings with resolver options.
   *
   * @param resolverOptions the options, in order, such as {@code ndots:5}
   * @return the new settings
   * @throws IllegalArgumentException when an option is empty or contains white space
   */
  public DnsConfig withOptions(String... resolverOptions) {
    return new DnsConfig(servers, searches, List.of(resolverOptions));
  }

  private static void checkDomain(String domain) {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    boolean ok = !d.isEmpty() && d.length() <= 253;
    if (ok) {
      for (String label : d.split("\\.", -1)) {
        if (label.isEmpty() || label.length() > 63) {
          ok = false;
          break;
        }
        for (int i = 0; i < label.length(); i++) {
          char c = label.charAt(i);
          boolean allowed =
              (c >= 'a' && c <= 'z')
                  || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9')
                  || c == '-'
                  || c == '_';
          if (!allowed) {
            ok = false;
            break;
          }
        }
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "dns: search domain " + UntrustedText.quote(domain) + " is not a valid domain name");
    }
  }

  /**
   * The settings as plugins decode them: {@code servers}, {@code searches} and {@code options},
   * each only when not empty.
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    putList(o, "servers", servers);
    putList(o, "searches", searches);
    putList(o, "options", options);
    return o;
  }

  private static void putList(ObjectNode o, String key, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = o.putArray(key);
      values.forEach(a::add);
    }
  }
}
