package dev.jcni.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.invoke.PluginExecutor;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.PosixSpawnLauncher;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code jcni bench}: add+del pairs through the library against one network, timed, printed as one
 * JSON line in the shape of the reference {@code libcni-bench} so the two can run side by side.
 */
final class BenchCommand implements Command {
  @Override
  public boolean runsPlugins() {
    return true;
  }

  static final Option NET = Option.value("net", "NAME", "bench: the network to add and delete");
  static final Option N =
      Option.value("n", "N", "bench: add+del pairs (per thread with --threads; default 500)");
  static final Option THREADS =
      Option.value("threads", "M", "bench: concurrent workers (default 1: sequential)");
  static final Option WARMUP =
      Option.value(
          "warmup",
          "N|auto",
          "bench: untimed pairs first, per worker (default auto: until the JIT has settled)");
  static final Option LAUNCHER =
      Option.value(
          "launcher", "NAME", "bench: posix_spawn or processbuilder (sets -Djcni.launcher)");
  static final Option GC =
      Option.value(
          "gc", "N", "bench: instead of pairs, cache N attachments and time one GC deleting all");
  static final Option PRESTART_AHEAD =
      Option.value(
          "prestart-ahead",
          "N",
          "bench: prestart with N plugins started ahead (--prestart alone: 2)");
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
    return "--net NAME [--n N] [--threads M] [--warmup N|auto] [--launcher NAME] [--prestart]\n"
        + "      [--prestart-ahead N] [--netns PATH] [--gc N] [--dir DIR] [--cache-dir DIR]\n"
        + "      [--timeout DURATION]\n\n"
        + "Runs N add+del pairs of network NAME (sequentially, or N per worker with M workers),\n"
        + "each with its own container id bench-<worker>-<i>, and prints {\"mode\", \"pairs\",\n"
        + "\"plugins\", \"total_ms\", \"us_per_op\", \"mean_add_us\", \"mean_del_us\"}: us_per_op is wall\n"
        + "time per pair. Untimed warm-up pairs come first: --warmup N, or by default (auto)\n"
        + "blocks of 100 until the last five spent under 1% of their time compiling (at most\n"
        + "60 s); warmup_pairs, jit_settled and jit_ms (compilation during the timed pairs) tell\n"
        + "what happened. Sequential runs on posix_spawn add alloc_bytes_per_pair (Java heap\n"
        + "allocated per pair). --prestart-ahead N (0 to 4) prestarts with N plugins ahead.\n"
        + "--gc N caches N attachments instead (after the warm-up pairs) and times one GC\n"
        + "deleting them. The cache is a temporary directory unless --cache-dir is given.\n"
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
        CnitoolEnvironment.PRESTART,
        PRESTART_AHEAD);
  }

  @Override
  public int run(Call call) throws Exception {
    call.expectPositionals(0, 0, "no arguments");
    String net = call.option("net").orElseThrow(() -> new UsageException("bench needs --net NAME"));
    int n = positiveInt(call, "n", 500);
    int threads = positiveInt(call, "threads", 1);
    String warmupText = call.option("warmup").orElse("auto");
    int warmup;
    try {
      warmup = warmupText.equals("auto") ? AUTO : nonNegativeInt(call, "warmup", 0);
    } catch (UsageException e) {
      throw new UsageException(
          "--warmup needs a whole number or auto, not " + UntrustedText.quote(warmupText));
    }
    call.option("launcher").ifPresent(l -> System.setProperty("jcni.launcher", l));
    String netns = call.option("netns").orElse("/var/run/netns/jcni-bench");
    boolean aheadGiven = call.option("prestart-ahead").isPresent();
    int ahead = nonNegativeInt(call, "prestart-ahead", 0);

    CnitoolEnvironment env = CnitoolEnvironment.of(call);
    NetworkConfigList list = OperationCommands.load(env, net);
    boolean tempCache = call.option("cache-dir").isEmpty();
    Path cacheDir = tempCache ? Files.createTempDirectory("jcni-bench") : env.cacheDir();
    try {
      PluginLauncher launcher = PluginExecutor.defaultLauncher();
      CniClient.Builder builder =
          CniClient.builder()
              .launcher(launcher)
              .pluginPath(env.pluginPath())
              .cacheDirectory(cacheDir)
              // the library's default environment, as a runtime embedding jcni runs it (the figures
              // of docs/benchmarks.md are on it), not the command line's inherited one
              .execOptions(env.execOptions().toBuilder().inheritEnvironment(false).build())
              .prestartPlugins(env.prestart());
      if (aheadGiven) {
        try {
          builder.prestartPlugins(ahead);
        } catch (IllegalArgumentException e) {
          throw new UsageException("--prestart-ahead: " + e.getMessage());
        }
      }
      CniClient client = builder.build();
      if (call.option("gc").isPresent()) {
        int count = positiveInt(call, "gc", 1);
        // a GC deletes as DEL does: warm that path up as the pairs are, a runtime's GC runs late
        return gc(call, client, list, netns, count, warmUp(null, 1, warmup, client, list, netns));
      }
      AtomicLong addNanos = new AtomicLong();
      AtomicLong delNanos = new AtomicLong();
      ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads);
      Warmup warm;
      long start;
      long end;
      long jitMs;
      long allocated;
      try {
        warm = warmUp(pool, threads, warmup, client, list, netns);
        long jit0 = AutoWarmup.jvmCompilationMillis();
        long alloc0 = allocatedBytes();
        start = System.nanoTime();
        onAllWorkers(pool, threads, w -> pairs(client, list, netns, w, n, addNanos, delNanos, ""));
        end = System.nanoTime();
        allocated =
            pool == null && alloc0 >= 0 && launcher instanceof PosixSpawnLauncher
                ? allocatedBytes() - alloc0
                : -1;
        jitMs = jit0 < 0 ? -1 : AutoWarmup.jvmCompilationMillis() - jit0;
      } finally {
        if (pool != null) {
          stopWorkers(pool);
        }
      }
      long pairs = (long) n * threads;
      ObjectNode line = Json.NODES.objectNode();
      line.put("mean_add_us", round(addNanos.get() / 1000.0 / pairs));
      line.put("mean_del_us", round(delNanos.get() / 1000.0 / pairs));
      line.put("launcher", System.getProperty("jcni.launcher", "default"));
      line.put("mode", threads == 1 ? "seq" : "conc");
      line.put("prestart", client.prestartAhead() > 0);
      line.put("prestart_ahead", client.prestartAhead());
      line.put("pairs", pairs);
      line.put("plugins", list.plugins().size());
      line.put("threads", threads);
      line.put("total_ms", round((end - start) / 1e6));
      line.put("us_per_op", round((end - start) / 1000.0 / pairs));
      warm.describeIn(line);
      if (jitMs >= 0) {
        line.put("jit_ms", jitMs);
      }
      if (allocated >= 0) {
        line.put("alloc_bytes_per_pair", Math.round((double) allocated / pairs));
      }
      call.out().println(new String(Json.compact(line), java.nio.charset.StandardCharsets.UTF_8));
      return ExitCode.OK;
    } finally {
      if (tempCache) {
        deleteTree(cacheDir);
      }
    }
  }

  /**
   * After the warm-up pairs, caches {@code count} attachments as an ADD would, then times one GC
   * that deletes them all.
   */
  private static int gc(
      Call call,
      CniClient client,
      NetworkConfigList list,
      String netns,
      int count,
      Warmup warm)
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
    warm.describeIn(line);
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

  /** {@code --warmup auto}: warm up until the JIT compiler has settled ({@link AutoWarmup}). */
  private static final int AUTO = -1;

  /** Pairs per automatic warm-up block, shared out among the workers. */
  private static final int WARMUP_BLOCK = 100;

  private static final long WARMUP_MAX_NANOS = 60_000_000_000L;

  /**
   * How many untimed pairs ran per worker, and (for {@link #AUTO}) whether the JIT was quiet at
   * the end ({@code null}: not known).
   */
  private record Warmup(int pairs, Boolean settled) {
    /** Adds {@code warmup_pairs}, and {@code jit_settled} where known, to a result line. */
    void describeIn(ObjectNode line) {
      line.put("warmup_pairs", pairs);
      if (settled != null) {
        line.put("jit_settled", settled);
      }
    }
  }

  /** Runs the untimed pairs: exactly {@code warmup} per worker, or {@link AutoWarmup}'s blocks. */
  private static Warmup warmUp(
      ExecutorService pool,
      int threads,
      int warmup,
      CniClient client,
      NetworkConfigList list,
      String netns)
      throws Exception {
    if (warmup != AUTO) {
      onAllWorkers(pool, threads, w -> pairs(client, list, netns, w, warmup, null, null, "w"));
      return new Warmup(warmup, null);
    }
    int perWorker = (WARMUP_BLOCK + threads - 1) / threads;
    AutoWarmup.Outcome outcome =
        AutoWarmup.ofThisJvm(WARMUP_MAX_NANOS)
            .run(
                block ->
                    onAllWorkers(
                        pool,
                        threads,
                        w ->
                            pairs(client, list, netns, w, perWorker, null, null, "w" + block + "-")));
    return new Warmup(outcome.blocks() * perWorker, outcome.settled());
  }

  /**
   * Bytes the calling thread has allocated so far, or -1 where the JVM does not tell. Sequential
   * runs with the posix_spawn launcher only: there the calling thread does all of a pair's work
   * (the ProcessBuilder launcher feeds and drains the pipes on threads of its own).
   */
  private static long allocatedBytes() {
    try {
      if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
          && t.isThreadAllocatedMemorySupported()
          && t.isThreadAllocatedMemoryEnabled()) {
        return t.getCurrentThreadAllocatedBytes();
      }
      return -1;
    } catch (LinkageError e) {
      return -1;
    }
  }

  /** How long an interrupted run waits for its workers to stop their plugins. */
  private static final long WORKER_STOP_NANOS = TimeUnit.SECONDS.toNanos(15);

  /**
   * Stops the workers and waits for them: an interrupted worker stops its plugin as a deadline
   * would, and the temporary cache and the JVM must not go away under it. Keeps an interrupt.
   */
  private static void stopWorkers(ExecutorService pool) {
    pool.shutdownNow();
    boolean interrupted = Thread.interrupted();
    long end = System.nanoTime() + WORKER_STOP_NANOS;
    try {
      while (!pool.isTerminated() && System.nanoTime() < end) {
        try {
          pool.awaitTermination(end - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private interface Worker {
    void run(int worker) throws Exception;
  }

  /** Runs {@code work} on the calling thread, or on each of the pool's workers and waits. */
  private static void onAllWorkers(ExecutorService pool, int threads, Worker work)
      throws Exception {
    if (pool == null) {
      work.run(0);
      return;
    }
    List<Future<Void>> running = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      int worker = w;
      running.add(
          pool.submit(
              () -> {
                work.run(worker);
                return null;
              }));
    }
    for (Future<Void> f : running) {
      f.get();
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
