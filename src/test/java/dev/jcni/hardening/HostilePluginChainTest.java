package dev.jcni.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.jcni.Attachment;
import dev.jcni.CniClient;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginExecutionException;
import dev.jcni.PluginOutputTooLargeException;
import dev.jcni.PluginProtocolException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.cache.CachedAttachment;
import dev.jcni.cache.ResultCache;
import dev.jcni.config.NetworkConfigList;
import dev.jcni.invoke.ExecOptions;
import dev.jcni.invoke.PluginLauncher;
import dev.jcni.invoke.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile plugins of issue C ({@code testdata/plugins}, and a few more in {@code
 * testdata/hardening/plugins}) in the middle of real chains run by {@link CniClient}: {@code
 * recorder a, HOSTILE, recorder c}, on every launcher.
 *
 * <p>For each: the error has the type the plugin's behaviour calls for and names the plugin and the
 * verb; the chain stops at the plugin (the recorder's log shows which plugins ran); a failed ADD
 * caches nothing; a failed DEL keeps the entry for a retry; every call ends within the deadline,
 * the grace period and the drain period (with generous slack); and the client goes on working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostilePluginChainTest {
  private static final Duration DEADLINE = Duration.ofMillis(400);
  private static final Duration GRACE = Duration.ofMillis(200);
  private static final Duration DRAIN = Duration.ofMillis(200);

  /** Generous: a bound against hanging, not a performance figure. */
  private static final Duration SLACK = Duration.ofSeconds(5);

  private static final String NETWORK = "hostile";
  private static final Attachment ATTACHMENT =
      Attachment.builder("c1", "eth0").netns("/var/run/netns/c1").build();

  @TempDir Path tmp;

  /**
   * A hostile plugin and what each verb must end with: {@code null} for success (its output is
   * ignored, or it is valid in the end), else the exception class.
   */
  record Hostile(
      String type,
      Class<? extends PluginExecutionException> onAdd,
      Class<? extends PluginExecutionException> onCheckAndDel) {
    @Override
    public String toString() {
      return type;
    }
  }

  private static final List<Hostile> ON_ADD =
      List.of(
          new Hostile("hang", PluginTimeoutException.class, PluginTimeoutException.class),
          new Hostile("ignore-term", PluginTimeoutException.class, PluginTimeoutException.class),
          new Hostile(
              "close-stdout-and-hang", PluginTimeoutException.class, PluginTimeoutException.class),
          new Hostile(
              "flood-stderr-forever", PluginTimeoutException.class, PluginTimeoutException.class),
          new Hostile(
              "flood-stdout",
              PluginOutputTooLargeException.class,
              PluginOutputTooLargeException.class),
          new Hostile("flood-stderr-8m", null, null),
          new Hostile("garbage", PluginProtocolException.class, null),
          new Hostile("garbage-exit-1", PluginErrorException.class, PluginErrorException.class),
          new Hostile("half-json", PluginProtocolException.class, null),
          new Hostile("empty-output", PluginProtocolException.class, null),
          new Hostile("sigkill-self", PluginErrorException.class, PluginErrorException.class),
          new Hostile("sigabrt-self", PluginErrorException.class, PluginErrorException.class),
          new Hostile("cni-error", PluginErrorException.class, PluginErrorException.class),
          new Hostile(
              "error-exit-zero", PluginProtocolException.class, PluginProtocolException.class),
          new Hostile("leaves-child-on-stdout", null, null));

  /** CHECK and DEL with every hostile plugin but the slow ones that only repeat {@code hang}. */
  private static final List<Hostile> ON_CHECK_AND_DEL =
      ON_ADD.stream()
          .filter(
              h ->
                  !List.of("ignore-term", "close-stdout-and-hang", "flood-stderr-forever")
                      .contains(h.type()))
          .toList();

  static Stream<Arguments> addCases() {
    return cases(ON_ADD);
  }

  static Stream<Arguments> checkAndDelCases() {
    return cases(ON_CHECK_AND_DEL);
  }

  private static Stream<Arguments> cases(List<Hostile> hostiles) {
    List<Named<PluginLauncher>> launchers = Launchers.all().toList();
    return launchers.stream()
        .flatMap(l -> hostiles.stream().map(h -> Arguments.of(l, Named.of(h.type(), h))));
  }

  // ---------------------------------------------------------------- fixtures

  private Recorder recorder() {
    return new Recorder(tmp.resolve("calls.jsonl"));
  }

  private NetworkConfigList list(String... plugins) throws Exception {
    return recorder().list(NETWORK, plugins);
  }

  private List<String> recorded() throws Exception {
    return recorder().calls();
  }

  private Path cacheDir() {
    return tmp.resolve("cache");
  }

  private CniClient client(PluginLauncher launcher, boolean rollback) throws Exception {
    return CniClient.builder()
        .pluginDirectories(List.of(Testdata.hardeningPlugins(), Testdata.plugins()))
        .cacheDirectory(cacheDir())
        .launcher(launcher)
        .execOptions(
            ExecOptions.builder()
                .deadline(DEADLINE)
                .terminateGrace(GRACE)
                .drainAfterExit(DRAIN)
                .build())
        .rollbackOnFailure(rollback)
        .build();
  }

  private List<Path> cacheFiles() throws Exception {
    Path results = cacheDir().resolve(ResultCache.RESULTS_DIR);
    if (!Files.exists(results)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(results)) {
      return s.toList();
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  /** Runs a call, checks it ended in time, and returns what it threw (or {@code null}). */
  private static Throwable timed(Call call, Duration bound) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(call::run);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("the call took %s ms", took.toMillis()).isLessThan(bound);
    return thrown;
  }

  private static Duration bound() {
    return DEADLINE.plus(GRACE).plus(DRAIN).plus(SLACK);
  }

  /** The error names the plugin and verb, and has the details its behaviour calls for. */
  private static void assertTypedError(
      Throwable thrown,
      Hostile hostile,
      Class<? extends PluginExecutionException> expected,
      Verb verb) {
    assertThat(thrown).isExactlyInstanceOf(expected);
    PluginExecutionException e = (PluginExecutionException) thrown;
    assertThat(e.pluginType()).isEqualTo(hostile.type());
    assertThat(e.verb()).isEqualTo(verb);
    assertThat(e.getMessage())
        .contains("network \"" + NETWORK + "\"")
        .contains("type=\"" + hostile.type() + "\"");
    switch (hostile.type()) {
      case "sigkill-self":
        assertSignal(e, 9);
        break;
      case "sigabrt-self":
        assertSignal(e, 6);
        break;
      case "cni-error":
        assertThat(((PluginErrorException) e).cniError())
            .hasValueSatisfying(c -> assertThat(c.code()).isEqualTo(7));
        assertThat(e.stderrTail()).contains("cannot create bridge");
        break;
      case "error-exit-zero":
        assertThat(((PluginProtocolException) e).cniError())
            .hasValueSatisfying(c -> assertThat(c.code()).isEqualTo(11));
        break;
      case "garbage-exit-1":
        assertThat(e.exitStatus()).hasValue(1);
        assertThat(e.getMessage()).contains("this is not JSON");
        break;
      case "hang":
      case "ignore-term":
      case "close-stdout-and-hang":
      case "flood-stderr-forever":
        assertThat(((PluginTimeoutException) e).deadline()).isEqualTo(DEADLINE);
        break;
      default:
        break;
    }
  }

  /**
   * A death by signal: the posix_spawn launcher knows the signal; the ProcessBuilder launcher
   * reports what the JDK gives, the exit status 128 + n.
   */
  private static void assertSignal(PluginExecutionException e, int signal) {
    if (e.signal().isPresent()) {
      assertThat(e.signal()).hasValue(signal);
    } else {
      assertThat(e.exitStatus()).hasValue(128 + signal);
    }
  }

  // ---------------------------------------------------------------- ADD

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("addCases")
  void aHostilePluginInAnAddChainGivesItsTypedErrorStopsTheChainAndCachesNothing(
      PluginLauncher launcher, Hostile hostile) throws Exception {
    CniClient client = client(launcher, false);
    NetworkConfigList list = list("a", hostile.type(), "c");

    Throwable thrown = timed(() -> client.add(list, ATTACHMENT), bound());

    if (hostile.onAdd() == null) {
      assertThat(thrown).isNull();
      assertThat(recorded()).containsExactly("ADD#a", "ADD#c");
      assertThat(client.cachedAttachment(NETWORK, "c1", "eth0")).isPresent();
    } else {
      assertTypedError(thrown, hostile, hostile.onAdd(), Verb.ADD);
      assertThat(recorded()).as("the chain stops at the hostile plugin").containsExactly("ADD#a");
      assertThat(client.cachedAttachment(NETWORK, "c1", "eth0")).isEmpty();
      assertThat(cacheFiles()).as("nothing cached after a failed ADD").isEmpty();
    }
    // the client goes on working: a DEL of a well-behaved list, then it is all gone
    client.delete(list("a", "c"), ATTACHMENT);
    assertThat(recorded()).containsExactly("DEL#c", "DEL#a");
    assertThat(cacheFiles()).isEmpty();
  }

  // ---------------------------------------------------------------- CHECK and DEL

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("checkAndDelCases")
  void aHostilePluginInCheckAndDelChainsGivesItsTypedErrorAndAFailedDelKeepsTheEntry(
      PluginLauncher launcher, Hostile hostile) throws Exception {
    CniClient client = client(launcher, false);
    client.add(list("a", "b", "c"), ATTACHMENT);
    assertThat(recorded()).containsExactly("ADD#a", "ADD#b", "ADD#c");
    CachedAttachment before = client.cachedAttachment(NETWORK, "c1", "eth0").orElseThrow();
    NetworkConfigList hostileList = list("a", hostile.type(), "c");

    Throwable check = timed(() -> client.check(hostileList, ATTACHMENT), bound());
    Throwable del = timed(() -> client.delete(hostileList, ATTACHMENT), bound());

    if (hostile.onCheckAndDel() == null) {
      assertThat(check).isNull();
      assertThat(del).isNull();
      assertThat(recorded()).containsExactly("CHECK#a", "CHECK#c", "DEL#c", "DEL#a");
      assertThat(cacheFiles()).isEmpty();
      return;
    }
    assertTypedError(check, hostile, hostile.onCheckAndDel(), Verb.CHECK);
    assertTypedError(del, hostile, hostile.onCheckAndDel(), Verb.DEL);
    // CHECK runs in order and stops; DEL runs in reverse and stops
    assertThat(recorded()).containsExactly("CHECK#a", "DEL#c");
    Optional<CachedAttachment> after = client.cachedAttachment(NETWORK, "c1", "eth0");
    assertThat(after).as("a failed DEL keeps the entry for a retry").contains(before);
    // the retry with well-behaved plugins gets the cached result and removes the entry
    client.delete(list("a", "c"), ATTACHMENT);
    assertThat(recorded()).containsExactly("DEL#c", "DEL#a");
    assertThat(cacheFiles()).isEmpty();
  }

  // ---------------------------------------------------------------- rollback

  @ParameterizedTest
  @MethodSource("dev.jcni.hardening.Launchers#all")
  void withRollbackAFailedAddRunsDelInReverseAndReportsARollbackFailure(PluginLauncher launcher)
      throws Exception {
    CniClient client = client(launcher, true);

    // garbage fails ADD (no result) but succeeds DEL: the whole chain is rolled back
    Throwable garbage = timed(() -> client.add(list("a", "garbage", "c"), ATTACHMENT), bound());
    assertThat(garbage).isExactlyInstanceOf(PluginProtocolException.class);
    assertThat(garbage.getSuppressed()).isEmpty();
    assertThat(recorded()).containsExactly("ADD#a", "DEL#c", "DEL#a");
    assertThat(cacheFiles()).isEmpty();

    // hang fails ADD and the rollback's DEL too: both are reported, the DEL chain stops at it
    Throwable hang =
        timed(() -> client.add(list("a", "hang", "c"), ATTACHMENT), bound().plus(bound()));
    assertThat(hang).isExactlyInstanceOf(PluginTimeoutException.class);
    assertThat(((PluginTimeoutException) hang).verb()).isEqualTo(Verb.ADD);
    assertThat(hang.getSuppressed())
        .singleElement()
        .isInstanceOfSatisfying(
            PluginTimeoutException.class, e -> assertThat(e.verb()).isEqualTo(Verb.DEL));
    assertThat(recorded()).containsExactly("ADD#a", "DEL#c");
    assertThat(cacheFiles()).isEmpty();
  }
}
