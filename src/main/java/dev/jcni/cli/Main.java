package dev.jcni.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The {@code jcni} program: {@code java -jar jcni-cli.jar COMMAND ...}. */
public final class Main {
  /**
   * How long a signal that ends the JVM (Ctrl-C, SIGTERM) waits for the command to stop its plugin:
   * SIGTERM, the grace period (5 s by default) and SIGKILL, the drain period, and some margin.
   */
  static final long STOP_WAIT_SECONDS = 20;

  private Main() {}

  /**
   * Runs jcni and exits with its exit code.
   *
   * <p>A plugin runs in a process group of its own, so Ctrl-C on the terminal does not reach it.
   * When a signal ends the JVM while a command that runs plugins runs, the command's thread is
   * interrupted, which stops the running plugin as a deadline would (SIGTERM, grace period,
   * SIGKILL), and the JVM waits for that: no plugin goes on running unseen after {@code jcni} has
   * exited. Other commands end at once, as any program on such a signal.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // The library logs through SLF4J; the CLI jar binds it to slf4j-simple on stderr, quiet unless
    // --debug asks for everything.
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    Thread command = Thread.currentThread();
    CountDownLatch finished = new CountDownLatch(1);
    Cli cli = new Cli(Cli.allCommands(), System.getenv(), System.out, System.err);
    Thread stopOnSignal =
        new Thread(
            () -> {
              if (finished.getCount() == 0 || !cli.runningPlugins()) {
                return; // an ordinary exit, or nothing to stop
              }
              command.interrupt();
              try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "jcni-stop-on-signal");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
    int code;
    try {
      code = cli.run(args);
      System.out.flush();
    } finally {
      // before System.exit, which would wait for the hook for ever during a shutdown
      finished.countDown();
    }
    System.exit(code);
  }
}
