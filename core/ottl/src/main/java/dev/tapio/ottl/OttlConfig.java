package dev.tapio.ottl;

import dev.tapio.config.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads OTTL from a component's configuration, compiling each statement or condition once to
 * check it: a problem is reported at its character in the file (line and column, through
 * {@link dev.tapio.config.ConfigProblems#error(String, int, String)}), with the position inside
 * the statement and an excerpt in the message, and the item is left out.
 */
public final class OttlConfig {
  private OttlConfig() {}

  /** {@code error_mode}: propagate, ignore or silent. */
  public static ErrorMode errorMode(ConfigReader reader, ErrorMode defaultValue) {
    String text = reader.string("error_mode", defaultValue.name().toLowerCase(Locale.ROOT));
    for (ErrorMode m : ErrorMode.values()) {
      if (m.name().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    reader.error("error_mode", "'" + text + "' is not an error mode: use propagate, ignore or"
        + " silent");
    return defaultValue;
  }

  /** The conditions at {@code key} (a list of strings), each checked for {@code context}. */
  public static List<String> conditions(ConfigReader reader, String key, OttlContext context) {
    return check(reader, key, reader.stringList(key, List.of()), context, false);
  }

  /** The statements at {@code key} (a list of strings), each checked for {@code context}. */
  public static List<String> statements(ConfigReader reader, String key, OttlContext context) {
    return check(reader, key, reader.stringList(key, List.of()), context, true);
  }

  /**
   * Checks each text; reports a problem at {@code key.i} and leaves the item out. The message
   * is the {@link OttlException}'s: "column C: what" and the statement with a caret.
   */
  public static List<String> check(ConfigReader reader, String key, List<String> texts,
      OttlContext context, boolean statements) {
    List<String> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      try {
        if (statements) {
          Ottl.statement(text, context);
        } else {
          Ottl.condition(text, context);
        }
        out.add(text);
      } catch (OttlException e) {
        reader.error(key + "." + i, e.offset(), "invalid OTTL "
            + (statements ? "statement" : "condition")
            + " for the " + context.otelName() + " context at " + e.getMessage());
      }
    }
    return out;
  }
}
