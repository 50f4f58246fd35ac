package dev.jcni.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jcni.CniException;
import dev.jcni.internal.json.Json;
import dev.jcni.result.CniVersion;
import dev.jcni.result.MalformedResultException;
import dev.jcni.result.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code jcni result} commands, for operators who inspect results and cached results. */
final class ResultCommands {
  private ResultCommands() {}

  /**
   * The commands.
   *
   * @param stdin where {@code result convert} reads when it is given no file
   * @return every {@code result} command
   */
  static List<Command> all(InputStream stdin) {
    return List.of(new Convert(stdin));
  }

  /** {@code jcni result convert --to VERSION [FILE]}. */
  static final class Convert implements Command {
    private final InputStream stdin;

    Convert(InputStream stdin) {
      this.stdin = stdin;
    }

    @Override
    public List<String> words() {
      return List.of("result", "convert");
    }

    @Override
    public String summary() {
      return "convert a result to another spec version";
    }

    @Override
    public String usage() {
      return "--to VERSION [FILE]\n\n"
          + "Reads a result from FILE, or from standard input, and prints it converted to VERSION\n"
          + "as compact JSON, as libcni converts results. FILE may also be a libcni cache file,\n"
          + "whose \"result\" is converted. A result without cniVersion is read as 0.1.0.\n"
          + "Versions: "
          + versions()
          + ".";
    }

    @Override
    public List<Option> options() {
      return List.of(Option.value("to", "VERSION", "the spec version to convert to (required)"));
    }

    @Override
    public int run(Call call) throws CniException {
      call.expectPositionals(0, 1, "[FILE]");
      String to = call.option("to").orElseThrow(() -> new UsageException("missing --to VERSION"));
      CniVersion target =
          CniVersion.find(to)
              .orElseThrow(
                  () ->
                      new CniException(
                          "cannot convert to \""
                              + to
                              + "\": not a CNI version ("
                              + versions()
                              + ")"));
      String source = call.positionals().isEmpty() ? "standard input" : call.positional(0);
      byte[] bytes = call.positionals().isEmpty() ? readStdin() : readFile(source);
      Result result;
      try {
        result = Result.decode(resultOf(parse(bytes, source)), CniVersion.V0_1_0);
      } catch (MalformedResultException e) {
        throw new CniException(source + ": invalid result: " + e.getMessage(), e);
      }
      byte[] converted = result.convertTo(target).toCompactJson();
      call.out().write(converted, 0, converted.length);
      call.out().println();
      return ExitCode.OK;
    }

    private static String versions() {
      return Arrays.stream(CniVersion.values())
          .map(CniVersion::toString)
          .collect(Collectors.joining(", "));
    }

    private byte[] readStdin() throws CniException {
      try {
        byte[] bytes = stdin.readNBytes((int) Json.MAX_DOCUMENT_LENGTH + 1);
        if (bytes.length > Json.MAX_DOCUMENT_LENGTH) {
          throw new CniException(
              "standard input: more than " + Json.MAX_DOCUMENT_LENGTH + " bytes, not a result");
        }
        return bytes;
      } catch (IOException e) {
        throw new CniException("cannot read standard input: " + e.getMessage(), e);
      }
    }

    private static byte[] readFile(String file) throws CniException {
      Path path = Path.of(file);
      try {
        if (Files.size(path) > Json.MAX_DOCUMENT_LENGTH) {
          throw new CniException(
              file + ": more than " + Json.MAX_DOCUMENT_LENGTH + " bytes, not a result");
        }
        return Files.readAllBytes(path);
      } catch (IOException e) {
        throw new CniException("cannot read " + file + ": " + describe(e), e);
      }
    }

    private static String describe(IOException e) {
      return e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
    }

    private static JsonNode parse(byte[] bytes, String source) throws CniException {
      try {
        return Json.parse(bytes);
      } catch (JsonProcessingException e) {
        throw new CniException(source + ": not valid JSON: " + Json.problem(e), e);
      } catch (IOException e) {
        throw new CniException("cannot read " + source + ": " + e.getMessage(), e);
      }
    }

    /** A libcni cache file holds the result under {@code result}; anything else is the result. */
    private static JsonNode resultOf(JsonNode document) {
      JsonNode kind = document.get("kind");
      JsonNode result = document.get("result");
      if (kind != null && "cniCacheV1".equals(kind.textValue()) && result != null) {
        return result;
      }
      return document;
    }
  }
}
