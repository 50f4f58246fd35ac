package dev.jcni.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code jcni bench}: add+del pairs through the library against one network, timed, printed as one
 * JSON line in the shape of the reference {@code libcni-bench} so the two can run side by side.
 */
final class BenchCommand implements Command {
  static final Option NET = Option.value("net", "NAME", "bench: the network to add and delete");
  static final Option N =
      Option.value("n", "N", "bench: add+del pairs (per thread with --threads; default 500)");
  static final Option THREADS =
      Option.value("threads", "M", "bench: concurrent workers (default 1: sequential)");
  static final Option WARMUP =
      Option.value("warmup", "N", "bench: untimed pairs first, per worker (default 50)");
  static final Option LAUNCHER =
      Option.value(
          "launcher", "NAME", "bench: posix_spawn or processbuilder (sets -Djcni.launcher)");
  static final Option GC =
      Option.value(
          "gc", "N", "bench: instead of pairs, cache N attachments and time one GC deleting all");
  static final Option NETNS =
      Option.value("netns", "PATH", "bench: CNI_NETNS sent (default /var/run/netns/jcni-bench)");

  @Override
  public List<String> words() {
    return List.of("bench");
  }

  @Override
  public String summary() {
    return "time add+del pairs through the library (one JSON line, like libcni-bench)";
  }

