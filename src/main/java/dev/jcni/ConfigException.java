package dev.jcni;

import dev.jcni.internal.text.UntrustedText;
import java.io.Serializable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network configuration that cannot be used: unreadable, not strict JSON, a key of the wrong
 * type, an invalid name, plugin type or version (SPEC.md section 1).
 *
 * <p>The exception says where the problem is, as far as it is known: the source file, the line and
 * column, the network, the plugin (its index in the list and its {@code type}) and the field. Each
 * of these is optional; {@link #getMessage()} names all that are known, in the form {@code
 * FILE:LINE:COLUMN: network "n", plugins[1] (type "bridge"), field "ipam": problem}.
 */
public class ConfigException extends CniException {
  private static final long serialVersionUID = 1L;

  private final String problem;
  private final Context context;

  /**
   * Where a configuration problem is: each part is optional. Instances are immutable; the {@code
   * with} methods return copies.
   *
   * @param file the source file as text, or {@code null} when the configuration did not come from a
   *     file
   * @param network the network name, or {@code null} when unknown
   * @param pluginIndex the plugin's index in the network's final plugin list (drop-ins included),
   *     or {@code -1}
   * @param pluginType the plugin's {@code type}, or {@code null} when unknown
   * @param field the JSON path of the offending key, such as {@code ipam.type}, relative to the
   *     plugin object when {@code pluginIndex} is set and to the document otherwise; {@code null}
   *     when the problem is not about one key
   * @param line the 1-based line in the source, or {@code 0} when unknown
   * @param column the 1-based column (in characters) in the source, or {@code 0} when unknown
   */
  public record Context(
      String file,
      String network,
      int pluginIndex,
      String pluginType,
      String field,
      int line,
      int column)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A context that knows nothing. */
    public static final Context NONE = new Context(null, null, -1, null, null, 0, 0);

    /** Normalises unknown numbers to their "unknown" value. */
    public Context {
      pluginIndex = Math.max(pluginIndex, -1);
      line = Math.max(line, 0);
      column = line == 0 ? 0 : Math.max(column, 0);
    }

    /**
     * A copy naming the source file.
     *
     * @param path the file, or {@code null} for none
     * @return the copy
     */
    public Context withFile(Path path) {
      return new Context(
          path == null ? null : path.toString(),
          network,
          pluginIndex,
          pluginType,
          field,
          line,
          column);
    }

    /**
     * A copy naming the network.
     *
     * @param name the network name, or {@code null} for none
     * @return the copy
     */
    public Context withNetwork(String name) {
      return new Context(file, name, pluginIndex, pluginType, field, line, column);
    }

    /**
     * A copy naming the plugin.
     *
     * @param index the plugin's index in the network's plugin list, or {@code -1}
     * @param type the plugin's {@code type}, or {@code null} when unknown
     * @return the copy
     */
    public Context withPlugin(int index, String type) {
      return new Context(file, network, index, type, field, line, column);
    }

    /**
     * A copy naming the field.
     *
     * @param path the JSON path of the key (see {@link #field()}), or {@code null}
     * @return the copy
     */
    public Context withField(String path) {
      return new Context(file, network, pluginIndex, pluginType, path, line, column);
    }

