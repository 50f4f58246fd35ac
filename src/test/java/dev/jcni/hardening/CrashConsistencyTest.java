package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.Durability;
import dev.jcni.cache.ResultCache;
import dev.jcni.internal.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A child JVM writing cache entries in a loop ({@link CacheWriterProcess}) is killed with SIGKILL
 * at random moments, 100 times, in two lanes of 50 (one cache directory each, with the default
 * {@link Durability#ATOMIC} and with {@link Durability#SYNCED} in turn). After every kill, every
 * file under {@code results/} must be a complete entry: a regular, non-empty file that parses, is a
 * {@code cniCacheV1} entry and is stored under its own name; nothing may have been moved to {@code
 * results-corrupt/}; the cache lists every file. Temporary files may be left in {@code
 * results-tmp/}, never in {@code results/}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashConsistencyTest {
  static final int KILLS = 100;
  private static final int LANES = 2;

  /** The longest wait after the child's first write before the kill. */
  private static final int MAX_DELAY_MS = 60;

  @TempDir Path tmp;
  @TempDir static Path shared;

  /** The child's class path (jars only, as class-data sharing requires) and its JVM options. */
  private static String classPath;

  private static final List<String> JVM_OPTIONS = new ArrayList<>();

  /**
   * Start-up is most of each round, so the children share an archive of the classes they load
   * (class-data sharing), made by one training run that exits normally. The archive only speeds the
   * children up: without it (the training failed) they run the same, slower.
   */
  @BeforeAll
  static void prepareChildren() throws Exception {
    List<String> jars = new ArrayList<>();
    jars.add(jar(CacheWriterProcess.class, "dev/jcni/hardening/CacheWriterProcess", "writer.jar"));
    jars.add(jar(ResultCache.class, "dev/", "jcni.jar"));
    for (Class<?> c :
        List.of(ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class, LoggerFactory.class)) {
      jars.add(location(c).toString());
    }
    classPath = jars.stream().distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    // a small heap, the C1 compiler only, serial GC
    JVM_OPTIONS.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    Path archive = shared.resolve("writer.jsa");
    List<String> command = new ArrayList<>(List.of(java(), "-XX:ArchiveClassesAtExit=" + archive));
    command.addAll(JVM_OPTIONS);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            CacheWriterProcess.class.getName(),
            shared.resolve("training").toString(),
            "ATOMIC",
            "1",
            "200"));
    Process training =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (training.waitFor(60, TimeUnit.SECONDS)
        && training.exitValue() == 0
        && Files.exists(archive)) {
      JVM_OPTIONS.add("-XX:SharedArchiveFile=" + archive);
    } else {
      training.destroyForcibly();
      System.out.println("no class-data sharing archive for the children; they start slower");
    }
  }

  /**
   * The code source of {@code c} if it is a jar, else a jar of its classes under {@code prefix}.
   */
  private static String jar(Class<?> c, String prefix, String name) throws IOException {
    Path source = location(c);
    if (!Files.isDirectory(source)) {
      return source.toString();
    }
    Path jar = shared.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String entry = source.relativize(f).toString().replace('\\', '/');
        if (entry.startsWith(prefix)) {
          out.putNextEntry(new JarEntry(entry));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return jar.toString();
  }

  private static Path location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void aWriterKilledAtRandomMomentsNeverLeavesAPartialEmptyOrUnparsableEntry() throws Exception {
    long seed = PropertyCheck.runSeed();
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    AtomicInteger killsWithTempLeft = new AtomicInteger();
    AtomicInteger entriesChecked = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int lane = 0; lane < LANES; lane++) {
      int l = lane;
      done.add(
          lanes.submit(
              () -> {
                runLane(l, seed + l, killsWithTempLeft, entriesChecked);
                return null;
              }));
    }
    lanes.shutdown();
    for (Future<?> f : done) {
      f.get(170, TimeUnit.SECONDS);
    }
    System.out.printf(
        "[figures] crash consistency: %d SIGKILLs (seed %d), %d entries checked after them,"
            + " %d kills left a temporary file behind (killed mid-write)%n",
        KILLS, seed, entriesChecked.get(), killsWithTempLeft.get());
  }

  private void runLane(int lane, long seed, AtomicInteger tempLeft, AtomicInteger checked)
      throws Exception {
    Random random = new Random(seed);
    Path cacheDir = tmp.resolve("lane" + lane);
    int tempsBefore = 0;
    for (int kill = 0; kill < KILLS / LANES; kill++) {
      Durability durability = kill % 2 == 0 ? Durability.ATOMIC : Durability.SYNCED;
      Process child = start(cacheDir, durability, random.nextLong());
      String context =
          "lane " + lane + ", kill " + kill + " (" + durability + ", seed " + seed + ")";
      try {
        awaitReady(child, context);
        Thread.sleep(random.nextInt(MAX_DELAY_MS + 1));
        assertThat(child.isAlive())
            .as("the writer still runs before the kill; %s", context)
            .isTrue();
      } finally {
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor(30, TimeUnit.SECONDS);
      }
      assertThat(child.exitValue()).as("killed by SIGKILL; %s", context).isEqualTo(128 + 9);
      checked.addAndGet(checkEveryEntry(cacheDir, context));
      int temps = temporaryFiles(cacheDir);
      if (temps > tempsBefore) {
        tempLeft.incrementAndGet();
      }
      tempsBefore = temps;
    }
  }

  private static Process start(Path cacheDir, Durability durability, long seed) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(classPath);
    command.add(CacheWriterProcess.class.getName());
    command.add(cacheDir.toString());
    command.add(durability.name());
    command.add(Long.toString(seed));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void awaitReady(Process child, String context) throws Exception {
    // read on a separate thread: a child that dies before READY must not hang the test
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<String> line =
          reader.submit(
              () ->
                  new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                      .readLine());
      assertThat(line.get(60, TimeUnit.SECONDS))
          .as("the writer's first line; %s", context)
          .isEqualTo("READY");
    } finally {
      reader.shutdownNow();
    }
  }

  /**
   * Checks every file of {@code results/} independently of the cache's reader; returns the count.
   */
  private static int checkEveryEntry(Path cacheDir, String context) throws Exception {
    Path results = cacheDir.resolve(ResultCache.RESULTS_DIR);
    List<Path> files;
    try (Stream<Path> s = Files.list(results)) {
      files = s.sorted().toList();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      assertThat(a.isRegularFile()).as("%s is a regular file; %s", name, context).isTrue();
      assertThat(a.size()).as("%s is not empty; %s", name, context).isPositive();
      JsonNode entry;
      try {
        entry = Json.parse(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new AssertionError(name + " does not parse (" + context + "): " + e, e);
      }
      assertThat(entry.path("kind").asText()).as("%s; %s", name, context).isEqualTo("cniCacheV1");
      assertThat(
              CacheWriterProcess.NETWORK
                  + "-"
                  + entry.path("containerId").asText()
                  + "-"
                  + entry.path("ifName").asText())
          .as("%s holds its own attachment; %s", name, context)
          .isEqualTo(name);
      assertThat(entry.path("result").path("sequence").isIntegralNumber())
          .as("%s holds a whole result; %s", name, context)
          .isTrue();
    }
    // the cache's own reader agrees, and moved nothing aside
    List<CachedAttachment> listed = ResultCache.open(cacheDir).list();
    assertThat(listed.stream().map(c -> c.key().fileName()).collect(Collectors.toList()))
        .as("entries the cache lists; %s", context)
        .containsExactlyElementsOf(files.stream().map(f -> f.getFileName().toString()).toList());
    assertThat(cacheDir.resolve(ResultCache.QUARANTINE_DIR)).as(context).doesNotExist();
    return files.size();
  }

  private static int temporaryFiles(Path cacheDir) throws IOException {
    Path temp = cacheDir.resolve("results-tmp");
    if (!Files.isDirectory(temp)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(temp)) {
      return (int) s.count();
    }
  }
}
