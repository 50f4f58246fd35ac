package dev.jcni.testing;

import dev.jcni.NetnsException;
import dev.jcni.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names of the network interfaces (links) of a namespace, read from {@code net/dev} of a thread
 * inside it: no process is started and no netlink socket opened.
 */
final class Links {
  /** The interface statistics of the reading thread's network namespace. */
  private static final Path NET_DEV = Path.of("/proc/thread-self/net/dev");

  private Links() {}

  /** The interface names of {@code namespace}, sorted. */
  static Set<String> in(NetworkNamespace namespace) throws NetnsException, IOException {
    return namespace.run(() -> parse(Files.readAllLines(NET_DEV)));
  }

  /** Names from the contents of {@code net/dev}: two header lines, then {@code NAME: counters}. */
  static Set<String> parse(List<String> netDev) {
    Set<String> names = new TreeSet<>();
    for (String line : netDev) {
      int colon = line.indexOf(':');
      // the header lines have '|' before any ':'
      if (colon > 0 && line.lastIndexOf('|', colon) < 0) {
        names.add(line.substring(0, colon).trim());
      }
    }
    return names;
  }
}