  @Override
  public String usage() {
    return "--net NAME [--n N] [--threads M] [--warmup N] [--launcher NAME] [--prestart]\n\n"
        + "Runs N add+del pairs of network NAME (sequentially, or N per worker with M workers),\n"
        + "each with its own container id bench-<worker>-<i>, and prints {\"mode\", \"pairs\",\n"
        + "\"plugins\", \"total_ms\", \"us_per_op\", \"mean_add_us\", \"mean_del_us\"}: us_per_op is wall\n"
        + "time per pair. The cache is a temporary directory unless --cache-dir is given.\n"
        + "Plugins come from $CNI_PATH, the network from --dir / $NETCONFPATH.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        NET,
        N,
        THREADS,
        WARMUP,
        LAUNCHER,
        NETNS,
        GC,
        CnitoolEnvironment.DIR,
        CnitoolEnvironment.CACHE_DIR,
        CnitoolEnvironment.TIMEOUT,
        CnitoolEnvironment.PRESTART);
  }

  @Override
  public int run(Call call) throws Exception {
    call.expectPositionals(0, 0, "no arguments");
    String net = call.option("net").orElseThrow(() -> new UsageException("bench needs --net NAME"));
    int n = positiveInt(call, "n", 500);
    int threads = positiveInt(call, "threads", 1);
    int warmup = nonNegativeInt(call, "warmup", 50);
    call.option("launcher").ifPresent(l -> System.setProperty("jcni.launcher", l));
    String netns = call.option("netns").orElse("/var/run/netns/jcni-bench");

    CnitoolEnvironment env = CnitoolEnvironment.of(call);
    NetworkConfigList list = OperationCommands.load(env, net);
    boolean tempCache = call.option("cache-dir").isEmpty();
    Path cacheDir = tempCache ? Files.createTempDirectory("jcni-bench") : env.cacheDir();
    try {
      CniClient client =
          CniClient.builder()
              .pluginPath(env.pluginPath())
              .cacheDirectory(cacheDir)
              .execOptions(env.execOptions())
              .prestartPlugins(env.prestart())
              .build();
      if (call.option("gc").isPresent()) {
        return gc(call, client, list, netns, positiveInt(call, "gc", 1));
      }
      AtomicLong addNanos = new AtomicLong();
      AtomicLong delNanos = new AtomicLong();
      long start;
      long end;
      if (threads == 1) {
        pairs(client, list, netns, 0, warmup, null, null, "w");
        start = System.nanoTime();
        pairs(client, list, netns, 0, n, addNanos, delNanos, "");
        end = System.nanoTime();
      } else {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          List<Future<Void>> warm = new ArrayList<>();
          for (int w = 0; w < threads; w++) {
            int worker = w;
            warm.add(
                pool.submit(
                    () -> {
                      pairs(client, list, netns, worker, warmup, null, null, "w");
                      return null;
                    }));
          }
          for (Future<Void> f : warm) {
            f.get();
          }
          List<Future<Void>> timed = new ArrayList<>();
          start = System.nanoTime();
          for (int w = 0; w < threads; w++) {
            int worker = w;
            timed.add(
                pool.submit(
                    () -> {
                      pairs(client, list, netns, worker, n, addNanos, delNanos, "");
                      return null;
                    }));
          }
          for (Future<Void> f : timed) {
            f.get();
          }
          end = System.nanoTime();
        } finally {
          pool.shutdownNow();
        }
      }
      long pairs = (long) n * threads;
      ObjectNode line = Json.NODES.objectNode();
      line.put("mean_add_us", round(addNanos.get() / 1000.0 / pairs));
      line.put("mean_del_us", round(delNanos.get() / 1000.0 / pairs));
      line.put("launcher", System.getProperty("jcni.launcher", "default"));
      line.put("mode", threads == 1 ? "seq" : "conc");
      line.put("prestart", env.prestart());
      line.put("pairs", pairs);
      line.put("plugins", list.plugins().size());
      line.put("threads", threads);
      line.put("total_ms", round((end - start) / 1e6));
      line.put("us_per_op", round((end - start) / 1000.0 / pairs));
      call.out().println(new String(Json.compact(line), java.nio.charset.StandardCharsets.UTF_8));
      return ExitCode.OK;
    } finally {
      if (tempCache) {
        deleteTree(cacheDir);
      }
    }
  }

  /** Caches {@code count} attachments as an ADD would, then times one GC that deletes them all. */
  private static int gc(Call call, CniClient client, NetworkConfigList list, String netns, int count)
      throws Exception {
    byte[] config = list.selfContainedBytes();
    ObjectNode result =
        (ObjectNode)
            Json.parse(
                ("{\"cniVersion\":\"" + list.version() + "\",\"ips\":[{\"address\":\"198.18.0.2/24\"}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < count; i++) {
      client
          .cache()
          .put(
              dev.jcni.cache.CachedAttachment.of(
                  dev.jcni.cache.AttachmentKey.of(list.name(), "gc-" + i, "eth0"),
                  netns,
                  config,
                  result));
    }
    long start = System.nanoTime();
    dev.jcni.GcReport report = client.gcAll(list);
    long end = System.nanoTime();
    ObjectNode line = Json.NODES.objectNode();
    line.put("attachments", count);
    line.put("deleted", report.deleted().size());
    line.put("errors", report.errors().size());
    line.put("launcher", System.getProperty("jcni.launcher", "default"));
    line.put("mode", "gc");
    line.put("plugins", list.plugins().size());
    line.put("total_ms", round((end - start) / 1e6));
    line.put("us_per_attachment", round((end - start) / 1000.0 / count));
    call.out().println(new String(Json.compact(line), java.nio.charset.StandardCharsets.UTF_8));
    return report.succeeded() && report.deleted().size() == count
        ? ExitCode.OK
        : ExitCode.FAILURE;
  }

  private static void pairs(
      CniClient client,
      NetworkConfigList list,
      String netns,
      int worker,
      int count,
      AtomicLong addNanos,
      AtomicLong delNanos,
      String tag)
      throws Exception {
    for (int i = 0; i < count; i++) {
      Attachment a =
          Attachment.builder("bench" + tag + "-" + worker + "-" + i, "eth0").netns(netns).build();
      long t0 = System.nanoTime();
      client.add(list, a);
      long t1 = System.nanoTime();
      client.delete(list, a);
      long t2 = System.nanoTime();
      if (addNanos != null) {
        addNanos.addAndGet(t1 - t0);
        delNanos.addAndGet(t2 - t1);
      }
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static int positiveInt(Call call, String name, int fallback) {
    int v = nonNegativeInt(call, name, fallback);
    if (v == 0) {
      throw new UsageException("--" + name + " must be at least 1");
    }
    return v;
  }

  private static int nonNegativeInt(Call call, String name, int fallback) {
    String text = call.option(name).orElse(null);
    if (text == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(text);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " needs a whole number, not \"" + text + "\"");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
