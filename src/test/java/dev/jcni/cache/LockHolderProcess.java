package dev.jcni.cache;

import dev.jcni.CacheException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second process for {@link AttachmentLocksAcrossProcessesTest}: takes locks in the cache
 * directory given, reports on stdout, and releases them when told on stdin.
 *
 * <pre>
 * LockHolderProcess DIR hold-op NET CID     prints HELD, waits for a line, prints RELEASED
 * LockHolderProcess DIR hold-gc NET         the same for GC
 * LockHolderProcess DIR try-op NET CID MS   prints ACQUIRED or TIMEOUT
 * LockHolderProcess DIR try-gc NET MS       prints ACQUIRED or TIMEOUT
 * </pre>
 */
public final class LockHolderProcess {
  private LockHolderProcess() {}

  public static void main(String[] args) throws Exception {
    AttachmentLocks locks = AttachmentLocks.open(Path.of(args[0]));
    String mode = args[1];
    switch (mode) {
      case "hold-op":
        hold(locks.forOperation(args[2], args[3]));
        break;
      case "hold-gc":
        hold(locks.forGc(args[2]));
        break;
      case "try-op":
        attempt(
            () -> locks.forOperation(args[2], args[3], Duration.ofMillis(Long.parseLong(args[4]))));
        break;
      case "try-gc":
        attempt(() -> locks.forGc(args[2], Duration.ofMillis(Long.parseLong(args[3]))));
        break;
      default:
        throw new IllegalArgumentException(mode);
    }
  }

  private static void hold(AttachmentLocks.Held held) throws Exception {
    try (held) {
      System.out.println("HELD");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    System.out.println("RELEASED");
    System.out.flush();
  }

  private interface Take {
    AttachmentLocks.Held take() throws Exception;
  }

  private static void attempt(Take take) throws Exception {
    try (AttachmentLocks.Held held = take.take()) {
      System.out.println("ACQUIRED");
    } catch (CacheException e) {
      System.out.println(
          e.reason() == CacheException.Reason.LOCK_TIMEOUT ? "TIMEOUT" : e.toString());
    }
    System.out.flush();
  }
}
