package dev.jcni.invoke;

import dev.jcni.CniClient;
import dev.jcni.CniException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link PrivilegeIsolatedTest}: builds a client whose options carry the
 * least-privilege profile and prints on stdout either {@code built} or the exception's class name,
 * a tab and its message.
 */
final class PrivilegeProfileCheck {
  private PrivilegeProfileCheck() {}

  /**
   * Builds the client.
   *
   * @param args the cache directory
   */
  public static void main(String[] args) {
    try {
      CniClient.builder()
          .cacheDirectory(Path.of(args[0]))
          .execOptions(
              ExecOptions.builder().privilegeProfile(PrivilegeProfile.leastPrivilege()).build())
          .build();
      System.out.println("built");
    } catch (CniException e) {
      System.out.println(e.getClass().getName() + "\t" + e.getMessage());
    }
  }
}
