package dev.jcni.runtime;

import dev.jcni.config.ConfigLinter;
import dev.jcni.config.LintFinding;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second JVM for {@link NonAsciiFileNamesInTheCLocaleTest}, started in the C locale: lints the
 * configuration directory given, opens it, breaks its good list and reloads. Prints one line per
 * step on stdout; an exception ends it with a stack trace and a non-zero exit status.
 *
 * <pre>
 * CLocaleConfigProcess DIR GOOD-PREFIX
 *   encoding ENCODING
 *   lint errors=N findingFileIsTheListedFile=BOOLEAN
 *   reload stale=BOOLEAN problems=N heard=N
 * </pre>
 */
public final class CLocaleConfigProcess {
  private CLocaleConfigProcess() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    System.out.println("encoding " + System.getProperty("sun.jnu.encoding"));
    Path good = null;
    Path broken = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (p.getFileName().toString().startsWith(args[1])) {
          good = p;
        } else {
          broken = p;
        }
      }
    }
    List<LintFinding> findings = ConfigLinter.create().lint(dir);
    long errors = findings.stream().filter(LintFinding::isError).count();
    Path listed = broken;
    System.out.println(
        "lint errors="
            + errors
            + " findingFileIsTheListedFile="
            + findings.stream().allMatch(f -> f.file().equals(listed)));
    try (NetworkConfigs configs = NetworkConfigs.builder(dir).open()) {
      AtomicInteger heard = new AtomicInteger();
      configs.addListener((previous, current) -> heard.incrementAndGet());
      Files.writeString(good, "{\"name\":\"x\",");
      NetworkConfigs.Snapshot s = configs.reload();
      System.out.println(
          "reload stale="
              + s.network("x").map(LoadedNetwork::isStale).orElse(false)
              + " problems="
              + s.problems().size()
              + " heard="
              + heard.get());
    }
  }
}
