package dev.jcni.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.ConfigException;
import dev.jcni.ConfigException.Context;
import dev.jcni.InvalidNameException;
import dev.jcni.internal.json.Json;
import dev.jcni.internal.text.UntrustedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The bytes of one configuration document and where they came from: parses them strictly and makes
 * exceptions that point at the line and column of a JSON path.
 *
 * <p>Positions are computed only when an exception is made, so valid documents pay nothing for
 * them.
 */
final class ConfigSource {
  private final byte[] bytes;
  private final Path path;
  private final Context base;
  private SourcePositions positions;

  /**
   * @param bytes the document, or {@code null} for a tree built in memory (messages then have no
   *     line and column); not copied, so the caller must not change it
   * @param path the file the bytes came from, for messages, or {@code null}
   */
  ConfigSource(byte[] bytes, Path path) {
    this(bytes, path, Context.NONE);
  }

  /**
   * @param base what is known of the place of any problem in the bytes before they are parsed, such
   *     as the network and plugin index of a drop-in file
   */
  ConfigSource(byte[] bytes, Path path, Context base) {
    this.bytes = bytes;
    this.path = path;
    this.base = base;
  }

  byte[] bytes() {
    return bytes;
  }

  Path path() {
    return path;
  }

  /** A context that names this source's file, with what is known of the place beforehand. */
  Context context() {
    return base.withFile(path);
  }

  private SourcePositions positions() {
    if (positions == null) {
      positions = new SourcePositions(bytes);
    }
    return positions;
  }

