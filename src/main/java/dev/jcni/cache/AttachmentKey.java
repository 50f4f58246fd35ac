package dev.jcni.cache;

import dev.jcni.internal.text.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What identifies one cached attachment: the network, the container and the interface inside it.
 * The values are checked as libcni checks them, which also guarantees that {@link #fileName()} is a
 * single, safe path component. Together they must also make a file name of at most 255 bytes:
 * libcni would run the plugins and then fail to write the cache entry; jcni refuses such a key
 * before anything runs.
 *
 * @param networkName the network (list) name: a letter or digit, then letters, digits, {@code _},
 *     {@code .} or {@code -}
 * @param containerId the container id, with the same characters as the network name
 * @param ifName the interface name inside the container: 1 to 15 bytes of UTF-8, not {@code .} or
 *     {@code ..}, without {@code /}, {@code :} or white space
 */
public record AttachmentKey(String networkName, String containerId, String ifName) {
  /** libcni's rule for container ids and network names. */
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$");

  /** Linux's IFNAMSIZ less the terminating NUL. */
  private static final int MAX_IFNAME_BYTES = 15;

  /** The longest file name on Linux file systems (NAME_MAX). */
  static final int MAX_FILE_NAME_BYTES = 255;

  /**
   * Checks the three values.
   *
   * @throws IllegalArgumentException naming the value that is not valid and why
   * @throws NullPointerException if a value is {@code null}
   */
  public AttachmentKey {
    Objects.requireNonNull(networkName, "networkName");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(ifName, "ifName");
    checkName("network name", networkName);
    checkName("container id", containerId);
    checkInterfaceName(ifName);
    // names are ASCII (see NAME), the interface name at most 15 bytes of UTF-8
    int ifNameBytes = ifName.getBytes(StandardCharsets.UTF_8).length;
    int fileNameBytes = networkName.length() + containerId.length() + 2 + ifNameBytes;
    if (fileNameBytes > MAX_FILE_NAME_BYTES) {
      throw new IllegalArgumentException(
          "network name and container id too long together: the cache file name "
              + "<network>-<containerId>-<ifName> would have "
              + fileNameBytes
              + " bytes, and a file name has at most "
              + MAX_FILE_NAME_BYTES
              + " (network name of "
              + networkName.length()
              + " characters, container id of "
              + containerId.length()
              + ")");
    }
  }

  /**
   * Returns the key for these values, checked.
   *
   * @param networkName the network (list) name
   * @param containerId the container id
   * @param ifName the interface name inside the container
   * @return the key
   * @throws IllegalArgumentException naming the value that is not valid and why
   */
  public static AttachmentKey of(String networkName, String containerId, String ifName) {
    return new AttachmentKey(networkName, containerId, ifName);
  }

  /**
   * The name of this attachment's file under {@code <cacheDir>/results/}: libcni's {@code
   * <network>-<containerId>-<ifName>}. Different keys can share a name (network {@code a-b} with
   * container {@code c}, network {@code a} with container {@code b-c}); the cache tells them apart
   * by the identity stored inside the file.
   */
  public String fileName() {
    return networkName + "-" + containerId + "-" + ifName;
  }

  /**
   * Checks a network name or container id against libcni's rule.
   *
   * @param what {@code "network name"} or {@code "container id"}, for the message
   * @param value the value
   * @throws IllegalArgumentException if the value is empty or has other characters
   */
  static void checkName(String what, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("missing " + what);
    }
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid characters in "
              + what
              + " "
              + UntrustedText.quote(value)
              + ": a letter or digit, then letters, digits, '_', '.' or '-'");
    }
  }

  private static void checkInterfaceName(String ifName) {
    if (ifName.isEmpty()) {
      throw new IllegalArgumentException("interface name is empty");
    }
    if (ifName.getBytes(StandardCharsets.UTF_8).length > MAX_IFNAME_BYTES) {
      throw new IllegalArgumentException(
          "interface name " + UntrustedText.quote(ifName) + " is too long: at most 15 bytes");
    }
    if (ifName.equals(".") || ifName.equals("..")) {
      throw new IllegalArgumentException("interface name is " + UntrustedText.quote(ifName));
    }
    for (int i = 0; i < ifName.length(); ) {
      int cp = ifName.codePointAt(i);
      if (cp == '/' || cp == ':' || isGoSpace(cp)) {
        throw new IllegalArgumentException(
            "interface name " + UntrustedText.quote(ifName) + " contains '/', ':' or white space");
      }
      i += Character.charCount(cp);
    }
  }

  /**
   * Go's {@code unicode.IsSpace}: the Unicode White_Space property, which is the space separators
   * plus tab, line feed, vertical tab, form feed, carriage return and U+0085. Java's {@link
   * Character#isWhitespace} differs (it excludes no-break spaces), so it is spelled out here.
   */
  private static boolean isGoSpace(int cp) {
    return (cp >= '\t' && cp <= '\r') || cp == 0x85 || Character.isSpaceChar(cp);
  }
}
