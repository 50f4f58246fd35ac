package dev.jcni;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Native;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** What a test needs to start a JVM of its own on this build's classes. */
public final class ChildJvm {
  private ChildJvm() {}

  /** The {@code java} launcher of the JVM running the tests. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A class path with the directories or jars of {@code classes} (the main or test classes a child
   * runs) and of jcni's dependencies: Jackson, SLF4J's API and JNA.
   */
  public static String classPath(Class<?>... classes) {
    return Stream.concat(
            Stream.of(classes),
            Stream.of(
                ObjectMapper.class,
                JsonFactory.class,
                JsonAutoDetect.class,
                LoggerFactory.class,
                Native.class))
        .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
        .map(
            url -> {
              try {
                return Path.of(url.toURI()).toString();
              } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
              }
            })
        .distinct()
        .collect(Collectors.joining(File.pathSeparator));
  }
}