    /**
     * A copy with a position in the source.
     *
     * @param newLine the 1-based line, or {@code 0}
     * @param newColumn the 1-based column, or {@code 0}
     * @return the copy
     */
    public Context at(int newLine, int newColumn) {
      return new Context(file, network, pluginIndex, pluginType, field, newLine, newColumn);
    }
  }

  /**
   * Creates an exception that knows only what is wrong.
   *
   * @param problem what is wrong
   */
  public ConfigException(String problem) {
    this(problem, Context.NONE, null);
  }

  /**
   * Creates an exception with the place of the problem.
   *
   * @param problem what is wrong, without the place (the message adds it); characters that are not
   *     visible text are escaped ({@link #getMessage()} is one line of visible characters)
   * @param context where the problem is
   * @param cause the underlying failure, or {@code null}
   */
  public ConfigException(String problem, Context context, Throwable cause) {
    super(format(UntrustedText.visible(problem), context), cause);
    // the problem may embed a parser's message that quotes the document
    this.problem = UntrustedText.visible(problem);
    this.context = context;
  }

  private static String format(String problem, Context c) {
    StringBuilder sb = new StringBuilder();
    if (c.file() != null) {
      // a file name is shown as it is, unless it holds characters that must not reach a terminal
      sb.append(UntrustedText.plainOrQuoted(c.file()));
      if (c.line() > 0) {
        sb.append(':').append(c.line());
        if (c.column() > 0) {
          sb.append(':').append(c.column());
        }
      }
      sb.append(": ");
    } else if (c.line() > 0) {
      sb.append("line ").append(c.line());
      if (c.column() > 0) {
        sb.append(", column ").append(c.column());
      }
      sb.append(": ");
    }
    return sb.append(detail(problem, c)).toString();
  }

  private static String detail(String problem, Context c) {
    List<String> parts = new ArrayList<>();
    if (c.network() != null) {
      parts.add("network " + quote(c.network()));
    }
    if (c.pluginIndex() >= 0) {
      parts.add(
          "plugins["
              + c.pluginIndex()
              + "]"
              + (c.pluginType() == null ? "" : " (type " + quote(c.pluginType()) + ")"));
    } else if (c.pluginType() != null) {
      parts.add("plugin type " + quote(c.pluginType()));
    }
    if (c.field() != null) {
      parts.add("field " + quote(c.field()));
    }
    return parts.isEmpty() ? problem : String.join(", ", parts) + ": " + problem;
  }

  /**
   * Quotes a value taken from a configuration for a one-line message: JSON-style escapes for
   * quotes, backslashes and characters that are not visible text ({@link UntrustedText#escapes}),
   * and at most 64 characters of the value.
   */
  static String quote(String value) {
    return UntrustedText.quote(value, UntrustedText.SHOWN);
  }

  /** What is wrong, without the place. */
  public String problem() {
    return problem;
  }

  /**
   * The message without the file and position: the network, plugin and field where known, then the
   * problem. Tools that print {@code FILE:LINE:COLUMN:} themselves use this.
   *
   * @return the message without its position prefix
   */
  public String detail() {
    return detail(problem, context);
  }

  /** Everything known about where the problem is. */
  public Context context() {
    return context;
  }

  /**
   * The source file, when the configuration came from one and its name, kept as text ({@link
   * Context#file()}), is a valid path of the default file system. Never throws: the name is empty
   * when it cannot be turned back into a path, as happens to a file name with non-ASCII bytes in a
   * JVM started in the C or POSIX locale (they are read as U+FFFD, which that encoding cannot
   * hold). {@link Context#file()} still has the text.
   *
   * @return the file, or empty when there is none or its name is not a valid path here
   */
  public Optional<Path> file() {
    if (context.file() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(context.file()));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** The network's name, when known. */
  public Optional<String> network() {
    return Optional.ofNullable(context.network());
  }

  /** The plugin's index in the network's final plugin list, when the problem is in a plugin. */
  public OptionalInt pluginIndex() {
    return context.pluginIndex() < 0 ? OptionalInt.empty() : OptionalInt.of(context.pluginIndex());
  }

  /** The plugin's {@code type}, when known. */
  public Optional<String> pluginType() {
    return Optional.ofNullable(context.pluginType());
  }

  /** The JSON path of the offending key, when the problem is about one key. */
  public Optional<String> field() {
    return Optional.ofNullable(context.field());
  }

  /** The 1-based line of the problem in the source, when known. */
  public OptionalInt line() {
    return context.line() == 0 ? OptionalInt.empty() : OptionalInt.of(context.line());
  }

  /** The 1-based column (in characters) of the problem in the source, when known. */
  public OptionalInt column() {
    return context.column() == 0 ? OptionalInt.empty() : OptionalInt.of(context.column());
  }
}
