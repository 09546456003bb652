package dev.tapio.engine.config;

/**
 * The file position of a character inside a scalar value, from the text of the source: for a
 * problem found inside a value (the column of a syntax error in an OTTL statement), so that it
 * is reported at that character rather than at the start of the value. Handles plain and quoted
 * scalars on one line (quoted escapes decoded: {@code ''}, {@code \"}, {@code \x41},
 * {@code \u0041}) and literal block scalars ({@code |}, whose lines are the value's lines); gives
 * up (null) for folded scalars, a value continued on another line, or text from {@code ${…}}
 * references, where the value no longer matches the text. Stateless.
 */
final class ValuePosition {
  private ValuePosition() {}

  /**
   * The location of character {@code offset} of the scalar that starts at {@code start}, or
   * null when it cannot be told.
   */
  static Location of(String text, Location start, int offset) {
    if (text == null || start.line() <= 0 || offset < 0) {
      return null;
    }
    int lineStart = 0;
    for (int line = 1; line < start.line(); line++) {
      lineStart = text.indexOf('\n', lineStart) + 1;
      if (lineStart == 0) {
        return null;
      }
    }
    int at = lineStart + start.column() - 1;
    int lineEnd = text.indexOf('\n', lineStart);
    if (start.column() < 1 || at >= text.length() || lineEnd >= 0 && at >= lineEnd) {
      return null;
    }
    return switch (text.charAt(at)) {
      case '|' -> literal(text, start, at, offset);
      case '>' -> null;
      case '"' -> oneLine(text, start, at + 1, offset, '"');
      case '\'' -> oneLine(text, start, at + 1, offset, '\'');
      default -> oneLine(text, start, at, offset, '\0');
    };
  }

  /** A plain ({@code quote} 0) or quoted scalar: walks the text, decoding, to the offset. */
  private static Location oneLine(String text, Location start, int from, int offset,
      char quote) {
    int raw = from;
    for (int decoded = 0; decoded < offset; decoded++) {
      if (raw >= text.length()) {
        return null;
      }
      char c = text.charAt(raw);
      if (c == '\n' || c == '\r' || c == '$' && text.startsWith("${", raw)) {
        return null;
      }
      if (quote == '\'' && c == '\'') {
        if (!text.startsWith("''", raw)) {
          return null; // the value ended before the offset
        }
        raw += 2;
      } else if (quote == '"' && c == '"') {
        return null;
      } else if (quote == '"' && c == '\\') {
        char e = raw + 1 < text.length() ? text.charAt(raw + 1) : '\n';
        raw += switch (e) {
          case 'x' -> 4;
          case 'u' -> 6;
          case 'U' -> 10;
          case '\n', '\r' -> -raw - 1; // an escaped line break: give up below
          default -> 2;
        };
        if (raw < 0) {
          return null;
        }
      } else {
        raw++;
      }
    }
    return new Location(start.source(), start.line(), start.column() + (raw - from)
        + (quote == '\0' ? 0 : 1));
  }

  /** A literal block scalar: its content lines, less their indentation, are the value's. */
  private static Location literal(String text, Location start, int header, int offset) {
    int lineEnd = text.indexOf('\n', header);
    if (lineEnd < 0) {
      return null;
    }
    int indent = -1;
    int remaining = offset;
    int line = start.line();
    for (int p = lineEnd + 1; p <= text.length(); ) {
      int end = text.indexOf('\n', p);
      if (end < 0) {
        end = text.length();
      }
      line++;
      String content = text.substring(p, end);
      int spaces = 0;
      while (spaces < content.length() && content.charAt(spaces) == ' ') {
        spaces++;
      }
      boolean blank = spaces == content.length();
      if (!blank && indent < 0) {
        indent = spaces;
      }
      if (!blank && spaces < indent) {
        return null; // the block ended before the offset
      }
      int length = blank ? 0 : content.length() - indent;
      if (!blank && remaining <= length) {
        return new Location(start.source(), line, indent + remaining + 1);
      }
      remaining -= length + 1;
      if (remaining < 0 || end == text.length()) {
        return null;
      }
      p = end + 1;
    }
    return null;
  }
}
