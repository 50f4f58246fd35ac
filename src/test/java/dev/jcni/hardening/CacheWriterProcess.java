package dev.jcni.hardening;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.cache.AttachmentKey;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.Durability;
import dev.jcni.cache.ResultCache;
import dev.jcni.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of {@link CrashConsistencyTest}: writes cache entries with {@link ResultCache#put}
 * in an endless loop (and removes one now and then) until it is killed.
 *
 * <pre>
 * CacheWriterProcess CACHE_DIR ATOMIC|SYNCED SEED [WRITES]
 * </pre>
 *
 * <p>It prints {@code READY} once its first entry is written, so that the parent's kill falls among
 * writes rather than during JVM start-up. Entries range from a few hundred bytes to 256 KiB, so
 * that a write takes long enough to be interrupted in the middle. With {@code WRITES} it exits
 * normally after that many writes (the parent's training run for a class-data sharing archive).
 */
public final class CacheWriterProcess {
  /** The network every entry belongs to. */
  static final String NETWORK = "crash";

  /** The number of distinct attachments written over and over. */
  static final int ATTACHMENTS = 16;

  private CacheWriterProcess() {}

  /**
   * Writes until killed.
   *
   * @param args the cache directory, the durability, a seed and optionally a number of writes
   * @throws Exception when a write fails (the parent sees the exit status and stderr)
   */
  public static void main(String[] args) throws Exception {
    ResultCache cache = ResultCache.open(Path.of(args[0]), Durability.valueOf(args[1]));
    Random random = new Random(Long.parseLong(args[2]));
    byte[] config =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"crash\",\"plugins\":[{\"type\":\"bridge\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    long writes = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
    for (long i = 0; i < writes; i++) {
      AttachmentKey key =
          AttachmentKey.of(NETWORK, "c" + random.nextInt(ATTACHMENTS), "eth" + (i % 2));
      if (i > 0 && random.nextInt(8) == 0) {
        cache.remove(key);
        continue;
      }
      ObjectNode result = Json.NODES.objectNode();
      result.put("cniVersion", "1.0.0");
      result.putArray("interfaces").addObject().put("name", key.ifName());
      result.putArray("ips").addObject().put("address", "198.18.0." + (i % 250 + 1) + "/24");
      // padding, so that writes differ in size and some take a while
      result.put("padding", "p".repeat(random.nextInt(4) == 0 ? random.nextInt(256 * 1024) : 64));
      result.put("sequence", i);
      cache.put(CachedAttachment.of(key, "/var/run/netns/" + key.containerId(), config, result));
      if (i == 0) {
        System.out.println("READY");
        System.out.flush();
      }
    }
  }
}
