package dev.jcni.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The one configured JSON mapper of jcni, shared by every package (thread-safe once built).
 *
 * <p>Parsing is strict, as Go's {@code encoding/json} is, and stricter where that protects a root
 * process: duplicate keys are rejected, trailing tokens are rejected, and nesting depth, string
 * length and document size are bounded so that hostile input gives an exception rather than a
 * {@link StackOverflowError} or {@link OutOfMemoryError}. Numbers are kept exactly (big integers,
 * decimals with their scale) so that a plugin receives the values its config file holds.
 */
public final class Json {
  /** Deepest nesting accepted in any document; real CNI configs nest fewer than ten levels. */
  public static final int MAX_NESTING_DEPTH = 256;

  /** Longest string value or key accepted, in characters. */
  public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

  /** Largest document accepted, in bytes or characters. */
  public static final long MAX_DOCUMENT_LENGTH = 64L * 1024 * 1024;

  /** Node factory for trees built by hand; decimals keep their scale (see the mapper's features). */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Longest problem text {@link #problem} returns, in characters (before escapes). */
  public static final int MAX_PROBLEM_LENGTH = 300;

  /** A location as Jackson writes it, with an excerpt of the source. */
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: .*; line: (\\d+), column: (\\d+)\\]", Pattern.DOTALL);

  private static final ObjectMapper MAPPER = build();
  private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());

  private Json() {}

  private static ObjectMapper build() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNameLength(MAX_STRING_LENGTH)
                    .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Go writes characters outside the BMP as raw UTF-8, not as escaped surrogate pairs.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    return JsonMapper.builder(factory)
        .nodeFactory(NODES)
        // keep 1.50 as 1.50: the plugin must receive the number its config file holds
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(SerializationFeature.INDENT_OUTPUT)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  private static DefaultPrettyPrinter prettyPrinter() {
    // cnitool prints results with json.MarshalIndent(result, "", "    "): four spaces, "key": value.
    DefaultIndenter fourSpaces = new DefaultIndenter("    ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
    printer.indentObjectsWith(fourSpaces);
    printer.indentArraysWith(fourSpaces);
    // Go writes `"key": value`, and `{}` / `[]` for empty containers.
    return printer.withSeparators(
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""));
  }

  /** The shared mapper. Never reconfigure it; copy it if a variant is needed. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses one JSON document into a tree.
   *
   * @param bytes UTF-8 JSON
   * @return the tree (never {@code null}; an empty input is an error)
   * @throws IOException with the location of the first problem
   */
  public static JsonNode parse(byte[] bytes) throws IOException {
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      JsonNode node = MAPPER.readTree(parser);
      if (node == null || node.isMissingNode()) {
        throw new JsonParseException(parser, "empty document");
      }
      return node;
    }
  }

  /**
   * What a parser's exception says is wrong, as one line of visible text for a message: Jackson's
   * own words, whose quoted keys and tokens come from the document, with a source excerpt replaced
   * by its line and column, cut to {@value #MAX_PROBLEM_LENGTH} characters, and the characters that
   * must not reach a terminal or a log escaped ({@link UntrustedText#visible(String)}).
   *
   * @param e the parser's exception
   * @return the problem, without the location Jackson appends
   */
  public static String problem(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // a location inside the message (an unclosed object's start) quotes the document: keep only
    // where it is
    message = SOURCE.matcher(message).replaceAll("line $1, column $2");
    int end = message.length();
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '\n' || c == '\r') {
        end = i; // later lines hold details that quote the document
        break;
      }
    }
    return UntrustedText.visible(message.substring(0, end), MAX_PROBLEM_LENGTH);
  }

  /**
   * A JSON value's kind with its article, as error messages name it: "must be a string, not a
   * number".
   *
   * @param v the value
   * @return "an array", "an object", "a string", "a number", "a boolean" or "null"
   */
  public static String kind(JsonNode v) {
    switch (v.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Writes a tree as compact JSON, in UTF-8. */
  public static byte[] compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** Writes a tree as JSON indented with four spaces, the way cnitool prints results. */
  public static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }
}
