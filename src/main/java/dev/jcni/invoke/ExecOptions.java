package dev.jcni.invoke;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How plugins are run: the deadline and how a late plugin is stopped, the output bounds, which
 * environment variables a plugin receives, and how a "text file busy" start is retried. Immutable;
 * built once per client with {@link #builder()}, and overridden per call with {@link
 * #withDeadline(Duration)}.
 *
 * <p>The environment is minimal by default: the six {@code CNI_*} variables, the caller's {@code
 * PATH}, the variables named with {@link Builder#passEnvironment(String...)}, and the extras of the
 * invocation. Inheriting the whole environment of the JVM (libcni's behaviour) has to be asked for
 * with {@link Builder#inheritEnvironment(boolean)}.
 */
public final class ExecOptions {
  /** Default time a plugin call may take: 120 s. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);

  /** Default time between SIGTERM and SIGKILL: 5 s. */
  public static final Duration DEFAULT_TERMINATE_GRACE = Duration.ofSeconds(5);

  /** Default time to keep reading output once the plugin has exited: 1 s. */
  public static final Duration DEFAULT_DRAIN_AFTER_EXIT = Duration.ofSeconds(1);

  /** Default limit on a plugin's stdout: 4 MiB. */
  public static final int DEFAULT_STDOUT_LIMIT = 4 * 1024 * 1024;

  /** Default number of stderr bytes kept (the last ones): 64 KiB. */
  public static final int DEFAULT_STDERR_TAIL = 64 * 1024;

  /** Largest stdout limit accepted: 1 GiB. */
  public static final int MAX_STDOUT_LIMIT = 1 << 30;

  /** Default number of retries when the plugin file is busy (being written). */
  public static final int DEFAULT_TEXT_FILE_BUSY_RETRIES = 5;

  /** Default first pause before such a retry; it doubles on every retry, up to 1 s. */
  public static final Duration DEFAULT_TEXT_FILE_BUSY_BACKOFF = Duration.ofMillis(50);

  private static final ExecOptions DEFAULTS = builder().build();

  private final Duration deadline;
  private final Duration terminateGrace;
  private final Duration drainAfterExit;
  private final int stdoutLimit;
  private final int stderrTail;
  private final boolean inheritEnvironment;
  private final List<String> passEnvironment;
  private final int textFileBusyRetries;
  private final Duration textFileBusyBackoff;
  private final Optional<PrivilegeProfile> privilegeProfile;

  private ExecOptions(Builder b) {
    this.deadline = b.deadline;
    this.terminateGrace = b.terminateGrace;
    this.drainAfterExit = b.drainAfterExit;
    this.stdoutLimit = b.stdoutLimit;
    this.stderrTail = b.stderrTail;
    this.inheritEnvironment = b.inheritEnvironment;
    this.passEnvironment = List.copyOf(new TreeSet<>(b.passEnvironment));
    this.textFileBusyRetries = b.textFileBusyRetries;
    this.textFileBusyBackoff = b.textFileBusyBackoff;
    this.privilegeProfile = b.privilegeProfile;
  }

  /** The defaults: 120 s deadline, 5 s grace, 1 s drain, 4 MiB stdout, 64 KiB stderr tail. */
  public static ExecOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.deadline = deadline;
    b.terminateGrace = terminateGrace;
    b.drainAfterExit = drainAfterExit;
    b.stdoutLimit = stdoutLimit;
    b.stderrTail = stderrTail;
    b.inheritEnvironment = inheritEnvironment;
    b.passEnvironment.addAll(passEnvironment);
    b.textFileBusyRetries = textFileBusyRetries;
    b.textFileBusyBackoff = textFileBusyBackoff;
    b.privilegeProfile = privilegeProfile;
    return b;
  }

  /**
   * These options with another deadline, for one call.
   *
   * @param deadline the time the call may take; positive
   * @return a copy
   */
  public ExecOptions withDeadline(Duration deadline) {
    return toBuilder().deadline(deadline).build();
  }

  /**
   * The time a plugin call may take, from its turn to run (a wait for a place among the plugins
   * allowed to run at once does not count). With a client that prestarts plugins, a wait for the
   * call's process, still being started ahead, is part of the call.
   */
  public Duration deadline() {
    return deadline;
  }

  /** The time between SIGTERM and SIGKILL when a plugin is stopped. */
  public Duration terminateGrace() {
    return terminateGrace;
  }

  /**
   * How long output is still read once the plugin has exited; a process the plugin left behind that
   * keeps stdout open cannot hold the call longer than this. What the plugin wrote before it exited
   * is still read when the period is shorter, zero included (the ProcessBuilder launcher gives it
   * at least 100 ms). If stdout could not be read up to where the plugin left it (the reading fell
   * behind, or a process it left behind kept writing), the output is not used: the call fails with
   * {@link dev.jcni.PluginProtocolException} (unless the exit status already makes it fail).
   */
  public Duration drainAfterExit() {
    return drainAfterExit;
  }

  /** The most bytes a plugin may write to stdout; past it the plugin is stopped. */
  public int stdoutLimit() {
    return stdoutLimit;
  }

  /** How many of the last stderr bytes are kept; the rest is read and dropped. */
  public int stderrTail() {
    return stderrTail;
  }

  /** Whether plugins inherit the whole environment of the JVM. */
  public boolean inheritEnvironment() {
    return inheritEnvironment;
  }

  /** Variables of the JVM's environment passed on to plugins, sorted. */
  public List<String> passEnvironment() {
    return passEnvironment;
  }

  /** How often a start that fails with "text file busy" is retried. */
  public int textFileBusyRetries() {
    return textFileBusyRetries;
  }

  /** The first pause before such a retry (it doubles each time, up to 1 s). */
  public Duration textFileBusyBackoff() {
    return textFileBusyBackoff;
  }

  /** The least-privilege profile plugins run under, if any (none by default). */
  public Optional<PrivilegeProfile> privilegeProfile() {
    return privilegeProfile;
  }

  @Override
  public String toString() {
    return "ExecOptions[deadline="
        + deadline
        + ", terminateGrace="
        + terminateGrace
        + ", drainAfterExit="
        + drainAfterExit
        + ", stdoutLimit="
        + stdoutLimit
        + ", stderrTail="
        + stderrTail
        + ", inheritEnvironment="
        + inheritEnvironment
        + ", passEnvironment="
        + passEnvironment
        + ", textFileBusyRetries="
        + textFileBusyRetries
        + ", textFileBusyBackoff="
        + textFileBusyBackoff
        + privilegeProfile.map(p -> ", privilegeProfile=" + p).orElse("")
        + "]";
  }

  /** Builds {@link ExecOptions}. Not thread-safe. */
  public static final class Builder {
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration terminateGrace = DEFAULT_TERMINATE_GRACE;
    private Duration drainAfterExit = DEFAULT_DRAIN_AFTER_EXIT;
    private int stdoutLimit = DEFAULT_STDOUT_LIMIT;
    private int stderrTail = DEFAULT_STDERR_TAIL;
    private boolean inheritEnvironment;
    private final List<String> passEnvironment = new ArrayList<>();
    private int textFileBusyRetries = DEFAULT_TEXT_FILE_BUSY_RETRIES;
    private Duration textFileBusyBackoff = DEFAULT_TEXT_FILE_BUSY_BACKOFF;
    private Optional<PrivilegeProfile> privilegeProfile = Optional.empty();

    private Builder() {}

    /**
     * Sets the time a plugin call may take.
     *
     * @param deadline positive
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * Sets the time between SIGTERM and SIGKILL.
     *
     * @param grace zero or more
     * @return this builder
     */
    public Builder terminateGrace(Duration grace) {
      this.terminateGrace = notNegative(grace, "terminateGrace");
      return this;
    }

    /**
     * Sets how long output is still read once the plugin has exited (see {@link
     * ExecOptions#drainAfterExit()}).
     *
     * @param drain zero or more
     * @return this builder
     */
    public Builder drainAfterExit(Duration drain) {
      this.drainAfterExit = notNegative(drain, "drainAfterExit");
      return this;
    }

    /**
     * Sets the most bytes a plugin may write to stdout.
     *
     * @param bytes from 1 to {@link #MAX_STDOUT_LIMIT}
     * @return this builder
     */
    public Builder stdoutLimit(int bytes) {
      if (bytes < 1 || bytes > MAX_STDOUT_LIMIT) {
        throw new IllegalArgumentException(
            "stdoutLimit must be from 1 to " + MAX_STDOUT_LIMIT + ", not " + bytes);
      }
      this.stdoutLimit = bytes;
      return this;
    }

    /**
     * Sets how many of the last stderr bytes are kept.
     *
     * @param bytes from 0 to {@link #MAX_STDOUT_LIMIT}
     * @return this builder
     */
    public Builder stderrTail(int bytes) {
      if (bytes < 0 || bytes > MAX_STDOUT_LIMIT) {
        throw new IllegalArgumentException(
            "stderrTail must be from 0 to " + MAX_STDOUT_LIMIT + ", not " + bytes);
      }
      this.stderrTail = bytes;
      return this;
    }

    /**
     * Sets whether plugins inherit the whole environment of the JVM (libcni's behaviour). Off by
     * default: a runtime's secrets and settings then do not reach plugins by accident.
     *
     * @param inherit {@code true} to pass everything
     * @return this builder
     */
    public Builder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /**
     * Passes the named variables of the JVM's environment on to plugins, when set.
     *
     * @param names variable names, for example {@code HTTP_PROXY}
     * @return this builder
     */
    public Builder passEnvironment(String... names) {
      for (String name : names) {
        PluginInvocation.checkVariableName(name);
        if (PluginInvocation.RESERVED.contains(name)) {
          throw new IllegalArgumentException(name + " is set by jcni for every call");
        }
        passEnvironment.add(name);
      }
      return this;
    }

    /**
     * Sets how "text file busy" starts are retried.
     *
     * @param retries how many retries, 0 or more
     * @param firstBackoff the first pause; it doubles each time, up to 1 s
     * @return this builder
     */
    public Builder textFileBusyRetry(int retries, Duration firstBackoff) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must not be negative: " + retries);
      }
      this.textFileBusyRetries = retries;
      this.textFileBusyBackoff = notNegative(firstBackoff, "firstBackoff");
      return this;
    }

    /**
     * Runs every plugin under a least-privilege profile, or directly when {@code null} (the
     * default). A client checks the profile with {@link PrivilegeProfile#requireApplicable()} when
     * it is built.
     *
     * @param profile the profile, or {@code null} for none
     * @return this builder
     */
    public Builder privilegeProfile(PrivilegeProfile profile) {
      this.privilegeProfile = Optional.ofNullable(profile);
      return this;
    }

    /** The options. */
    public ExecOptions build() {
      return new ExecOptions(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, not " + d);
      }
      return d;
    }

    private static Duration notNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, not " + d);
      }
      return d;
    }
  }
}
