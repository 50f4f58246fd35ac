package dev.jcni.invoke;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jcni.CniException;
import dev.jcni.IncompatiblePluginVersionException;
import dev.jcni.PluginErrorException;
import dev.jcni.PluginExecutionException;
import dev.jcni.PluginLaunchException;
import dev.jcni.PluginOutputTooLargeException;
import dev.jcni.PluginProtocolException;
import dev.jcni.PluginTimeoutException;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import dev.jcni.result.CniError;
import dev.jcni.result.CniVersion;
import dev.jcni.result.MalformedResultException;
import dev.jcni.result.VersionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs located plugins and turns what they did into stdout bytes or a typed exception (SPEC.md
 * section 2; libcni's {@code pkg/invoke}). Thread-safe; meant to be built once per client.
 *
 * <p>A call succeeds when the plugin exits with status 0 within its deadline, writes at most the
 * stdout limit, its stdout was read up to where the plugin left it within the drain period (see
 * {@link ExecOptions#drainAfterExit()}), and its stdout is usable: ADD and VERSION must print
 * something, and no verb may print a CNI error object while exiting with 0. libcni would go on to
 * decode such an error object as a result (an empty one, for a 1.0 configuration) and report
 * success; jcni reports a {@link PluginProtocolException} that carries the decoded error, because
 * a plugin that describes a failure has not succeeded. Decoding an ADD result is left to the
 * caller, which throws {@link PluginProtocolException} itself when the result does not decode.
 *
 * <p>A start refused with "text file busy" (the plugin file is being written) is retried with a
 * fresh process after a short pause that doubles each time, within the deadline; when the retries
 * are used up the call fails with {@link PluginLaunchException} (libcni reports success with no
 * output there).
 *
 * <p>VERSION replies are cached per plugin file identity (path, size, modification time, inode) for
 * the life of the executor.
 */
public final class PluginExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(PluginExecutor.class);

  /** libcni's test for a plugin that predates the VERSION command: the CNI error's text. */

  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final PluginLauncher launcher;
  private final ExecOptions defaults;
  private final Map<LocatedPlugin.FileIdentity, VersionInfo> versions = new ConcurrentHashMap<>();

  /**
   * The system property that chooses the launcher of executors built without one: {@code
   * posix_spawn} ({@link PosixSpawnLauncher}) or {@code processbuilder} ({@link
   * ProcessBuilderLauncher}), for example {@code -Djcni.launcher=processbuilder}. Without it, the
   * posix_spawn launcher is used where it is supported (Linux, glibc 2.34 or later, JNA loadable)
   * and the ProcessBuilder one elsewhere; a value that cannot be honoured is logged as a warning
   * and the default is used. It is read each time such an executor is built.
   */
  public static final String LAUNCHER_PROPERTY = "jcni.launcher";

  /**
   * The launcher an executor built without one gets now (see {@link #LAUNCHER_PROPERTY}).
   *
   * @return the posix_spawn or the ProcessBuilder launcher, shared
   */
  public static PluginLauncher defaultLauncher() {
    return LauncherChoice.systemDefault();
  }

  /**
   * An executor with the system's default launcher (see {@link #LAUNCHER_PROPERTY}) and {@link
   * ExecOptions#defaults()}.
   */
  public PluginExecutor() {
    this(LauncherChoice.systemDefault(), ExecOptions.defaults());
  }

  /**
   * An executor with the system's default launcher (see {@link #LAUNCHER_PROPERTY}) and the given
   * default options.
   *
   * @param defaults the options of calls that do not pass their own
   */
  public PluginExecutor(ExecOptions defaults) {
    this(LauncherChoice.systemDefault(), defaults);
  }

  /**
   * An executor with the given process layer and default options.
   *
   * @param launcher the process layer
   * @param defaults the options of calls that do not pass their own
   */
  public PluginExecutor(PluginLauncher launcher, ExecOptions defaults) {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
  }

  /** The options of calls that do not pass their own. */
  public ExecOptions defaults() {
    return defaults;
  }

  /**
   * Runs a plugin with the executor's default options.
   *
   * @param plugin the plugin, as located in CNI_PATH
   * @param invocation the environment values and stdin
   * @return the plugin's stdout (possibly empty for DEL, CHECK, GC and STATUS)
   * @throws PluginExecutionException when the call failed; the subtype says how
   * @throws InterruptedException when the calling thread was interrupted; the plugin was stopped
   */
  public byte[] execute(LocatedPlugin plugin, PluginInvocation invocation)
      throws PluginExecutionException, InterruptedException {
    return execute(plugin, invocation, defaults);
  }

  /**
   * Runs a plugin with the given options; the deadline starts now.
   *
   * @param plugin the plugin, as located in CNI_PATH
   * @param invocation the environment values and stdin
   * @param options the options of this call, for example {@code defaults().withDeadline(d)}
   * @return the plugin's stdout (possibly empty for DEL, CHECK, GC and STATUS)
   * @throws PluginExecutionException when the call failed; the subtype says how
   * @throws InterruptedException when the calling thread was interrupted; the plugin was stopped
   */
  public byte[] execute(LocatedPlugin plugin, PluginInvocation invocation, ExecOptions options)
      throws PluginExecutionException, InterruptedException {
    return execute(plugin, invocation, options, Deadline.after(options.deadline()));
  }

  /**
   * Runs a plugin with the given options and an existing deadline (for example one shared by every
   * plugin of a list); the deadline of {@code options} is not used.
   *
   * @param plugin the plugin, as located in CNI_PATH
   * @param invocation the environment values and stdin
   * @param options the options of this call
   * @param deadline when the call must be over
   * @return the plugin's stdout (possibly empty for DEL, CHECK, GC and STATUS)
   * @throws PluginExecutionException when the call failed; the subtype says how
   * @throws InterruptedException when the calling thread was interrupted; the plugin was stopped
   */
  public byte[] execute(
      LocatedPlugin plugin, PluginInvocation invocation, ExecOptions options, Deadline deadline)
      throws PluginExecutionException, InterruptedException {
    return execute(plugin, invocation, options, deadline, null, () -> {});
  }

  /**
   * Whether this executor's launcher can start processes ahead ({@link
   * PluginLauncher#startsAhead()}).
   *
   * @return {@code true} when {@link #prestart} can return a process
   */
  public boolean startsAhead() {
    return launcher.startsAhead();
  }

  /**
   * Starts the plugin's process ahead of its call (see {@link PluginLauncher#prestart}), with the
   * program, arguments and environment that {@link #execute(LocatedPlugin, PluginInvocation,
   * ExecOptions, Deadline, PrestartedPlugin, Runnable)} will use for {@code invocation}; the
   * invocation's stdin is not used. Nothing is reported here: when the launcher cannot start
   * processes ahead, or the start fails, the result is empty (logged at DEBUG) and the call starts
   * the plugin itself, reporting any failure as it always does.
   *
   * @param plugin the plugin, as located in CNI_PATH
   * @param invocation the environment values of the coming call
   * @param options the options of the coming call
   * @return the waiting process, owned by the caller (close it if it is not used)
   */
  public Optional<PrestartedPlugin> prestart(
      LocatedPlugin plugin, PluginInvocation invocation, ExecOptions options) {
    if (!launcher.startsAhead()) {
      return Optional.empty();
    }
    List<String> argv = argv(plugin, invocation, options);
    try {
      return launcher.prestart(
          java.nio.file.Path.of(argv.get(0)),
          argv.subList(1, argv.size()),
          PluginEnvironment.build(invocation, options, System.getenv()));
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "plugin type={} verb={} not started ahead of its call: {}",
          UntrustedText.plainOrQuoted(plugin.type()),
          invocation.verb(),
          UntrustedText.visible(e.toString()));
      return Optional.empty();
    }
  }

  /**
   * Runs a plugin as {@link #execute(LocatedPlugin, PluginInvocation, ExecOptions, Deadline)}
   * does, in the process {@code prestarted} when that was started for this call (otherwise it is
   * closed and a process is started now), and calls {@code whileRunning} once the plugin has its
   * stdin, before waiting for it (see {@link PluginLauncher#launch(LaunchRequest, Runnable)}).
   *
   * @param plugin the plugin, as located in CNI_PATH
   * @param invocation the environment values and stdin
   * @param options the options of this call
   * @param deadline when the call must be over
   * @param prestarted a process from {@link #prestart} for this call, or {@code null}; it is
   *     consumed either way
   * @param whileRunning the work to overlap with the plugin's run; called at most once
   * @return the plugin's stdout (possibly empty for DEL, CHECK, GC and STATUS)
   * @throws PluginExecutionException when the call failed; the subtype says how
   * @throws InterruptedException when the calling thread was interrupted; the plugin was stopped
   */
  public byte[] execute(
      LocatedPlugin plugin,
      PluginInvocation invocation,
      ExecOptions options,
      Deadline deadline,
      PrestartedPlugin prestarted,
      Runnable whileRunning)
      throws PluginExecutionException, InterruptedException {
    try (PrestartedPlugin owned = prestarted) {
      return run(plugin, invocation, options, deadline, owned, whileRunning);
    }
  }

  private static List<String> argv(
      LocatedPlugin plugin, PluginInvocation invocation, ExecOptions options) {
    return options
        .privilegeProfile()
        .map(p -> p.command(plugin.path(), invocation.netns()))
        .orElse(List.of(plugin.path().toString()));
  }

  private byte[] run(
      LocatedPlugin plugin,
      PluginInvocation invocation,
      ExecOptions options,
      Deadline deadline,
      PrestartedPlugin prestarted,
      Runnable whileRunning)
      throws PluginExecutionException, InterruptedException {
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(invocation, "invocation");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(deadline, "deadline");
    Verb verb = invocation.verb();
    long started = System.nanoTime();
    Objects.requireNonNull(whileRunning, "whileRunning");
    List<String> argv = argv(plugin, invocation, options);
    LaunchRequest request =
        new LaunchRequest(
            java.nio.file.Path.of(argv.get(0)),
            PluginEnvironment.build(invocation, options, System.getenv()),
            invocation.stdinUnsafe(),
            deadline,
            options.terminateGrace(),
            options.drainAfterExit(),
            options.stdoutLimit(),
            options.stderrTail(),
            argv.subList(1, argv.size()));
    LaunchResult result;
    try {
      Runnable once = new Once(whileRunning);
      result =
          prestarted != null && prestarted.serves(request)
              ? launchPrestarted(plugin, verb, prestarted, request, once, started)
              : launchRetryingBusy(plugin, verb, request, options, once, started);
    } catch (PluginLaunchException e) {
      LOG.debug(
          "plugin type={} verb={} could not start: {}",
          UntrustedText.plainOrQuoted(plugin.type()),
          verb,
          e.getMessage());
      throw e;
    }
    try {
      byte[] stdout = outcome(plugin, verb, deadline, options.stdoutLimit(), request, result);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "plugin type={} verb={} path={} took {} ms: ok, {} stdout bytes",
            UntrustedText.plainOrQuoted(plugin.type()),
            verb,
            UntrustedText.plainOrQuoted(plugin.realPath()),
            result.elapsed().toMillis(),
            stdout.length);
      }
      if (result.stderrBytes() > 0 && LOG.isDebugEnabled()) {
        LOG.debug(
            "plugin type={} verb={} stderr ({} bytes, last {} kept): {}",
            UntrustedText.plainOrQuoted(plugin.type()),
            verb,
            result.stderrBytes(),
            result.stderrTail().length,
            // the plugin's own text: quoted, so that it cannot forge log lines
            UntrustedText.quote(new String(result.stderrTail(), StandardCharsets.UTF_8)));
      }
      return stdout;
    } catch (PluginExecutionException e) {
      LOG.debug(
          "plugin type={} verb={} path={} took {} ms: {}",
          UntrustedText.plainOrQuoted(plugin.type()),
          verb,
          UntrustedText.plainOrQuoted(plugin.realPath()),
          result.elapsed().toMillis(),
          e.getClass().getSimpleName());
      throw e;
    }
  }

  private static LaunchResult launchPrestarted(
      LocatedPlugin plugin,
      Verb verb,
      PrestartedPlugin prestarted,
      LaunchRequest request,
      Runnable whileRunning,
      long started)
      throws PluginLaunchException, InterruptedException {
    try {
      return prestarted.launch(request, whileRunning);
    } catch (IOException e) {
      throw setupFailure(plugin, verb, e, started);
    }
  }

  /** A plugin process that could not be set up or supervised for another reason than exec. */
  private static PluginLaunchException setupFailure(
      LocatedPlugin plugin, Verb verb, IOException e, long started) {
    return new PluginLaunchException(
        plugin.type(),
        plugin.realPath(),
        verb,
        e.toString(),
        java.util.OptionalInt.empty(),
        Duration.ofNanos(System.nanoTime() - started),
        e);
  }

  private LaunchResult launchRetryingBusy(
      LocatedPlugin plugin,
      Verb verb,
      LaunchRequest request,
      ExecOptions options,
      Runnable whileRunning,
      long started)
      throws PluginLaunchException, InterruptedException {
    long backoff = options.textFileBusyBackoff().toNanos();
    for (int attempt = 0; ; attempt++) {
      try {
        return launcher.launch(request, whileRunning);
      } catch (SpawnException e) {
        long left = request.deadline().remainingNanos();
        if (!e.isTextFileBusy() || attempt >= options.textFileBusyRetries() || left <= backoff) {
          String problem =
              e.isTextFileBusy() && attempt > 0
                  ? e.getMessage() + ", still after " + (attempt + 1) + " attempts"
                  : e.getMessage();
          throw new PluginLaunchException(
              plugin.type(),
              plugin.realPath(),
              verb,
              problem,
              e.errno(),
              Duration.ofNanos(System.nanoTime() - started),
              e);
        }
        LOG.debug(
            "plugin type={} at {} is busy (being written); retrying in {} ms",
            UntrustedText.plainOrQuoted(plugin.type()),
            UntrustedText.plainOrQuoted(plugin.path()),
            TimeUnit.NANOSECONDS.toMillis(backoff));
        TimeUnit.NANOSECONDS.sleep(backoff);
        backoff = Math.min(Math.max(backoff * 2, 1), MAX_BACKOFF_NANOS);
      } catch (IOException e) {
        throw setupFailure(plugin, verb, e, started);
      }
    }
  }

  private static byte[] outcome(
      LocatedPlugin plugin,
      Verb verb,
      Deadline deadline,
      int stdoutLimit,
      LaunchRequest request,
      LaunchResult r)
      throws PluginExecutionException {
    String stderr = new String(r.stderrTail(), StandardCharsets.UTF_8);
    switch (r.ending()) {
      case DEADLINE_EXCEEDED:
        throw new PluginTimeoutException(
            plugin.type(),
            plugin.realPath(),
            verb,
            deadline.budget(),
            r.killed(),
            r.exitStatus(),
            r.signal(),
            r.elapsed(),
            stderr);
      case OUTPUT_LIMIT_EXCEEDED:
        throw new PluginOutputTooLargeException(
            plugin.type(),
            plugin.realPath(),
            verb,
            stdoutLimit,
            r.exitStatus(),
            r.signal(),
            r.elapsed(),
            stderr);
      case EXITED:
      default:
        break;
    }
    byte[] stdout = r.stdout();
    int status = r.exitStatus().getAsInt();
    if (status != 0) {
      throw new PluginErrorException(
          plugin.type(),
          plugin.realPath(),
          verb,
          status,
          r.signal(),
          r.elapsed(),
          stderr,
          decodeError(stdout),
          new String(stdout, StandardCharsets.UTF_8));
    }
    if (r.stdoutIncomplete()) {
      // Never taken for the plugin's output: it may be cut anywhere.
      throw new PluginProtocolException(
          plugin.type(),
          plugin.realPath(),
          verb,
          "exit status 0, but its stdout was not read up to where it left it by the end of the"
              + " drain period after its exit (drainAfterExit "
              + request.drainAfterExit().toMillis()
              + " ms; the reading fell behind, or a process it left behind kept writing); the "
              + stdout.length
              + " bytes read are not used",
          r.elapsed(),
          stderr,
          null,
          null);
    }
    if (isBlank(stdout) && (verb == Verb.ADD || verb == Verb.VERSION)) {
      throw new PluginProtocolException(
          plugin.type(),
          plugin.realPath(),
          verb,
          "exit status 0 with nothing (or only white space) on stdout; "
              + verb
              + " must print "
              + (verb == Verb.ADD ? "a result" : "its supported versions"),
          r.elapsed(),
          stderr,
          null,
          null);
    }
    CniError error = hasTopLevelCode(stdout) ? decodeError(stdout) : null;
    if (error != null) {
      throw new PluginProtocolException(
          plugin.type(),
          plugin.realPath(),
          verb,
          "exit status 0 but stdout is a CNI error object (code "
              + error.code()
              + ": "
              + error
              + ")",
          r.elapsed(),
          stderr,
          error,
          null);
    }
    return stdout;
  }

  private static boolean isBlank(byte[] stdout) {
    for (byte b : stdout) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** The CNI error on stdout, or {@code null} when stdout holds none. */
  private static CniError decodeError(byte[] stdout) {
    if (stdout.length == 0) {
      return null;
    }
    try {
      return CniError.fromJson(stdout);
    } catch (MalformedResultException e) {
      return null;
    }
  }

  /**
   * Whether stdout is a JSON object with a top-level integer {@code code}: an error object (no
   * result or VERSION reply has that key). A streaming scan, so that results are not parsed twice.
   */
  private static boolean hasTopLevelCode(byte[] stdout) {
    try (JsonParser p = Json.mapper().createParser(stdout)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("code")) {
          return value == JsonToken.VALUE_NUMBER_INT;
        }
        p.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false; // not JSON: whoever decodes the result reports it
    }
  }

  /**
   * Asks a plugin which spec versions it supports, as libcni's {@code GetVersionInfo} does: {@code
   * CNI_COMMAND=VERSION}, {@code dummy} for {@code CNI_NETNS}, {@code CNI_IFNAME} and {@code
   * CNI_PATH}, and {@code {"cniVersion":"<newest>"}} on stdin. A plugin that answers with the CNI
   * error {@code unknown CNI_COMMAND: VERSION} predates the command and supports 0.1.0 only.
   * Replies are cached per plugin file identity.
   *
   * @param plugin the plugin
   * @return what the plugin supports
   * @throws PluginExecutionException when the call failed or the reply is not a VERSION reply
   * @throws InterruptedException when the calling thread was interrupted
   */
  public VersionInfo version(LocatedPlugin plugin)
      throws PluginExecutionException, InterruptedException {
    return version(plugin, defaults);
  }

  /**
   * Like {@link #version(LocatedPlugin)}, with the given options.
   *
   * @param plugin the plugin
   * @param options the options of the call
   * @return what the plugin supports
   * @throws PluginExecutionException when the call failed or the reply is not a VERSION reply
   * @throws InterruptedException when the calling thread was interrupted
   */
  public VersionInfo version(LocatedPlugin plugin, ExecOptions options)
      throws PluginExecutionException, InterruptedException {
    VersionInfo cached = versions.get(plugin.identity());
    if (cached != null) {
      return cached;
    }
    VersionInfo info = probe(plugin, options);
    VersionInfo raced = versions.putIfAbsent(plugin.identity(), info);
    return raced == null ? info : raced;
  }

  private VersionInfo probe(LocatedPlugin plugin, ExecOptions options)
      throws PluginExecutionException, InterruptedException {
    byte[] stdin =
        ("{\"cniVersion\":\"" + CniVersion.latest() + "\"}").getBytes(StandardCharsets.UTF_8);
    PluginInvocation invocation =
        PluginInvocation.of(Verb.VERSION, "", "dummy", "dummy", "", "dummy", stdin);
    byte[] stdout;
    try {
      stdout = execute(plugin, invocation, options);
    } catch (PluginErrorException e) {
      // The one place the plugin's text decides: libcni compares the error's text, so do we.
      Optional<VersionInfo> legacy = e.cniError().flatMap(VersionInfo::fromVersionCommandError);
      if (legacy.isPresent()) {
        LOG.debug(
            "plugin type={} predates VERSION; assuming 0.1.0 only",
            UntrustedText.plainOrQuoted(plugin.type()));
        return legacy.get();
      }
      throw e;
    }
    try {
      return VersionInfo.fromJson(stdout);
    } catch (MalformedResultException e) {
      throw new PluginProtocolException(
          plugin.type(),
          plugin.realPath(),
          Verb.VERSION,
          "the VERSION reply is not valid: " + e.getMessage(),
          e);
    }
  }

  /**
   * Whether the plugin lists the given spec version in its VERSION reply.
   *
   * @param plugin the plugin
   * @param version the version a configuration asks for
   * @return {@code true} when the plugin supports it
   * @throws PluginExecutionException when the VERSION call failed
   * @throws InterruptedException when the calling thread was interrupted
   */
  public boolean supports(LocatedPlugin plugin, CniVersion version)
      throws PluginExecutionException, InterruptedException {
    return version(plugin).supports(Objects.requireNonNull(version, "version"));
  }

  /**
   * Fails unless the plugin supports the given spec version (libcni's {@code validatePlugin}).
   *
   * @param plugin the plugin
   * @param version the version a configuration asks for
   * @throws IncompatiblePluginVersionException when the plugin does not list it
   * @throws CniException when the VERSION call failed
   * @throws InterruptedException when the calling thread was interrupted
   */
  public void requireSupport(LocatedPlugin plugin, CniVersion version)
      throws CniException, InterruptedException {
    VersionInfo info = version(plugin);
    if (!info.supports(version)) {
      List<String> supported = info.supportedVersions();
      throw new IncompatiblePluginVersionException(
          plugin.type(), plugin.realPath(), version, supported);
    }
  }

  /** A hook that runs at most once, however many launch attempts there are. */
  private static final class Once implements Runnable {
    private Runnable hook;

    Once(Runnable hook) {
      this.hook = hook;
    }

    @Override
    public void run() {
      Runnable h = hook;
      hook = null;
      if (h != null) {
        h.run();
      }
    }
  }
}