  /**
   * Parses the bytes as one strict JSON object: UTF-8 without a byte order mark, no NUL byte, no
   * comments, trailing commas, duplicate keys or trailing data, bounded nesting.
   */
  ObjectNode parseObject() throws ConfigException {
    checkEncoding();
    JsonNode node;
    JsonParser parser = null;
    try {
      parser = Json.mapper().createParser(bytes);
      node = Json.mapper().readTree(parser);
    } catch (StreamConstraintsException e) {
      int deep = positions().firstOffsetDeeperThan(Json.MAX_NESTING_DEPTH);
      if (deep >= 0) {
        throw errorAt(
            "JSON nests deeper than " + Json.MAX_NESTING_DEPTH + " levels", context(), deep, e);
      }
      throw jsonError(e, parser);
    } catch (JsonProcessingException e) {
      throw jsonError(e, parser);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot be parsed: " + UntrustedText.visible(String.valueOf(e.getMessage())),
          context(),
          e);
    } finally {
      closeQuietly(parser);
    }
    if (node == null || node.isMissingNode()) {
      throw new ConfigException("is empty: expected a JSON object", context(), null);
    }
    if (!node.isObject()) {
      throw error("must be a JSON object, not " + Json.kind(node), context(), "", false);
    }
    return (ObjectNode) node;
  }

  /**
   * The network name a file declares, read as far as its JSON goes once the {@link
   * TolerantScanner}'s repairs are made: the top-level {@code name} string before the first error,
   * when it is a valid network name; otherwise {@code null}.
   */
  static String declaredNetwork(byte[] bytes) {
    // a byte order mark is refused, but the name after it is still the one the file declares
    byte[] text =
        TolerantScanner.scan(
                startsWithByteOrderMark(bytes)
                    ? Arrays.copyOfRange(bytes, 3, bytes.length)
                    : bytes)
            .repaired();
    try (JsonParser p = Json.mapper().createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (key.equals("name")) {
          return value == JsonToken.VALUE_STRING && Names.networkNameProblem(p.getText()) == null
              ? p.getText()
              : null;
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      // the JSON breaks before a name
    }
    return null;
  }

  /**
   * {@link #parseObject()}, where a document that does not parse still names the network it
   * declares before its first error ({@link #declaredNetwork}), so that a directory never takes a
   * later file of that name for the broken one, as libcni, which stops at the broken file, never
   * does.
   */
  ObjectNode parseObjectNamingNetwork() throws ConfigException {
    try {
      return parseObject();
    } catch (ConfigException e) {
      if (e.network().isPresent()) {
        throw e;
      }
      String network = declaredNetwork(bytes);
      if (network == null) {
        throw e;
      }
      throw new ConfigException(e.problem(), e.context().withNetwork(network), e.getCause());
    }
  }

  private static void closeQuietly(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // reading from a byte array: nothing to release
      }
    }
  }

  private ConfigException jsonError(JsonProcessingException e, JsonParser parser) {
    JsonLocation location = e.getLocation();
    if (location == null && parser != null) {
      location = parser.currentLocation();
    }
    int offset = location == null ? -1 : (int) location.getByteOffset();
    TolerantScanner.Scan scan = TolerantScanner.scan(bytes);
    if (!scan.defects().isEmpty() && (offset < 0 || scan.defects().get(0).offset() <= offset)) {
      TolerantScanner.Defect first = scan.defects().get(0);
      return errorAt(first.message(), context(), first.offset(), e);
    }
    String problem;
    if (e instanceof MismatchedInputException) {
      problem = "unexpected text after the end of the JSON object";
    } else if (e instanceof JsonEOFException) {
      problem = "unexpected end of file: an object, array or string is not closed";
    } else {
      // Jackson's words quote keys and tokens of the document: escaped, one line, bounded
      problem = "not valid JSON: " + Json.problem(e);
    }
    if (offset >= 0) {
      return errorAt(problem, context(), offset, e);
    }
    if (location != null && location.getLineNr() > 0) {
      return new ConfigException(
          problem, context().at(location.getLineNr(), location.getColumnNr()), e);
    }
    return new ConfigException(problem, context(), e);
  }

  /** Rejects what the JSON parser would let through or report badly: a BOM, NUL, bad UTF-8. */
  void checkEncoding() throws ConfigException {
    if (startsWithByteOrderMark(bytes)) {
      throw errorAt(
          "starts with a UTF-8 byte order mark, which strict JSON parsers (libcni's too) reject",
          context(),
          0,
          null);
    }
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i];
      if (b > 0) {
        i++;
      } else if (b == 0) {
        throw errorAt("contains a NUL byte", context(), i, null);
      } else {
        int length = utf8SequenceLength(i);
        if (length == 0) {
          throw errorAt(
              String.format("is not valid UTF-8 (byte 0x%02X)", bytes[i] & 0xFF),
              context(),
              i,
              null);
        }
        i += length;
      }
    }
  }

  private static boolean startsWithByteOrderMark(byte[] text) {
    return text.length >= 3
        && (text[0] & 0xFF) == 0xEF
        && (text[1] & 0xFF) == 0xBB
        && (text[2] & 0xFF) == 0xBF;
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629: no overlong forms, no
   * surrogates, nothing above U+10FFFF), or 0 when it is not one.
   */
  private int utf8SequenceLength(int i) {
    int b0 = bytes[i] & 0xFF;
    int length;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      if (b0 == 0xE0) {
        min2 = 0xA0;
      } else if (b0 == 0xED) {
        max2 = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      if (b0 == 0xF0) {
        min2 = 0x90;
      } else if (b0 == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      return 0;
    }
    if (i + length > bytes.length) {
      return 0;
    }
    int b1 = bytes[i + 1] & 0xFF;
    if (b1 < min2 || b1 > max2) {
      return 0;
    }
    for (int k = 2; k < length; k++) {
      int b = bytes[i + k] & 0xFF;
      if (b < 0x80 || b > 0xBF) {
        return 0;
      }
    }
    return length;
  }

  /**
   * An exception located at a JSON pointer of this document.
   *
   * @param pointer the JSON pointer, such as {@code /plugins/1/type}; {@code ""} is the document
   * @param atKey point at the key rather than at the value (when the pointer has a key)
   */
  ConfigException error(String problem, Context context, String pointer, boolean atKey) {
    return new ConfigException(problem, locate(context, pointer, atKey), null);
  }

  /** An {@link InvalidNameException} located at the value of a JSON pointer. */
  InvalidNameException invalidName(
      InvalidNameException.Kind kind,
      String value,
      String reason,
      Context context,
      String pointer) {
    return new InvalidNameException(kind, value, reason, locate(context, pointer, false));
  }

  /** An exception located at a byte offset of this document. */
  ConfigException errorAt(String problem, Context context, int offset, Throwable cause) {
    if (bytes == null) {
      return new ConfigException(problem, context.withFile(path), cause);
    }
    return new ConfigException(
        problem,
        context.withFile(path).at(positions().line(offset), positions().column(offset)),
        cause);
  }

  /** The context with this source's file and the position of a JSON pointer, when found. */
  Context locate(Context context, String pointer, boolean atKey) {
    Context withFile = context.withFile(path);
    if (bytes == null) {
      return withFile;
    }
    SourcePositions.Offsets offsets = positions().find(pointer);
    if (offsets == null) {
      return withFile;
    }
    int offset = atKey && offsets.key() >= 0 ? offsets.key() : offsets.value();
    return withFile.at(positions().line(offset), positions().column(offset));
  }
}
