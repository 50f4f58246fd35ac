package dev.jcni.cli;

/** The {@code jcni} program: {@code java -jar jcni-cli.jar COMMAND ...}. */
public final class Main {
  private Main() {}

  /**
   * Runs jcni and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // The library logs through SLF4J; the CLI jar binds it to slf4j-simple on stderr, quiet unless
    // --debug asks for everything.
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    int code = new Cli(Cli.allCommands(), System.getenv(), System.out, System.err).run(args);
    System.out.flush();
    System.exit(code);
  }
}
