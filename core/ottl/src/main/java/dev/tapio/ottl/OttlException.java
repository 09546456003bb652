package dev.tapio.ottl;

/**
 * A statement or condition that does not parse or compile: a syntax error, an unknown function,
 * a wrong argument count or type, or a path the context does not have. Carries the position
 * inside the statement text (0-based {@link #offset()}, 1-based {@link #line()} and
 * {@link #column()}); {@link #getMessage()} says "line L, column C: what is wrong" (just
 * "column C" for a one-line statement), followed by the statement with a caret under the
 * position, so that a configuration error names the spot as well as the key.
 */
public final class OttlException extends RuntimeException {
  private final String reason;
  private final int offset;
  private final int line;
  private final int column;

  OttlException(String text, int offset, String reason) {
    super(render(text, offset, reason), null, false, false);
    this.reason = reason;
    this.offset = Math.max(0, Math.min(offset, text.length()));
    int l = 1;
    int lineStart = 0;
    for (int i = 0; i < this.offset; i++) {
      if (text.charAt(i) == '\n') {
        l++;
        lineStart = i + 1;
      }
    }
    this.line = l;
    this.column = this.offset - lineStart + 1;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }

  /** 0-based offset of the error in the statement text. */
  public int offset() {
    return offset;
  }

  /** 1-based line of the error within the statement text. */
  public int line() {
    return line;
  }

  /** 1-based column of the error within its line. */
  public int column() {
    return column;
  }

  private static String render(String text, int offset, String reason) {
    int at = Math.max(0, Math.min(offset, text.length()));
    int lineStart = text.lastIndexOf('\n', at - 1) + 1;
    int lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0) {
      lineEnd = text.length();
    }
    int line = 1;
    for (int i = 0; i < lineStart; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    boolean multiLine = text.indexOf('\n') >= 0;
    int column = at - lineStart + 1;
    String where = multiLine ? "line " + line + ", column " + column : "column " + column;
    String shown = text.substring(lineStart, lineEnd);
    return where + ": " + reason + "\n  " + shown + "\n  " + " ".repeat(at - lineStart) + "^";
  }
}
